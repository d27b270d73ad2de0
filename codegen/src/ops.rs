//! Pass two: operations become methods.
//!
//! Each operation is read into an [`Op`] (parameters, body, success and
//! error types, all as [`Ty`]s from the type pass), then rendered as one
//! short async method that fills a runtime `Request` and hands it to the
//! shared `rt::call` helper.

use std::fmt::Write as _;

use threeam_spec::model::{one_line, Location, Model, Operation, Status};
use threeam_spec::workspace::{At, Workspace};

use crate::names::{self, doc_lines, lit, Names};
use crate::types::{DefKind, Ty, TypeDef, TypeSpace};

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loc {
    Path,
    Query,
    Header,
    Cookie,
}

#[derive(Debug)]
pub(crate) struct Param {
    pub(crate) rust: String,
    pub(crate) name: String,
    pub(crate) loc: Loc,
    pub(crate) ty: Ty,
    pub(crate) required: bool,
    pub(crate) style: &'static str,
    pub(crate) doc: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    Json,
    Form,
    Multipart,
    Binary,
    Text,
}

impl BodyKind {
    /// The variant of a body choice enum (and the word in its types' names).
    fn variant(self) -> &'static str {
        match self {
            BodyKind::Json => "Json",
            BodyKind::Form => "Form",
            BodyKind::Multipart => "Multipart",
            BodyKind::Binary => "Binary",
            BodyKind::Text => "Text",
        }
    }
}

/// One way to send a request body: a media type and its Rust type.
#[derive(Debug)]
pub(crate) struct Media {
    pub(crate) kind: BodyKind,
    pub(crate) content_type: String,
    pub(crate) ty: Ty,
}

#[derive(Debug)]
pub(crate) struct Body {
    /// The media types the body can be sent as, one per kind, by
    /// preference (JSON, form, multipart, text, binary).
    pub(crate) media: Vec<Media>,
    /// With several media types: the enum the caller picks one with.
    pub(crate) choice: Option<String>,
    pub(crate) required: bool,
    pub(crate) doc: Option<String>,
}

/// How a success body is read.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Read {
    Json(Ty),
    Unit,
    Bytes,
    Text,
}

impl Read {
    fn ty(&self) -> Ty {
        match self {
            Read::Json(t) => t.clone(),
            Read::Unit => Ty::Unit,
            Read::Bytes => Ty::Bytes,
            Read::Text => Ty::Str,
        }
    }
}

/// One response of an operation: its status, parsed by the model (a key
/// that is no status never gets here, so spec text never becomes a name).
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) status: Status,
    pub(crate) read: Read,
}

/// The success type of an operation.
#[derive(Debug)]
pub(crate) enum Success {
    One(Read),
    /// A generated enum (index into `Ops::enums`).
    Many(usize),
}

/// The error-body type of an operation.
#[derive(Debug)]
pub(crate) enum ErrBody {
    One(Ty),
    Many(usize),
}

/// A generated enum of responses by status.
#[derive(Debug)]
pub(crate) struct StatusEnum {
    pub(crate) name: String,
    pub(crate) doc: String,
    /// Variant name, status key, how it is read.
    pub(crate) variants: Vec<(String, Outcome)>,
    pub(crate) is_error: bool,
    /// The `#[cfg]` predicate it is compiled under (per-tag features,
    /// see `features.rs`); empty: always.
    pub(crate) cfg: String,
}

#[derive(Debug)]
pub(crate) struct Op {
    pub(crate) method_name: String,
    pub(crate) http: &'static str,
    pub(crate) path: String,
    pub(crate) operation_id: String,
    pub(crate) summary: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) deprecated: Option<String>,
    pub(crate) path_params: Vec<Param>,
    pub(crate) params: Vec<Param>,
    pub(crate) params_struct: Option<String>,
    pub(crate) body: Option<Body>,
    pub(crate) keyed: bool,
    /// The operation's own `security` (alternatives of scheme names);
    /// `None`: it has none, so the spec's top-level one applies.
    pub(crate) security: Option<Vec<Vec<String>>>,
    pub(crate) success: Success,
    pub(crate) error: ErrBody,
    /// A second, streamed method (server-sent events or a download).
    pub(crate) streaming: Option<crate::streaming::StreamOp>,
    /// `{Op}Error`, an alias of `error`'s type, when that type is not
    /// already named after this operation (a shared enum, a schema).
    pub(crate) error_alias: Option<String>,
    /// The documented success headers, typed (see `headers.rs`).
    pub(crate) headers: Option<crate::headers::Headers>,
    /// The `#[cfg]` predicate of its method and per-operation types
    /// (per-tag features, see `features.rs`); empty: always.
    pub(crate) cfg: String,
}

/// All operations and the enums they need.
pub(crate) struct Ops {
    pub(crate) ops: Vec<Op>,
    pub(crate) enums: Vec<StatusEnum>,
    /// Builders for body types with many optional fields.
    pub(crate) builders: Vec<crate::builders::Builder>,
    /// Which operations get `_pages` and `_stream` methods, by `ops` index.
    pub(crate) paging: Vec<crate::pagination::Plan>,
}

/// Names the `Client` type already uses.
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "from_runtime",
    "runtime",
    "with_options",
    "default_servers",
    "from_env",
    "env_prefix",
    "clone",
    "fmt",
];

pub(crate) fn collect(ts: &mut TypeSpace<'_>, model: &Model<'_>) -> Ops {
    let mut out = Ops {
        ops: Vec::new(),
        enums: Vec::new(),
        builders: Vec::new(),
        paging: Vec::new(),
    };
    let mut method_names = Names::with_reserved(CLIENT_METHODS);
    for op in model.operations() {
        let built = build_op(ts, model, &mut method_names, &mut out.enums, op);
        out.ops.push(built);
    }
    crate::headers::share(out.ops.iter_mut().filter_map(|o| o.headers.as_mut()));
    let bodies = out.ops.iter().flat_map(|o| &o.body).flat_map(|b| &b.media);
    out.builders = crate::builders::collect(ts, bodies.map(|m| &m.ty));
    out.paging = crate::pagination::plan(
        ts.ws,
        &ts.defs,
        model,
        model.operations(),
        &out.ops,
        &mut method_names,
    );
    for (op, plan) in out.ops.iter_mut().zip(&out.paging) {
        let paginated = matches!(plan, crate::pagination::Plan::Streams(_));
        if let Some(stream) = &mut op.streaming {
            let suffix = stream.kind.suffix(paginated);
            stream.method_name =
                method_names.claim(&format!("{}_{suffix}", names::unraw(&op.method_name)));
        }
    }
    out
}

fn str_at<'w>(ws: &'w Workspace, at: At, key: &str) -> Option<&'w str> {
    ws.get(at, key).and_then(|v| ws.str(v))
}

fn build_op(
    ts: &mut TypeSpace<'_>,
    model: &Model<'_>,
    method_names: &mut Names,
    enums: &mut Vec<StatusEnum>,
    operation: &Operation<'_>,
) -> Op {
    let ws = ts.ws;
    let op = operation.node;
    let http = operation.method.as_str();
    let path = operation.path.as_untrusted_str();
    let operation_id = str_at(ws, op, "operationId")
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| fallback_id(http, path));
    let method_name = method_names.claim(&names::snake(&operation_id, "call"));
    let type_base = names::upper_camel(&operation_id, "Op", "Operation");

    // Parameters, merged by the model (operation-level ones replace
    // path-level ones of the same name and location). The idempotency key,
    // under whichever name the spec uses, is the runtime's to fill.
    let key = model.idempotency_key(operation).map(|k| k.node);
    let keyed = key.is_some();
    let security = ws
        .get_resolved(op, "security")
        .map(|list| crate::auth::requirement(ws, list));
    let mut arg_names = Names::with_reserved(&["self", "body", "params", "req"]);
    let mut path_params = Vec::new();
    let mut params = Vec::new();
    for param in model.parameters(operation) {
        if Some(param.node) == key {
            continue;
        }
        let name = param.name.as_untrusted_str();
        let p = &param.node;
        let loc = match param.location {
            Location::Path => Loc::Path,
            Location::Query => Loc::Query,
            Location::Header => Loc::Header,
            Location::Cookie => Loc::Cookie,
        };
        if loc == Loc::Header {
            let lower = name.to_ascii_lowercase();
            // OpenAPI: these header parameters are ignored.
            if matches!(lower.as_str(), "accept" | "content-type" | "authorization") {
                continue;
            }
        }
        let schema = ws.get(*p, "schema").or_else(|| {
            ws.get(*p, "content")
                .and_then(|c| ws.entries(c).next().map(|(_, m)| m))
                .and_then(|m| ws.get(m, "schema"))
        });
        let hint = format!("{type_base}_{name}");
        let ty = match schema {
            Some(s) => ts.ty_of(s, &hint),
            None => Ty::Str,
        };
        let required =
            loc == Loc::Path || ws.get(*p, "required").and_then(|r| ws.bool(r)) == Some(true);
        let style = param_style(ws, *p, loc);
        let doc = str_at(ws, *p, "description").map(str::to_owned);
        let param = Param {
            rust: String::new(),
            name: name.to_owned(),
            loc,
            ty: if required { ty } else { ty.opt() },
            required,
            style,
            doc,
        };
        if loc == Loc::Path {
            path_params.push(param);
        } else {
            params.push(param);
        }
    }
    // Placeholders the spec forgot to declare still need a value.
    for placeholder in placeholders(path) {
        if !path_params.iter().any(|p| p.name == placeholder) {
            path_params.push(Param {
                rust: String::new(),
                name: placeholder,
                loc: Loc::Path,
                ty: Ty::Str,
                required: true,
                style: "Form",
                doc: None,
            });
        }
    }
    path_params.retain(|p| path.contains(&format!("{{{}}}", p.name)));
    for p in &mut path_params {
        p.rust = arg_names.claim(&names::snake(&p.name, "param"));
    }
    let mut field_names = Names::with_reserved(&[]);
    for p in &mut params {
        p.rust = field_names.claim(&names::snake(&p.name, "param"));
    }
    let params_struct = (!params.is_empty()).then(|| ts.names.claim(&format!("{type_base}Params")));

    let body = ws
        .get_resolved(op, "requestBody")
        .and_then(|b| build_body(ts, b, &type_base));

    // Responses.
    let mut successes: Vec<Outcome> = Vec::new();
    let mut errors: Vec<Outcome> = Vec::new();
    let mut default: Option<Outcome> = None;
    let mut success_nodes: Vec<At> = Vec::new();
    let mut default_node: Option<At> = None;
    for entry in model.responses(operation) {
        let resp = model.response(entry.response).node;
        let kind = match entry.status {
            Status::Default => 0,
            s if s.is_success() => 1,
            s if s.is_error() => 2,
            _ => continue,
        };
        let hint = match kind {
            1 => format!("{type_base}_response"),
            _ => format!("{type_base}_error"),
        };
        let read = response_read(ts, resp, &hint);
        if kind == 1 {
            success_nodes.push(resp);
        }
        let outcome = Outcome {
            status: entry.status,
            read,
        };
        match kind {
            0 => (default, default_node) = (Some(outcome), Some(resp)),
            1 => {
                successes.push(outcome);
                success_nodes.push(resp);
            }
            _ => errors.push(outcome),
        }
    }
    if success_nodes.is_empty() {
        success_nodes.extend(default_node);
    }
    if successes.is_empty() {
        if let Some(d) = &default {
            successes.push(d.clone());
        }
    } else if let Some(d) = default {
        errors.push(d);
    }
    let success = success_type(ts, enums, &type_base, &operation_id, successes);
    let enums_before = enums.len();
    let error = error_type(ts, enums, &type_base, &operation_id, errors);
    let binary = matches!(success, Success::One(Read::Bytes));
    let request_body = ws.get_resolved(op, "requestBody");
    let streaming = crate::streaming::detect(ts, &success_nodes, request_body, binary, &type_base)
        .map(|kind| crate::streaming::StreamOp {
            // Named in `collect`, once pagination has claimed its names.
            method_name: String::new(),
            kind,
        });
    // Callers name the error after the operation whatever its shape: an
    // enum or inline schema made for this operation already is; anything
    // else gets an alias.
    let own_name = format!("{type_base}Error");
    let error_alias = match &error {
        ErrBody::Many(i) if *i >= enums_before => None,
        ErrBody::One(Ty::Named(id)) if ts.defs[*id].name == own_name => None,
        _ => Some(ts.names.claim(&own_name)),
    };
    let headers = crate::headers::collect(ts, &success_nodes, &type_base);

    let deprecated = operation.deprecated.then(|| deprecation_note(operation));
    Op {
        method_name,
        http,
        path: path.to_owned(),
        operation_id,
        summary: str_at(ws, op, "summary").map(str::to_owned),
        description: str_at(ws, op, "description").map(str::to_owned),
        deprecated,
        path_params,
        params,
        params_struct,
        body,
        keyed,
        security,
        success,
        error,
        streaming,
        error_alias,
        headers,
        cfg: String::new(),
    }
}

/// A stable name for an operation without `operationId`: method and path.
fn fallback_id(http: &str, path: &str) -> String {
    let mut s = String::from(http);
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        s.push('_');
        if let Some(inner) = seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            s.push_str("by_");
            s.push_str(inner);
        } else {
            s.push_str(seg);
        }
    }
    s
}

fn placeholders(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else {
            break;
        };
        let name = &rest[start + 1..start + end];
        if !name.is_empty() && !out.iter().any(|n| n == name) {
            out.push(name.to_owned());
        }
        rest = &rest[start + end + 1..];
    }
    out
}

/// The `rt::Style` of a query parameter.
fn param_style(ws: &Workspace, p: At, loc: Loc) -> &'static str {
    // A parameter with `content` instead of `schema` is that media type's
    // text; the only one with a defined text form here is JSON.
    let json_content = ws
        .get(p, "content")
        .is_some_and(|c| ws.entries(c).any(|(ct, _)| ct.contains("json")));
    if loc == Loc::Query && json_content {
        return "Json";
    }
    let style = str_at(ws, p, "style").unwrap_or("form");
    let explode = ws
        .get(p, "explode")
        .and_then(|e| ws.bool(e))
        .unwrap_or(style == "form");
    match (loc, style) {
        (Loc::Query, "deepObject") => "Deep",
        (Loc::Query, "spaceDelimited") => "Space",
        (Loc::Query, "pipeDelimited") => "Pipe",
        (Loc::Query, _) if explode => "FormExploded",
        _ => "Form",
    }
}

/// How much this client prefers a media type (lower first).
fn media_rank(ct: &str) -> u8 {
    let ct = ct.to_ascii_lowercase();
    if ct.starts_with("application/json") {
        0
    } else if ct.contains("json") {
        1
    } else if ct.starts_with("application/x-www-form-urlencoded") {
        2
    } else if ct.starts_with("multipart/form-data") {
        3
    } else if ct.starts_with("text/") {
        4
    } else {
        5
    }
}

/// The media type this client reads, by preference.
fn pick_media(ws: &Workspace, content: At) -> Option<(String, At)> {
    ws.entries(content)
        .min_by_key(|(ct, _)| media_rank(ct))
        .map(|(ct, m)| (ct.to_owned(), ws.resolve(m)))
}

fn body_kind(ct: &str) -> BodyKind {
    let lower = ct.to_ascii_lowercase();
    if lower.contains("json") {
        BodyKind::Json
    } else if lower.starts_with("application/x-www-form-urlencoded") {
        BodyKind::Form
    } else if lower.starts_with("multipart/form-data") {
        BodyKind::Multipart
    } else if lower.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

/// A request body: every kind of media type it offers (the preferred media
/// type of each kind), so the caller can pick when there are several.
fn build_body(ts: &mut TypeSpace<'_>, body: At, type_base: &str) -> Option<Body> {
    let ws = ts.ws;
    let content = ws.get_resolved(body, "content")?;
    let mut entries: Vec<(&str, At)> = ws.entries(content).collect();
    // Stable: document order among media types of the same rank.
    entries.sort_by_key(|(ct, _)| media_rank(ct));
    let mut picked: Vec<(BodyKind, &str, At)> = Vec::new();
    for (ct, m) in entries {
        let kind = body_kind(ct);
        if picked.iter().all(|(k, _, _)| *k != kind) {
            picked.push((kind, ct, ws.resolve(m)));
        }
    }
    // The choice enum claims `{Op}Body` before the bodies' inline schemas,
    // which are then named by kind (`{Op}JsonBody`, `{Op}FormBody`).
    let choice = (picked.len() > 1).then(|| ts.names.claim(&format!("{type_base}Body")));
    let mut media: Vec<Media> = Vec::new();
    for (kind, ct, m) in picked {
        let hint = match choice {
            Some(_) => format!("{type_base}_{}_body", kind.variant()),
            None => format!("{type_base}_body"),
        };
        let ty = match (kind, ws.get(m, "schema")) {
            (BodyKind::Binary, _) => Ty::Bytes,
            (BodyKind::Text, _) => Ty::Str,
            (_, Some(s)) => ts.ty_of(s, &hint),
            (_, None) => Ty::Value,
        };
        let ty = ty.strip_opt().clone();
        // A multipart body is sent part by part: that needs a struct.
        let kind = match (kind, &ty) {
            (BodyKind::Multipart, Ty::Named(id))
                if matches!(ts.defs[*id].kind, DefKind::Struct(_)) =>
            {
                kind
            }
            (BodyKind::Multipart, _) => BodyKind::Json,
            _ => kind,
        };
        let ty = match (kind, ty) {
            (BodyKind::Form, Ty::Bytes) => Ty::Value,
            (_, t) => t,
        };
        // A multipart body sent as JSON instead adds nothing when JSON is
        // offered.
        if media.iter().all(|x| x.kind != kind) {
            media.push(Media {
                kind,
                content_type: ct.to_owned(),
                ty,
            });
        }
    }
    let choice = choice.filter(|_| media.len() > 1);
    Some(Body {
        media,
        choice,
        required: ws.get(body, "required").and_then(|r| ws.bool(r)) == Some(true),
        doc: str_at(ws, body, "description").map(str::to_owned),
    })
}

fn response_read(ts: &mut TypeSpace<'_>, resp: At, hint: &str) -> Read {
    let ws = ts.ws;
    let Some(content) = ws.get_resolved(resp, "content") else {
        return Read::Unit;
    };
    let Some((ct, media)) = pick_media(ws, content) else {
        return Read::Unit;
    };
    let lower = ct.to_ascii_lowercase();
    if lower.contains("json") || lower == "*/*" {
        match ws.get(media, "schema") {
            Some(s) => match ts.ty_of(s, hint) {
                Ty::Bytes => Read::Bytes,
                t => Read::Json(t),
            },
            None => Read::Json(Ty::Value),
        }
    } else if lower.starts_with("text/") {
        Read::Text
    } else {
        Read::Bytes
    }
}

/// A variant name made from the parsed status alone: `Status201`,
/// `Status4xx`, `Default`.
fn status_variant(status: Status) -> String {
    match status {
        Status::Code(code) => format!("Status{code}"),
        Status::Range(class) => format!("Status{class}xx"),
        Status::Default => "Default".into(),
    }
}

fn success_type(
    ts: &mut TypeSpace<'_>,
    enums: &mut Vec<StatusEnum>,
    base: &str,
    op_id: &str,
    outcomes: Vec<Outcome>,
) -> Success {
    let mut distinct: Vec<&Read> = Vec::new();
    for o in &outcomes {
        if !distinct.contains(&&o.read) {
            distinct.push(&o.read);
        }
    }
    match distinct.len() {
        0 => Success::One(Read::Unit),
        1 => Success::One(distinct[0].clone()),
        _ => {
            let name = ts.names.claim(&format!("{base}Response"));
            enums.push(StatusEnum {
                name,
                doc: format!("The success responses of `{op_id}`, by status."),
                variants: outcomes
                    .into_iter()
                    .map(|o| (status_variant(o.status), o))
                    .collect(),
                is_error: false,
                cfg: String::new(),
            });
            Success::Many(enums.len() - 1)
        }
    }
}

fn error_type(
    ts: &mut TypeSpace<'_>,
    enums: &mut Vec<StatusEnum>,
    base: &str,
    op_id: &str,
    outcomes: Vec<Outcome>,
) -> ErrBody {
    let typed: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| matches!(o.read, Read::Json(_)))
        .collect();
    let mut distinct: Vec<Ty> = Vec::new();
    for o in &typed {
        let t = o.read.ty();
        if !distinct.contains(&t) {
            distinct.push(t);
        }
    }
    match distinct.len() {
        0 => ErrBody::One(Ty::Value),
        1 => ErrBody::One(distinct.pop().unwrap_or(Ty::Value)),
        _ => {
            // Reuse an identical enum made for an earlier operation.
            let variants: Vec<(String, Outcome)> = typed
                .into_iter()
                .map(|o| (status_variant(o.status), o.clone()))
                .collect();
            if let Some(i) = enums
                .iter()
                .position(|e| e.is_error && same_variants(&e.variants, &variants))
            {
                return ErrBody::Many(i);
            }
            let name = ts.names.claim(&format!("{base}Error"));
            enums.push(StatusEnum {
                name,
                doc: format!("The documented error bodies of `{op_id}`, by status."),
                variants,
                is_error: true,
                cfg: String::new(),
            });
            ErrBody::Many(enums.len() - 1)
        }
    }
}

fn same_variants(a: &[(String, Outcome)], b: &[(String, Outcome)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.0 == y.0 && x.1.read == y.1.read)
}

/// `#[deprecated]` note: the sunset date the model read (`x-sunset`, or a
/// `Sunset` response header's example), written as an ISO date.
fn deprecation_note(op: &Operation<'_>) -> String {
    match op.sunset {
        Some(date) => {
            format!("deprecated by the API; it stops answering at its sunset date: {date}")
        }
        None => "deprecated by the API; move to its successor".to_owned(),
    }
}

/// How an argument is taken: strings by `&str`, copyable scalars by value,
/// everything else by reference.
pub(crate) fn arg_type(ty: &Ty, defs: &[TypeDef]) -> String {
    match ty {
        Ty::Str => "&str".into(),
        // `Copy` types go by value.
        Ty::Bool
        | Ty::I32
        | Ty::I64
        | Ty::U32
        | Ty::U64
        | Ty::F64
        | Ty::Uuid
        | Ty::DateTime
        | Ty::Date => ty.render(defs),
        Ty::Bytes => "&[u8]".into(),
        t => format!("&{}", t.render(defs)),
    }
}

impl Ops {
    /// The types operations send and receive (see `TypeSpace::mark_uses`).
    pub(crate) fn directions(&self) -> (Vec<Ty>, Vec<Ty>) {
        let mut sent = Vec::new();
        let mut received = Vec::new();
        for op in &self.ops {
            sent.extend(
                op.path_params
                    .iter()
                    .chain(&op.params)
                    .map(|p| p.ty.clone()),
            );
            if let Some(b) = &op.body {
                sent.extend(b.media.iter().map(|m| m.ty.clone()));
            }
            match &op.success {
                Success::One(r) => received.push(r.ty()),
                Success::Many(_) => {}
            }
            if let ErrBody::One(t) = &op.error {
                received.push(t.clone());
            }
            if let Some(crate::streaming::StreamOp {
                kind: crate::streaming::Kind::Events { item: Some(t), .. },
                ..
            }) = &op.streaming
            {
                received.push(t.clone());
            }
            if let Some(h) = &op.headers {
                received.extend(h.fields.iter().map(|f| f.ty.clone()));
            }
        }
        for e in &self.enums {
            received.extend(e.variants.iter().map(|(_, o)| o.read.ty()));
        }
        (sent, received)
    }

    pub(crate) fn success_ty(&self, op: &Op, defs: &[TypeDef]) -> String {
        let value = self.success_value_ty(op, defs);
        match &op.headers {
            Some(h) => format!("{value}, {}", h.name),
            None => value,
        }
    }

    /// The decoded success body's type, without the typed headers.
    pub(crate) fn success_value_ty(&self, op: &Op, defs: &[TypeDef]) -> String {
        match &op.success {
            Success::One(r) => r.ty().render(defs),
            Success::Many(i) => self.enums[*i].name.clone(),
        }
    }

    pub(crate) fn error_ty(&self, op: &Op, defs: &[TypeDef]) -> String {
        if let Some(alias) = &op.error_alias {
            return alias.clone();
        }
        self.error_target(op, defs)
    }

    /// The type an operation's error alias stands for.
    fn error_target(&self, op: &Op, defs: &[TypeDef]) -> String {
        match &op.error {
            ErrBody::One(t) => t.render(defs),
            ErrBody::Many(i) => self.enums[*i].name.clone(),
        }
    }

    /// The `impl Client` block with one method per operation.
    pub(crate) fn render_methods(&self, out: &mut String, defs: &[TypeDef]) {
        for (op, plan) in self.ops.iter().zip(&self.paging) {
            self.render_method(out, op, defs);
            crate::pagination::render(self, out, op, plan, defs);
        }
    }

    fn render_method(&self, out: &mut String, op: &Op, defs: &[TypeDef]) {
        self.render_variant(out, op, defs, None);
        if let Some(stream) = &op.streaming {
            self.render_variant(out, op, defs, Some(stream));
        }
    }

    /// One method of an operation: the buffered one, or (`stream`) its
    /// streamed variant.
    fn render_variant(
        &self,
        out: &mut String,
        op: &Op,
        defs: &[TypeDef],
        stream: Option<&crate::streaming::StreamOp>,
    ) {
        let ind = "    ";
        let mut doc = String::new();
        if let Some(s) = &op.summary {
            doc.push_str(s.trim());
            doc.push_str("\n\n");
        }
        if let Some(d) = &op.description {
            if op.summary.as_deref().map(str::trim) != Some(d.trim()) {
                doc.push_str(d.trim());
                doc.push_str("\n\n");
            }
        }
        let _ = write!(
            doc,
            "`{} {}` (operation `{}`)",
            op.http.to_ascii_uppercase(),
            op.path,
            op.operation_id
        );
        if op.keyed {
            doc.push_str(". An Idempotency-Key is sent and reused on retries; set your own with `CallOptions::idempotency_key`");
        }
        doc.push('.');
        if let Some(s) = stream {
            doc.push_str(s.doc());
        }
        let mut args_doc = String::new();
        for p in &op.path_params {
            if let Some(d) = &p.doc {
                let _ = writeln!(args_doc, "- `{}`: {}", names::unraw(&p.rust), one_line(d));
            }
        }
        if let Some(b) = &op.body {
            if let Some(d) = &b.doc {
                let _ = writeln!(args_doc, "- `body`: {}", one_line(d));
            }
        }
        if !args_doc.is_empty() {
            doc.push_str("\n\n# Arguments\n\n");
            doc.push_str(&args_doc);
        }
        doc_lines(out, ind, &doc);
        crate::features::attr(out, ind, &op.cfg);
        if let Some(note) = &op.deprecated {
            let _ = writeln!(out, "{ind}#[deprecated(note = {})]", lit(note));
        }
        let name = stream.map_or(&op.method_name, |s| &s.method_name);
        let _ = write!(out, "{ind}pub async fn {name}(&self");
        for p in &op.path_params {
            let _ = write!(out, ", {}: {}", p.rust, arg_type(&p.ty, defs));
        }
        if let Some(name) = &op.params_struct {
            let _ = write!(out, ", params: &{name}");
        }
        if let Some(b) = &op.body {
            let t = match (&b.choice, b.media.first()) {
                (Some(name), _) => format!("&{name}"),
                (None, Some(m)) if m.kind == BodyKind::Binary => "&[u8]".to_owned(),
                (None, Some(m)) if m.kind == BodyKind::Text => "&str".to_owned(),
                (None, Some(m)) => format!("&{}", m.ty.render(defs)),
                (None, None) => "&()".to_owned(),
            };
            if b.required {
                let _ = write!(out, ", body: {t}");
            } else {
                let _ = write!(out, ", body: Option<{t}>");
            }
        }
        let _ = writeln!(
            out,
            ") -> Result<Reply<{}>, Error<{}>> {{",
            stream.map_or_else(|| self.success_ty(op, defs), |s| s.value_ty(defs)),
            self.error_ty(op, defs)
        );
        self.render_request(out, op, defs, ind);
        let decode = self.decode_expr(op);
        let read = match &op.success {
            Success::One(Read::Json(_)) => "rt::json".to_owned(),
            Success::One(Read::Unit) => "rt::unit".to_owned(),
            Success::One(Read::Bytes) => "rt::bytes".to_owned(),
            Success::One(Read::Text) => "rt::text".to_owned(),
            Success::Many(i) => format!("{}::read", self.enums[*i].name),
        };
        match stream {
            Some(s) => s.render_tail(out, ind, &decode),
            None => {
                // Typed headers are parsed from the reply's raw ones.
                let typed = match op.headers {
                    Some(_) => ".map(Reply::with_typed_headers)",
                    None => "",
                };
                let _ = writeln!(
                    out,
                    "{ind}    rt::call(self, req, {decode}, {read}).await{typed}"
                );
            }
        }
        let _ = writeln!(out, "{ind}}}\n");
    }

    /// The decoder of an operation's documented error bodies.
    pub(crate) fn decode_expr(&self, op: &Op) -> String {
        match &op.error {
            ErrBody::One(_) => "rt::json_err".to_owned(),
            ErrBody::Many(i) => format!("{}::decode", self.enums[*i].name),
        }
    }

    /// The lines that build `req`, the operation's request, from its
    /// arguments (at `ind` plus one level).
    pub(crate) fn render_request(&self, out: &mut String, op: &Op, defs: &[TypeDef], ind: &str) {
        let _ = writeln!(
            out,
            "{ind}    let req = rt::request(self, Method::{}, {}, {}, {});",
            op.http.to_ascii_uppercase(),
            lit(&op.operation_id),
            lit(&op.path),
            op.keyed
        );
        if let Some(req) = &op.security {
            // `&[]` (the spec's `security: []`) sends no credentials.
            let _ = writeln!(
                out,
                "{ind}    const SECURITY: threeam_runtime::Security = {};",
                crate::auth::requirement_lit(req)
            );
            let _ = writeln!(out, "{ind}    let req = req.security(SECURITY);");
        }
        for p in &op.path_params {
            let _ = writeln!(
                out,
                "{ind}    let req = rt::path(req, {}, &{});",
                lit(&p.name),
                p.rust
            );
        }
        for p in &op.params {
            let value = format!("&params.{}", p.rust);
            let line = match p.loc {
                Loc::Query => format!(
                    "rt::query(req, {}, {value}, rt::Style::{})",
                    lit(&p.name),
                    p.style
                ),
                Loc::Header => format!("rt::header(req, {}, {value})", lit(&p.name)),
                Loc::Cookie => format!("rt::cookie(req, {}, {value})", lit(&p.name)),
                Loc::Path => continue,
            };
            let _ = writeln!(out, "{ind}    let req = {line};");
        }
        if let Some(b) = &op.body {
            let (open, close, var) = if b.required {
                ("", "", "body")
            } else {
                ("if let Some(body) = body { ", " } else { req }", "body")
            };
            match (&b.choice, b.media.first()) {
                (Some(name), _) => {
                    // The caller picked the media type: one arm per kind.
                    let (some, none) = if b.required { ("", "") } else { ("Some(", ")") };
                    let _ = writeln!(out, "{ind}    let req = match body {{");
                    for m in &b.media {
                        let send = send_expr(m, defs, var).replace('\n', "\n    ");
                        let _ = writeln!(
                            out,
                            "{ind}        {some}{name}::{}({var}){none} => {send},",
                            m.kind.variant()
                        );
                    }
                    if !b.required {
                        let _ = writeln!(out, "{ind}        None => req,");
                    }
                    let _ = writeln!(out, "{ind}    }};");
                }
                (None, Some(m)) => {
                    let expr = send_expr(m, defs, var);
                    let _ = writeln!(out, "{ind}    let req = {open}{expr}{close};");
                }
                (None, None) => {}
            }
        }
    }

    /// Per-operation body enums, for bodies offered in several media types:
    /// the caller picks one (`CreateUploadBody::Json(..)`, `::Form(..)`).
    pub(crate) fn render_bodies(&self, out: &mut String, defs: &[TypeDef]) {
        for op in &self.ops {
            let Some(b) = &op.body else { continue };
            let Some(name) = &b.choice else { continue };
            crate::features::attr(out, "", &op.cfg);
            let _ = writeln!(
                out,
                "/// The body of [`Client::{}`], in the media type you pick.",
                op.method_name
            );
            out.push_str("#[derive(Debug, Clone, PartialEq)]\n");
            let _ = writeln!(out, "pub enum {name} {{");
            for m in &b.media {
                doc_lines(
                    out,
                    "    ",
                    &format!("Sent as `{}`.", m.content_type.replace('`', "'")),
                );
                let ty = match m.kind {
                    BodyKind::Binary => "Vec<u8>".to_owned(),
                    BodyKind::Text => "String".to_owned(),
                    _ => m.ty.render(defs),
                };
                let _ = writeln!(out, "    {}({ty}),", m.kind.variant());
            }
            out.push_str("}\n\n");
        }
    }

    /// Per-operation `Params` structs (query, header and cookie parameters).
    pub(crate) fn render_params(&self, out: &mut String, defs: &[TypeDef]) {
        for op in &self.ops {
            let Some(name) = &op.params_struct else {
                continue;
            };
            crate::features::attr(out, "", &op.cfg);
            let _ = writeln!(
                out,
                "/// Query, header and cookie parameters of [`Client::{}`].",
                op.method_name
            );
            let all_optional = op.params.iter().all(|p| !p.required);
            if all_optional {
                out.push_str("#[derive(Debug, Clone, Default)]\n");
            } else {
                out.push_str("#[derive(Debug, Clone)]\n");
            }
            let _ = writeln!(out, "pub struct {name} {{");
            for p in &op.params {
                let mut doc = p.doc.clone().unwrap_or_default();
                if !doc.is_empty() {
                    doc.push_str("\n\n");
                }
                let where_ = match p.loc {
                    Loc::Query => "query",
                    Loc::Header => "header",
                    Loc::Cookie => "cookie",
                    Loc::Path => "path",
                };
                let _ = write!(doc, "Sent as {where_} parameter `{}`.", p.name);
                doc_lines(out, "    ", &doc);
                let _ = writeln!(out, "    pub {}: {},", p.rust, p.ty.render(defs));
            }
            out.push_str("}\n\n");
        }
    }

    /// `pub type {Op}Error = ...;` for operations whose error type is
    /// shared or a schema, so every error type is named after its operation.
    fn render_error_aliases(&self, out: &mut String, defs: &[TypeDef]) {
        for op in &self.ops {
            let Some(alias) = &op.error_alias else {
                continue;
            };
            let target = self.error_target(op, defs);
            let _ = writeln!(
                out,
                "/// The documented error body of [`Client::{}`] (`{}`).",
                op.method_name,
                target.replace('`', "")
            );
            crate::features::attr(out, "", &op.cfg);
            let _ = writeln!(out, "pub type {alias} = {target};");
        }
    }

    /// Builders for body types with many optional fields.
    /// `def_cfg`: the `#[cfg]` predicate of a type definition (per-tag
    /// features), which its builder shares.
    pub(crate) fn render_builders(
        &self,
        out: &mut String,
        defs: &[TypeDef],
        def_cfg: &dyn Fn(usize) -> String,
    ) {
        for b in &self.builders {
            crate::features::attr(out, "", &def_cfg(b.def));
            b.render(out, defs);
        }
    }

    /// The typed response headers of operations that document some.
    pub(crate) fn render_headers(&self, out: &mut String, defs: &[TypeDef]) {
        for op in &self.ops {
            if let Some(h) = &op.headers {
                // A struct other operations alias is compiled with any of them.
                let users = self.ops.iter().filter(|o| {
                    o.headers
                        .as_ref()
                        .is_some_and(|oh| oh.name == h.name || oh.same_as.as_ref() == Some(&h.name))
                });
                let cfg = match h.same_as {
                    Some(_) => op.cfg.clone(),
                    None => crate::features::any_of(users.map(|o| o.cfg.as_str())),
                };
                h.render(out, &op.method_name, defs, &cfg);
            }
        }
        // The aliases are listed without blank lines between them.
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
    }

    /// Status enums for operations with several success or error types,
    /// then the operations' error aliases.
    pub(crate) fn render_enums(&self, out: &mut String, defs: &[TypeDef]) {
        self.render_status_enums(out, defs);
        self.render_error_aliases(out, defs);
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
    }

    fn render_status_enums(&self, out: &mut String, defs: &[TypeDef]) {
        for e in &self.enums {
            doc_lines(out, "", &e.doc);
            crate::features::attr(out, "", &e.cfg);
            out.push_str("#[derive(Debug, Clone, PartialEq)]\n");
            let _ = writeln!(out, "pub enum {} {{", e.name);
            for (v, o) in &e.variants {
                let _ = writeln!(out, "    /// Status `{}`.", o.status);
                match &o.read {
                    Read::Unit => {
                        let _ = writeln!(out, "    {v},");
                    }
                    r => {
                        let _ = writeln!(out, "    {v}({}),", r.ty().render(defs));
                    }
                }
            }
            out.push_str("}\n\n");
            crate::features::attr(out, "", &e.cfg);
            let _ = writeln!(out, "impl {} {{", e.name);
            if e.is_error {
                out.push_str("    fn decode(status: u16, body: &[u8]) -> Option<Self> {\n");
                out.push_str("        match status {\n");
                for (v, o) in ordered(&e.variants) {
                    let _ = writeln!(
                        out,
                        "            {} => rt::json_err(status, body).map(Self::{v}),",
                        pattern(o.status)
                    );
                }
                if !e.variants.iter().any(|(_, o)| o.status == Status::Default) {
                    out.push_str("            _ => None,\n");
                }
                out.push_str("        }\n    }\n}\n\n");
            } else {
                out.push_str("    fn read(response: &threeam_runtime::Response) -> Result<Self, threeam_runtime::Error> {\n");
                out.push_str("        match response.status().as_u16() {\n");
                let ordered = ordered(&e.variants);
                let has_default = e.variants.iter().any(|(_, o)| o.status == Status::Default);
                for (i, (v, o)) in ordered.iter().enumerate() {
                    let pat = if !has_default && i + 1 == ordered.len() {
                        "_".to_owned()
                    } else {
                        pattern(o.status)
                    };
                    let expr = match &o.read {
                        Read::Unit => format!("Ok(Self::{v})"),
                        Read::Json(_) => format!("response.json().map(Self::{v})"),
                        Read::Bytes => format!("Ok(Self::{v}(response.body().to_vec()))"),
                        Read::Text => format!("Ok(Self::{v}(response.text().into_owned()))"),
                    };
                    let _ = writeln!(out, "            {pat} => {expr},");
                }
                out.push_str("        }\n    }\n}\n\n");
            }
        }
    }
}

/// Exact statuses first, then ranges, then `default`.
fn ordered(variants: &[(String, Outcome)]) -> Vec<&(String, Outcome)> {
    let rank = |s: Status| match s {
        Status::Code(_) => 0,
        Status::Range(_) => 1,
        Status::Default => 2,
    };
    let mut v: Vec<&(String, Outcome)> = variants.iter().collect();
    v.sort_by_key(|(_, o)| rank(o.status));
    v
}

/// The match pattern for a status, from the parsed value.
fn pattern(status: Status) -> String {
    match status {
        Status::Code(code) => code.to_string(),
        Status::Range(class) => {
            let low = u16::from(class) * 100;
            format!("{low}..={}", low + 99)
        }
        Status::Default => "_".into(),
    }
}

/// The expression that puts `var` (a reference) on `req` as `m`.
fn send_expr(m: &Media, defs: &[TypeDef], var: &str) -> String {
    match m.kind {
        BodyKind::Json => format!("req.json({var})"),
        BodyKind::Form => format!("rt::form(req, {var})"),
        BodyKind::Binary => format!("req.bytes({}, {var}.to_vec())", lit(&m.content_type)),
        BodyKind::Text => format!("req.bytes({}, {var}.to_owned())", lit(&m.content_type)),
        BodyKind::Multipart => format!("req.multipart({})", multipart_expr(&m.ty, defs, var)),
    }
}

fn multipart_expr(ty: &Ty, defs: &[TypeDef], var: &str) -> String {
    let empty = "threeam_runtime::Multipart::new()".to_owned();
    let Ty::Named(id) = ty else { return empty };
    let DefKind::Struct(s) = &defs[*id].kind else {
        return empty;
    };
    let mut parts: Vec<String> = Vec::new();
    for f in &s.fields {
        parts.push(match &f.ty {
            Ty::Bytes => format!("rt::file(form, {}, &{var}.{})", lit(&f.json), f.name),
            Ty::Opt(inner) if **inner == Ty::Bytes => format!(
                "match &{var}.{} {{ Some(data) => rt::file(form, {}, data), None => form }}",
                f.name,
                lit(&f.json)
            ),
            _ => format!("rt::part(form, {}, &{var}.{})", lit(&f.json), f.name),
        });
    }
    let Some(last) = parts.pop() else {
        return empty;
    };
    let mut e = String::from("{\n            let form = threeam_runtime::Multipart::new();\n");
    for p in parts {
        let _ = writeln!(e, "            let form = {p};");
    }
    let _ = write!(e, "            {last}\n        }}");
    e
}

#[cfg(test)]
#[path = "ops_tests.rs"]
mod tests;
