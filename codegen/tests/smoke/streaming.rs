// Copied into the generated streaming crate as tests/smoke.rs by
// `generated_streams_run_against_the_stream_server` (codegen/tests/streaming.rs):
// the generated `_stream` methods against the streaming test server.

use std::time::Duration;

use gen_streaming::threeam_runtime::futures_util::{StreamExt, TryStreamExt};
use gen_streaming::threeam_runtime::ErrorKind;
use gen_streaming::{ChatRequest, Client, Delta, DownloadExportParams, WatchEventsParams};
use threeam_test_server::sse::{StreamFault, StreamServer};

async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f)
        .await
        .expect("the test ran out of time")
}

fn client(server: &StreamServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .configure(|b| b.timeout(Duration::from_secs(2)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn typed_events_end_at_done() {
    within(async {
        let server = StreamServer::start().await.unwrap();
        let body = ChatRequest {
            prompt: "hi".into(),
            stream: None,
        };
        let reply = client(&server).create_chat_stream(&body).await.unwrap();
        assert_eq!(reply.status(), 200);
        let deltas: Vec<Delta> = reply.into_inner().try_collect().await.unwrap();
        assert_eq!(deltas.len(), 3);
        assert_eq!(deltas[2].index, 2);
        assert_eq!(deltas[2].text, "part → 2");
        assert_eq!(server.count("/v1/events"), 1);
    })
    .await;
}

#[tokio::test]
async fn raw_events_retry_a_503_before_the_stream_but_not_a_break_after() {
    within(async {
        let server = StreamServer::start().await.unwrap();
        server.script(
            "/v1/events",
            [StreamFault::Status(503), StreamFault::BreakAfter(1)],
        );
        let params = WatchEventsParams { n: Some(4) };
        let reply = client(&server).watch_events_stream(&params).await.unwrap();
        assert_eq!(reply.attempts(), 2, "the 503 was retried");
        let mut events = reply.into_inner();
        let first = events.next().await.unwrap().unwrap();
        assert_eq!(first.event, "delta");
        assert_eq!(first.id.as_deref(), Some("0"));
        let error = events.next().await.unwrap().unwrap_err();
        assert!(
            matches!(error.kind(), ErrorKind::BodyBroken { events: Some(1), .. }),
            "{error}"
        );
        assert!(events.next().await.is_none());
        assert_eq!(server.count("/v1/events"), 2, "no retry after the first byte");
    })
    .await;
}

#[tokio::test]
async fn a_download_streams_in_chunks() {
    within(async {
        let server = StreamServer::start().await.unwrap();
        let params = DownloadExportParams { size: 100_000 };
        let reply = client(&server).download_export_stream(&params).await.unwrap();
        let chunks: Vec<_> = reply.into_inner().try_collect().await.unwrap();
        assert!(chunks.len() > 1);
        let body = chunks.concat();
        assert_eq!(body.len(), 100_000);
        assert_eq!(body[251 * 3 + 5], 5);
        // The buffered method reads the same bytes.
        let whole = client(&server).download_export(&params).await.unwrap();
        assert_eq!(whole.into_inner(), body);
    })
    .await;
}
