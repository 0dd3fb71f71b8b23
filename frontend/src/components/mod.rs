//! Small reusable pieces.

pub mod icons;
pub mod state;
