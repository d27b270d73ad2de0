//! What an idempotency store must do: claim a key atomically, complete it
//! with a response only while still holding it, release it.
//!
//! The fencing token is what makes "only while still holding it" checkable:
//! every claim of a key gets a larger token than the one before, and
//! `complete` and `release` act only when the token they carry is the one
//! stored (or, for `complete`, when nobody holds the key any more: no newer
//! result exists then, and storing this one spares a rerun). A holder
//! whose lease ran out (and whose key someone else claimed since) can
//! therefore never overwrite the newer result, and handlers can pass the
//! token to their own database for the same guard.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};

/// A boxed future returned by store methods.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// SHA-256 over method, route, query, content type and body.
pub type Fingerprint = [u8; 32];

/// A key as stored: scoped to the client that sent it, so two clients that
/// pick the same key never see each other's responses.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ScopedKey {
    /// The client id from the resolver.
    pub client: Arc<str>,
    /// The key as the client sent it (unquoted), shared with the
    /// handler's [`IdempotencyClaim`](crate::IdempotencyClaim).
    pub key: Arc<str>,
}

/// A response kept for replay: status, allow-listed headers and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    /// The status the handler answered.
    pub status: StatusCode,
    /// Only the headers on the layer's allow-list.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The body, byte for byte.
    pub body: Bytes,
}

impl StoredResponse {
    /// Approximate memory taken, for the store's byte bound.
    pub fn size(&self) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len() + 16)
            .sum();
        self.body.len() + headers + 64
    }
}

/// What a claim found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClaimOutcome {
    /// The key was free (or its holder's lease ran out): the caller now
    /// holds it with this fencing token and must run the handler.
    Claimed {
        /// Larger than every token handed out before for this key.
        token: u64,
    },
    /// Another request holds the key and has not finished.
    InFlight {
        /// The fingerprint of the request that holds it.
        fingerprint: Fingerprint,
        /// How long until its lease runs out, at most.
        lease_left: Duration,
    },
    /// The key has a stored response.
    Completed {
        /// The fingerprint of the request that produced it.
        fingerprint: Fingerprint,
        /// What to replay.
        response: StoredResponse,
    },
}

/// The store could not answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// Unreachable, timed out or broken; the text says which and where.
    Unavailable(String),
    /// Full of in-flight claims; nothing could be evicted.
    Full(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unavailable(why) => write!(f, "idempotency store unavailable: {why}"),
            Self::Full(why) => write!(f, "idempotency store full: {why}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// How a `complete` went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completion {
    /// The response is stored and will be replayed.
    Stored,
    /// The token was no longer the holder's (lease expired and the key was
    /// claimed again): nothing was written.
    Fenced,
    /// The response was too large for the store's bounds; the claim is
    /// released instead, so a retry runs the handler again.
    NotStored,
}

/// An idempotency store: in memory ([`MemoryStore`](crate::MemoryStore))
/// or shared (Redis, feature `redis`).
pub trait IdempotencyStore: Send + Sync + 'static {
    /// Atomically claim `key` for a request with `fingerprint`, holding it
    /// for at most `lease` unless completed or released first.
    fn claim<'a>(
        &'a self,
        key: &'a ScopedKey,
        fingerprint: Fingerprint,
        lease: Duration,
    ) -> StoreFuture<'a, Result<ClaimOutcome, StoreError>>;

    /// Store `response` for `ttl`, unless another claim holds `key` or
    /// completed it since (`Fenced`).
    fn complete<'a>(
        &'a self,
        key: &'a ScopedKey,
        token: u64,
        fingerprint: Fingerprint,
        response: StoredResponse,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<Completion, StoreError>>;

    /// Give `key` up, only if `token` still holds it, so a retry runs again.
    fn release<'a>(
        &'a self,
        key: &'a ScopedKey,
        token: u64,
    ) -> StoreFuture<'a, Result<(), StoreError>>;

    /// This store as the in-memory one, whose answers never wait: the
    /// layer then calls it directly and spares a boxed future per step.
    /// `None` (the default) for every other store.
    fn as_memory(&self) -> Option<&crate::MemoryStore> {
        None
    }
}
