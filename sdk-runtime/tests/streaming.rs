//! Streamed calls against the streaming test server on 127.0.0.1: events
//! cut at awkward byte boundaries, `[DONE]`, a 503 before the stream
//! (retried), breaks after the first byte (not retried, counted on the
//! server), the idle timeout, a stream longer than the call's deadline, and
//! a download larger than the buffered limit.

use std::time::Duration;

use threeam_runtime::futures_util::{StreamExt, TryStreamExt};
use threeam_runtime::sse::{Event, EventStream, Events, Limits};
use threeam_runtime::{Backoff, Client, ErrorKind, Request, StopReason};
use threeam_test_server::sse::{StreamFault, StreamServer};

mod common;
use common::within;

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Delta {
    index: u32,
    text: String,
}

fn client(server: &StreamServer) -> Client {
    Client::builder(server.base_url())
        .backoff(Backoff::new(
            Duration::from_millis(5),
            Duration::from_millis(20),
        ))
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

async fn deltas(client: &Client, n: u32) -> Result<Vec<Delta>, threeam_runtime::Error> {
    let req = Request::post("stream_chat", "/v1/events").query("n", n);
    let body = client.execute_stream(req).await?.into_body();
    EventStream::<Delta>::json(Events::new(body))
        .try_collect()
        .await
}

#[tokio::test]
async fn events_cut_anywhere_arrive_typed_and_end_at_done() {
    within(Duration::from_secs(20), async {
        let server = StreamServer::start().await.unwrap();
        let client = client(&server);
        let got = deltas(&client, 7).await.unwrap();
        let want: Vec<Delta> = (0..7)
            .map(|i| Delta {
                index: i,
                text: format!("part → {i}"),
            })
            .collect();
        assert_eq!(got, want);
        assert_eq!(server.count("/v1/events"), 1);

        // The raw events keep their names and ids; `[DONE]` ends them too.
        let body = client
            .execute_stream(Request::get("watch", "/v1/events"))
            .await
            .unwrap()
            .into_body();
        let raw: Vec<Event> = EventStream::raw(Events::new(body))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(raw.len(), 3);
        assert_eq!(raw[2].event, "delta");
        assert_eq!(raw[2].id.as_deref(), Some("2"));
    })
    .await;
}

#[tokio::test]
async fn a_503_before_the_stream_is_retried() {
    within(Duration::from_secs(20), async {
        let server = StreamServer::start().await.unwrap();
        server.script("/v1/events", [StreamFault::Status(503)]);
        let streamed = client(&server)
            .execute_stream(Request::get("watch", "/v1/events"))
            .await
            .unwrap();
        assert_eq!(streamed.response().attempts(), 2);
        let events: Vec<Delta> = EventStream::json(Events::new(streamed.into_body()))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(events.len(), 3);
        assert_eq!(server.count("/v1/events"), 2);
    })
    .await;
}

#[tokio::test]
async fn a_break_after_the_first_byte_is_an_error_and_not_retried() {
    within(Duration::from_secs(20), async {
        let server = StreamServer::start().await.unwrap();
        server.script("/v1/events", [StreamFault::BreakAfter(2)]);
        let client = client(&server);
        let body = client
            .execute_stream(Request::get("watch", "/v1/events"))
            .await
            .unwrap()
            .into_body();
        let mut stream = EventStream::<Delta>::json(Events::new(body));
        assert_eq!(stream.next().await.unwrap().unwrap().index, 0);
        assert_eq!(stream.next().await.unwrap().unwrap().index, 1);
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(
            stream.next().await.is_none(),
            "the stream ends after its error"
        );
        match error.kind() {
            ErrorKind::BodyBroken {
                reading,
                events,
                bytes,
                ..
            } => {
                assert_eq!(*reading, "event stream");
                assert_eq!(*events, Some(2));
                assert!(*bytes > 40, "{bytes} bytes");
            }
            other => panic!("expected BodyBroken, got {other:?}"),
        }
        assert_eq!(error.stop_reason(), &StopReason::BodyStarted);
        assert_eq!(error.request_id(), Some("req_stream"));
        let message = error.to_string();
        assert!(
            message.contains("the event stream broke off after 2 events"),
            "{message}"
        );
        assert!(message.contains("request id req_stream"), "{message}");
        assert!(message.contains("not retried"), "{message}");
        assert_eq!(
            server.count("/v1/events"),
            1,
            "no retry after the first byte"
        );
    })
    .await;
}

#[tokio::test]
async fn silence_longer_than_the_timeout_ends_the_stream_with_an_error() {
    within(Duration::from_secs(20), async {
        let server = StreamServer::start().await.unwrap();
        server.script("/v1/events", [StreamFault::StallAfter(1)]);
        let client = Client::builder(server.base_url())
            .timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let body = client
            .execute_stream(Request::get("watch", "/v1/events"))
            .await
            .unwrap()
            .into_body();
        let mut stream = EventStream::<Delta>::json(Events::new(body));
        assert_eq!(stream.next().await.unwrap().unwrap().index, 0);
        let error = stream.next().await.unwrap().unwrap_err();
        let message = error.to_string();
        assert!(message.contains("no data arrived for 300 ms"), "{message}");
        assert!(message.contains("after 1 event "), "{message}");
        assert_eq!(server.count("/v1/events"), 1);
    })
    .await;
}

#[tokio::test]
async fn a_stream_may_outlast_the_deadline_while_data_flows() {
    within(Duration::from_secs(20), async {
        let server = StreamServer::start().await.unwrap();
        // 6 events 150 ms apart: about 750 ms, past the 400 ms deadline,
        // but no gap reaches the 300 ms idle timeout.
        let client = Client::builder(server.base_url())
            .timeout(Duration::from_millis(300))
            .deadline(Duration::from_millis(400))
            .build()
            .unwrap();
        let started = std::time::Instant::now();
        let req = Request::get("watch", "/v1/events")
            .query("n", 6)
            .query("gap_ms", 150);
        let body = client.execute_stream(req).await.unwrap().into_body();
        let got: Vec<Delta> = EventStream::json(Events::new(body))
            .try_collect()
            .await
            .unwrap();
        assert_eq!(got.len(), 6);
        assert!(started.elapsed() > Duration::from_millis(400));
    })
    .await;
}

#[tokio::test]
async fn a_download_larger_than_the_buffered_limit_streams_whole() {
    within(Duration::from_secs(20), async {
        let server = StreamServer::start().await.unwrap();
        let client = Client::builder(server.base_url())
            .max_response_bytes(64 * 1024)
            .build()
            .unwrap();
        let size = 300_000;
        let req = || Request::get("download", "/v1/download").query("size", size);

        let buffered = client.execute(req()).await.unwrap_err();
        assert!(
            matches!(
                buffered.kind(),
                ErrorKind::ResponseTooLarge { limit: 65536, .. }
            ),
            "{buffered}"
        );

        let streamed = client.execute_stream(req()).await.unwrap();
        assert_eq!(
            streamed.response().headers()["content-type"],
            "application/octet-stream"
        );
        let chunks: Vec<_> = streamed.into_body().try_collect().await.unwrap();
        assert!(chunks.len() > 1, "arrived in pieces");
        let body: Vec<u8> = chunks.concat();
        assert_eq!(body.len(), size);
        assert!(body.iter().enumerate().all(|(i, b)| *b == (i % 251) as u8));

        // A download that breaks says how far it got.
        server.script("/v1/download", [StreamFault::BreakAfter(20_000)]);
        let mut body = client.execute_stream(req()).await.unwrap().into_body();
        let mut got = 0;
        let error = loop {
            match body.next().await {
                Some(Ok(chunk)) => got += chunk.len(),
                Some(Err(e)) => break e,
                None => panic!("a broken download must not end quietly"),
            }
        };
        assert_eq!(got, 20_000);
        assert!(
            error
                .to_string()
                .contains("the body broke off after 20000 bytes"),
            "{error}"
        );
        assert_eq!(server.count("/v1/download"), 3);
    })
    .await;
}

#[tokio::test]
async fn an_event_over_its_limit_ends_the_stream_after_the_ones_before_it() {
    within(Duration::from_secs(20), async {
        let server = StreamServer::start().await.unwrap();
        let req = Request::get("watch", "/v1/events").query("n", 12);
        let body = client(&server)
            .execute_stream(req)
            .await
            .unwrap()
            .into_body();
        // Events 0-9 carry 34 bytes of data, 10 and 11 carry 36.
        let limits = Limits {
            max_line: 1024,
            max_event: 35,
        };
        let mut events = Events::with_limits(body, limits);
        let mut delivered = 0;
        let error = loop {
            match events.next().await {
                Some(Ok(event)) => {
                    assert_eq!(event.id, Some(delivered.to_string()));
                    delivered += 1;
                }
                Some(Err(e)) => break e,
                None => panic!("an event over the limit must not end the stream quietly"),
            }
            assert!(delivered <= 12, "bounded");
        };
        assert_eq!(delivered, 10);
        assert!(
            matches!(
                error.kind(),
                ErrorKind::BodyBroken {
                    events: Some(10),
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(error.to_string().contains("max_event"), "{error}");
        assert!(events.next().await.is_none());
    })
    .await;
}
