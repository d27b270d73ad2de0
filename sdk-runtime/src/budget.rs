//! The client-wide retry budget: retries may not exceed a ratio of calls.
//!
//! Every logical call deposits `ratio` tokens (up to `burst`); every retry
//! withdraws one whole token, and is refused when less than one is left. So
//! over any stretch, `retries <= burst + ratio * calls`, and a server that is
//! failing every request sees at most `(1 + ratio) * calls + burst` attempts
//! from this client, never a retry storm.
//!
//! This is gRPC retry throttling (`maxTokens`, `tokenRatio`) and the AWS SDK
//! retry quota, kept to its arithmetic. The defaults (ratio 0.1, burst 10)
//! follow the anchors in DESIGN.md: the Google SRE book keeps retries under
//! 10% of requests per client, gRPC's example config throttles at 10 tokens
//! with ratio 0.1 (Envoy and Finagle allow 20%; the AWS quota is 500 tokens at
//! 5 per retry, which is the same shape at a different scale).
//!
//! Tokens are kept in thousandths in one atomic so the hot path is a single
//! compare-and-swap with no lock.

use std::sync::atomic::{AtomicU64, Ordering};

const MILLI: u64 = 1_000;

/// Settings of the retry budget.
///
/// ```
/// use threeam_runtime::RetryBudgetConfig;
///
/// let config = RetryBudgetConfig::default();
/// assert_eq!(config.ratio, 0.1);
/// assert_eq!(config.burst, 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryBudgetConfig {
    /// Tokens earned per logical call: the long-run ratio of retries to calls.
    pub ratio: f64,
    /// Tokens the bucket starts with and can hold at most (at least one):
    /// retries allowed before any call has earned one, and the most a quiet
    /// period can bank.
    pub burst: u32,
}

impl Default for RetryBudgetConfig {
    fn default() -> Self {
        Self {
            ratio: 0.1,
            burst: 10,
        }
    }
}

/// A token bucket shared by every call of one client.
///
/// ```
/// use threeam_runtime::{RetryBudget, RetryBudgetConfig};
///
/// let budget = RetryBudget::new(RetryBudgetConfig { ratio: 0.5, burst: 1 });
/// assert!(budget.try_withdraw()); // the burst
/// assert!(!budget.try_withdraw());
/// budget.deposit(); // one call earns half a token...
/// assert!(!budget.try_withdraw());
/// budget.deposit(); // ...two calls earn a retry
/// assert!(budget.try_withdraw());
/// ```
#[derive(Debug)]
pub struct RetryBudget {
    balance: AtomicU64,
    capacity: u64,
    per_call: u64,
}

impl RetryBudget {
    /// A full bucket. A negative or NaN ratio counts as 0 (only the burst).
    pub fn new(config: RetryBudgetConfig) -> Self {
        let ratio = if config.ratio.is_finite() && config.ratio > 0.0 {
            config.ratio
        } else {
            0.0
        };
        // Hold at least one token, or a zero burst could never pay a retry.
        let capacity = u64::from(config.burst.max(1)) * MILLI;
        Self {
            balance: AtomicU64::new(u64::from(config.burst) * MILLI),
            capacity,
            per_call: (ratio * MILLI as f64).round() as u64,
        }
    }

    /// Credits one logical call.
    pub fn deposit(&self) {
        if self.per_call == 0 {
            return;
        }
        let _ = self
            .balance
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                (b < self.capacity).then(|| (b + self.per_call).min(self.capacity))
            });
    }

    /// Takes one token for a retry; `false` when the budget is exhausted.
    pub fn try_withdraw(&self) -> bool {
        self.balance
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                b.checked_sub(MILLI)
            })
            .is_ok()
    }

    /// Tokens currently available (fractional).
    pub fn balance(&self) -> f64 {
        self.balance.load(Ordering::Relaxed) as f64 / MILLI as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_full_and_refuses_when_empty() {
        let b = RetryBudget::new(RetryBudgetConfig {
            ratio: 0.1,
            burst: 3,
        });
        assert_eq!(b.balance(), 3.0);
        assert!(b.try_withdraw());
        assert!(b.try_withdraw());
        assert!(b.try_withdraw());
        assert!(!b.try_withdraw());
        assert_eq!(b.balance(), 0.0);
    }

    #[test]
    fn ten_calls_earn_one_retry_at_ratio_point_one() {
        let b = RetryBudget::new(RetryBudgetConfig {
            ratio: 0.1,
            burst: 0,
        });
        for _ in 0..9 {
            b.deposit();
        }
        assert!(!b.try_withdraw(), "0.9 tokens must not pay for a retry");
        b.deposit();
        assert!(b.try_withdraw());
        assert!(!b.try_withdraw());
    }

    #[test]
    fn deposits_stop_at_the_burst_capacity() {
        let b = RetryBudget::new(RetryBudgetConfig {
            ratio: 0.5,
            burst: 2,
        });
        for _ in 0..100 {
            b.deposit();
        }
        assert_eq!(b.balance(), 2.0);
    }

    #[test]
    fn retries_never_exceed_burst_plus_ratio_times_calls() {
        // The bound integration test 5 relies on, checked exactly here.
        let config = RetryBudgetConfig::default();
        let b = RetryBudget::new(config);
        let calls = 1_000u32;
        let mut retries = 0u32;
        for _ in 0..calls {
            b.deposit();
            // A failing call would retry as often as allowed.
            while b.try_withdraw() {
                retries += 1;
            }
        }
        let bound = f64::from(config.burst) + config.ratio * f64::from(calls);
        // The first call's deposit is lost to the full bucket, hence -1.
        assert!(f64::from(retries) <= bound, "{retries} > {bound}");
        assert!(
            f64::from(retries) >= bound - 1.0,
            "{retries} far below {bound}"
        );
    }

    #[test]
    fn nonsense_ratios_mean_burst_only() {
        for ratio in [-1.0, f64::NAN, f64::INFINITY] {
            let b = RetryBudget::new(RetryBudgetConfig { ratio, burst: 1 });
            b.deposit();
            assert!(b.try_withdraw());
            b.deposit();
            assert!(!b.try_withdraw(), "ratio {ratio}");
        }
    }

    #[test]
    fn concurrent_withdrawals_never_overdraw() {
        let b = std::sync::Arc::new(RetryBudget::new(RetryBudgetConfig {
            ratio: 0.0,
            burst: 100,
        }));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let b = b.clone();
                std::thread::spawn(move || (0..1_000).filter(|_| b.try_withdraw()).count())
            })
            .collect();
        let total: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(total, 100);
    }
}
