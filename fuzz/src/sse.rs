//! The harness of `sse_chunks`: the runtime's server-sent events parser
//! (`threeam_runtime::sse::Parser`) fed arbitrary bytes in arbitrary
//! pieces.
//!
//! What must hold for any input and any split:
//! - nothing panics;
//! - the events (and the limit error that ends the stream, if any) are the
//!   same whether the bytes come whole, in the given pieces, or one byte
//!   at a time: a network may cut a stream anywhere;
//! - they are the events of [`reference`], a plain whole-input reading of
//!   the standard written separately from the parser, so a bug the
//!   incremental parser makes in every split alike is caught too;
//! - no event carries more `data` than `max_event`, and a line over
//!   `max_line` is refused.
//!
//! The limits are small and come from the input, so the bounds are hit
//! often.
//!
//! ```no_run
//! threeam_fuzz::sse::check(b"\x10\x20\x03\x05data: a\r\n\r\nevent: x\ndata: b\n\n");
//! ```

use threeam_runtime::sse::{Event, LimitExceeded, Limits, Parser};

/// What a stream gave: its events, and the limit error that ended it.
type Outcome = (Vec<Event>, Option<LimitExceeded>);

/// Reads `input` as `[line limit, event limit, piece count, piece sizes..,
/// stream bytes..]` and checks the parser on it (see the module docs).
pub fn check(input: &[u8]) {
    let [line, event, count, rest @ ..] = input else {
        return;
    };
    let limits = Limits {
        max_line: 1 + usize::from(*line),
        max_event: 1 + usize::from(*event) * 2,
    };
    let count = usize::from(*count % 16).min(rest.len());
    let (sizes, stream) = rest.split_at(count);

    let whole = feed(limits, std::iter::once(stream));
    let pieces = feed(limits, split(stream, sizes));
    let bytes = feed(limits, stream.chunks(1));
    assert_eq!(
        pieces, whole,
        "split at {sizes:?}, the stream reads otherwise"
    );
    assert_eq!(bytes, whole, "byte by byte, the stream reads otherwise");
    assert_eq!(
        whole,
        reference(stream, limits),
        "the parser disagrees with the reference"
    );
    for e in &whole.0 {
        assert!(
            e.data.len() <= limits.max_event,
            "an event holds {} bytes of data, over max_event {}",
            e.data.len(),
            limits.max_event
        );
    }
}

/// `stream` cut into pieces of the given sizes (cycled; a size 0 is an
/// empty piece, which must change nothing, and the piece after it takes at
/// least one byte, so the cutting ends), the rest as the last piece.
fn split<'a>(stream: &'a [u8], sizes: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut rest = stream;
    let mut sizes = sizes.iter().cycle();
    let mut after_empty = false;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut size = sizes.next().map_or(rest.len(), |s| usize::from(*s % 32));
        if after_empty {
            size = size.max(1);
        }
        after_empty = size == 0;
        let (piece, after) = rest.split_at(size.min(rest.len()));
        rest = after;
        Some(piece)
    })
}

/// Feeds the pieces until the first limit error.
fn feed<'a>(limits: Limits, pieces: impl Iterator<Item = &'a [u8]>) -> Outcome {
    let mut parser = Parser::new(limits);
    let mut events = Vec::new();
    for piece in pieces {
        if let Err(e) = parser.feed(piece, &mut events) {
            return (events, Some(e));
        }
    }
    (events, None)
}

/// The events of the whole of `stream`, read the way the standard
/// describes it (WHATWG HTML, "Interpreting an event stream"): lines end at
/// CRLF, LF or CR; a leading byte order mark is dropped; an empty line
/// dispatches; a line too long (or `data` too much) for `limits` ends the
/// stream with that error, the events before it kept. The last line,
/// without its end, is never processed, but its length still counts.
pub fn reference(stream: &[u8], limits: Limits) -> Outcome {
    let mut state = State::default();
    let mut events = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut first = true;
    while i < stream.len() {
        let end_len = match (stream[i], stream.get(i + 1)) {
            (b'\r', Some(b'\n')) => 2,
            (b'\r' | b'\n', _) => 1,
            _ => {
                i += 1;
                continue;
            }
        };
        let line = &stream[start..i];
        if line.len() > limits.max_line {
            return (events, Some(LimitExceeded::Line(limits.max_line)));
        }
        let line = match first {
            true => line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line),
            false => line,
        };
        first = false;
        if let Err(e) = state.line(line, limits, &mut events) {
            return (events, Some(e));
        }
        i += end_len;
        start = i;
    }
    if stream.len() - start > limits.max_line {
        return (events, Some(LimitExceeded::Line(limits.max_line)));
    }
    (events, None)
}

/// The fields collected since the last dispatch, and those that last.
#[derive(Default)]
struct State {
    data: Option<String>,
    event: String,
    id: String,
    retry: Option<std::time::Duration>,
}

impl State {
    fn line(
        &mut self,
        line: &[u8],
        limits: Limits,
        events: &mut Vec<Event>,
    ) -> Result<(), LimitExceeded> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            if let Some(data) = self.data.take() {
                events.push(Event {
                    event: if event.is_empty() {
                        "message".into()
                    } else {
                        event
                    },
                    data,
                    id: (!self.id.is_empty()).then(|| self.id.clone()),
                    retry: self.retry,
                });
            }
            return Ok(());
        }
        let text = String::from_utf8_lossy(line);
        if text.starts_with(':') {
            return Ok(());
        }
        let (field, value) = match text.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (text.as_ref(), ""),
        };
        match field {
            "data" => {
                let data = match self.data.take() {
                    Some(before) => before + "\n" + value,
                    None => value.to_owned(),
                };
                if data.len() > limits.max_event {
                    return Err(LimitExceeded::Event(limits.max_event));
                }
                self.data = Some(data);
            }
            "event" => value.clone_into(&mut self.event),
            "id" if !value.contains('\0') => value.clone_into(&mut self.id),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse() {
                    self.retry = Some(std::time::Duration::from_millis(ms));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_reads_the_standards_examples() {
        let limits = Limits::default();
        let (events, err) = reference(
            b"\xEF\xBB\xBFdata: YHOO\r\ndata: +2\rdata: 10\n\n: comment\nevent: add\nid: 7\ndata\n\nretry: 5x\ndata: x",
            limits,
        );
        assert_eq!(err, None);
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].data, "YHOO\n+2\n10");
        assert_eq!(events[0].event, "message");
        assert_eq!(
            (events[1].event.as_str(), events[1].data.as_str()),
            ("add", "")
        );
        assert_eq!(events[1].id.as_deref(), Some("7"));
    }

    #[test]
    fn the_checks_pass_on_hand_written_streams() {
        for input in [
            &b"\x10\x20\x03\x05\x00\x01data: a\r\n\r\nevent: x\ndata: b\n\n"[..],
            b"\x02\x01\x01\x01data: far too long\n\n",
            b"\xff\xff\x02\x03\x01id: 1\rretry: 99\r\rdata: \xe2\x82\r\n\r\n",
            b"\x40\x02\x00data: aa\ndata: bb\ndata: cc\n\n",
        ] {
            check(input);
        }
    }
}
