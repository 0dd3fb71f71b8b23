//! `POST /payments`, `GET /payments`, `GET /payments/{id}`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use shared::OperationType;
use shared::dto::payments::{CreatePaymentRequest, List};
use shared::ids::OperationId;

use super::lists::{ListQuery, page};
use super::{body, bytes, idempotency, validate};
use crate::auth::merchant::Merchant;
use crate::db::operations;
use crate::error::ApiError;
use crate::operations::{objects, payments};
use crate::state::AppState;

const KINDS: &[OperationType] = &[OperationType::Ecom, OperationType::Aft];

pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    merchant: Merchant,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let key = idempotency::require_key(&req)?;
    let raw = body::read(&req, payload).await?;
    let request: CreatePaymentRequest = body::parse(&raw)?;
    let input = validate::payment(&request, state.clock.now())?;
    let org = merchant.organization_id;
    idempotency::run(&state, org, &req, &key, &raw, || async {
        let row = payments::create(&state, org, input).await?;
        Ok((StatusCode::CREATED, bytes(&objects::payment(&row, &state.public_url))?))
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
    Ok(HttpResponse::Ok().json(objects::payment(&row, &state.public_url)))
}

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
