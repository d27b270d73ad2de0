//! The idempotency layer in front of a real axum app on 127.0.0.1.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::routing::post;
use axum::{Extension, Router};
use common::{serve, within, Http};
use http::StatusCode;
use threeam_server::{
    Classifier, IdempotencyClaim, IdempotencyConfig, IdempotencyLayer, KeyMode, MemoryStore,
    RouteRule, Routes,
};
use tokio::sync::Semaphore;
use tower::ServiceBuilder;

const LIMIT: Duration = Duration::from_secs(20);

#[derive(Clone, Default)]
struct App {
    runs: Arc<AtomicUsize>,
    /// When set, handlers wait for a permit before answering.
    gate: Option<Arc<Semaphore>>,
    /// Runs whose number is listed here answer 500.
    fail_runs: Arc<Vec<usize>>,
    /// Runs whose number is listed here panic.
    panic_runs: Arc<Vec<usize>>,
}

async fn create(
    State(app): State<App>,
    Extension(claim): Extension<IdempotencyClaim>,
    body: String,
) -> (StatusCode, [(&'static str, String); 2], String) {
    let run = app.runs.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(gate) = &app.gate {
        gate.acquire().await.unwrap().forget();
    }
    if app.panic_runs.contains(&run) {
        panic!("handler run {run} panics on purpose");
    }
    let status = if app.fail_runs.contains(&run) {
        StatusCode::INTERNAL_SERVER_ERROR
    } else {
        StatusCode::CREATED
    };
    (
        status,
        [
            ("location", format!("/v1/payments/pay_{run}")),
            ("x-not-stored", "volatile".to_owned()),
        ],
        format!(
            "{{\"run\":{run},\"key\":{:?},\"token\":{},\"echo\":{body:?}}}",
            claim.key, claim.token
        ),
    )
}

fn config() -> IdempotencyConfig {
    let mut config = IdempotencyConfig {
        max_body_bytes: 1024,
        ..Default::default()
    };
    config.routes.insert(
        "/v1/optional".into(),
        RouteRule {
            mode: KeyMode::Optional,
            ..Default::default()
        },
    );
    config
}

async fn start(app: App, store: MemoryStore, config: IdempotencyConfig) -> Http {
    let router = Router::new()
        .route("/v1/payments", post(create).get(|| async { "list" }))
        .route("/v1/optional", post(|body: String| async move { body }))
        .with_state(app);
    let classifier = Classifier::new(Routes::new(["/v1/payments", "/v1/optional"]));
    let service = ServiceBuilder::new()
        .layer(IdempotencyLayer::new(store, config, classifier))
        .service(router);
    Http::new(serve(service).await)
}

#[tokio::test]
async fn first_write_runs_and_repeats_replay_byte_for_byte() {
    within(LIMIT, async {
        let app = App::default();
        let http = start(app.clone(), MemoryStore::default(), config()).await;
        let first = http
            .post_keyed("/v1/payments", "k1", "{\"amount\":5}")
            .await;
        assert_eq!(first.status, StatusCode::CREATED);
        assert_eq!(first.header("idempotent-replayed"), None);
        assert_eq!(first.json()["run"], 1);
        let token = first.json()["token"].as_u64().unwrap();
        assert!(token > 0);

        // The IETF quoted form names the same key.
        for key in ["k1", "\"k1\""] {
            let again = http.post_keyed("/v1/payments", key, "{\"amount\":5}").await;
            assert_eq!(again.status, StatusCode::CREATED);
            assert_eq!(again.body, first.body, "byte-identical replay");
            assert_eq!(again.header("idempotent-replayed"), Some("true"));
            assert_eq!(again.header("location"), Some("/v1/payments/pay_1"));
            assert_eq!(
                again.header("x-not-stored"),
                None,
                "only allow-listed headers are replayed"
            );
        }
        assert_eq!(app.runs.load(Ordering::SeqCst), 1);

        // A new key runs again, with a larger fencing token.
        let second = http
            .post_keyed("/v1/payments", "k2", "{\"amount\":5}")
            .await;
        assert_eq!(second.json()["run"], 2);
        assert!(second.json()["token"].as_u64().unwrap() > token);

        // Reads need no key.
        let list = http.call("GET", "/v1/payments", &[], "").await;
        assert_eq!(list.status, StatusCode::OK);
        assert_eq!(&list.body[..], b"list");
    })
    .await;
}

#[tokio::test]
async fn missing_invalid_reused_keys_and_large_bodies_are_refused() {
    within(LIMIT, async {
        let app = App::default();
        let http = start(app.clone(), MemoryStore::default(), config()).await;

        let missing = http.call("POST", "/v1/payments", &[], "{}").await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            missing.problem_type(),
            "https://threeam.dev/problems/idempotency-key-missing"
        );
        assert_eq!(missing.json()["code"], "idempotency-key-missing");
        assert!(missing.json()["detail"]
            .as_str()
            .unwrap()
            .contains("POST /v1/payments"));

        let long = "k".repeat(256);
        for bad in ["", "has space", long.as_str(), "\"unterminated"] {
            let reply = http.post_keyed("/v1/payments", bad, "{}").await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "key {bad:?}");
            assert_eq!(
                reply.problem_type(),
                "https://threeam.dev/problems/idempotency-key-invalid"
            );
        }
        let two = http
            .call(
                "POST",
                "/v1/payments",
                &[("idempotency-key", "a"), ("idempotency-key", "b")],
                "{}",
            )
            .await;
        assert_eq!(two.status, StatusCode::BAD_REQUEST);

        let big = "x".repeat(2000);
        let too_large = http.post_keyed("/v1/payments", "big", &big).await;
        assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(too_large.json()["code"], "request-body-too-large");
        assert_eq!(too_large.json()["limit"], 1024);
        assert_eq!(
            app.runs.load(Ordering::SeqCst),
            0,
            "no refused write ran the handler"
        );

        let first = http.post_keyed("/v1/payments", "r", "{\"amount\":1}").await;
        assert_eq!(first.status, StatusCode::CREATED);
        for (headers, body) in [
            (vec![("idempotency-key", "r")], "{\"amount\":2}"),
            (
                vec![("idempotency-key", "r"), ("content-type", "text/plain")],
                "{\"amount\":1}",
            ),
        ] {
            let reused = http.call("POST", "/v1/payments", &headers, body).await;
            assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(
                reused.problem_type(),
                "https://threeam.dev/problems/idempotency-key-reused"
            );
        }
        let reused_query = http
            .post_keyed("/v1/payments?x=1", "r", "{\"amount\":1}")
            .await;
        assert_eq!(reused_query.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(app.runs.load(Ordering::SeqCst), 1);

        // A route with optional keys runs keyless writes as they are.
        let optional = http.call("POST", "/v1/optional", &[], "plain").await;
        assert_eq!(optional.status, StatusCode::OK);
        assert_eq!(&optional.body[..], b"plain");
    })
    .await;
}

#[tokio::test]
async fn keys_are_scoped_per_client() {
    within(LIMIT, async {
        let app = App::default();
        let http = start(app.clone(), MemoryStore::default(), config()).await;
        let a = http
            .call(
                "POST",
                "/v1/payments",
                &[("idempotency-key", "same"), ("x-api-key", "alice")],
                "{}",
            )
            .await;
        let b = http
            .call(
                "POST",
                "/v1/payments",
                &[("idempotency-key", "same"), ("x-api-key", "bob")],
                "{}",
            )
            .await;
        assert_eq!(a.json()["run"], 1);
        assert_eq!(b.json()["run"], 2);
        assert_eq!(b.header("idempotent-replayed"), None);
        let a2 = http
            .call(
                "POST",
                "/v1/payments",
                &[("idempotency-key", "same"), ("x-api-key", "alice")],
                "{}",
            )
            .await;
        assert_eq!(a2.body, a.body);
        assert_eq!(app.runs.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test]
async fn a_repeat_while_the_first_runs_gets_409_with_retry_after() {
    within(LIMIT, async {
        let gate = Arc::new(Semaphore::new(0));
        let app = App {
            gate: Some(gate.clone()),
            ..Default::default()
        };
        let http = start(app.clone(), MemoryStore::default(), config()).await;
        let first = tokio::spawn({
            let http = http.clone();
            async move { http.post_keyed("/v1/payments", "slow", "{}").await }
        });
        // Bounded wait for the first request to reach the handler.
        for _ in 0..200 {
            if app.runs.load(Ordering::SeqCst) == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(app.runs.load(Ordering::SeqCst), 1);
        let busy = http.post_keyed("/v1/payments", "slow", "{}").await;
        assert_eq!(busy.status, StatusCode::CONFLICT);
        assert_eq!(
            busy.problem_type(),
            "https://threeam.dev/problems/idempotency-key-in-flight"
        );
        assert_eq!(busy.header("retry-after"), Some("1"));
        // A different payload under the same key is a reuse even in flight.
        let other = http.post_keyed("/v1/payments", "slow", "{\"x\":1}").await;
        assert_eq!(other.status, StatusCode::UNPROCESSABLE_ENTITY);
        gate.add_permits(1);
        let first = first.await.unwrap();
        assert_eq!(first.status, StatusCode::CREATED);
        let replay = http.post_keyed("/v1/payments", "slow", "{}").await;
        assert_eq!(replay.body, first.body);
    })
    .await;
}

#[tokio::test]
async fn concurrent_duplicates_run_the_handler_once() {
    within(LIMIT, async {
        let gate = Arc::new(Semaphore::new(0));
        let app = App {
            gate: Some(gate.clone()),
            ..Default::default()
        };
        let http = start(app.clone(), MemoryStore::default(), config()).await;
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let http = http.clone();
            tasks.push(tokio::spawn(async move {
                http.post_keyed("/v1/payments", "dup", "{\"amount\":7}")
                    .await
            }));
        }
        // Let the handler finish only after the duplicates have arrived.
        tokio::time::sleep(Duration::from_millis(300)).await;
        gate.add_permits(1);
        let mut created = Vec::new();
        let mut conflicts = 0;
        for t in tasks {
            let reply = t.await.unwrap();
            match reply.status {
                StatusCode::CREATED => created.push(reply.body),
                StatusCode::CONFLICT => conflicts += 1,
                other => panic!("unexpected {other}"),
            }
        }
        assert_eq!(app.runs.load(Ordering::SeqCst), 1, "the handler ran once");
        assert!(!created.is_empty());
        assert!(
            created.iter().all(|b| *b == created[0]),
            "every success is the same bytes"
        );
        assert_eq!(created.len() + conflicts, 50);
    })
    .await;
}

#[tokio::test]
async fn server_errors_and_panics_release_the_claim() {
    within(LIMIT, async {
        let app = App {
            fail_runs: Arc::new(vec![1]),
            panic_runs: Arc::new(vec![2]),
            ..Default::default()
        };
        let http = start(app.clone(), MemoryStore::default(), config()).await;
        let headers = [("idempotency-key", "flaky")];
        let failed = http.call("POST", "/v1/payments", &headers, "{}").await;
        assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
        // Run 2 panics: the connection dies, the claim must be released.
        assert!(http
            .send("POST", "/v1/payments", &headers, "{}")
            .await
            .is_err());
        // The release after a panic is spawned: poll briefly, bounded.
        let mut ok = None;
        for _ in 0..100 {
            let reply = http.call("POST", "/v1/payments", &headers, "{}").await;
            if reply.status != StatusCode::CONFLICT {
                ok = Some(reply);
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let ok = ok.expect("claim released after the panic");
        assert_eq!(ok.status, StatusCode::CREATED);
        assert_eq!(ok.json()["run"], 3);
        let replay = http.call("POST", "/v1/payments", &headers, "{}").await;
        assert_eq!(replay.body, ok.body);
        assert_eq!(app.runs.load(Ordering::SeqCst), 3);
    })
    .await;
}

#[tokio::test]
async fn stripe_policy_stores_server_errors() {
    within(LIMIT, async {
        let app = App {
            fail_runs: Arc::new(vec![1]),
            ..Default::default()
        };
        let mut config = config();
        config.store_server_errors = true;
        let http = start(app.clone(), MemoryStore::default(), config).await;
        let headers = [("idempotency-key", "s")];
        let failed = http.call("POST", "/v1/payments", &headers, "{}").await;
        let again = http.call("POST", "/v1/payments", &headers, "{}").await;
        assert_eq!(again.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(again.body, failed.body);
        assert_eq!(again.header("idempotent-replayed"), Some("true"));
        assert_eq!(app.runs.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn a_full_store_fails_closed_before_the_handler_runs() {
    within(LIMIT, async {
        let gate = Arc::new(Semaphore::new(0));
        let app = App {
            gate: Some(gate.clone()),
            ..Default::default()
        };
        // One in-flight record per shard: 16 in all.
        let http = start(app.clone(), MemoryStore::new(1, 1 << 20), config()).await;
        let mut tasks = Vec::new();
        for i in 0..40 {
            let http = http.clone();
            tasks.push(tokio::spawn(async move {
                let key = format!("key-{i}");
                http.call(
                    "POST",
                    "/v1/payments",
                    &[("idempotency-key", key.as_str())],
                    "{}",
                )
                .await
            }));
        }
        // The refused ones answer at once; the others wait at the gate.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let mut refused = 0;
        let mut waiting = Vec::new();
        for t in tasks {
            if !t.is_finished() {
                waiting.push(t);
                continue;
            }
            let reply = t.await.unwrap();
            assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(reply.header("retry-after"), Some("2"));
            assert_eq!(reply.json()["code"], "idempotency-store-unavailable");
            refused += 1;
        }
        let runs = app.runs.load(Ordering::SeqCst);
        assert!(
            runs <= 16,
            "at most one in-flight claim per shard, got {runs}"
        );
        assert_eq!(
            waiting.len(),
            runs,
            "everything not refused is in its handler"
        );
        assert_eq!(refused + runs, 40);
        assert!(refused >= 24);
        gate.add_permits(100);
        for t in waiting {
            assert_eq!(t.await.unwrap().status, StatusCode::CREATED);
        }
        gate.add_permits(100);
    })
    .await;
}
