//! Exponential backoff with full jitter.
//!
//! Written here rather than taken from the `backoff` crate, which RustSec
//! flags as unmaintained (RUSTSEC-2025-0012); the whole policy is a dozen
//! lines. "Full jitter" (a uniform delay between zero and the exponential
//! ceiling) spreads a crowd of retrying clients over the whole window, which
//! is what keeps a recovering server from being hit by synchronised waves.

use std::time::Duration;

/// Exponential backoff with full jitter and a cap.
///
/// Retry number `n` (1 for the first retry) waits a uniformly random time in
/// `[0, min(max, base * 2^(n-1))]`.
///
/// ```
/// use std::time::Duration;
/// use threeam_runtime::Backoff;
///
/// let backoff = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
/// assert_eq!(backoff.ceiling(1), Duration::from_millis(100));
/// assert_eq!(backoff.ceiling(3), Duration::from_millis(400));
/// assert_eq!(backoff.ceiling(10), Duration::from_secs(2)); // capped
/// // `unit` is a random number in [0, 1): the delay scales the ceiling by it.
/// assert_eq!(backoff.delay(3, 0.5), Duration::from_millis(200));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    base: Duration,
    max: Duration,
}

impl Default for Backoff {
    /// 100 ms doubling up to 5 s: three retries fit well inside a 30 s deadline.
    fn default() -> Self {
        Self::new(Duration::from_millis(100), Duration::from_secs(5))
    }
}

impl Backoff {
    /// Backoff starting at `base` and never exceeding `max`.
    pub fn new(base: Duration, max: Duration) -> Self {
        Self { base, max }
    }

    /// The first retry's ceiling.
    pub fn base(&self) -> Duration {
        self.base
    }

    /// The cap on any single delay.
    pub fn max(&self) -> Duration {
        self.max
    }

    /// The upper bound of the jitter window before retry number `retry`
    /// (1-based; 0 is treated as 1).
    pub fn ceiling(&self, retry: u32) -> Duration {
        let doublings = retry.saturating_sub(1).min(63);
        // Saturate instead of overflowing: a huge retry count just means "cap".
        let factor = 1u32.checked_shl(doublings).unwrap_or(u32::MAX);
        self.base
            .checked_mul(factor)
            .map_or(self.max, |d| d.min(self.max))
    }

    /// The delay before retry number `retry`, given `unit`, a uniform random
    /// number in `[0, 1)` (values outside are clamped).
    pub fn delay(&self, retry: u32, unit: f64) -> Duration {
        let unit = if unit.is_nan() {
            0.0
        } else {
            unit.clamp(0.0, 1.0)
        };
        self.ceiling(retry).mul_f64(unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceiling_doubles_then_caps() {
        let b = Backoff::new(Duration::from_millis(50), Duration::from_millis(1_000));
        let ceilings: Vec<u128> = (1..=7).map(|n| b.ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, vec![50, 100, 200, 400, 800, 1_000, 1_000]);
        assert_eq!(b.ceiling(0), Duration::from_millis(50));
        assert_eq!(b.ceiling(u32::MAX), Duration::from_millis(1_000));
    }

    #[test]
    fn delay_stays_within_zero_and_ceiling() {
        let b = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        for retry in 1..=20 {
            for unit in [0.0, 0.25, 0.5, 0.999_999, 1.0, -3.0, 7.0, f64::NAN] {
                let d = b.delay(retry, unit);
                assert!(d <= b.ceiling(retry), "retry {retry} unit {unit}: {d:?}");
            }
        }
        assert_eq!(b.delay(2, 0.0), Duration::ZERO);
        assert_eq!(b.delay(2, 1.0), Duration::from_millis(200));
    }

    #[test]
    fn jitter_covers_the_whole_window() {
        let b = Backoff::new(Duration::from_millis(100), Duration::from_secs(5));
        let rng = crate::rng::FastRng::seeded(3);
        let delays: Vec<Duration> = (0..2_000).map(|_| b.delay(3, rng.unit())).collect();
        let min = delays.iter().min().unwrap();
        let max = delays.iter().max().unwrap();
        // Window is [0, 400 ms]; 2,000 samples reach both ends closely.
        assert!(*min < Duration::from_millis(10), "min {min:?}");
        assert!(*max > Duration::from_millis(390), "max {max:?}");
        assert!(*max <= Duration::from_millis(400));
    }
}
