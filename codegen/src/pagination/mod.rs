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
//! - the next page's URL in the body (Twilio's `next_page_uri`) or a
//!   `Link: <..>; rel="next"` response header (GitHub): the next request
//!   goes to that URL, on the same server only;
//! - Discord's `after` (or `before`) = the last item's `id` next to a
//!   `limit`, until an empty page or one shorter than the caller's limit;
//! - a `page` number or an `offset` query parameter: the walk stops on an
//!   empty page, or when a documented total is reached.
//!
//! An `x-threeam-pagination` extension on the operation declares the
//! scheme instead (see the crate README), or turns detection off with
//! `false`. When the items cannot be told from the schema (two arrays and
//! neither named `data` or `items`), no stream is generated and the report
//! says why: a wrong guess would compile and silently lose items.

mod detect;
mod render;

use threeam_spec::model::{Model, Operation};
use threeam_spec::workspace::Workspace;

use crate::names::{self, Names};
use crate::ops::Op;
use crate::types::{Ty, TypeDef};

pub(crate) use render::{readme, render};

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
        /// A `limit` parameter (index into `Op::params`): a page shorter
        /// than the limit the caller set is the last (Discord).
        limit: Option<usize>,
    },
    Link,
    /// The next page's URL (or path) in a body field (Twilio's
    /// `next_page_uri`), followed like a `Link` header.
    NextUrl(Source),
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
            let found = match detect::detect(ws, defs, model, operation, op) {
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

/// Spec text on one line, without backticks (it goes inside them).
fn one_line(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('`', "'")
}
