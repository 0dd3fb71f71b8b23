//! The caller's organizations (all of them for staff). Anything out of scope is 404.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::OrganizationStatus;
use shared::dto::organizations::DataList;
use shared::ids::OrganizationId;

use crate::auth::extract::CabinetUser;
use crate::db;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    #[serde(default)]
    status: Option<OrganizationStatus>,
}

pub async fn list(
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let data = db::organizations::list(&state.db, s.scope(), q.status).await?;
    Ok(HttpResponse::Ok().json(DataList { data }))
}

pub async fn get(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    CabinetUser(s): CabinetUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let org = db::organizations::get(&state.db, s.scope(), id.into_inner()).await?.ok_or_else(ApiError::not_found)?;
    // The answer reveals the webhook signing secret to this user.
    db::audit::record(
        &state.db,
        db::audit::Entry {
            actor_user: Some(s.user.id),
            action: "webhook_secret.reveal",
            target_type: Some("organization"),
            target_id: Some(org.id.to_string()),
            organization: Some(org.id),
            ip: crate::auth::extract::client_ip(&req),
            ..Default::default()
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(org))
}
