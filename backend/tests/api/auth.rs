//! Sign-in, lockout, sessions, CSRF and password changes.

use shared::Role;
use time::Duration;

use crate::helpers::{assert_error, json, spawn_app, spawn_app_with};

#[tokio::test]
async fn each_login_tab_signs_in_with_a_strict_http_only_cookie() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let user = app.create_user(Role::Partner, &[org]).await;
    let phone_typed = format!(
        "{} ({}) {}-{}-{}",
        &user.phone[..2],
        &user.phone[2..5],
        &user.phone[5..8],
        &user.phone[8..10],
        &user.phone[10..]
    );
    for (method, identifier) in
        [("login", user.login.to_uppercase()), ("phone", phone_typed), ("email", user.email.to_uppercase())]
    {
        let res = app.login(method, &identifier, &user.password).await;
        assert_eq!(res.status(), 200, "{method} {identifier}");
        let cookie = res.headers()["set-cookie"].to_str().expect("ascii").to_owned();
        for attr in ["clickpay_session=", "HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(attr), "{attr} missing from {cookie}");
        }
        let body = json(res).await;
        assert!(body["token"].as_str().is_some_and(|t| t.split('.').count() == 3));
        assert_eq!(body["user"]["login"], user.login);
        assert_eq!(body["user"]["role"], "partner");
        assert_eq!(body["user"]["organization_ids"][0], org.to_string());
        assert!(body["user"].get("password_hash").is_none());
    }
}

#[tokio::test]
async fn wrong_password_unknown_user_and_locked_account_get_the_same_answer() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let wrong = app.login("login", &user.login, "Wrong-password-1").await;
    let (s1, b1) = (wrong.status(), wrong.bytes().await.expect("body"));
    let unknown = app.login("login", "nobody-here", "Wrong-password-1").await;
    let (s2, b2) = (unknown.status(), unknown.bytes().await.expect("body"));
    for _ in 0..9 {
        app.login("email", &user.email, "Wrong-password-1").await;
    }
    let locked = app.login("login", &user.login, &user.password).await;
    let (s3, b3) = (locked.status(), locked.bytes().await.expect("body"));
    assert_eq!((s1.as_u16(), s2.as_u16(), s3.as_u16()), (401, 401, 401));
    assert_eq!(b1, b2);
    assert_eq!(b1, b3, "a locked account answers like a wrong password");
    let body: serde_json::Value = serde_json::from_slice(&b1).expect("json");
    assert_eq!(body["error"]["type"], "authentication_error");
}

#[tokio::test]
async fn ten_wrong_passwords_on_any_tab_lock_the_account_for_thirty_minutes() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    for i in 0..10 {
        let (method, id) = match i % 3 {
            0 => ("login", user.login.clone()),
            1 => ("phone", user.phone.clone()),
            _ => ("email", user.email.clone()),
        };
        assert_eq!(app.login(method, &id, "Wrong-password-1").await.status(), 401);
    }
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 401, "locked");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 401, "still locked");
    app.clock.advance(Duration::minutes(2));
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 200, "the lock expired");
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    for _ in 0..9 {
        app.login("login", &user.login, "Wrong-password-1").await;
    }
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 200);
    for _ in 0..9 {
        app.login("login", &user.login, "Wrong-password-1").await;
    }
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 200, "nine in a row do not lock");
}

#[tokio::test]
async fn login_is_rate_limited_per_account_with_retry_after() {
    let app = spawn_app_with(|s| s.rate_limits.login_per_account_per_minute = 3).await;
    let user = app.create_user(Role::Partner, &[]).await;
    for _ in 0..3 {
        assert_eq!(app.login("login", &user.login, "Wrong-password-1").await.status(), 401);
    }
    let res = app.login("login", &user.login, &user.password).await;
    assert!(res.headers().get("retry-after").is_some());
    assert_error(res, 429, "rate_limited").await;
}

#[tokio::test]
async fn login_is_rate_limited_per_ip() {
    let app = spawn_app_with(|s| s.rate_limits.login_per_ip_per_minute = 2).await;
    app.login("login", "a-user", "x").await;
    app.login("login", "b-user", "x").await;
    assert_error(app.login("login", "c-user", "x").await, 429, "rate_limited").await;
}

#[tokio::test]
async fn cookie_requests_that_change_state_must_be_same_origin() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let res = app.login("login", &user.login, &user.password).await;
    let token = json(res).await["token"].as_str().expect("token").to_owned();
    let cookie = format!("clickpay_session={token}");
    let plain = reqwest::Client::new();
    let me = plain.get(app.url("/cabinet/api/v1/auth/me")).header("Cookie", &cookie).send().await.expect("request");
    assert_eq!(me.status(), 200, "reads need no origin check");

    let logout =
        || plain.post(app.url("/cabinet/api/v1/auth/logout")).header("Cookie", &cookie).json(&serde_json::json!({}));
    assert_error(logout().send().await.expect("request"), 403, "csrf_failed").await;
    assert_error(logout().header("Sec-Fetch-Site", "cross-site").send().await.expect("request"), 403, "csrf_failed")
        .await;
    assert_error(logout().header("Origin", "https://evil.example").send().await.expect("request"), 403, "csrf_failed")
        .await;
    let ok = logout().header("Origin", app.address.as_str()).send().await.expect("request");
    assert_eq!(ok.status(), 200);
    assert!(ok.headers()["set-cookie"].to_str().expect("ascii").contains("Max-Age=0"));
}

#[tokio::test]
async fn sessions_end_after_fifteen_idle_minutes() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let cab = app.cabinet(&user).await;
    app.clock.advance(Duration::minutes(14));
    assert_eq!(cab.get("/auth/me").await.status(), 200, "activity within the idle window");
    app.clock.advance(Duration::minutes(14));
    assert_eq!(cab.get("/auth/me").await.status(), 200, "the idle timer restarted");
    app.clock.advance(Duration::minutes(16));
    assert_error(cab.get("/auth/me").await, 401, "session_expired").await;
}

#[tokio::test]
async fn sessions_end_after_twelve_hours_however_active() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let cab = app.cabinet(&user).await;
    for _ in 0..71 {
        app.clock.advance(Duration::minutes(10));
        assert_eq!(cab.get("/auth/me").await.status(), 200);
    }
    app.clock.advance(Duration::minutes(11));
    assert_error(cab.get("/auth/me").await, 401, "session_expired").await;
}

#[tokio::test]
async fn logout_ends_the_session_at_once() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let cab = app.cabinet(&user).await;
    assert_eq!(cab.post("/auth/logout", serde_json::json!({})).await.status(), 200);
    assert_error(cab.get("/auth/me").await, 401, "session_expired").await;
}

#[tokio::test]
async fn a_forged_or_missing_token_is_refused() {
    let app = spawn_app().await;
    assert_error(app.get("/cabinet/api/v1/auth/me").await, 401, "session_expired").await;
    let forged = app
        .client
        .get(app.url("/cabinet/api/v1/auth/me"))
        .bearer_auth("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")
        .send()
        .await
        .expect("request");
    assert_error(forged, 401, "session_expired").await;
}

#[tokio::test]
async fn changing_the_password_ends_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let other = app.cabinet(&user).await;
    let mine = app.cabinet(&user).await;
    let weak = mine
        .post("/auth/password", serde_json::json!({"current_password": user.password, "new_password": "short"}))
        .await;
    assert_eq!(assert_error(weak, 400, "invalid_request").await["error"]["param"], "new_password");
    let wrong = mine
        .post(
            "/auth/password",
            serde_json::json!({"current_password": "Not-my-password-1", "new_password": "Brand-new-pass-2"}),
        )
        .await;
    assert_error(wrong, 401, "invalid_credentials").await;
    let res = mine
        .post(
            "/auth/password",
            serde_json::json!({"current_password": user.password, "new_password": "Brand-new-pass-2"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    let new_token = json(res).await["token"].as_str().expect("token").to_owned();
    assert_error(other.get("/auth/me").await, 401, "session_expired").await;
    assert_error(mine.get("/auth/me").await, 401, "session_expired").await;
    let renewed = reqwest::Client::new()
        .get(app.url("/cabinet/api/v1/auth/me"))
        .bearer_auth(new_token)
        .send()
        .await
        .expect("request");
    assert_eq!(renewed.status(), 200);
    assert_eq!(app.login("login", &user.login, "Brand-new-pass-2").await.status(), 200);
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 401);
}

#[tokio::test]
async fn a_reset_password_must_be_changed_before_anything_else() {
    let app = spawn_app().await;
    let org = app.create_organization("ООО Ромашка").await;
    let user = app.create_user(Role::Partner, &[org]).await;
    let before = app.cabinet(&user).await;
    let admin = app.admin().await;
    let res = admin.post(&format!("/admin/users/{}/reset-password", user.id), serde_json::json!({})).await;
    assert_eq!(res.status(), 200);
    let one_time = json(res).await["password"].as_str().expect("password").to_owned();
    assert_error(before.get("/auth/me").await, 401, "session_expired").await;
    assert_eq!(app.login("login", &user.login, &user.password).await.status(), 401, "the old password is gone");

    let res = app.login("login", &user.login, &one_time).await;
    assert_eq!(res.status(), 200);
    let body = json(res).await;
    assert_eq!(body["user"]["must_change_password"], true);
    let token = body["token"].as_str().expect("token");
    let c = reqwest::Client::new();
    let blocked = c.get(app.url("/cabinet/api/v1/organizations")).bearer_auth(token).send().await.expect("request");
    assert_error(blocked, 403, "password_change_required").await;
    let changed = c
        .post(app.url("/cabinet/api/v1/auth/password"))
        .bearer_auth(token)
        .json(&serde_json::json!({"current_password": one_time, "new_password": "My-own-password-7"}))
        .send()
        .await
        .expect("request");
    assert_eq!(changed.status(), 200);
    let body = json(changed).await;
    assert_eq!(body["user"]["must_change_password"], false);
    let orgs = c
        .get(app.url("/cabinet/api/v1/organizations"))
        .bearer_auth(body["token"].as_str().expect("token"))
        .send()
        .await
        .expect("request");
    assert_eq!(orgs.status(), 200);
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_and_cannot_sign_in() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let cab = app.cabinet(&user).await;
    let admin = app.admin().await;
    assert_eq!(
        admin.patch(&format!("/admin/users/{}", user.id), serde_json::json!({"active": false})).await.status(),
        200
    );
    assert_error(cab.get("/auth/me").await, 401, "session_expired").await;
    let res = app.login("login", &user.login, &user.password).await;
    assert_error(res, 401, "invalid_credentials").await;
}

#[tokio::test]
async fn logins_and_failures_are_audited_with_the_ip() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    app.login("login", &user.login, "Wrong-password-1").await;
    app.login("login", "ghost", "Wrong-password-1").await;
    app.login("login", &user.login, &user.password).await;
    let rows: Vec<(String, Option<uuid::Uuid>, Option<String>)> =
        sqlx::query_as("SELECT action, actor_user_id, host(ip) FROM audit_log WHERE action LIKE 'login.%' ORDER BY id")
            .fetch_all(&app.db)
            .await
            .expect("audit");
    let actions: Vec<_> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(actions, ["login.failed", "login.failed", "login.succeeded"]);
    assert_eq!(rows[0].1, Some(user.id.0));
    assert_eq!(rows[1].1, None);
    assert!(rows.iter().all(|r| r.2.as_deref() == Some("127.0.0.1")));
}

#[tokio::test]
async fn malformed_bodies_get_contract_errors() {
    let app = spawn_app().await;
    let post = |body: String| {
        app.client
            .post(app.url("/cabinet/api/v1/auth/login"))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    assert_error(post("{not json".into()).await.expect("request"), 400, "invalid_request").await;
    let unknown =
        post(r#"{"method":"login","identifier":"a","password":"b","role":"admin"}"#.into()).await.expect("request");
    assert_eq!(assert_error(unknown, 400, "invalid_request").await["error"]["param"], "role");
    let big = format!(r#"{{"method":"login","identifier":"a","password":"{}"}}"#, "x".repeat(70 * 1024));
    assert_error(post(big).await.expect("request"), 413, "payload_too_large").await;
}
