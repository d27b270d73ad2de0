//! A tiny, lock-free source of randomness for backoff jitter and trace ids.
//!
//! Neither needs to be secret, only well spread, and both are drawn on every
//! call: so 128 bits of operating-system entropy are taken once per client
//! (through `uuid`'s v4 generator) and stretched with SplitMix64, a
//! bijective mixer, with one atomic add per number and no lock.
//! Idempotency keys do not come from here: they must not be guessable from
//! one seen in a log, so they are UUID v4s from a ChaCha generator (uuid's
//! `fast-rng` feature).

use std::sync::atomic::{AtomicU64, Ordering};

/// The SplitMix64 increment (2^64 / golden ratio), which visits every u64.
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Shared, thread-safe pseudo-random generator seeded from the OS.
#[derive(Debug)]
pub(crate) struct FastRng {
    counter: AtomicU64,
}

impl FastRng {
    /// Seeds from the operating system's entropy source.
    pub(crate) fn from_entropy() -> Self {
        Self::seeded(uuid::Uuid::new_v4().as_u64_pair().0)
    }

    /// A reproducible generator, for tests.
    pub(crate) fn seeded(counter: u64) -> Self {
        Self {
            counter: AtomicU64::new(counter),
        }
    }

    fn step(&self) -> u64 {
        self.counter
            .fetch_add(GOLDEN_GAMMA, Ordering::Relaxed)
            .wrapping_add(GOLDEN_GAMMA)
    }

    /// A uniformly distributed u64.
    pub(crate) fn next_u64(&self) -> u64 {
        mix(self.step())
    }

    /// A uniformly distributed float in `[0, 1)`.
    pub(crate) fn unit(&self) -> f64 {
        // The top 53 bits fill an f64 mantissa exactly.
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_is_in_half_open_range_and_spread() {
        let rng = FastRng::seeded(1);
        let mut low = 0;
        for _ in 0..10_000 {
            let u = rng.unit();
            assert!((0.0..1.0).contains(&u), "{u} out of [0, 1)");
            if u < 0.5 {
                low += 1;
            }
        }
        // A fair generator puts about half below 0.5; allow wide slack.
        assert!(
            (4_500..5_500).contains(&low),
            "skewed: {low} of 10000 below 0.5"
        );
    }
}
