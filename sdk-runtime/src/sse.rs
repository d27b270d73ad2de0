//! Server-sent events (`text/event-stream`), read incrementally.
//!
//! [`Parser`] follows the WHATWG HTML standard's event stream rules
//! (section 9.2.6): lines end with CR, LF or CRLF (also when a CRLF is
//! split between two chunks); a leading byte order mark is dropped; a line
//! starting with `:` is a comment; `field: value` loses one space after the
//! colon, and a line without a colon is a field with an empty value;
//! `data` lines are joined with `\n`; `event` names the event (`message`
//! when absent); `id` sets the last event id, which later events keep
//! until another `id` line (one containing NUL is ignored); `retry` sets
//! the reconnection time when it is all digits; unknown fields are
//! ignored; a blank line dispatches the event unless no `data` line came;
//! an event cut off by the end of the stream is dropped.
//!
//! The parser buffers at most one line and one event, each under a
//! [`Limits`] bound, so a hostile server cannot grow the client's memory
//! without end.
//!
//! [`Events`] runs the parser over a [`ByteStream`], and [`EventStream`]
//! types each event's `data` (JSON) and ends at the `[DONE]` sentinel that
//! OpenAI-style APIs send last.
//!
//! ```
//! use threeam_runtime::sse::{Limits, Parser};
//!
//! let mut parser = Parser::new(Limits::default());
//! let mut events = Vec::new();
//! parser.feed(b"event: delta\r\ndata: {\"text\":", &mut events).unwrap();
//! parser.feed(b"\"hi\"}\r\n\r\ndata: [DONE]\n\n", &mut events).unwrap();
//! assert_eq!(events[0].event, "delta");
//! assert_eq!(events[0].data, "{\"text\":\"hi\"}");
//! assert_eq!(events[1].data, "[DONE]");
//! ```

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use futures_util::stream::{Stream, StreamExt};

use crate::error::{Error, ErrorKind};
use crate::streamed::ByteStream;

/// The data an OpenAI-style stream sends last, meaning "no more events".
pub const DONE: &str = "[DONE]";

/// One dispatched event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// The event type: the last `event` field, or `message`.
    pub event: String,
    /// The `data` lines joined with `\n`.
    pub data: String,
    /// The last event id the stream set (it carries over to later events),
    /// if any.
    pub id: Option<String>,
    /// The reconnection time the stream last asked for (`retry`), if any.
    pub retry: Option<Duration>,
}

/// How much one event may hold: bounds on the parser's buffers.
///
/// The defaults are generous enough for the largest events real APIs send
/// (OpenAI's image streams carry base64 images of several MiB in one
/// `data` line) and small enough that a broken server cannot exhaust
/// memory.
///
/// ```
/// use threeam_runtime::sse::Limits;
///
/// let small = Limits { max_line: 1024, max_event: 4096 };
/// assert!(small.max_line < Limits::default().max_line);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The longest line, in bytes, without its line end (default 8 MiB).
    pub max_line: usize,
    /// The most `data` one event may collect, in bytes (default 16 MiB).
    pub max_event: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_line: 8 << 20,
            max_event: 16 << 20,
        }
    }
}

/// A bound of [`Limits`] was exceeded; the stream cannot be read further.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitExceeded {
    /// A line grew past `max_line` bytes without a line end.
    Line(usize),
    /// An event's data grew past `max_event` bytes without a blank line.
    Event(usize),
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(max) => write!(
                f,
                "a line grew past {max} bytes without a line end (raise Limits::max_line if the API sends such lines)"
            ),
            Self::Event(max) => write!(
                f,
                "an event's data grew past {max} bytes (raise Limits::max_event if the API sends such events)"
            ),
        }
    }
}

impl std::error::Error for LimitExceeded {}

/// An incremental `text/event-stream` parser: feed it bytes as they
/// arrive, in pieces of any size, and it hands out complete events.
///
/// ```
/// use threeam_runtime::sse::{Limits, Parser};
///
/// let mut parser = Parser::new(Limits::default());
/// let mut out = Vec::new();
/// for piece in [&b"data: a\r"[..], b"\ndata: b\r", b"\n\r", b"\n"] {
///     parser.feed(piece, &mut out).unwrap();
/// }
/// assert_eq!(out.len(), 1);
/// assert_eq!(out[0].data, "a\nb");
/// ```
#[derive(Debug)]
pub struct Parser {
    limits: Limits,
    /// The current line, up to its end.
    line: Vec<u8>,
    /// The last byte seen ended a line with CR: an LF next belongs to it.
    after_cr: bool,
    /// No line completed yet: the first may start with a byte order mark.
    first_line: bool,
    data: String,
    /// Whether a `data` field came since the last dispatch.
    has_data: bool,
    event: String,
    last_id: Option<String>,
    retry: Option<Duration>,
}

impl Parser {
    /// A parser at the start of a stream.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            line: Vec::new(),
            after_cr: false,
            first_line: true,
            data: String::new(),
            has_data: false,
            event: String::new(),
            last_id: None,
            retry: None,
        }
    }

    /// Reads `bytes` (the next piece of the stream) and appends the events
    /// it completes to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Event>) -> Result<(), LimitExceeded> {
        let mut rest = bytes;
        while let Some(&first) = rest.first() {
            if std::mem::take(&mut self.after_cr) && first == b'\n' {
                rest = &rest[1..];
                continue;
            }
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => {
                    self.extend_line(&rest[..end])?;
                    self.after_cr = rest[end] == b'\r';
                    let line = std::mem::take(&mut self.line);
                    self.process(&line, out)?;
                    // Reuse the allocation for the next line.
                    self.line = line;
                    self.line.clear();
                    rest = &rest[end + 1..];
                }
                None => {
                    self.extend_line(rest)?;
                    break;
                }
            }
        }
        Ok(())
    }

    /// The reconnection time the stream asked for last, if any.
    pub fn retry(&self) -> Option<Duration> {
        self.retry
    }

    fn extend_line(&mut self, piece: &[u8]) -> Result<(), LimitExceeded> {
        if self.line.len() + piece.len() > self.limits.max_line {
            return Err(LimitExceeded::Line(self.limits.max_line));
        }
        self.line.extend_from_slice(piece);
        Ok(())
    }

    /// One complete line.
    fn process(&mut self, line: &[u8], out: &mut Vec<Event>) -> Result<(), LimitExceeded> {
        let mut line = line;
        if std::mem::take(&mut self.first_line) {
            line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
        }
        if line.is_empty() {
            self.dispatch(out);
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(()); // a comment, often a keep-alive
        }
        let (field, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        let value = String::from_utf8_lossy(value);
        match field {
            b"data" => {
                let grown = self.data.len() + value.len() + usize::from(self.has_data);
                if grown > self.limits.max_event {
                    return Err(LimitExceeded::Event(self.limits.max_event));
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(&value);
                self.has_data = true;
            }
            b"event" => value.as_ref().clone_into(&mut self.event),
            b"id" if !value.contains('\0') => self.last_id = Some(value.into_owned()),
            b"retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits that overflow are a server's nonsense: keep the old.
                if let Ok(ms) = value.parse::<u64>() {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self, out: &mut Vec<Event>) {
        let event = std::mem::take(&mut self.event);
        if !std::mem::take(&mut self.has_data) {
            return;
        }
        out.push(Event {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone().filter(|id| !id.is_empty()),
            retry: self.retry,
        });
    }
}

/// The events of a streamed body, as they complete.
///
/// Yields every event the server sends (`[DONE]` included: see
/// [`EventStream`] for a stream that ends there). A body that breaks off,
/// or an event over its [`Limits`], yields one error of kind
/// [`ErrorKind::BodyBroken`] that says how many events had arrived, then
/// the stream ends; an event cut off by the end of the body is dropped, as
/// the standard says.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// use threeam_runtime::futures_util::StreamExt;
/// use threeam_runtime::sse::Events;
/// use threeam_runtime::Request;
///
/// let body = client.execute_stream(Request::get("watch", "/v1/events")).await?.into_body();
/// let mut events = Events::new(body);
/// while let Some(event) = events.next().await {
///     let event = event?;
///     println!("{}: {}", event.event, event.data);
/// }
/// # Ok(()) }
/// ```
pub struct Events {
    body: ByteStream,
    parser: Parser,
    ready: VecDeque<Event>,
    scratch: Vec<Event>,
    delivered: u64,
    bytes: u64,
    done: bool,
    /// The error that ends the stream, given after the events before it.
    failed: Option<Error>,
}

impl Events {
    /// The events of `body`, under the default [`Limits`].
    pub fn new(body: ByteStream) -> Self {
        Self::with_limits(body, Limits::default())
    }

    /// The events of `body`, under `limits`.
    pub fn with_limits(body: ByteStream, limits: Limits) -> Self {
        Self {
            body,
            parser: Parser::new(limits),
            ready: VecDeque::new(),
            scratch: Vec::new(),
            delivered: 0,
            bytes: 0,
            done: false,
            failed: None,
        }
    }

    /// How many events were handed out so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// This stream's error, for an event it cannot deliver.
    fn error(&self, kind: ErrorKind) -> Error {
        self.body.source().error(kind)
    }
}

impl Stream for Events {
    type Item = Result<Event, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(event) = this.ready.pop_front() {
                this.delivered += 1;
                return Poll::Ready(Some(Ok(event)));
            }
            if this.done {
                return Poll::Ready(this.failed.take().map(Err));
            }
            match ready!(this.body.poll_next_unpin(cx)) {
                Some(Ok(chunk)) => {
                    this.bytes += chunk.len() as u64;
                    let fed = this.parser.feed(&chunk, &mut this.scratch);
                    // Events completed before a line over the limit are
                    // still delivered, then the error.
                    this.ready.extend(this.scratch.drain(..));
                    if let Err(limit) = fed {
                        this.done = true;
                        this.failed = Some(this.error(ErrorKind::BodyBroken {
                            reading: "event stream",
                            bytes: this.bytes,
                            events: Some(this.delivered + this.ready.len() as u64),
                            detail: limit.to_string(),
                        }));
                    }
                }
                Some(Err(error)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error.with_events(this.delivered))));
                }
                None => this.done = true,
            }
        }
    }
}

impl fmt::Debug for Events {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Events")
            .field("delivered", &self.delivered)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// Server-sent events as typed values: each event's `data` decoded into
/// `T`, ending at the `[DONE]` sentinel (or at the end of the body).
///
/// Made by [`EventStream::json`] (data parsed as JSON into `T`, events
/// without data skipped) or [`EventStream::raw`] (the [`Event`] itself).
/// A `data` that does not decode yields an error of kind
/// [`ErrorKind::Decode`] naming the event; the stream goes on after it, so
/// the caller decides whether one odd event ends the conversation.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// use threeam_runtime::futures_util::StreamExt;
/// use threeam_runtime::sse::{EventStream, Events};
/// use threeam_runtime::Request;
///
/// #[derive(serde::Deserialize)]
/// struct Chunk { text: String }
///
/// let body = client.execute_stream(Request::post("chat", "/v1/chat")).await?.into_body();
/// let mut chunks = EventStream::<Chunk>::json(Events::new(body));
/// while let Some(chunk) = chunks.next().await {
///     print!("{}", chunk?.text);
/// }
/// # Ok(()) }
/// ```
pub struct EventStream<T> {
    events: Events,
    decode: fn(Event) -> Option<Result<T, String>>,
    ended: bool,
}

impl<T: serde::de::DeserializeOwned> EventStream<T> {
    /// Each event's data as JSON `T`.
    pub fn json(events: Events) -> Self {
        Self {
            events,
            decode: |event| {
                if event.data.is_empty() {
                    return None; // a keep-alive or a bare `event:` line
                }
                Some(
                    serde_json::from_str(&event.data)
                        .map_err(|e| format!("event of type {:?}: {e}", event.event)),
                )
            },
            ended: false,
        }
    }
}

impl EventStream<Event> {
    /// The events themselves, up to `[DONE]`.
    pub fn raw(events: Events) -> Self {
        Self {
            events,
            decode: |event| Some(Ok(event)),
            ended: false,
        }
    }
}

impl<T> Stream for EventStream<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.ended {
                return Poll::Ready(None);
            }
            let event = match ready!(this.events.poll_next_unpin(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(event)) => event,
            };
            if event.data == DONE {
                // Stop here, without waiting for the server to close.
                this.ended = true;
                return Poll::Ready(None);
            }
            let number = this.events.delivered();
            match (this.decode)(event) {
                None => continue,
                Some(Ok(value)) => return Poll::Ready(Some(Ok(value))),
                Some(Err(detail)) => {
                    let status = this.events.body.source().status();
                    let error = this.events.error(ErrorKind::Decode {
                        status,
                        detail: format!("event {number} of the stream, {detail}"),
                    });
                    return Poll::Ready(Some(Err(error)));
                }
            }
        }
    }
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream")
            .field("events", &self.events)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_in(pieces: &[&[u8]]) -> Vec<Event> {
        let mut parser = Parser::new(Limits::default());
        let mut out = Vec::new();
        for piece in pieces {
            parser.feed(piece, &mut out).unwrap();
        }
        out
    }

    /// Every split of `text` into two pieces, and byte by byte, gives the
    /// same events as the whole.
    fn same_at_every_split(text: &[u8]) -> Vec<Event> {
        let whole = parse_in(&[text]);
        for cut in 0..=text.len() {
            assert_eq!(
                parse_in(&[&text[..cut], &text[cut..]]),
                whole,
                "cut at {cut}"
            );
        }
        let bytes: Vec<&[u8]> = text.chunks(1).collect();
        assert_eq!(parse_in(&bytes), whole);
        whole
    }

    #[test]
    fn data_lines_join_with_newline_and_line_ends_mix() {
        let events = same_at_every_split(b"data: one\r\ndata:two\rdata:  three\n\r\n");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "one\ntwo\n three");
        assert_eq!(events[0].event, "message");
        assert_eq!(events[0].id, None);
    }

    #[test]
    fn event_id_and_retry_fields() {
        let text = b"event: delta\nid: 7\nretry: 2500\ndata: x\n\ndata: y\n\nid\ndata: z\n\n";
        let events = same_at_every_split(text);
        assert_eq!(events.len(), 3);
        assert_eq!(events[0].event, "delta");
        assert_eq!(events[0].id.as_deref(), Some("7"));
        assert_eq!(events[0].retry, Some(Duration::from_millis(2500)));
        // The event type resets; the last id carries over until reset.
        assert_eq!(events[1].event, "message");
        assert_eq!(events[1].id.as_deref(), Some("7"));
        // `id` without a colon: a field with an empty value, clearing it.
        assert_eq!(events[2].id, None);
    }

    #[test]
    fn comments_bom_and_bad_fields_are_ignored() {
        let text = "\u{feff}: keep-alive\nretry: 1x\nid: a\0b\nfoo: bar\ndata\n\n".as_bytes();
        let events = same_at_every_split(text);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "");
        assert_eq!(events[0].retry, None);
        assert_eq!(events[0].id, None);
    }

    #[test]
    fn a_bom_later_in_the_stream_is_data() {
        let events = parse_in(&["data: a\n\n\u{feff}data: b\n\n".as_bytes()]);
        assert_eq!(events.len(), 1, "the second line's field is not `data`");
    }

    #[test]
    fn no_dispatch_without_data_and_cut_off_event_dropped() {
        let events = parse_in(&[b"event: ping\n\ndata: kept\n\ndata: cut off"]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].data, "kept");
        assert_eq!(events[0].event, "message");
    }

    #[test]
    fn multibyte_characters_split_across_pieces_survive() {
        let events = same_at_every_split("data: héllo → 世界\n\n".as_bytes());
        assert_eq!(events[0].data, "héllo → 世界");
    }

    #[test]
    fn a_line_over_the_limit_is_refused_without_growing() {
        let mut parser = Parser::new(Limits {
            max_line: 16,
            max_event: 64,
        });
        let mut out = Vec::new();
        parser.feed(b"data: 0123456789", &mut out).unwrap();
        assert_eq!(parser.feed(b"a", &mut out), Err(LimitExceeded::Line(16)));
        assert!(parser.line.len() <= 16);
    }

    #[test]
    fn an_event_over_the_limit_is_refused() {
        let mut parser = Parser::new(Limits {
            max_line: 64,
            max_event: 20,
        });
        let mut out = Vec::new();
        parser.feed(b"data: 0123456789\n", &mut out).unwrap();
        let err = parser.feed(b"data: 0123456789\n", &mut out).unwrap_err();
        assert_eq!(err, LimitExceeded::Event(20));
        assert!(err.to_string().contains("max_event"));
        assert!(out.is_empty());
    }
}
