//! Staff remove a user's two-factor enrollment (a lost phone and lost recovery codes): the user
//! signs in with the password alone again, or must enroll anew where the settings require it.

use actix_web::{HttpResponse, web};
use shared::ids::UserId;

use super::audit;
use crate::auth::extract::AdminUser;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

/// `POST /admin/users/{id}/two-factor/reset`: the enrollment and recovery codes go, and so do
/// the user's sessions (they were opened with the factor now removed).
pub async fn reset(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<UserId>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    if db::users::get(&state.db, id).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let mut tx = state.db.begin().await?;
    let removed = db::two_factor::remove(&mut tx, id).await?;
    if removed {
        db::sessions::revoke_all_of(&mut *tx, id, state.clock.now()).await?;
    }
    db::audit::record(
        &mut *tx,
        audit(&admin, "two_factor.reset_by_staff", "user", id, None, serde_json::json!({"had_enrollment": removed})),
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"two_factor_enabled": false})))
}
