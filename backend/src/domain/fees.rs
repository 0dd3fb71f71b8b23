//! The fee rule lives in `shared` (the cabinet previews fees with the same code).

pub use shared::fees::*;
