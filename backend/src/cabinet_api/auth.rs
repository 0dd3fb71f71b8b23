//! Sign-in, sign-out, the current user and password changes.

use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use shared::ErrorCode;
use shared::dto::auth::{ChangePasswordRequest, LoginMethod, LoginRequest, LoginResponse};
use time::Duration;

use crate::auth::extract::{SessionUser, client_ip};
use crate::auth::{password, session};
use crate::db::{self, audit::Entry};
use crate::domain::validation;
use crate::error::ApiError;
use crate::state::AppState;

/// The one answer for an unknown user, a wrong password, a disabled or a locked account.
fn bad_credentials() -> ApiError {
    ApiError::new(ErrorCode::InvalidCredentials, "Invalid credentials, or sign-in is temporarily locked.")
}

/// Normalizes what was typed in the chosen tab; `None` when it cannot name any user.
fn normalize(method: LoginMethod, identifier: &str) -> Option<String> {
    let identifier = identifier.trim();
    if identifier.is_empty() || identifier.len() > 254 {
        return None;
    }
    match method {
        LoginMethod::Login => Some(identifier.to_lowercase()),
        LoginMethod::Email => validation::email(identifier).ok(),
        LoginMethod::Phone => validation::phone(identifier).ok(),
    }
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { method, identifier, password: typed } = body.into_inner();
    if typed.len() > 1024 {
        return Err(ApiError::with_param(ErrorCode::InvalidRequest, "password is too long", "password"));
    }
    let ip = client_ip(&req);
    state.limits.login_per_ip.check(&ip.map(|i| i.to_string()).unwrap_or_default())?;
    let normalized = normalize(method, &identifier);
    state.limits.login_per_account.check(normalized.as_deref().unwrap_or(identifier.trim()))?;

    let now = state.clock.now();
    let user = match &normalized {
        Some(n) => db::users::find_for_login(&state.db, method, n).await?,
        None => None,
    };
    // Exactly one Argon2 verification on every path, so timing does not tell users apart.
    let verified = password::verify(SecretString::from(typed), user.as_ref().map(|u| u.password_hash.clone())).await?;
    let audit_failure = |reason: &'static str, user_id| Entry {
        actor_user: user_id,
        action: "login.failed",
        target_type: Some("user"),
        target_id: user_id.map(|u: shared::ids::UserId| u.to_string()),
        ip,
        details: serde_json::json!({"method": method, "identifier": identifier.trim(), "reason": reason}),
        ..Default::default()
    };
    let Some(user) = user else {
        db::audit::record(&state.db, audit_failure("unknown_user", None)).await?;
        return Err(bad_credentials());
    };
    if user.locked_until.is_some_and(|t| t > now) {
        db::audit::record(&state.db, audit_failure("locked", Some(user.id))).await?;
        return Err(bad_credentials());
    }
    if !verified {
        let lock = Duration::minutes(state.settings.lockout.lock_minutes);
        let locked =
            db::users::record_failed_login(&state.db, user.id, now, state.settings.lockout.max_failed_logins, lock)
                .await?;
        let reason = if locked.is_some() { "wrong_password_locked" } else { "wrong_password" };
        db::audit::record(&state.db, audit_failure(reason, Some(user.id))).await?;
        return Err(bad_credentials());
    }
    if !user.active {
        db::audit::record(&state.db, audit_failure("disabled", Some(user.id))).await?;
        return Err(bad_credentials());
    }
    db::users::record_successful_login(&state.db, user.id).await?;
    let record = db::users::get(&state.db, user.id).await?.ok_or_else(bad_credentials)?;
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok());
    let (token, cookie) = session::start(&state, user.id, ip, user_agent).await?;
    db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(user.id),
            action: "login.succeeded",
            target_type: Some("user"),
            target_id: Some(user.id.to_string()),
            ip,
            details: serde_json::json!({"method": method}),
            ..Default::default()
        },
    )
    .await?;
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse { token, user: record.view }))
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
    let stored = db::users::password_hash(&state.db, s.user.id).await?;
    if !password::verify(SecretString::from(current_password), stored).await? {
        return Err(ApiError::with_param(
            ErrorCode::InvalidCredentials,
            "The current password is wrong.",
            "current_password",
        ));
    }
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
    let record = db::users::get(&state.db, s.user.id).await?.ok_or_else(ApiError::not_found)?;
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok());
    let (token, cookie) = session::start(&state, s.user.id, s.ip, user_agent).await?;
    Ok(HttpResponse::Ok().cookie(cookie).json(LoginResponse { token, user: record.view }))
}
