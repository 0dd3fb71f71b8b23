//! `POST /payouts`, `GET /payouts`, `GET /payouts/{id}`.

use actix_web::{HttpRequest, HttpResponse, web};
use shared::OperationType;
use shared::dto::payments::{CreatePayoutRequest, List};
use shared::ids::OperationId;

use super::lists::{ListQuery, rows};
use super::validate;
use crate::auth::merchant::Merchant;
use crate::db::operations;
use crate::error::ApiError;
use crate::operations::{objects, payouts};
use crate::state::AppState;

const KINDS: &[OperationType] = &[OperationType::Oct];

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
        actix_web::http::StatusCode::CREATED,
        |r: CreatePayoutRequest| validate::payout(&r),
        |input, claim| async move { payouts::create(st, org, input, &claim).await },
    )
    .await
}

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

pub async fn list(
    state: web::Data<AppState>,
    merchant: Merchant,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let (rows, has_more) = rows(&state, org, KINDS, &q, None).await?;
    Ok(HttpResponse::Ok().json(List::new(rows.iter().map(objects::payout).collect(), has_more)))
}
