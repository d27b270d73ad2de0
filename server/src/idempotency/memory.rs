//! The embedded idempotency store: no setup, one process.
//!
//! Sharded so that concurrent requests for different keys rarely share a
//! lock, and expiry happens shard by shard when a shard needs room, so no
//! step ever takes a lock over the whole store. Bounded by entries and by
//! bytes; when a shard is full the completed records closest to expiry go
//! first. In-flight records are never evicted: dropping one would let a
//! duplicate run the handler a second time.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::store::{
    ClaimOutcome, Completion, Fingerprint, IdempotencyStore, ScopedKey, StoreError, StoreFuture,
    StoredResponse,
};

const SHARDS: usize = 16;

/// In-memory idempotency store, bounded by entries and bytes.
///
/// ```
/// use threeam_server::MemoryStore;
///
/// let store = MemoryStore::new(100_000, 64 * 1024 * 1024);
/// assert_eq!(store.len(), 0);
/// ```
#[derive(Debug)]
pub struct MemoryStore {
    shards: Vec<Mutex<Shard>>,
    entries_per_shard: usize,
    bytes_per_shard: usize,
    next_token: AtomicU64,
    spread: rapidhash::fast::RandomState,
}

#[derive(Debug, Default)]
struct Shard {
    map: HashMap<ScopedKey, Record>,
    bytes: usize,
}

#[derive(Debug)]
enum Record {
    InFlight {
        fingerprint: Fingerprint,
        token: u64,
        lease_until: Instant,
    },
    Completed {
        fingerprint: Fingerprint,
        response: StoredResponse,
        expires: Instant,
    },
}

impl Default for MemoryStore {
    /// 100 000 entries and 64 MiB.
    fn default() -> Self {
        Self::new(100_000, 64 * 1024 * 1024)
    }
}

impl MemoryStore {
    /// A store holding at most `max_entries` records and about `max_bytes`
    /// of stored responses (both split evenly over the shards).
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            entries_per_shard: max_entries.div_ceil(SHARDS).max(1),
            bytes_per_shard: max_bytes.div_ceil(SHARDS).max(1),
            next_token: AtomicU64::new(1),
            spread: Default::default(),
        }
    }

    /// Records held now, in flight and completed (expired ones not yet
    /// swept included).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).map.len()).sum()
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn shard(&self, key: &ScopedKey) -> &Mutex<Shard> {
        // Only spreads keys over locks (each shard's map hashes with
        // SipHash), so a fast seeded hash does.
        &self.shards[(self.spread.hash_one(key) as usize) % SHARDS]
    }

    /// [`IdempotencyStore::claim`] at a given time (tests drive the clock).
    pub fn claim_at(
        &self,
        key: &ScopedKey,
        fingerprint: Fingerprint,
        lease: Duration,
        now: Instant,
    ) -> Result<ClaimOutcome, StoreError> {
        let mut guard = lock(self.shard(key));
        let full = guard.map.len() >= self.entries_per_shard;
        let Shard { map, bytes } = &mut *guard;
        // One hash for the common cases: a live record answers, an expired
        // one is taken over in place, a new key is added when there is room.
        match map.entry(key.clone()) {
            Entry::Occupied(mut entry) => {
                match entry.get() {
                    Record::InFlight {
                        fingerprint,
                        lease_until,
                        ..
                    } if *lease_until > now => {
                        return Ok(ClaimOutcome::InFlight {
                            fingerprint: *fingerprint,
                            lease_left: *lease_until - now,
                        })
                    }
                    Record::Completed {
                        fingerprint,
                        response,
                        expires,
                    } if *expires > now => {
                        return Ok(ClaimOutcome::Completed {
                            fingerprint: *fingerprint,
                            response: response.clone(),
                        })
                    }
                    // Expired, or a holder whose lease ran out: free to claim.
                    _ => {}
                }
                let token = self.next_token.fetch_add(1, Ordering::Relaxed);
                let old = entry.insert(Record::InFlight {
                    fingerprint,
                    token,
                    lease_until: now + lease,
                });
                if let Record::Completed { response, .. } = old {
                    *bytes -= response.size();
                }
                return Ok(ClaimOutcome::Claimed { token });
            }
            Entry::Vacant(entry) if !full => {
                let token = self.next_token.fetch_add(1, Ordering::Relaxed);
                entry.insert(Record::InFlight {
                    fingerprint,
                    token,
                    lease_until: now + lease,
                });
                return Ok(ClaimOutcome::Claimed { token });
            }
            Entry::Vacant(_) => {}
        }
        let shard = &mut *guard;
        shard.make_room(now, self.entries_per_shard, usize::MAX, 0);
        if shard.map.len() >= self.entries_per_shard {
            return Err(StoreError::Full(format!(
                "{} requests with idempotency keys are in flight in one shard; raise max_entries or lower the lease",
                shard.map.len()
            )));
        }
        let token = self.next_token.fetch_add(1, Ordering::Relaxed);
        shard.map.insert(
            key.clone(),
            Record::InFlight {
                fingerprint,
                token,
                lease_until: now + lease,
            },
        );
        Ok(ClaimOutcome::Claimed { token })
    }

    /// [`IdempotencyStore::complete`] at a given time.
    pub fn complete_at(
        &self,
        key: &ScopedKey,
        token: u64,
        fingerprint: Fingerprint,
        response: StoredResponse,
        ttl: Duration,
        now: Instant,
    ) -> Completion {
        let mut shard = lock(self.shard(key));
        let size = response.size();
        if shard.bytes + size <= self.bytes_per_shard {
            // Room without evicting: one lookup finds and fills the slot.
            let record = match shard.map.get_mut(key) {
                Some(slot @ Record::InFlight { .. }) if slot.token() == Some(token) => slot,
                Some(_) => return Completion::Fenced,
                None => {
                    shard.bytes += size;
                    let record = Record::Completed {
                        fingerprint,
                        response,
                        expires: now + ttl,
                    };
                    shard.map.insert(key.clone(), record);
                    return Completion::Stored;
                }
            };
            *record = Record::Completed {
                fingerprint,
                response,
                expires: now + ttl,
            };
            shard.bytes += size;
            return Completion::Stored;
        }
        // Absent (lease ran out and was swept, nobody claimed since): no
        // newer result exists, so storing this one only prevents a rerun.
        match shard.map.get(key) {
            Some(Record::InFlight { token: t, .. }) if *t == token => {}
            Some(_) => return Completion::Fenced,
            None => {}
        }
        if shard.bytes + size > self.bytes_per_shard {
            shard.make_room(now, usize::MAX, self.bytes_per_shard, size);
        }
        if shard.bytes + size > self.bytes_per_shard {
            shard.remove(key);
            return Completion::NotStored;
        }
        shard.bytes += size;
        let record = Record::Completed {
            fingerprint,
            response,
            expires: now + ttl,
        };
        // Our in-flight record is replaced in place: no copy of the key.
        match shard.map.get_mut(key) {
            Some(slot) => *slot = record,
            None => {
                shard.map.insert(key.clone(), record);
            }
        }
        Completion::Stored
    }

    /// [`IdempotencyStore::release`], synchronously.
    pub fn release_now(&self, key: &ScopedKey, token: u64) {
        let mut shard = lock(self.shard(key));
        if shard.holds(key, token) {
            shard.remove(key);
        }
    }
}

fn lock(m: &Mutex<Shard>) -> std::sync::MutexGuard<'_, Shard> {
    // A panic while holding a shard leaves consistent data (every update is
    // a single insert or remove), so a poisoned lock is still usable.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Record {
    fn token(&self) -> Option<u64> {
        match self {
            Self::InFlight { token, .. } => Some(*token),
            Self::Completed { .. } => None,
        }
    }
}

impl Shard {
    fn holds(&self, key: &ScopedKey, token: u64) -> bool {
        matches!(self.map.get(key), Some(Record::InFlight { token: t, .. }) if *t == token)
    }

    fn remove(&mut self, key: &ScopedKey) {
        if let Some(Record::Completed { response, .. }) = self.map.remove(key) {
            self.bytes -= response.size();
        }
    }

    /// Drop expired records, then, if still over `max_entries` entries or
    /// unable to fit `incoming` bytes under `max_bytes`, the completed
    /// records nearest expiry, an eighth of them at a time so a full shard
    /// does not rescan on every insert.
    fn make_room(&mut self, now: Instant, max_entries: usize, max_bytes: usize, incoming: usize) {
        let mut freed = 0;
        self.map.retain(|_, r| match r {
            Record::InFlight { lease_until, .. } => *lease_until > now,
            Record::Completed {
                expires, response, ..
            } => {
                let keep = *expires > now;
                if !keep {
                    freed += response.size();
                }
                keep
            }
        });
        self.bytes -= freed;
        let over = |s: &Self| s.map.len() >= max_entries || s.bytes + incoming > max_bytes;
        while over(self) {
            // Find the expiry below which an eighth of the completed records
            // fall, then drop those: no key is copied.
            let mut expiries: Vec<Instant> = self
                .map
                .values()
                .filter_map(|r| match r {
                    Record::Completed { expires, .. } => Some(*expires),
                    Record::InFlight { .. } => None,
                })
                .collect();
            if expiries.is_empty() {
                return;
            }
            let batch = (expiries.len() / 8).max(1);
            let (_, cut, _) = expiries.select_nth_unstable(batch - 1);
            let cut = *cut;
            let mut freed = 0;
            self.map.retain(|_, r| match r {
                Record::Completed {
                    expires, response, ..
                } if *expires <= cut => {
                    freed += response.size();
                    false
                }
                _ => true,
            });
            self.bytes -= freed;
        }
    }
}

impl IdempotencyStore for MemoryStore {
    fn claim<'a>(
        &'a self,
        key: &'a ScopedKey,
        fingerprint: Fingerprint,
        lease: Duration,
    ) -> StoreFuture<'a, Result<ClaimOutcome, StoreError>> {
        let outcome = self.claim_at(key, fingerprint, lease, Instant::now());
        Box::pin(std::future::ready(outcome))
    }

    fn complete<'a>(
        &'a self,
        key: &'a ScopedKey,
        token: u64,
        fingerprint: Fingerprint,
        response: StoredResponse,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<Completion, StoreError>> {
        let done = self.complete_at(key, token, fingerprint, response, ttl, Instant::now());
        Box::pin(std::future::ready(Ok(done)))
    }

    fn release<'a>(
        &'a self,
        key: &'a ScopedKey,
        token: u64,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        self.release_now(key, token);
        Box::pin(std::future::ready(Ok(())))
    }

    fn as_memory(&self) -> Option<&MemoryStore> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http::StatusCode;

    fn key(k: &str) -> ScopedKey {
        ScopedKey {
            client: "c1".into(),
            key: k.into(),
        }
    }

    fn response(len: usize) -> StoredResponse {
        StoredResponse {
            status: StatusCode::CREATED,
            headers: vec![],
            body: Bytes::from(vec![b'x'; len]),
        }
    }

    const LEASE: Duration = Duration::from_secs(60);
    const TTL: Duration = Duration::from_secs(3600);

    fn token(o: Result<ClaimOutcome, StoreError>) -> u64 {
        match o.unwrap() {
            ClaimOutcome::Claimed { token } => token,
            other => panic!("expected a claim, got {other:?}"),
        }
    }

    #[test]
    fn claim_then_complete_then_replay() {
        let s = MemoryStore::default();
        let t0 = Instant::now();
        let t = token(s.claim_at(&key("a"), [1; 32], LEASE, t0));
        match s
            .claim_at(&key("a"), [1; 32], LEASE, t0 + Duration::from_secs(1))
            .unwrap()
        {
            ClaimOutcome::InFlight {
                lease_left,
                fingerprint,
            } => {
                assert_eq!(lease_left, Duration::from_secs(59));
                assert_eq!(fingerprint, [1; 32]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            s.complete_at(&key("a"), t, [1; 32], response(3), TTL, t0),
            Completion::Stored
        );
        match s.claim_at(&key("a"), [2; 32], LEASE, t0).unwrap() {
            ClaimOutcome::Completed {
                fingerprint,
                response,
            } => {
                assert_eq!(fingerprint, [1; 32]);
                assert_eq!(response.body.len(), 3);
            }
            other => panic!("{other:?}"),
        }
        // Scoped per client: another client's same key is free.
        let other = ScopedKey {
            client: "c2".into(),
            key: "a".into(),
        };
        token(s.claim_at(&other, [1; 32], LEASE, t0));
        // After the TTL the key is free again.
        token(s.claim_at(&key("a"), [1; 32], LEASE, t0 + TTL + Duration::from_secs(1)));
    }

    #[test]
    fn an_expired_holder_is_fenced_out() {
        let s = MemoryStore::default();
        let t0 = Instant::now();
        let old = token(s.claim_at(&key("a"), [1; 32], LEASE, t0));
        let new = token(s.claim_at(
            &key("a"),
            [1; 32],
            LEASE,
            t0 + LEASE + Duration::from_secs(1),
        ));
        assert!(new > old);
        assert_eq!(
            s.complete_at(&key("a"), old, [1; 32], response(1), TTL, t0),
            Completion::Fenced
        );
        s.release_now(&key("a"), old);
        assert!(matches!(
            s.claim_at(&key("a"), [1; 32], LEASE, t0 + LEASE).unwrap(),
            ClaimOutcome::InFlight { .. }
        ));
        s.release_now(&key("a"), new);
        token(s.claim_at(&key("a"), [1; 32], LEASE, t0 + LEASE));
    }

    #[test]
    fn full_shards_evict_completed_records_never_in_flight_ones() {
        // 16 entries in all: one per shard.
        let s = MemoryStore::new(SHARDS, usize::MAX);
        let t0 = Instant::now();
        let mut held = Vec::new();
        let mut full = 0;
        for i in 0..200 {
            let k = key(&format!("k{i}"));
            match s.claim_at(&k, [0; 32], LEASE, t0) {
                Ok(ClaimOutcome::Claimed { token }) => held.push((k, token)),
                Err(StoreError::Full(_)) => full += 1,
                Ok(other) => panic!("{other:?}"),
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(held.len(), SHARDS, "one in-flight claim per shard");
        assert_eq!(full, 200 - SHARDS);
        // Complete them all; new keys now evict completed records.
        for (k, t) in &held {
            assert_eq!(
                s.complete_at(k, *t, [0; 32], response(1), TTL, t0),
                Completion::Stored
            );
        }
        for i in 200..400 {
            let k = key(&format!("k{i}"));
            let t = token(s.claim_at(&k, [0; 32], LEASE, t0));
            assert_eq!(
                s.complete_at(&k, t, [0; 32], response(1), TTL, t0),
                Completion::Stored
            );
        }
        assert!(s.len() <= SHARDS);
    }

    #[test]
    fn bytes_are_bounded_and_oversized_responses_release_the_claim() {
        let s = MemoryStore::new(1000, SHARDS * 1000);
        let t0 = Instant::now();
        let t = token(s.claim_at(&key("big"), [0; 32], LEASE, t0));
        assert_eq!(
            s.complete_at(&key("big"), t, [0; 32], response(5000), TTL, t0),
            Completion::NotStored
        );
        token(s.claim_at(&key("big"), [0; 32], LEASE, t0));
        for i in 0..100 {
            let k = key(&format!("k{i}"));
            let t = token(s.claim_at(&k, [0; 32], LEASE, t0));
            assert_eq!(
                s.complete_at(
                    &k,
                    t,
                    [0; 32],
                    response(400),
                    TTL,
                    t0 + Duration::from_secs(i)
                ),
                Completion::Stored
            );
        }
        let total: usize = s.shards.iter().map(|sh| lock(sh).bytes).sum();
        assert!(total <= SHARDS * 1000, "{total}");
    }
}
