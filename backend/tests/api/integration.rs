//! The partner's «Интеграция»: a signed test notification, the delivery log, the API keys.

use serde_json::{Value, json};
use shared::Role;

use crate::helpers::{assert_error, json as body, spawn_app};

#[tokio::test]
async fn a_member_sends_a_signed_test_notification_and_sees_it_in_the_delivery_log() {
    let app = spawn_app().await;
    app.clock.advance(time::OffsetDateTime::now_utc() - clickpay::domain::clock::Clock::now(&*app.clock));
    let (org, m) = app.merchant_of_new_org().await;
    let partner = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    let path = format!("/organizations/{org}/webhook-test");
    // No URL: nothing to send to.
    sqlx::query("UPDATE organizations SET notification_url = NULL WHERE id = $1")
        .bind(org)
        .execute(&app.db)
        .await
        .expect("url");
    assert_error(partner.post(&path, json!({})).await, 422, "invalid_state").await;
    let server = crate::webhooks::receiver(200).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    let res = partner.post(&path, json!({})).await;
    assert_eq!(res.status(), 202);
    let event_id = body(res).await["event_id"].as_str().expect("event id").to_owned();
    while app.deliver().await > 0 {}
    let received = server.received_requests().await.expect("requests");
    assert_eq!(received.len(), 1);
    let wh = standardwebhooks::Webhook::new(&app.webhook_secret(org).await).expect("secret");
    wh.verify(&received[0].body, &received[0].headers).expect("signed as every event");
    let event: Value = serde_json::from_slice(&received[0].body).expect("json");
    assert_eq!((event["id"].as_str(), event["type"].as_str()), (Some(event_id.as_str()), Some("test.webhook")));
    assert_eq!(event["data"], json!({"organization_id": org.to_string()}));

    let log = body(partner.get(&format!("/organizations/{org}/events?limit=5")).await).await;
    assert_eq!(log["data"][0]["id"], event_id.as_str());
    assert_eq!(log["data"][0]["delivery_status"], "delivered");
    assert_eq!(log["data"][0]["deliveries"][0]["http_status"], 200);
    // The merchant's event log lists it too.
    let listed = body(m.get("/events?type=test.webhook").await).await;
    assert_eq!(listed["data"][0]["id"], event_id.as_str());
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'webhook.test'")
        .fetch_one(&app.db)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn the_keys_show_by_prefix_and_other_organizations_stay_hidden() {
    let app = spawn_app().await;
    let (org, _) = app.merchant_of_new_org().await;
    let other = app.create_organization("ООО Чужая").await;
    let partner = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    let keys = body(partner.get(&format!("/organizations/{org}/api-keys")).await).await;
    let first = &keys["data"][0];
    assert!(first["prefix"].as_str().is_some_and(|p| p.starts_with("sk_")), "{keys}");
    assert!(first.get("key").is_none() && !keys.to_string().contains("key_hash"), "never the key: {keys}");
    for path in [format!("/organizations/{other}/api-keys"), format!("/organizations/{other}/events")] {
        assert_error(partner.get(&path).await, 404, "not_found").await;
    }
    assert_error(partner.post(&format!("/organizations/{other}/webhook-test"), json!({})).await, 404, "not_found")
        .await;
    assert_error(partner.get(&format!("/organizations/{org}/events?limit=101")).await, 400, "invalid_request").await;
}
