//! Payouts: `POST /api/v1/payouts`, `GET /api/v1/payouts/{id}`, `GET /api/v1/payouts`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, so a handler stays readable and its text sits in one place.

// The stubs are read by the OpenAPI derive only.
#![allow(unused_imports, dead_code)]

use shared::ErrorBody;
use shared::dto::payments::*;
use shared::dto::{admin::*, auth::*, organizations::*};

use super::responses::*;

// `payment_api::payouts::create`
#[utoipa::path(
    post,
    path = "/api/v1/payouts",
    tag = "Payouts",
    request_body = CreatePayoutRequest,
    params(
        ("Idempotency-Key" = String, Header, description = "1-64 printable ASCII characters; the same key replays the saved answer for 24 h"),
    ),
    responses(
        (status = 201, body = Payout),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
        (status = 403, description = "`organization_blocked` or `terminal_disabled`", body = ErrorBody),
        IdempotencyConflict,
        (status = 413, description = "Body over 64 KiB (`payload_too_large`)", body = ErrorBody),
        (status = 422, description = "A business rule (`refund_exceeds_payment`, `invalid_state`, `card_token_revoked`, `amount_limit_exceeded`, `velocity_limit_exceeded`)", body = ErrorBody),
        RateLimited,
    ),
    security(("api_key" = []))
)]
pub fn payouts_create() {}

// `payment_api::payouts::get`
#[utoipa::path(
    get,
    path = "/api/v1/payouts/{id}",
    tag = "Payouts",
    params(("id" = String, Path)),
    responses(
        (status = 200, body = Payout),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn payouts_get() {}

// `payment_api::payouts::list`
#[utoipa::path(
    get,
    path = "/api/v1/payouts",
    tag = "Payouts",
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
        (status = 200, body = List<Payout>),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn payouts_list() {}
