//! The whole preset (context, metrics, rate limits, idempotency) in front
//! of a real axum app on 127.0.0.1.

mod common;

use std::time::Duration;

use axum::routing::{get, post};
use axum::{Extension, Router};
use common::{serve, within, Http};
use http::StatusCode;
use threeam_server::{
    Classifier, IdempotencyClaim, Quota, RateLimitConfig, RequestContext, Routes, ServerLayer,
};
use tower::ServiceBuilder;

const LIMIT: Duration = Duration::from_secs(20);

async fn boom() -> &'static str {
    panic!("boom on purpose")
}

async fn start() -> Http {
    let router = Router::new()
        .route(
            "/v1/payments",
            post(
                |Extension(claim): Extension<IdempotencyClaim>,
                 Extension(ctx): Extension<RequestContext>| async move {
                    (
                        StatusCode::CREATED,
                        format!("{{\"key\":{:?},\"trace\":{:?}}}", claim.key, ctx.trace_id()),
                    )
                },
            ),
        )
        .route("/v1/boom", get(boom).post(|| async { "never" }))
        .route("/v1/ping", get(|| async { "pong" }));
    let layer = ServerLayer::builder(Classifier::new(Routes::new([
        "/v1/payments",
        "/v1/boom",
        "/v1/ping",
    ])))
    .rate_limits(RateLimitConfig {
        client: Quota::per_period(1, Duration::from_secs(60)).with_burst(8),
        ..Default::default()
    })
    .build()
    .unwrap();
    Http::new(serve(ServiceBuilder::new().layer(layer).service(router)).await)
}

#[tokio::test]
async fn ids_are_echoed_on_successes_errors_and_panics() {
    within(LIMIT, async {
        let http = start().await;
        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let ok = http
            .call(
                "GET",
                "/v1/ping",
                &[("x-request-id", "req-42"), ("traceparent", parent)],
                "",
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK);
        assert_eq!(ok.header("x-request-id"), Some("req-42"));
        let tp = ok.header("traceparent").unwrap();
        assert!(
            tp.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"),
            "{tp}"
        );
        assert!(
            !tp.contains("00f067aa0ba902b7"),
            "our own span id, not the caller's"
        );
        assert!(ok.header("ratelimit").is_some());

        // Made when absent; the error answer of an inner layer still has it.
        let missing_key = http.call("POST", "/v1/payments", &[], "{}").await;
        assert_eq!(missing_key.status, StatusCode::BAD_REQUEST);
        let id = missing_key.header("x-request-id").unwrap();
        assert_eq!(id.len(), 32);
        assert!(missing_key.header("traceparent").is_some());
        assert!(missing_key.header("x-ratelimit-remaining").is_some());

        // A panic is a 500 problem naming the request id.
        let boom = http
            .call("GET", "/v1/boom", &[("x-request-id", "req-boom")], "")
            .await;
        assert_eq!(boom.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(boom.header("x-request-id"), Some("req-boom"));
        assert_eq!(boom.json()["request_id"], "req-boom");
        assert_eq!(boom.json()["code"], "internal-error");
        assert!(boom.json()["detail"].as_str().unwrap().contains("req-boom"));
        // The server is still serving.
        assert_eq!(
            http.call("GET", "/v1/ping", &[], "").await.status,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn replays_and_refusals_pass_through_every_layer() {
    within(LIMIT, async {
        let http = start().await;
        let parent = "00-11111111111111111111111111111111-2222222222222222-01";
        let headers = [("idempotency-key", "p1"), ("traceparent", parent)];
        let first = http.call("POST", "/v1/payments", &headers, "{}").await;
        assert_eq!(first.status, StatusCode::CREATED);
        assert_eq!(
            first.json()["trace"],
            "11111111111111111111111111111111",
            "handler sees the context"
        );
        let replay = http.call("POST", "/v1/payments", &headers, "{}").await;
        assert_eq!(replay.body, first.body);
        assert_eq!(replay.header("idempotent-replayed"), Some("true"));
        assert_ne!(
            replay.header("x-request-id"),
            first.header("x-request-id"),
            "a replay is a new request"
        );
        // The client burst is 8: 2 used, 6 more, then 429 with the request id.
        for _ in 0..6 {
            assert_ne!(
                http.call("GET", "/v1/ping", &[], "").await.status,
                StatusCode::TOO_MANY_REQUESTS
            );
        }
        let limited = http
            .call(
                "POST",
                "/v1/payments",
                &[("idempotency-key", "p2"), ("x-request-id", "r-429")],
                "{}",
            )
            .await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.header("x-request-id"), Some("r-429"));
    })
    .await;
}

#[tokio::test]
async fn the_preset_also_works_as_an_axum_router_layer() {
    within(LIMIT, async {
        let layer = ServerLayer::builder(Classifier::new(Routes::new(["/v1/payments"])))
            .build()
            .unwrap();
        let router = Router::new()
            .route(
                "/v1/payments",
                post(|| async { (StatusCode::CREATED, "made") }),
            )
            .layer(layer);
        let http = Http::new(serve(router).await);
        let made = http.post_keyed("/v1/payments", "r1", "").await;
        assert_eq!(made.status, StatusCode::CREATED);
        assert!(made.header("x-request-id").is_some());
        let again = http.post_keyed("/v1/payments", "r1", "").await;
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        let missing = http.call("POST", "/v1/payments", &[], "").await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    })
    .await;
}
