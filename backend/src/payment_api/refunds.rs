//! `POST /payments/{id}/refunds`, `GET /payments/{id}/refunds`, `GET /refunds/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use shared::OperationType;
use shared::dto::payments::{CreateRefundRequest, List};
use shared::ids::OperationId;

use super::lists::{ListQuery, rows};
use super::validate;
use crate::auth::merchant::Merchant;
use crate::db::operations;
use crate::error::ApiError;
use crate::operations::{By, objects, refunds};
use crate::state::AppState;

const KINDS: &[OperationType] = &[OperationType::Refund];

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    merchant: Merchant,
    id: web::Path<OperationId>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let payment_id = id.into_inner();
    let validate = |r: CreateRefundRequest| {
        Ok((r.amount.map(validate::amount).transpose()?, validate::reason(r.reason.as_deref())?))
    };
    let st = &state;
    super::create(
        &req,
        &state,
        merchant,
        payload,
        StatusCode::CREATED,
        validate,
        |(amount, reason), claim| async move {
            let input = refunds::RefundInput { amount, reason, seen_refunded: None };
            refunds::create(st, org, payment_id, input, By::Api(&claim)).await
        },
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
    Ok(HttpResponse::Ok().json(objects::refund(&row)))
}

pub async fn list(
    state: web::Data<AppState>,
    merchant: Merchant,
    id: web::Path<OperationId>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let payment_id = id.into_inner();
    operations::get(&state.db, org, payment_id, &[OperationType::Ecom, OperationType::Aft])
        .await?
        .ok_or_else(ApiError::not_found)?;
    let (rows, has_more) = rows(&state, org, KINDS, &q, Some(payment_id)).await?;
    Ok(HttpResponse::Ok().json(List::new(rows.iter().map(objects::refund).collect(), has_more)))
}

/// `GET /refunds`: every refund of the organization, across its payments.
pub async fn list_all(
    state: web::Data<AppState>,
    merchant: Merchant,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let org = merchant.organization_id;
    let (rows, has_more) = rows(&state, org, KINDS, &q, None).await?;
    Ok(HttpResponse::Ok().json(List::new(rows.iter().map(objects::refund).collect(), has_more)))
}
