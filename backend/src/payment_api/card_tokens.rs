//! `GET /card-tokens/{token}`, `DELETE /card-tokens/{token}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{body, bytes, idempotency};
use crate::auth::merchant::Merchant;
use crate::db::card_tokens;
use crate::error::ApiError;
use crate::operations::objects;
use crate::state::AppState;

pub async fn get(
    state: web::Data<AppState>,
    merchant: Merchant,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = card_tokens::get(&state.db, merchant.organization_id, &token).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(objects::card_token(&row)))
}

/// Revokes a saved card at once; charging it afterwards is `422 card_token_revoked`.
pub async fn revoke(
    req: HttpRequest,
    state: web::Data<AppState>,
    merchant: Merchant,
    token: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::require_key(&req)?;
    let raw = body::read(&req, payload).await?;
    let org = merchant.organization_id;
    let st = &state;
    idempotency::run(&state, merchant, &req, &key, &raw, StatusCode::OK, |claim| async move {
        // The revocation and its saved answer commit together.
        let mut tx = st.db.begin().await?;
        let now = st.clock.now();
        let row = card_tokens::revoke(&mut *tx, org, &token, now).await?.ok_or_else(ApiError::not_found)?;
        let bytes = bytes(&objects::card_token(&row))?;
        claim.attach(&mut *tx, None).await?;
        claim.audit(&mut *tx, "card_token.revoke", &row.token, serde_json::json!({})).await?;
        claim.complete(&mut *tx, claim.success, &bytes, now).await?;
        crate::db::commit(tx).await?;
        Ok((StatusCode::OK, bytes))
    })
    .await
}
