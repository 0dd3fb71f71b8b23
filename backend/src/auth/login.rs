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

/// 16 hex digits of an HMAC of an identifier as typed, under a key kept for this: enough to group
/// an attacker's attempts in the audit log, never the text itself, and not guessable offline
/// from the log alone (what was typed may be a password).
pub fn identifier_digest(keys: &crate::keys::Keys, identifier: &str) -> String {
    use hmac::{Hmac, Mac};
    use secrecy::ExposeSecret;
    let mut mac =
        <Hmac<sha2::Sha256> as Mac>::new_from_slice(keys.audit.expose_secret()).unwrap_or_else(|_| unreachable!());
    mac.update(identifier.trim().as_bytes());
    mac.finalize().into_bytes().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Counts a wrong password of a known user toward the lockout; with `end_sessions`, a lock also
/// ends the user's sessions (a wrong current password typed inside a session). Returns whether
/// the account is now locked.
pub async fn count_failure(state: &AppState, user: UserId, end_sessions: bool) -> Result<bool, ApiError> {
    let now = state.clock.now();
    let lock = Duration::minutes(state.settings.lockout.lock_minutes);
    let locked =
        db::users::record_failed_login(&state.db, user, now, state.settings.lockout.max_failed_logins, lock).await?;
    if locked.is_some() && end_sessions {
        db::sessions::revoke_all_of(&state.db, user, now).await?;
    }
    Ok(locked.is_some())
}

/// A user whose password was right.
#[derive(Debug, Clone, Copy)]
pub struct Verified {
    pub id: UserId,
    /// A code is still due: the failure count was not reset, so wrong codes after right
    /// passwords still reach the lockout.
    pub two_factor: bool,
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
) -> Result<Verified, ApiError> {
    if typed.len() > 1024 {
        return Err(ApiError::with_param(ErrorCode::InvalidRequest, "password is too long", "password"));
    }
    state.limits.login_per_ip.check(&ip.map(|i| i.to_string()).unwrap_or_default())?;
    let normalized = normalize(method, identifier);
    let now = state.clock.now();
    let user = match &normalized {
        Some(n) => db::users::find_for_login(&state.db, method, n).await?,
        None => None,
    };
    // One bucket per user, whichever tab names them; unknown names share one per spelling.
    let bucket = match &user {
        Some(u) => format!("user:{}", u.id),
        None => format!("unknown:{}", normalized.as_deref().unwrap_or(identifier.trim())),
    };
    state.limits.login_per_account.check(&bucket)?;
    let verified =
        password::verify(SecretString::from(typed.to_owned()), user.as_ref().map(|u| u.password_hash.clone())).await?;
    let failure = |reason: &'static str, user_id: Option<UserId>| Entry {
        actor_user: user_id,
        action: "login.failed",
        target_type: Some("user"),
        target_id: user_id.map(|u| u.to_string()),
        ip,
        // What was typed may be a password put in the wrong field: only a short hash of it is kept.
        details: serde_json::json!({"method": method, "identifier_hmac": identifier_digest(&state.keys, identifier), "reason": reason, "via": via}),
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
        let locked = count_failure(state, user.id, false).await?;
        let reason = if locked { "wrong_password_locked" } else { "wrong_password" };
        db::audit::record(&state.db, failure(reason, Some(user.id))).await?;
        return Err(bad_credentials());
    }
    if !user.active {
        db::audit::record(&state.db, failure("disabled", Some(user.id))).await?;
        return Err(bad_credentials());
    }
    if !user.two_factor {
        db::users::record_successful_login(&state.db, user.id).await?;
    }
    Ok(Verified { id: user.id, two_factor: user.two_factor })
}

/// Checks the password of a signed-in user before a sensitive change (a new password, the
/// two-factor settings). The same per-user bucket as sign-in, and a wrong password counts toward
/// the lockout (a lock ends the sessions): a stolen session cannot guess the password. A wrong
/// one is audited as `failed_action` and answered `401 invalid_credentials` naming `param`.
pub async fn reauthenticate(
    state: &AppState,
    s: &crate::auth::extract::SessionUser,
    typed: String,
    param: &str,
    failed_action: &str,
) -> Result<(), ApiError> {
    if typed.len() > 1024 {
        return Err(ApiError::with_param(ErrorCode::InvalidRequest, "password is too long", param));
    }
    state.limits.login_per_account.check(&format!("user:{}", s.user.id))?;
    let locked = db::users::login_state(&state.db, s.user.id)
        .await?
        .and_then(|u| u.locked_until)
        .is_some_and(|t| t > state.clock.now());
    if locked {
        return Err(bad_credentials());
    }
    let stored = db::users::password_hash(&state.db, s.user.id).await?;
    if password::verify(SecretString::from(typed), stored).await? {
        return Ok(());
    }
    let locked = count_failure(state, s.user.id, true).await?;
    db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(s.user.id),
            action: failed_action,
            target_type: Some("user"),
            target_id: Some(s.user.id.to_string()),
            ip: s.ip,
            details: serde_json::json!({"locked": locked}),
            ..Default::default()
        },
    )
    .await?;
    Err(ApiError::with_param(
        ErrorCode::InvalidCredentials,
        format!("The {} is wrong.", param.replace('_', " ")),
        param,
    ))
}
