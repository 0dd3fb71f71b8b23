//! Reconciliation against the bank (issue 17, part 4). For a Moscow day the gateway reads the
//! bank's register through the acquirer seam (as it would download a real acquirer's daily
//! file), matches it one to one by (reference, type) with its operations ([`matcher`], by the
//! rule of [`expected`]), settles what recovery can (an operation still `processing` whose
//! answer the register holds, through settlement, with all its guarantees) and records the rest
//! as discrepancies that wait for a person ([`run`]). The schedule runs yesterday once the
//! grace window past Moscow midnight is over (`workers::reconciliation`); staff run any day on
//! demand and download it as xlsx ([`xlsx`]).

pub mod expected;
pub mod matcher;
pub mod run;
pub mod xlsx;

use shared::dto::reconciliation::BookingType;
use time::{Date, Duration};

use self::matcher::Day;
use crate::acquirer::BookingKind;
use crate::state::AppState;

pub use crate::domain::clock::moscow_day;

/// The Moscow day `[00:00, 24:00)` of `day`.
pub fn day_bounds(day: Date) -> Day {
    let start = crate::domain::clock::moscow_midnight(day);
    Day { start, end: start + Duration::days(1) }
}

/// The grace window either side of a day (`reconciliation.grace_minutes`).
pub fn grace(state: &AppState) -> Duration {
    Duration::minutes(state.settings.reconciliation.grace_minutes)
}

/// The register's name of a booking.
pub fn booking_type(kind: BookingKind) -> BookingType {
    match kind {
        BookingKind::Debit => BookingType::Debit,
        BookingKind::Credit => BookingType::Credit,
        BookingKind::Hold => BookingType::Hold,
        BookingKind::Capture => BookingType::Capture,
        BookingKind::Release => BookingType::Release,
        BookingKind::Refund => BookingType::Refund,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::{date, datetime};

    use super::*;

    #[test]
    fn a_moscow_day_starts_at_21_utc_the_day_before() {
        let d = day_bounds(date!(2026 - 12 - 01));
        assert_eq!(d.start, datetime!(2026-11-30 21:00 UTC));
        assert_eq!(d.end, datetime!(2026-12-01 21:00 UTC));
        assert_eq!(moscow_day(datetime!(2026-11-30 21:00 UTC)), date!(2026 - 12 - 01));
        assert_eq!(moscow_day(datetime!(2026-11-30 20:59:59 UTC)), date!(2026 - 11 - 30));
    }
}
