//! Small reusable pieces.

pub mod bar_chart;
pub mod export;
pub mod icons;
pub mod pagination;
pub mod state;
pub mod status;
