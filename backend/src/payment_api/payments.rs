//! `POST /payments`, `GET /payments`, `GET /payments/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use shared::OperationType;
use shared::dto::payments::{CancelPaymentRequest, CapturePaymentRequest, CreatePaymentRequest, List};
use shared::ids::OperationId;

use super::lists::{ListQuery, rows};
use super::validate;
use crate::auth::merchant::Merchant;
use crate::db::operations;
use crate::error::ApiError;
use crate::operations::{By, holds};
use crate::operations::{objects, payments};
use crate::state::AppState;

const KINDS: &[OperationType] = &[OperationType::Ecom, OperationType::Aft];

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
        StatusCode::CREATED,
        |r: CreatePaymentRequest| validate::payment(&r, now),
        |input, claim| async move { payments::create(st, org, input, &claim).await },
    )
    .await
}

/// `POST /payments/{id}/capture`: takes all or part of an authorized payment's hold.
pub async fn capture(
    req: HttpRequest,
    state: web::Data<AppState>,
    merchant: Merchant,
    id: web::Path<OperationId>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let id = id.into_inner();
    let st = &state;
    super::create(
        &req,
        &state,
        merchant,
        payload,
        StatusCode::OK,
        |r: CapturePaymentRequest| r.amount.map(validate::amount).transpose(),
        |amount, claim| async move { holds::capture(st, org, id, amount, By::Api(&claim)).await },
    )
    .await
}

/// `POST /payments/{id}/cancel`: releases an authorized payment's hold.
pub async fn cancel(
    req: HttpRequest,
    state: web::Data<AppState>,
    merchant: Merchant,
    id: web::Path<OperationId>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let id = id.into_inner();
    let st = &state;
    super::create(
        &req,
        &state,
        merchant,
        payload,
        StatusCode::OK,
        |_: CancelPaymentRequest| Ok(()),
        |(), claim| async move { holds::cancel(st, org, id, By::Api(&claim)).await },
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
    Ok(HttpResponse::Ok().json(objects::payment(&row, &state.public_url)))
}

pub async fn list(
    state: web::Data<AppState>,
    merchant: Merchant,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let (rows, has_more) = rows(&state, org, KINDS, &q, None).await?;
    let data = rows.iter().map(|r| objects::payment(r, &state.public_url)).collect();
    Ok(HttpResponse::Ok().json(List::new(data, has_more)))
}
