//! Regression tests of the security review: the guards, the audit trail, velocity caps, sealed
//! cards, proxies and the database role (accounts are in `security_accounts.rs`).

use std::time::Duration as StdDuration;

use shared::Role;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, assert_error, json, payment_body, spawn_app, spawn_app_with};

/// Sends a request line exactly as written (no client normalises the path) and returns the
/// status code.
pub async fn raw_status(app: &TestApp, method: &str, path: &str, headers: &[(&str, &str)]) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", app.port)).await.expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("Content-Length: 0\r\n\r\n");
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(StdDuration::from_secs(10), stream.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

/// Every spelling of the docs' paths that a router could read as the docs.
pub const DOCS_SPELLINGS: &[&str] = &[
    "/partners/docs/openapi.json",
    "/partners/%64ocs/openapi.json",
    "/partners/docs/%6fpenapi.json",
    "/%70artners/docs/openapi.json",
    "/partners/docs%2Fopenapi.json",
    "/partners/%2564ocs/openapi.json",
    "//partners/docs/openapi.json",
    "/partners//docs/openapi.json",
    "/partners/docs//openapi.json",
    "/partners/./docs/openapi.json",
    "/x/../partners/docs/openapi.json",
    "/partners/docs/x/../openapi.json",
    "/partners/docs/",
    "/partners/docs/index.html",
    "/partners/docs",
];

#[tokio::test]
async fn the_docs_stay_closed_in_every_spelling_of_their_path() {
    let app = spawn_app().await;
    for path in DOCS_SPELLINGS {
        let status = raw_status(&app, "GET", path, &[]).await;
        assert!(status == 401 || status == 404 || status == 308, "{path} answered {status}");
    }
}

#[tokio::test]
async fn a_partner_gets_403_from_every_admin_endpoint_whatever_the_body() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let partner = app.create_user(Role::Partner, &[org]).await;
    let cab = app.cabinet(&partner).await;
    let routes = [
        ("POST", "/admin/organizations".to_owned()),
        ("PATCH", format!("/admin/organizations/{org}")),
        ("PATCH", format!("/admin/organizations/{org}/terminals/ecom")),
        ("POST", format!("/admin/organizations/{org}/webhook-secret")),
        ("GET", format!("/admin/organizations/{org}/limits")),
        ("PATCH", format!("/admin/organizations/{org}/limits")),
        ("POST", format!("/admin/organizations/{org}/api-keys")),
        ("GET", format!("/admin/organizations/{org}/api-keys")),
        ("DELETE", format!("/admin/api-keys/{}", uuid::Uuid::nil())),
        ("POST", "/admin/users".to_owned()),
        ("GET", "/admin/users".to_owned()),
        ("PATCH", format!("/admin/users/{}", partner.id)),
        ("POST", format!("/admin/users/{}/reset-password", partner.id)),
    ];
    for (method, path) in &routes {
        for body in ["", "{", "{\"name\": 5}", "[]"] {
            let res = cab
                .client
                .request(method.parse().expect("method"), format!("{}/cabinet/api/v1{path}", cab.base))
                .bearer_auth(&cab.token)
                .header("Content-Type", "application/json")
                .body(body)
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), 403, "{method} {path} with {body:?}");
        }
    }
}

#[tokio::test]
async fn hsts_is_sent_only_behind_https() {
    let plain = spawn_app().await;
    assert!(plain.get("/healthz").await.headers().get("strict-transport-security").is_none());
    let secure = spawn_app_with(|s| s.server.public_url = Some("https://pay.example".into())).await;
    let res = secure.get("/healthz").await;
    assert!(res.headers()["strict-transport-security"].to_str().expect("ascii").contains("max-age="));
}

#[tokio::test]
async fn payouts_and_refunds_stop_at_the_organizations_daily_caps() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    let admin = app.admin().await;
    let defaults = json(admin.get(&format!("/admin/organizations/{org}/limits")).await).await;
    assert_eq!(defaults["payouts_per_day"], 10000);
    let set = admin
        .patch(
            &format!("/admin/organizations/{org}/limits"),
            serde_json::json!({"payouts_per_day": 2, "refund_amount_per_day": "50.00"}),
        )
        .await;
    assert_eq!(set.status(), 200);
    let payout = || serde_json::json!({"amount": "10.00", "currency": "RUB", "card": {"number": "2200000000000004"}});
    assert_eq!(m.post("/payouts", payout()).await.status(), 201);
    assert_eq!(m.post("/payouts", payout()).await.status(), 201);
    assert_error(m.post("/payouts", payout()).await, 422, "velocity_limit_exceeded").await;
    let p = m.pay("4242424242424242", "100.00").await;
    let refunds = format!("/payments/{}/refunds", p["id"].as_str().expect("id"));
    assert_eq!(m.post(&refunds, serde_json::json!({"amount": "40.00"})).await.status(), 201);
    assert_error(m.post(&refunds, serde_json::json!({"amount": "20.00"})).await, 422, "velocity_limit_exceeded").await;
    let refused: i64 = sqlx::query_scalar("SELECT count(*) FROM operations WHERE type IN ('oct', 'refund')")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(refused, 3, "a refused payout or refund creates nothing");
    let bad =
        admin.patch(&format!("/admin/organizations/{org}/limits"), serde_json::json!({"payouts_per_day": 0})).await;
    assert_error(bad, 400, "invalid_request").await;
}

#[tokio::test]
async fn money_moves_are_audited_with_the_key_and_the_address() {
    let app = spawn_app_with(|s| s.server.trusted_proxies = vec!["127.0.0.0/8".into()]).await;
    let (org, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("4242424242424242", "100.00");
    body["save_card"] = true.into();
    let p = json(
        m.client
            .post(format!("{}/api/v1/payments", m.base))
            .bearer_auth(&m.key)
            .header("Idempotency-Key", "audited")
            .header("X-Forwarded-For", "203.0.113.7")
            .json(&body)
            .send()
            .await
            .expect("request"),
    )
    .await;
    let id = p["id"].as_str().expect("id");
    m.post(&format!("/payments/{id}/refunds"), serde_json::json!({"amount": "1.00"})).await;
    m.post(
        "/payouts",
        serde_json::json!({"amount": "5.00", "currency": "RUB", "card": {"number": "2200000000000004"}}),
    )
    .await;
    m.delete(&format!("/card-tokens/{}", p["card_token"].as_str().expect("token"))).await;
    let rows: Vec<(String, Option<uuid::Uuid>, Option<String>)> = sqlx::query_as(
        "SELECT action, actor_api_key_id, host(ip) FROM audit_log WHERE organization_id = $1 ORDER BY id",
    )
    .bind(org)
    .fetch_all(&app.db)
    .await
    .expect("audit");
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(actions, ["payment.create", "refund.create", "payout.create", "card_token.revoke"]);
    assert!(rows.iter().all(|r| r.1.is_some()), "each names the API key");
    assert_eq!(rows[0].2.as_deref(), Some("203.0.113.7"), "the client behind the trusted proxy");
    assert_eq!(rows[1].2.as_deref(), Some("127.0.0.1"));
    // A partner reading the organization (and its webhook secret) is audited too.
    let partner = app.create_user(Role::Partner, &[org]).await;
    app.cabinet(&partner).await.get(&format!("/organizations/{org}")).await;
    let reveals: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'webhook_secret.reveal' AND actor_user_id = $1",
    )
    .bind(partner.id)
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(reveals, 1);
}

#[tokio::test]
async fn forwarded_for_is_ignored_without_trusted_proxies() {
    let app = spawn_app().await;
    let (org, m) = app.merchant_of_new_org().await;
    m.client
        .post(format!("{}/api/v1/payouts", m.base))
        .bearer_auth(&m.key)
        .header("Idempotency-Key", "xff")
        .header("X-Forwarded-For", "203.0.113.7")
        .json(&serde_json::json!({"amount": "5.00", "currency": "RUB", "card": {"number": "2200000000000004"}}))
        .send()
        .await
        .expect("request");
    let ip: String = sqlx::query_scalar("SELECT host(ip) FROM audit_log WHERE organization_id = $1")
        .bind(org)
        .fetch_one(&app.db)
        .await
        .expect("ip");
    assert_eq!(ip, "127.0.0.1");
}

#[tokio::test]
async fn exports_and_resends_are_rate_limited_per_user() {
    let app = spawn_app_with(|s| {
        s.rate_limits.exports_per_user_per_minute = 1;
        s.rate_limits.resends_per_user_per_minute = 1;
    })
    .await;
    let org = app.create_organization("ООО Ромашка").await;
    let user = app.create_user(Role::Partner, &[org]).await;
    let cab = app.cabinet(&user).await;
    let export = format!("/reports/transactions.xlsx?organization_id={org}&from=2026-11-01&to=2026-11-30");
    assert_eq!(cab.get(&export).await.status(), 200);
    assert_eq!(cab.get(&export).await.status(), 429);
    assert_eq!(cab.post("/events/evt_nothing/resend", serde_json::json!({})).await.status(), 404);
    assert_eq!(cab.post("/events/evt_nothing/resend", serde_json::json!({})).await.status(), 429);
}

#[tokio::test]
async fn a_sealed_card_moved_to_another_row_does_not_open() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut tokens = Vec::new();
    for card in ["4242424242424242", "5555555555554444"] {
        let mut body = payment_body(card, "10.00");
        body["save_card"] = true.into();
        tokens.push(json(m.post("/payments", body).await).await["card_token"].as_str().expect("token").to_owned());
    }
    // Copy the first card's ciphertext into the second token's row.
    sqlx::query(
        "UPDATE card_tokens t SET pan_ciphertext = s.pan_ciphertext, pan_nonce = s.pan_nonce
           FROM card_tokens s WHERE s.token = $1 AND t.token = $2",
    )
    .bind(&tokens[0])
    .bind(&tokens[1])
    .execute(&app.db)
    .await
    .expect("swap");
    let charge = m
        .post(
            "/payments",
            serde_json::json!({"type": "ecom", "amount": "1.00", "currency": "RUB", "card_token": tokens[1]}),
        )
        .await;
    assert_ne!(charge.status(), 201, "the swapped card must not be charged");
    let charges: i64 =
        sqlx::query_scalar("SELECT count(*) FROM operations WHERE recurring").fetch_one(&app.db).await.expect("n");
    assert_eq!(charges, 0);
}

#[tokio::test]
async fn new_idempotency_records_keep_the_version_2_hash() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    m.pay("4242424242424242", "1.00").await;
    let version: i16 = sqlx::query_scalar("SELECT request_hash_version FROM idempotency_records")
        .fetch_one(&app.db)
        .await
        .expect("version");
    assert_eq!(version, 2);
}

#[tokio::test]
async fn the_application_role_cannot_change_the_schema_or_the_audit_log() {
    let app = spawn_app().await;
    let base = crate::helpers::base_database_url();
    let db: String = sqlx::query_scalar("SELECT current_database()").fetch_one(&app.db).await.expect("db");
    // The same grants as the scripts, for a role of this test.
    sqlx::raw_sql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clickpay_app_test') THEN
            CREATE ROLE clickpay_app_test LOGIN PASSWORD 'App-role-test-1'; END IF; END $$",
    )
    .execute(&app.db)
    .await
    .expect("role");
    let grants = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/app-role.sql"))
        .expect("scripts/app-role.sql")
        .replace(":\"DBNAME\"", &format!("\"{db}\""))
        .replace(":\"app_role\"", "clickpay_app_test");
    sqlx::raw_sql(&grants).execute(&app.db).await.expect("grants");
    let (_, rest) = base.split_once("://").expect("url");
    let (_, host) = rest.split_once('@').expect("url");
    let host = host.rsplit_once('/').expect("url").0;
    let url = format!("postgres://clickpay_app_test:App-role-test-1@{host}/{db}");
    let role = sqlx::PgPool::connect(&url).await.expect("connect as the app role");
    for refused in [
        "DROP TRIGGER audit_log_no_update_or_delete ON audit_log",
        "ALTER TABLE operations ADD COLUMN x int",
        "UPDATE audit_log SET action = 'x'",
        "DELETE FROM audit_log",
        "CREATE TABLE t (x int)",
        "DROP FUNCTION audit_log_append_only() CASCADE",
        "DELETE FROM _sqlx_migrations",
        "DELETE FROM reconciliation_discrepancies",
    ] {
        assert!(sqlx::query(refused).execute(&role).await.is_err(), "{refused}");
    }
    sqlx::query("INSERT INTO audit_log (action) VALUES ('test')").execute(&role).await.expect("append");
    sqlx::query("SELECT count(*) FROM operations").execute(&role).await.expect("read");
    role.close().await;
}

#[tokio::test]
async fn cards_sealed_before_binding_are_resealed_and_still_charge() {
    let app = spawn_app().await;
    let (_, m) = app.merchant_of_new_org().await;
    let mut body = payment_body("4242424242424242", "10.00");
    body["save_card"] = true.into();
    let token = json(m.post("/payments", body).await).await["card_token"].as_str().expect("token").to_owned();
    // As a row sealed by the earlier code: no associated data.
    let pan = clickpay::domain::card::CardNumber::parse("4242424242424242").expect("pan");
    let old = clickpay::vault::seal(&app.state.keys, &pan).expect("seal");
    sqlx::query("UPDATE card_tokens SET pan_ciphertext = $2, pan_nonce = $3, bound = false WHERE token = $1")
        .bind(&token)
        .bind(&old.ciphertext)
        .bind(&old.nonce[..])
        .execute(&app.db)
        .await
        .expect("unbind");
    let charge = |n: &str| serde_json::json!({"type": "ecom", "amount": n, "currency": "RUB", "card_token": token});
    assert_eq!(json(m.post("/payments", charge("1.00")).await).await["status"], "succeeded", "old rows still open");
    let resealed = clickpay::db::card_tokens::reseal_unbound(&app.db, &app.state.keys).await.expect("reseal");
    assert_eq!(resealed, 1);
    let bound: bool = sqlx::query_scalar("SELECT bound FROM card_tokens WHERE token = $1")
        .bind(&token)
        .fetch_one(&app.db)
        .await
        .expect("bound");
    assert!(bound);
    assert_eq!(json(m.post("/payments", charge("2.00")).await).await["status"], "succeeded");
}
