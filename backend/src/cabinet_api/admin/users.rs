//! Creating users, changing them, and resetting their passwords. There is no open registration.

use actix_web::{HttpResponse, web};
use secrecy::SecretString;
use shared::Role;
use shared::dto::admin::{CreateUserRequest, ResetPasswordResponse, UpdateUserRequest};
use shared::dto::organizations::DataList;
use shared::ids::{OrganizationId, UserId};

use super::{audit, conflict, invalid, text};
use crate::auth::extract::AdminUser;
use crate::auth::password;
use crate::db::{self, users::NewUser, users::UserChanges};
use crate::domain::validation;
use crate::error::ApiError;
use crate::state::AppState;

const DEFAULT_TIME_ZONE: &str = "Europe/Moscow";

async fn time_zone(state: &AppState, tz: &str) -> Result<String, ApiError> {
    let tz = validation::time_zone_shape(tz).map_err(|e| invalid("time_zone", e.to_string()))?;
    if !db::users::time_zone_exists(&state.db, &tz).await? {
        return Err(invalid("time_zone", "time_zone is not a known IANA time zone"));
    }
    Ok(tz)
}

async fn organizations_exist(state: &AppState, ids: &[OrganizationId]) -> Result<(), ApiError> {
    if !db::organizations::all_exist(&state.db, ids).await? {
        return Err(invalid("organization_ids", "organization_ids names an organization that does not exist"));
    }
    Ok(())
}

fn unique_violation(e: sqlx::Error) -> ApiError {
    for (constraint, field) in
        [("users_login_key", "login"), ("users_email_key", "email"), ("users_phone_key", "phone")]
    {
        if db::is_unique_violation(&e, constraint) {
            return conflict(field, format!("a user with this {field} already exists"));
        }
    }
    e.into()
}

/// A user as staff see them, with what the settings decide (a pending required two-factor setup).
fn shown(state: &AppState, user: db::users::UserRecord) -> shared::dto::auth::UserView {
    let mut view = user.view;
    crate::auth::two_factor::apply_policy(&state.settings, &mut view);
    view
}

pub async fn create(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    body: web::Json<CreateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let req = body.into_inner();
    let login = validation::login(&req.login).map_err(|e| invalid("login", e.to_string()))?;
    let email = req.email.as_deref().map(validation::email).transpose().map_err(|e| invalid("email", e.to_string()))?;
    let phone = req.phone.as_deref().map(validation::phone).transpose().map_err(|e| invalid("phone", e.to_string()))?;
    let full_name = text(&req.full_name, "full_name", 200)?;
    validation::new_password(&req.password).map_err(|e| invalid("password", e.to_string()))?;
    let tz = time_zone(&state, req.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE)).await?;
    organizations_exist(&state, &req.organization_ids).await?;

    let hash = password::hash(SecretString::from(req.password)).await?;
    let mut tx = state.db.begin().await?;
    let id = db::users::insert(
        &mut tx,
        &NewUser {
            login: &login,
            email: email.as_deref(),
            phone: phone.as_deref(),
            full_name: &full_name,
            password_hash: &hash,
            role: req.role,
            time_zone: &tz,
            must_change_password: false,
            can_refund: req.can_refund,
        },
    )
    .await
    .map_err(unique_violation)?;
    db::users::set_memberships(&mut tx, id, &req.organization_ids).await?;
    db::audit::record(
        &mut *tx,
        audit(
            &admin,
            "user.created",
            "user",
            id,
            None,
            serde_json::json!({"login": login, "role": req.role, "organization_ids": req.organization_ids}),
        ),
    )
    .await?;
    tx.commit().await?;
    let user = db::users::get(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Created().json(shown(&state, user)))
}

pub async fn list(state: web::Data<AppState>, AdminUser(_): AdminUser) -> Result<HttpResponse, ApiError> {
    let data: Vec<_> = db::users::list(&state.db).await?.into_iter().map(|u| shown(&state, u)).collect();
    Ok(HttpResponse::Ok().json(DataList { data }))
}

pub async fn update(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<UserId>,
    body: web::Json<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let req = body.into_inner();
    if id == admin.user.id && (req.active == Some(false) || req.role == Some(Role::Partner)) {
        return Err(invalid("active", "staff cannot disable or demote themselves"));
    }
    let full_name = req.full_name.as_deref().map(|n| text(n, "full_name", 200)).transpose()?;
    let tz = match &req.time_zone {
        Some(tz) => Some(time_zone(&state, tz).await?),
        None => None,
    };
    if let Some(orgs) = &req.organization_ids {
        organizations_exist(&state, orgs).await?;
    }
    let mut tx = state.db.begin().await?;
    let changes = UserChanges {
        full_name: full_name.as_deref(),
        role: req.role,
        time_zone: tz.as_deref(),
        active: req.active,
        can_refund: req.can_refund,
    };
    if !db::users::update(&mut *tx, id, &changes).await? {
        return Err(ApiError::not_found());
    }
    if let Some(orgs) = &req.organization_ids {
        db::users::set_memberships(&mut tx, id, orgs).await?;
    }
    if req.active == Some(false) {
        db::sessions::revoke_all_of(&mut *tx, id, state.clock.now()).await?;
    }
    db::audit::record(
        &mut *tx,
        audit(&admin, "user.updated", "user", id, None, serde_json::to_value(&req).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    let user = db::users::get(&state.db, id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(shown(&state, user)))
}

/// Sets a one-time password that must be changed at the next login, and ends every session.
pub async fn reset_password(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if db::users::get(&state.db, id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let one_time = password::generate();
    let hash = password::hash(SecretString::from(one_time.clone())).await?;
    let mut tx = state.db.begin().await?;
    db::users::set_password(&mut *tx, id, &hash, true).await?;
    db::sessions::revoke_all_of(&mut *tx, id, state.clock.now()).await?;
    db::audit::record(&mut *tx, audit(&admin, "user.password_reset", "user", id, None, serde_json::json!({}))).await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(ResetPasswordResponse { password: one_time, must_change_password: true }))
}
