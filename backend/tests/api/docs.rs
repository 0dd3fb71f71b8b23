//! The API docs: behind the cabinet session or HTTP Basic; the document covers the contract.

use shared::Role;

use crate::helpers::{json, spawn_app};

/// Every path of api-contract.md, with its methods.
const CONTRACT: &[(&str, &[&str])] = &[
    ("/api/v1/payments", &["post", "get"]),
    ("/api/v1/payments/{id}", &["get"]),
    ("/api/v1/payments/{id}/capture", &["post"]),
    ("/api/v1/payments/{id}/cancel", &["post"]),
    ("/api/v1/payments/{id}/refunds", &["post", "get"]),
    ("/api/v1/refunds", &["get"]),
    ("/api/v1/refunds/{id}", &["get"]),
    ("/api/v1/payouts", &["post", "get"]),
    ("/api/v1/payouts/{id}", &["get"]),
    ("/api/v1/card-tokens/{token}", &["get", "delete"]),
    ("/api/v1/events", &["get"]),
    ("/api/v1/balance", &["get"]),
    ("/api/v1/balance-transactions", &["get"]),
    ("/cabinet/api/v1/auth/login", &["post"]),
    ("/cabinet/api/v1/auth/login/totp", &["post"]),
    ("/cabinet/api/v1/organizations", &["get"]),
    ("/cabinet/api/v1/organizations/{id}", &["get"]),
    ("/cabinet/api/v1/organizations/{id}/webhook-test", &["post"]),
    ("/cabinet/api/v1/reports/transactions.xlsx", &["get"]),
    ("/cabinet/api/v1/admin/organizations", &["post"]),
    ("/cabinet/api/v1/admin/organizations/{id}", &["patch"]),
    ("/cabinet/api/v1/admin/organizations/{id}/terminals/{type}", &["patch"]),
    ("/cabinet/api/v1/admin/organizations/{id}/api-keys", &["post"]),
    ("/cabinet/api/v1/admin/api-keys/{id}", &["delete"]),
    ("/cabinet/api/v1/admin/users", &["post"]),
    ("/cabinet/api/v1/admin/users/{id}/reset-password", &["post"]),
];

#[tokio::test]
async fn the_docs_need_a_cabinet_login() {
    let app = spawn_app().await;
    for path in [
        "/partners/docs/",
        "/partners/docs/openapi.json",
        "/partners/docs/swagger-ui.css",
        "/partners/docs/en/",
        "/partners/docs/en/openapi.json",
        "/partners/docs/en/swagger-ui.css",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 401, "{path}");
        assert!(res.headers()["www-authenticate"].to_str().expect("ascii").starts_with("Basic realm="));
    }
    assert_eq!(app.get("/partners/docs").await.status(), 401);
    assert_eq!(app.get("/partners/docs/en").await.status(), 401);
    let wrong = app
        .client
        .get(app.url("/partners/docs/openapi.json"))
        .basic_auth("nobody", Some("nothing-at-all-1"))
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), 401);
}

#[tokio::test]
async fn basic_auth_and_the_session_both_open_the_docs() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let res = app
        .client
        .get(app.url("/partners/docs/"))
        .basic_auth(&user.login, Some(&user.password))
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
    assert!(res.text().await.expect("body").contains("swagger"));
    let cab = app.cabinet(&user).await;
    let res = reqwest::Client::new()
        .get(app.url("/partners/docs/openapi.json"))
        .bearer_auth(&cab.token)
        .send()
        .await
        .expect("request");
    assert_eq!(res.status(), 200);
}

/// A docs path, read with a cabinet user's Basic credentials.
async fn read(app: &crate::helpers::TestApp, user: &crate::helpers::TestUser, path: &str) -> reqwest::Response {
    app.client.get(app.url(path)).basic_auth(&user.login, Some(&user.password)).send().await.expect("request")
}

#[tokio::test]
async fn russian_is_the_default_and_english_sits_beside_it() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let ru = json(read(&app, &user, "/partners/docs/openapi.json").await).await;
    let en = json(read(&app, &user, "/partners/docs/en/openapi.json").await).await;
    for doc in [&ru, &en] {
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    }
    let ru_intro = ru["info"]["description"].as_str().expect("Russian introduction");
    assert!(ru_intro.contains("Двухстадийн"), "the Russian introduction has the two-stage guide");
    let en_intro = en["info"]["description"].as_str().expect("English introduction");
    assert!(en_intro.contains("two-stage") && !en_intro.contains("Двухстадийн"));
    let capture = "/api/v1/payments/{id}/capture";
    assert!(
        ru["paths"][capture]["post"]["summary"].as_str().is_some_and(|s| s.chars().any(|c| ('а'..='я').contains(&c)))
    );
    assert_eq!(en["paths"][capture]["post"]["operationId"], "payments_capture");
    for (page, primary) in [("/partners/docs/", "Русский"), ("/partners/docs/en/", "English")] {
        let res = read(&app, &user, page).await;
        assert_eq!(res.status(), 200, "{page}");
        assert!(res.text().await.expect("body").contains("swagger"), "{page}");
        let init = read(&app, &user, &format!("{page}swagger-initializer.js")).await.text().await.expect("js");
        assert!(
            init.contains("/partners/docs/openapi.json") && init.contains("/partners/docs/en/openapi.json"),
            "{page}"
        );
        assert!(init.contains(&format!("\"urls.primaryName\": \"{primary}\"")), "{page}: {init}");
    }
    let redirected = read(&app, &user, "/partners/docs/en").await;
    assert_eq!(redirected.status(), 308);
    assert_eq!(redirected.headers()["location"], "/partners/docs/en/");
}

#[tokio::test]
async fn the_document_describes_every_contract_path() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    for url in ["/partners/docs/openapi.json", "/partners/docs/en/openapi.json"] {
        let doc = json(read(&app, &user, url).await).await;
        describes_the_contract(&doc);
    }
}

fn describes_the_contract(doc: &serde_json::Value) {
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for (path, methods) in CONTRACT {
        for method in *methods {
            assert!(doc["paths"][path][method].is_object(), "{method} {path} missing from the document");
        }
    }
    let intro = doc["info"]["description"].as_str().expect("introduction");
    for needle in ["Idempotency-Key", "4000 0000 0000 3220", "curl", "invalid_api_key", "Standard Webhooks"] {
        assert!(intro.contains(needle), "{needle} missing from the introduction");
    }
    let payment = &doc["components"]["schemas"]["Payment"]["properties"];
    for field in [
        "id",
        "object",
        "type",
        "status",
        "amount",
        "currency",
        "captured_amount",
        "fee",
        "refunded_amount",
        "card",
        "card_token",
        "recurring",
        "confirmation",
        "error",
        "bank",
        "created_at",
        "executed_at",
        "metadata",
    ] {
        assert!(payment[field].is_object(), "Payment.{field} missing");
    }
    assert_eq!(doc["components"]["schemas"]["Amount"]["type"], "string");
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
}

#[tokio::test]
async fn wrong_basic_passwords_count_toward_the_lockout() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    for _ in 0..10 {
        let res = app
            .client
            .get(app.url("/partners/docs/"))
            .basic_auth(&user.login, Some("Wrong-password-1"))
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 401);
    }
    let locked = app
        .client
        .get(app.url("/partners/docs/"))
        .basic_auth(&user.login, Some(&user.password))
        .send()
        .await
        .expect("request");
    assert_eq!(locked.status(), 401, "the account is locked for Basic too");
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 401, "and for the cabinet");
    let via: Vec<String> = sqlx::query_scalar("SELECT details->>'via' FROM audit_log WHERE action = 'login.failed'")
        .fetch_all(&app.db)
        .await
        .expect("audit");
    assert!(via.iter().filter(|v| *v == "docs_basic").count() >= 10);
}
