//! Degraded answers: what a call returns when every endpoint failed.
//!
//! Stale data beats an error for many reads (a product page, a balance
//! shown "as of"), so a GET may opt in to getting its last good response
//! back, with its age, instead of the failure. The caller always sees that it
//! happened ([`Served::Degraded`](crate::Served::Degraded)) and why (the
//! original error rides along).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use tokio::time::Instant;

/// What to answer when all endpoints fail with server or transport trouble
/// (never for a 4xx: a bad request stays an error).
///
/// ```
/// use threeam_runtime::{Degrade, Request};
///
/// let req = Request::get("get_rates", "/v1/rates")
///     .degrade(Degrade::LastGoodOr(r#"{"rates":[]}"#.into()));
/// # let _ = req;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Degrade {
    /// The last successful response to this same GET (same path and
    /// query), if one is cached.
    LastGood,
    /// A fixed body, answered as `200 OK`.
    Value(Bytes),
    /// The last good response if cached, else the fixed body.
    LastGoodOr(Bytes),
}

impl Degrade {
    /// A fixed JSON value; falls back to `null` if it does not serialise.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Self {
        Self::Value(Bytes::from(
            serde_json::to_vec(value).unwrap_or_else(|_| b"null".to_vec()),
        ))
    }

    pub(crate) fn wants_cache(&self) -> bool {
        matches!(self, Self::LastGood | Self::LastGoodOr(_))
    }
}

/// A cached response.
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) at: Instant,
}

/// Last good responses, bounded: when full, the entry stored longest ago is
/// dropped (first in, first out, which needs no bookkeeping on reads).
#[derive(Debug)]
pub(crate) struct LastGoodCache {
    capacity: usize,
    entries: Mutex<(HashMap<String, Stored>, VecDeque<String>)>,
}

impl LastGoodCache {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    pub(crate) fn put(&self, key: &str, stored: Stored) {
        if self.capacity == 0 {
            return;
        }
        let mut guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (map, order) = &mut *guard;
        if map.insert(key.to_owned(), stored).is_none() {
            order.push_back(key.to_owned());
            while order.len() > self.capacity {
                if let Some(oldest) = order.pop_front() {
                    map.remove(&oldest);
                }
            }
        }
    }

    /// The stored response and its age at `now`.
    pub(crate) fn get(&self, key: &str, now: Instant) -> Option<(Stored, Duration)> {
        let guard = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        guard
            .0
            .get(key)
            .map(|s| (s.clone(), now.saturating_duration_since(s.at)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(body: &'static str) -> Stored {
        Stored {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body.as_bytes()),
            at: Instant::now(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn keeps_age_and_evicts_oldest_beyond_capacity() {
        let cache = LastGoodCache::new(2);
        cache.put("/a", stored("a"));
        tokio::time::advance(Duration::from_secs(5)).await;
        cache.put("/b", stored("b"));
        let (a, age) = cache.get("/a", Instant::now()).unwrap();
        assert_eq!(a.body, "a");
        assert_eq!(age, Duration::from_secs(5));
        cache.put("/a", stored("a2")); // update in place, no growth
        cache.put("/c", stored("c")); // evicts /a, the oldest insert
        assert!(cache.get("/a", Instant::now()).is_none());
        assert_eq!(cache.get("/b", Instant::now()).unwrap().0.body, "b");
        assert_eq!(cache.get("/c", Instant::now()).unwrap().0.body, "c");
    }

    #[test]
    fn zero_capacity_stores_nothing() {
        let cache = LastGoodCache::new(0);
        cache.put("/a", stored("a"));
        assert!(cache.get("/a", Instant::now()).is_none());
    }
}
