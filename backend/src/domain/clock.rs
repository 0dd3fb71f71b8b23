//! Time as a dependency: every timer reads this clock, so tests move time instead of waiting.

use std::sync::Mutex;

use time::{Date, Duration, OffsetDateTime, UtcOffset};

/// Moscow time: UTC+3 all year (no daylight saving since 2014). Daily caps, balances'
/// availability and settlement statements count days in it.
pub const MOSCOW: UtcOffset = match UtcOffset::from_hms(3, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// The day in Moscow time that `t` falls on.
pub fn moscow_day(t: OffsetDateTime) -> Date {
    t.to_offset(MOSCOW).date()
}

/// When a Moscow day starts, as an instant.
pub fn moscow_midnight(day: Date) -> OffsetDateTime {
    day.midnight().assume_offset(MOSCOW)
}

pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now(&self) -> OffsetDateTime;
}

/// The wall clock.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until told to move (tests).
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    pub fn new(start: OffsetDateTime) -> Self {
        ManualClock(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
