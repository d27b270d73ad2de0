//! The client, its builder, and the state its calls share.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, USER_AGENT};
use http::{HeaderMap, Uri};
use tokio::time::Instant;

use crate::auth::{self, ApiKeyIn, Credential, OAuth2ClientCredentials, Schemes, Security};
use crate::backoff::Backoff;
use crate::breaker::{BreakerConfig, BreakerScope, BreakerState, Circuits};
use crate::budget::{RetryBudget, RetryBudgetConfig};
use crate::error::BuildError;
use crate::fallback::LastGoodCache;
use crate::idempotency::{ConflictMatcher, IdempotencyConfig, KeyFormat};
use crate::ratelimit::{RateLimit, RateLimiter};
use crate::retry::RetryPolicy;
use crate::rng::FastRng;
use crate::telemetry::DeprecationLog;
use crate::transport::{Origin, Transport};
use hyper_util::client::proxy::matcher::Matcher;

/// Sent unless the application names itself (`default_header("user-agent", ..)`).
const USER_AGENT_VALUE: &str = concat!("threeam-runtime/", env!("CARGO_PKG_VERSION"));

/// One base URL with its own breakers and rate limiter.
#[derive(Debug)]
pub(crate) struct Endpoint {
    /// `scheme://host[:port][/base/path]`, no trailing slash. Shared with
    /// responses, which build their URL only when asked.
    pub(crate) base: Arc<str>,
    /// The same, parsed once: each attempt joins it to the call's target.
    pub(crate) origin: Origin,
    /// Sent with each plain-http request when a proxy with credentials
    /// carries them.
    pub(crate) proxy_authorization: Option<HeaderValue>,
    /// `host[:port]`, for messages and metrics.
    pub(crate) label: Arc<str>,
    /// Its circuit breakers, one per operation or one for all (the scope).
    pub(crate) circuits: Circuits,
    pub(crate) limiter: Mutex<RateLimiter>,
}

impl Endpoint {
    /// The circuit an operation's calls go through, for messages:
    /// `host:port`, or `operation on host:port` with breakers per operation.
    pub(crate) fn circuit_name(&self, operation: &str) -> String {
        match self.circuits.scope() {
            BreakerScope::Operation => format!("{operation} on {}", self.label),
            BreakerScope::Endpoint => self.label.to_string(),
        }
    }
}

/// What every call of a client shares.
pub(crate) struct Shared {
    pub(crate) transport: Transport,
    /// Default headers, merged into every request (a header the request
    /// sets itself wins).
    pub(crate) default_headers: HeaderMap,
    /// Credentials set without a scheme (`bearer_auth`, `secret_header`):
    /// sent like default headers, except to operations that need none.
    pub(crate) credentials: HeaderMap,
    /// Credentials by security scheme name.
    pub(crate) schemes: Schemes,
    pub(crate) endpoints: Vec<Endpoint>,
    pub(crate) timeout: Duration,
    pub(crate) deadline: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: Option<RetryBudget>,
    pub(crate) idempotency: IdempotencyConfig,
    /// The caller's test for idempotency conflicts, besides the built-in one.
    pub(crate) conflict_matcher: Option<ConflictMatcher>,
    pub(crate) request_id_headers: Vec<HeaderName>,
    pub(crate) trace_context: bool,
    pub(crate) rng: FastRng,
    pub(crate) cache: LastGoodCache,
    pub(crate) deprecations: DeprecationLog,
}

/// The resilient HTTP client that generated code calls.
///
/// Cheap to clone (one `Arc`), `Send + Sync`: build it once and share it;
/// clones share breakers, limiters, the retry budget and the connection pool.
///
/// ```
/// use std::time::Duration;
/// use threeam_runtime::Client;
///
/// let client = Client::builder("http://127.0.0.1:8080")
///     .fallback("http://127.0.0.1:8081")
///     .bearer_auth("sk_test_123")
///     .timeout(Duration::from_secs(2))
///     .deadline(Duration::from_secs(10))
///     .build()
///     .expect("valid settings");
/// // Secrets never show up in Debug output.
/// assert!(!format!("{client:?}").contains("sk_test_123"));
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
}

/// The health of one endpoint, for dashboards and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointStatus {
    /// The base URL.
    pub base_url: String,
    /// Its circuit breaker; with breakers per operation (the default
    /// [`BreakerScope`]), the most severe state among them.
    pub breaker: BreakerState,
    /// How long the server asked this client to hold off, if at all.
    pub rate_limited_for: Duration,
}

impl Client {
    /// Starts a builder with the primary base URL (`servers[0]` of a spec).
    pub fn builder(primary: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(primary)
    }

    /// The state of the primary (index 0) and fallback (index 1) endpoints.
    pub fn endpoint_status(&self) -> Vec<EndpointStatus> {
        let now = Instant::now();
        self.shared
            .endpoints
            .iter()
            .map(|ep| EndpointStatus {
                base_url: ep.base.to_string(),
                breaker: ep.circuits.worst(now),
                rate_limited_for: lock(&ep.limiter).blocked_for(now),
            })
            .collect()
    }

    /// Tokens left in the retry budget (`None` when it is disabled).
    pub fn retry_budget_balance(&self) -> Option<f64> {
        self.shared.budget.as_ref().map(RetryBudget::balance)
    }
}

/// Locks a mutex, recovering from poisoning: every guarded value here stays
/// consistent between statements, so a panic elsewhere cannot leave it torn.
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Deliberately omits default headers: they hold credentials.
        let bases: Vec<&str> = self.shared.endpoints.iter().map(|e| &*e.base).collect();
        f.debug_struct("Client")
            .field("endpoints", &bases)
            .field("timeout", &self.shared.timeout)
            .field("deadline", &self.shared.deadline)
            .field("retry", &self.shared.retry)
            .finish_non_exhaustive()
    }
}

/// Settings for a [`Client`]. Every mistake is reported by
/// [`ClientBuilder::build`] as a [`BuildError`], never a panic.
///
/// Defaults: 10 s per attempt, 30 s per call, 3 attempts with 100 ms..5 s
/// full-jitter backoff, `Retry-After` honoured up to 30 s, retry budget
/// ratio 0.1 with a burst of 10, a breaker per endpoint and operation
/// opening after 5 consecutive failures for 30 s, no local rate limit (server hints are always obeyed),
/// bare `Idempotency-Key`, no generated `traceparent`, 256 cached GET
/// responses for degraded answers, response bodies up to 64 MiB,
/// `User-Agent: threeam-runtime/<version>`
/// (some APIs, GitHub's among them, refuse requests without one; replace it
/// with `default_header("user-agent", ...)`).
#[must_use]
pub struct ClientBuilder {
    primary: String,
    fallback: Option<String>,
    headers: HeaderMap,
    credentials: HeaderMap,
    schemes: Schemes,
    oauth: Vec<(String, OAuth2ClientCredentials)>,
    problem: Option<String>,
    timeout: Duration,
    deadline: Duration,
    retry: RetryPolicy,
    budget: Option<RetryBudgetConfig>,
    breaker: BreakerConfig,
    breaker_scope: BreakerScope,
    rate_limit: Option<RateLimit>,
    idempotency: IdempotencyConfig,
    conflict_matcher: Option<ConflictMatcher>,
    cache_capacity: usize,
    request_id_headers: Vec<HeaderName>,
    trace_context: bool,
    proxy: ProxySetting,
    max_response_bytes: usize,
    #[cfg(feature = "rustls")]
    extra_roots: Vec<rustls::pki_types::CertificateDer<'static>>,
    pool_idle_per_host: Option<usize>,
}

impl ClientBuilder {
    fn new(primary: impl Into<String>) -> Self {
        Self {
            primary: primary.into(),
            fallback: None,
            headers: HeaderMap::from_iter([(
                USER_AGENT,
                HeaderValue::from_static(USER_AGENT_VALUE),
            )]),
            credentials: HeaderMap::new(),
            schemes: Schemes::default(),
            oauth: Vec::new(),
            problem: None,
            timeout: Duration::from_secs(10),
            deadline: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            budget: Some(RetryBudgetConfig::default()),
            breaker: BreakerConfig::default(),
            breaker_scope: BreakerScope::default(),
            rate_limit: None,
            idempotency: IdempotencyConfig::default(),
            conflict_matcher: None,
            cache_capacity: 256,
            request_id_headers: ["x-request-id", "request-id", "x-correlation-id"]
                .into_iter()
                .map(HeaderName::from_static)
                .collect(),
            trace_context: false,
            proxy: ProxySetting::FromEnv,
            max_response_bytes: 64 * 1024 * 1024,
            #[cfg(feature = "rustls")]
            extra_roots: Vec::new(),
            pool_idle_per_host: None,
        }
    }

    fn problem(&mut self, message: String) {
        self.problem.get_or_insert(message);
    }

    /// Replaces the primary base URL given to [`Client::builder`]: a
    /// generated client starts from the spec's `servers[0]`, and this points
    /// it at staging or localhost. The fallback is kept; see
    /// [`without_fallback`](Self::without_fallback).
    ///
    /// ```
    /// let client = threeam_runtime::Client::builder("https://api.example.com")
    ///     .base_url("http://127.0.0.1:8080")
    ///     .without_fallback()
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(client.endpoint_status().len(), 1);
    /// assert_eq!(client.endpoint_status()[0].base_url, "http://127.0.0.1:8080");
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.primary = url.into();
        self
    }

    /// The fallback base URL (`servers[1]`), tried when the primary fails or
    /// its breaker is open. It has its own breakers and limiter.
    pub fn fallback(mut self, url: impl Into<String>) -> Self {
        self.fallback = Some(url.into());
        self
    }

    /// No fallback: every attempt goes to the primary (pointing a client at
    /// a local server should not send its calls to production's fallback).
    pub fn without_fallback(mut self) -> Self {
        self.fallback = None;
        self
    }

    fn header_inner(mut self, name: &str, value: &str, sensitive: bool) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(mut v)) => {
                // Marked sensitive so that no Debug output shows it, and so
                // HTTP/2 never puts it in a compression table.
                v.set_sensitive(sensitive);
                if sensitive {
                    self.headers.remove(&n);
                    self.credentials.insert(n, v);
                } else {
                    self.credentials.remove(&n);
                    self.headers.insert(n, v);
                }
            }
            (Err(_), _) => self.problem(format!("{name:?} is not a valid header name")),
            (_, Err(_)) => self.problem(format!(
                "the value of header {name} is not valid header text"
            )),
        }
        self
    }

    /// A header sent on every request.
    pub fn default_header(self, name: &str, value: &str) -> Self {
        self.header_inner(name, value, false)
    }

    /// A credential header sent on every request (an API key, say); never
    /// logged, never shown by `Debug`.
    pub fn secret_header(self, name: &str, value: &str) -> Self {
        self.header_inner(name, value, true)
    }

    /// `Authorization: Bearer <token>`; never logged.
    pub fn bearer_auth(self, token: &str) -> Self {
        self.header_inner(AUTHORIZATION.as_str(), &format!("Bearer {token}"), true)
    }

    fn scheme(mut self, scheme: &str, credential: Result<Credential, String>) -> Self {
        match credential {
            Ok(c) => self.schemes.add(scheme, c),
            Err(e) => self.problem(format!("security scheme {scheme:?}: {e}")),
        }
        self
    }

    /// Credentials for an `http` `bearer` security scheme named `scheme`
    /// in the spec: `Authorization: Bearer <token>`, sent to operations
    /// whose security requirement names it; never logged.
    ///
    /// ```
    /// let client = threeam_runtime::Client::builder("http://127.0.0.1:8080")
    ///     .http_bearer("bearerAuth", "sk_test_123")
    ///     .build();
    /// ```
    pub fn http_bearer(self, scheme: &str, token: &str) -> Self {
        let credential = auth::bearer(token).map(|v| Credential::Header(AUTHORIZATION, v));
        self.scheme(scheme, credential)
    }

    /// Credentials for an `http` `basic` security scheme:
    /// `Authorization: Basic base64(username:password)`; never logged.
    pub fn http_basic(self, scheme: &str, username: &str, password: &str) -> Self {
        let credential =
            auth::basic(username, password).map(|v| Credential::Header(AUTHORIZATION, v));
        self.scheme(scheme, credential)
    }

    /// Credentials for an `apiKey` security scheme: the key `value` under
    /// `name` in a header, the query or a cookie, as the scheme's `in` and
    /// `name` say. Never logged; a query key is added only to the request
    /// that is sent, never to a URL the runtime shows.
    ///
    /// ```
    /// use threeam_runtime::{auth::ApiKeyIn, Client};
    ///
    /// let client = Client::builder("http://127.0.0.1:8080")
    ///     .api_key("apiKey", ApiKeyIn::Header, "X-Api-Key", "key_123")
    ///     .api_key("appId", ApiKeyIn::Query, "appid", "app_9")
    ///     .build();
    /// ```
    pub fn api_key(self, scheme: &str, location: ApiKeyIn, name: &str, value: &str) -> Self {
        let credential = auth::api_key(location, name, value);
        self.scheme(scheme, credential)
    }

    /// Credentials for an `openIdConnect` security scheme: an ID or access
    /// token the application obtained, sent as a bearer token.
    pub fn open_id_connect(self, scheme: &str, token: &str) -> Self {
        self.http_bearer(scheme, token)
    }

    /// Credentials for an `oauth2` security scheme's client-credentials
    /// flow: a token is fetched from the token URL through this client's
    /// own transport (its timeouts, retries and proxy), cached until
    /// shortly before it expires, fetched again once when the API answers
    /// 401, and never logged.
    ///
    /// ```
    /// use threeam_runtime::{auth::OAuth2ClientCredentials, Client};
    ///
    /// let client = Client::builder("http://127.0.0.1:8080")
    ///     .oauth2_client_credentials(
    ///         "oauth",
    ///         OAuth2ClientCredentials::new("http://127.0.0.1:8081/token", "id", "secret"),
    ///     )
    ///     .build();
    /// ```
    pub fn oauth2_client_credentials(
        mut self,
        scheme: &str,
        settings: OAuth2ClientCredentials,
    ) -> Self {
        self.oauth.retain(|(name, _)| name != scheme);
        self.oauth.push((scheme.to_owned(), settings));
        self
    }

    /// The security requirement of requests that carry none (the spec's
    /// top-level `security`); see [`Request::security`](crate::Request::security).
    /// Without it, a request with no requirement of its own sends every
    /// configured scheme.
    pub fn default_security(mut self, requirement: Security) -> Self {
        self.schemes.default = Some(requirement);
        self
    }

    /// Names the builder method that supplies `scheme`, for the error of a
    /// call that needs it when it is not configured (generated clients name
    /// their own methods, e.g. `bearer_auth`).
    pub fn scheme_hint(mut self, scheme: &str, builder_method: &str) -> Self {
        self.schemes.hint(scheme, builder_method);
        self
    }

    /// Per-attempt timeout (default 10 s): a hung server costs at most this
    /// per attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Total deadline of a call, retries and waits included (default 30 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// The whole retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Attempts per call, first included (default 3; 1 disables retries).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// Backoff between retries (default 100 ms doubling to 5 s, full jitter).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.retry.backoff = backoff;
        self
    }

    /// The longest `Retry-After` to wait for (default 30 s).
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.retry.max_retry_after = max;
        self
    }

    /// The client-wide retry budget; `None` disables it (not recommended:
    /// then nothing stops a retry storm but `max_attempts`).
    pub fn retry_budget(mut self, budget: Option<RetryBudgetConfig>) -> Self {
        self.budget = budget;
        self
    }

    /// Circuit breaker settings, used for each circuit separately (see
    /// [`breaker_scope`](Self::breaker_scope));
    /// [`BreakerConfig::disabled()`] turns breakers off.
    pub fn breaker(mut self, breaker: BreakerConfig) -> Self {
        self.breaker = breaker;
        self
    }

    /// What one breaker guards (default [`BreakerScope::Operation`]: one
    /// per endpoint and operation, so a broken route does not stop the
    /// others; [`BreakerScope::Endpoint`]: one per endpoint).
    ///
    /// ```
    /// use threeam_runtime::{BreakerScope, Client};
    ///
    /// let client = Client::builder("http://127.0.0.1:8080")
    ///     .breaker_scope(BreakerScope::Endpoint)
    ///     .build();
    /// ```
    pub fn breaker_scope(mut self, scope: BreakerScope) -> Self {
        self.breaker_scope = scope;
        self
    }

    /// A local rate limit per endpoint (default none; a server's 429,
    /// `Retry-After` and remaining-budget headers are honoured regardless).
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// The idempotency key header (default `Idempotency-Key`).
    pub fn idempotency_header(mut self, name: &str) -> Self {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(n) => self.idempotency.header = n,
            Err(_) => self.problem(format!("{name:?} is not a valid header name")),
        }
        self
    }

    /// Bare keys (default) or IETF structured strings (`"..."`).
    pub fn idempotency_key_format(mut self, format: KeyFormat) -> Self {
        self.idempotency.format = format;
        self
    }

    /// Also treats a keyed 409 or 422 as an idempotency conflict when
    /// `matcher` says so, for servers whose answers the built-in reading
    /// does not recognise (it looks for "idempot" in the problem `type` or
    /// `code`, and the IETF draft's titles; see
    /// [`conflict_verdict`](crate::idempotency::conflict_verdict)). Any other
    /// 409 or 422 is an ordinary error: not retried, its body kept for
    /// typed decoding.
    ///
    /// ```
    /// let client = threeam_runtime::Client::builder("http://127.0.0.1:8080")
    ///     .idempotency_conflict_when(|_status, headers, _body| {
    ///         headers.contains_key("x-idempotency-conflict")
    ///     })
    ///     .build();
    /// ```
    pub fn idempotency_conflict_when(
        mut self,
        matcher: impl Fn(http::StatusCode, &HeaderMap, &[u8]) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.conflict_matcher = Some(Arc::new(matcher));
        self
    }

    /// How many GET responses are kept for [`Degrade::LastGood`](crate::Degrade::LastGood)
    /// (default 256; only requests that ask for it are stored).
    pub fn degraded_cache_capacity(mut self, entries: usize) -> Self {
        self.cache_capacity = entries;
        self
    }

    /// Adds a response header to read the server's request id from, before
    /// the defaults (`X-Request-Id`, `Request-Id`, `X-Correlation-Id`).
    pub fn request_id_header(mut self, name: &str) -> Self {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(n) => self.request_id_headers.insert(0, n),
            Err(_) => self.problem(format!("{name:?} is not a valid header name")),
        }
        self
    }

    /// Whether to send a W3C `traceparent` with a fresh trace id per call,
    /// recorded as `trace_id` on the call's span, so the server's logs for a
    /// call can be found from the client's (default off: an application
    /// that runs OpenTelemetry propagates its own context instead, by
    /// setting `traceparent` on the request, which is always kept).
    pub fn trace_context(mut self, on: bool) -> Self {
        self.trace_context = on;
        self
    }

    /// Idle connections kept per host (unbounded when unset; idle ones are
    /// closed after 90 s either way).
    pub fn pool_max_idle_per_host(mut self, n: usize) -> Self {
        self.pool_idle_per_host = Some(n);
        self
    }

    /// Sends every request through this HTTP proxy (`http://host:port`,
    /// optionally `http://user:password@host:port`), instead of what the
    /// environment says. `https://` requests are tunnelled (`CONNECT`), so
    /// the proxy sees the host but never the request. The password is sent
    /// to the proxy only, and never logged.
    ///
    /// By default the runtime follows `HTTP_PROXY`, `HTTPS_PROXY`,
    /// `ALL_PROXY` and `NO_PROXY`, as curl does.
    ///
    /// ```
    /// let client = threeam_runtime::Client::builder("https://api.example.com")
    ///     .proxy("http://proxy.internal:3128")
    ///     .no_proxy("localhost,.internal");
    /// ```
    pub fn proxy(mut self, url: &str) -> Self {
        self.proxy = ProxySetting::To {
            url: url.trim().to_owned(),
            no_proxy: String::new(),
        };
        self
    }

    /// Hosts that bypass the proxy set with [`proxy`](Self::proxy), as
    /// `NO_PROXY` writes them: comma-separated names (`.example.com` or
    /// `example.com` covers its subdomains), IP addresses, CIDR blocks, or
    /// `*` for all.
    pub fn no_proxy(mut self, hosts: &str) -> Self {
        match &mut self.proxy {
            ProxySetting::To { no_proxy, .. } => *no_proxy = hosts.to_owned(),
            _ => self.problem("no_proxy applies to a proxy set with proxy(); call proxy() first (the environment's own NO_PROXY applies to its proxies)".into()),
        }
        self
    }

    /// Trusts the certificate authorities in `pem` (one or more
    /// `-----BEGIN CERTIFICATE-----` blocks) besides the public roots: a
    /// company CA, say, or a test server's. Needs the `rustls` feature.
    ///
    /// ```no_run
    /// let ca = std::fs::read("company-ca.pem").expect("the CA file");
    /// let client = threeam_runtime::Client::builder("https://api.internal")
    ///     .add_root_certificates_pem(&ca)
    ///     .build();
    /// ```
    #[cfg(feature = "rustls")]
    pub fn add_root_certificates_pem(mut self, pem: &[u8]) -> Self {
        use rustls::pki_types::pem::PemObject;
        use rustls::pki_types::CertificateDer;
        match CertificateDer::pem_slice_iter(pem).collect::<Result<Vec<_>, _>>() {
            Ok(certs) if !certs.is_empty() => self.extra_roots.extend(certs),
            Ok(_) => self.problem(
                "no certificate found in the PEM given to add_root_certificates_pem; expected -----BEGIN CERTIFICATE----- blocks".into(),
            ),
            Err(e) => self.problem(format!(
                "the PEM given to add_root_certificates_pem is not valid ({e})"
            )),
        }
        self
    }

    /// The longest response body read (default 64 MiB). A longer one ends
    /// the attempt with [`ErrorKind::ResponseTooLarge`](crate::ErrorKind)
    /// instead of filling memory; it is not retried (the same body would
    /// come again).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Connects directly, ignoring proxy environment variables.
    pub fn without_proxy(mut self) -> Self {
        self.proxy = ProxySetting::Off;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, BuildError> {
        let fail = |message: String| BuildError { message };
        if let Some(problem) = self.problem {
            return Err(fail(problem));
        }
        if self.timeout.is_zero() || self.deadline.is_zero() {
            return Err(fail("timeout and deadline must be longer than zero".into()));
        }
        if self.max_response_bytes == 0 {
            return Err(fail("max_response_bytes must be at least 1".into()));
        }
        let transport = Transport::new(
            self.max_response_bytes,
            self.pool_idle_per_host,
            self.proxy.rules().map_err(fail)?,
            #[cfg(feature = "rustls")]
            crate::transport::tls_config(&self.extra_roots).map_err(fail)?,
        );
        let now = Instant::now();
        let mut endpoints = Vec::new();
        for url in std::iter::once(&self.primary).chain(self.fallback.as_ref()) {
            endpoints.push(self.endpoint(url, &transport, now).map_err(fail)?);
        }
        let mut schemes = self.schemes.clone();
        for (scheme, settings) in &self.oauth {
            let token_url = auth::token_url_on(&settings.token_url, &self.primary);
            let (client, path) = self
                .token_client(&token_url, &transport, now)
                .map_err(|e| fail(format!("the tokenUrl of OAuth2 scheme {scheme:?}: {e}")))?;
            let source = auth::OAuth2::new(scheme, settings, client, path).map_err(fail)?;
            schemes.add(scheme, Credential::OAuth2(Arc::new(source)));
        }
        Ok(Client {
            shared: Arc::new(Shared {
                transport,
                default_headers: self.headers,
                credentials: self.credentials,
                schemes,
                endpoints,
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                budget: self.budget.map(RetryBudget::new),
                idempotency: self.idempotency,
                conflict_matcher: self.conflict_matcher,
                request_id_headers: self.request_id_headers,
                trace_context: self.trace_context,
                rng: FastRng::from_entropy(),
                cache: LastGoodCache::new(self.cache_capacity),
                deprecations: DeprecationLog::default(),
            }),
        })
    }
}

impl ClientBuilder {
    /// One endpoint with its breakers and limiter.
    fn endpoint(&self, url: &str, transport: &Transport, now: Instant) -> Result<Endpoint, String> {
        let (base, label, origin) = parse_base(url)?;
        let proxy_authorization = base
            .parse::<Uri>()
            .ok()
            .and_then(|uri| transport.proxy_authorization(&uri));
        Ok(Endpoint {
            base: Arc::from(base),
            origin,
            proxy_authorization,
            label: Arc::from(label),
            circuits: Circuits::new(self.breaker_scope, self.breaker.clone()),
            limiter: Mutex::new(RateLimiter::new(self.rate_limit, now)),
        })
    }

    /// A client of an OAuth2 token endpoint: the API client's transport,
    /// timeouts and retry policy, its own breaker and budget, no
    /// credentials. Returns it with the token path.
    fn token_client(
        &self,
        token_url: &str,
        transport: &Transport,
        now: Instant,
    ) -> Result<(Client, String), String> {
        let uri: Uri = token_url
            .trim()
            .parse()
            .map_err(|_| format!("{token_url:?} is not a valid absolute URL"))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(format!("{token_url:?} is not a valid absolute URL"));
        };
        if uri.query().is_some() {
            return Err(format!("{token_url:?} must not have a query"));
        }
        let endpoint = self.endpoint(&format!("{scheme}://{authority}"), transport, now)?;
        let client = Client {
            shared: Arc::new(Shared {
                transport: transport.clone(),
                default_headers: HeaderMap::from_iter([(
                    USER_AGENT,
                    HeaderValue::from_static(USER_AGENT_VALUE),
                )]),
                credentials: HeaderMap::new(),
                schemes: Schemes::default(),
                endpoints: vec![endpoint],
                timeout: self.timeout,
                deadline: self.deadline,
                retry: self.retry,
                budget: Some(RetryBudget::new(RetryBudgetConfig::default())),
                idempotency: IdempotencyConfig::default(),
                conflict_matcher: None,
                request_id_headers: self.request_id_headers.clone(),
                trace_context: false,
                rng: FastRng::from_entropy(),
                cache: LastGoodCache::new(0),
                deprecations: DeprecationLog::default(),
            }),
        };
        Ok((client, uri.path().to_owned()))
    }
}

/// Where connections go.
enum ProxySetting {
    /// `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`.
    FromEnv,
    /// Directly, always.
    Off,
    /// Through this proxy, except for `no_proxy` hosts.
    To { url: String, no_proxy: String },
}

impl ProxySetting {
    /// The rules the connector follows; an unusable proxy URL is an error
    /// that never repeats its password.
    fn rules(&self) -> Result<Option<Matcher>, String> {
        match self {
            ProxySetting::FromEnv => Ok(Some(Matcher::from_env())),
            ProxySetting::Off => Ok(None),
            ProxySetting::To { url, no_proxy } => {
                let uri: Uri = url.parse().map_err(|_| {
                    "the proxy URL is not a valid URL; write it as http://host:port".to_owned()
                })?;
                let shown = crate::proxy::without_credentials(&uri);
                if uri.scheme_str() != Some("http") || uri.host().is_none_or(str::is_empty) {
                    return Err(format!(
                        "proxy {shown} is not supported: write it as http://host:port (HTTPS and SOCKS proxies are not supported)"
                    ));
                }
                Ok(Some(
                    Matcher::builder()
                        .all(url.as_str())
                        .no(no_proxy.as_str())
                        .build(),
                ))
            }
        }
    }
}

/// Validates a base URL: absolute http(s), a host, no credentials, query
/// or fragment. Returns the base without a trailing slash, the
/// `host[:port]` label and the parsed origin.
pub(crate) fn parse_base(raw: &str) -> Result<(String, String, Origin), String> {
    let text = raw.trim();
    let invalid = |why: &str| format!("base URL {raw:?} is not a valid absolute URL ({why})");
    if !text.is_ascii() {
        return Err(invalid(
            "write an international host name in its ASCII form, xn--..., and percent-encode the path",
        ));
    }
    let uri: Uri = text
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
    let scheme = uri
        .scheme_str()
        .ok_or_else(|| invalid("it has no scheme; start it with http:// or https://"))?;
    match scheme {
        "http" => {}
        "https" if cfg!(feature = "rustls") => {}
        "https" => {
            return Err(format!(
                "base URL {raw:?} uses https, but threeam-runtime was built without TLS; enable its `rustls` feature"
            ))
        }
        other => return Err(format!("base URL {raw:?} has scheme {other:?}; use http or https")),
    }
    let authority = uri
        .authority()
        .ok_or_else(|| format!("base URL {raw:?} has no host"))?;
    if authority.host().is_empty() {
        return Err(format!("base URL {raw:?} has no host"));
    }
    if authority.as_str().contains('@') {
        return Err(format!(
            "base URL {raw:?} carries credentials; pass them with bearer_auth or secret_header, which are never logged"
        ));
    }
    if uri.query().is_some() || text.contains('#') {
        return Err(format!(
            "base URL {raw:?} must not have a query or fragment"
        ));
    }
    let origin = Origin::new(&uri).map_err(|why| invalid(&why))?;
    let base = format!("{scheme}://{authority}{}", origin.prefix);
    Ok((base, authority.as_str().to_owned(), origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked_not_panicked() {
        let (base, label, _) = parse_base("http://127.0.0.1:8080/").unwrap();
        assert_eq!(
            (base.as_str(), label.as_str()),
            ("http://127.0.0.1:8080", "127.0.0.1:8080")
        );
        let (base, label, origin) = parse_base(" http://api.example.com/base/ ").unwrap();
        assert_eq!(
            (base.as_str(), label.as_str()),
            ("http://api.example.com/base", "api.example.com")
        );
        assert_eq!(origin.prefix, "/base");
        for bad in [
            "",
            "not a url",
            "ftp://x",
            "http://x/?a=1",
            "/relative",
            "http://x/#f",
            "http://",
            "127.0.0.1:8080",
        ] {
            assert!(parse_base(bad).is_err(), "{bad:?}");
        }
        let err = parse_base("http://user:secret@x").unwrap_err();
        assert!(err.contains("bearer_auth"), "{err}");
        let err = parse_base("http://b\u{fc}cher.example").unwrap_err();
        assert!(err.contains("xn--"), "{err}");
        if !cfg!(feature = "rustls") {
            let err = parse_base("https://api.example.com").unwrap_err();
            assert!(err.contains("rustls"), "{err}");
        }
    }

    #[test]
    fn builder_reports_the_first_problem() {
        let err = Client::builder("http://127.0.0.1:1")
            .default_header("bad header", "x")
            .build()
            .unwrap_err();
        assert!(err
            .to_string()
            .contains("\"bad header\" is not a valid header name"));
        let err = Client::builder("http://127.0.0.1:1")
            .bearer_auth("line\nbreak")
            .build()
            .unwrap_err();
        assert!(!err.to_string().contains("line"), "{err}");
        let err = Client::builder("http://127.0.0.1:1")
            .fallback("nope")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("\"nope\""), "{err}");
        assert!(Client::builder("http://127.0.0.1:1")
            .timeout(Duration::ZERO)
            .build()
            .is_err());
    }

    #[test]
    fn client_is_send_sync_and_cheap_to_clone() {
        fn assert_send_sync<T: Send + Sync + Clone>() {}
        assert_send_sync::<Client>();
        assert_eq!(std::mem::size_of::<Client>(), std::mem::size_of::<usize>());
    }
}
