//! The public payment API, `/api/v1`, authenticated by API keys (api-contract.md).

use actix_web::web;

/// Registers the payment API's routes inside its scope.
pub fn config(_cfg: &mut web::ServiceConfig) {}
