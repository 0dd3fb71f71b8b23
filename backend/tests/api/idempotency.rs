//! Idempotency exactly as the contract says.

use time::Duration;

use crate::helpers::{assert_error, json, payment_body, spawn_app};

#[tokio::test]
async fn a_replay_is_byte_identical_and_marked() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let body = payment_body("4242424242424242", "100.00");
    let first = m.post_with_key("/payments", body.clone(), "order-1842-attempt").await;
    assert_eq!(first.status(), 201);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first_bytes = first.bytes().await.expect("body");
    app.clock.advance(Duration::hours(23));
    let second = m.post_with_key("/payments", body, "order-1842-attempt").await;
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    assert_eq!(second.bytes().await.expect("body"), first_bytes);
    assert_eq!(app.bank_authorizations().await, 1);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM operations").fetch_one(&app.db).await.expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn bodies_are_compared_as_parsed_json() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let compact = r#"{"type":"ecom","amount":"10.00","currency":"RUB","card":{"number":"4242424242424242","exp_month":12,"exp_year":2030,"cvc":"123"}}"#;
    let reordered = r#"{ "card": {"cvc": "123", "exp_year": 2030, "exp_month": 12, "number": "4242424242424242"},
                         "currency": "RUB", "amount": "10.00", "type": "ecom" }"#;
    let send = |body: &'static str| {
        m.client
            .post(format!("{}/api/v1/payments", m.base))
            .bearer_auth(&m.key)
            .header("Idempotency-Key", "same")
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    assert_eq!(send(compact).await.expect("request").status(), 201);
    let replay = send(reordered).await.expect("request");
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
}

#[tokio::test]
async fn a_key_reused_with_another_body_method_or_path_is_409() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = json(m.post_with_key("/payments", payment_body("4242424242424242", "100.00"), "k1").await).await;
    let reused = m.post_with_key("/payments", payment_body("4242424242424242", "100.01"), "k1").await;
    assert_eq!(assert_error(reused, 409, "idempotency_key_reused").await["error"]["type"], "idempotency_error");
    let other_path = m
        .post_with_key(&format!("/payments/{}/refunds", p["id"].as_str().expect("id")), serde_json::json!({}), "k1")
        .await;
    assert_error(other_path, 409, "idempotency_key_reused").await;
    let other_method = m
        .client
        .delete(format!("{}/api/v1/card-tokens/ct_x", m.base))
        .bearer_auth(&m.key)
        .header("Idempotency-Key", "k1")
        .send()
        .await
        .expect("request");
    assert_error(other_method, 409, "idempotency_key_reused").await;
}

#[tokio::test]
async fn a_400_is_not_saved_so_the_client_can_fix_the_body() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut bad = payment_body("4242424242424242", "100.00");
    bad["card"]["number"] = "4242424242424241".into();
    assert_error(m.post_with_key("/payments", bad, "fix-me").await, 400, "invalid_card_number").await;
    let fixed = m.post_with_key("/payments", payment_body("4242424242424242", "100.00"), "fix-me").await;
    assert_eq!(fixed.status(), 201);
    assert!(fixed.headers().get("idempotent-replayed").is_none());
}

#[tokio::test]
async fn business_errors_are_saved_and_replayed() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let admin = app.admin().await;
    admin
        .patch(&format!("/admin/organizations/{org}/terminals/ecom"), serde_json::json!({"amount_limit": "50.00"}))
        .await;
    let body = payment_body("4242424242424242", "100.00");
    assert_error(m.post_with_key("/payments", body.clone(), "biz").await, 422, "amount_limit_exceeded").await;
    admin
        .patch(&format!("/admin/organizations/{org}/terminals/ecom"), serde_json::json!({"amount_limit": "500.00"}))
        .await;
    let replay = m.post_with_key("/payments", body, "biz").await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_error(replay, 422, "amount_limit_exceeded").await;
}

#[tokio::test]
async fn keys_are_scoped_to_the_organization() {
    let app = spawn_app().await;
    let (_, a) = app.merchant_of_new_org().await;
    let (_, b) = app.merchant_of_new_org().await;
    let pa = json(a.post_with_key("/payments", payment_body("4242424242424242", "100.00"), "shared-key").await).await;
    let pb = b.post_with_key("/payments", payment_body("4242424242424242", "100.00"), "shared-key").await;
    assert_eq!(pb.status(), 201);
    assert!(pb.headers().get("idempotent-replayed").is_none());
    assert_ne!(json(pb).await["id"], pa["id"]);
}

#[tokio::test]
async fn twenty_concurrent_identical_posts_make_one_operation_and_one_bank_call() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let body = payment_body("4242424242424242", "100.00");
    let requests = (0..20).map(|_| m.post_with_key("/payments", body.clone(), "burst"));
    let responses = futures_util::future::join_all(requests).await;
    let mut created = 0;
    for res in responses {
        match res.status().as_u16() {
            201 => created += 1,
            409 => assert_eq!(json(res).await["error"]["code"], "request_in_progress"),
            other => panic!("unexpected status {other}"),
        }
    }
    assert!(created >= 1);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM operations").fetch_one(&app.db).await.expect("count");
    assert_eq!(count, 1);
    assert_eq!(app.bank_authorizations().await, 1);
}

#[tokio::test]
async fn records_expire_after_24_hours_and_are_purged() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let body = payment_body("4242424242424242", "100.00");
    let first = json(m.post_with_key("/payments", body.clone(), "daily").await).await;
    app.clock.advance(Duration::hours(25));
    let second = m.post_with_key("/payments", body, "daily").await;
    assert_eq!(second.status(), 201);
    assert!(second.headers().get("idempotent-replayed").is_none(), "past 24 h the key starts afresh");
    assert_ne!(json(second).await["id"], first["id"]);
    app.clock.advance(Duration::hours(25));
    let purged = clickpay::workers::purge::purge_idempotency(&app.state).await.expect("purge");
    assert_eq!(purged, 1);
}
