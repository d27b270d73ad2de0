//! The embedded limiter: every bucket in this process's memory.
//!
//! A request touches three buckets (its client's, its endpoint's, the
//! global one) and must see and update them as one step, or two requests
//! could each pass a tier that only had room for one. The three locks are
//! always taken in the same order (client shard, endpoint shard, global),
//! so no two requests can wait on each other; each is held for a few
//! arithmetic operations. Client buckets are sharded and bounded: a bucket
//! whose TAT is in the past is full and carries no information, so those go
//! first when a shard needs room.

use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use super::{decide, Decision, LimitCheck, RateLimiter};
use crate::idempotency::{StoreError, StoreFuture};

const SHARDS: usize = 16;

/// In-process GCRA buckets for the three tiers.
///
/// ```
/// use threeam_server::{LimitCheck, MemoryLimiter, Quota};
///
/// let limiter = MemoryLimiter::new(10_000);
/// let q = Quota::per_second(1).with_burst(1);
/// let check = LimitCheck { client: "c".into(), endpoint: "/e".into(), quotas: [q, q, q], cost: 1 };
/// assert!(limiter.check_at(0, &check).denied_by.is_none());
/// assert!(limiter.check_at(0, &check).denied_by.is_some());
/// ```
#[derive(Debug)]
pub struct MemoryLimiter {
    origin: Instant,
    clients: Buckets,
    endpoints: Buckets,
    global: Mutex<u64>,
}

#[derive(Debug)]
struct Buckets {
    shards: Vec<Mutex<HashMap<Arc<str>, u64>>>,
    per_shard: usize,
    spread: rapidhash::fast::RandomState,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Every update is one store of a number: a poisoned lock holds
    // consistent data.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Buckets {
    fn new(max: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            per_shard: max.div_ceil(SHARDS).max(1),
            spread: Default::default(),
        }
    }

    fn shard(&self, key: &str) -> &Mutex<HashMap<Arc<str>, u64>> {
        // Only spreads keys over locks (each shard's map hashes with
        // SipHash), so a fast seeded hash does.
        &self.shards[(self.spread.hash_one(key) as usize) % SHARDS]
    }
}

/// Adds `key` with `tat`, making room in a full shard: full buckets
/// first, then the eighth of buckets nearest to full.
fn add(map: &mut HashMap<Arc<str>, u64>, per_shard: usize, key: &Arc<str>, tat: u64, now: u64) {
    if map.len() >= per_shard {
        map.retain(|_, t| *t > now);
        if map.len() >= per_shard {
            let mut tats: Vec<u64> = map.values().copied().collect();
            let batch = (tats.len() / 8).max(1);
            tats.select_nth_unstable(batch - 1);
            let cut = tats[batch - 1];
            map.retain(|_, t| *t > cut);
        }
    }
    map.insert(key.clone(), tat);
}

impl Default for MemoryLimiter {
    /// Room for 100 000 client buckets.
    fn default() -> Self {
        Self::new(100_000)
    }
}

impl MemoryLimiter {
    /// A limiter keeping at most about `max_clients` client buckets (and as
    /// many endpoint buckets).
    pub fn new(max_clients: usize) -> Self {
        Self {
            origin: Instant::now(),
            clients: Buckets::new(max_clients),
            endpoints: Buckets::new(max_clients),
            global: Mutex::new(0),
        }
    }

    /// Nanoseconds since the limiter was made: its clock.
    pub fn now_nanos(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }

    /// Client buckets held now.
    pub fn clients(&self) -> usize {
        self.clients.shards.iter().map(|s| lock(s).len()).sum()
    }

    /// Checks and, when admitted, charges all three tiers at `now`
    /// (nanoseconds on this limiter's clock).
    pub fn check_at(&self, now: u64, check: &LimitCheck) -> Decision {
        let mut clients = lock(self.clients.shard(&check.client));
        let mut endpoints = lock(self.endpoints.shard(&check.endpoint));
        let mut global = lock(&self.global);
        // One lookup per map: the slot found is the one written.
        let client = clients.get_mut(&*check.client);
        let endpoint = endpoints.get_mut(&*check.endpoint);
        let tats = [
            client.as_deref().copied().unwrap_or(0),
            endpoint.as_deref().copied().unwrap_or(0),
            *global,
        ];
        let (new, decision) = decide(tats, now, &check.quotas, check.cost);
        if let Some([c, e, g]) = new {
            match client {
                Some(slot) => *slot = c,
                None => add(&mut clients, self.clients.per_shard, &check.client, c, now),
            }
            match endpoint {
                Some(slot) => *slot = e,
                None => add(
                    &mut endpoints,
                    self.endpoints.per_shard,
                    &check.endpoint,
                    e,
                    now,
                ),
            }
            *global = g;
        }
        decision
    }
}

impl RateLimiter for MemoryLimiter {
    fn check<'a>(&'a self, check: &'a LimitCheck) -> StoreFuture<'a, Result<Decision, StoreError>> {
        let decision = self.check_at(self.now_nanos(), check);
        Box::pin(std::future::ready(Ok(decision)))
    }

    fn check_now(&self, check: &LimitCheck) -> Option<Decision> {
        Some(self.check_at(self.now_nanos(), check))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ratelimit::{Quota, Tier};

    fn check(client: &str, endpoint: &str, quotas: [Quota; 3]) -> LimitCheck {
        LimitCheck {
            client: client.into(),
            endpoint: endpoint.into(),
            quotas,
            cost: 1,
        }
    }

    #[test]
    fn each_tier_limits_and_a_denial_charges_no_tier() {
        let l = MemoryLimiter::new(100);
        let small = Quota::per_second(1).with_burst(2);
        let big = Quota::per_second(1).with_burst(3);
        let huge = Quota::per_second(1000);
        // Client tier: 2 per client.
        let a = check("a", "/x", [small, big, huge]);
        assert_eq!(l.check_at(0, &a).denied_by, None);
        assert_eq!(l.check_at(0, &a).denied_by, None);
        assert_eq!(l.check_at(0, &a).denied_by, Some(Tier::Client));
        // Endpoint tier: 3 across clients; a's two count, b gets one.
        let b = check("b", "/x", [small, big, huge]);
        assert_eq!(l.check_at(0, &b).denied_by, None);
        let d = l.check_at(0, &b);
        assert_eq!(d.denied_by, Some(Tier::Endpoint));
        assert_eq!(
            d.states[0].remaining, 1,
            "b's own bucket was not charged by the denial"
        );
        // Global tier.
        let l = MemoryLimiter::new(100);
        let g = |c: &str| check(c, "/y", [small, huge, Quota::per_second(1).with_burst(2)]);
        assert_eq!(l.check_at(0, &g("1")).denied_by, None);
        assert_eq!(l.check_at(0, &g("2")).denied_by, None);
        let d = l.check_at(0, &g("3"));
        assert_eq!(d.denied_by, Some(Tier::Global));
        assert_eq!(d.retry_after_nanos(), 1_000_000_000);
    }

    #[test]
    fn client_buckets_stay_bounded() {
        let l = MemoryLimiter::new(SHARDS * 4);
        let q = Quota::per_second(1);
        for i in 0..1000 {
            l.check_at(
                0,
                &check(
                    &format!("c{i}"),
                    "/",
                    [
                        q,
                        Quota::per_second(1_000_000),
                        Quota::per_second(1_000_000),
                    ],
                ),
            );
        }
        assert!(l.clients() <= SHARDS * 4, "{}", l.clients());
    }
}
