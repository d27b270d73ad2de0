//! Streamed variants of operations: server-sent events and downloads.
//!
//! An operation gets a second method, `{name}_stream`, next to the
//! buffered one (`{name}_events` or `{name}_download` when the operation
//! is also a paginated list, whose `{name}_stream` is its stream of items:
//! see [`Kind::suffix`]) when a success response offers
//! - `text/event-stream`: the method returns a stream of typed events
//!   (`EventStream<T>`), `T` being the event's data schema: OpenAPI 3.2's
//!   `itemSchema` (its `data` property's `contentSchema`), else the
//!   component schema the media type's `x-threeam-event-schema` names,
//!   else its `schema` (how 3.0 and
//!   3.1 specs such as OpenAI's describe the data); without one, or when it
//!   is a plain string, the events come raw (`sse::Event`: name, data, id);
//! - a binary media type (the buffered method reads `Vec<u8>`): the method
//!   returns the body as a stream of `Bytes` chunks.
//!
//! Both go through the runtime's `generated::call_stream`, so retries,
//! failover and the breaker apply until the response head and never
//! after. The buffered method stays: an operation that answers JSON or an
//! event stream depending on a `stream` field of its body (OpenAI) keeps
//! its JSON method, and the stream method sets `"stream": true` itself.

use std::fmt::Write as _;

use threeam_spec::workspace::{At, Workspace};

use crate::names::lit;
use crate::types::{Ty, TypeDef, TypeSpace};

/// The extension a 3.0 or 3.1 spec can put on a `text/event-stream` media
/// object to name the schema of each event's data (a component schema's
/// name, or its `#/components/schemas/...` pointer as a string), when its
/// `schema` describes something else.
pub(crate) const EVENT_SCHEMA: &str = "x-threeam-event-schema";

/// The streamed method of one operation.
#[derive(Debug)]
pub(crate) struct StreamOp {
    pub(crate) method_name: String,
    pub(crate) kind: Kind,
}

#[derive(Debug)]
pub(crate) enum Kind {
    /// Server-sent events; `item`: the data's type, `None` for raw events.
    Events {
        item: Option<Ty>,
        /// The request body has a boolean `stream` field to set.
        flag: bool,
    },
    /// A binary body, in chunks.
    Download,
}

impl Kind {
    /// The suffix of the streamed method's name. `_stream` as a rule; a
    /// paginated list's `_stream` is its stream of items (as on every other
    /// list), so there the name says what streams instead: `_events` or
    /// `_download`. Decided by the operation alone, never by which name
    /// was claimed first, so both names are stable.
    pub(crate) fn suffix(&self, paginated: bool) -> &'static str {
        match (self, paginated) {
            (_, false) => "stream",
            (Kind::Events { .. }, true) => "events",
            (Kind::Download, true) => "download",
        }
    }
}

/// Whether (and how) an operation streams. `successes`: the operation's
/// 2xx response objects; `body`: its request body, if any; `binary`: the
/// buffered method reads bytes.
pub(crate) fn detect(
    ts: &mut TypeSpace<'_>,
    successes: &[At],
    body: Option<At>,
    binary: bool,
    type_base: &str,
) -> Option<Kind> {
    let ws = ts.ws;
    let sse = successes.iter().find_map(|resp| {
        let content = ws.get_resolved(*resp, "content")?;
        ws.entries(content)
            .find(|(ct, _)| ct.to_ascii_lowercase().starts_with("text/event-stream"))
            .map(|(_, media)| ws.resolve(media))
    });
    match sse {
        Some(media) => {
            let item = event_schema(ws, media)
                .map(|s| ts.ty_of(s, &format!("{type_base}_event")))
                .filter(|t| !matches!(t.strip_opt(), Ty::Str | Ty::Bytes | Ty::Unit));
            let flag = body.is_some_and(|b| has_stream_field(ws, b));
            Some(Kind::Events { item, flag })
        }
        None => binary.then_some(Kind::Download),
    }
}

/// The schema of one event's data, by the order in the module docs.
fn event_schema(ws: &Workspace, media: At) -> Option<At> {
    if let Some(item) = ws.get_resolved(media, "itemSchema") {
        // 3.2: the item is the whole event; its `data` names the content.
        return ws
            .get_resolved(item, "properties")
            .and_then(|p| ws.get_resolved(p, "data"))
            .and_then(|d| ws.get(d, "contentSchema"));
    }
    hinted_schema(ws, media).or_else(|| ws.get(media, "schema"))
}

/// The component schema the media object's [`EVENT_SCHEMA`] names, by name
/// (`Tick`) or local pointer (`#/components/schemas/Tick`). A string, not
/// a `$ref`: extension values are data, whose refs the loader leaves alone.
fn hinted_schema(ws: &Workspace, media: At) -> Option<At> {
    let hint = ws.get(media, EVENT_SCHEMA).and_then(|h| ws.str(h))?;
    let name = hint.strip_prefix("#/components/schemas/").unwrap_or(hint);
    let schemas = ws.get_resolved(ws.root()?, "components")?;
    ws.get_resolved(schemas, "schemas")
        .and_then(|all| ws.get(all, name))
}

/// Whether a request body's JSON schema has a boolean `stream` property,
/// directly or in one of its `allOf` parts.
fn has_stream_field(ws: &Workspace, body: At) -> bool {
    let Some(content) = ws.get_resolved(body, "content") else {
        return false;
    };
    let Some(schema) = ws
        .entries(content)
        .find(|(ct, _)| ct.to_ascii_lowercase().contains("json"))
        .and_then(|(_, m)| ws.get_resolved(m, "schema"))
    else {
        return false;
    };
    let parts = ws.get_resolved(schema, "allOf");
    let parts = parts
        .into_iter()
        .flat_map(|all| ws.items(all).map(|p| ws.resolve(p)));
    std::iter::once(schema).chain(parts).any(|s| {
        ws.get_resolved(s, "properties")
            .and_then(|p| ws.get_resolved(p, "stream"))
            .is_some_and(|field| is_boolean(ws, field))
    })
}

/// `type: boolean`, `type: [boolean, "null"]`, or an `anyOf`/`oneOf` with a
/// boolean alternative (OpenAI's nullable flags).
fn is_boolean(ws: &Workspace, schema: At) -> bool {
    let schema = ws.resolve(schema);
    if let Some(t) = ws.get(schema, "type") {
        if ws.str(t) == Some("boolean") || ws.items(t).any(|i| ws.str(i) == Some("boolean")) {
            return true;
        }
    }
    ["anyOf", "oneOf"].iter().any(|key| {
        ws.get_resolved(schema, key).is_some_and(|alts| {
            ws.items(alts).any(|alt| {
                let alt = ws.resolve(alt);
                ws.get(alt, "type").and_then(|t| ws.str(t)) == Some("boolean")
            })
        })
    })
}

/// The generated README's section on streamed methods: each operation
/// that has one, the method and what it yields (empty without any).
pub(crate) fn readme(ops: &[crate::ops::Op], defs: &[TypeDef]) -> String {
    let rows: Vec<String> = ops
        .iter()
        .filter_map(|op| {
            let s = op.streaming.as_ref()?;
            let gives = match &s.kind {
                Kind::Events { item: Some(t), .. } => {
                    format!("events, `data` as `{}`", t.render(defs))
                }
                Kind::Events { item: None, .. } => "events as they are (`sse::Event`)".to_owned(),
                Kind::Download => "the body's bytes, chunk by chunk (`ByteStream`)".to_owned(),
            };
            Some(format!(
                "| `{}` | `.{}(..)` | {gives} |\n",
                threeam_spec::model::one_line(&op.operation_id).replace(['`', '|'], "'"),
                s.method_name
            ))
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Streamed answers\n\nThese operations also have a method that returns the answer as it arrives\n(server-sent events up to `[DONE]`, or a download in chunks) instead of\nbuffering it. Retries, failover and the breaker apply until the response\nhead; nothing is retried after it, and a stream that breaks yields an error\nsaying how much had arrived.\n\n| operation | method | yields |\n|---|---|---|\n",
    );
    out.extend(rows);
    out
}

impl StreamOp {
    /// The type the method's `Reply` holds.
    pub(crate) fn value_ty(&self, defs: &[TypeDef]) -> String {
        match &self.kind {
            Kind::Events { item: Some(t), .. } => {
                format!("threeam_runtime::sse::EventStream<{}>", t.render(defs))
            }
            Kind::Events { item: None, .. } => {
                "threeam_runtime::sse::EventStream<threeam_runtime::sse::Event>".to_owned()
            }
            Kind::Download => "threeam_runtime::ByteStream".to_owned(),
        }
    }

    /// The sentence the method's docs add.
    pub(crate) fn doc(&self) -> &'static str {
        match &self.kind {
            Kind::Events { flag: true, .. } => "\n\nStreamed: sets `\"stream\": true` in the body and returns the server-sent events as they arrive, up to `[DONE]`. Retried only until the response head arrives; a stream that breaks yields an error saying how many events had arrived. The per-attempt timeout bounds each wait between events.",
            Kind::Events { flag: false, .. } => "\n\nStreamed: returns the server-sent events as they arrive, up to `[DONE]`. Retried only until the response head arrives; a stream that breaks yields an error saying how many events had arrived. The per-attempt timeout bounds each wait between events.",
            Kind::Download => "\n\nStreamed: returns the body in chunks as it arrives, without the buffered size limit. Retried only until the response head arrives; a body that breaks yields an error saying how many bytes had arrived. The per-attempt timeout bounds each wait between chunks.",
        }
    }

    /// The method's last lines: the streaming request settings and the
    /// call.
    pub(crate) fn render_tail(&self, out: &mut String, ind: &str, decode: &str) {
        let open = match &self.kind {
            Kind::Events { item, flag } => {
                let _ = writeln!(
                    out,
                    "{ind}    let req = req.header(\"accept\", {});",
                    lit("text/event-stream")
                );
                if *flag {
                    let _ = writeln!(out, "{ind}    let req = rt::stream_flag(req);");
                }
                if item.is_some() {
                    "rt::events"
                } else {
                    "rt::raw_events"
                }
            }
            Kind::Download => "rt::download",
        };
        let _ = writeln!(
            out,
            "{ind}    rt::call_stream(self, req, {decode}, {open}).await"
        );
    }
}
