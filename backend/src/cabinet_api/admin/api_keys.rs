//! Issuing and revoking API keys. A key is shown once; afterwards only its prefix.

use actix_web::{HttpResponse, web};
use shared::dto::admin::{IssueApiKeyRequest, IssuedApiKey};
use shared::dto::organizations::DataList;
use shared::ids::{ApiKeyId, OrganizationId};

use super::{audit, invalid};
use crate::auth::api_keys;
use crate::auth::extract::AdminUser;
use crate::db::{self, organizations::Scope};
use crate::error::ApiError;
use crate::state::AppState;

pub async fn issue(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<OrganizationId>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let org = id.into_inner();
    // The body is optional; when present it is strict JSON like every other.
    let req: IssueApiKeyRequest = if body.iter().all(u8::is_ascii_whitespace) {
        IssueApiKeyRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|e| ApiError::invalid(format!("Invalid request body: {e}.")))?
    };
    let name = req.name.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 200) {
        return Err(invalid("name", "name must be at most 200 characters"));
    }
    if db::organizations::get(&state.db, Scope::All, org).await?.is_none() {
        return Err(ApiError::not_found());
    }
    let key = api_keys::issue();
    let mut tx = state.db.begin().await?;
    let key_id = db::api_keys::insert(&mut *tx, org, &key, name, Some(admin.user.id)).await?;
    db::audit::record(
        &mut *tx,
        audit(&admin, "api_key.issued", "api_key", key_id, Some(org), serde_json::json!({"prefix": key.prefix})),
    )
    .await?;
    tx.commit().await?;
    let view = db::api_keys::get(&state.db, key_id).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Created().json(IssuedApiKey {
        id: key_id,
        key: key.key,
        prefix: view.prefix,
        organization_id: org,
        name: view.name,
        created_at: view.created_at,
    }))
}

pub async fn list(
    state: web::Data<AppState>,
    AdminUser(_): AdminUser,
    id: web::Path<OrganizationId>,
) -> Result<HttpResponse, ApiError> {
    let org = id.into_inner();
    if db::organizations::get(&state.db, Scope::All, org).await?.is_none() {
        return Err(ApiError::not_found());
    }
    Ok(HttpResponse::Ok().json(DataList { data: db::api_keys::list(&state.db, org).await? }))
}

pub async fn revoke(
    state: web::Data<AppState>,
    AdminUser(admin): AdminUser,
    id: web::Path<ApiKeyId>,
) -> Result<HttpResponse, ApiError> {
    let key_id = id.into_inner();
    let mut tx = state.db.begin().await?;
    let view = db::api_keys::revoke(&mut *tx, key_id, state.clock.now()).await?.ok_or_else(ApiError::not_found)?;
    db::audit::record(
        &mut *tx,
        audit(
            &admin,
            "api_key.revoked",
            "api_key",
            key_id,
            Some(view.organization_id),
            serde_json::json!({"prefix": view.prefix}),
        ),
    )
    .await?;
    tx.commit().await?;
    // This node at once; the others by the change feed.
    state.caches.flush_keys();
    Ok(HttpResponse::Ok().json(view))
}
