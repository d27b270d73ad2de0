//! # threeam-runtime
//!
//! The resilient HTTP runtime that every threeam-generated client calls, so
//! that calling an API through it passes the 3 a.m. test by default.
//!
//! Per logical call ([`Client::execute`]):
//! 1. an **idempotency key** (UUID v4 or the caller's) is settled once and
//!    sent on every attempt and endpoint ([`idempotency`]);
//! 2. the **circuit breaker** of each endpoint and operation admits or refuses, and the
//!    **fallback** endpoint is used when the primary is open or failing
//!    ([`breaker`]);
//! 3. the **rate limiter** paces sends by local settings and the server's
//!    429 / `Retry-After` / remaining-budget headers ([`ratelimit`]);
//! 4. each attempt runs under a **timeout** within the call's **deadline**;
//! 5. the **retry policy** decides whether and when to retry (safe methods or
//!    keyed calls only; jittered backoff or `Retry-After`) ([`retry`],
//!    [`backoff`], [`retry_after`]), and the client-wide **retry budget**
//!    caps retries to a ratio of calls ([`budget`]);
//! 6. if everything fails, a registered **degraded answer** stands in,
//!    marked as such ([`fallback`]);
//! 7. **telemetry**: `tracing` spans per call and attempt, `metrics` with
//!    OpenTelemetry names, deprecation warnings; secrets never appear
//!    ([`telemetry`]);
//! 8. failures are an [`Error`] whose message says what, why, how many
//!    attempts, the request id and what happens next.
//!
//! [`Client::execute_stream`] does the same up to the response head, then
//! hands the body over as a [`ByteStream`] (never retried once it started;
//! an idle timeout between chunks); [`sse`] reads server-sent events from
//! it.
//!
//! Generated clients are thin: their shared part (typed `Error<E>`,
//! `Reply<T>`, `CallOptions`, parameter and body encoders, and the macros
//! for enums, unions and the `Client`) is the [`generated`] module here.
//!
//! ```no_run
//! use std::time::Duration;
//! use threeam_runtime::{Client, Request};
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::builder("http://127.0.0.1:8080")
//!     .fallback("http://127.0.0.1:8081")
//!     .bearer_auth("sk_test_123")
//!     .timeout(Duration::from_secs(2))
//!     .build()?;
//! let response = client
//!     .execute(Request::post("create_payment", "/v1/payments").json(&serde_json::json!({"amount": 100})))
//!     .await?;
//! println!("{} (replayed: {})", response.status(), response.replayed());
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

mod api_error;
pub mod auth;
pub mod backoff;
pub mod breaker;
pub mod budget;
mod client;
mod datetime;
mod decode;
mod degraded;
pub mod encode;
pub mod env;
mod error;
mod executor;
pub mod fallback;
pub mod generated;
pub mod idempotency;
mod proxy;
pub mod ratelimit;
mod request;
mod response;
pub mod retry;
pub mod retry_after;
mod rng;
pub mod sse;
mod streamed;
pub mod telemetry;
mod transport;

pub use api_error::ApiError;
pub use auth::{ApiKeyIn, OAuth2ClientCredentials, Security};
pub use backoff::Backoff;
pub use breaker::{
    Admission, Breaker, BreakerConfig, BreakerScope, BreakerState, FailureRate, Transition,
};
pub use budget::{RetryBudget, RetryBudgetConfig};
pub use client::{Client, ClientBuilder, EndpointStatus};
pub use datetime::{Date, DateParseError, DateTime};
pub use encode::{Multipart, QueryStyle};
pub use error::{BuildError, Error, ErrorKind, StopReason};
pub use fallback::Degrade;
pub use idempotency::{IdempotencyConfig, KeyFormat};
pub use ratelimit::{RateLimit, RateLimiter};
pub use request::Request;
pub use response::{Degraded, DegradedReason, DegradedSource, Response, Served};
pub use retry::{Decision, Failure, RetryContext, RetryPolicy};
pub use retry_after::RetryAfter;
pub use streamed::{ByteStream, Streamed};

/// Re-exported so generated code depends on this crate alone.
pub use bytes;
/// Re-exported so users of generated streams (pages, server-sent events)
/// reach `Stream` and `StreamExt` without another dependency.
pub use futures_util;
/// Re-exported so generated code depends on this crate alone.
pub use http;
/// Re-exported (with the `derive` feature) so generated clients use serde
/// through the runtime: their `Cargo.toml` lists one dependency, and the
/// serde version never disagrees with the runtime's. Generated derives carry
/// `#[serde(crate = "threeam_runtime::serde")]`.
pub use serde;
/// Re-exported so generated clients use serde_json through the runtime:
/// their `Cargo.toml` lists one dependency, and versions never disagree.
pub use serde_json;
/// Re-exported so users of generated clients reach the `time` values
/// inside [`DateTime`] and [`Date`] without another dependency.
pub use time;
/// Re-exported (with the `serde` feature) so generated clients type uuids
/// through the runtime: their `Cargo.toml` lists one dependency, and
/// versions never disagree.
pub use uuid;
