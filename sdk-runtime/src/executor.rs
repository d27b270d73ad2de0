//! The executor: one logical call, from request description to answer.
//!
//! Each concern lives in its own module with a small decision API; this file
//! only wires them, in the order [`Client::run`] shows in a dozen lines:
//! breaker and fallback pick the endpoint, the rate limiter paces, one
//! attempt runs under its timeout and is observed (breaker, limiter,
//! telemetry), then the retry policy, failover and the retry budget decide
//! what happens next. Idempotency is settled once per call before the loop,
//! and degraded answers after it.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_LENGTH};
use http::uri::PathAndQuery;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use tokio::time::Instant;
use tracing::{field, Instrument, Span};

use crate::auth::{self, OAuth2};
use crate::breaker::{Admission, Transition};
use crate::client::{lock, Client, Endpoint};
use crate::degraded::{self, Asked, StandIn};
use crate::error::{human, BreakerNote, Error, ErrorKind, Inner, StopReason};
use crate::fallback::{Degrade, Stored};
use crate::idempotency::{self, conflict_verdict, idempotent_method, KeyVerdict};
use crate::ratelimit;
use crate::request::Request;
use crate::response::{Response, Served};
use crate::retry::{Decision, Failure, RetryContext, RetryPolicy};
use crate::retry_after::RetryAfter;
use crate::streamed::Streamed;
use crate::telemetry::{self, names};
use crate::transport::{Exchange, TransportError};

/// A response that counts as success (1xx-3xx).
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    request_id: Option<String>,
    /// A streamed call's unread body (see [`Client::execute_stream`]).
    live: Option<hyper::body::Incoming>,
}

/// Which headers the per-response policies read are present (see
/// [`Client::scan`]).
#[derive(Clone, Copy, Default)]
struct Hints {
    rate_limit: bool,
    deprecation: bool,
}

/// A failed attempt: the policy's view and the details for the message.
struct Failed {
    failure: Failure,
    kind: ErrorKind,
    request_id: Option<String>,
}

/// What to do after a failed attempt.
enum Step {
    /// Try the next endpoint now.
    Failover,
    /// Try again after this delay.
    Wait(Duration),
    /// Give up.
    Stop(StopReason),
}

/// One logical call in progress.
struct Call {
    operation: Cow<'static, str>,
    method: Method,
    template: Cow<'static, str>,
    /// Path and query, checked once; each attempt joins it to its
    /// endpoint's base URL.
    target: PathAndQuery,
    headers: HeaderMap,
    body: Option<Bytes>,
    key: Option<String>,
    idempotent: bool,
    degrade: Option<Degrade>,
    timeout: Duration,
    deadline: Duration,
    deadline_at: Instant,
    max_attempts: u32,
    /// Attempts made, those that could not connect included: what
    /// `max_attempts` bounds.
    attempts: u32,
    /// Attempts that could not connect, so sent nothing.
    connect_failures: u32,
    /// The endpoint to try first: the primary, then after each failure the
    /// other endpoint.
    preferred: usize,
    /// Whether the call already switched endpoints at once, without a wait.
    failed_over: bool,
    /// The endpoint of the last attempt.
    last_endpoint: usize,
    /// The last failed attempt, reported if the call ends without a new one.
    last: Option<Box<Failed>>,
    breaker_note: Option<BreakerNote>,
    /// The trace id sent in `traceparent`, if the client generates one.
    trace: Option<(u64, u64)>,
    /// API keys for the query, added to the URI only when it is sent.
    auth_query: Option<String>,
    /// The OAuth2 token source whose token this call sends.
    oauth: Option<Arc<OAuth2>>,
    /// Whether the token was already fetched again after a 401.
    reauthorized: bool,
    /// Whether a success's body is left unread for the caller to stream.
    stream: bool,
    /// The unread body of a streamed success, once it arrived.
    live: Option<hyper::body::Incoming>,
}

impl Client {
    /// Runs one logical call: idempotency key, attempts with retries,
    /// failover and degraded answers, all per the client's settings.
    ///
    /// Returns `Ok` for 1xx-3xx responses and degraded answers; any other
    /// final status is an [`Error`] carrying status, headers, body and
    /// request id (see [`Error::decode_body`]).
    ///
    /// This is what generated methods call:
    ///
    /// ```no_run
    /// use threeam_runtime::{Client, Error, Request};
    ///
    /// #[derive(serde::Serialize)]
    /// struct NewPayment { amount: u64, currency: String }
    /// #[derive(serde::Deserialize)]
    /// struct Payment { id: String }
    ///
    /// async fn create_payment(client: &Client, body: &NewPayment) -> Result<Payment, Error> {
    ///     client
    ///         .execute(Request::post("create_payment", "/v1/payments").json(body))
    ///         .await?
    ///         .json()
    /// }
    /// ```
    pub fn execute(
        &self,
        request: Request,
    ) -> impl std::future::Future<Output = Result<Response, Error>> + Send + '_ {
        // Not an `async fn`: preparing is synchronous, and doing it before
        // the future is built keeps the `Request` out of the future's state,
        // which every caller stores and moves (a smaller future is cheaper).
        let started = Instant::now();
        // Boxed so that the future holds a pointer, not the whole call.
        let prepared = self.prepare(request, started).map(Box::new);
        async move {
            let mut call = prepared?;
            self.call(&mut call, started).await
        }
    }

    /// Runs one logical call like [`execute`](Self::execute), but hands a
    /// success's body over unread, as a stream of chunks: for server-sent
    /// events and large downloads.
    ///
    /// Retries, failover, the breaker and the rate limiter work as for
    /// `execute` until the head of a 2xx response has arrived; from then on
    /// nothing is retried (the caller may already hold part of the body),
    /// and a body that breaks off ends the stream with an error of kind
    /// [`ErrorKind::BodyBroken`]. Timeouts: the per-attempt timeout bounds
    /// the wait for the head and then each wait for the next chunk (an
    /// idle timeout); the call's deadline ends when the head arrives, so a
    /// long stream is never cut while data flows. `max_response_bytes`
    /// bounds buffered reads only (error bodies here); the stream has no
    /// total limit: the reader decides how much to take.
    ///
    /// ```no_run
    /// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
    /// use threeam_runtime::futures_util::StreamExt;
    /// use threeam_runtime::Request;
    ///
    /// let streamed = client.execute_stream(Request::get("download", "/v1/files/f1")).await?;
    /// let (response, mut body) = streamed.into_parts();
    /// println!("{} from {}", response.status(), response.url());
    /// let mut total = 0;
    /// while let Some(chunk) = body.next().await {
    ///     total += chunk?.len();
    /// }
    /// # let _ = total;
    /// # Ok(()) }
    /// ```
    pub fn execute_stream(
        &self,
        request: Request,
    ) -> impl std::future::Future<Output = Result<Streamed, Error>> + Send + '_ {
        let started = Instant::now();
        let prepared = self.prepare(request, started).map(|mut call| {
            call.stream = true;
            Box::new(call)
        });
        async move {
            let mut call = prepared?;
            let response = self.call(&mut call, started).await?;
            let live = call.live.take();
            Ok(Streamed::new(response, live, call.timeout))
        }
    }

    /// One prepared call inside its span: the attempt loop, then a degraded
    /// answer if everything failed, then the call's telemetry.
    async fn call(&self, call: &mut Call, started: Instant) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "http.client.call",
            operation = %call.operation,
            http.request.method = %call.method,
            url.template = %call.template,
            idempotency_key = call.key.as_deref(),
            attempts = field::Empty,
            http.response.status_code = field::Empty,
            request_id = field::Empty,
            outcome = field::Empty,
            trace_id = field::Empty,
        );
        if let (Some((hi, lo)), false) = (call.trace, span.is_disabled()) {
            span.record("trace_id", format!("{hi:016x}{lo:016x}"));
        }
        let result = self.run(call, started).instrument(span.clone()).await;
        let result = match result {
            Err(error) => self.degrade(call, error),
            ok => ok,
        };
        finish_call(&span, call, &result, started);
        result
    }

    /// The attempt loop. Every line is one concern; see the module docs.
    async fn run(&self, call: &mut Call, started: Instant) -> Result<Response, Error> {
        if call.oauth.is_some() {
            // Boxed: only calls with OAuth2 carry the token future's state.
            Box::pin(self.authorize(call, None)).await?;
        }
        let mut now = started; // the clock is read once per pass, then passed on
        loop {
            let endpoint = self.choose_endpoint(call, now)?; // breaker + fallback
            now = self.pace(call, endpoint, now).await?; // client-side rate limit
            let timeout = call.attempt_timeout(self, now)?; // per attempt, within the deadline
            let uri = call.uri(self, endpoint)?; // the endpoint's URL of the target
            let failed = match self.attempt(call, endpoint, uri, timeout, now).await {
                Ok(answer) => return Ok(self.answer(call, endpoint, answer)),
                Err(failed) => failed,
            };
            if self.token_rejected(call, &failed) {
                // A 401 to an OAuth2 token: fetch a new one and resend,
                // once per call, at once (a new credential is not a retry).
                call.reauthorized = true;
                let rejected = call.headers.get(AUTHORIZATION).cloned();
                Box::pin(self.authorize(call, rejected.as_ref())).await?;
                call.last = Some(Box::new(failed));
                now = Instant::now();
                continue;
            }
            match self.next_step(call, endpoint, &failed) {
                Step::Failover => {}
                Step::Wait(delay) => tokio::time::sleep(delay).await,
                Step::Stop(reason) => return Err(call.fail(self, failed, reason)),
            }
            call.last = Some(Box::new(failed));
            now = Instant::now();
        }
    }

    /// Settles everything fixed for the whole call: target, headers,
    /// idempotency key, limits. Also credits the retry budget.
    fn prepare(&self, request: Request, started: Instant) -> Result<Call, Error> {
        let shared = &*self.shared;
        let target = request.target();
        let Request {
            operation,
            method,
            template,
            mut headers,
            body,
            key,
            idempotent,
            timeout,
            deadline,
            max_attempts,
            degrade,
            security,
            ..
        } = request;
        let unsent = |kind: ErrorKind| {
            Error::from_inner(Inner {
                kind,
                stop: StopReason::Completed,
                operation: operation.clone(),
                method: method.clone(),
                url: format!("{}{}", shared.endpoints[0].base, template),
                attempts: 0,
                connect_failures: 0,
                request_id: None,
                idempotency_key: None,
                breaker: None,
            })
        };
        let invalid = |detail: String| unsent(ErrorKind::InvalidRequest { detail });
        let target = target.map_err(invalid)?;
        let target = PathAndQuery::from_maybe_shared(Bytes::from(target))
            .map_err(|e| invalid(format!("the request target is not valid ({e})")))?;

        let key = idempotency::settle(&shared.idempotency, key, &method, &mut headers)
            .map_err(invalid)?;
        // RFC 9110 §8.6: a method that defines a body gets a length even
        // when empty; hyper sends none, and some servers answer 411.
        if body.is_none()
            && matches!(method, Method::POST | Method::PUT | Method::PATCH)
            && !headers.contains_key(CONTENT_LENGTH)
        {
            headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
        }
        for (name, value) in &shared.default_headers {
            if !headers.contains_key(name) {
                headers.insert(name.clone(), value.clone());
            }
        }
        let blanket = &shared.credentials;
        let (auth_query, oauth) = auth::apply(&shared.schemes, blanket, security, &mut headers)
            .map_err(|missing| {
                unsent(ErrorKind::Credentials {
                    detail: missing.fix(),
                    scheme: missing.scheme,
                })
            })?;
        let mut trace = None;
        if shared.trace_context && !headers.contains_key(TRACEPARENT) {
            let (hi, lo, span) = (
                shared.rng.next_u64(),
                shared.rng.next_u64(),
                shared.rng.next_u64(),
            );
            headers.insert(TRACEPARENT, traceparent(hi, lo, span));
            trace = Some((hi, lo.max(1)));
        }
        if let Some(budget) = &shared.budget {
            budget.deposit();
        }
        let deadline = deadline.unwrap_or(shared.deadline);
        Ok(Call {
            idempotent: idempotent.unwrap_or_else(|| idempotent_method(&method)),
            operation,
            method,
            template,
            target,
            headers,
            body,
            key,
            degrade,
            timeout: timeout.unwrap_or(shared.timeout),
            deadline,
            deadline_at: started + deadline,
            max_attempts: max_attempts.unwrap_or(shared.retry.max_attempts).max(1),
            trace,
            attempts: 0,
            connect_failures: 0,
            auth_query,
            oauth,
            reauthorized: false,
            stream: false,
            live: None,
            preferred: 0,
            failed_over: false,
            last_endpoint: 0,
            last: None,
            breaker_note: None,
        })
    }

    /// Puts the OAuth2 token in the call's headers: the cached one, or a
    /// new one when `rejected` (the value the API answered 401 to) is it.
    async fn authorize(
        &self,
        call: &mut Call,
        rejected: Option<&HeaderValue>,
    ) -> Result<(), Error> {
        let Some(oauth) = call.oauth.clone() else {
            return Ok(());
        };
        match oauth.authorization(rejected).await {
            Ok(value) => {
                call.headers.insert(AUTHORIZATION, value);
                Ok(())
            }
            Err(detail) => Err(call.fail(
                self,
                Failed {
                    failure: Failure::Connect,
                    kind: ErrorKind::Credentials {
                        scheme: oauth.scheme().to_owned(),
                        detail,
                    },
                    request_id: None,
                },
                StopReason::Completed,
            )),
        }
    }

    /// Breaker and fallback: the first endpoint, from the preferred one on,
    /// whose breaker lets a request through. None: fail fast, send nothing.
    fn choose_endpoint(&self, call: &mut Call, now: Instant) -> Result<usize, Error> {
        let endpoints = &self.shared.endpoints;
        let mut refused: Option<(usize, Option<Duration>)> = None;
        for offset in 0..endpoints.len() {
            let index = (call.preferred + offset) % endpoints.len();
            let endpoint = &endpoints[index];
            let (admission, transition) = endpoint.circuits.with(&call.operation, |b| b.admit(now));
            if let Some(t) = transition {
                breaker_transition(endpoint, call.operation.clone(), t);
            }
            match admission {
                Admission::Allowed | Admission::Probe => return Ok(index),
                Admission::Rejected { retry_in } => {
                    refused.get_or_insert((index, retry_in));
                }
            }
        }
        let (index, retry_in) = refused.unwrap_or((0, None));
        let endpoint = &endpoints[index];
        if call.last.is_some() && call.breaker_note.is_none() {
            // Another call opened the breaker while this one was waiting.
            let open_for = retry_in.unwrap_or(endpoint.circuits.config().recovery_timeout);
            call.breaker_note = Some(BreakerNote {
                endpoint: endpoint.circuit_name(&call.operation),
                open_for,
            });
        }
        call.last_endpoint = index;
        Err(call.stop_without_attempt(
            self,
            ErrorKind::BreakerOpen {
                endpoint: endpoint.circuit_name(&call.operation),
                retry_in,
            },
            StopReason::NoEndpointAvailable,
        ))
    }

    /// Client-side rate limit: wait for a send slot, unless the wait would
    /// outlast the deadline or the longest wait this client accepts.
    /// Returns the time after any wait.
    async fn pace(&self, call: &mut Call, index: usize, now: Instant) -> Result<Instant, Error> {
        let endpoint = &self.shared.endpoints[index];
        let wait = lock(&endpoint.limiter).reserve(now);
        if wait.is_zero() {
            return Ok(now);
        }
        let remaining = call.deadline_at.saturating_duration_since(now);
        if wait >= remaining || wait > self.shared.retry.max_retry_after {
            lock(&endpoint.limiter).cancel();
            call.last_endpoint = index;
            return Err(call.stop_without_attempt(
                self,
                ErrorKind::RateLimited {
                    endpoint: endpoint.label.to_string(),
                    retry_in: wait,
                },
                StopReason::NoEndpointAvailable,
            ));
        }
        tracing::debug!(wait = %human(wait), endpoint = %endpoint.label, "waiting for the rate limit");
        tokio::time::sleep(wait).await;
        Ok(Instant::now())
    }

    /// One HTTP exchange under `timeout`, then observed by the breaker, the
    /// rate limiter and telemetry.
    async fn attempt(
        &self,
        call: &mut Call,
        index: usize,
        uri: http::Uri,
        timeout: Duration,
        started: Instant,
    ) -> Result<Answer, Failed> {
        let shared = &*self.shared;
        let endpoint = &shared.endpoints[index];
        call.attempts += 1;
        call.last_endpoint = index;
        let span = tracing::info_span!(
            "http.client.attempt",
            http.request.resend_count = call.attempts - 1,
            server.address = %endpoint.label,
            http.response.status_code = field::Empty,
            request_id = field::Empty,
            outcome = field::Empty,
        );
        let mut headers = call.headers.clone();
        if let Some(credentials) = &endpoint.proxy_authorization {
            headers.insert(http::header::PROXY_AUTHORIZATION, credentials.clone());
        }
        let exchange = shared.transport.send(
            call.method.clone(),
            uri,
            headers,
            call.body.clone(),
            call.stream,
        );
        // Boxed: hyper's response and body futures are most of an
        // attempt's state. Kept inline they would make every caller's
        // future larger, and futures are moved (copied) as they are built,
        // wrapped and spawned; one heap copy here is cheaper.
        // `timeout_at` from the time already read: `timeout` would read the
        // clock again.
        let result = Box::pin(tokio::time::timeout_at(started + timeout, exchange))
            .instrument(span.clone())
            .await;
        let ended = Instant::now();
        let elapsed = ended.saturating_duration_since(started);
        let mut hints = Hints::default();

        let outcome = match result {
            Err(_) => Err(Failed {
                failure: Failure::Timeout,
                kind: ErrorKind::Timeout { after: timeout },
                request_id: None,
            }),
            Ok(Err(error)) => {
                let failed = self.classify_transport(error);
                if failed.failure == Failure::Connect {
                    call.connect_failures += 1;
                }
                Err(failed)
            }
            Ok(Ok(Exchange {
                status,
                headers,
                body,
                live,
            })) => {
                let (request_id, found) = self.scan(&headers);
                hints = found;
                if status.is_success() || status.is_informational() || status.is_redirection() {
                    Ok(Answer {
                        status,
                        headers,
                        body,
                        request_id,
                        live,
                    })
                } else {
                    let failure = self.status_failure(call, status, &headers, &body);
                    Err(Failed {
                        failure,
                        kind: ErrorKind::Status {
                            status,
                            headers,
                            body,
                        },
                        request_id,
                    })
                }
            }
        };
        self.observe(call, index, &outcome, hints, (ended, elapsed), &span);
        outcome
    }

    /// Feeds one attempt's outcome to the breaker, the limiter, metrics and
    /// the deprecation log. `timing`: when the attempt ended, and how long
    /// it took.
    fn observe(
        &self,
        call: &mut Call,
        index: usize,
        outcome: &Result<Answer, Failed>,
        hints: Hints,
        timing: (Instant, Duration),
        span: &Span,
    ) {
        let (now, elapsed) = timing;
        let endpoint = &self.shared.endpoints[index];
        let (status, headers, request_id, error_type) = match outcome {
            Ok(a) => (
                Some(a.status),
                Some(&a.headers),
                a.request_id.as_deref(),
                None,
            ),
            Err(f) => match &f.kind {
                ErrorKind::Status {
                    status, headers, ..
                } => (Some(*status), Some(headers), f.request_id.as_deref(), None),
                ErrorKind::ResponseTooLarge { status, .. } => (
                    Some(*status),
                    None,
                    f.request_id.as_deref(),
                    Some("response_too_large"),
                ),
                ErrorKind::Timeout { .. } => (None, None, None, Some("timeout")),
                ErrorKind::Connect { .. } => (None, None, None, Some("connect")),
                _ => (None, None, None, Some("transport")),
            },
        };
        // A 5xx (except 501, which is about the request) or a transport
        // failure says the endpoint is unhealthy; a 4xx says nothing about it.
        let healthy =
            status.is_some_and(|s| !s.is_server_error() || s == StatusCode::NOT_IMPLEMENTED);
        let transition = endpoint
            .circuits
            .with(&call.operation, |b| b.record(now, healthy));
        if let Some(t) = transition {
            breaker_transition(endpoint, call.operation.clone(), t);
            if let Transition::Opened { for_ } = t {
                call.breaker_note = Some(BreakerNote {
                    endpoint: endpoint.circuit_name(&call.operation),
                    open_for: for_,
                });
            }
        }
        if let (Some(status), Some(headers)) = (status, headers) {
            // Only when the scan saw a header they read: most responses
            // carry none, and each lookup would hash a name.
            if hints.rate_limit || status == StatusCode::TOO_MANY_REQUESTS {
                if let Some(block) =
                    lock(&endpoint.limiter).observe(now, SystemTime::now(), status, headers)
                {
                    tracing::info!(endpoint = %endpoint.label, wait = %human(block), "the server asked this client to slow down");
                }
            }
            if hints.deprecation {
                self.shared.deprecations.check(
                    &call.operation,
                    &call.method,
                    &call.template,
                    headers,
                );
            }
        }
        telemetry::record_attempt(
            &call.method,
            &endpoint.label,
            &call.template,
            status.map(|s| s.as_u16()),
            error_type,
            elapsed,
        );
        if let Some(s) = status {
            span.record("http.response.status_code", s.as_u16());
        }
        if let Some(id) = request_id {
            span.record("request_id", id);
        }
        let label = match outcome {
            Ok(_) => "ok",
            Err(f) => failure_label(&f.failure),
        };
        span.record("outcome", label);
        if let Err(f) = outcome {
            tracing::debug!(parent: span, attempt = call.attempts, "attempt failed: {}", f.kind);
        }
    }

    /// Whether the API refused this call's OAuth2 token for the first time.
    fn token_rejected(&self, call: &Call, failed: &Failed) -> bool {
        call.oauth.is_some()
            && !call.reauthorized
            && matches!(failed.failure, Failure::Status(StatusCode::UNAUTHORIZED, _))
    }

    /// Retry policy, failover and retry budget, in that order.
    fn next_step(&self, call: &mut Call, index: usize, failed: &Failed) -> Step {
        let shared = &*self.shared;
        let policy = RetryPolicy {
            max_attempts: call.max_attempts,
            ..shared.retry
        };
        let now = Instant::now();
        let cx = RetryContext {
            attempts: call.attempts,
            idempotent: call.idempotent,
            keyed: call.key.is_some(),
            remaining: call.deadline_at.saturating_duration_since(now),
            deadline: call.deadline,
            wall_now: SystemTime::now(),
            jitter: shared.rng.unit(),
        };
        if let Err(stop) = policy.permits(failed.failure, &cx) {
            return Step::Stop(stop);
        }
        // The next attempt goes to the other endpoint, so a call that failed
        // over returns to the primary when the fallback fails too; an
        // endpoint whose breaker refuses is skipped (`choose_endpoint`).
        // The first switch is not a retry of the failing server, so it
        // neither waits nor spends the budget; it happens once per call, and
        // only to an endpoint whose breaker would let it through now.
        let other = (index + 1) % shared.endpoints.len();
        if other != index {
            call.preferred = other;
            let target = &shared.endpoints[other];
            let admits = || {
                target
                    .circuits
                    .with(&call.operation, |b| b.would_admit(now))
            };
            if !call.failed_over && admits() {
                call.failed_over = true;
                metrics::counter!(names::FAILOVERS, "threeam.operation" => call.operation.clone())
                    .increment(1);
                tracing::info!(
                    from = %shared.endpoints[index].label,
                    to = %target.label,
                    "failing over: {}", failed.kind
                );
                return Step::Failover;
            }
        }
        match policy.decide(failed.failure, &cx) {
            Decision::Stop(stop) => Step::Stop(stop),
            Decision::Retry { delay, from_server } => {
                if let Some(budget) = &shared.budget {
                    if !budget.try_withdraw() {
                        metrics::counter!(names::BUDGET_EXHAUSTED, "threeam.operation" => call.operation.clone()).increment(1);
                        return Step::Stop(StopReason::BudgetExhausted);
                    }
                }
                metrics::counter!(
                    names::RETRIES,
                    "threeam.operation" => call.operation.clone(),
                    "reason" => failure_label(&failed.failure),
                )
                .increment(1);
                tracing::info!(
                    attempt = call.attempts,
                    delay = %human(delay),
                    retry_after = from_server,
                    "retrying: {}", failed.kind
                );
                Step::Wait(delay)
            }
        }
    }

    /// Turns a successful exchange into the caller's response, remembering
    /// it for degraded answers if the request asked for that.
    fn answer(&self, call: &mut Call, index: usize, answer: Answer) -> Response {
        let endpoint = &self.shared.endpoints[index];
        call.live = answer.live;
        if call.method == Method::GET
            && call.degrade.as_ref().is_some_and(Degrade::wants_cache)
            && answer.status.is_success()
            && call.live.is_none()
        {
            self.shared.cache.put(
                call.target.as_str(),
                Stored {
                    status: answer.status,
                    headers: answer.headers.clone(),
                    body: answer.body.clone(),
                    at: Instant::now(),
                },
            );
        }
        let served = if index == 0 {
            Served::Fresh
        } else {
            Served::Fallback {
                endpoint: endpoint.label.to_string(),
            }
        };
        Response {
            status: answer.status,
            headers: answer.headers,
            body: answer.body,
            served,
            attempts: call.sent(),
            connect_failures: call.connect_failures,
            request_id: answer.request_id,
            idempotency_key: call.key.take(),
            operation: call.operation.clone(),
            method: call.method.clone(),
            base: Arc::clone(&endpoint.base),
            target: call.target.clone(),
        }
    }

    /// After every endpoint failed: the caller's degraded answer, if one was
    /// registered and the failure is the server's, not the request's.
    fn degrade(&self, call: &Call, error: Error) -> Result<Response, Error> {
        let asked = Asked {
            operation: &call.operation,
            method: &call.method,
            target: call.target.as_str(),
        };
        let StandIn {
            status,
            headers,
            body,
            degraded,
        } = degraded::stand_in(call.degrade.as_ref(), &self.shared.cache, asked, error)?;
        let cause = &degraded.cause;
        Ok(Response {
            status,
            headers,
            body,
            attempts: cause.attempts(),
            connect_failures: cause.connect_failures(),
            request_id: cause.request_id().map(str::to_owned),
            served: Served::Degraded(degraded),
            idempotency_key: call.key.clone(),
            operation: call.operation.clone(),
            method: call.method.clone(),
            base: Arc::clone(&self.shared.endpoints[call.last_endpoint].base),
            target: call.target.clone(),
        })
    }

    /// Sorts an error status for the retry policy: a keyed 409 or 422 is an
    /// idempotency conflict only when the response says so.
    fn status_failure(
        &self,
        call: &Call,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Failure {
        let matcher = self.shared.conflict_matcher.as_ref();
        match conflict_verdict(status, call.key.is_some(), headers, body, matcher) {
            KeyVerdict::InFlight => Failure::KeyInFlight(RetryAfter::from_headers(headers)),
            KeyVerdict::Reused => Failure::KeyReused,
            KeyVerdict::Normal => Failure::Status(status, RetryAfter::from_headers(headers)),
        }
    }

    /// Sorts a transport failure for the retry policy: "never sent"
    /// (connect), "may have been sent", or answered with a body too long to
    /// read (which the policy treats as that status: a retry of a 200
    /// would only bring the same body again).
    fn classify_transport(&self, error: TransportError) -> Failed {
        let (failure, kind, request_id) = match error {
            TransportError::Connect(detail) => {
                (Failure::Connect, ErrorKind::Connect { detail }, None)
            }
            TransportError::Sent(detail) => {
                (Failure::Transport, ErrorKind::Transport { detail }, None)
            }
            TransportError::TooLarge {
                status,
                headers,
                limit,
            } => (
                Failure::Status(status, None),
                ErrorKind::ResponseTooLarge { status, limit },
                self.scan(&headers).0,
            ),
        };
        Failed {
            failure,
            kind,
            request_id,
        }
    }

    /// One pass over a response's headers: the request id (the first
    /// configured name present wins, and the first value of it) and which
    /// of the headers the limiter and the deprecation log read are present.
    /// A response has a handful of headers; looking up each name the
    /// runtime reads instead would hash every one of them, mostly in vain.
    fn scan(&self, headers: &HeaderMap) -> (Option<String>, Hints) {
        let names = &self.shared.request_id_headers;
        let mut hints = Hints::default();
        let mut id: Option<(usize, &HeaderValue)> = None;
        for (name, value) in headers {
            hints.rate_limit |= ratelimit::is_hint(name);
            hints.deprecation |= *name == telemetry::DEPRECATION;
            let rank = id.map_or(names.len(), |(rank, _)| rank);
            if let Some(found) = names[..rank].iter().position(|n| n == name) {
                id = Some((found, value));
            }
        }
        let id = id.and_then(|(_, v)| v.to_str().ok()).map(str::to_owned);
        (id, hints)
    }
}

impl Call {
    /// Requests that reached a server (or may have: a timeout counts).
    fn sent(&self) -> u32 {
        self.attempts - self.connect_failures
    }

    /// The URL of an endpoint for messages: secret query values redacted.
    fn url(&self, client: &Client, index: usize) -> String {
        let mut url = client.shared.endpoints[index].base.to_string();
        url.push_str(self.target.as_str());
        match telemetry::redact_url(&url) {
            Cow::Borrowed(_) => url,
            Cow::Owned(redacted) => redacted,
        }
    }

    /// The URL of this call's target on an endpoint.
    fn uri(&mut self, client: &Client, index: usize) -> Result<http::Uri, Error> {
        let origin = &client.shared.endpoints[index].origin;
        let with_keys;
        let target = match &self.auth_query {
            None => &self.target,
            Some(keys) => {
                let joint = if self.target.query().is_some() {
                    '&'
                } else {
                    '?'
                };
                with_keys = PathAndQuery::from_maybe_shared(Bytes::from(format!(
                    "{}{joint}{keys}",
                    self.target
                )))
                .map_err(|_| {
                    self.stop_without_attempt(
                        client,
                        ErrorKind::InvalidRequest {
                            detail: "an API key makes the request target invalid".into(),
                        },
                        StopReason::Completed,
                    )
                })?;
                &with_keys
            }
        };
        origin.uri(target).map_err(|detail| {
            self.last_endpoint = index;
            self.stop_without_attempt(
                client,
                ErrorKind::InvalidRequest { detail },
                StopReason::Completed,
            )
        })
    }

    /// This attempt's timeout: the per-attempt one, cut to what is left of
    /// the deadline.
    fn attempt_timeout(&mut self, client: &Client, now: Instant) -> Result<Duration, Error> {
        let remaining = self.deadline_at.saturating_duration_since(now);
        if remaining.is_zero() {
            let failed = self.last.take().map_or(
                Failed {
                    failure: Failure::Timeout,
                    kind: ErrorKind::Timeout {
                        after: self.deadline,
                    },
                    request_id: None,
                },
                |last| *last,
            );
            return Err(self.fail(
                client,
                failed,
                StopReason::DeadlineExceeded {
                    deadline: self.deadline,
                },
            ));
        }
        Ok(self.timeout.min(remaining))
    }

    /// The call's error after a failed attempt.
    fn fail(&self, client: &Client, failed: Failed, stop: StopReason) -> Error {
        Error::from_inner(Inner {
            kind: failed.kind,
            stop,
            operation: self.operation.clone(),
            method: self.method.clone(),
            url: self.url(client, self.last_endpoint),
            attempts: self.sent(),
            connect_failures: self.connect_failures,
            request_id: failed.request_id,
            idempotency_key: self.key.clone(),
            breaker: self.breaker_note.clone(),
        })
    }

    /// The call's error when no attempt could be made now. If an earlier
    /// attempt failed, that failure is the story; this only adds the stop.
    fn stop_without_attempt(
        &mut self,
        client: &Client,
        kind: ErrorKind,
        stop: StopReason,
    ) -> Error {
        match self.last.take() {
            Some(last) => self.fail(client, *last, stop),
            None => self.fail(
                client,
                Failed {
                    failure: Failure::Connect,
                    kind,
                    request_id: None,
                },
                stop,
            ),
        }
    }
}

/// Records the call's outcome on its span and in metrics.
fn finish_call(span: &Span, call: &Call, result: &Result<Response, Error>, started: Instant) {
    telemetry::record_attempts(&call.operation, call.sent());
    span.record("attempts", call.sent());
    match result {
        Ok(response) => {
            span.record("http.response.status_code", response.status.as_u16());
            if let Some(id) = &response.request_id {
                span.record("request_id", id.as_str());
            }
            span.record(
                "outcome",
                match response.served {
                    Served::Fresh => "ok",
                    Served::Fallback { .. } => "fallback",
                    Served::Degraded(_) => "degraded",
                },
            );
        }
        Err(error) => {
            if let Some(s) = error.status() {
                span.record("http.response.status_code", s.as_u16());
            }
            if let Some(id) = error.request_id() {
                span.record("request_id", id);
            }
            span.record("outcome", "error");
            tracing::debug!(parent: span, elapsed = %human(started.elapsed()), "{error}");
        }
    }
}

fn failure_label(failure: &Failure) -> &'static str {
    match failure {
        Failure::Status(..) => "status",
        Failure::KeyInFlight(_) => "key_in_flight",
        Failure::KeyReused => "key_reused",
        Failure::Timeout => "timeout",
        Failure::Connect => "connect",
        Failure::Transport => "transport",
    }
}

fn breaker_transition(endpoint: &Endpoint, operation: Cow<'static, str>, transition: Transition) {
    let circuit = endpoint.circuit_name(&operation);
    let state = match transition {
        Transition::Opened { for_ } => {
            tracing::warn!(endpoint = %endpoint.label, "the circuit for {circuit} is now open for {}: requests to it fail fast without a network call", human(for_));
            "open"
        }
        Transition::HalfOpened => {
            tracing::info!(endpoint = %endpoint.label, "the circuit for {circuit} is half-open: letting probe requests through");
            "half_open"
        }
        Transition::Closed => {
            tracing::info!(endpoint = %endpoint.label, "the circuit for {circuit} is closed again: probes succeeded");
            "closed"
        }
    };
    metrics::counter!(
        names::BREAKER_TRANSITIONS,
        "server.address" => Arc::clone(&endpoint.label),
        "threeam.operation" => operation,
        "state" => state,
    )
    .increment(1);
}

const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

/// A W3C `traceparent` (version 00, sampled) with fresh ids, so the server's
/// logs for this call can be found by one id. Hex is written by hand: this
/// runs on every call and `format!` costs several times more.
fn traceparent(trace_hi: u64, trace_lo: u64, span: u64) -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    fn put(out: &mut [u8], value: u64) {
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = HEX[((value >> (60 - 4 * i)) & 0xf) as usize];
        }
    }
    let mut text = *b"00-00000000000000000000000000000000-0000000000000000-01";
    put(&mut text[3..19], trace_hi);
    put(&mut text[19..35], trace_lo.max(1)); // an all-zero id is invalid
    put(&mut text[36..52], span.max(1));
    HeaderValue::from_bytes(&text).unwrap_or_else(|_| {
        HeaderValue::from_static("00-00000000000000000000000000000001-0000000000000001-01")
    })
}
