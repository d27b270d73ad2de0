//! Tower layers for the server half of the 3 a.m. test.
//!
//! - [`ContextLayer`]: `X-Request-Id` and W3C `traceparent` read or made,
//!   echoed on every response, a tracing span, panics answered with a 500
//!   problem naming the request id.
//! - [`MetricsLayer`]: `http.server.request.duration` and
//!   `http.server.active_requests` with bounded labels.
//! - [`RateLimitLayer`]: GCRA per client, per endpoint and global; 429 with
//!   `Retry-After`, `RateLimit`/`RateLimit-Policy` and `X-RateLimit-*`.
//! - [`IdempotencyLayer`]: a write with an `Idempotency-Key` runs once per
//!   key and client; repeats get the stored answer with
//!   `Idempotent-Replayed: true`, a 409 while the first runs, a 422 when the
//!   key comes back with a different request.
//!
//! [`ServerLayer`] composes all four in that order.
//!
//! Every layer is plain `tower` over `http` types, so it works under axum,
//! hyper and tonic; errors are RFC 9457 problem+json ([`Problem`]).

mod classify;
mod context;
mod idempotency;
mod key;
mod metric_keys;
mod metrics_layer;
mod numbers;
mod preset;
mod problem;
mod ratelimit;
#[cfg(feature = "redis")]
mod redis_store;

pub use classify::{
    ApiKeyResolver, Classified, Classifier, ClientIdentity, ClientResolver, PeerAddr,
    RouteTemplate, Routes, TrustedProxies, UNMATCHED_ROUTE,
};
pub use context::{ContextFuture, ContextLayer, RequestContext, RequestContextService};
pub use idempotency::{
    request_fingerprint, ClaimOutcome, Completion, Fingerprint, Idempotency, IdempotencyClaim,
    IdempotencyConfig, IdempotencyFuture, IdempotencyLayer, IdempotencyRequestBody,
    IdempotencyStore, KeyMode, MemoryStore, OnStoreError, RouteRule, ScopedKey, StoreError,
    StoreFuture, StoredResponse,
};
pub use key::{parse_idempotency_key, KeyError, MAX_KEY_LEN};
pub use metrics_layer::{
    Metrics, MetricsConfig, MetricsFuture, MetricsLayer, ACTIVE_REQUESTS, OTEL_DURATION_BUCKETS,
    REQUEST_DURATION,
};
pub use preset::{ServerLayer, ServerLayerBuilder, ServerService};
pub use problem::{Problem, ProblemKind, PROBLEM_BASE};
pub use ratelimit::{
    ceil_secs, decide, gcra_check, BucketState, Decision, LimitCheck, MemoryLimiter, Quota,
    RateLimit, RateLimitConfig, RateLimitFuture, RateLimitLayer, RateLimiter, Tier, NANOS,
};

#[cfg(feature = "redis")]
pub use redis_store::{RedisConfig, RedisStore};

/// The error type layers box inner errors into.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
