//! The event log: `GET /api/v1/events`.
//!
//! Documentation stubs: the handlers live in `payment_api`; this file holds what the
//! OpenAPI document says of them, so a handler stays readable and its text sits in one place.

// The stubs are read by the OpenAPI derive only.
#![allow(unused_imports, dead_code)]

use shared::ErrorBody;
use shared::dto::payments::*;
use shared::dto::{admin::*, auth::*, organizations::*};

use super::responses::*;

// `payment_api::events::list`
#[utoipa::path(
    get,
    path = "/api/v1/events",
    tag = "Events",
    params(
        ("limit" = Option<i64>, Query),
        ("starting_after" = Option<String>, Query),
        ("ending_before" = Option<String>, Query, description = "Pages backwards (newer events)"),
        ("type" = Option<String>, Query, description = "An event type"),
        ("created_gte" = Option<String>, Query),
    ),
    responses(
        (status = 200, description = "The last 30 days, newest first", body = List<Event>),
        (status = 400, description = "Invalid request (`invalid_request`, `idempotency_key_required`, `invalid_card_number`, `invalid_expiry`, `unsupported_currency`)", body = ErrorBody),
        ApiKeyRequired,
    ),
    security(("api_key" = []))
)]
pub fn events_list() {}
