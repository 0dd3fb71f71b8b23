//! Domain rules: pure code, no HTTP and no SQL.

pub mod card;
pub mod clock;
pub mod fees;
pub mod ledger;
pub mod metadata;
pub mod status;
pub mod validation;
