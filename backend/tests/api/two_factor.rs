//! Two-factor sign-in (TOTP): enrollment, the second step of the login, one use per code,
//! recovery codes, the lockout, staff's reset, the setting that requires it of staff, the docs.

use clickpay::domain::clock::Clock;
use serde_json::json;
use shared::Role;
use time::Duration;
use totp_rs::{Builder, Secret, Totp};

use crate::helpers::{Cabinet, TestApp, TestUser, assert_error, json, spawn_app, spawn_app_with};

/// The generator an authenticator app builds from the secret the setup answered.
fn authenticator(secret: &str) -> Totp {
    let bytes = Secret::try_from_base32(secret).expect("base32 secret");
    Builder::new().with_secret(bytes).build().expect("totp")
}

/// The app's current code (the app's clock, which the tests move).
fn code(app: &TestApp, secret: &str) -> String {
    authenticator(secret).generate(app.clock.now().unix_timestamp() as u64).to_string()
}

/// The next time step: a new code.
fn next_step(app: &TestApp) {
    app.clock.advance(Duration::seconds(30));
}

/// An enrolled user: the session that enrolled, the secret and the recovery codes.
struct Enrolled {
    cab: Cabinet,
    secret: String,
    recovery_codes: Vec<String>,
}

async fn enroll(app: &TestApp, user: &TestUser) -> Enrolled {
    let cab = app.cabinet(user).await;
    enroll_with(app, user, cab).await
}

async fn enroll_with(app: &TestApp, user: &TestUser, cab: Cabinet) -> Enrolled {
    let setup = cab.post("/auth/two-factor/setup", json!({"password": user.password})).await;
    assert_eq!(setup.status(), 200);
    let setup = json(setup).await;
    let secret = setup["secret"].as_str().expect("secret").to_owned();
    let confirmed = cab.post("/auth/two-factor/confirm", json!({"code": code(app, &secret)})).await;
    assert_eq!(confirmed.status(), 200);
    let codes = json(confirmed).await["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    Enrolled { cab, secret, recovery_codes: codes }
}

/// The password step; returns the challenge.
async fn challenge(app: &TestApp, user: &TestUser) -> String {
    let res = app.login("login", &user.login, &user.password).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_none(), "no session before the second step");
    let body = json(res).await;
    assert_eq!(body["two_factor_required"], true, "{body}");
    assert!(body.get("token").is_none() && body.get("user").is_none(), "{body}");
    body["challenge"].as_str().expect("challenge").to_owned()
}

async fn second_step(app: &TestApp, challenge: &str, code: &str) -> reqwest::Response {
    app.client
        .post(app.url("/cabinet/api/v1/auth/login/totp"))
        .json(&json!({"challenge": challenge, "code": code}))
        .send()
        .await
        .expect("request")
}

async fn audited(app: &TestApp, action: &str) -> Vec<serde_json::Value> {
    sqlx::query_scalar("SELECT details FROM audit_log WHERE action = $1 ORDER BY id")
        .bind(action)
        .fetch_all(&app.db)
        .await
        .expect("audit")
}

#[tokio::test]
async fn an_enrolled_user_signs_in_in_two_steps_and_each_code_is_accepted_once() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let cab = app.cabinet(&user).await;
    let status = json(cab.get("/auth/two-factor").await).await;
    assert_eq!(status, json!({"enabled": false, "required": false, "recovery_codes_left": 0}));
    // A stolen session without the password cannot enroll.
    let refused = cab.post("/auth/two-factor/setup", json!({"password": "Wrong-password-1"})).await;
    assert_error(refused, 401, "invalid_credentials").await;
    assert_error(cab.post("/auth/two-factor/confirm", json!({"code": "123456"})).await, 409, "conflict").await;

    let setup = json(cab.post("/auth/two-factor/setup", json!({"password": user.password})).await).await;
    let secret = setup["secret"].as_str().expect("secret").to_owned();
    let url = setup["otpauth_url"].as_str().expect("url");
    assert!(url.starts_with(&format!("otpauth://totp/ClickPay:{}?", user.login)), "{url}");
    assert!(url.contains(&format!("secret={secret}")) && url.contains("issuer=ClickPay"), "{url}");
    assert!(setup["qr_svg"].as_str().expect("svg").contains("<svg"));
    // A restart replaces the pending secret: the first one no longer confirms.
    let restarted = json(cab.post("/auth/two-factor/setup", json!({"password": user.password})).await).await;
    let secret2 = restarted["secret"].as_str().expect("secret").to_owned();
    assert_ne!(secret, secret2);
    let stale = cab.post("/auth/two-factor/confirm", json!({"code": code(&app, &secret)})).await;
    assert_error(stale, 401, "invalid_credentials").await;
    let secret = secret2;
    let confirmed = json(cab.post("/auth/two-factor/confirm", json!({"code": code(&app, &secret)})).await).await;
    let codes = confirmed["recovery_codes"].as_array().expect("codes");
    assert_eq!(codes.len(), 10);
    for c in codes {
        let c = c.as_str().expect("code");
        assert!(c.len() == 9 && c.as_bytes()[4] == b'-', "{c}");
    }
    let status = json(cab.get("/auth/two-factor").await).await;
    assert_eq!(status, json!({"enabled": true, "required": false, "recovery_codes_left": 10}));
    let me = json(cab.get("/auth/me").await).await;
    assert_eq!(
        (me["two_factor_enabled"].clone(), me["two_factor_setup_required"].clone()),
        (json!(true), json!(false))
    );
    assert_error(cab.post("/auth/two-factor/setup", json!({"password": user.password})).await, 409, "conflict").await;

    // The code that confirmed the enrollment is used: the same step is refused at sign-in.
    let ch = challenge(&app, &user).await;
    assert_error(second_step(&app, &ch, &code(&app, &secret)).await, 401, "invalid_credentials").await;
    next_step(&app);
    let fresh = code(&app, &secret);
    let res = second_step(&app, &ch, &fresh).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("set-cookie").is_some(), "the session cookie");
    let body = json(res).await;
    assert!(body["token"].is_string() && body["user"]["login"] == user.login.as_str(), "{body}");
    // The session works (the cookie of this client, and the bearer token).
    let me = app.client.get(app.url("/cabinet/api/v1/auth/me")).send().await.expect("me");
    assert_eq!(me.status(), 200);
    // The challenge is used; the code too, on a new challenge.
    assert_error(second_step(&app, &ch, &fresh).await, 401, "two_factor_challenge_expired").await;
    let ch2 = challenge(&app, &user).await;
    assert_error(second_step(&app, &ch2, &fresh).await, 401, "invalid_credentials").await;

    let succeeded = audited(&app, "login.succeeded").await;
    assert!(succeeded.iter().any(|d| d["second_factor"] == "totp"), "{succeeded:?}");
    assert_eq!(audited(&app, "two_factor.enrolled").await.len(), 1);
    assert_eq!(audited(&app, "login.two_factor_failed").await.len(), 2);
}

#[tokio::test]
async fn the_secret_is_stored_sealed_and_bound_to_its_user() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let other = app.create_user(Role::Partner, &[]).await;
    let e = enroll(&app, &user).await;
    let raw = Secret::try_from_base32(&e.secret).expect("base32").as_bytes().to_vec();
    let (ciphertext, nonce): (Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT secret_ciphertext, secret_nonce FROM user_totp WHERE user_id = $1")
            .bind(user.id)
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert!(!ciphertext.windows(raw.len()).any(|w| w == raw.as_slice()), "the raw secret is not stored");
    assert!(!String::from_utf8_lossy(&ciphertext).contains(&e.secret[..8]), "nor its base32");
    let row_text: String = sqlx::query_scalar("SELECT row_to_json(t)::text FROM user_totp t WHERE user_id = $1")
        .bind(user.id)
        .fetch_one(&app.db)
        .await
        .expect("row");
    assert!(!row_text.contains(&e.secret), "{row_text}");
    let enrollment =
        clickpay::db::two_factor::Enrollment { secret_ciphertext: ciphertext, secret_nonce: nonce, confirmed_at: None };
    assert_eq!(clickpay::auth::two_factor::open(&app.state.keys, user.id, &enrollment).expect("opens"), raw);
    assert!(clickpay::auth::two_factor::open(&app.state.keys, other.id, &enrollment).is_err(), "bound to its user");
    // Recovery codes are kept as a keyed hash only.
    let hashes: Vec<Vec<u8>> = sqlx::query_scalar("SELECT code_hash FROM two_factor_recovery_codes WHERE user_id = $1")
        .bind(user.id)
        .fetch_all(&app.db)
        .await
        .expect("hashes");
    assert_eq!(hashes.len(), 10);
    for c in &e.recovery_codes {
        let plain = c.replace('-', "");
        assert!(hashes.iter().all(|h| !h.windows(plain.len()).any(|w| w == plain.as_bytes())));
    }
}

#[tokio::test]
async fn wrong_codes_count_toward_the_lockout_even_after_right_passwords() {
    let app = spawn_app_with(|s| s.lockout.max_failed_logins = 3).await;
    let user = app.create_user(Role::Partner, &[]).await;
    let e = enroll(&app, &user).await;
    next_step(&app);
    let ch = challenge(&app, &user).await;
    assert_error(second_step(&app, &ch, "000000").await, 401, "invalid_credentials").await;
    assert_error(second_step(&app, &ch, "zzzz-zzzz").await, 401, "invalid_credentials").await;
    // A right password does not wipe the count of wrong codes.
    let ch = challenge(&app, &user).await;
    assert_error(second_step(&app, &ch, "111111").await, 401, "invalid_credentials").await;
    // Locked: the right code gets the answer of a wrong one, and so does the password.
    let locked = second_step(&app, &ch, &code(&app, &e.secret)).await;
    assert_eq!(locked.status(), 401);
    let wrong_password = json(app.login("login", &user.login, "Wrong-password-1").await).await;
    let locked_password = app.login("login", &user.login, &user.password).await;
    assert_eq!(locked_password.status(), 401);
    assert_eq!(json(locked_password).await, wrong_password, "a locked account: the same answer as today");
    let failures = audited(&app, "login.two_factor_failed").await;
    assert!(failures.iter().any(|d| d["reason"] == "wrong_code_locked"), "{failures:?}");
    // Half an hour later the lock is over.
    app.clock.advance(Duration::minutes(31));
    let ch = challenge(&app, &user).await;
    assert_eq!(second_step(&app, &ch, &code(&app, &e.secret)).await.status(), 200);
}

#[tokio::test]
async fn a_challenge_allows_five_tries_five_minutes_and_one_success() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let e = enroll(&app, &user).await;
    next_step(&app);
    let ch = challenge(&app, &user).await;
    for _ in 0..5 {
        assert_error(second_step(&app, &ch, "000000").await, 401, "invalid_credentials").await;
    }
    assert_error(second_step(&app, &ch, &code(&app, &e.secret)).await, 401, "two_factor_challenge_expired").await;
    let ch = challenge(&app, &user).await;
    app.clock.advance(Duration::minutes(5) + Duration::seconds(1));
    assert_error(second_step(&app, &ch, &code(&app, &e.secret)).await, 401, "two_factor_challenge_expired").await;
    assert_error(second_step(&app, "made-up", &code(&app, &e.secret)).await, 401, "two_factor_challenge_expired").await;
    // A new challenge replaces the old one.
    let first = challenge(&app, &user).await;
    let second = challenge(&app, &user).await;
    assert_error(second_step(&app, &first, &code(&app, &e.secret)).await, 401, "two_factor_challenge_expired").await;
    assert_eq!(second_step(&app, &second, &code(&app, &e.secret)).await.status(), 200);
}

#[tokio::test]
async fn a_recovery_code_works_once_and_new_ones_void_the_old() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let e = enroll(&app, &user).await;
    let typed = e.recovery_codes[0].to_uppercase();
    let ch = challenge(&app, &user).await;
    let res = second_step(&app, &ch, &typed).await;
    assert_eq!(res.status(), 200);
    let token = json(res).await["token"].as_str().expect("token").to_owned();
    let used = audited(&app, "login.recovery_code_used").await;
    assert_eq!(used, vec![json!({"recovery_codes_left": 9})]);
    let ch = challenge(&app, &user).await;
    assert_error(second_step(&app, &ch, &e.recovery_codes[0]).await, 401, "invalid_credentials").await;
    let cab = Cabinet { base: app.address.clone(), token, client: reqwest::Client::new() };
    assert_eq!(json(cab.get("/auth/two-factor").await).await["recovery_codes_left"], 9);
    let wrong =
        cab.post("/auth/two-factor/recovery-codes", json!({"password": "Wrong-password-1", "code": "000000"})).await;
    assert_error(wrong, 401, "invalid_credentials").await;
    // The password alone does not mint codes: a current code is needed too.
    let no_code =
        cab.post("/auth/two-factor/recovery-codes", json!({"password": user.password, "code": "000000"})).await;
    assert_error(no_code, 401, "invalid_credentials").await;
    next_step(&app);
    let fresh = json(
        cab.post("/auth/two-factor/recovery-codes", json!({"password": user.password, "code": code(&app, &e.secret)}))
            .await,
    )
    .await;
    let fresh: Vec<String> =
        fresh["recovery_codes"].as_array().expect("codes").iter().map(|c| c.as_str().expect("c").to_owned()).collect();
    assert_eq!(fresh.len(), 10);
    assert_eq!(json(cab.get("/auth/two-factor").await).await["recovery_codes_left"], 10);
    assert_eq!(audited(&app, "two_factor.recovery_codes_regenerated").await.len(), 1);
    assert_error(second_step(&app, &ch, &e.recovery_codes[1]).await, 401, "invalid_credentials").await;
    assert_eq!(second_step(&app, &ch, &fresh[0]).await.status(), 200);
}

#[tokio::test]
async fn disabling_needs_the_password_and_a_code() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let e = enroll(&app, &user).await;
    next_step(&app);
    let wrong_password = e
        .cab
        .post("/auth/two-factor/disable", json!({"password": "Wrong-password-1", "code": code(&app, &e.secret)}))
        .await;
    assert_error(wrong_password, 401, "invalid_credentials").await;
    let wrong_code = e.cab.post("/auth/two-factor/disable", json!({"password": user.password, "code": "000000"})).await;
    let body = assert_error(wrong_code, 401, "invalid_credentials").await;
    assert_eq!(body["error"]["param"], "code");
    let off =
        e.cab.post("/auth/two-factor/disable", json!({"password": user.password, "code": code(&app, &e.secret)})).await;
    assert_eq!(off.status(), 200);
    assert_eq!(audited(&app, "two_factor.disabled").await.len(), 1);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM two_factor_recovery_codes WHERE user_id = $1")
        .bind(user.id)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(rows, 0, "the recovery codes went with it");
    let res = app.login("login", &user.login, &user.password).await;
    assert!(json(res).await["token"].is_string(), "the password alone signs in again");
}

#[tokio::test]
async fn staff_reset_a_users_two_factor_sign_in() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let e = enroll(&app, &user).await;
    let partner = app.cabinet(&app.create_user(Role::Partner, &[]).await).await;
    let path = format!("/admin/users/{}/two-factor/reset", user.id);
    assert_error(partner.post(&path, json!({})).await, 403, "forbidden").await;
    let admin = app.admin().await;
    assert_eq!(admin.post(&path, json!({})).await.status(), 200);
    assert_eq!(e.cab.get("/auth/me").await.status(), 401, "the user's sessions ended");
    let res = app.login("login", &user.login, &user.password).await;
    assert!(json(res).await["token"].is_string(), "the password alone signs in again");
    let reset: Vec<String> =
        sqlx::query_scalar("SELECT target_id FROM audit_log WHERE action = 'two_factor.reset_by_staff'")
            .fetch_all(&app.db)
            .await
            .expect("audit");
    assert_eq!(reset, vec![user.id.to_string()]);
    let missing = admin.post(&format!("/admin/users/{}/two-factor/reset", uuid::Uuid::new_v4()), json!({})).await;
    assert_error(missing, 404, "not_found").await;
}

#[tokio::test]
async fn staff_must_enroll_before_anything_else_when_the_setting_requires_it() {
    let app = spawn_app_with(|s| s.security.require_two_factor_for_admins = Some(true)).await;
    let admin_user = app.create_user(Role::Admin, &[]).await;
    // The password alone still signs in, to a session limited to the setup.
    let cab = app.cabinet(&admin_user).await;
    let me = json(cab.get("/auth/me").await).await;
    assert_eq!(
        (me["two_factor_enabled"].clone(), me["two_factor_setup_required"].clone()),
        (json!(false), json!(true))
    );
    assert_error(cab.get("/organizations").await, 403, "two_factor_setup_required").await;
    assert_error(cab.get("/admin/users").await, 403, "two_factor_setup_required").await;
    let status = json(cab.get("/auth/two-factor").await).await;
    assert_eq!(status, json!({"enabled": false, "required": true, "recovery_codes_left": 0}));
    // Nor do the docs open to its session or to Basic.
    let docs =
        app.client.get(app.url("/partners/docs/openapi.json")).bearer_auth(&cab.token).send().await.expect("docs");
    assert_eq!(docs.status(), 401);
    let basic = reqwest::Client::new()
        .get(app.url("/partners/docs/openapi.json"))
        .basic_auth(&admin_user.login, Some(&admin_user.password))
        .send()
        .await
        .expect("docs");
    assert_eq!(basic.status(), 401);

    let e = enroll_with(&app, &admin_user, cab).await;
    assert_eq!(e.cab.get("/organizations").await.status(), 200, "enrolled: the session is whole");
    next_step(&app);
    let off = e
        .cab
        .post("/auth/two-factor/disable", json!({"password": admin_user.password, "code": code(&app, &e.secret)}))
        .await;
    assert_error(off, 403, "two_factor_mandatory").await;
    let status = json(e.cab.get("/auth/two-factor").await).await;
    assert_eq!(status, json!({"enabled": true, "required": true, "recovery_codes_left": 10}));
    // Partners are not held to it.
    let partner = app.cabinet(&app.create_user(Role::Partner, &[]).await).await;
    assert_eq!(partner.get("/organizations").await.status(), 200);
    let me = json(partner.get("/auth/me").await).await;
    assert_eq!(me["two_factor_setup_required"], false);
}

#[tokio::test]
async fn docs_basic_auth_is_refused_to_users_with_two_factor_sign_in() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let basic = || {
        reqwest::Client::new()
            .get(app.url("/partners/docs/openapi.json"))
            .basic_auth(&user.login, Some(&user.password))
            .send()
    };
    assert_eq!(basic().await.expect("docs").status(), 200, "a password-only user reads them");
    let e = enroll(&app, &user).await;
    assert_eq!(basic().await.expect("docs").status(), 401, "not even from the cache");
    // The cabinet session does open them.
    let docs = app.client.get(app.url("/partners/docs/openapi.json")).bearer_auth(&e.cab.token).send().await;
    assert_eq!(docs.expect("docs").status(), 200);
    let failed: i32 = sqlx::query_scalar("SELECT failed_login_count FROM users WHERE id = $1")
        .bind(user.id)
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(failed, 0, "a right password is not a failure");
}

#[tokio::test]
async fn the_application_role_marks_recovery_codes_used_but_cannot_rewrite_them() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    enroll(&app, &user).await;
    // A role of its own: roles are cluster-wide, and the schema test creates its own at the same time.
    let db: String = sqlx::query_scalar("SELECT current_database()").fetch_one(&app.db).await.expect("db");
    sqlx::raw_sql(
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clickpay_app_2fa_test') THEN
            CREATE ROLE clickpay_app_2fa_test LOGIN PASSWORD 'App-role-test-1'; END IF; END $$",
    )
    .execute(&app.db)
    .await
    .expect("role");
    let grants = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/app-role.sql"))
        .expect("scripts/app-role.sql")
        .replace(":\"DBNAME\"", &format!("\"{db}\""))
        .replace(":\"app_role\"", "clickpay_app_2fa_test");
    sqlx::raw_sql(&grants).execute(&app.db).await.expect("grants");
    let base = crate::helpers::base_database_url();
    let (_, rest) = base.split_once("://").expect("url");
    let host = rest.split_once('@').expect("url").1.rsplit_once('/').expect("url").0;
    let role = sqlx::PgPool::connect(&format!("postgres://clickpay_app_2fa_test:App-role-test-1@{host}/{db}"))
        .await
        .expect("connect as the app role");
    let id = user.id;
    for allowed in [
        format!("UPDATE two_factor_recovery_codes SET used_at = now() WHERE user_id = '{id}'"),
        format!("UPDATE user_totp SET last_used_step = last_used_step + 1 WHERE user_id = '{id}'"),
        format!("DELETE FROM two_factor_challenges WHERE user_id = '{id}'"),
    ] {
        sqlx::query(&allowed).execute(&role).await.unwrap_or_else(|e| panic!("{allowed}: {e}"));
    }
    let rewrite =
        format!("UPDATE two_factor_recovery_codes SET code_hash = sha256('x'), used_at = NULL WHERE user_id = '{id}'");
    assert!(sqlx::query(&rewrite).execute(&role).await.is_err(), "a code's hash cannot be rewritten");
    let unmark = format!("UPDATE two_factor_recovery_codes SET used_at = NULL WHERE user_id = '{id}'");
    assert!(sqlx::query(&unmark).execute(&role).await.is_err(), "a used code is never unmarked");
    sqlx::query(&format!("DELETE FROM user_totp WHERE user_id = '{id}'")).execute(&role).await.expect("disable");
    role.close().await;
}

#[tokio::test]
async fn turning_two_factor_on_ends_the_users_other_sessions() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let elsewhere = app.cabinet(&user).await;
    assert_eq!(elsewhere.get("/auth/me").await.status(), 200);
    let e = enroll(&app, &user).await;
    assert_error(elsewhere.get("/auth/me").await, 401, "session_expired").await;
    assert_eq!(e.cab.get("/auth/me").await.status(), 200, "the session that enrolled goes on");
    assert_eq!(audited(&app, "two_factor.enrolled").await, vec![json!({"other_sessions_ended": 1})]);
}

#[tokio::test]
async fn two_codes_at_once_on_one_challenge_spend_one_factor() {
    let app = spawn_app().await;
    let user = app.create_user(Role::Partner, &[]).await;
    let e = enroll(&app, &user).await;
    for _ in 0..3 {
        let ch = challenge(&app, &user).await;
        let before: i64 = json(e.cab.get("/auth/two-factor").await).await["recovery_codes_left"].as_i64().expect("n");
        let (a, b) = tokio::join!(
            second_step(&app, &ch, &e.recovery_codes[(10 - before) as usize]),
            second_step(&app, &ch, &e.recovery_codes[(11 - before) as usize])
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort();
        assert_eq!(statuses, [200, 401], "one sign-in per challenge");
        let after: i64 = json(e.cab.get("/auth/two-factor").await).await["recovery_codes_left"].as_i64().expect("n");
        assert_eq!(after, before - 1, "the losing request spent nothing");
    }
}
