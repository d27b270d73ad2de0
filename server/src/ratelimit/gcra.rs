//! GCRA, the generic cell rate algorithm, as pure functions over integer
//! nanoseconds (no clock inside, so tests pin time and Redis's Lua script
//! can do the same arithmetic on Redis's own clock).
//!
//! A bucket is one number, the theoretical arrival time (TAT): when the
//! bucket would be empty again at the sustained rate. A request of cost `c`
//! moves it to `max(TAT, now) + c * T` (T = 1 / rate) and is admitted when
//! that is no further than `burst * T` ahead of now. A bucket whose TAT is
//! in the past is full, which is why idle clients need no record at all.

/// Nanoseconds per second.
pub const NANOS: u64 = 1_000_000_000;

/// A sustained rate with a burst allowance.
///
/// ```
/// use threeam_server::Quota;
///
/// let q = Quota::per_second(100).with_burst(200);
/// assert_eq!(q.burst(), 200);
/// assert_eq!(q.emission_nanos(), 10_000_000);
/// assert_eq!(q.window_secs(), 2);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Quota {
    emission: u64,
    burst: u32,
}

impl Quota {
    /// `rate` requests a second, burst equal to the rate.
    ///
    /// # Panics
    /// If `rate` is 0 (a programming error: a route that admits nothing
    /// should not be routed).
    pub fn per_second(rate: u32) -> Self {
        assert!(rate > 0, "a quota admits at least one request a second");
        Self {
            // Over 10^9 a second the interval would round to zero.
            emission: (NANOS / u64::from(rate)).max(1),
            burst: rate,
        }
    }

    /// `count` requests per `period`, burst equal to `count`.
    ///
    /// # Panics
    /// If `count` is 0 or `period` is shorter than `count` nanoseconds.
    pub fn per_period(count: u32, period: std::time::Duration) -> Self {
        assert!(count > 0, "a quota admits at least one request");
        let emission = period.as_nanos() as u64 / u64::from(count);
        assert!(
            emission > 0,
            "a quota's period must be at least one nanosecond per request"
        );
        Self {
            emission,
            burst: count,
        }
    }

    /// The same rate with `burst` requests allowed at once (at least 1).
    pub fn with_burst(self, burst: u32) -> Self {
        Self {
            burst: burst.max(1),
            ..self
        }
    }

    /// Requests allowed at once.
    pub fn burst(&self) -> u32 {
        self.burst
    }

    /// Nanoseconds between requests at the sustained rate.
    pub fn emission_nanos(&self) -> u64 {
        self.emission
    }

    /// Seconds an empty bucket takes to fill (the `w` of `RateLimit-Policy`),
    /// rounded up, at least 1.
    pub fn window_secs(&self) -> u64 {
        ceil_secs(self.capacity_nanos()).max(1)
    }

    /// The same quota shared by `n` instances: each gets a `1/n` share of
    /// rate and burst (used by the local fallback when the shared store is
    /// down).
    pub fn divided(self, n: u32) -> Self {
        let n = n.max(1);
        Self {
            emission: self.emission.saturating_mul(u64::from(n)),
            burst: (self.burst / n).max(1),
        }
    }

    pub(crate) fn capacity_nanos(&self) -> u64 {
        self.emission.saturating_mul(u64::from(self.burst))
    }
}

/// Rounds nanoseconds up to whole seconds.
pub fn ceil_secs(nanos: u64) -> u64 {
    nanos.div_ceil(NANOS)
}

/// The state of one bucket after a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BucketState {
    /// Requests of cost 1 that would still be admitted now.
    pub remaining: u64,
    /// Nanoseconds until the bucket is full again.
    pub reset_nanos: u64,
    /// Nanoseconds until this request could be admitted (0 when it is).
    pub retry_after_nanos: u64,
}

/// Checks a request of `cost` against a bucket at `tat`; `Ok` carries the
/// new TAT to store, `Err` the state without change (a denial consumes
/// nothing).
///
/// ```
/// use threeam_server::{gcra_check, Quota};
///
/// let q = Quota::per_second(1).with_burst(2);
/// let (tat, state) = gcra_check(0, 0, q, 1).unwrap();
/// assert_eq!(state.remaining, 1);
/// let (tat, _) = gcra_check(tat, 0, q, 1).unwrap();
/// let denied = gcra_check(tat, 0, q, 1).unwrap_err();
/// assert_eq!(denied.retry_after_nanos, 1_000_000_000);
/// ```
pub fn gcra_check(
    tat: u64,
    now: u64,
    quota: Quota,
    cost: u32,
) -> Result<(u64, BucketState), BucketState> {
    let base = tat.max(now);
    let new_tat = base.saturating_add(quota.emission.saturating_mul(u64::from(cost)));
    let limit = now.saturating_add(quota.capacity_nanos());
    if new_tat <= limit {
        Ok((
            new_tat,
            BucketState {
                remaining: (limit - new_tat) / quota.emission,
                reset_nanos: new_tat - now,
                retry_after_nanos: 0,
            },
        ))
    } else {
        Err(BucketState {
            remaining: (limit - base) / quota.emission,
            reset_nanos: base - now,
            retry_after_nanos: new_tat - limit,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burst_then_the_sustained_rate() {
        let q = Quota::per_second(10).with_burst(5);
        let mut tat = 0;
        for i in 0..5 {
            let (t, s) = gcra_check(tat, 0, q, 1).unwrap();
            assert_eq!(s.remaining, 4 - i);
            tat = t;
        }
        let denied = gcra_check(tat, 0, q, 1).unwrap_err();
        assert_eq!(denied.remaining, 0);
        assert_eq!(denied.retry_after_nanos, 100_000_000);
        assert_eq!(denied.reset_nanos, 500_000_000);
        // A denial changed nothing; 100 ms later exactly one more fits.
        let (tat, s) = gcra_check(tat, 100_000_000, q, 1).unwrap();
        assert_eq!(s.remaining, 0);
        assert!(gcra_check(tat, 100_000_000, q, 1).is_err());
    }

    #[test]
    fn costs_take_several_units() {
        let q = Quota::per_second(10).with_burst(5);
        let (tat, s) = gcra_check(0, 0, q, 3).unwrap();
        assert_eq!(s.remaining, 2);
        let denied = gcra_check(tat, 0, q, 3).unwrap_err();
        assert_eq!(denied.remaining, 2);
        assert_eq!(denied.retry_after_nanos, 100_000_000);
        assert!(
            gcra_check(0, 0, q, 6).is_err(),
            "a cost over the burst never fits"
        );
    }

    #[test]
    fn admissions_over_time_match_burst_plus_rate() {
        let q = Quota::per_second(100).with_burst(200);
        let mut tat = 0;
        let mut admitted = 0u64;
        // A request every millisecond for 10 s: 200 burst + 100/s * 10 s.
        for ms in 0..10_000u64 {
            if let Ok((t, _)) = gcra_check(tat, ms * 1_000_000, q, 1) {
                tat = t;
                admitted += 1;
            }
        }
        assert!((1199..=1201).contains(&admitted), "{admitted}");
    }

    #[test]
    fn windows_and_division() {
        assert_eq!(
            Quota::per_second(10_000).with_burst(15_000).window_secs(),
            2
        );
        assert_eq!(Quota::per_second(1000).with_burst(1).window_secs(), 1);
        let d = Quota::per_second(100).with_burst(200).divided(3);
        assert_eq!(d.burst(), 66);
        assert_eq!(d.emission_nanos(), 30_000_000);
        assert_eq!(ceil_secs(1), 1);
        assert_eq!(ceil_secs(NANOS), 1);
        assert_eq!(ceil_secs(NANOS + 1), 2);
    }
}
