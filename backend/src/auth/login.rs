//! Checking a user's credentials: shared by the cabinet's login and HTTP Basic on the API docs,
//! so the lockout, the audit and the equal-time answer are the same on both doors.

use std::net::IpAddr;

use secrecy::SecretString;
use shared::ErrorCode;
use shared::dto::auth::LoginMethod;
use shared::ids::UserId;
use time::Duration;

use crate::auth::password;
use crate::db::{self, audit::Entry};
use crate::domain::validation;
use crate::error::ApiError;
use crate::state::AppState;

/// The one answer for an unknown user, a wrong password, a disabled or a locked account.
pub fn bad_credentials() -> ApiError {
    ApiError::new(ErrorCode::InvalidCredentials, "Invalid credentials, or sign-in is temporarily locked.")
}

/// Normalizes what was typed in the chosen tab; `None` when it cannot name any user.
pub fn normalize(method: LoginMethod, identifier: &str) -> Option<String> {
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

/// Verifies credentials with the rate limits and the lockout; audits failures (`via` says
/// which door). Exactly one Argon2 verification runs on every path.
pub async fn verify(
    state: &AppState,
    method: LoginMethod,
    identifier: &str,
    typed: &str,
    ip: Option<IpAddr>,
    via: &'static str,
) -> Result<UserId, ApiError> {
    if typed.len() > 1024 {
        return Err(ApiError::with_param(ErrorCode::InvalidRequest, "password is too long", "password"));
    }
    state.limits.login_per_ip.check(&ip.map(|i| i.to_string()).unwrap_or_default())?;
    let normalized = normalize(method, identifier);
    state.limits.login_per_account.check(normalized.as_deref().unwrap_or(identifier.trim()))?;

    let now = state.clock.now();
    let user = match &normalized {
        Some(n) => db::users::find_for_login(&state.db, method, n).await?,
        None => None,
    };
    let verified =
        password::verify(SecretString::from(typed.to_owned()), user.as_ref().map(|u| u.password_hash.clone())).await?;
    let failure = |reason: &'static str, user_id: Option<UserId>| Entry {
        actor_user: user_id,
        action: "login.failed",
        target_type: Some("user"),
        target_id: user_id.map(|u| u.to_string()),
        ip,
        details: serde_json::json!({"method": method, "identifier": identifier.trim(), "reason": reason, "via": via}),
        ..Default::default()
    };
    let Some(user) = user else {
        db::audit::record(&state.db, failure("unknown_user", None)).await?;
        return Err(bad_credentials());
    };
    if user.locked_until.is_some_and(|t| t > now) {
        db::audit::record(&state.db, failure("locked", Some(user.id))).await?;
        return Err(bad_credentials());
    }
    if !verified {
        let lock = Duration::minutes(state.settings.lockout.lock_minutes);
        let locked =
            db::users::record_failed_login(&state.db, user.id, now, state.settings.lockout.max_failed_logins, lock)
                .await?;
        let reason = if locked.is_some() { "wrong_password_locked" } else { "wrong_password" };
        db::audit::record(&state.db, failure(reason, Some(user.id))).await?;
        return Err(bad_credentials());
    }
    if !user.active {
        db::audit::record(&state.db, failure("disabled", Some(user.id))).await?;
        return Err(bad_credentials());
    }
    db::users::record_successful_login(&state.db, user.id).await?;
    Ok(user.id)
}
