//! The cabinet's API, `/cabinet/api/v1`, authenticated by the session (cookie or bearer).

use actix_web::web;

/// Registers the cabinet API's routes inside its scope.
pub fn config(_cfg: &mut web::ServiceConfig) {}
