//! A user's own two-factor sign-in: status, setup, confirmation, recovery codes, disabling.
//! These take [`SessionUser`], not `CabinetUser`: a user whom the settings require to enroll
//! reaches them before anything else.

use actix_web::{HttpResponse, web};
use shared::ErrorCode;
use shared::dto::auth::{
    RecoveryCodes, TwoFactorConfirmRequest, TwoFactorDisableRequest, TwoFactorPasswordRequest, TwoFactorStatus,
};

use crate::auth::extract::SessionUser;
use crate::auth::{login, two_factor};
use crate::db::{self, audit::Entry};
use crate::error::ApiError;
use crate::state::AppState;

fn entry<'a>(s: &SessionUser, action: &'a str, details: serde_json::Value) -> Entry<'a> {
    Entry {
        actor_user: Some(s.user.id),
        action,
        target_type: Some("user"),
        target_id: Some(s.user.id.to_string()),
        ip: s.ip,
        details,
        ..Default::default()
    }
}

fn wrong_code() -> ApiError {
    ApiError::with_param(ErrorCode::InvalidCredentials, "The code is wrong or already used.", "code")
}

/// `GET /auth/two-factor`.
pub async fn status(state: web::Data<AppState>, s: SessionUser) -> Result<HttpResponse, ApiError> {
    let enabled = db::two_factor::is_enabled(&state.db, s.user.id).await?;
    let left = if enabled { db::two_factor::recovery_codes_left(&state.db, s.user.id).await? } else { 0 };
    Ok(HttpResponse::Ok().json(TwoFactorStatus {
        enabled,
        required: two_factor::required(&state.settings, s.user.role),
        recovery_codes_left: u32::try_from(left).unwrap_or(0),
    }))
}

/// `POST /auth/two-factor/setup`: a new secret for a pending enrollment (a restart replaces the
/// pending one's). Refused while two-factor sign-in is on: disabling it, or staff's reset, comes first.
pub async fn setup(
    state: web::Data<AppState>,
    s: SessionUser,
    body: web::Json<TwoFactorPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    login::reauthenticate(&state, &s, body.into_inner().password, "password", "two_factor.setup_failed").await?;
    let secret = two_factor::new_secret();
    let view = two_factor::setup_view(secret.clone(), &s.user.login)?;
    let sealed = two_factor::seal(&state.keys, s.user.id, &secret)?;
    if !db::two_factor::start(&state.db, s.user.id, &sealed, state.clock.now()).await? {
        return Err(ApiError::new(ErrorCode::Conflict, "Two-factor sign-in is already on: disable it first."));
    }
    db::audit::record(&state.db, entry(&s, "two_factor.setup_started", serde_json::json!({}))).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// `POST /auth/two-factor/confirm`: a current code turns the pending enrollment on; the answer
/// holds the recovery codes, shown this once.
pub async fn confirm(
    state: web::Data<AppState>,
    s: SessionUser,
    body: web::Json<TwoFactorConfirmRequest>,
) -> Result<HttpResponse, ApiError> {
    let code = body.into_inner().code;
    state.limits.login_per_account.check(&format!("user:{}", s.user.id))?;
    let enrollment = match db::two_factor::enrollment(&state.db, s.user.id).await? {
        Some(e) if !e.confirmed() => e,
        Some(_) => return Err(ApiError::new(ErrorCode::Conflict, "Two-factor sign-in is already on.")),
        None => return Err(ApiError::new(ErrorCode::Conflict, "Start the setup first.")),
    };
    let now = state.clock.now();
    let secret = two_factor::open(&state.keys, s.user.id, &enrollment)?;
    let Some(step) = two_factor::matching_step(secret, &code, now)? else {
        db::audit::record(&state.db, entry(&s, "two_factor.confirm_failed", serde_json::json!({}))).await?;
        return Err(wrong_code());
    };
    let codes = two_factor::new_recovery_codes();
    let hashes: Vec<[u8; 32]> =
        codes.iter().filter_map(|c| two_factor::recovery_hash(&state.keys, s.user.id, c)).collect();
    let mut tx = state.db.begin().await?;
    // The user's row lock orders this against a sign-in on the password alone (which takes it
    // to start its session): that session is either ended below or never started.
    sqlx::query("SELECT 1 FROM users WHERE id = $1 FOR UPDATE").bind(s.user.id).execute(&mut *tx).await?;
    if !db::two_factor::confirm(&mut tx, s.user.id, step, now).await? {
        return Err(ApiError::new(ErrorCode::Conflict, "Two-factor sign-in is already on."));
    }
    db::two_factor::replace_recovery_codes(&mut tx, s.user.id, &hashes, now).await?;
    // Sessions opened with the password alone (perhaps a stolen one) end here: from now on a
    // sign-in takes the second factor too.
    let ended = db::sessions::revoke_others_of(&mut *tx, s.user.id, s.session_id, now).await?;
    db::audit::record(&mut *tx, entry(&s, "two_factor.enrolled", serde_json::json!({"other_sessions_ended": ended})))
        .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(RecoveryCodes { recovery_codes: codes }))
}

/// `POST /auth/two-factor/disable`: the password and a code (TOTP or recovery). Refused when
/// the settings require two-factor sign-in of this user.
pub async fn disable(
    state: web::Data<AppState>,
    s: SessionUser,
    body: web::Json<TwoFactorDisableRequest>,
) -> Result<HttpResponse, ApiError> {
    let TwoFactorDisableRequest { password, code } = body.into_inner();
    if two_factor::required(&state.settings, s.user.role) {
        return Err(ApiError::new(
            ErrorCode::TwoFactorMandatory,
            "Two-factor sign-in is required for your account and cannot be disabled.",
        ));
    }
    if !db::two_factor::is_enabled(&state.db, s.user.id).await? {
        return Err(ApiError::new(ErrorCode::Conflict, "Two-factor sign-in is not on."));
    }
    login::reauthenticate(&state, &s, password, "password", "two_factor.disable_failed").await?;
    let Some(factor) = two_factor::use_code(&state, &mut *state.db.acquire().await?, s.user.id, &code).await? else {
        // A wrong code inside a session counts as a wrong password would.
        let locked = login::count_failure(&state, s.user.id, true).await?;
        db::audit::record(&state.db, entry(&s, "two_factor.disable_failed", serde_json::json!({"locked": locked})))
            .await?;
        return Err(wrong_code());
    };
    let mut tx = state.db.begin().await?;
    db::two_factor::remove(&mut tx, s.user.id).await?;
    db::audit::record(&mut *tx, entry(&s, "two_factor.disabled", serde_json::json!({"factor": factor.as_str()})))
        .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"enabled": false})))
}

/// `POST /auth/two-factor/recovery-codes`: ten new codes; the old ones are void. It takes the
/// password and a current code, as disabling does: a stolen session with a phished password
/// must not mint codes that outlive it.
pub async fn regenerate_recovery_codes(
    state: web::Data<AppState>,
    s: SessionUser,
    body: web::Json<TwoFactorDisableRequest>,
) -> Result<HttpResponse, ApiError> {
    let TwoFactorDisableRequest { password, code } = body.into_inner();
    if !db::two_factor::is_enabled(&state.db, s.user.id).await? {
        return Err(ApiError::new(ErrorCode::Conflict, "Two-factor sign-in is not on."));
    }
    login::reauthenticate(&state, &s, password, "password", "two_factor.recovery_codes_failed").await?;
    if two_factor::use_code(&state, &mut *state.db.acquire().await?, s.user.id, &code).await?.is_none() {
        let locked = login::count_failure(&state, s.user.id, true).await?;
        let e = entry(&s, "two_factor.recovery_codes_failed", serde_json::json!({"locked": locked}));
        db::audit::record(&state.db, e).await?;
        return Err(wrong_code());
    }
    let codes = two_factor::new_recovery_codes();
    let hashes: Vec<[u8; 32]> =
        codes.iter().filter_map(|c| two_factor::recovery_hash(&state.keys, s.user.id, c)).collect();
    let mut tx = state.db.begin().await?;
    db::two_factor::replace_recovery_codes(&mut tx, s.user.id, &hashes, state.clock.now()).await?;
    db::audit::record(&mut *tx, entry(&s, "two_factor.recovery_codes_regenerated", serde_json::json!({}))).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(RecoveryCodes { recovery_codes: codes }))
}
