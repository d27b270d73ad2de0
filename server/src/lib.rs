//! Tower layers for the server half of the 3 a.m. test.
//!
//! - [`IdempotencyLayer`]: a write with an `Idempotency-Key` runs once per
//!   key and client; repeats get the stored answer with
//!   `Idempotent-Replayed: true`, a 409 while the first runs, a 422 when the
//!   key comes back with a different request.
//!
//! Every layer is plain `tower` over `http` types, so it works under axum,
//! hyper and tonic; errors are RFC 9457 problem+json ([`Problem`]).

mod classify;
mod idempotency;
mod key;
mod problem;

pub use classify::{
    ApiKeyResolver, Classified, Classifier, ClientIdentity, ClientResolver, PeerAddr,
    RouteTemplate, Routes, TrustedProxies, UNMATCHED_ROUTE,
};
pub use idempotency::{
    ClaimOutcome, Completion, Fingerprint, Idempotency, IdempotencyClaim, IdempotencyConfig,
    IdempotencyLayer, IdempotencyRequestBody, IdempotencyStore, KeyMode, MemoryStore, OnStoreError,
    RouteRule, ScopedKey, StoreError, StoreFuture, StoredResponse,
};
pub use key::{parse_idempotency_key, KeyError, MAX_KEY_LEN};
pub use problem::{Problem, ProblemKind, PROBLEM_BASE};

/// The error type layers box inner errors into.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
