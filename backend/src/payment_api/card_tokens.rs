//! `GET /card-tokens/{token}`, `DELETE /card-tokens/{token}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::{body, bytes, idempotency};
use crate::auth::merchant::Merchant;
use crate::db::card_tokens;
use crate::error::ApiError;
use crate::operations::objects;
use crate::state::AppState;
#[allow(unused_imports)]
use shared::{ErrorBody, dto::payments::CardToken};

#[utoipa::path(get, path = "/api/v1/card-tokens/{token}", tag = "Saved cards", params(("token" = String, Path)),
    responses((status = 200, body = CardToken), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody), (status = 404, description = "No such object in this organization", body = ErrorBody)), security(("api_key" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    merchant: Merchant,
    token: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = card_tokens::get(&state.db, merchant.organization_id, &token).await?.ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(objects::card_token(&row)))
}

#[utoipa::path(delete, path = "/api/v1/card-tokens/{token}", tag = "Saved cards", params(("token" = String, Path), ("Idempotency-Key" = String, Header, description = "1-64 printable ASCII characters; the same key replays the saved answer for 24 h")),
    responses((status = 200, body = CardToken), (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody), (status = 404, description = "No such object in this organization", body = ErrorBody), (status = 409, description = "`idempotency_key_reused` or `request_in_progress`", body = ErrorBody)), security(("api_key" = [])))]
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
    idempotency::run(&state, merchant, &req, &key, &raw, |claim| async move {
        // The revocation and its saved answer commit together.
        let mut tx = st.db.begin().await?;
        let now = st.clock.now();
        let row = card_tokens::revoke(&mut *tx, org, &token, now).await?.ok_or_else(ApiError::not_found)?;
        let bytes = bytes(&objects::card_token(&row))?;
        claim.attach(&mut *tx, None).await?;
        claim.audit(&mut *tx, "card_token.revoke", &row.token, serde_json::json!({})).await?;
        claim.complete(&mut *tx, StatusCode::OK.as_u16(), &bytes, now).await?;
        tx.commit().await?;
        Ok((StatusCode::OK, bytes))
    })
    .await
}
