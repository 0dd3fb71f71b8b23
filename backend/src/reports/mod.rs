//! «Отчетность»: analytics for the charts, and the xlsx report.

pub mod analytics;
pub mod exports;
pub mod xlsx;
