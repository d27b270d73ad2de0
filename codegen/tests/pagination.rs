//! Which list operations get `_stream` and `_pages` methods, and the
//! report of it: `Summary::lists`, the generated README, and counts on the
//! real-world corpus (an ignored test that prints the table):
//!
//! ```text
//! THREEAM_REAL_SPECS=/path/to/specs-real cargo test -p threeam-codegen --release --test pagination -- --ignored --nocapture
//! ```

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use threeam_codegen::{Generator, ListOperation};

fn spec(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn lists(rel: &str) -> (Vec<ListOperation>, String) {
    let g = Generator::new(spec(rel))
        .allow_lint_errors(true)
        .generate()
        .unwrap();
    (g.summary.lists, g.readme)
}

#[test]
fn every_scheme_of_the_pages_spec_is_found_and_explained() {
    let (lists, readme) = lists("tests/specs/pages.yaml");
    let got: Vec<(&str, Option<&str>, &str)> = lists
        .iter()
        .map(|l| {
            (
                l.operation.as_str(),
                l.stream_method.as_deref(),
                l.why.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("listCursor", Some("list_cursor_stream"), "cursor: body field `next_cursor` sent back as `cursor`"),
            ("listStripe", Some("list_stripe_stream"), "cursor: `has_more`, and the last item's `id` sent as `starting_after`"),
            ("listLinked", Some("list_linked_stream"), "the `Link: <..>; rel=\"next\"` header its response documents"),
            ("listElsewhere", Some("list_elsewhere_stream"), "the `Link: <..>; rel=\"next\"` header its response documents"),
            ("listNumbered", Some("list_numbered_stream"), "page numbers in `page`, until an empty page"),
            ("listOffset", Some("list_offset_stream"), "offsets in `offset`, until an empty page or the total is reached"),
            ("listOffsetDeclared", Some("list_offset_declared_stream"), "offsets, declared by `x-threeam-pagination`"),
            ("listNested", Some("list_nested_stream"), "cursor: body field `next_page.offset` sent back as `offset`"),
            ("listLastIdDeclared", Some("list_last_id_declared_stream"), "cursor, declared by `x-threeam-pagination`"),
            ("listLoop", Some("list_loop_stream"), "cursor: body field `next_cursor` sent back as `cursor`"),
            ("listDiscord", Some("list_discord_stream"), "cursor: the last item's `id` sent as `after`, until an empty page or one shorter than `limit`"),
            ("listTwilio", Some("list_twilio_stream"), "the next page's URL in body field `next_page_uri`"),
            ("listTurnedOff", None, "turned off by `x-threeam-pagination: false`"),
            ("listAmbiguous", None, "the items could be any of `left`, `right`: name them with `x-threeam-pagination: {items: ..}`"),
        ]
    );
    assert!(
        readme.contains("| `listCursor` | `.list_cursor_stream(..)` | `.list_cursor_pages(..)` | cursor: body field `next_cursor` sent back as `cursor` |"),
        "{readme}"
    );
    assert!(
        readme.contains("- `listTurnedOff`: turned off by `x-threeam-pagination: false`"),
        "{readme}"
    );
}

#[test]
fn payments_lists_all_follow_next_starting_after() {
    let (lists, _) = lists("../specs/payments.yaml");
    let streamed: Vec<(&str, &str)> = lists
        .iter()
        .filter_map(|l| Some((l.operation.as_str(), l.stream_method.as_deref()?)))
        .collect();
    assert_eq!(
        streamed,
        [
            ("listPayments", "list_payments_stream"),
            ("listRefunds", "list_refunds_stream"),
            ("listOrders", "list_orders_stream"),
            ("listCustomers", "list_customers_stream"),
            ("listPaymentsV1", "list_payments_v1_stream"),
        ]
    );
    assert_eq!(
        lists.len(),
        streamed.len(),
        "no list left without: {lists:#?}"
    );
    assert!(
        lists
            .iter()
            .all(|l| l.why
                == "cursor: body field `next_starting_after` sent back as `starting_after`")
    );
}

#[test]
fn a_stream_never_takes_an_operations_name() {
    let dir = common::temp_dir("pagination-clash");
    let path = dir.join("clash.yaml");
    std::fs::write(
        &path,
        "openapi: 3.0.3\ninfo: {title: Clash, version: '1'}\npaths:\n  /v1/things:\n    get:\n      operationId: listThings\n      parameters: [{name: page, in: query, schema: {type: integer}}]\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {type: array, items: {type: string}}}}}\n  /v1/things/stream:\n    get:\n      operationId: listThingsStream\n      responses:\n        '204': {description: none}\n",
    )
    .unwrap();
    let g = Generator::new(&path)
        .allow_lint_errors(true)
        .generate()
        .unwrap();
    assert_eq!(
        g.summary.lists[0].stream_method.as_deref(),
        Some("list_things_stream_2"),
        "the operation listThingsStream keeps its name"
    );
    assert!(g.lib_rs.contains("pub async fn list_things_stream(&self)"));
    assert!(g.lib_rs.contains("pub fn list_things_pages<'a>(&'a self"));
}

/// Stripe, GitHub and the rest of the corpus: list operations, how many
/// got streams, by scheme, and the reasons for the others.
#[test]
#[ignore = "prints the corpus table; run with --ignored --nocapture"]
fn corpus_counts() {
    let Some(specs) = common::real_specs() else {
        return;
    };
    let mut groups: BTreeMap<&str, (usize, usize, BTreeMap<String, usize>)> = BTreeMap::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    println!("{:<48} {:>6} {:>8}", "spec", "lists", "streamed");
    for path in &specs {
        let name = common::file_name(path);
        let Ok(g) = Generator::new(path).allow_lint_errors(true).generate() else {
            println!("{name:<48} (does not generate)");
            continue;
        };
        let lists = &g.summary.lists;
        println!("{name:<48} {:>6} {:>8}", lists.len(), g.summary.streamed());
        let group = if name.starts_with("stripe") {
            "stripe"
        } else if name.contains("github") {
            "github"
        } else {
            "other"
        };
        let entry = groups.entry(group).or_default();
        entry.0 += lists.len();
        entry.1 += g.summary.streamed();
        for l in lists {
            // The scheme: the why up to its first colon or comma.
            match l.stream_method {
                Some(_) => {
                    let key = l.why.split([':', ',']).next().unwrap_or("").to_owned();
                    *entry.2.entry(key).or_default() += 1;
                }
                None => *reasons.entry(l.why.clone()).or_default() += 1,
            }
        }
    }
    println!(
        "\n{:<8} {:>6} {:>8}  by scheme",
        "group", "lists", "streamed"
    );
    for (group, (total, streamed, schemes)) in &groups {
        println!("{group:<8} {total:>6} {streamed:>8}  {schemes:?}");
    }
    println!("\nno stream, by reason: {reasons:#?}");
    assert!(groups.values().map(|g| g.1).sum::<usize>() > 0);
}

#[test]
fn a_wrong_declaration_gives_no_stream_and_names_the_mistake() {
    let dir = common::temp_dir("pagination-declared");
    let path = dir.join("declared.yaml");
    let op = |id: &str, path: &str, ext: &str| {
        format!("  {path}:\n    get:\n      operationId: {id}\n      x-threeam-pagination: {ext}\n      parameters: [{{name: page, in: query, schema: {{type: integer}}}}]\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{data: {{type: array, items: {{type: string}}}}, total: {{type: string}}}}}}}}}}}}\n")
    };
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: Declared, version: '1'}}\npaths:\n{}{}{}{}",
        op("noParam", "/v1/a", "{page: {param: p}}"),
        op("badTotal", "/v1/b", "{page: {param: page, total: total}}"),
        op("noScheme", "/v1/c", "{items: data}"),
        op("badItems", "/v1/d", "{page: {param: page}, items: nope}"),
    );
    std::fs::write(&path, text).unwrap();
    let g = Generator::new(&path)
        .allow_lint_errors(true)
        .generate()
        .unwrap();
    let got: Vec<(&str, &str)> = g
        .summary
        .lists
        .iter()
        .map(|l| {
            assert_eq!(l.stream_method, None, "{l:?}");
            (l.operation.as_str(), l.why.as_str())
        })
        .collect();
    assert_eq!(
        got,
        [
            ("noParam", "`x-threeam-pagination` names the query parameter `p`, which the operation does not take"),
            ("badTotal", "`x-threeam-pagination` names the total `total`, which is no integer field of the response"),
            ("noScheme", "`x-threeam-pagination` declares no scheme; expected `{cursor: {param, response}}`, `{link: next}`, `{page: {param}}`, `{offset: {param}}` or `false`"),
            ("badItems", "`x-threeam-pagination` names items `nope`, which the response does not have"),
        ]
    );
    assert!(!g.lib_rs.contains("_pages<'a>"));
}

/// `after`/`before` = the last item's id: one of them alone says the
/// direction; both with `has_more` (OpenAI) mean `after`; both without
/// (Discord's messages, bans) give no stream, since a wrong direction
/// would repeat or skip items.
#[test]
fn last_id_cursors_take_the_direction_the_spec_gives() {
    let dir = common::temp_dir("pagination-last-id");
    let path = dir.join("last-id.yaml");
    let op = |id: &str, path: &str, params: &str, more: &str| {
        format!("  {path}:\n    get:\n      operationId: {id}\n      parameters: [{{name: limit, in: query, schema: {{type: integer}}}}{params}]\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{type: object, properties: {{data: {{type: array, items: {{type: object, properties: {{id: {{type: string}}}}}}}}{more}}}}}}}}}}}\n")
    };
    let after = ", {name: after, in: query, schema: {type: string}}";
    let before = ", {name: before, in: query, schema: {type: string}}";
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: LastId, version: '1'}}\npaths:\n{}{}{}{}",
        op("bothNoFlag", "/v1/a", &format!("{before}{after}"), ""),
        op(
            "bothWithFlag",
            "/v1/b",
            &format!("{before}{after}"),
            ", has_more: {type: boolean}"
        ),
        op("beforeOnly", "/v1/c", before, ""),
        op("limitOnly", "/v1/d", "", ""),
    );
    std::fs::write(&path, text).unwrap();
    let g = Generator::new(&path)
        .allow_lint_errors(true)
        .generate()
        .unwrap();
    let got: Vec<(&str, bool, &str)> = g
        .summary
        .lists
        .iter()
        .map(|l| {
            (
                l.operation.as_str(),
                l.stream_method.is_some(),
                l.why.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("bothNoFlag", false, "both `after` and `before` take an item's id and nothing says which way the list runs; declare it with `x-threeam-pagination: {cursor: {param: before, last_item: id, limit: limit}}` (or `after`)"),
            ("bothWithFlag", true, "cursor: `has_more`, and the last item's `id` sent as `after`"),
            ("beforeOnly", true, "cursor: the last item's `id` sent as `before`, until an empty page or one shorter than `limit`"),
            ("limitOnly", false, "no next-page cursor, `Link` header, page or offset parameter found; declare one with `x-threeam-pagination`"),
        ]
    );
    // The short-page stop reads the caller's limit.
    assert!(
        g.lib_rs.contains(".filter(|_| !matches!(params.limit, Some(limit) if i128::from(limit) > page.data.as_ref().map_or(0, Vec::len) as i128))"),
        "{}",
        g.lib_rs
    );
}
