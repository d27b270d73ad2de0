//! Bodies read as they arrive: what [`Client::execute_stream`] returns.
//!
//! A buffered call reads the whole body under the per-attempt timeout and
//! `max_response_bytes`. That cannot work for an event stream that lasts
//! minutes or a download larger than memory, so a streamed call stops at
//! the response head and hands the body over as a [`ByteStream`]. Two
//! rules change once the head is in:
//! - nothing is retried: the caller may already hold part of the body, and
//!   a resend would deliver it again (the error says so);
//! - the per-attempt timeout becomes an idle timeout: each wait for the
//!   next chunk may last that long, and the stream as a whole has no
//!   deadline (a chat completion streaming for five minutes is fine; a
//!   server that goes silent for longer than the timeout is not).
//!
//! [`Client::execute_stream`]: crate::Client::execute_stream

use std::borrow::Cow;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream::{self, BoxStream, Stream, StreamExt};
use http::{Method, StatusCode};
use http_body_util::BodyExt;

use crate::error::{human, Error, ErrorKind, Inner, StopReason};
use crate::response::Response;

/// A call whose body is still arriving: the response head (its
/// [`Response::body`] is empty, except for a degraded answer) and the body
/// as a stream of chunks.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// use threeam_runtime::futures_util::TryStreamExt;
/// use threeam_runtime::Request;
///
/// let streamed = client.execute_stream(Request::get("export", "/v1/export")).await?;
/// assert!(streamed.response().status().is_success());
/// let chunks: Vec<_> = streamed.into_body().try_collect().await?;
/// # let _ = chunks;
/// # Ok(()) }
/// ```
pub struct Streamed {
    response: Response,
    body: ByteStream,
}

impl Streamed {
    pub(crate) fn new(
        mut response: Response,
        live: Option<hyper::body::Incoming>,
        idle: Duration,
    ) -> Self {
        let source = Arc::new(Source::of(&response));
        let body = match live {
            Some(live) => ByteStream::live(live, idle, source),
            // A degraded answer (or a body-less status) has its body
            // already: hand it over as one chunk.
            None => ByteStream::whole(std::mem::take(&mut response.body), source),
        };
        Self { response, body }
    }

    /// The response head: status, headers, request id, attempts, and how it
    /// was served.
    pub fn response(&self) -> &Response {
        &self.response
    }

    /// The body, chunk by chunk.
    pub fn into_body(self) -> ByteStream {
        self.body
    }

    /// The head and the body.
    pub fn into_parts(self) -> (Response, ByteStream) {
        (self.response, self.body)
    }
}

impl fmt::Debug for Streamed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streamed")
            .field("response", &self.response)
            .finish_non_exhaustive()
    }
}

/// What a streamed body's errors name: the call it belongs to.
pub(crate) struct Source {
    operation: Cow<'static, str>,
    method: Method,
    url: String,
    status: StatusCode,
    attempts: u32,
    connect_failures: u32,
    request_id: Option<String>,
    idempotency_key: Option<String>,
}

impl Source {
    fn of(response: &Response) -> Self {
        Self {
            operation: response.operation.clone(),
            method: response.method.clone(),
            url: response.url(),
            status: response.status,
            attempts: response.attempts,
            connect_failures: response.connect_failures,
            request_id: response.request_id.clone(),
            idempotency_key: response.idempotency_key.clone(),
        }
    }

    /// This call's error: `kind`, and no retry.
    pub(crate) fn error(&self, kind: ErrorKind) -> Error {
        let stop = match kind {
            ErrorKind::BodyBroken { .. } => StopReason::BodyStarted,
            _ => StopReason::Completed,
        };
        Error::from_inner(Inner {
            kind,
            stop,
            operation: self.operation.clone(),
            method: self.method.clone(),
            url: self.url.clone(),
            attempts: self.attempts,
            connect_failures: self.connect_failures,
            request_id: self.request_id.clone(),
            idempotency_key: self.idempotency_key.clone(),
            breaker: None,
        })
    }

    /// The status the body came with.
    pub(crate) fn status(&self) -> StatusCode {
        self.status
    }
}

/// A response body as it arrives: a [`Stream`] of non-empty [`Bytes`]
/// chunks, ending with `None` when the body is complete.
///
/// A body that breaks off (connection lost, nothing for the idle timeout)
/// yields one [`Error`] of kind [`ErrorKind::BodyBroken`] saying how many
/// bytes had arrived, then ends. No total size limit applies: stop reading
/// (drop the stream, which closes the connection) when you have enough.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use threeam_runtime::futures_util::StreamExt;
/// use threeam_runtime::Request;
///
/// let mut body = client.execute_stream(Request::get("export", "/v1/export")).await?.into_body();
/// let mut file = Vec::new();
/// while let Some(chunk) = body.next().await {
///     file.extend_from_slice(&chunk?);
/// }
/// # Ok(()) }
/// ```
pub struct ByteStream {
    chunks: BoxStream<'static, Result<Bytes, Error>>,
    source: Arc<Source>,
}

impl ByteStream {
    /// A body still on the wire.
    fn live(body: hyper::body::Incoming, idle: Duration, source: Arc<Source>) -> Self {
        let reading = Reading {
            body,
            idle,
            bytes: 0,
            source: Arc::clone(&source),
            done: false,
        };
        Self {
            chunks: stream::unfold(reading, Reading::next).boxed(),
            source,
        }
    }

    /// A body already read.
    fn whole(body: Bytes, source: Arc<Source>) -> Self {
        let chunk = (!body.is_empty()).then_some(Ok(body));
        Self {
            chunks: stream::iter(chunk).boxed(),
            source,
        }
    }

    pub(crate) fn source(&self) -> &Arc<Source> {
        &self.source
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().chunks.poll_next_unpin(cx)
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("operation", &self.source.operation)
            .finish_non_exhaustive()
    }
}

/// The state of a live body between chunks.
struct Reading {
    body: hyper::body::Incoming,
    idle: Duration,
    bytes: u64,
    source: Arc<Source>,
    done: bool,
}

impl Reading {
    /// The next data chunk, under the idle timeout; trailers and empty
    /// frames are skipped.
    async fn next(mut self) -> Option<(Result<Bytes, Error>, Self)> {
        if self.done {
            return None;
        }
        loop {
            let frame = match tokio::time::timeout(self.idle, self.body.frame()).await {
                Err(_) => {
                    let detail = format!(
                        "no data arrived for {} (the per-attempt timeout, which bounds each wait between chunks)",
                        human(self.idle)
                    );
                    return Some(self.broke(detail));
                }
                Ok(None) => return None,
                Ok(Some(Err(e))) => {
                    let detail = crate::transport::causes(&e);
                    return Some(self.broke(detail));
                }
                Ok(Some(Ok(frame))) => frame,
            };
            if let Ok(data) = frame.into_data() {
                if !data.is_empty() {
                    self.bytes += data.len() as u64;
                    return Some((Ok(data), self));
                }
            }
        }
    }

    fn broke(mut self, detail: String) -> (Result<Bytes, Error>, Self) {
        self.done = true;
        let error = self.source.error(ErrorKind::BodyBroken {
            reading: "body",
            bytes: self.bytes,
            events: None,
            detail,
        });
        (Err(error), self)
    }
}
