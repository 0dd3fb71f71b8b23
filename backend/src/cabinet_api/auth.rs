//! Sign-in, sign-out, the current user and password changes.

use actix_web::{HttpRequest, HttpResponse, web};
use secrecy::SecretString;
use shared::ErrorCode;
use shared::dto::auth::{ChangePasswordRequest, LoginRequest, LoginResponse};

use crate::auth::extract::{SessionUser, client_ip};
use crate::auth::{login, password, session};
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
    let user_id = login::verify(&state, method, &identifier, &typed, ip, "cabinet").await?;
    let record = db::users::get(&state.db, user_id).await?.ok_or_else(login::bad_credentials)?;
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok());
    let (token, cookie) = session::start(&state, user_id, ip, user_agent).await?;
    db::audit::record(
        &state.db,
        Entry {
            actor_user: Some(user_id),
            action: "login.succeeded",
            target_type: Some("user"),
            target_id: Some(user_id.to_string()),
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
    // The same per-user bucket as sign-in, and a wrong current password counts toward the
    // lockout: a stolen session cannot guess the password.
    state.limits.login_per_account.check(&format!("user:{}", s.user.id))?;
    let locked = db::users::login_state(&state.db, s.user.id)
        .await?
        .and_then(|u| u.locked_until)
        .is_some_and(|t| t > state.clock.now());
    if locked {
        return Err(crate::auth::login::bad_credentials());
    }
    let stored = db::users::password_hash(&state.db, s.user.id).await?;
    if !password::verify(SecretString::from(current_password), stored).await? {
        let locked = crate::auth::login::count_failure(&state, s.user.id, true).await?;
        db::audit::record(
            &state.db,
            Entry {
                actor_user: Some(s.user.id),
                action: "password.change_failed",
                target_type: Some("user"),
                target_id: Some(s.user.id.to_string()),
                ip: s.ip,
                details: serde_json::json!({"locked": locked}),
                ..Default::default()
            },
        )
        .await?;
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
