//! Refunds: `POST /api/v1/payments/{id}/refunds`, `GET /api/v1/refunds/{id}`, `GET /api/v1/payments/{id}/refunds`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, so a handler stays readable and its text sits in one place.

// The stubs are read by the OpenAPI derive only.
#![allow(unused_imports, dead_code)]

use shared::ErrorBody;
use shared::dto::payments::*;
use shared::dto::{admin::*, auth::*, organizations::*};

use super::responses::*;

// `payment_api::refunds::create`
#[utoipa::path(
    post,
    path = "/api/v1/payments/{id}/refunds",
    tag = "Refunds",
    request_body = CreateRefundRequest,
    params(
        ("id" = String, Path, description = "The payment"),
        ("Idempotency-Key" = String, Header, description = "1-64 printable ASCII characters; the same key replays the saved answer for 24 h"),
    ),
    responses(
        (status = 201, body = Refund),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
        NotFound,
        IdempotencyConflict,
        (status = 422, description = "A business rule (`refund_exceeds_payment`, `invalid_state`, `card_token_revoked`, `amount_limit_exceeded`, `velocity_limit_exceeded`)", body = ErrorBody),
    ),
    security(("api_key" = []))
)]
pub fn refunds_create() {}

// `payment_api::refunds::get`
#[utoipa::path(
    get,
    path = "/api/v1/refunds/{id}",
    tag = "Refunds",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Refund),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn refunds_get() {}

// `payment_api::refunds::list`
#[utoipa::path(
    get,
    path = "/api/v1/payments/{id}/refunds",
    tag = "Refunds",
    params(
        ("id" = String, Path, description = "The payment"),
        ("limit" = Option<i64>, Query, description = "1-100, default 20"),
        ("starting_after" = Option<String>, Query, description = "The id of the last object of the previous page"),
        ("ending_before" = Option<String>, Query, description = "The id of the first object of the current page: answers the page before it (newer objects), still newest first"),
        ("created_gte" = Option<String>, Query, description = "RFC 3339 time"),
        ("created_lt" = Option<String>, Query, description = "RFC 3339 time"),
        ("status" = Option<String>, Query),
        ("order_id" = Option<String>, Query),
    ),
    responses(
        (status = 200, body = List<Refund>),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn refunds_list() {}

// `payment_api::refunds::list_all`
/// Every refund of the organization, across its payments, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/refunds",
    tag = "Refunds",
    params(
        ("limit" = Option<i64>, Query, description = "1-100, default 20"),
        ("starting_after" = Option<String>, Query, description = "The id of the last object of the previous page"),
        ("ending_before" = Option<String>, Query, description = "The id of the first object of the current page: answers the page before it (newer objects), still newest first"),
        ("created_gte" = Option<String>, Query, description = "RFC 3339 time"),
        ("created_lt" = Option<String>, Query, description = "RFC 3339 time"),
        ("status" = Option<String>, Query),
        ("order_id" = Option<String>, Query),
    ),
    responses(
        (status = 200, body = List<Refund>),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn refunds_list_all() {}
