//! `POST /payouts`, `GET /payouts`, `GET /payouts/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};
#[allow(unused_imports)]
use shared::ErrorBody;
use shared::OperationType;
use shared::dto::payments::{CreatePayoutRequest, List};
#[allow(unused_imports)]
use shared::dto::payments::{Payment, Payout, Refund};
use shared::ids::OperationId;

use super::lists::{ListQuery, page};
use super::validate;
use crate::auth::merchant::Merchant;
use crate::db::operations;
use crate::error::ApiError;
use crate::operations::{objects, payouts};
use crate::state::AppState;

const KINDS: &[OperationType] = &[OperationType::Oct];

#[utoipa::path(post, path = "/api/v1/payouts", tag = "Payouts", request_body = CreatePayoutRequest, params(("Idempotency-Key" = String, Header, description = "1-64 printable ASCII characters; the same key replays the saved answer for 24 h")),
    responses((status = 201, body = Payout), (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody), (status = 403, description = "`organization_blocked` or `terminal_disabled`", body = ErrorBody), (status = 409, description = "`idempotency_key_reused` or `request_in_progress`", body = ErrorBody), (status = 413, description = "Body over 64 KiB (`payload_too_large`)", body = ErrorBody), (status = 422, description = "A business rule (`refund_exceeds_payment`, `invalid_state`, `card_token_revoked`, `amount_limit_exceeded`, `velocity_limit_exceeded`)", body = ErrorBody), (status = 429, description = "Rate limited; see `Retry-After`", body = ErrorBody)), security(("api_key" = [])))]
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    merchant: Merchant,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let st = &state;
    super::create(
        &req,
        &state,
        merchant,
        payload,
        |r: CreatePayoutRequest| validate::payout(&r),
        |input, claim| async move { payouts::create(st, org, input, &claim).await },
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/payouts/{id}", tag = "Payouts", params(("id" = String, Path)),
    responses((status = 200, body = Payout), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody), (status = 404, description = "No such object in this organization", body = ErrorBody)), security(("api_key" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    merchant: Merchant,
    id: web::Path<OperationId>,
) -> Result<HttpResponse, ApiError> {
    let row = operations::get(&state.db, merchant.organization_id, id.into_inner(), KINDS)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(objects::payout(&row)))
}

#[utoipa::path(get, path = "/api/v1/payouts", tag = "Payouts", params(("limit" = Option<i64>, Query, description = "1-100, default 20"), ("starting_after" = Option<String>, Query, description = "The id of the last object of the previous page"), ("created_gte" = Option<String>, Query, description = "RFC 3339 time"), ("created_lt" = Option<String>, Query, description = "RFC 3339 time"), ("status" = Option<String>, Query), ("order_id" = Option<String>, Query)),
    responses((status = 200, body = List<Payout>), (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody), (status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)", body = ErrorBody)), security(("api_key" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    merchant: Merchant,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let p = page(&state, org, KINDS, &q).await?;
    let (rows, has_more) = operations::list(&state.db, org, KINDS, &p.filter, p.after, p.limit).await?;
    Ok(HttpResponse::Ok().json(List::new(rows.iter().map(objects::payout).collect(), has_more)))
}
