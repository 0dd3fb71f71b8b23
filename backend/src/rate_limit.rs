//! In-memory keyed rate limits (per node): login per account and per IP, payment API per key.

use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::configuration::RateLimitSettings;
use crate::error::ApiError;

/// Keys seen before the limiter drops idle entries.
const SHRINK_ABOVE: usize = 10_000;

/// `n` requests a minute per key, with bursts up to `n`.
pub struct Limiter {
    inner: DefaultKeyedRateLimiter<String>,
    clock: DefaultClock,
}

impl Limiter {
    pub fn per_minute(n: u32) -> Limiter {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Limiter { inner: RateLimiter::keyed(Quota::per_minute(n)), clock: DefaultClock::default() }
    }

    /// Counts one request for `key`; refuses with the seconds to wait when over the limit.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        if self.inner.len() > SHRINK_ABOVE {
            self.inner.retain_recent();
        }
        self.inner.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            ApiError::RateLimited { retry_after_seconds: wait.as_secs().max(1) }
        })
    }
}

/// Every limiter of the app.
pub struct Limits {
    pub login_per_account: Limiter,
    pub login_per_ip: Limiter,
    pub api_per_key: Limiter,
    /// Webhook resends from the cabinet, per user.
    pub resends_per_user: Limiter,
    /// xlsx exports, per user (each reads many rows).
    pub exports_per_user: Limiter,
}

impl Limits {
    pub fn new(s: &RateLimitSettings) -> Limits {
        Limits {
            login_per_account: Limiter::per_minute(s.login_per_account_per_minute),
            login_per_ip: Limiter::per_minute(s.login_per_ip_per_minute),
            api_per_key: Limiter::per_minute(s.api_per_key_per_minute),
            resends_per_user: Limiter::per_minute(s.resends_per_user_per_minute),
            exports_per_user: Limiter::per_minute(s.exports_per_user_per_minute),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_quota_with_a_retry_after() {
        let l = Limiter::per_minute(2);
        assert!(l.check("a").is_ok());
        assert!(l.check("a").is_ok());
        match l.check("a") {
            Err(ApiError::RateLimited { retry_after_seconds }) => assert!((1..=60).contains(&retry_after_seconds)),
            other => panic!("expected a rate limit, got {other:?}"),
        }
        assert!(l.check("b").is_ok(), "keys are independent");
    }
}
