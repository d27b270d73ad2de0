//! Tiered rate limiting: GCRA per client, per endpoint and global.
//!
//! A request passes only if all three tiers have room for its cost, and a
//! denial charges none of them (a client hammering a closed endpoint does
//! not drain its own budget). Denied: 429 problem+json naming the tier, an
//! integer `Retry-After` (rounded up, at least 1), the IETF `RateLimit` and
//! `RateLimit-Policy` fields (draft-ietf-httpapi-ratelimit-headers-11
//! syntax) and `X-RateLimit-Limit/-Remaining/-Reset`. Admitted responses
//! carry the same fields for the tightest tier.
//!
//! When a shared limiter's store fails, the layer falls back to a local
//! [`MemoryLimiter`] whose quotas are divided by the configured number of
//! instances, so the fleet as a whole stays near its limits; it logs the
//! switch both ways and counts every fallback decision.

mod gcra;
mod memory;

pub use gcra::{ceil_secs, gcra_check, BucketState, Quota, NANOS};
pub use memory::MemoryLimiter;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{header, HeaderMap, HeaderName, HeaderValue, Request, Response};
use http_body_util::{Either, Full};
use tower_layer::Layer;
use tower_service::Service;

use crate::classify::Classifier;
use crate::idempotency::{StoreError, StoreFuture};
use crate::metric_keys::{self, metadata, KeyCache};
use crate::numbers::{decimal_value, Buf};
use crate::problem::{Problem, ProblemKind};
use metrics::{Key, Label, SharedString};

/// One of the three tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tier {
    /// Per client (id from the resolver).
    Client,
    /// Per endpoint (route template).
    Endpoint,
    /// Everything this limiter sees.
    Global,
}

impl Tier {
    /// All tiers, in the order of [`Decision::states`].
    pub const ALL: [Tier; 3] = [Tier::Client, Tier::Endpoint, Tier::Global];

    /// The tier's name in headers, problems and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Self::Client => "client",
            Self::Endpoint => "endpoint",
            Self::Global => "global",
        }
    }
}

/// One request to check: who, where, which quotas, what cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LimitCheck {
    /// The client id.
    pub client: Arc<str>,
    /// The route template.
    pub endpoint: Arc<str>,
    /// Client, endpoint and global quota, in that order.
    pub quotas: [Quota; 3],
    /// Units this request takes (1 unless configured).
    pub cost: u32,
}

/// The outcome for all three tiers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    /// Client, endpoint and global bucket after the check.
    pub states: [BucketState; 3],
    /// The tier that refused (the one that frees up last), if any.
    pub denied_by: Option<Tier>,
}

impl Decision {
    /// How long until the request could pass every tier.
    pub fn retry_after_nanos(&self) -> u64 {
        self.states
            .iter()
            .map(|s| s.retry_after_nanos)
            .max()
            .unwrap_or(0)
    }

    /// The tier to report: the refusing one, else the one with the least
    /// room left.
    pub fn reported_tier(&self) -> usize {
        match self.denied_by {
            Some(t) => Tier::ALL.iter().position(|x| *x == t).unwrap_or(0),
            None => (0..3)
                .min_by_key(|i| self.states[*i].remaining)
                .unwrap_or(0),
        }
    }
}

/// Decides three tiers at once: `Some(new TATs)` when admitted.
pub fn decide(
    tats: [u64; 3],
    now: u64,
    quotas: &[Quota; 3],
    cost: u32,
) -> (Option<[u64; 3]>, Decision) {
    let results = [0, 1, 2].map(|i| gcra_check(tats[i], now, quotas[i], cost));
    if let [Ok((c, cs)), Ok((e, es)), Ok((g, gs))] = results {
        return (
            Some([c, e, g]),
            Decision {
                states: [cs, es, gs],
                denied_by: None,
            },
        );
    }
    let states = [0, 1, 2].map(|i| match results[i] {
        Err(state) => state,
        // Admitted by this tier but not charged: report it as it is.
        Ok(_) => match gcra_check(tats[i], now, quotas[i], 0) {
            Ok((_, state)) | Err(state) => state,
        },
    });
    let worst = (0..3)
        .max_by_key(|i| states[*i].retry_after_nanos)
        .unwrap_or(0);
    (
        None,
        Decision {
            states,
            denied_by: Some(Tier::ALL[worst]),
        },
    )
}

/// A limiter: in memory ([`MemoryLimiter`]) or shared (Redis).
pub trait RateLimiter: Send + Sync + 'static {
    /// Checks and, when admitted, charges all three tiers as one step.
    fn check<'a>(&'a self, check: &'a LimitCheck) -> StoreFuture<'a, Result<Decision, StoreError>>;

    /// The same, answered at once by a limiter that never waits (memory);
    /// `None` (the default) means "call `check`". Spares the boxed future
    /// on the hot path.
    fn check_now(&self, _check: &LimitCheck) -> Option<Decision> {
        None
    }
}

/// Limits, overrides and costs; the defaults are the article's.
///
/// ```
/// use threeam_server::{Quota, RateLimitConfig};
///
/// let mut config = RateLimitConfig::default();
/// assert_eq!(config.client, Quota::per_second(100).with_burst(200));
/// config.client_tiers.insert("pro".into(), Quota::per_second(1000).with_burst(2000));
/// config.costs.insert("/v1/reports".into(), 10);
/// assert!(config.validate().is_ok());
/// ```
#[derive(Clone, Debug)]
pub struct RateLimitConfig {
    /// Per client: 100/s, burst 200.
    pub client: Quota,
    /// Per endpoint: 1000/s, burst 2000.
    pub endpoint: Quota,
    /// Global: 10 000/s, burst 15 000.
    pub global: Quota,
    /// Client quota by client tier (overrides `client`).
    pub client_tiers: HashMap<String, Quota>,
    /// Endpoint quota by route template (overrides `endpoint`).
    pub endpoints: HashMap<String, Quota>,
    /// Cost by route template (1 otherwise).
    pub costs: HashMap<String, u32>,
    /// Instances sharing a shared limiter: the local fallback gives each
    /// `1/instances` of every quota. 1 by default.
    pub instances: u32,
    /// Routes that answer 503 instead of falling back when the shared
    /// limiter is down.
    pub fail_closed_routes: HashSet<String>,
    /// `Retry-After` on such a 503: 1 s.
    pub store_retry_after: Duration,
    /// Client buckets kept in memory (local limiter or fallback): 100 000.
    pub max_clients: usize,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            client: Quota::per_second(100).with_burst(200),
            endpoint: Quota::per_second(1000).with_burst(2000),
            global: Quota::per_second(10_000).with_burst(15_000),
            client_tiers: HashMap::new(),
            endpoints: HashMap::new(),
            costs: HashMap::new(),
            instances: 1,
            fail_closed_routes: HashSet::new(),
            store_retry_after: Duration::from_secs(1),
            max_clients: 100_000,
        }
    }
}

impl RateLimitConfig {
    /// Refuses costs no bucket could ever admit (over a burst they meet).
    pub fn validate(&self) -> Result<(), String> {
        let smallest_client = self
            .client_tiers
            .values()
            .map(Quota::burst)
            .chain([self.client.burst()])
            .min()
            .unwrap_or(u32::MAX);
        for (route, cost) in &self.costs {
            let endpoint = self.endpoints.get(route).unwrap_or(&self.endpoint).burst();
            let most = smallest_client.min(endpoint).min(self.global.burst());
            if *cost == 0 || *cost > most {
                return Err(format!(
                    "rate limit cost {cost} for route {route:?} must be between 1 and the smallest burst it meets ({most}); lower the cost or raise the burst"
                ));
            }
        }
        if self.instances == 0 {
            return Err("rate limit `instances` must be at least 1".into());
        }
        Ok(())
    }

    fn check_for(&self, client: &Arc<str>, tier: &str, route: &Arc<str>) -> LimitCheck {
        LimitCheck {
            client: client.clone(),
            endpoint: route.clone(),
            quotas: [
                *self.client_tiers.get(tier).unwrap_or(&self.client),
                *self.endpoints.get(&**route).unwrap_or(&self.endpoint),
                self.global,
            ],
            cost: self.costs.get(&**route).copied().unwrap_or(1),
        }
    }
}

struct Shared {
    limiter: Arc<dyn RateLimiter>,
    /// The policy of the configured client, endpoint and global quotas,
    /// which most requests meet: found without a lock or a hash.
    default_policy: ([Quota; 3], Arc<Policy>),
    /// `RateLimit-Policy` values by quota set: bounded by client tiers
    /// times endpoint overrides.
    policies: std::sync::RwLock<HashMap<[Quota; 3], Arc<Policy>>>,
    fallback: MemoryLimiter,
    /// `threeam.server.rate_limit.decisions` keys by tier, denial and
    /// client tier.
    decisions: KeyCache<(Tier, bool, Arc<str>), Key>,
    degraded: AtomicBool,
    config: RateLimitConfig,
    classifier: Classifier,
}

impl Shared {
    /// The decision counter for this tier, outcome and client tier.
    fn decision(&self, tier: Tier, denied: bool, client_tier: Arc<str>) -> metrics::Counter {
        let key = self
            .decisions
            .get((tier, denied, client_tier), |(tier, denied, client)| {
                let decision = if *denied { "denied" } else { "allowed" };
                Key::from_parts(
                    "threeam.server.rate_limit.decisions",
                    vec![
                        Label::new("tier", tier.name()),
                        Label::new("decision", decision),
                        Label::new("threeam.client.tier", SharedString::from(client.clone())),
                    ],
                )
            });
        metric_keys::counter(&key, metadata!())
    }

    fn policy(&self, quotas: &[Quota; 3]) -> Arc<Policy> {
        if *quotas == self.default_policy.0 {
            return self.default_policy.1.clone();
        }
        let cached = self
            .policies
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(quotas)
            .cloned();
        cached.unwrap_or_else(|| {
            let value = Arc::new(Policy::new(quotas));
            self.policies
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .insert(*quotas, value.clone());
            value
        })
    }
}

/// The rate limiting layer.
///
/// ```
/// use threeam_server::{Classifier, MemoryLimiter, RateLimitConfig, RateLimitLayer, Routes};
///
/// let layer = RateLimitLayer::new(
///     MemoryLimiter::default(),
///     RateLimitConfig::default(),
///     Classifier::new(Routes::new(["/v1/payments"])),
/// )
/// .unwrap();
/// # let _ = layer;
/// ```
#[derive(Clone)]
pub struct RateLimitLayer {
    shared: Arc<Shared>,
}

impl RateLimitLayer {
    /// A layer over `limiter`; `Err` names a cost no quota can admit.
    pub fn new(
        limiter: impl RateLimiter,
        config: RateLimitConfig,
        classifier: Classifier,
    ) -> Result<Self, String> {
        Self::with_shared_limiter(Arc::new(limiter), config, classifier)
    }

    /// A layer over a limiter shared with other layers or tests.
    pub fn with_shared_limiter(
        limiter: Arc<dyn RateLimiter>,
        config: RateLimitConfig,
        classifier: Classifier,
    ) -> Result<Self, String> {
        config.validate()?;
        let defaults = [config.client, config.endpoint, config.global];
        Ok(Self {
            shared: Arc::new(Shared {
                limiter,
                default_policy: (defaults, Arc::new(Policy::new(&defaults))),
                policies: Default::default(),
                fallback: MemoryLimiter::new(config.max_clients),
                decisions: KeyCache::default(),
                degraded: AtomicBool::new(false),
                config,
                classifier,
            }),
        })
    }
}

impl<S> Layer<S> for RateLimitLayer {
    type Service = RateLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RateLimit {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service [`RateLimitLayer`] makes.
#[derive(Clone)]
pub struct RateLimit<S> {
    inner: S,
    shared: Arc<Shared>,
}

impl<S, B, RB> Service<Request<B>> for RateLimit<S>
where
    S: Service<Request<B>, Response = Response<RB>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = Response<Either<RB, Full<Bytes>>>;
    type Error = S::Error;
    type Future = RateLimitFuture<S::Future, RB, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let mut request = request;
        let seen = self.shared.classifier.classify_request(&mut request);
        let config = &self.shared.config;
        let check = config.check_for(&seen.client.id, &seen.client.tier, &seen.route);
        // A limiter that answers at once (memory) decides here, so the
        // request is handed to the inner service that was polled ready,
        // without a clone or a boxed future.
        if let Some(decision) = self.shared.limiter.check_now(&check) {
            return proceed(
                &self.shared,
                &mut self.inner,
                decision,
                &check,
                seen.client.tier,
                request,
            );
        }
        // The clone that was polled ready serves this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let shared = self.shared.clone();
        RateLimitFuture::waiting(Box::pin(async move {
            let decision = match shared.limiter.check(&check).await {
                Ok(d) => {
                    if shared.degraded.swap(false, Ordering::Relaxed) {
                        tracing::warn!("rate limit store is back; shared limits apply again");
                    }
                    d
                }
                Err(e) => match shared.on_store_error(&e, &check, &seen.route) {
                    Ok(d) => d,
                    Err(refusal) => return Ok((*refusal).map(Either::Right)),
                },
            };
            proceed(
                &shared,
                &mut inner,
                decision,
                &check,
                seen.client.tier,
                request,
            )
            .await
        }))
    }
}

type LimitResult<RB, E> = Result<Response<Either<RB, Full<Bytes>>>, E>;

pin_project_lite::pin_project! {
    /// The future of [`RateLimit`]: for a limiter that answers at once, the
    /// inner service's own future (limit fields added to its response) or
    /// the ready refusal, neither boxed; for one that waits (Redis), the
    /// boxed check and call.
    pub struct RateLimitFuture<F, RB, E> {
        #[pin]
        step: Step<F, RB, E>,
    }
}

pin_project_lite::pin_project! {
    #[project = StepProj]
    enum Step<F, RB, E> {
        Admitted {
            #[pin]
            future: F,
            policy: Arc<Policy>,
            decision: Decision,
            reported: usize,
        },
        Refused {
            response: Option<Response<Full<Bytes>>>,
        },
        Waiting {
            future: Pin<Box<dyn Future<Output = LimitResult<RB, E>> + Send>>,
        },
    }
}

impl<F, RB, E> RateLimitFuture<F, RB, E> {
    fn waiting(future: Pin<Box<dyn Future<Output = LimitResult<RB, E>> + Send>>) -> Self {
        Self {
            step: Step::Waiting { future },
        }
    }
}

impl<F, RB, E> Future for RateLimitFuture<F, RB, E>
where
    F: Future<Output = Result<Response<RB>, E>>,
{
    type Output = LimitResult<RB, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().step.project() {
            StepProj::Admitted {
                future,
                policy,
                decision,
                reported,
            } => {
                let mut response = std::task::ready!(future.poll(cx))?;
                put_limit_headers(response.headers_mut(), policy, decision, *reported);
                Poll::Ready(Ok(response.map(Either::Left)))
            }
            StepProj::Refused { response } => Poll::Ready(Ok(response
                .take()
                .expect("a rate limit future is not polled after it is done")
                .map(Either::Right))),
            StepProj::Waiting { future } => future.as_mut().poll(cx),
        }
    }
}

/// Answers a denied request, or hands an admitted one on and adds the
/// limit fields to its response.
fn proceed<S, B, RB>(
    shared: &Shared,
    inner: &mut S,
    decision: Decision,
    check: &LimitCheck,
    client_tier: Arc<str>,
    request: Request<B>,
) -> RateLimitFuture<S::Future, RB, S::Error>
where
    S: Service<Request<B>, Response = Response<RB>> + Send + 'static,
    S::Future: Send,
    B: 'static,
{
    let reported = decision.reported_tier();
    let policy = shared.policy(&check.quotas);
    if let Some(tier) = decision.denied_by {
        shared.decision(tier, true, client_tier).increment(1);
        let wait = Duration::from_nanos(decision.retry_after_nanos());
        let p = Problem::new(
            ProblemKind::RateLimited,
            format!(
                "the {} rate limit is exhausted; retry after Retry-After seconds, and spread requests out",
                tier.name()
            ),
        )
        .with_member("tier", tier.name());
        let mut r = p.into_response();
        let headers = r.headers_mut();
        headers.insert(
            header::RETRY_AFTER,
            decimal_value(crate::problem::retry_after_secs(wait)),
        );
        put_limit_headers(headers, &policy, &decision, reported);
        return RateLimitFuture {
            step: Step::Refused { response: Some(r) },
        };
    }
    shared
        .decision(Tier::ALL[reported], false, client_tier)
        .increment(1);
    RateLimitFuture {
        step: Step::Admitted {
            future: inner.call(request),
            policy,
            decision,
            reported,
        },
    }
}

impl Shared {
    /// A failed shared limiter: a refusal for fail-closed routes, else the
    /// local fallback's decision.
    fn on_store_error(
        &self,
        error: &StoreError,
        check: &LimitCheck,
        route: &str,
    ) -> Result<Decision, Box<Response<Full<Bytes>>>> {
        let config = &self.config;
        if config.fail_closed_routes.contains(route) {
            metrics::counter!("threeam.server.rate_limit.decisions", "tier" => "store", "decision" => "unavailable").increment(1);
            let p = Problem::new(
                ProblemKind::RateLimiterUnavailable,
                "the rate limiter is unavailable and this route does not run without it; retry after Retry-After seconds",
            );
            let mut r = p.into_response();
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(crate::problem::retry_after_secs(config.store_retry_after)),
            );
            return Err(Box::new(r));
        }
        if !self.degraded.swap(true, Ordering::Relaxed) {
            tracing::error!(error = %error, instances = config.instances, "rate limit store failed; falling back to local limits of 1/instances of each quota");
        }
        metrics::counter!("threeam.server.rate_limit.fallback").increment(1);
        let local = LimitCheck {
            quotas: check.quotas.map(|q| q.divided(config.instances)),
            ..check.clone()
        };
        Ok(self.fallback.check_at(self.fallback.now_nanos(), &local))
    }
}

/// The `RateLimit-Policy` value for a set of quotas: the same for every
/// request that meets the same quotas, so it is made once per set.
fn policy_value(quotas: &[Quota; 3]) -> HeaderValue {
    let policy: Vec<String> = Tier::ALL
        .iter()
        .zip(quotas)
        .map(|(t, q)| format!("\"{}\";q={};w={}", t.name(), q.burst(), q.window_secs()))
        .collect();
    HeaderValue::try_from(policy.join(", ")).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Writes `RateLimit-Policy` (all tiers), `RateLimit` and the `X-RateLimit-*`
/// trio (the reported tier).
fn put_limit_headers(headers: &mut HeaderMap, policy: &Policy, decision: &Decision, tier: usize) {
    let state = decision.states[tier];
    // Denied: when the request could pass. Admitted with room left: when
    // the bucket is full. Admitted with nothing left: when the next
    // request can pass, since a client that waits on this field (as
    // threeam-runtime does at remaining 0) would otherwise wait for the
    // whole burst to refill.
    let t = if decision.denied_by.is_some() {
        crate::problem::retry_after_secs(Duration::from_nanos(state.retry_after_nanos))
    } else if state.remaining == 0 {
        let q = policy.quotas[tier];
        let next = (state.reset_nanos + q.emission_nanos()).saturating_sub(q.capacity_nanos());
        ceil_secs(next).max(1)
    } else {
        ceil_secs(state.reset_nanos)
    };
    // Longest: "endpoint";r=<20 digits>;t=<20 digits>.
    let mut current = Buf::<64>::new();
    current.push(b"\"");
    current.push(Tier::ALL[tier].name().as_bytes());
    current.push(b"\";r=");
    current.push_u64(state.remaining);
    current.push(b";t=");
    current.push_u64(t);
    // Ours and the context layer's two: one growth here rather than two
    // (a header map grows at three quarters of its slots).
    headers.reserve(8);
    headers.insert(RATELIMIT_POLICY, policy.policy.clone());
    if let Ok(v) = HeaderValue::from_bytes(current.as_bytes()) {
        headers.insert(RATELIMIT, v);
    }
    headers.insert(X_RATELIMIT_LIMIT, policy.limits[tier].clone());
    headers.insert(X_RATELIMIT_REMAINING, decimal_value(state.remaining));
    headers.insert(X_RATELIMIT_RESET, decimal_value(t));
}

// Made at compile time: `from_static` at run time checks every byte.
const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// The header values that depend on the quotas alone, made once per set.
#[derive(Clone, Debug)]
struct Policy {
    policy: HeaderValue,
    limits: [HeaderValue; 3],
    quotas: [Quota; 3],
}

impl Policy {
    fn new(quotas: &[Quota; 3]) -> Self {
        Self {
            policy: policy_value(quotas),
            limits: quotas.map(|q| HeaderValue::from(q.burst())),
            quotas: *quotas,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusing_tier_is_the_one_that_frees_last() {
        let q1 = Quota::per_second(1).with_burst(1);
        let q10 = Quota::per_second(10).with_burst(1);
        // Client and global both full; client frees in 1 s, global in 0.1 s.
        let (new, d) = decide(
            [NANOS, 0, NANOS / 10],
            0,
            &[q1, Quota::per_second(100), q10],
            1,
        );
        assert!(new.is_none());
        assert_eq!(d.denied_by, Some(Tier::Client));
        assert_eq!(d.retry_after_nanos(), NANOS);
    }

    #[test]
    fn headers_use_draft_11_syntax() {
        let quotas = [
            Quota::per_second(100).with_burst(200),
            Quota::per_second(1000).with_burst(2000),
            Quota::per_second(10_000).with_burst(15_000),
        ];
        let (_, d) = decide([0, 0, 0], 0, &quotas, 1);
        let mut h = HeaderMap::new();
        put_limit_headers(&mut h, &Policy::new(&quotas), &d, d.reported_tier());
        assert_eq!(
            h["ratelimit-policy"],
            "\"client\";q=200;w=2, \"endpoint\";q=2000;w=2, \"global\";q=15000;w=2"
        );
        assert_eq!(h["ratelimit"], "\"client\";r=199;t=1");
        assert_eq!(h["x-ratelimit-limit"], "200");
        assert_eq!(h["x-ratelimit-remaining"], "199");
        assert_eq!(h["x-ratelimit-reset"], "1");
    }

    #[test]
    fn the_last_request_of_a_burst_says_when_the_next_can_pass() {
        // 1 every 2 s, burst 3: the third request empties the bucket. It
        // is full again in 6 s, but the next request can pass in 2 s.
        let q = Quota::per_period(1, Duration::from_secs(2)).with_burst(3);
        let quotas = [q, Quota::per_second(1000), Quota::per_second(10_000)];
        let mut tats = [0, 0, 0];
        let mut last = None;
        for _ in 0..3 {
            let (new, d) = decide(tats, 0, &quotas, 1);
            tats = new.expect("within the burst");
            last = Some(d);
        }
        let d = last.unwrap();
        assert_eq!(d.states[0].remaining, 0);
        assert_eq!(d.states[0].reset_nanos, 6 * NANOS);
        let mut h = HeaderMap::new();
        put_limit_headers(&mut h, &Policy::new(&quotas), &d, d.reported_tier());
        assert_eq!(h["x-ratelimit-remaining"], "0");
        assert_eq!(h["x-ratelimit-reset"], "2");
        assert_eq!(h["ratelimit"], "\"client\";r=0;t=2");
    }

    #[test]
    fn impossible_costs_are_refused_at_setup() {
        let mut c = RateLimitConfig::default();
        c.costs.insert("/big".into(), 201);
        assert!(c.validate().unwrap_err().contains("\"/big\""));
        c.costs.insert("/big".into(), 0);
        assert!(c.validate().is_err());
        c.costs.insert("/big".into(), 200);
        assert!(c.validate().is_ok());
    }
}
