//! Notifications: signed per Standard Webhooks, retried, stored, guarded against SSRF.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use clickpay::webhooks::signature;
use clickpay::webhooks::ssrf::HostResolver;
use shared::Role;
use time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::helpers::{assert_error, json, spawn_app, spawn_app_full};

fn header(r: &Request, name: &str) -> String {
    r.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// Checks a received notification as a merchant would, with our verifier.
fn verify(secret: &str, r: &Request) -> serde_json::Value {
    let ts: i64 = header(r, "webhook-timestamp").parse().expect("timestamp");
    let id = header(r, "webhook-id");
    signature::verify(secret, &header(r, "webhook-signature"), &id, ts, &r.body, ts).expect("signature verifies");
    let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json body");
    assert_eq!(body["id"], id, "webhook-id is the event id");
    body
}

pub async fn receiver(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/hooks")).respond_with(ResponseTemplate::new(status)).mount(&server).await;
    server
}

#[tokio::test]
async fn every_event_type_arrives_signed() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let server = receiver(200).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    let secret = app.webhook_secret(org).await;

    m.pay("4000000000003220", "100.00").await;
    m.pay("4000000000000002", "100.00").await;
    let ok = m.pay("4242424242424242", "100.00").await;
    m.post(&format!("/payments/{}/refunds", ok["id"].as_str().expect("id")), serde_json::json!({"amount": "10.00"}))
        .await;
    let bad = m.pay("4000000000005126", "100.00").await;
    m.post(&format!("/payments/{}/refunds", bad["id"].as_str().expect("id")), serde_json::json!({})).await;
    m.post(
        "/payouts",
        serde_json::json!({"amount": "10.00", "currency": "RUB", "card": {"number": "4242424242424242"}}),
    )
    .await;
    m.post(
        "/payouts",
        serde_json::json!({"amount": "10.00", "currency": "RUB", "card": {"number": "4000000000000002"}}),
    )
    .await;
    while app.deliver().await > 0 {}

    let received = server.received_requests().await.expect("requests");
    let mut types: Vec<String> =
        received.iter().map(|r| verify(&secret, r)["type"].as_str().expect("type").to_owned()).collect();
    types.sort();
    types.dedup();
    assert_eq!(
        types,
        [
            "payment.authentication_required",
            "payment.failed",
            "payment.refunded",
            "payment.succeeded",
            "payout.failed",
            "payout.succeeded",
            "refund.failed",
            "refund.succeeded"
        ]
    );
    for r in &received {
        assert_eq!(header(r, "content-type"), "application/json");
        let body: serde_json::Value = serde_json::from_slice(&r.body).expect("json");
        assert!(body["data"]["id"].is_string() && body["created_at"].is_string());
    }
    let pending: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE delivery_status <> 'delivered'")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(pending, 0);
}

#[tokio::test]
async fn failures_are_retried_with_the_same_id_and_a_fresh_signature() {
    let app = spawn_app_with_short_timeout().await;
    let (org, m) = app.merchant_of_new_org().await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(std::time::Duration::from_secs(3)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    let secret = app.webhook_secret(org).await;
    m.pay("4242424242424242", "100.00").await;

    assert_eq!(app.deliver().await, 1, "first attempt: 500");
    assert_eq!(app.deliver().await, 0, "not due again yet");
    app.clock.advance(Duration::seconds(7));
    assert_eq!(app.deliver().await, 1, "second attempt: times out");
    app.clock.advance(Duration::seconds(75));
    assert_eq!(app.deliver().await, 1, "third attempt: 204");

    let received = server.received_requests().await.expect("requests");
    assert_eq!(received.len(), 3);
    let ids: Vec<String> = received.iter().map(|r| header(r, "webhook-id")).collect();
    assert!(ids.iter().all(|id| id == &ids[0]), "one webhook-id across retries");
    let stamps: Vec<String> = received.iter().map(|r| header(r, "webhook-timestamp")).collect();
    assert!(stamps[0] != stamps[1] && stamps[1] != stamps[2], "each attempt is signed at its own time: {stamps:?}");
    for r in &received {
        verify(&secret, r);
    }
    let attempts: Vec<(Option<i16>, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT http_status, error, response_snippet FROM delivery_attempts ORDER BY id")
            .fetch_all(&app.db)
            .await
            .expect("attempts");
    assert_eq!(attempts[0], (Some(500), Some("HTTP 500".to_owned()), Some("oops".to_owned())));
    assert!(attempts[1].0.is_none() && attempts[1].1.as_deref().is_some_and(|e| e.starts_with("timeout")));
    assert_eq!(attempts[2].0, Some(204));
    let (status, count): (String, i32) =
        sqlx::query_as("SELECT delivery_status, attempts FROM events").fetch_one(&app.db).await.expect("event");
    assert_eq!((status.as_str(), count), ("delivered", 3));
}

async fn spawn_app_with_short_timeout() -> crate::helpers::TestApp {
    crate::helpers::spawn_app_with(|s| s.webhooks.timeout_seconds = 1).await
}

#[tokio::test]
async fn an_event_that_never_gets_through_fails_after_the_schedule() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let server = receiver(503).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    m.pay("4242424242424242", "1.00").await;
    for _ in 0..9 {
        assert_eq!(app.deliver().await, 1);
        app.clock.advance(Duration::hours(13));
    }
    assert_eq!(app.deliver().await, 0);
    let (status, attempts): (String, i32) =
        sqlx::query_as("SELECT delivery_status, attempts FROM events").fetch_one(&app.db).await.expect("event");
    assert_eq!((status.as_str(), attempts), ("failed", 9));
}

#[tokio::test]
async fn two_workers_on_one_database_deliver_each_event_once() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let server = receiver(200).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    for _ in 0..30 {
        m.pay("4242424242424242", "1.00").await;
    }
    // A second process: its own connection pool to the same database.
    let mut other = app.state.clone();
    other.db = sqlx::PgPool::connect(&app.database_url).await.expect("second pool");
    let (a, b) = tokio::join!(
        clickpay::webhooks::delivery::deliver_due(&app.state),
        clickpay::webhooks::delivery::deliver_due(&other)
    );
    assert_eq!(a.expect("a") + b.expect("b"), 30);
    let received = server.received_requests().await.expect("requests");
    let mut ids: Vec<String> = received.iter().map(|r| header(r, "webhook-id")).collect();
    assert_eq!(ids.len(), 30);
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "no event was sent twice");
}

/// Names that resolve where the test says.
pub struct FakeDns(pub HashMap<String, Vec<IpAddr>>);

#[async_trait::async_trait]
impl HostResolver for FakeDns {
    async fn lookup(&self, host: &str) -> std::io::Result<Vec<IpAddr>> {
        self.0.get(host).cloned().ok_or_else(|| std::io::Error::other("unknown host"))
    }
}

#[tokio::test]
async fn private_targets_are_refused_without_the_server_setting() {
    let dns = FakeDns(HashMap::from([
        ("internal.example".to_owned(), vec!["10.1.2.3".parse().expect("ip")]),
        ("mixed.example".to_owned(), vec!["93.184.216.34".parse().expect("ip"), "127.0.0.1".parse().expect("ip")]),
    ]));
    let app = spawn_app_full(|s| s.server.allow_private_webhook_targets = false, Arc::new(dns)).await;
    let (org, m) = app.merchant_of_new_org().await;
    let targets = [
        "http://127.0.0.1:9/hooks",
        "http://[::1]:9/hooks",
        "http://10.0.0.1/hooks",
        "http://169.254.169.254/latest/meta-data",
        "http://[::ffff:127.0.0.1]/hooks",
        "http://2130706433/hooks",
        "http://internal.example/hooks",
        "http://mixed.example/hooks",
    ];
    for target in targets {
        app.notify_to(org, target).await;
        m.pay("4242424242424242", "1.00").await;
        assert_eq!(app.deliver().await, 1, "{target}");
        let error: Option<String> = sqlx::query_scalar("SELECT error FROM delivery_attempts ORDER BY id DESC LIMIT 1")
            .fetch_one(&app.db)
            .await
            .expect("attempt");
        assert!(error.as_deref().is_some_and(|e| e.starts_with("blocked")), "{target}: {error:?}");
    }
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let elsewhere = receiver(200).await;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(307).insert_header("Location", format!("{}/hooks", elsewhere.uri()).as_str()),
        )
        .mount(&server)
        .await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    m.pay("4242424242424242", "1.00").await;
    app.deliver().await;
    assert_eq!(elsewhere.received_requests().await.expect("requests").len(), 0);
    let (status, delivered): (Option<i16>, String) = sqlx::query_as(
        "SELECT a.http_status, e.delivery_status FROM delivery_attempts a JOIN events e ON e.id = a.event_id",
    )
    .fetch_one(&app.db)
    .await
    .expect("row");
    assert_eq!((status, delivered.as_str()), (Some(307), "pending"), "a redirect is a failed attempt, retried later");
}

#[tokio::test]
async fn a_partner_resends_an_event_and_sees_every_attempt() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let (other_org, _) = app.merchant_of_new_org().await;
    let server = receiver(200).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    let p = m.pay("4242424242424242", "100.00").await;
    app.deliver().await;
    let partner = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    let stranger = app.cabinet(&app.create_user(Role::Partner, &[other_org]).await).await;

    let events = json(partner.get(&format!("/operations/{}/events", p["id"].as_str().expect("id"))).await).await;
    let event = &events["data"][0];
    assert_eq!(event["type"], "payment.succeeded");
    assert_eq!(event["delivery_status"], "delivered");
    assert_eq!(event["deliveries"][0]["http_status"], 200);
    let event_id = event["id"].as_str().expect("id");

    assert_error(stranger.post(&format!("/events/{event_id}/resend"), serde_json::json!({})).await, 404, "not_found")
        .await;
    assert_error(
        stranger.get(&format!("/operations/{}/events", p["id"].as_str().expect("id"))).await,
        404,
        "not_found",
    )
    .await;
    app.clock.advance(Duration::minutes(10));
    let resent = partner.post(&format!("/events/{event_id}/resend"), serde_json::json!({})).await;
    assert_eq!(resent.status(), 200);
    let attempt = json(resent).await;
    assert_eq!((attempt["http_status"].as_i64(), attempt["manual"].as_bool()), (Some(200), Some(true)));
    let received = server.received_requests().await.expect("requests");
    assert_eq!(received.len(), 2);
    assert_eq!(header(&received[0], "webhook-id"), header(&received[1], "webhook-id"));
    assert_ne!(header(&received[0], "webhook-timestamp"), header(&received[1], "webhook-timestamp"));
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'event.resent'")
        .fetch_one(&app.db)
        .await
        .expect("audit");
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_rotated_secret_signs_alongside_the_old_one_for_a_day() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let server = receiver(200).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    let old = app.webhook_secret(org).await;
    let admin = app.admin().await;
    let partner = app.cabinet(&app.create_user(Role::Partner, &[org]).await).await;
    assert_error(
        partner.post(&format!("/admin/organizations/{org}/webhook-secret"), serde_json::json!({})).await,
        403,
        "forbidden",
    )
    .await;
    let rotated =
        json(admin.post(&format!("/admin/organizations/{org}/webhook-secret"), serde_json::json!({})).await).await;
    let new = rotated["webhook_secret"].as_str().expect("secret").to_owned();
    assert_ne!(new, old);
    m.pay("4242424242424242", "1.00").await;
    app.deliver().await;
    let first = &server.received_requests().await.expect("requests")[0];
    assert_eq!(header(first, "webhook-signature").split(' ').count(), 2);
    verify(&new, first);
    verify(&old, first);
    app.clock.advance(Duration::hours(25));
    m.pay("4242424242424242", "1.00").await;
    app.deliver().await;
    let later = server.received_requests().await.expect("requests");
    let last = later.last().expect("request");
    assert_eq!(header(last, "webhook-signature").split(' ').count(), 1, "the old secret stopped signing");
    verify(&new, last);
}

#[tokio::test]
async fn the_published_standard_webhooks_library_verifies_our_deliveries() {
    let app = spawn_app().await;
    // The library checks the timestamp against the wall clock, so bring the test clock to now.
    app.clock.advance(time::OffsetDateTime::now_utc() - clickpay::domain::clock::Clock::now(&*app.clock));
    let (org, m) = app.merchant_of_new_org().await;
    let server = receiver(200).await;
    app.notify_to(org, &format!("{}/hooks", server.uri())).await;
    m.pay("4242424242424242", "100.00").await;
    app.deliver().await;
    let secret = app.webhook_secret(org).await;
    let wh = standardwebhooks::Webhook::new(&secret).expect("secret");
    let received = server.received_requests().await.expect("requests");
    assert_eq!(received.len(), 1);
    wh.verify(&received[0].body, &received[0].headers).expect("standardwebhooks accepts the delivery");
    let mut tampered = received[0].body.clone();
    tampered[10] ^= 1;
    assert!(wh.verify(&tampered, &received[0].headers).is_err());
}
