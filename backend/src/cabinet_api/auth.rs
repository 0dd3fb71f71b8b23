//! Sign-in, sign-out, the current user and password changes.

use std::net::IpAddr;

use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use shared::ErrorCode;
use shared::dto::auth::{
    ChangePasswordRequest, LoginMethod, LoginRequest, LoginResponse, LoginTotpRequest, TwoFactorChallenge,
};
use shared::ids::UserId;

use crate::auth::extract::{SessionUser, client_ip};
use crate::auth::{login, password, session, two_factor};
use crate::db::{self, audit::Entry};
use crate::domain::validation;
use crate::error::ApiError;
use crate::state::AppState;

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { method, identifier, password: typed } = body.into_inner();
    let ip = client_ip(&req);
    let verified = login::verify(&state, method, &identifier, &typed, ip, "cabinet").await?;
    if !verified.two_factor {
        let details = serde_json::json!({"method": method});
        if let Some(answer) = signed_in(&req, &state, verified.id, ip, details, true).await? {
            return Ok(answer);
        }
        // Two-factor sign-in was turned on while the password was checked: a code is due.
    }
    // No session yet: the password was right, a code is due on the challenge.
    let (challenge, hash) = two_factor::new_challenge();
    let now = state.clock.now();
    let method_name = match method {
        LoginMethod::Login => "login",
        LoginMethod::Phone => "phone",
        LoginMethod::Email => "email",
    };
    db::two_factor::create_challenge(&state.db, &hash, verified.id, method_name, now, now + two_factor::CHALLENGE_TTL)
        .await?;
    db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(verified.id),
            action: "login.two_factor_challenged",
            target_type: Some("user"),
            target_id: Some(verified.id.to_string()),
            ip,
            details: serde_json::json!({"method": method}),
            ..Default::default()
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(TwoFactorChallenge { two_factor_required: true, challenge }))
}

/// The second step of a sign-in with two factors: a TOTP code or a recovery code on the
/// challenge of the first. Wrong codes count toward the lockout as wrong passwords do; a
/// challenge allows [`two_factor::CHALLENGE_TRIES`] codes and one success.
pub async fn login_totp(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginTotpRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginTotpRequest { challenge, code } = body.into_inner();
    if code.len() > 64 {
        return Err(ApiError::with_param(ErrorCode::InvalidRequest, "code is too long", "code"));
    }
    let ip = client_ip(&req);
    state.limits.login_per_ip.check(&ip.map(|i| i.to_string()).unwrap_or_default())?;
    let expired = || ApiError::new(ErrorCode::TwoFactorChallengeExpired, "The sign-in has expired. Sign in again.");
    if challenge.is_empty() || challenge.len() > 128 {
        return Err(expired());
    }
    let hash = two_factor::challenge_hash(&challenge);
    let now = state.clock.now();
    let user = db::two_factor::challenge_user(&state.db, &hash, now).await?.ok_or_else(expired)?;
    // The same per-user bucket as the password step.
    state.limits.login_per_account.check(&format!("user:{user}"))?;
    // The try, the factor spent and the challenge used up are one transaction, and the try
    // locks the challenge's row: of two concurrent codes on one challenge, the second waits and
    // then finds it used, so it never spends a recovery code (or a TOTP step) for nothing.
    let mut tx = state.db.begin().await?;
    let ch = db::two_factor::take_try(&mut *tx, &hash, now, two_factor::CHALLENGE_TRIES).await?.ok_or_else(expired)?;
    let failure = |reason: &str, attempts: i32| Entry {
        actor_user: Some(ch.user_id),
        action: "login.two_factor_failed",
        target_type: Some("user"),
        target_id: Some(ch.user_id.to_string()),
        ip,
        details: serde_json::json!({"method": ch.login_method, "reason": reason, "attempts": attempts}),
        ..Default::default()
    };
    let account = db::users::login_state(&mut *tx, ch.user_id).await?.ok_or_else(expired)?;
    // A locked or disabled account gets the answer of a wrong password, as at the first step.
    if account.locked_until.is_some_and(|t| t > now) || !account.active {
        let reason = if account.active { "locked" } else { "disabled" };
        db::two_factor::consume_challenge(&mut *tx, &hash, now).await?;
        tx.commit().await?;
        db::audit::record(&state.db, failure(reason, ch.attempts)).await?;
        return Err(login::bad_credentials());
    }
    let Some(factor) = two_factor::use_code(&state, &mut tx, ch.user_id, &code).await? else {
        // The try stays taken.
        tx.commit().await?;
        let locked = login::count_failure(&state, ch.user_id, false).await?;
        if locked || ch.attempts >= two_factor::CHALLENGE_TRIES {
            db::two_factor::consume_challenge(&state.db, &hash, now).await?;
        }
        let reason = if locked { "wrong_code_locked" } else { "wrong_code" };
        db::audit::record(&state.db, failure(reason, ch.attempts)).await?;
        return Err(login::bad_credentials());
    };
    if !db::two_factor::consume_challenge(&mut *tx, &hash, now).await? {
        return Err(expired());
    }
    tx.commit().await?;
    db::users::record_successful_login(&state.db, ch.user_id).await?;
    if factor == two_factor::Factor::RecoveryCode {
        let left = db::two_factor::recovery_codes_left(&state.db, ch.user_id).await?;
        db::audit::record(
            &state.db,
            Entry {
                actor_user: Some(ch.user_id),
                action: "login.recovery_code_used",
                target_type: Some("user"),
                target_id: Some(ch.user_id.to_string()),
                ip,
                details: serde_json::json!({"recovery_codes_left": left}),
                ..Default::default()
            },
        )
        .await?;
    }
    let details = serde_json::json!({"method": ch.login_method, "second_factor": factor.as_str()});
    signed_in(&req, &state, ch.user_id, ip, details, false)
        .await?
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no session")))
}

/// Starts a session for a user whose sign-in is complete, audits it, and answers the token,
/// the user and the cookie. `password_only`: see [`session::start_password_only`]; `None` when
/// the user turned two-factor sign-in on meanwhile.
async fn signed_in(
    req: &HttpRequest,
    state: &AppState,
    user_id: UserId,
    ip: Option<IpAddr>,
    details: serde_json::Value,
    password_only: bool,
) -> Result<Option<HttpResponse>, ApiError> {
    let mut record = db::users::get(&state.db, user_id).await?.ok_or_else(login::bad_credentials)?;
    two_factor::apply_policy(&state.settings, &mut record.view);
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok());
    let started = if password_only {
        session::start_password_only(state, user_id, ip, user_agent).await?
    } else {
        Some(session::start(state, user_id, ip, user_agent).await?)
    };
    let Some((token, cookie)) = started else { return Ok(None) };
    db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(user_id),
            action: "login.succeeded",
            target_type: Some("user"),
            target_id: Some(user_id.to_string()),
            ip,
            details,
            ..Default::default()
        },
    )
    .await?;
    Ok(Some(HttpResponse::Ok().cookie(cookie).json(LoginResponse { token, user: record.view })))
}

pub async fn logout(state: web::Data<AppState>, s: SessionUser) -> Result<HttpResponse, ApiError> {
    db::sessions::revoke(&state.db, s.session_id, state.clock.now()).await?;
    db::audit::record(
        &state.db,
        Entry { actor_user: Some(s.user.id), action: "logout", ip: s.ip, ..Default::default() },
    )
    .await?;
    Ok(HttpResponse::Ok().cookie(session::clearing_cookie(&state)).json(serde_json::json!({"signed_out": true})))
}

pub async fn me(s: SessionUser) -> HttpResponse {
    HttpResponse::Ok().json(s.user)
}

/// Changes the caller's own password: every session ends, and this browser gets a new one.
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    s: SessionUser,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let ChangePasswordRequest { current_password, new_password } = body.into_inner();
    validation::new_password(&new_password)
        .map_err(|e| ApiError::with_param(ErrorCode::InvalidRequest, e.to_string(), "new_password"))?;
    if new_password == current_password {
        return Err(ApiError::with_param(
            ErrorCode::InvalidRequest,
            "the new password must differ from the current one",
            "new_password",
        ));
    }
    login::reauthenticate(&state, &s, current_password, "current_password", "password.change_failed").await?;
    let hash = password::hash(SecretString::from(new_password)).await?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    db::users::set_password(&mut *tx, s.user.id, &hash, false).await?;
    db::sessions::revoke_all_of(&mut *tx, s.user.id, now).await?;
    db::audit::record(
        &mut *tx,
        Entry {
            actor_user: Some(s.user.id),
            action: "password.changed",
            target_type: Some("user"),
            target_id: Some(s.user.id.to_string()),
            ip: s.ip,
            ..Default::default()
        },
    )
    .await?;
    tx.commit().await?;
    let mut record = db::users::get(&state.db, s.user.id).await?.ok_or_else(ApiError::not_found)?;
    two_factor::apply_policy(&state.settings, &mut record.view);
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok());
    let (token, cookie) = session::start(&state, s.user.id, s.ip, user_agent).await?;
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse { token, user: record.view }))
}
