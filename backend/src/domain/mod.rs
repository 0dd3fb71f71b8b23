//! Domain rules: pure code, no HTTP and no SQL.

pub mod clock;
pub mod fees;
pub mod validation;
