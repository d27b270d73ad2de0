//! The embedded idempotency store: no setup, one process.
//!
//! Sharded so that concurrent requests for different keys rarely share a
//! lock; no step ever takes a lock over the whole store. Bounded by entries
//! and by bytes. Each shard keeps its records in insertion order beside
//! its table, so making room is O(1) amortised per insert: the oldest
//! record goes first (with one TTL for the store, the oldest is the one
//! nearest expiry), expired ones are dropped from the front as new claims
//! arrive, and an in-flight record is passed over (moved to the back),
//! never evicted: dropping one would let a duplicate run the handler a
//! second time.

use std::collections::VecDeque;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hashbrown::HashTable;
use http::{HeaderName, HeaderValue, StatusCode};

use super::store::{
    ClaimOutcome, Completion, Fingerprint, IdempotencyStore, ScopedKey, StoreError, StoreFuture,
    StoredResponse,
};

const SHARDS: usize = 16;

/// Most slots a shard's table is made with up front. A shard holds at most
/// its share of `max_entries`, so making room for that share at once spares
/// the rehash of every growth step; the cap keeps a huge bound from taking
/// its memory before it is used.
const PRESIZE_PER_SHARD: usize = 8192;

/// Expired records a claim drops from its shard's front at most, so a
/// store that never fills still lets go of what has expired.
const EXPIRE_PER_CLAIM: usize = 2;

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
    /// One seeded hash per key picks its shard and its slot in the shard's
    /// table (the slot keeps it, so a table never hashes a key twice).
    spread: rapidhash::fast::RandomState,
    /// Times are kept as nanoseconds since this instant: 8 bytes a record
    /// where an `Instant` takes 16.
    epoch: Instant,
}

#[derive(Debug)]
struct Shard {
    table: HashTable<Slot>,
    /// Records by insertion (`hash`, `seq`), oldest first. A record
    /// released or taken over leaves a stale position behind, skipped when
    /// reached and swept once they outnumber the records.
    order: VecDeque<(u64, u64)>,
    next_seq: u64,
    bytes: usize,
}

#[derive(Debug)]
struct Slot {
    hash: u64,
    /// This record's position in `order`: unique within the shard.
    seq: u64,
    key: ScopedKey,
    record: Record,
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
    InFlight { token: u64 },
    Completed(PackedResponse),
}

/// A stored answer in one allocation: each allow-listed header as (name
/// length `u16`, name, value length `u32`, value), then the body. One
/// block per record rather than a header list, a body and its shared
/// handle: a full store frees a record per new key, and every block it
/// frees is a cache miss.
#[derive(Debug)]
pub(crate) struct PackedResponse {
    status: StatusCode,
    headers: u16,
    packed: Box<[u8]>,
}

type HeaderSlices<'a> = (&'a [u8], &'a [u8]);

impl PackedResponse {
    /// Packs `status`, the headers `headers()` yields (it is called twice:
    /// to size the block, then to fill it) and a copy of `body`.
    pub(crate) fn new<'h, I>(status: StatusCode, headers: impl Fn() -> I, body: &[u8]) -> Self
    where
        I: Iterator<Item = (&'h HeaderName, &'h HeaderValue)>,
    {
        let (mut count, mut len) = (0u16, body.len());
        for (name, value) in headers().take(usize::from(u16::MAX)) {
            count += 1;
            len += 6 + name.as_str().len() + value.len();
        }
        let mut packed = Vec::with_capacity(len);
        for (name, value) in headers().take(usize::from(count)) {
            let name = name.as_str().as_bytes();
            // Header names are far below 64 KiB (http refuses longer).
            packed.extend_from_slice(&(name.len() as u16).to_le_bytes());
            packed.extend_from_slice(name);
            packed.extend_from_slice(&(value.len() as u32).to_le_bytes());
            packed.extend_from_slice(value.as_bytes());
        }
        packed.extend_from_slice(body);
        Self {
            status,
            headers: count,
            packed: packed.into_boxed_slice(),
        }
    }

    /// The headers as (name, value) slices and where the body starts.
    fn headers(&self) -> (Vec<HeaderSlices<'_>>, usize) {
        let p = &self.packed;
        let mut at = 0;
        let mut out = Vec::with_capacity(usize::from(self.headers));
        for _ in 0..self.headers {
            let n = usize::from(u16::from_le_bytes([p[at], p[at + 1]]));
            let name = &p[at + 2..at + 2 + n];
            at += 2 + n;
            let v = u32::from_le_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]) as usize;
            out.push((name, &p[at + 4..at + 4 + v]));
            at += 4 + v;
        }
        (out, at)
    }

    /// [`StoredResponse::size`] of the same answer: body, each header's
    /// name and value plus 16, plus 64.
    fn size(&self) -> usize {
        self.packed.len() + 10 * usize::from(self.headers) + 64
    }

    /// The answer to replay (its own copy: replays are the rare path).
    fn response(&self) -> StoredResponse {
        let (headers, body_at) = self.headers();
        StoredResponse {
            status: self.status,
            headers: headers
                .into_iter()
                .filter_map(|(n, v)| {
                    Some((
                        HeaderName::from_bytes(n).ok()?,
                        HeaderValue::from_bytes(v).ok()?,
                    ))
                })
                .collect(),
            body: Bytes::copy_from_slice(&self.packed[body_at..]),
        }
    }
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
        let presize = max_entries.div_ceil(SHARDS).min(PRESIZE_PER_SHARD);
        Self {
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        table: HashTable::with_capacity(presize),
                        order: VecDeque::with_capacity(presize),
                        next_seq: 0,
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
    /// dropped included).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).table.len()).sum()
    }

    /// Whether the store holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The key's hash and its shard. The shard comes from bits the table
    /// does not use for a slot (its low bits) or a tag (its top 7).
    fn locate(&self, key: &ScopedKey) -> (u64, &Mutex<Shard>) {
        let hash = self.spread.hash_one(key);
        (hash, &self.shards[((hash >> 32) as usize) % SHARDS])
    }

    /// `at` as nanoseconds since the store's epoch (0 for earlier times).
    fn ticks(&self, at: Instant) -> u64 {
        at.saturating_duration_since(self.epoch).as_nanos() as u64
    }

    fn token(&self) -> u64 {
        self.next_token.fetch_add(1, Ordering::Relaxed)
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
        let (hash, shard) = self.locate(key);
        let mut guard = lock(shard);
        let shard = &mut *guard;
        shard.expire_front(now, EXPIRE_PER_CLAIM);
        let Shard {
            table,
            order,
            next_seq,
            bytes,
        } = shard;
        if let Some(slot) = table.find_mut(hash, |s| s.hash == hash && s.key == *key) {
            let record = &mut slot.record;
            if record.until > now {
                return Ok(match &record.state {
                    State::InFlight { .. } => ClaimOutcome::InFlight {
                        fingerprint: record.fingerprint,
                        lease_left: Duration::from_nanos(record.until - now),
                    },
                    State::Completed(answer) => ClaimOutcome::Completed {
                        fingerprint: record.fingerprint,
                        response: answer.response(),
                    },
                });
            }
            // Expired, or a holder whose lease ran out: free to claim, and
            // now the newest record of its shard.
            let token = self.token();
            let freed = record.state.size();
            *record = Record::in_flight(fingerprint, token, lease_until);
            slot.seq = *next_seq;
            *next_seq += 1;
            order.push_back((hash, slot.seq));
            *bytes -= freed;
            shard.sweep_if_stale(self.entries_per_shard);
            return Ok(ClaimOutcome::Claimed { token });
        }
        let max = self.entries_per_shard;
        if !shard.make_room(now, |s| s.table.len() < max) {
            return Err(StoreError::Full(format!(
                "{} requests with idempotency keys are in flight in one shard; raise max_entries or lower the lease",
                shard.table.len()
            )));
        }
        let token = self.token();
        shard.insert(
            hash,
            key,
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
        let headers = || response.headers.iter().map(|(n, v)| (n, v));
        let packed = PackedResponse::new(response.status, headers, &response.body);
        self.complete_packed(key, token, fingerprint, packed, ttl, now)
    }

    /// [`MemoryStore::complete_at`] with the answer packed by the caller
    /// (the layer packs straight from the response, without a header list
    /// or a second handle on the body).
    pub(crate) fn complete_packed(
        &self,
        key: &ScopedKey,
        token: u64,
        fingerprint: Fingerprint,
        response: PackedResponse,
        ttl: Duration,
        now: Instant,
    ) -> Completion {
        let now = self.ticks(now);
        let size = response.size();
        let completed = Record {
            fingerprint,
            until: now.saturating_add(ttl.as_nanos() as u64),
            state: State::Completed(response),
        };
        let (hash, shard) = self.locate(key);
        let mut guard = lock(shard);
        let shard = &mut *guard;
        let max_bytes = self.bytes_per_shard;
        if shard.bytes + size <= max_bytes {
            // Room without evicting: one lookup finds and fills the slot.
            match shard.find_mut(hash, key) {
                Some(slot) if slot.record.token() == Some(token) => slot.record = completed,
                Some(_) => return Completion::Fenced,
                // Absent (lease ran out and was dropped, nobody claimed
                // since): no newer result exists, so storing this one only
                // spares a rerun, if there is room for it.
                None => {
                    if !shard.insert_if_room(now, hash, key, completed, self.entries_per_shard) {
                        return Completion::NotStored;
                    }
                }
            }
            shard.bytes += size;
            return Completion::Stored;
        }
        match shard.find_mut(hash, key) {
            Some(slot) if slot.record.token() == Some(token) => {}
            Some(_) => return Completion::Fenced,
            None => {}
        }
        // Our own record may go too if its lease ran out; it is then
        // absent below, as above. An answer larger than a whole shard
        // evicts nothing: it could never fit.
        if size > max_bytes || !shard.make_room(now, |s| s.bytes + size <= max_bytes) {
            if shard.find_mut(hash, key).and_then(|s| s.record.token()) == Some(token) {
                shard.remove(hash, key);
            }
            return Completion::NotStored;
        }
        match shard
            .find_mut(hash, key)
            .filter(|s| s.record.token() == Some(token))
        {
            Some(slot) => slot.record = completed,
            None => {
                if !shard.insert_if_room(now, hash, key, completed, self.entries_per_shard) {
                    return Completion::NotStored;
                }
            }
        }
        shard.bytes += size;
        Completion::Stored
    }

    /// [`IdempotencyStore::release`], synchronously.
    pub fn release_now(&self, key: &ScopedKey, token: u64) {
        let (hash, shard) = self.locate(key);
        let mut shard = lock(shard);
        if shard.find_mut(hash, key).and_then(|s| s.record.token()) == Some(token) {
            shard.remove(hash, key);
            shard.sweep_if_stale(self.entries_per_shard);
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
            State::Completed(_) => None,
        }
    }
}

impl State {
    /// What the store's byte bound counts: [`StoredResponse::size`] of a
    /// completed record, nothing for one in flight.
    fn size(&self) -> usize {
        match self {
            Self::InFlight { .. } => 0,
            Self::Completed(answer) => answer.size(),
        }
    }
}

impl Shard {
    fn find_mut(&mut self, hash: u64, key: &ScopedKey) -> Option<&mut Slot> {
        self.table
            .find_mut(hash, |s| s.hash == hash && s.key == *key)
    }

    /// Adds a record the table does not hold, as the newest.
    fn insert(&mut self, hash: u64, key: &ScopedKey, record: Record) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.order.push_back((hash, seq));
        let slot = Slot {
            hash,
            seq,
            key: key.clone(),
            record,
        };
        self.table.insert_unique(hash, slot, |s| s.hash);
    }

    /// Adds a completed record whose claim is gone (its lease ran out and
    /// nobody claimed since) when an entry can be made free; `false` when
    /// the shard is full of records that may not go.
    fn insert_if_room(
        &mut self,
        now: u64,
        hash: u64,
        key: &ScopedKey,
        record: Record,
        max_entries: usize,
    ) -> bool {
        if !self.make_room(now, |s| s.table.len() < max_entries) {
            return false;
        }
        self.insert(hash, key, record);
        true
    }

    fn remove(&mut self, hash: u64, key: &ScopedKey) {
        if let Ok(entry) = self
            .table
            .find_entry(hash, |s| s.hash == hash && s.key == *key)
        {
            let (slot, _) = entry.remove();
            self.bytes -= slot.record.state.size();
        }
    }

    /// Drops up to `most` expired records from the front of the order
    /// (and the stale positions before them); stops at the first live one.
    fn expire_front(&mut self, now: u64, most: usize) {
        let mut dropped = 0;
        while dropped < most {
            let Some(&(hash, seq)) = self.order.front() else {
                return;
            };
            match self.table.find_entry(hash, |s| s.seq == seq) {
                Ok(entry) if entry.get().record.until <= now => {
                    let (slot, _) = entry.remove();
                    self.bytes -= slot.record.state.size();
                    dropped += 1;
                }
                Ok(_) => return,
                Err(_) => {}
            }
            self.order.pop_front();
        }
    }

    /// Evicts from the oldest until `done` holds: completed and expired
    /// records go, live in-flight ones move to the back. Each position is
    /// visited at most once, so a shard full of in-flight claims answers
    /// `false` after one pass.
    fn make_room(&mut self, now: u64, done: impl Fn(&Self) -> bool) -> bool {
        let mut visits = self.order.len();
        while !done(self) {
            if visits == 0 {
                return false;
            }
            visits -= 1;
            let Some((hash, seq)) = self.order.pop_front() else {
                return false;
            };
            let Ok(entry) = self.table.find_entry(hash, |s| s.seq == seq) else {
                continue; // stale: released or taken over
            };
            let record = &entry.get().record;
            if record.token().is_some() && record.until > now {
                self.order.push_back((hash, seq));
            } else {
                let (slot, _) = entry.remove();
                self.bytes -= slot.record.state.size();
            }
        }
        true
    }

    /// Drops stale positions once they outnumber the shard's bound, so
    /// releases in a shard that never fills cannot grow its order without
    /// limit: O(n) once per n stale positions.
    fn sweep_if_stale(&mut self, entries_per_shard: usize) {
        if self.order.len() <= 2 * entries_per_shard.max(self.table.len()) {
            return;
        }
        let table = &self.table;
        self.order
            .retain(|&(hash, seq)| table.find(hash, |s| s.seq == seq).is_some());
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

    /// Bytes the store counts, over all shards.
    fn total_bytes(s: &MemoryStore) -> usize {
        s.shards.iter().map(|sh| lock(sh).bytes).sum()
    }

    /// Claims `k` and completes it with a 1-byte answer at `at`.
    fn store_one(s: &MemoryStore, k: &ScopedKey, at: Instant) {
        let t = token(s.claim_at(k, [0; 32], LEASE, at));
        assert_eq!(
            s.complete_at(k, t, [0; 32], response(1), TTL, at),
            Completion::Stored
        );
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
            store_one(&s, &key(&format!("k{i}")), t0);
        }
        assert!(s.len() <= SHARDS);
    }

    #[test]
    fn bytes_are_bounded_and_oversized_responses_release_the_claim() {
        let s = MemoryStore::new(1000, SHARDS * 1000);
        let t0 = Instant::now();
        store_one(&s, &key("small"), t0);
        let t = token(s.claim_at(&key("big"), [0; 32], LEASE, t0));
        assert_eq!(
            s.complete_at(&key("big"), t, [0; 32], response(5000), TTL, t0),
            Completion::NotStored
        );
        // Nothing was evicted for an answer that could never fit.
        assert!(matches!(
            s.claim_at(&key("small"), [0; 32], LEASE, t0),
            Ok(ClaimOutcome::Completed { .. })
        ));
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
        let total = total_bytes(&s);
        assert!(total <= SHARDS * 1000, "{total}");
    }

    #[test]
    fn the_oldest_completed_records_go_first() {
        // 8 records a shard; 512 keys, each completed in turn.
        let s = MemoryStore::new(SHARDS * 8, usize::MAX);
        let t0 = Instant::now();
        for i in 0..512 {
            store_one(&s, &key(&format!("k{i}")), t0);
        }
        assert_eq!(s.len(), SHARDS * 8);
        let held = |i: usize| {
            matches!(
                s.claim_at(&key(&format!("k{i}")), [0; 32], LEASE, t0),
                Ok(ClaimOutcome::Completed { .. })
            )
        };
        // The last 8 are the newest of their shards whatever the spread;
        // the first 8 are among the oldest of shards that took ~32 each.
        assert!((504..512).all(held));
        assert!(!(0..8).any(held));
    }

    #[test]
    fn expired_records_go_as_new_claims_arrive_before_the_store_fills() {
        let s = MemoryStore::new(100_000, usize::MAX);
        let t0 = Instant::now();
        for i in 0..1000 {
            store_one(&s, &key(&format!("old{i}")), t0);
        }
        let later = t0 + TTL + Duration::from_secs(1);
        for i in 0..3000 {
            token(s.claim_at(&key(&format!("new{i}")), [0; 32], LEASE, later));
        }
        // Each claim drops up to two expired records from its shard's front:
        // ~190 claims a shard clear its ~63 old records.
        assert_eq!(s.len(), 3000);
        assert_eq!(total_bytes(&s), 0, "only in-flight records are left");
    }

    #[test]
    fn released_claims_leave_a_bounded_order() {
        let s = MemoryStore::new(SHARDS * 4, usize::MAX);
        let t0 = Instant::now();
        for i in 0..10_000 {
            let k = key(&format!("k{i}"));
            let t = token(s.claim_at(&k, [0; 32], LEASE, t0));
            s.release_now(&k, t);
        }
        assert_eq!(s.len(), 0);
        for shard in &s.shards {
            let len = lock(shard).order.len();
            assert!(len <= 2 * 4 + 1, "{len} positions for 4 records");
        }
    }

    #[test]
    fn replays_give_back_status_headers_and_body_and_bytes_are_counted_back() {
        let s = MemoryStore::default();
        let t0 = Instant::now();
        let stored = StoredResponse {
            status: StatusCode::CREATED,
            headers: vec![
                (
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    http::header::LOCATION,
                    HeaderValue::from_static("/v1/payments/p1"),
                ),
                (
                    HeaderName::from_static("x-custom"),
                    HeaderValue::from_static(""),
                ),
            ],
            body: Bytes::from_static(b"{\"id\":\"p1\"}"),
        };
        let t = token(s.claim_at(&key("a"), [1; 32], LEASE, t0));
        let c = s.complete_at(&key("a"), t, [1; 32], stored.clone(), TTL, t0);
        assert_eq!(c, Completion::Stored);
        assert_eq!(total_bytes(&s), stored.size());
        match s.claim_at(&key("a"), [1; 32], LEASE, t0).unwrap() {
            ClaimOutcome::Completed { response, .. } => assert_eq!(response, stored),
            other => panic!("{other:?}"),
        }
        // Taken over after expiry: its bytes are given back.
        token(s.claim_at(&key("a"), [1; 32], LEASE, t0 + TTL));
        assert_eq!(total_bytes(&s), 0);
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
