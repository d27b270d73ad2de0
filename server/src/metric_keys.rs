//! Metric keys made once per label set instead of once per request.
//!
//! `metrics::counter!(name, labels)` builds a [`Key`] on every call: a
//! vector of labels, a hash over all of them, and the same freed again.
//! The layers' label sets are few and bounded (route templates, tiers,
//! statuses), so each set's key is made on first use and kept here; every
//! request still registers through the recorder current at that moment
//! ([`metrics::with_recorder`]), exactly as the macros do, so installing a
//! recorder late or a thread-local recorder behaves the same.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, RwLock};

use metrics::{Counter, Gauge, Histogram, Key, Metadata};

/// The metadata the `metrics` macros would pass from the calling module
/// (target and module path its own, level INFO).
macro_rules! metadata {
    () => {{
        static METADATA: metrics::Metadata<'static> =
            metrics::Metadata::new(module_path!(), metrics::Level::INFO, Some(module_path!()));
        &METADATA
    }};
}
pub(crate) use metadata;

/// A counter for `key` from the current recorder.
pub(crate) fn counter(key: &Key, metadata: &Metadata<'_>) -> Counter {
    metrics::with_recorder(|r| r.register_counter(key, metadata))
}

/// A gauge for `key` from the current recorder.
pub(crate) fn gauge(key: &Key, metadata: &Metadata<'_>) -> Gauge {
    metrics::with_recorder(|r| r.register_gauge(key, metadata))
}

/// A histogram for `key` from the current recorder.
pub(crate) fn histogram(key: &Key, metadata: &Metadata<'_>) -> Histogram {
    metrics::with_recorder(|r| r.register_histogram(key, metadata))
}

/// Label sets kept at most; past it (a resolver handing out unbounded
/// tiers, say) keys are made per request again rather than grow memory.
const MAX_SETS: usize = 4096;

/// Keys (or anything built from a label set) by label set. The sets are
/// few and come from configuration (routes, tiers, statuses), not from
/// what clients send, so a fast seeded hash serves instead of SipHash.
pub(crate) struct KeyCache<K, V> {
    sets: RwLock<HashMap<K, Arc<V>, rapidhash::fast::RandomState>>,
}

impl<K, V> Default for KeyCache<K, V> {
    fn default() -> Self {
        Self {
            sets: RwLock::default(),
        }
    }
}

impl<K: Hash + Eq, V> KeyCache<K, V> {
    /// The value for `id`, made by `make` the first time.
    pub(crate) fn get(&self, id: K, make: impl FnOnce(&K) -> V) -> Arc<V> {
        // Values are only ever added whole: a poisoned lock holds good data.
        if let Some(v) = self.sets.read().unwrap_or_else(|p| p.into_inner()).get(&id) {
            return v.clone();
        }
        let value = Arc::new(make(&id));
        let mut sets = self.sets.write().unwrap_or_else(|p| p.into_inner());
        if sets.len() < MAX_SETS {
            sets.entry(id).or_insert_with(|| value.clone());
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_set_is_made_once_and_the_cache_stays_bounded() {
        let cache: KeyCache<u32, Key> = KeyCache::default();
        let mut made = 0;
        for _ in 0..3 {
            cache.get(7, |_| {
                made += 1;
                Key::from_name("x")
            });
        }
        assert_eq!(made, 1);
        for i in 0..(MAX_SETS as u32 + 10) {
            cache.get(i, |_| Key::from_name("x"));
        }
        assert_eq!(cache.sets.read().unwrap().len(), MAX_SETS);
    }
}
