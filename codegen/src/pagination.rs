//! Pagination: which list operations get a stream of pages and a stream
//! of items, how their pages are followed, and the two methods.
//!
//! A list operation `list_x` gets `list_x_pages(..)` (a `Stream` of its
//! pages, each an ordinary call of `list_x`, so retries, the budget, the
//! breaker and the handle's `CallOptions` apply) and `list_x_stream(..)`
//! (the items of those pages). The walking is the runtime's
//! (`threeam_runtime::generated::paginate`); the code here only decides,
//! from the typed spec, how a page names the next one:
//!
//! - a cursor in the body: a `next_*` field (`next_cursor`,
//!   `next_page_token`, `next_starting_after`, `nextPageToken`, `next`)
//!   sent back as the matching query parameter, or Stripe's `has_more`
//!   with `starting_after` = the last item's `id`;
//! - a `Link: <..>; rel="next"` response header (GitHub): the next request
//!   goes to that URL, on the same server only;
//! - a `page` number or an `offset` query parameter: the walk stops on an
//!   empty page, or when a documented total is reached.
//!
//! An `x-threeam-pagination` extension on the operation declares the
//! scheme instead (see the crate README), or turns detection off with
//! `false`. When the items cannot be told from the schema (two arrays and
//! neither named `data` or `items`), no stream is generated and the report
//! says why: a wrong guess would compile and silently lose items.

use std::fmt::Write as _;

use threeam_spec::model::{Model, Operation};
use threeam_spec::workspace::{At, Workspace};

use crate::names::{self, doc_lines, lit, Names};
use crate::ops::{arg_type, Loc, Op, Ops, Read, Success};
use crate::types::{DefKind, Field, Ty, TypeDef};

/// The extension that declares (or turns off) an operation's scheme.
pub(crate) const EXTENSION: &str = "x-threeam-pagination";

/// A list operation and whether it got streams, for [`Summary`](crate::Summary)
/// and the generated README.
///
/// ```
/// let op = threeam_codegen::ListOperation {
///     operation: "listPayments".into(),
///     stream_method: Some("list_payments_stream".into()),
///     pages_method: Some("list_payments_pages".into()),
///     why: "cursor: `next_starting_after` sent as `starting_after`".into(),
/// };
/// assert!(op.stream_method.is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListOperation {
    /// The operation's `operationId` (or its method and path).
    pub operation: String,
    /// The method that returns a stream of its items, if it got one.
    pub stream_method: Option<String>,
    /// The method that returns a stream of its pages, if it got one
    /// (usually `stream_method` with `_pages` for `_stream`).
    pub pages_method: Option<String>,
    /// How pages are followed and what told (when it got streams), or why
    /// it got none.
    pub why: String,
}

/// Where the next cursor comes from.
#[derive(Debug, Clone)]
enum Source {
    /// A body field (Rust name, type).
    Field(String, Ty),
    /// The last item's field (Rust name, type).
    LastItem(String, Ty),
    /// A field of a body field (Asana's `next_page.offset`): the outer
    /// field's Rust name and whether it is optional, the inner's name and
    /// type.
    Nested(String, bool, String, Ty),
}

/// How an operation's pages name the next one.
#[derive(Debug, Clone)]
enum Scheme {
    Cursor {
        /// Index into `Op::params`.
        param: usize,
        source: Source,
        /// A `has_more` flag: (Rust name, whether it is optional).
        has_more: Option<(String, bool)>,
    },
    Link,
    Page {
        param: usize,
        /// A total item count: Rust name and type.
        total: Option<(String, Ty)>,
    },
    Offset {
        param: usize,
        total: Option<(String, Ty)>,
    },
}

/// Where a page's items are.
#[derive(Debug, Clone)]
enum Items {
    /// The response is the array.
    Whole(Ty),
    /// A field: Rust name, item type, whether the field is optional.
    Field(String, Ty, bool),
}

impl Items {
    fn item_ty(&self) -> &Ty {
        match self {
            Items::Whole(t) | Items::Field(_, t, _) => t,
        }
    }

    /// `page.len()`-like expression on a `Reply` named `page`.
    fn count(&self) -> String {
        match self {
            Items::Whole(_) => "page.len()".into(),
            Items::Field(f, _, false) => format!("page.{f}.len()"),
            Items::Field(f, _, true) => format!("page.{f}.as_ref().map_or(0, Vec::len)"),
        }
    }

    /// The last item as an `Option<&Item>`.
    fn last(&self) -> String {
        match self {
            Items::Whole(_) => "page.last()".into(),
            Items::Field(f, _, false) => format!("page.{f}.last()"),
            Items::Field(f, _, true) => format!("page.{f}.as_ref().and_then(|items| items.last())"),
        }
    }

    /// The items of an owned page value named `page`.
    fn take(&self) -> String {
        match self {
            Items::Whole(_) => "page.into_inner()".into(),
            Items::Field(f, _, false) => format!("page.into_inner().{f}"),
            Items::Field(f, _, true) => format!("page.into_inner().{f}.unwrap_or_default()"),
        }
    }
}

/// An operation that gets streams.
#[derive(Debug, Clone)]
pub(crate) struct Paging {
    scheme: Scheme,
    items: Items,
    pages_method: String,
    stream_method: String,
    why: String,
}

/// What pagination makes of one operation.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// Not a list (or nothing that says so).
    NotList,
    /// A list that got no streams, and why.
    Skipped(String),
    Streams(Box<Paging>),
}

impl Plan {
    /// The methods this plan adds: pages, then items.
    pub(crate) fn methods(&self) -> impl Iterator<Item = &str> {
        let streams = match self {
            Plan::Streams(p) => Some([p.pages_method.as_str(), p.stream_method.as_str()]),
            _ => None,
        };
        streams.into_iter().flatten()
    }
}

/// The plans of all operations, in `ops` order. Method names are claimed
/// after every operation has its own, so a stream never takes an
/// operation's name.
pub(crate) fn plan(
    ws: &Workspace,
    defs: &[TypeDef],
    model: &Model<'_>,
    operations: &[Operation<'_>],
    ops: &[Op],
    method_names: &mut Names,
) -> Vec<Plan> {
    operations
        .iter()
        .zip(ops)
        .map(|(operation, op)| {
            let found = match detect(ws, defs, model, operation, op) {
                Ok(found) => found,
                Err(reason) => return reason,
            };
            let (scheme, items, why) = found;
            let base = names::unraw(&op.method_name);
            Plan::Streams(Box::new(Paging {
                scheme,
                items,
                pages_method: method_names.claim(&format!("{base}_pages")),
                stream_method: method_names.claim(&format!("{base}_stream")),
                why,
            }))
        })
        .collect()
}

/// The report line of each list operation.
pub(crate) fn report(ops: &[Op], plans: &[Plan]) -> Vec<ListOperation> {
    ops.iter()
        .zip(plans)
        .filter_map(|(op, plan)| {
            let (stream_method, pages_method, why) = match plan {
                Plan::NotList => return None,
                Plan::Skipped(why) => (None, None, why.clone()),
                Plan::Streams(p) => (
                    Some(p.stream_method.clone()),
                    Some(p.pages_method.clone()),
                    p.why.clone(),
                ),
            };
            Some(ListOperation {
                operation: op.operation_id.clone(),
                stream_method,
                pages_method,
                why,
            })
        })
        .collect()
}

/// Words compared without case or separators: `next_page_token`,
/// `nextPageToken` and `next-page-token` are one name.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Query parameters that name a page: a list that takes one is a list.
const PAGING_PARAMS: &[&str] = &[
    "page",
    "pagenumber",
    "offset",
    "skip",
    "cursor",
    "after",
    "startingafter",
    "pagetoken",
    "perpage",
    "pagesize",
    "limit",
];

/// Body fields that name the total number of items.
const TOTAL_FIELDS: &[&str] = &[
    "total",
    "totalcount",
    "totalresults",
    "totalitems",
    "totalsize",
];

type Found = (Scheme, Items, String);

fn detect(
    ws: &Workspace,
    defs: &[TypeDef],
    model: &Model<'_>,
    operation: &Operation<'_>,
    op: &Op,
) -> Result<Found, Plan> {
    let declared = ws.get_resolved(operation.node, EXTENSION);
    if let Some(d) = declared {
        if ws.bool(d) == Some(false) {
            return Err(Plan::Skipped(format!("turned off by `{EXTENSION}: false`")));
        }
    }
    let page_ty = match &op.success {
        Success::One(Read::Json(t)) => Some(t.strip_opt().clone()),
        _ => None,
    };
    let fields: &[Field] = match &page_ty {
        Some(Ty::Named(id)) => match &defs[*id].kind {
            DefKind::Struct(s) => &s.fields,
            _ => &[],
        },
        _ => &[],
    };
    let looks_like_list = declared.is_some()
        || (op.http == "get"
            && (matches!(page_ty, Some(Ty::Vec(_)))
                || op.params.iter().any(|p| {
                    p.loc == Loc::Query && PAGING_PARAMS.contains(&norm(&p.name).as_str())
                })
                || fields.iter().any(|f| {
                    let n = norm(f.json.as_untrusted_str());
                    n == "hasmore" || (n.starts_with("next") && n.len() > 4)
                })));
    if !looks_like_list {
        return Err(Plan::NotList);
    }
    let skip = |why: String| Plan::Skipped(why);
    if page_ty.is_none() {
        return Err(skip("the success response is not one JSON type".into()));
    }
    if op.body.as_ref().is_some_and(|b| b.required) {
        return Err(skip("it takes a required request body".into()));
    }
    match declared {
        Some(d) => declared_scheme(ws, defs, op, page_ty.as_ref(), fields, d),
        None => detected_scheme(defs, model, operation, op, page_ty.as_ref(), fields),
    }
}

/// The items of a page: the `declared` field, else the response itself
/// when it is an array, else `data` or `items`, else the only array field.
fn find_items(
    page: Option<&Ty>,
    fields: &[Field],
    declared: Option<&str>,
) -> Result<Items, String> {
    let array = |t: &Ty| match t.strip_opt() {
        Ty::Vec(item) => Some((**item).clone()),
        _ => None,
    };
    let of = |f: &Field| {
        array(&f.ty).map(|item| Items::Field(f.name.clone(), item, matches!(f.ty, Ty::Opt(_))))
    };
    if let Some(name) = declared {
        let f = fields.iter().find(|f| f.json == name).ok_or_else(|| {
            format!(
                "`{EXTENSION}` names items `{}`, which the response does not have",
                one_line(name)
            )
        })?;
        return of(f).ok_or_else(|| {
            format!(
                "`{EXTENSION}` names items `{}`, which is not an array",
                one_line(name)
            )
        });
    }
    if let Some(item) = page.and_then(array) {
        return Ok(Items::Whole(item));
    }
    let arrays: Vec<&Field> = fields.iter().filter(|f| array(&f.ty).is_some()).collect();
    if let Some(f) = arrays
        .iter()
        .find(|f| matches!(norm(f.json.as_untrusted_str()).as_str(), "data" | "items"))
    {
        return of(f).ok_or_else(String::new);
    }
    match arrays.as_slice() {
        [one] => of(one).ok_or_else(String::new),
        [] => Err("the response has no array of items".into()),
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|f| format!("`{}`", one_line(f.json.as_untrusted_str())))
                .collect();
            Err(format!(
                "the items could be any of {}: name them with `{EXTENSION}: {{items: ..}}`",
                list.join(", ")
            ))
        }
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('`', "'")
}

/// The query parameter (index into `op.params`) whose name is one of `names` (normalised).
fn param_named(op: &Op, names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| {
        op.params
            .iter()
            .position(|p| p.loc == Loc::Query && norm(&p.name) == *n)
    })
}

fn has_link_header(model: &Model<'_>, operation: &Operation<'_>) -> bool {
    model
        .responses(operation)
        .iter()
        .filter(|e| e.status.is_success())
        .any(|e| {
            model
                .headers(model.response(e.response))
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case("link"))
        })
}

fn flag(fields: &[Field], names: &[&str], ok: impl Fn(&Ty) -> bool) -> Option<(String, bool)> {
    fields
        .iter()
        .find(|f| names.contains(&norm(f.json.as_untrusted_str()).as_str()) && ok(f.ty.strip_opt()))
        .map(|f| (f.name.clone(), matches!(f.ty, Ty::Opt(_))))
}

fn is_int(t: &Ty) -> bool {
    matches!(t, Ty::I32 | Ty::I64 | Ty::U32 | Ty::U64)
}

fn is_scalar(t: &Ty) -> bool {
    is_int(t) || matches!(t, Ty::Str | Ty::Uuid)
}

fn detected_scheme(
    defs: &[TypeDef],
    model: &Model<'_>,
    operation: &Operation<'_>,
    op: &Op,
    page: Option<&Ty>,
    fields: &[Field],
) -> Result<Found, Plan> {
    let items = find_items(page, fields, None).map_err(Plan::Skipped)?;
    let has_more = flag(fields, &["hasmore"], |t| *t == Ty::Bool);
    // 1. A `next_*` field fed back into the query parameter it names.
    for f in fields.iter().filter(|f| is_scalar(f.ty.strip_opt())) {
        let n = norm(f.json.as_untrusted_str());
        let Some(rest) = n.strip_prefix("next") else {
            continue;
        };
        let wanted: Vec<&str> = match rest {
            "" => vec![
                "cursor",
                "after",
                "next",
                "pagetoken",
                "startingafter",
                "token",
            ],
            "cursor" => vec!["cursor", "after"],
            "pagetoken" | "token" => vec!["pagetoken", "token"],
            "page" => vec!["page", "pagetoken"],
            r => vec![r],
        };
        if let Some(param) = param_named(op, &wanted) {
            let why = format!(
                "cursor: body field `{}` sent back as `{}`",
                one_line(f.json.as_untrusted_str()),
                one_line(&op.params[param].name)
            );
            let scheme = Scheme::Cursor {
                param,
                source: Source::Field(f.name.clone(), f.ty.clone()),
                has_more: has_more.clone(),
            };
            return checked(op, scheme, items, why);
        }
    }
    // 1b. A cursor one level down (`next_page: {offset, path}`): the field
    // of `next_*` named like a query parameter.
    for f in fields
        .iter()
        .filter(|f| norm(f.json.as_untrusted_str()).starts_with("next"))
    {
        let Ty::Named(id) = f.ty.strip_opt() else {
            continue;
        };
        let DefKind::Struct(inner) = &defs[*id].kind else {
            continue;
        };
        for sf in inner
            .fields
            .iter()
            .filter(|sf| is_scalar(sf.ty.strip_opt()))
        {
            let n = norm(sf.json.as_untrusted_str());
            if matches!(n.as_str(), "limit" | "uri" | "url" | "path") {
                continue;
            }
            if let Some(param) = param_named(op, &[n.as_str()]) {
                let why = format!(
                    "cursor: body field `{}.{}` sent back as `{}`",
                    one_line(f.json.as_untrusted_str()),
                    one_line(sf.json.as_untrusted_str()),
                    one_line(&op.params[param].name)
                );
                let source = Source::Nested(
                    f.name.clone(),
                    matches!(f.ty, Ty::Opt(_)),
                    sf.name.clone(),
                    sf.ty.clone(),
                );
                let scheme = Scheme::Cursor {
                    param,
                    source,
                    has_more: has_more.clone(),
                };
                return checked(op, scheme, items, why);
            }
        }
    }
    // 2. Stripe: `has_more` and `starting_after` = the last item's id.
    if let (Some(_), Some(param)) = (&has_more, param_named(op, &["startingafter"])) {
        if let Some(id) = item_field(defs, &items, "id") {
            let why = format!(
                "cursor: `has_more`, and the last item's `id` sent as `{}`",
                one_line(&op.params[param].name)
            );
            let scheme = Scheme::Cursor {
                param,
                source: Source::LastItem(id.0, id.1),
                has_more,
            };
            return checked(op, scheme, items, why);
        }
    }
    // 3. GitHub: a documented `Link` header.
    if has_link_header(model, operation) {
        let why = "the `Link: <..>; rel=\"next\"` header its response documents".to_owned();
        return checked(op, Scheme::Link, items, why);
    }
    // 4. A page number or an offset.
    let total = fields
        .iter()
        .find(|f| {
            TOTAL_FIELDS.contains(&norm(f.json.as_untrusted_str()).as_str())
                && is_int(f.ty.strip_opt())
        })
        .map(|f| (f.name.clone(), f.ty.clone()));
    let total_note = |t: &Option<(String, Ty)>| match t {
        Some(_) => " or the total is reached",
        None => "",
    };
    if let Some(param) = param_named(op, &["page", "pagenumber"]) {
        let why = format!(
            "page numbers in `{}`, until an empty page{}",
            one_line(&op.params[param].name),
            total_note(&total)
        );
        return checked(op, Scheme::Page { param, total }, items, why);
    }
    if let Some(param) = param_named(op, &["offset", "skip"]) {
        let why = format!(
            "offsets in `{}`, until an empty page{}",
            one_line(&op.params[param].name),
            total_note(&total)
        );
        return checked(op, Scheme::Offset { param, total }, items, why);
    }
    Err(Plan::Skipped(
        "no next-page cursor, `Link` header, page or offset parameter found; declare one with `x-threeam-pagination`".into(),
    ))
}

/// The field `json` of the items (Rust name and type), when they are
/// structs with one.
fn item_field(defs: &[TypeDef], items: &Items, json: &str) -> Option<(String, Ty)> {
    let Ty::Named(id) = items.item_ty().strip_opt() else {
        return None;
    };
    let DefKind::Struct(s) = &defs[*id].kind else {
        return None;
    };
    s.fields
        .iter()
        .find(|f| f.json == json)
        .map(|f| (f.name.clone(), f.ty.clone()))
}

/// The scheme, if its types fit the parameter they feed.
fn checked(op: &Op, scheme: Scheme, items: Items, why: String) -> Result<Found, Plan> {
    let param_ty = |i: usize| op.params[i].ty.strip_opt().clone();
    let fits = match &scheme {
        Scheme::Cursor { param, source, .. } => {
            let from = match source {
                Source::Field(_, t) | Source::LastItem(_, t) | Source::Nested(_, _, _, t) => {
                    t.strip_opt()
                }
            };
            let to = param_ty(*param);
            (*from == to || to == Ty::Str) && is_scalar(from)
        }
        Scheme::Page { param, .. } | Scheme::Offset { param, .. } => is_int(&param_ty(*param)),
        Scheme::Link => true,
    };
    let required = match &scheme {
        Scheme::Cursor { param, .. }
        | Scheme::Page { param, .. }
        | Scheme::Offset { param, .. } => op.params[*param].required,
        Scheme::Link => false,
    };
    if matches!(scheme, Scheme::Link) && op.body.is_some() {
        // The next request is rebuilt from the link; a body is not.
        return Err(Plan::Skipped(format!("{why}, but it takes a request body")));
    }
    if !fits {
        return Err(Plan::Skipped(format!("{why}, but the types do not match")));
    }
    if required {
        return Err(Plan::Skipped(format!(
            "{why}, but the parameter is required"
        )));
    }
    Ok((scheme, items, why))
}

fn declared_scheme(
    ws: &Workspace,
    defs: &[TypeDef],
    op: &Op,
    page: Option<&Ty>,
    fields: &[Field],
    d: At,
) -> Result<Found, Plan> {
    let bad = |what: &str| {
        Plan::Skipped(format!(
            "`{EXTENSION}` {what}; expected `{{cursor: {{param, response}}}}`, `{{link: next}}`, `{{page: {{param}}}}`, `{{offset: {{param}}}}` or `false`"
        ))
    };
    if !ws.is_map(d) {
        return Err(bad("is not a map"));
    }
    let items_name = ws.get(d, "items").and_then(|i| ws.str(i));
    let items = find_items(page, fields, items_name).map_err(Plan::Skipped)?;
    let field = |name: &str| fields.iter().find(|f| f.json == name);
    let param = |spec: At| -> Result<usize, Plan> {
        let name = ws
            .get(spec, "param")
            .and_then(|p| ws.str(p))
            .ok_or_else(|| bad("names no `param`"))?;
        op.params
            .iter()
            .position(|p| p.loc == Loc::Query && p.name == name)
            .ok_or_else(|| {
                Plan::Skipped(format!(
                    "`{EXTENSION}` names the query parameter `{}`, which the operation does not take",
                    one_line(name)
                ))
            })
    };
    let total = |spec: At| -> Result<Option<(String, Ty)>, Plan> {
        match ws.get(spec, "total").and_then(|t| ws.str(t)) {
            None => Ok(None),
            Some(name) => match field(name) {
                Some(f) if is_int(f.ty.strip_opt()) => Ok(Some((f.name.clone(), f.ty.clone()))),
                _ => Err(Plan::Skipped(format!(
                    "`{EXTENSION}` names the total `{}`, which is no integer field of the response",
                    one_line(name)
                ))),
            },
        }
    };
    let declared = "declared by `x-threeam-pagination`";
    if let Some(spec) = ws.get_resolved(d, "cursor") {
        let param = param(spec)?;
        let has_more = match ws.get(spec, "has_more").and_then(|h| ws.str(h)) {
            None => None,
            Some(name) => match field(name) {
                Some(f) if *f.ty.strip_opt() == Ty::Bool => {
                    Some((f.name.clone(), matches!(f.ty, Ty::Opt(_))))
                }
                _ => return Err(bad("names a `has_more` that is no boolean field")),
            },
        };
        let source = match (
            ws.get(spec, "response").and_then(|r| ws.str(r)),
            ws.get(spec, "last_item").and_then(|r| ws.str(r)),
        ) {
            (Some(name), None) => match field(name) {
                Some(f) => Source::Field(f.name.clone(), f.ty.clone()),
                None => return Err(bad("names a `response` field the response does not have")),
            },
            (None, Some(name)) => match item_field(defs, &items, name) {
                Some((n, t)) => Source::LastItem(n, t),
                None => return Err(bad("names a `last_item` field the items do not have")),
            },
            _ => return Err(bad("needs one of `response` or `last_item` in `cursor`")),
        };
        let why = format!("cursor, {declared}");
        return checked(
            op,
            Scheme::Cursor {
                param,
                source,
                has_more,
            },
            items,
            why,
        );
    }
    if ws.get(d, "link").is_some() {
        return checked(
            op,
            Scheme::Link,
            items,
            format!("`Link` header, {declared}"),
        );
    }
    if let Some(spec) = ws.get_resolved(d, "page") {
        let scheme = Scheme::Page {
            param: param(spec)?,
            total: total(spec)?,
        };
        return checked(op, scheme, items, format!("page numbers, {declared}"));
    }
    if let Some(spec) = ws.get_resolved(d, "offset") {
        let scheme = Scheme::Offset {
            param: param(spec)?,
            total: total(spec)?,
        };
        return checked(op, scheme, items, format!("offsets, {declared}"));
    }
    Err(bad("declares no scheme"))
}

/// `.clone()` where a value is not `Copy` (clippy rejects cloning a copy).
fn clone_of(t: &Ty) -> &'static str {
    if matches!(t.strip_opt(), Ty::Str) {
        ".clone()"
    } else {
        ""
    }
}

/// `i128::from(x) < i128::from(total)` against an optional or required
/// total (every integer type converts to `i128` without a cast).
fn below_total(x: &str, total: &Option<(String, Ty)>) -> String {
    match total {
        None => String::new(),
        Some((name, Ty::Opt(_))) => {
            format!(
                " && !matches!(page.{name}, Some(total) if i128::from({x}) >= i128::from(total))"
            )
        }
        Some((name, _)) => format!(" && i128::from({x}) < i128::from(page.{name})"),
    }
}

/// The `_pages` and `_stream` methods of operation `op`, if it gets them.
///
/// The closures' own names (`cursor_state`, `page_number`, `next_link`,
/// ...) are long on purpose: a path parameter of the same name would be
/// shadowed before the call that needs it.
pub(crate) fn render(ops: &Ops, out: &mut String, op: &Op, plan: &Plan, defs: &[TypeDef]) {
    let Plan::Streams(p) = plan else { return };
    let ind = "    ";
    let page_ty = ops.success_ty(op, defs);
    let err_ty = ops.error_ty(op, defs);
    let mut sig = String::new();
    let mut args: Vec<String> = Vec::new();
    for pp in &op.path_params {
        let t = arg_type(&pp.ty, defs);
        let t = match t.strip_prefix('&') {
            Some(rest) => format!("&'a {rest}"),
            None => t,
        };
        let _ = write!(sig, ", {}: {t}", pp.rust);
        args.push(pp.rust.clone());
    }
    if let Some(name) = &op.params_struct {
        let _ = write!(sig, ", params: &{name}");
        args.push("params".into());
    }
    let mut attrs = String::new();
    crate::features::attr(&mut attrs, ind, &op.cfg);
    if let Some(note) = &op.deprecated {
        let _ = write!(
            attrs,
            "{ind}#[deprecated(note = {})]\n{ind}#[allow(deprecated)]\n",
            lit(note)
        );
    }
    let opid = lit(&op.operation_id);

    let doc = format!(
        "Every page of [`Client::{m}`], each an ordinary call of it (retries, the retry budget, breakers and this handle's options apply to every page), fetched as the stream is read. Pages follow {why}.\n\nThe stream ends after the last page, or after yielding an error; a page that hands back a cursor already followed ends it with an error instead of a loop.",
        m = op.method_name,
        why = p.why
    );
    doc_lines(out, ind, &doc);
    out.push_str(&attrs);
    let _ = writeln!(
        out,
        "{ind}pub fn {}<'a>(&'a self{sig}) -> impl threeam_runtime::futures_util::Stream<Item = Result<Reply<{page_ty}>, Error<{err_ty}>>> + 'a {{",
        p.pages_method
    );
    let mut call_list = args.clone();
    if op.body.is_some() {
        // Only an optional body gets here: lists send none.
        call_list.push("None".into());
    }
    let call = format!("self.{}({})", op.method_name, call_args(&call_list));
    let body = ind.repeat(4);
    match &p.scheme {
        Scheme::Cursor {
            param,
            source,
            has_more,
        } => {
            let field = &op.params[*param];
            let f = &field.rust;
            let to = field.ty.strip_opt();
            let (value, from) = match source {
                Source::Field(name, t) => (
                    match t {
                        Ty::Opt(_) => format!("page.{name}{}", clone_of(t)),
                        _ => format!("Some(page.{name}{})", clone_of(t)),
                    },
                    t,
                ),
                Source::LastItem(name, t) => (
                    match t {
                        Ty::Opt(_) => format!(
                            "{}.and_then(|item| item.{name}{})",
                            p.items.last(),
                            clone_of(t)
                        ),
                        _ => format!("{}.map(|item| item.{name}{})", p.items.last(), clone_of(t)),
                    },
                    t,
                ),
                Source::Nested(outer, outer_opt, inner, t) => (
                    match (outer_opt, t) {
                        (true, Ty::Opt(_)) => {
                            format!(
                                "page.{outer}.as_ref().and_then(|n| n.{inner}{})",
                                clone_of(t)
                            )
                        }
                        (true, _) => {
                            format!("page.{outer}.as_ref().map(|n| n.{inner}{})", clone_of(t))
                        }
                        (false, Ty::Opt(_)) => format!("page.{outer}.{inner}{}", clone_of(t)),
                        (false, _) => format!("Some(page.{outer}.{inner}{})", clone_of(t)),
                    },
                    t,
                ),
            };
            let mut next = value;
            if *from.strip_opt() == Ty::Str {
                next.push_str(".filter(|c| !c.is_empty())");
            }
            if from.strip_opt() != to {
                next.push_str(".map(|c| c.to_string())");
            }
            match has_more {
                Some((h, false)) => {
                    let _ = write!(next, ".filter(|_| page.{h})");
                }
                Some((h, true)) => {
                    let _ = write!(next, ".filter(|_| page.{h} != Some(false))");
                }
                None => {}
            }
            let _ = writeln!(out, "{ind}    let params = params.clone();");
            let _ = writeln!(
                out,
                "{ind}    rt::pages({opid}, params.{f}{}, move |cursor_state| {{",
                clone_of(&field.ty)
            );
            let _ = writeln!(out, "{ind}        let mut params = params.clone();");
            let _ = writeln!(out, "{ind}        params.{f} = cursor_state;");
            let _ = writeln!(out, "{ind}        async move {{");
            let _ = writeln!(out, "{body}let page = {call}.await?;");
            let _ = writeln!(out, "{body}let next = {next};");
            let _ = writeln!(out, "{body}Ok((page, next.map(Some)))");
        }
        Scheme::Page { param, total } => {
            let f = &op.params[*param].rust;
            let _ = writeln!(out, "{ind}    let params = params.clone();");
            let _ = writeln!(out, "{ind}    let first_page = params.{f}.unwrap_or(1);");
            let _ = writeln!(
                out,
                "{ind}    rt::pages({opid}, (first_page, 0u64), move |(page_number, seen_items)| {{"
            );
            let _ = writeln!(out, "{ind}        let mut params = params.clone();");
            let _ = writeln!(out, "{ind}        params.{f} = Some(page_number);");
            let _ = writeln!(out, "{ind}        async move {{");
            let _ = writeln!(out, "{body}let page = {call}.await?;");
            let _ = writeln!(out, "{body}let count = {};", p.items.count());
            let _ = writeln!(out, "{body}let seen_items = seen_items + count as u64;");
            let _ = writeln!(
                out,
                "{body}let more = count > 0{};",
                below_total("seen_items", total)
            );
            let _ = writeln!(
                out,
                "{body}Ok((page, more.then_some((page_number + 1, seen_items))))"
            );
        }
        Scheme::Offset { param, total } => {
            let field = &op.params[*param];
            let f = &field.rust;
            let int = field.ty.strip_opt().render(defs);
            let _ = writeln!(out, "{ind}    let params = params.clone();");
            let _ = writeln!(
                out,
                "{ind}    rt::pages({opid}, params.{f}.unwrap_or(0), move |offset_state| {{"
            );
            let _ = writeln!(out, "{ind}        let mut params = params.clone();");
            let _ = writeln!(out, "{ind}        params.{f} = Some(offset_state);");
            let _ = writeln!(out, "{ind}        async move {{");
            let _ = writeln!(out, "{body}let page = {call}.await?;");
            let _ = writeln!(out, "{body}let count = {};", p.items.count());
            let _ = writeln!(out, "{body}let next = offset_state + count as {int};");
            let _ = writeln!(
                out,
                "{body}let more = count > 0{};",
                below_total("next", total)
            );
            let _ = writeln!(out, "{body}Ok((page, more.then_some(next)))");
        }
        Scheme::Link => {
            let owned = op.params_struct.is_some();
            if owned {
                let _ = writeln!(out, "{ind}    let params = params.clone();");
            }
            let _ = writeln!(
                out,
                "{ind}    rt::pages({opid}, None, move |next_link: Option<String>| {{"
            );
            if owned {
                let _ = writeln!(out, "{ind}        let params = params.clone();");
            }
            let _ = writeln!(out, "{ind}        async move {{");
            ops.render_request(out, op, defs, &ind.repeat(3));
            let decode = match ops.decode_expr(op).as_str() {
                "rt::json_err" => format!("rt::json_err::<{err_ty}>"),
                d => d.to_owned(),
            };
            let _ = writeln!(
                out,
                "{body}let req = rt::paginate::follow(self, req, next_link.as_deref())?;"
            );
            let _ = writeln!(
                out,
                "{body}let page = rt::call(self, req, {decode}, rt::paginate::linked::<{}>).await?;",
                ops.success_value_ty(op, defs)
            );
            let _ = writeln!(out, "{body}let (page, next) = rt::paginate::unlink(page);");
            if op.headers.is_some() {
                // The ordinary method's typed headers, read the same way.
                let _ = writeln!(out, "{body}let page = page.with_typed_headers();");
            }
            let _ = writeln!(out, "{body}Ok((page, next.map(Some)))");
        }
    }
    let _ = writeln!(out, "{ind}        }}");
    let _ = writeln!(out, "{ind}    }})");
    let _ = writeln!(out, "{ind}}}\n");

    let doc = format!(
        "Every item of [`Client::{m}`], page after page (see [`Client::{pages}`]: the same calls, the same end).",
        m = op.method_name,
        pages = p.pages_method
    );
    doc_lines(out, ind, &doc);
    out.push_str(&attrs);
    let _ = writeln!(
        out,
        "{ind}pub fn {}<'a>(&'a self{sig}) -> impl threeam_runtime::futures_util::Stream<Item = Result<{}, Error<{err_ty}>>> + 'a {{",
        p.stream_method,
        p.items.item_ty().render(defs)
    );
    let _ = writeln!(
        out,
        "{ind}    rt::items(self.{}({}), |page| {})",
        p.pages_method,
        args.join(", "),
        p.items.take()
    );
    let _ = writeln!(out, "{ind}}}\n");
}

/// The arguments of a call of the operation from inside a page closure.
fn call_args(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a == "params" {
                "&params".to_owned()
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text for a table cell or a list line: one line, no backtick or pipe
/// from the spec.
fn cell(s: &str) -> String {
    one_line(s).replace('|', "/")
}

/// The generated README's section on lists: which operations got streams
/// and how their pages are followed, and which got none and why.
pub(crate) fn readme(lists: &[ListOperation]) -> String {
    if lists.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "\n## Lists\n\nA list operation `list_x` also has `list_x_stream(..)`, a `Stream` of its\nitems, page after page, and `list_x_pages(..)`, a `Stream` of its pages.\nEach page is an ordinary call of `list_x` (retries, the retry budget,\nbreakers and the handle's `CallOptions` apply), made when the stream is\nread. A stream ends after the last page or after an error; a server that\nhands back a cursor already followed ends it with an error, never a loop.\nRead them with the runtime's re-export of futures-util (no new\ndependency): `use threeam_runtime::futures_util::TryStreamExt;`, then\n`client.list_x_stream(&params).try_collect::<Vec<_>>().await?`.\n\n",
    );
    let (with, without): (Vec<&ListOperation>, Vec<&ListOperation>) =
        lists.iter().partition(|l| l.stream_method.is_some());
    if !with.is_empty() {
        out.push_str("| operation | items | pages | pages follow |\n|---|---|---|---|\n");
        for l in &with {
            let _ = writeln!(
                out,
                "| `{}` | `.{}(..)` | `.{}(..)` | {} |",
                cell(&l.operation),
                l.stream_method.as_deref().unwrap_or_default(),
                l.pages_method.as_deref().unwrap_or_default(),
                l.why.replace('|', "/")
            );
        }
    }
    if !without.is_empty() {
        out.push_str("\nLists without streams (call them page by page):\n\n");
        for l in &without {
            let _ = writeln!(
                out,
                "- `{}`: {}",
                cell(&l.operation),
                l.why.replace('|', "/")
            );
        }
    }
    out
}
