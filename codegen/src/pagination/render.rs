//! The `_pages` and `_stream` methods of a list operation, and the
//! generated README's section on lists.

use std::fmt::Write as _;

use super::{one_line, Items, ListOperation, Plan, Scheme, Source};
use crate::names::{doc_lines, lit};
use crate::ops::{arg_type, Op, Ops};
use crate::types::{Ty, TypeDef};

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
            limit,
        } => {
            let field = &op.params[*param];
            let f = &field.rust;
            let to = field.ty.strip_opt();
            let (value, from) = source_value(source, &p.items);
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
            if let Some(l) = limit {
                // A page shorter than the caller's limit is the last.
                let limit = &op.params[*l];
                let (name, count) = (&limit.rust, p.items.count());
                if limit.required {
                    let _ = write!(
                        next,
                        ".filter(|_| i128::from(params.{name}) <= {count} as i128)"
                    );
                } else {
                    let _ = write!(
                        next,
                        ".filter(|_| !matches!(params.{name}, Some(limit) if i128::from(limit) > {count} as i128))"
                    );
                }
            }
            let _ = writeln!(out, "{ind}    let params = params.clone();");
            let _ = writeln!(
                out,
                "{ind}    rt::paginate::replies({opid}, params.{f}{}, move |cursor_state| {{",
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
                "{ind}    rt::paginate::replies({opid}, (first_page, 0u64), move |(page_number, seen_items)| {{"
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
                "{ind}    rt::paginate::replies({opid}, params.{f}.unwrap_or(0), move |offset_state| {{"
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
        Scheme::Link | Scheme::NextUrl(_) => {
            // The next page's URL, from the `Link` header or a body field;
            // followed on the client's own servers only.
            let owned = op.params_struct.is_some();
            if owned {
                let _ = writeln!(out, "{ind}    let params = params.clone();");
            }
            let _ = writeln!(
                out,
                "{ind}    rt::paginate::replies({opid}, None, move |next_link: Option<String>| {{"
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
            let read = match &p.scheme {
                Scheme::Link => "rt::paginate::linked",
                _ => "rt::json",
            };
            let _ = writeln!(
                out,
                "{body}let page = rt::call(self, req, {decode}, {read}::<{}>).await?;",
                ops.success_value_ty(op, defs)
            );
            if matches!(p.scheme, Scheme::Link) {
                let _ = writeln!(out, "{body}let (page, next) = rt::paginate::unlink(page);");
            }
            if op.headers.is_some() {
                // The ordinary method's typed headers, read the same way.
                let _ = writeln!(out, "{body}let page = page.with_typed_headers();");
            }
            if let Scheme::NextUrl(source) = &p.scheme {
                let (value, _) = source_value(source, &p.items);
                let _ = writeln!(
                    out,
                    "{body}let next = {value}.filter(|url| !url.is_empty());"
                );
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

/// The next cursor read from a page named `page`, as an `Option`, and
/// the type it has in the page.
fn source_value<'s>(source: &'s Source, items: &Items) -> (String, &'s Ty) {
    match source {
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
                    items.last(),
                    clone_of(t)
                ),
                _ => format!("{}.map(|item| item.{name}{})", items.last(), clone_of(t)),
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
                (true, _) => format!("page.{outer}.as_ref().map(|n| n.{inner}{})", clone_of(t)),
                (false, Ty::Opt(_)) => format!("page.{outer}.{inner}{}", clone_of(t)),
                (false, _) => format!("Some(page.{outer}.{inner}{})", clone_of(t)),
            },
            t,
        ),
    }
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
