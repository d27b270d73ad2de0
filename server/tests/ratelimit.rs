//! The rate limiting layer in front of a real axum app on 127.0.0.1.

mod common;

use std::time::Duration;

use axum::routing::get;
use axum::Router;
use common::{serve, within, Http};
use http::StatusCode;
use threeam_server::{
    ApiKeyResolver, Classifier, MemoryLimiter, Quota, RateLimitConfig, RateLimitLayer, Routes,
    TrustedProxies,
};
use tower::ServiceBuilder;

const LIMIT: Duration = Duration::from_secs(20);
const ROUTES: [&str; 3] = ["/v1/a", "/v1/b", "/v1/costly"];

/// Slow quotas (one a minute) so that no refill happens during a test.
fn per_minute(burst: u32) -> Quota {
    Quota::per_period(1, Duration::from_secs(60)).with_burst(burst)
}

async fn start(config: RateLimitConfig, classifier: Classifier) -> Http {
    let router = Router::new()
        .route("/v1/a", get(|| async { "a" }))
        .route("/v1/b", get(|| async { "b" }))
        .route("/v1/costly", get(|| async { "costly" }));
    let layer = RateLimitLayer::new(MemoryLimiter::default(), config, classifier).unwrap();
    Http::new(serve(ServiceBuilder::new().layer(layer).service(router)).await)
}

fn config(client: u32, endpoint: u32, global: u32) -> RateLimitConfig {
    RateLimitConfig {
        client: per_minute(client),
        endpoint: per_minute(endpoint),
        global: per_minute(global),
        ..Default::default()
    }
}

fn key(k: &str) -> [(&str, &str); 1] {
    [("x-api-key", k)]
}

#[tokio::test]
async fn the_client_tier_counts_down_then_refuses_with_every_field() {
    within(LIMIT, async {
        let http = start(config(3, 100, 1000), Classifier::new(Routes::new(ROUTES))).await;
        for left in [2, 1, 0] {
            let ok = http.call("GET", "/v1/a", &key("alice"), "").await;
            assert_eq!(ok.status, StatusCode::OK);
            assert_eq!(
                ok.header("x-ratelimit-remaining"),
                Some(left.to_string().as_str())
            );
            assert_eq!(ok.header("x-ratelimit-limit"), Some("3"));
            // `t`: until the bucket is full again; with nothing left,
            // until the next request can pass (one emission, 60 s).
            let t = if left == 0 { 60 } else { 60 * (3 - left) };
            assert_eq!(
                ok.header("ratelimit"),
                Some(format!("\"client\";r={left};t={t}").as_str())
            );
            assert_eq!(
                ok.header("ratelimit-policy"),
                Some("\"client\";q=3;w=180, \"endpoint\";q=100;w=6000, \"global\";q=1000;w=60000")
            );
        }
        let denied = http.call("GET", "/v1/a", &key("alice"), "").await;
        assert_eq!(denied.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            denied.header("content-type"),
            Some("application/problem+json")
        );
        assert_eq!(
            denied.json()["type"],
            "https://threeam.dev/problems/rate-limited"
        );
        assert_eq!(denied.json()["tier"], "client");
        assert_eq!(denied.header("retry-after"), Some("60"));
        assert_eq!(denied.header("ratelimit"), Some("\"client\";r=0;t=60"));
        assert_eq!(denied.header("x-ratelimit-remaining"), Some("0"));
        assert_eq!(denied.header("x-ratelimit-reset"), Some("60"));
        // Another client is untouched.
        let bob = http.call("GET", "/v1/a", &key("bob"), "").await;
        assert_eq!(bob.status, StatusCode::OK);
        assert_eq!(bob.header("x-ratelimit-remaining"), Some("2"));
    })
    .await;
}

#[tokio::test]
async fn a_denial_consumes_nothing() {
    within(LIMIT, async {
        // Endpoint holds 3; alice may use 2 of them.
        let http = start(config(2, 3, 1000), Classifier::new(Routes::new(ROUTES))).await;
        for _ in 0..2 {
            assert_eq!(
                http.call("GET", "/v1/a", &key("alice"), "").await.status,
                StatusCode::OK
            );
        }
        for _ in 0..10 {
            let denied = http.call("GET", "/v1/a", &key("alice"), "").await;
            assert_eq!(denied.json()["tier"], "client");
        }
        // Alice's ten refusals did not charge the endpoint: one place left.
        assert_eq!(
            http.call("GET", "/v1/a", &key("bob"), "").await.status,
            StatusCode::OK
        );
        let full = http.call("GET", "/v1/a", &key("carol"), "").await;
        assert_eq!(full.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(full.json()["tier"], "endpoint");
        assert!(full.json()["detail"]
            .as_str()
            .unwrap()
            .contains("endpoint rate limit"));
        // The other endpoint has its own bucket.
        assert_eq!(
            http.call("GET", "/v1/b", &key("carol"), "").await.status,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn the_global_tier_spans_clients_and_endpoints() {
    within(LIMIT, async {
        let http = start(config(100, 100, 3), Classifier::new(Routes::new(ROUTES))).await;
        for (path, who) in [("/v1/a", "x"), ("/v1/b", "y"), ("/v1/a", "z")] {
            assert_eq!(
                http.call("GET", path, &key(who), "").await.status,
                StatusCode::OK
            );
        }
        let denied = http.call("GET", "/v1/b", &key("w"), "").await;
        assert_eq!(denied.json()["tier"], "global");
        assert_eq!(denied.header("ratelimit"), Some("\"global\";r=0;t=60"));
    })
    .await;
}

#[tokio::test]
async fn tier_and_endpoint_overrides_and_costs() {
    within(LIMIT, async {
        let mut config = config(2, 100, 1000);
        config.client_tiers.insert("pro".into(), per_minute(5));
        config.endpoints.insert("/v1/b".into(), per_minute(1));
        config.costs.insert("/v1/costly".into(), 2);
        let classifier = Classifier::new(Routes::new(ROUTES))
            .with_resolver(ApiKeyResolver::new("x-api-key").with_tier("big-spender", "pro"));
        let http = start(config, classifier).await;
        for _ in 0..5 {
            assert_eq!(
                http.call("GET", "/v1/a", &key("big-spender"), "")
                    .await
                    .status,
                StatusCode::OK
            );
        }
        assert_eq!(
            http.call("GET", "/v1/a", &key("big-spender"), "")
                .await
                .status,
            StatusCode::TOO_MANY_REQUESTS
        );
        // /v1/b admits one in all.
        assert_eq!(
            http.call("GET", "/v1/b", &key("a"), "").await.status,
            StatusCode::OK
        );
        let b = http.call("GET", "/v1/b", &key("b"), "").await;
        assert_eq!(b.json()["tier"], "endpoint");
        assert_eq!(b.header("x-ratelimit-limit"), Some("1"));
        // A cost of 2 uses up a default client's whole burst at once.
        let costly = http.call("GET", "/v1/costly", &key("c"), "").await;
        assert_eq!(costly.status, StatusCode::OK);
        assert_eq!(costly.header("x-ratelimit-remaining"), Some("0"));
        assert_eq!(
            http.call("GET", "/v1/a", &key("c"), "").await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    })
    .await;
}

#[tokio::test]
async fn forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    within(LIMIT, async {
        // Untrusted: every X-Forwarded-For value is the same client (the peer).
        let http = start(config(1, 100, 1000), Classifier::new(Routes::new(ROUTES))).await;
        assert_eq!(
            http.call("GET", "/v1/a", &[("x-forwarded-for", "1.1.1.1")], "")
                .await
                .status,
            StatusCode::OK
        );
        let spoofed = http
            .call("GET", "/v1/a", &[("x-forwarded-for", "2.2.2.2")], "")
            .await;
        assert_eq!(
            spoofed.status,
            StatusCode::TOO_MANY_REQUESTS,
            "a spoofed header buys no new budget"
        );

        // Trusted loopback proxy: each forwarded client has its own budget.
        let classifier = Classifier::new(Routes::new(ROUTES))
            .with_trusted_proxies(TrustedProxies::new(["127.0.0.0/8"]).unwrap());
        let http = start(config(1, 100, 1000), classifier).await;
        assert_eq!(
            http.call("GET", "/v1/a", &[("x-forwarded-for", "1.1.1.1")], "")
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            http.call("GET", "/v1/a", &[("x-forwarded-for", "2.2.2.2")], "")
                .await
                .status,
            StatusCode::OK
        );
        assert_eq!(
            http.call("GET", "/v1/a", &[("x-forwarded-for", "1.1.1.1")], "")
                .await
                .status,
            StatusCode::TOO_MANY_REQUESTS
        );
    })
    .await;
}

#[tokio::test]
async fn the_bucket_refills_at_the_sustained_rate() {
    within(LIMIT, async {
        // 20/s, burst 2: after the burst, one more every 50 ms.
        let config = RateLimitConfig {
            client: Quota::per_second(20).with_burst(2),
            ..Default::default()
        };
        let http = start(config, Classifier::new(Routes::new(ROUTES))).await;
        for _ in 0..2 {
            assert_eq!(
                http.call("GET", "/v1/a", &[], "").await.status,
                StatusCode::OK
            );
        }
        let denied = http.call("GET", "/v1/a", &[], "").await;
        assert_eq!(denied.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            denied.header("retry-after"),
            Some("1"),
            "rounded up, at least 1"
        );
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert_eq!(
            http.call("GET", "/v1/a", &[], "").await.status,
            StatusCode::OK
        );
    })
    .await;
}
