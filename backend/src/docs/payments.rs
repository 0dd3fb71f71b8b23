//! Payments: `POST /api/v1/payments`, `GET /api/v1/payments/{id}`, `GET /api/v1/payments`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, so a handler stays readable and its text sits in one place.

// The stubs are read by the OpenAPI derive only.
#![allow(unused_imports, dead_code)]

use shared::ErrorBody;
use shared::dto::payments::*;
use shared::dto::{admin::*, auth::*, organizations::*};

use super::responses::*;

// `payment_api::payments::create`
#[utoipa::path(
    post,
    path = "/api/v1/payments",
    tag = "Payments",
    request_body = CreatePaymentRequest,
    params(
        ("Idempotency-Key" = String, Header, description = "1-64 printable ASCII characters; the same key replays the saved answer for 24 h"),
    ),
    responses(
        (status = 201, description = "The payment; a decline is a 201 with `status: failed`", body = Payment),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
        (status = 403, description = "`organization_blocked` or `terminal_disabled`", body = ErrorBody),
        IdempotencyConflict,
        (status = 413, description = "Body over 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 422, description = "A business rule (`refund_exceeds_payment`, `invalid_state`, `card_token_revoked`, `amount_limit_exceeded`)", body = ErrorBody),
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn payments_create() {}

// `payment_api::payments::get`
#[utoipa::path(
    get,
    path = "/api/v1/payments/{id}",
    tag = "Payments",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Payment),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn payments_get() {}

// `payment_api::payments::list`
#[utoipa::path(
    get,
    path = "/api/v1/payments",
    tag = "Payments",
    params(
        ("limit" = Option<i64>, Query, description = "1-100, default 20"),
        ("starting_after" = Option<String>, Query, description = "The id of the last object of the previous page"),
        ("ending_before" = Option<String>, Query, description = "The id of the first object of the current page: answers the page before it (newer objects), still newest first"),
        ("type" = Option<String>, Query, description = "`ecom` or `aft`"),
        ("customer_email" = Option<String>, Query, description = "The payer's e-mail, as the payment was created with it (any case)"),
        ("created_gte" = Option<String>, Query, description = "RFC 3339 time"),
        ("created_lt" = Option<String>, Query, description = "RFC 3339 time"),
        ("status" = Option<String>, Query),
        ("order_id" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = "Newest first", body = List<Payment>),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn payments_list() {}
