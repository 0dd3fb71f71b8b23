//! Routes that belong to neither API surface: health checks and the SPA.

pub mod health;
pub mod spa;
