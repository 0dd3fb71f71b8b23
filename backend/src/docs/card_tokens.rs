//! Saved cards: `GET` and `DELETE /api/v1/card-tokens/{token}`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, so a handler stays readable and its text sits in one place.

// The stubs are read by the OpenAPI derive only.
#![allow(unused_imports, dead_code)]

use shared::ErrorBody;
use shared::dto::payments::*;
use shared::dto::{admin::*, auth::*, organizations::*};

use super::responses::*;

// `payment_api::card_tokens::get`
#[utoipa::path(
    get,
    path = "/api/v1/card-tokens/{token}",
    tag = "Saved cards",
    params(("token" = String, Path)),
    responses(
        (status = 200, body = CardToken),
        ApiKeyRequired,
        NotFound,
    ),
    security(("api_key" = []))
)]
pub fn card_tokens_get() {}

// `payment_api::card_tokens::revoke`
/// Revokes a saved card at once; charging it afterwards is `422 card_token_revoked`.
#[utoipa::path(
    delete,
    path = "/api/v1/card-tokens/{token}",
    tag = "Saved cards",
    params(
        ("token" = String, Path),
        ("Idempotency-Key" = String, Header, description = "1-64 printable ASCII characters; the same key replays the saved answer for 24 h"),
    ),
    responses(
        (status = 200, body = CardToken),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
        NotFound,
        IdempotencyConflict,
    ),
    security(("api_key" = []))
)]
pub fn card_tokens_revoke() {}
