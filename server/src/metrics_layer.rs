//! The metrics layer: request duration as a histogram and active requests,
//! under OpenTelemetry's stable HTTP server names, through the `metrics`
//! facade (any exporter: Prometheus, OTLP, ...).
//!
//! Every label is bounded: the method is one of the standard nine or
//! `_OTHER`, the route is a configured template or `unmatched`, the status a
//! number, the client tier one of the resolver's few. Client ids appear
//! only when allow-listed, as `threeam.client` (`other` for the rest), so a
//! flood of new clients or random paths cannot grow the series count.
//!
//! The histogram's buckets are the exporter's to set; use
//! [`OTEL_DURATION_BUCKETS`], OpenTelemetry's advice for this metric.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use http::{Method, Request, Response};
use metrics::{Gauge, Key, Label, SharedString};
use tower_layer::Layer;
use tower_service::Service;

use crate::classify::{Classified, Classifier};
use crate::metric_keys::{self, metadata, KeyCache};

/// `http.server.request.duration`, in seconds.
pub const REQUEST_DURATION: &str = "http.server.request.duration";
/// `http.server.active_requests`.
pub const ACTIVE_REQUESTS: &str = "http.server.active_requests";

/// OpenTelemetry's advised buckets for `http.server.request.duration`
/// (seconds); give them to the exporter, e.g. metrics-exporter-prometheus's
/// `set_buckets_for_metric`.
pub const OTEL_DURATION_BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Metrics settings.
///
/// ```
/// use threeam_server::MetricsConfig;
///
/// let config = MetricsConfig::default().with_client_ids(["acme"]);
/// assert!(config.client_ids.contains("acme"));
/// ```
#[derive(Clone, Debug, Default)]
pub struct MetricsConfig {
    /// Client ids that get their own `threeam.client` label value; empty
    /// (the default) means no such label at all.
    pub client_ids: HashSet<String>,
}

impl MetricsConfig {
    /// Allow-lists these client ids.
    pub fn with_client_ids<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.client_ids.extend(ids.into_iter().map(Into::into));
        self
    }
}

struct Shared {
    config: MetricsConfig,
    classifier: Classifier,
    series: KeyCache<SeriesId, Series>,
}

/// A request's labels before it is answered.
#[derive(Clone, PartialEq, Eq, Hash)]
struct SeriesId {
    method: &'static str,
    route: Arc<str>,
    tier: Arc<str>,
    /// `Some` when client ids are allow-listed: the id, or `None` for
    /// `other`.
    client: Option<Option<Arc<str>>>,
}

/// The keys of one label set: active requests, and durations by outcome.
struct Series {
    active: Key,
    /// Method, route, tier and client, in that order.
    labels: Vec<Label>,
    /// By status code; `None` is an error from the inner service.
    durations: KeyCache<Option<u16>, Key>,
}

impl Series {
    fn new(id: &SeriesId) -> Self {
        let mut labels = vec![
            Label::new("http.request.method", id.method),
            Label::new("http.route", SharedString::from(id.route.clone())),
        ];
        let active = Key::from_parts(ACTIVE_REQUESTS, labels.clone());
        labels.push(Label::new(
            "threeam.client.tier",
            SharedString::from(id.tier.clone()),
        ));
        if let Some(client) = &id.client {
            let value = match client {
                Some(client) => SharedString::from(client.clone()),
                None => SharedString::const_str("other"),
            };
            labels.push(Label::new("threeam.client", value));
        }
        Self {
            active,
            labels,
            durations: KeyCache::default(),
        }
    }

    fn duration_key(&self, status: Option<u16>) -> Key {
        let mut labels = self.labels.clone();
        match status.and_then(|s| http::StatusCode::from_u16(s).ok()) {
            Some(status) => {
                labels.push(Label::new(
                    "http.response.status_code",
                    status_label(status),
                ));
                if status.is_server_error() {
                    labels.push(Label::new("error.type", status_label(status)));
                }
            }
            None => labels.push(Label::new("error.type", "_OTHER")),
        }
        Key::from_parts(REQUEST_DURATION, labels)
    }
}

impl Shared {
    fn series(&self, method: &'static str, seen: Classified) -> Arc<Series> {
        let client_ids = &self.config.client_ids;
        let client = (!client_ids.is_empty()).then(|| {
            client_ids
                .contains(&*seen.client.id)
                .then_some(seen.client.id)
        });
        let id = SeriesId {
            method,
            route: seen.route,
            tier: seen.client.tier,
            client,
        };
        self.series.get(id, Series::new)
    }
}

/// The metrics layer.
///
/// ```
/// use threeam_server::{Classifier, MetricsConfig, MetricsLayer};
///
/// let layer = MetricsLayer::new(MetricsConfig::default(), Classifier::default());
/// # let _ = layer;
/// ```
#[derive(Clone)]
pub struct MetricsLayer {
    shared: Arc<Shared>,
}

impl MetricsLayer {
    /// A layer labelling routes and clients with `classifier`.
    pub fn new(config: MetricsConfig, classifier: Classifier) -> Self {
        metrics::describe_histogram!(
            REQUEST_DURATION,
            metrics::Unit::Seconds,
            "Duration of HTTP server requests."
        );
        metrics::describe_gauge!(ACTIVE_REQUESTS, "Number of active HTTP server requests.");
        Self {
            shared: Arc::new(Shared {
                config,
                classifier,
                series: KeyCache::default(),
            }),
        }
    }
}

impl<S> Layer<S> for MetricsLayer {
    type Service = Metrics<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Metrics {
            inner,
            shared: self.shared.clone(),
        }
    }
}

/// The service [`MetricsLayer`] makes.
#[derive(Clone)]
pub struct Metrics<S> {
    inner: S,
    shared: Arc<Shared>,
}

/// The method label: OpenTelemetry's known set, `_OTHER` for the rest.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::TRACE => "TRACE",
        Method::CONNECT => "CONNECT",
        _ => "_OTHER",
    }
}

/// The status as a label without an allocation for the common ones.
fn status_label(status: http::StatusCode) -> metrics::SharedString {
    let text: &'static str = match status.as_u16() {
        200 => "200",
        201 => "201",
        202 => "202",
        204 => "204",
        301 => "301",
        302 => "302",
        304 => "304",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        409 => "409",
        413 => "413",
        422 => "422",
        429 => "429",
        500 => "500",
        502 => "502",
        503 => "503",
        504 => "504",
        _ => return status.as_str().to_owned().into(),
    };
    text.into()
}

/// Decrements the active-request gauge however the request ends, including
/// when its future is dropped.
struct Active(Gauge);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.decrement(1.0);
    }
}

impl<S, B, RB> Service<Request<B>> for Metrics<S>
where
    S: Service<Request<B>, Response = Response<RB>> + Clone + Send + 'static,
    S::Future: Send,
    B: Send + 'static,
{
    type Response = Response<RB>;
    type Error = S::Error;
    type Future = MetricsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let mut request = request;
        let seen = self.shared.classifier.classify_request(&mut request);
        let series = self.shared.series(method_label(request.method()), seen);
        let active = metric_keys::gauge(&series.active, metadata!());
        active.increment(1.0);
        let active = Active(active);
        let started = Instant::now();
        MetricsFuture {
            future: inner.call(request),
            pending: Some(Pending {
                series,
                active,
                started,
            }),
        }
    }
}

/// What a request's answer is recorded against.
struct Pending {
    series: Arc<Series>,
    active: Active,
    started: Instant,
}

pin_project_lite::pin_project! {
    /// The future of [`Metrics`]: the inner service's own, timed (a named
    /// future rather than a boxed one: no allocation per request).
    pub struct MetricsFuture<F> {
        #[pin]
        future: F,
        // `None` once recorded. Dropped unanswered, it still takes the
        // request off the active gauge.
        pending: Option<Pending>,
    }
}

impl<F, RB, E> Future for MetricsFuture<F>
where
    F: Future<Output = Result<Response<RB>, E>>,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = std::task::ready!(this.future.poll(cx));
        if let Some(Pending {
            series,
            active,
            started,
        }) = this.pending.take()
        {
            let elapsed = started.elapsed().as_secs_f64();
            let status = match &result {
                Ok(response) => Some(response.status().as_u16()),
                Err(_) => None,
            };
            let key = series
                .durations
                .get(status, |status| series.duration_key(*status));
            metric_keys::histogram(&key, metadata!()).record(elapsed);
            drop(active);
        }
        Poll::Ready(result)
    }
}
