//! Metrics from the preset, read through a recorder installed for this test
//! binary (the `metrics` facade has one global recorder, so this file holds
//! a single test).

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use common::{serve, within, Http};
use http::StatusCode;
use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use threeam_server::{Classifier, MetricsConfig, Routes, ServerLayer};
use tower::ServiceBuilder;

/// Every series by `name{label=value,...}` (labels sorted).
#[derive(Default)]
struct Seen {
    values: Mutex<HashMap<String, f64>>,
    samples: Mutex<HashMap<String, Vec<f64>>>,
}

struct Series {
    id: String,
    seen: Arc<Seen>,
}

impl CounterFn for Series {
    fn increment(&self, value: u64) {
        *self
            .seen
            .values
            .lock()
            .unwrap()
            .entry(self.id.clone())
            .or_default() += value as f64;
    }
    fn absolute(&self, value: u64) {
        self.seen
            .values
            .lock()
            .unwrap()
            .insert(self.id.clone(), value as f64);
    }
}

impl GaugeFn for Series {
    fn increment(&self, value: f64) {
        *self
            .seen
            .values
            .lock()
            .unwrap()
            .entry(self.id.clone())
            .or_default() += value;
    }
    fn decrement(&self, value: f64) {
        *self
            .seen
            .values
            .lock()
            .unwrap()
            .entry(self.id.clone())
            .or_default() -= value;
    }
    fn set(&self, value: f64) {
        self.seen
            .values
            .lock()
            .unwrap()
            .insert(self.id.clone(), value);
    }
}

impl HistogramFn for Series {
    fn record(&self, value: f64) {
        self.seen
            .samples
            .lock()
            .unwrap()
            .entry(self.id.clone())
            .or_default()
            .push(value);
    }
}

struct TestRecorder(Arc<Seen>);

impl TestRecorder {
    fn series(&self, key: &Key) -> Arc<Series> {
        let mut labels: Vec<String> = key
            .labels()
            .map(|l| format!("{}={}", l.key(), l.value()))
            .collect();
        labels.sort();
        Arc::new(Series {
            id: format!("{}{{{}}}", key.name(), labels.join(",")),
            seen: self.0.clone(),
        })
    }
}

impl Recorder for TestRecorder {
    fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
    fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.series(key))
    }
    fn register_gauge(&self, key: &Key, _: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.series(key))
    }
    fn register_histogram(&self, key: &Key, _: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(self.series(key))
    }
}

#[tokio::test]
async fn durations_outcomes_and_decisions_are_measured_with_bounded_labels() {
    let seen = Arc::new(Seen::default());
    metrics::set_global_recorder(TestRecorder(seen.clone())).unwrap();
    within(Duration::from_secs(20), async {
        let router = Router::new()
            .route("/v1/payments/{id}", get(|| async { "one" }))
            .route("/v1/payments", post(|| async { (StatusCode::CREATED, "made") }))
            .route("/v1/fail", get(|| async { (StatusCode::SERVICE_UNAVAILABLE, "down") }));
        let layer = ServerLayer::builder(Classifier::new(Routes::new(["/v1/payments/{id}", "/v1/payments", "/v1/fail"])))
            .metrics(MetricsConfig::default().with_client_ids(["key:vip"]))
            .build()
            .unwrap();
        let http = Http::new(serve(ServiceBuilder::new().layer(layer).service(router)).await);

        for i in 0..20 {
            let path = format!("/v1/payments/pay_{i}");
            assert_eq!(http.call("GET", &path, &[("x-api-key", "vip")], "").await.status, StatusCode::OK);
        }
        // Random paths must not make new series.
        for i in 0..20 {
            let path = format!("/random/{i}/x{i}");
            assert_eq!(http.call("GET", &path, &[("x-api-key", &format!("k{i}"))], "").await.status, StatusCode::NOT_FOUND);
        }
        http.call("GET", "/v1/fail", &[], "").await;
        http.call("POST", "/v1/payments", &[("idempotency-key", "m1"), ("x-api-key", "vip")], "{}").await;
        http.call("POST", "/v1/payments", &[("idempotency-key", "m1"), ("x-api-key", "vip")], "{}").await;
        http.call("POST", "/v1/payments", &[], "{}").await;

        let samples = seen.samples.lock().unwrap().clone();
        let values = seen.values.lock().unwrap().clone();
        let duration = |labels: &str| {
            samples
                .get(&format!("http.server.request.duration{{{labels}}}"))
                .map(Vec::len)
                .unwrap_or(0)
        };
        assert_eq!(
            duration("http.request.method=GET,http.response.status_code=200,http.route=/v1/payments/{id},threeam.client.tier=default,threeam.client=key:vip"),
            20
        );
        assert_eq!(
            duration("http.request.method=GET,http.response.status_code=404,http.route=unmatched,threeam.client.tier=default,threeam.client=other"),
            20
        );
        assert_eq!(
            duration("error.type=503,http.request.method=GET,http.response.status_code=503,http.route=/v1/fail,threeam.client.tier=anonymous,threeam.client=other"),
            1
        );
        let duration_series = samples.keys().filter(|k| k.starts_with("http.server.request.duration")).count();
        assert!(duration_series <= 6, "bounded series, got {duration_series}: {:?}", samples.keys());
        assert!(samples.values().flatten().all(|s| (0.0..5.0).contains(s)), "durations in seconds");

        // Every active request has ended.
        for (k, v) in values.iter().filter(|(k, _)| k.starts_with("http.server.active_requests")) {
            assert_eq!(*v, 0.0, "{k}");
        }
        let count = |k: &str| values.get(k).copied().unwrap_or(0.0);
        assert_eq!(count("threeam.server.idempotency.outcomes{outcome=executed}"), 1.0);
        assert_eq!(count("threeam.server.idempotency.outcomes{outcome=replayed}"), 1.0);
        assert_eq!(count("threeam.server.idempotency.outcomes{outcome=missing_key}"), 1.0);
        let allowed: f64 = values
            .iter()
            .filter(|(k, _)| k.starts_with("threeam.server.rate_limit.decisions") && k.contains("decision=allowed"))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(allowed, 44.0);
    })
    .await;
}
