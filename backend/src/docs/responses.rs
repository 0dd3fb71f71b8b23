//! The error answers that many operations share, written once.

#![allow(dead_code)]

use shared::ErrorBody;
use utoipa::IntoResponses;

/// `401`: the payment API without a valid key.
#[derive(IntoResponses)]
#[response(status = 401, description = "Missing, unknown or revoked API key (`invalid_api_key`)")]
pub struct ApiKeyRequired(ErrorBody);

/// `404`: another organization's object does not exist for the caller.
#[derive(IntoResponses)]
#[response(status = 404, description = "No such object in this organization")]
pub struct NotFound(ErrorBody);

/// `409`: the idempotency key's conflicts.
#[derive(IntoResponses)]
#[response(status = 409, description = "`idempotency_key_reused` or `request_in_progress`")]
pub struct IdempotencyConflict(ErrorBody);

/// `429`: over a rate limit.
#[derive(IntoResponses)]
#[response(status = 429, description = "Rate limited; see `Retry-After`")]
pub struct RateLimited(ErrorBody);
