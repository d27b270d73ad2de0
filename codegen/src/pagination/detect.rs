//! Which operations are lists and how their pages name the next one:
//! detected from the typed spec, or declared by `x-threeam-pagination`.

use threeam_spec::model::{Model, Operation};
use threeam_spec::workspace::{At, Workspace};

use super::{one_line, Items, Plan, Scheme, Source, EXTENSION};
use crate::ops::{Loc, Op, Read, Success};
use crate::types::{DefKind, Field, Ty, TypeDef};

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
    "before",
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

pub(super) type Found = (Scheme, Items, String);

pub(super) fn detect(
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
                limit: None,
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
                    limit: None,
                };
                return checked(op, scheme, items, why);
            }
        }
    }
    // 1c. Twilio: the next page's URL in the body.
    if let Some((source, why)) = next_url_field(defs, fields) {
        return checked(op, Scheme::NextUrl(source), items, why);
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
                limit: None,
            };
            return checked(op, scheme, items, why);
        }
    }
    // 3. GitHub: a documented `Link` header.
    if has_link_header(model, operation) {
        let why = "the `Link: <..>; rel=\"next\"` header its response documents".to_owned();
        return checked(op, Scheme::Link, items, why);
    }
    // 3b. Discord (and OpenAI): `after` or `before` = the last item's id,
    // next to a `limit`.
    let mut undecided = None;
    match last_id_cursor(defs, op, &items, &has_more) {
        LastId::Found(scheme, why) => return checked(op, scheme, items, why),
        LastId::Undecided(why) => undecided = Some(why),
        LastId::No => {}
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
    Err(Plan::Skipped(undecided.unwrap_or_else(|| {
        "no next-page cursor, `Link` header, page or offset parameter found; declare one with `x-threeam-pagination`".into()
    })))
}

/// What [`last_id_cursor`] found.
enum LastId {
    Found(Scheme, String),
    /// A list of this shape whose direction the spec does not give.
    Undecided(String),
    No,
}

/// Discord's `after`/`before` = the last item's `id`, with a `limit`
/// parameter: `after` alone walks up, `before` alone walks down. With both
/// and no `has_more`, which way the default order runs is not in the spec
/// (Discord's messages run newest first, its bans by id upward), and a
/// wrong guess would repeat or skip items, so the operation gets no
/// stream. With both and a `has_more` (OpenAI: `after` is the place in
/// the list's own order), `after`.
fn last_id_cursor(
    defs: &[TypeDef],
    op: &Op,
    items: &Items,
    has_more: &Option<(String, bool)>,
) -> LastId {
    let Some(limit) = param_named(op, &["limit"]).filter(|l| is_int(op.params[*l].ty.strip_opt()))
    else {
        return LastId::No;
    };
    let Some(id) = item_field(defs, items, "id") else {
        return LastId::No;
    };
    let param = match (param_named(op, &["after"]), param_named(op, &["before"])) {
        (Some(after), None) => after,
        (None, Some(before)) => before,
        (Some(after), Some(_)) if has_more.is_some() => after,
        (Some(_), Some(_)) => {
            return LastId::Undecided(format!(
                "both `after` and `before` take an item's id and nothing says which way the list runs; declare it with `{EXTENSION}: {{cursor: {{param: before, last_item: id, limit: limit}}}}` (or `after`)"
            ))
        }
        (None, None) => return LastId::No,
    };
    let name = one_line(&op.params[param].name);
    let limit_name = one_line(&op.params[limit].name);
    let why = match has_more {
        Some(_) => format!("cursor: `has_more`, and the last item's `id` sent as `{name}`"),
        None => format!(
            "cursor: the last item's `id` sent as `{name}`, until an empty page or one shorter than `{limit_name}`"
        ),
    };
    let scheme = Scheme::Cursor {
        param,
        source: Source::LastItem(id.0, id.1),
        has_more: has_more.clone(),
        limit: Some(limit),
    };
    LastId::Found(scheme, why)
}

/// Twilio's `next_page_uri` (or `next_page_url`): the next page's URL or
/// path, at the top of the body or one level down (`meta.next_page_url`).
fn next_url_field(defs: &[TypeDef], fields: &[Field]) -> Option<(Source, String)> {
    if let Some(f) = url_field(fields) {
        let why = format!(
            "the next page's URL in body field `{}`",
            one_line(f.json.as_untrusted_str())
        );
        return Some((Source::Field(f.name.clone(), f.ty.clone()), why));
    }
    fields.iter().find_map(|outer| {
        let Ty::Named(id) = outer.ty.strip_opt() else {
            return None;
        };
        let DefKind::Struct(inner) = &defs[*id].kind else {
            return None;
        };
        let f = url_field(&inner.fields)?;
        let why = format!(
            "the next page's URL in body field `{}.{}`",
            one_line(outer.json.as_untrusted_str()),
            one_line(f.json.as_untrusted_str())
        );
        let source = Source::Nested(
            outer.name.clone(),
            matches!(outer.ty, Ty::Opt(_)),
            f.name.clone(),
            f.ty.clone(),
        );
        Some((source, why))
    })
}

fn url_field<'a, 'f>(fields: &'a [Field<'f>]) -> Option<&'a Field<'f>> {
    fields.iter().find(|f| {
        matches!(
            norm(f.json.as_untrusted_str()).as_str(),
            "nextpageuri" | "nextpageurl"
        ) && *f.ty.strip_opt() == Ty::Str
    })
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
        Scheme::Link | Scheme::NextUrl(_) => true,
    };
    let required = match &scheme {
        Scheme::Cursor { param, .. }
        | Scheme::Page { param, .. }
        | Scheme::Offset { param, .. } => op.params[*param].required,
        Scheme::Link | Scheme::NextUrl(_) => false,
    };
    if matches!(scheme, Scheme::Link | Scheme::NextUrl(_)) && op.body.is_some() {
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
        let limit = match ws.get(spec, "limit").and_then(|l| ws.str(l)) {
            None => None,
            Some(name) => Some(
                op.params
                    .iter()
                    .position(|p| p.loc == Loc::Query && p.name == name && is_int(p.ty.strip_opt()))
                    .ok_or_else(|| bad("names a `limit` that is no integer query parameter"))?,
            ),
        };
        let why = format!("cursor, {declared}");
        return checked(
            op,
            Scheme::Cursor {
                param,
                source,
                has_more,
                limit,
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
