use sqlx::Connection;

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_ok_with_a_request_id() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    let id = res.headers().get("x-request-id").expect("request id").to_str().expect("ascii").to_owned();
    assert_eq!(id.len(), 36, "a generated request id is a UUID: {id}");
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn a_clients_request_id_is_echoed_and_a_bad_one_replaced() {
    let app = spawn_app().await;
    let res = app.client.get(app.url("/healthz")).header("X-Request-Id", "abc-123").send().await.expect("request");
    assert_eq!(res.headers()["x-request-id"], "abc-123");
    let res =
        app.client.get(app.url("/healthz")).header("X-Request-Id", "a".repeat(300)).send().await.expect("request");
    assert_ne!(res.headers()["x-request-id"], "a".repeat(300).as_str());
}

#[tokio::test]
async fn readyz_is_ready_when_the_database_answers() {
    let app = spawn_app().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn readyz_is_unavailable_without_a_database() {
    let app = spawn_app_with(|s| {
        // Nothing listens on port 1; the lazy pool fails fast.
        s.database.url = "postgres://nobody:nothing@127.0.0.1:1/none".to_owned().into();
        s.database.acquire_timeout_seconds = 1;
    })
    .await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), 503);
    let body: serde_json::Value = res.json().await.expect("json");
    assert_eq!(body["database"], "unreachable");
    assert!(!body.to_string().contains("nobody"), "no connection details leak");
}

#[tokio::test]
async fn unknown_api_paths_get_the_contract_error_shape() {
    let app = spawn_app().await;
    // The payment API authenticates first (see api_keys.rs); the cabinet's routes answer 404.
    for path in ["/cabinet/api/v1/nothing-here"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 404, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let body: serde_json::Value = res.json().await.expect("json");
        assert_eq!(body["error"]["type"], "not_found");
        assert_eq!(body["error"]["code"], "not_found");
        assert!(body["error"]["message"].is_string());
    }
}

/// The pool does not test a connection in steady use before handing it out (a round trip per
/// request): a request that meets one PostgreSQL has dropped answers a retryable 503, never a 500,
/// and has every other connection released before it tested, so one request sees it; a connection
/// that has rested for a second is tested and replaced, so nobody sees it.
#[tokio::test]
async fn a_dropped_database_connection_answers_503_and_a_rested_one_is_replaced() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let p = m.pay("4242 4242 4242 4242", "100.00").await;
    let path = format!("/payments/{}", p["id"].as_str().expect("id"));
    let drop_all = "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
                    WHERE datname = current_database() AND pid <> pg_backend_pid()";

    // From a connection of its own: the app's pools lose theirs.
    let drop_app_connections = || async {
        let mut admin = sqlx::PgConnection::connect(&app.database_url).await.expect("connect");
        sqlx::query(drop_all).execute(&mut admin).await.expect("terminate the app's connections");
    };

    drop_app_connections().await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let status = m.get(&path).await.status().as_u16();
        statuses.push(status);
        if status == 200 {
            break;
        }
    }
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "{statuses:?}");
    assert_eq!(statuses.last(), Some(&200), "the pool recovers: {statuses:?}");
    assert!(statuses.len() <= 2, "one request meets the dropped connections: {statuses:?}");

    drop_app_connections().await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(m.get(&path).await.status(), 200, "a rested connection is tested before use");
}
