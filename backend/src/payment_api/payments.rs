//! `POST /payments`, `GET /payments`, `GET /payments/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};
#[allow(unused_imports)]
use shared::ErrorBody;
use shared::OperationType;
use shared::dto::payments::{CreatePaymentRequest, List};
#[allow(unused_imports)]
use shared::dto::payments::{Payment, Payout, Refund};
use shared::ids::OperationId;

use super::lists::{ListQuery, page};
use super::validate;
use crate::auth::merchant::Merchant;
use crate::db::operations;
use crate::error::ApiError;
use crate::operations::{objects, payments};
use crate::state::AppState;

const KINDS: &[OperationType] = &[OperationType::Ecom, OperationType::Aft];

#[utoipa::path(post, path = "/api/v1/payments", tag = "Payments", request_body = CreatePaymentRequest, params(("Idempotency-Key" = String, Header, description = "1-64 printable ASCII characters; the same key replays the saved answer for 24 h")),
    responses((status = 201, description = "The payment; a decline is a 201 with `status: failed`", body = Payment), (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody), (status = 403, description = "`organization_blocked` or `terminal_disabled`", body = ErrorBody), (status = 409, description = "`idempotency_key_reused` or `request_in_progress`", body = ErrorBody), (status = 413, description = "Body over 64 KiB (`payload_too_large`)", body = ErrorBody), (status = 422, description = "A business rule (`refund_exceeds_payment`, `invalid_state`, `card_token_revoked`, `amount_limit_exceeded`)", body = ErrorBody), (status = 429, description = "Rate limited; see `Retry-After`", body = ErrorBody)), security(("api_key" = [])))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    merchant: Merchant,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let now = state.clock.now();
    let st = &state;
    super::create(
        &req,
        &state,
        merchant,
        payload,
        |r: CreatePaymentRequest| validate::payment(&r, now),
        |input, claim| async move { payments::create(st, org, input, &claim).await },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "Payments", params(("id" = String, Path)),
    responses((status = 200, body = Payment), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody), (status = 404, description = "No such object in this organization", body = ErrorBody)), security(("api_key" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    merchant: Merchant,
    id: web::Path<OperationId>,
) -> Result<HttpResponse, ApiError> {
    let row = operations::get(&state.db, merchant.organization_id, id.into_inner(), KINDS)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(objects::payment(&row, &state.public_url)))
}

#[utoipa::path(get, path = "/api/v1/payments", tag = "Payments", params(("limit" = Option<i64>, Query, description = "1-100, default 20"), ("starting_after" = Option<String>, Query, description = "The id of the last object of the previous page"), ("created_gte" = Option<String>, Query, description = "RFC 3339 time"), ("created_lt" = Option<String>, Query, description = "RFC 3339 time"), ("status" = Option<String>, Query), ("order_id" = Option<String>, Query)),
    responses((status = 200, description = "Newest first", body = List<Payment>), (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody)), security(("api_key" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    merchant: Merchant,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let p = page(&state, org, KINDS, &q).await?;
    let (rows, has_more) = operations::list(&state.db, org, KINDS, &p.filter, p.after, p.limit).await?;
    let data = rows.iter().map(|r| objects::payment(r, &state.public_url)).collect();
    Ok(HttpResponse::Ok().json(List::new(data, has_more)))
}
