//! `POST /payouts`, `GET /payouts`, `GET /payouts/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use shared::OperationType;
use shared::dto::payments::{CreatePayoutRequest, List};
use shared::ids::OperationId;

use super::lists::{ListQuery, page};
use super::{body, bytes, idempotency, validate};
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
    let key = idempotency::require_key(&req)?;
    let raw = body::read(&req, payload).await?;
    let request: CreatePayoutRequest = body::parse(&raw)?;
    let input = validate::payout(&request)?;
    let org = merchant.organization_id;
    idempotency::run(&state, org, &req, &key, &raw, || async {
        let row = payouts::create(&state, org, input).await?;
        Ok((StatusCode::CREATED, bytes(&objects::payout(&row))?))
    })
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
    let p = page(&state, org, KINDS, &q).await?;
    let (rows, has_more) = operations::list(&state.db, org, KINDS, &p.filter, p.after, p.limit).await?;
    Ok(HttpResponse::Ok().json(List::new(rows.iter().map(objects::payout).collect(), has_more)))
}
