//! A second server on 127.0.0.1 for streamed responses: server-sent events
//! and large downloads, sent in pieces, with scripted breaks.
//!
//! Separate from [`TestServer`](crate::TestServer) because its answers are
//! bodies produced over time (a channel feeds them), where the main
//! server's are whole; keeping the two apart leaves the main server's
//! handlers simple.
//!
//! Routes (any method):
//! - `/v1/events?n=N&gap_ms=G`: `N` events (default 3), one every `G` ms
//!   (default 0), each `data` a JSON object `{"index": i, "text": ...}`
//!   with an `event:` name and an `id:`, then `data: [DONE]`. The stream
//!   opens with a byte order mark and a comment, mixes CRLF, CR and LF line
//!   ends, and is cut into pieces at awkward places (inside a CRLF, inside
//!   a multi-byte character, inside a field name).
//! - `/v1/download?size=S`: `S` bytes (default 1 MiB) of
//!   `application/octet-stream`, byte `i` being `i % 251`, in 8000-byte
//!   pieces.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use threeam_test_server::sse::{StreamFault, StreamServer};
//!
//! let server = StreamServer::start().await?;
//! server.script("/v1/events", [StreamFault::Status(503), StreamFault::BreakAfter(2)]);
//! assert!(server.base_url().starts_with("http://127.0.0.1:"));
//! assert_eq!(server.count("/v1/events"), 0);
//! # Ok(()) }
//! ```

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming};
use hyper::header::HeaderValue;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::lock;

/// One scripted misbehaviour of a streamed route, used once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StreamFault {
    /// Answer this status (a small JSON body) instead of streaming.
    Status(u16),
    /// Stream this many events (or, for a download, this many bytes), then
    /// break the connection mid-body.
    BreakAfter(usize),
    /// Stream this many events (or bytes), then send nothing more, keeping
    /// the connection open.
    StallAfter(usize),
}

#[derive(Default)]
struct Shared {
    log: Mutex<Vec<String>>,
    scripts: Mutex<HashMap<String, VecDeque<StreamFault>>>,
}

/// The streaming server; stops when dropped.
pub struct StreamServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: watch::Sender<bool>,
}

impl Drop for StreamServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

impl StreamServer {
    /// Starts on a random port of 127.0.0.1, on the current runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let (shutdown, rx) = watch::channel(false);
        tokio::spawn(accept_loop(listener, Arc::clone(&shared), rx));
        Ok(Self {
            addr,
            shared,
            shutdown,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues faults for a path (`/v1/events`), one per request.
    pub fn script(&self, path: &str, faults: impl IntoIterator<Item = StreamFault>) {
        lock(&self.shared.scripts)
            .entry(path.to_owned())
            .or_default()
            .extend(faults);
    }

    /// How many requests reached this path.
    pub fn count(&self, path: &str) -> usize {
        lock(&self.shared.log).iter().filter(|p| *p == path).count()
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = shutdown.changed() => return,
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let mut shutdown = shutdown.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| handle(Arc::clone(&shared), req));
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                _ = connection => {}
                _ = shutdown.changed() => {}
            }
        });
    }
}

/// A body fed by a channel: each message is one piece on the wire; an
/// `Err` breaks the connection (hyper aborts a body that fails).
struct Piecewise(mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl Body for Piecewise {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.get_mut()
            .0
            .poll_recv(cx)
            .map(|piece| piece.map(|r| r.map(Frame::data)))
    }
}

type Reply = Response<http_body_util::Either<http_body_util::Full<Bytes>, Piecewise>>;

fn query_number(query: &str, name: &str, default: usize) -> usize {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(default)
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Reply, Infallible> {
    use http_body_util::Either;
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    lock(&shared.log).push(path.clone());
    let fault = lock(&shared.scripts)
        .get_mut(&path)
        .and_then(VecDeque::pop_front);
    if let Some(StreamFault::Status(code)) = fault {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = format!("{{\"error\":{{\"message\":\"injected {code}\"}}}}");
        let mut resp = Response::new(Either::Left(http_body_util::Full::new(Bytes::from(body))));
        *resp.status_mut() = status;
        resp.headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
        return Ok(resp);
    }
    let (stop_after, stall) = match fault {
        Some(StreamFault::BreakAfter(n)) => (Some(n), false),
        Some(StreamFault::StallAfter(n)) => (Some(n), true),
        _ => (None, false),
    };
    let (content_type, pieces, gap) = match path.as_str() {
        "/v1/events" => {
            let n = query_number(&query, "n", 3);
            let gap = Duration::from_millis(query_number(&query, "gap_ms", 0) as u64);
            (
                "text/event-stream",
                event_pieces(n, stop_after.unwrap_or(n)),
                gap,
            )
        }
        "/v1/download" => {
            let size = query_number(&query, "size", 1 << 20);
            (
                "application/octet-stream",
                download_pieces(size.min(stop_after.unwrap_or(size))),
                Duration::ZERO,
            )
        }
        _ => {
            let mut resp = Response::new(Either::Left(http_body_util::Full::new(
                Bytes::from_static(b"{\"error\":{\"message\":\"no such route\"}}"),
            )));
            *resp.status_mut() = StatusCode::NOT_FOUND;
            return Ok(resp);
        }
    };
    let (tx, rx) = mpsc::channel(4);
    let full = stop_after.is_none();
    tokio::spawn(async move {
        for (i, piece) in pieces.into_iter().enumerate() {
            if i > 0 && !gap.is_zero() && piece.is_event_start {
                tokio::time::sleep(gap).await;
            } else {
                // Let each piece leave as its own write.
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            if tx.send(Ok(piece.bytes)).await.is_err() {
                return; // the client went away
            }
        }
        if full {
            return;
        }
        if stall {
            // Keep the connection open until the client gives up.
            tx.closed().await;
        } else {
            // Let the pieces already sent leave the socket first: hyper
            // drops what it still buffers when a body fails.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let broken = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "scripted break");
            let _ = tx.send(Err(broken)).await;
        }
    });
    let mut resp = Response::new(Either::Right(Piecewise(rx)));
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static(content_type));
    resp.headers_mut()
        .insert("x-request-id", HeaderValue::from_static("req_stream"));
    Ok(resp)
}

struct Piece {
    bytes: Bytes,
    /// The first piece of an event: where the gap between events goes.
    is_event_start: bool,
}

/// `sent` of `n` events as a byte stream, cut at awkward places; `[DONE]`
/// follows when all `n` are sent.
fn event_pieces(n: usize, sent: usize) -> Vec<Piece> {
    let mut pieces = vec![Piece {
        bytes: Bytes::from("\u{feff}: stream opened\r\n\r\n"),
        is_event_start: false,
    }];
    let ends = ["\r\n", "\n", "\r"];
    for i in 0..sent.min(n) {
        let end = ends[i % ends.len()];
        // "→" is three bytes in UTF-8; the cut below lands inside it for
        // some events, and inside the CRLF or the field name for others.
        let text = format!(
            "event: delta{end}id: {i}{end}data: {{\"index\": {i},{end}data: \"text\": \"part → {i}\"}}{end}{end}"
        );
        let bytes = text.into_bytes();
        let cut = (7 * i + 3) % bytes.len();
        let (a, b) = bytes.split_at(cut);
        pieces.push(Piece {
            bytes: Bytes::copy_from_slice(a),
            is_event_start: true,
        });
        let mid = b.len() / 2;
        let (b1, b2) = b.split_at(mid);
        for part in [b1, b2] {
            if !part.is_empty() {
                pieces.push(Piece {
                    bytes: Bytes::copy_from_slice(part),
                    is_event_start: false,
                });
            }
        }
    }
    if sent >= n {
        pieces.push(Piece {
            bytes: Bytes::from_static(b"data: [DONE]\r"),
            is_event_start: true,
        });
        pieces.push(Piece {
            bytes: Bytes::from_static(b"\n\r\n"),
            is_event_start: false,
        });
    }
    pieces
}

/// `size` bytes of the download, in 8000-byte pieces.
fn download_pieces(size: usize) -> Vec<Piece> {
    let all: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
    all.chunks(8000)
        .map(|c| Piece {
            bytes: Bytes::copy_from_slice(c),
            is_event_start: false,
        })
        .collect()
}
