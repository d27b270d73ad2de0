//! A tiny, lock-free source of randomness for jitter and idempotency keys.
//!
//! Why not `rand`: the runtime needs two things, a uniform number for backoff
//! jitter and 122 unique bits per idempotency key, on every call. Asking the
//! operating system for entropy each time costs a system call per request;
//! pulling in `rand` costs compile time on a two-core CI. So we take 128 bits
//! of operating-system entropy once per client (through `uuid`'s v4
//! generator) and stretch them with SplitMix64, a bijective mixer: within one
//! client no two keys can repeat, and across clients the random seeds make a
//! clash vanishingly unlikely. Keys need to be unique, not secret (they are
//! logged), so this is enough.

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
    salt: u64,
}

impl FastRng {
    /// Seeds from the operating system's entropy source.
    pub(crate) fn from_entropy() -> Self {
        let (a, b) = uuid::Uuid::new_v4().as_u64_pair();
        Self::seeded(a, b)
    }

    /// A reproducible generator, for tests.
    pub(crate) fn seeded(counter: u64, salt: u64) -> Self {
        Self {
            counter: AtomicU64::new(counter),
            salt,
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

    /// A version-4 UUID. The high half comes from the bijective counter mix,
    /// so it never repeats within this generator; the salt decorrelates the
    /// low half.
    pub(crate) fn uuid_v4(&self) -> uuid::Uuid {
        let c = self.step();
        let hi = mix(c);
        let lo = mix(c ^ self.salt);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn unit_is_in_half_open_range_and_spread() {
        let rng = FastRng::seeded(1, 2);
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

    #[test]
    fn uuids_are_v4_and_unique() {
        let rng = FastRng::seeded(7, 9);
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let id = rng.uuid_v4();
            assert_eq!(id.get_version_num(), 4);
            assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
            assert!(seen.insert(id), "duplicate key {id}");
        }
    }
}
