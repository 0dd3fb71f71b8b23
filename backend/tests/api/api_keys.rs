//! API-key authentication of the payment API.

use std::sync::Arc;

use clickpay::caches::Caches;

use crate::helpers::{Merchant, TestApp, assert_error, eventually, spawn_app, spawn_app_with};

#[tokio::test]
async fn missing_malformed_and_unknown_keys_get_401_in_the_contract_shape() {
    let app = spawn_app().await;
    let res = app.get("/api/v1/payments").await;
    let body = assert_error(res, 401, "invalid_api_key").await;
    assert_eq!(body["error"]["type"], "authentication_error");
    for key in ["not-a-key", "sk_live_unknownunknownunknownunknownunknown12345", ""] {
        let res = app
            .client
            .get(app.url("/api/v1/payments"))
            .header("Authorization", format!("Bearer {key}"))
            .send()
            .await
            .expect("request");
        assert_error(res, 401, "invalid_api_key").await;
    }
    let basic = app.client.get(app.url("/api/v1/payments")).basic_auth("sk_x", Some("")).send().await.expect("request");
    assert_error(basic, 401, "invalid_api_key").await;
}

#[tokio::test]
async fn a_valid_key_passes_and_a_blocked_organization_gets_403() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let merchant = app.merchant(&app.api_key(org).await);
    let res = merchant.get("/no-such-endpoint").await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_error(res, 404, "not_found").await;
    let admin = app.admin().await;
    admin.patch(&format!("/admin/organizations/{org}"), serde_json::json!({"status": "blocked"})).await;
    let body = assert_error(merchant.get("/payments").await, 403, "organization_blocked").await;
    assert_eq!(body["error"]["type"], "permission_error");
    let used: bool =
        sqlx::query_scalar("SELECT last_used_at IS NOT NULL FROM api_keys").fetch_one(&app.db).await.expect("row");
    assert!(used);
}

#[tokio::test]
async fn each_key_has_its_own_rate_limit() {
    let app = spawn_app_with(|s| s.rate_limits.api_per_key_per_minute = 3).await;
    let org = app.create_organization("ООО Ромашка").await;
    let first = app.merchant(&app.api_key(org).await);
    let second = app.merchant(&app.api_key(org).await);
    for _ in 0..3 {
        assert_eq!(first.get("/x").await.status(), 404);
    }
    let limited = first.get("/x").await;
    let retry: u64 = limited.headers()["retry-after"].to_str().expect("ascii").parse().expect("seconds");
    assert!((1..=60).contains(&retry));
    assert_error(limited, 429, "rate_limited").await;
    assert_eq!(second.get("/x").await.status(), 404, "another key is not limited");
}

/// An app whose change feed is up, and a merchant whose key it has cached.
async fn cached_merchant() -> (TestApp, Merchant, Arc<Caches>) {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let merchant = app.merchant(&app.api_key(org).await);
    let caches = app.state.caches.clone();
    eventually("the change feed coming up", || caches.is_live()).await;
    assert_eq!(merchant.get("/payments").await.status(), 200);
    assert_eq!(caches.cached_keys(), 1, "the key is now served from the cache");
    (app, merchant, caches)
}

#[tokio::test]
async fn a_key_revoked_behind_this_node_s_back_stops_working_at_once() {
    let (app, merchant, caches) = cached_merchant().await;
    // Another node (here: plain SQL) revokes the key: the NOTIFY reaches this node.
    sqlx::query("UPDATE api_keys SET revoked_at = now()").execute(&app.db).await.expect("revoke");
    eventually("the cache flush", || caches.cached_keys() == 0).await;
    assert_error(merchant.get("/payments").await, 401, "invalid_api_key").await;
}

#[tokio::test]
async fn an_organization_blocked_elsewhere_is_refused_at_once() {
    let (app, merchant, caches) = cached_merchant().await;
    sqlx::query("UPDATE organizations SET status = 'blocked'").execute(&app.db).await.expect("block");
    eventually("the cache flush", || caches.cached_keys() == 0).await;
    assert_error(merchant.get("/payments").await, 403, "organization_blocked").await;
}

#[tokio::test]
async fn the_cache_is_flushed_when_the_change_feed_reconnects() {
    let (app, merchant, caches) = cached_merchant().await;
    let before = caches.generation();
    // Cut the listening connection: whatever was notified while it was down is lost, so the
    // node forgets everything and serves from the database until it listens again.
    let cut: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
          WHERE application_name = $1 AND datname = current_database()",
    )
    .bind(clickpay::caches::LISTENER_NAME)
    .fetch_one(&app.db)
    .await
    .expect("terminate");
    assert_eq!(cut, 1, "one listening connection per node");
    eventually("the reconnection", || caches.generation() >= before + 2 && caches.is_live()).await;
    assert_eq!(caches.cached_keys(), 0);
    assert_eq!(merchant.get("/payments").await.status(), 200, "the key still works, read afresh");
    assert_eq!(caches.cached_keys(), 1);
}
