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

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};

use super::store::{
    ClaimOutcome, Completion, Fingerprint, IdempotencyStore, ScopedKey, StoreError, StoreFuture,
    StoredResponse,
};

const SHARDS: usize = 16;

/// Most slots a shard's map is made with up front. A shard holds at most
/// its share of `max_entries`, so making room for that share at once spares
/// the rehash of every growth step; the cap keeps a huge bound from taking
/// its memory before it is used.
const PRESIZE_PER_SHARD: usize = 8192;

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
    /// Times are kept as nanoseconds since this instant: 8 bytes a record
    /// where an `Instant` takes 16.
    epoch: Instant,
}

#[derive(Debug, Default)]
struct Shard {
    map: HashMap<ScopedKey, Record>,
    bytes: usize,
}

/// One key's record, kept compact: a store at capacity touches a record
/// per claim and per completion, and the fewer cache lines each one spans
/// the fewer misses a full store pays.
#[derive(Debug)]
struct Record {
    fingerprint: Fingerprint,
    /// When the lease (in flight) or the stored answer (completed) ends, in
    /// nanoseconds since the store's epoch.
    until: u64,
    state: State,
}

#[derive(Debug)]
enum State {
    InFlight {
        token: u64,
    },
    /// A [`StoredResponse`] without the `Vec`'s spare capacity field.
    Completed {
        status: StatusCode,
        headers: Box<[(HeaderName, HeaderValue)]>,
        body: Bytes,
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
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        map: HashMap::with_capacity(
                            max_entries.div_ceil(SHARDS).min(PRESIZE_PER_SHARD),
                        ),
                        bytes: 0,
                    })
                })
                .collect(),
            entries_per_shard: max_entries.div_ceil(SHARDS).max(1),
            bytes_per_shard: max_bytes.div_ceil(SHARDS).max(1),
            next_token: AtomicU64::new(1),
            spread: Default::default(),
            epoch: Instant::now(),
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

    /// `at` as nanoseconds since the store's epoch (0 for earlier times).
    fn ticks(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.epoch).as_nanos() as u64
    }

    /// [`IdempotencyStore::claim`] at a given time (tests drive the clock).
    pub fn claim_at(
        &self,
        key: &ScopedKey,
        fingerprint: Fingerprint,
        lease: Duration,
        now: Instant,
    ) -> Result<ClaimOutcome, StoreError> {
        let now = self.ticks(now);
        let lease_until = now.saturating_add(lease.as_nanos() as u64);
        let mut guard = lock(self.shard(key));
        let full = guard.map.len() >= self.entries_per_shard;
        let Shard { map, bytes } = &mut *guard;
        // One hash for the common cases: a live record answers, an expired
        // one is taken over in place, a new key is added when there is room.
        match map.entry(key.clone()) {
            Entry::Occupied(mut entry) => {
                let record = entry.get_mut();
                if record.until > now {
                    return Ok(match &record.state {
                        State::InFlight { .. } => ClaimOutcome::InFlight {
                            fingerprint: record.fingerprint,
                            lease_left: Duration::from_nanos(record.until - now),
                        },
                        State::Completed { .. } => ClaimOutcome::Completed {
                            fingerprint: record.fingerprint,
                            response: record.state.response(),
                        },
                    });
                }
                // Expired, or a holder whose lease ran out: free to claim.
                let token = self.next_token.fetch_add(1, Ordering::Relaxed);
                *bytes -= record.state.size();
                *record = Record::in_flight(fingerprint, token, lease_until);
                return Ok(ClaimOutcome::Claimed { token });
            }
            Entry::Vacant(entry) if !full => {
                let token = self.next_token.fetch_add(1, Ordering::Relaxed);
                entry.insert(Record::in_flight(fingerprint, token, lease_until));
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
            Record::in_flight(fingerprint, token, lease_until),
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
        let now = self.ticks(now);
        let size = response.size();
        let completed = || Record {
            fingerprint,
            until: now.saturating_add(ttl.as_nanos() as u64),
            state: State::Completed {
                status: response.status,
                headers: response.headers.into_boxed_slice(),
                body: response.body,
            },
        };
        let mut shard = lock(self.shard(key));
        if shard.bytes + size <= self.bytes_per_shard {
            // Room without evicting: one lookup finds and fills the slot.
            match shard.map.get_mut(key) {
                Some(slot) if slot.token() == Some(token) => *slot = completed(),
                Some(_) => return Completion::Fenced,
                None => {
                    shard.map.insert(key.clone(), completed());
                }
            }
            shard.bytes += size;
            return Completion::Stored;
        }
        // Absent (lease ran out and was swept, nobody claimed since): no
        // newer result exists, so storing this one only prevents a rerun.
        match shard.map.get(key) {
            Some(record) if record.token() == Some(token) => {}
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
        // Our in-flight record is replaced in place: no copy of the key.
        match shard.map.get_mut(key) {
            Some(slot) => *slot = completed(),
            None => {
                shard.map.insert(key.clone(), completed());
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
    fn in_flight(fingerprint: Fingerprint, token: u64, until: u64) -> Self {
        Self {
            fingerprint,
            until,
            state: State::InFlight { token },
        }
    }

    fn token(&self) -> Option<u64> {
        match self.state {
            State::InFlight { token } => Some(token),
            State::Completed { .. } => None,
        }
    }
}

impl State {
    /// What the store's byte bound counts: [`StoredResponse::size`] of a
    /// completed record, nothing for one in flight.
    fn size(&self) -> usize {
        match self {
            Self::InFlight { .. } => 0,
            Self::Completed { headers, body, .. } => {
                let headers: usize = headers
                    .iter()
                    .map(|(n, v)| n.as_str().len() + v.len() + 16)
                    .sum();
                body.len() + headers + 64
            }
        }
    }

    /// The stored answer to replay (body shared, not copied).
    fn response(&self) -> StoredResponse {
        match self {
            Self::Completed {
                status,
                headers,
                body,
            } => StoredResponse {
                status: *status,
                headers: headers.to_vec(),
                body: body.clone(),
            },
            Self::InFlight { .. } => unreachable!("only completed records are replayed"),
        }
    }
}

impl Shard {
    fn holds(&self, key: &ScopedKey, token: u64) -> bool {
        self.map.get(key).and_then(Record::token) == Some(token)
    }

    fn remove(&mut self, key: &ScopedKey) {
        if let Some(record) = self.map.remove(key) {
            self.bytes -= record.state.size();
        }
    }

    /// Drop expired records, then, if still over `max_entries` entries or
    /// unable to fit `incoming` bytes under `max_bytes`, the completed
    /// records nearest expiry, an eighth of them at a time so a full shard
    /// does not rescan on every insert.
    fn make_room(&mut self, now: u64, max_entries: usize, max_bytes: usize, incoming: usize) {
        let mut freed = 0;
        self.map.retain(|_, r| {
            let keep = r.until > now;
            if !keep {
                freed += r.state.size();
            }
            keep
        });
        self.bytes -= freed;
        let over = |s: &Self| s.map.len() >= max_entries || s.bytes + incoming > max_bytes;
        while over(self) {
            // Find the expiry below which an eighth of the completed records
            // fall, then drop those: no key is copied.
            let mut expiries: Vec<u64> = self
                .map
                .values()
                .filter(|r| r.token().is_none())
                .map(|r| r.until)
                .collect();
            if expiries.is_empty() {
                return;
            }
            let batch = (expiries.len() / 8).max(1);
            let (_, cut, _) = expiries.select_nth_unstable(batch - 1);
            let cut = *cut;
            let mut freed = 0;
            self.map.retain(|_, r| {
                let drop = r.token().is_none() && r.until <= cut;
                if drop {
                    freed += r.state.size();
                }
                !drop
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

    #[test]
    fn records_stay_compact() {
        // Fingerprint 32, deadline 8, state (status, boxed headers, body)
        // 56: two cache lines hold a record and its key.
        assert!(
            std::mem::size_of::<Record>() <= 96,
            "{}",
            std::mem::size_of::<Record>()
        );
    }
}
