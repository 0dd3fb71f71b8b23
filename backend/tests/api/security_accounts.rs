//! Regression tests of the security review, for accounts: sign-in, passwords, the docs' Basic
//! credentials, the production cookie, and the commands that must fail closed.

use shared::Role;

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with};

#[tokio::test]
async fn failed_logins_keep_only_a_hash_of_what_was_typed_and_share_one_bucket_per_user() {
    let app = spawn_app_with(|s| s.rate_limits.login_per_account_per_minute = 3).await;
    let user = app.create_user(Role::Partner, &[]).await;
    let typed = "My-Secret-Password-In-The-Login-Field";
    assert_eq!(app.login("login", typed, "x").await.status(), 401);
    let details: String = sqlx::query_scalar("SELECT details::text FROM audit_log WHERE action = 'login.failed'")
        .fetch_one(&app.db)
        .await
        .expect("audit");
    assert!(!details.contains(typed) && details.contains("identifier_hmac"), "{details}");
    // Three wrong passwords through three tabs fill the user's one bucket.
    assert_eq!(app.login("login", &user.login, "wrong-1").await.status(), 401);
    assert_eq!(app.login("email", &user.email, "wrong-2").await.status(), 401);
    assert_eq!(app.login("phone", &user.phone, "wrong-3").await.status(), 401);
    assert_eq!(app.login("email", &user.email, PASSWORD).await.status(), 429);
}

#[tokio::test]
async fn the_password_change_is_limited_and_counts_toward_the_lockout() {
    let app = spawn_app_with(|s| s.lockout.max_failed_logins = 3).await;
    let user = app.create_user(Role::Partner, &[]).await;
    let cab = app.cabinet(&user).await;
    for _ in 0..3 {
        let res = cab
            .post(
                "/auth/password",
                serde_json::json!({"current_password": "Wrong-password-1", "new_password": "New-password-123"}),
            )
            .await;
        assert_eq!(res.status(), 401);
    }
    assert_eq!(cab.get("/auth/me").await.status(), 401, "the lock ended the session");
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 401, "the account is locked");
}

#[tokio::test]
async fn the_docs_basic_cache_ends_with_the_password_and_refuses_a_forced_change() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let docs = |password: &str| {
        app.client.get(app.url("/partners/docs/openapi.json")).basic_auth(&user.login, Some(password)).send()
    };
    assert_eq!(docs(&user.password).await.expect("docs").status(), 200);
    let cab = app.cabinet(&user).await;
    let changed = cab
        .post(
            "/auth/password",
            serde_json::json!({"current_password": user.password, "new_password": "Another-password-9"}),
        )
        .await;
    assert_eq!(changed.status(), 200);
    assert_eq!(docs(&user.password).await.expect("docs").status(), 401, "the cached pair died with the password");
    assert_eq!(docs("Another-password-9").await.expect("docs").status(), 200);
    sqlx::query("UPDATE users SET must_change_password = true WHERE id = $1")
        .bind(user.id)
        .execute(&app.db)
        .await
        .expect("force");
    assert_eq!(docs("Another-password-9").await.expect("docs").status(), 401, "a forced change comes first");
}

#[tokio::test]
async fn the_cli_fails_closed() {
    let bin = env!("CARGO_BIN_EXE_clickpay");
    let seed = std::process::Command::new(bin)
        .arg("seed-demo")
        .env("CLICKPAY__ENVIRONMENT", "production")
        .env("DATABASE_URL", crate::helpers::base_database_url())
        .env("CLICKPAY__SECURITY__JWT_SECRET", "x".repeat(40))
        .env("CLICKPAY__SECURITY__CARD_ENCRYPTION_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=")
        .env("CLICKPAY__SECURITY__CARD_HASH_KEY", "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=")
        .output()
        .expect("run");
    assert!(!seed.status.success());
    assert!(String::from_utf8_lossy(&seed.stderr).contains("refuses to run in production"));
    let serve = std::process::Command::new(bin)
        .arg("serve")
        .env("DATABASE_URL", crate::helpers::base_database_url())
        .env("CLICKPAY__SERVER__HOST", "0.0.0.0")
        .env("PORT", "0")
        .env_remove("CLICKPAY__ENVIRONMENT")
        .output()
        .expect("run");
    assert!(!serve.status.success());
    assert!(String::from_utf8_lossy(&serve.stderr).contains("loopback"), "{}", String::from_utf8_lossy(&serve.stderr));
}

#[tokio::test]
async fn production_sets_the_host_prefixed_secure_cookie() {
    let key = "MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTIzNDU2Nzg5MDE=";
    let app = spawn_app_with(|s| {
        s.environment = clickpay::configuration::RunMode::Production;
        s.security.jwt_secret = Some("j".repeat(40).into());
        s.security.card_encryption_key = Some(key.to_owned().into());
        s.security.card_hash_key = Some(key.to_owned().into());
        s.server.allow_private_webhook_targets = false;
        s.rate_limits.login_per_account_per_minute = 5;
        s.rate_limits.login_per_ip_per_minute = 20;
        s.server.public_url = Some("https://pay.example".into());
    })
    .await;
    let user = app.create_user(Role::Partner, &[]).await;
    let res = app.login("login", &user.login, &user.password).await;
    assert_eq!(res.status(), 200);
    let cookie = res.headers()["set-cookie"].to_str().expect("ascii").to_owned();
    assert!(cookie.starts_with("__Host-clickpay_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn a_session_due_for_a_password_change_does_not_open_the_docs_and_a_locked_account_cannot_change_it() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let cab = app.cabinet(&user).await;
    let docs = || app.client.get(app.url("/partners/docs/openapi.json")).bearer_auth(&cab.token).send();
    assert_eq!(docs().await.expect("docs").status(), 200);
    sqlx::query("UPDATE users SET must_change_password = true WHERE id = $1")
        .bind(user.id)
        .execute(&app.db)
        .await
        .expect("force");
    assert_eq!(docs().await.expect("docs").status(), 401);
    sqlx::query(
        "UPDATE users SET must_change_password = false, locked_until = now() + interval '1 hour' WHERE id = $1",
    )
    .bind(user.id)
    .execute(&app.db)
    .await
    .expect("lock");
    let change = cab
        .post(
            "/auth/password",
            serde_json::json!({"current_password": user.password, "new_password": "Another-password-9"}),
        )
        .await;
    assert_eq!(change.status(), 401, "a locked account changes no password");
}
