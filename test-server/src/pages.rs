//! A list of seven items served in pages by each pagination scheme, for
//! the generated clients' `_pages` and `_stream` methods:
//!
//! | route (GET)          | next page named by                              | items     |
//! |----------------------|-------------------------------------------------|-----------|
//! | `/v2/pages/cursor`   | body `next_cursor`, sent back as `cursor`       | `items`   |
//! | `/v2/pages/stripe`   | `has_more`; `starting_after` = last item's `id` | `data`    |
//! | `/v2/pages/link`     | `Link: <..>; rel="next"` (absolute URL)         | the array |
//! | `/v2/pages/numbered` | `page` (1-based) until an empty page            | the array |
//! | `/v2/pages/offset`   | `offset` until `total`                          | `results` |
//! | `/v2/pages/nested`   | `next_page.offset` (Asana), sent as `offset`    | `data`    |
//! | `/v2/pages/loop`     | `next_cursor` that repeats itself               | `items`   |
//! | `/v2/pages/elsewhere`| a `Link` to another origin                      | the array |
//! | `/v2/pages/discord`  | `after` = last item's `id`, no `has_more`       | the array |
//! | `/v2/pages/twilio`   | body `next_page_uri` (a path), `null` at the end| `records` |
//!
//! Any version serves them (`/v3/pages/offset` too); `/v2` carries no
//! deprecation `Link` of its own. Page size: `limit` or `per_page`, 3 by
//! default; `skip_items` is another name for `offset`, `after_id` for
//! `starting_after` (and `more` for `has_more`). Items are
//! `{"id": "it_N", "n": N}` for N in 1..=7.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::HeaderValue;
use hyper::{HeaderMap, Response, StatusCode};
use serde_json::{json, Value};

/// How many items the list has.
pub const ITEMS: usize = 7;

fn item(n: usize) -> Value {
    json!({"id": format!("it_{n}"), "n": n})
}

/// The query value of `name` (no percent-decoding: the values used here
/// are plain).
fn param<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn number(query: &str, name: &str) -> Option<usize> {
    param(query, name).and_then(|v| v.parse().ok())
}

/// Items `from+1 ..= from+size` (1-based numbers), cut at the end.
fn slice(from: usize, size: usize) -> Vec<Value> {
    (from + 1..=ITEMS).take(size).map(item).collect()
}

/// The number in a cursor `it_N`: that item's position.
fn after(cursor: Option<&str>) -> usize {
    cursor
        .and_then(|c| c.strip_prefix("it_"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Answers `GET /v2/pages/{scheme}`; `None` for a scheme it does not know.
pub(crate) fn route(
    scheme: &str,
    query: &str,
    headers: &HeaderMap,
) -> Option<Response<Full<Bytes>>> {
    let size = number(query, "limit")
        .or_else(|| number(query, "per_page"))
        .unwrap_or(3)
        .max(1);
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let (body, link) = match scheme {
        "cursor" => {
            let from = after(param(query, "cursor"));
            let page = slice(from, size);
            let next = (from + size < ITEMS).then(|| format!("it_{}", from + size));
            (json!({"items": page, "next_cursor": next}), None)
        }
        "stripe" => {
            let from = after(param(query, "starting_after").or_else(|| param(query, "after_id")));
            let page = slice(from, size);
            let more = from + size < ITEMS;
            (json!({"data": page, "has_more": more, "more": more}), None)
        }
        "link" | "elsewhere" => {
            let page_no = number(query, "page").unwrap_or(1).max(1);
            let from = (page_no - 1) * size;
            let origin = match scheme {
                "link" => format!("http://{host}"),
                _ => "http://elsewhere.invalid".to_owned(),
            };
            let link = (from + size < ITEMS).then(|| {
                format!(
                    "<{origin}/v2/pages/{scheme}?per_page={size}&page={}>; rel=\"next\", <{origin}/v2/pages/{scheme}?per_page={size}&page=1>; rel=\"first\"",
                    page_no + 1
                )
            });
            (Value::Array(slice(from, size)), link)
        }
        "nested" => {
            let from = after(param(query, "offset"));
            let next = (from + size < ITEMS).then(
                || json!({"offset": format!("it_{}", from + size), "path": "/v2/pages/nested"}),
            );
            (json!({"data": slice(from, size), "next_page": next}), None)
        }
        "numbered" => {
            let page_no = number(query, "page").unwrap_or(1).max(1);
            (Value::Array(slice((page_no - 1) * size, size)), None)
        }
        "offset" => {
            let from = number(query, "offset")
                .or_else(|| number(query, "skip_items"))
                .unwrap_or(0);
            (json!({"results": slice(from, size), "total": ITEMS}), None)
        }
        "discord" => {
            // Items after the given id, up to the limit; no hint of more.
            let page = slice(after(param(query, "after")), size);
            (Value::Array(page), None)
        }
        "twilio" => {
            let from = after(param(query, "PageToken"));
            let size = number(query, "PageSize").unwrap_or(size).max(1);
            let page_no = number(query, "Page").unwrap_or(0);
            let next = (from + size < ITEMS).then(|| {
                format!(
                    "/v2/pages/twilio?PageSize={size}&Page={}&PageToken=it_{}",
                    page_no + 1,
                    from + size
                )
            });
            (
                json!({"records": slice(from, size), "next_page_uri": next, "page": page_no}),
                None,
            )
        }
        "loop" => {
            let page = slice(after(param(query, "cursor")), size);
            (json!({"items": page, "next_cursor": "it_1"}), None)
        }
        _ => return None,
    };
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = StatusCode::OK;
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    if let Some(value) = link.and_then(|l| HeaderValue::from_str(&l).ok()) {
        resp.headers_mut().insert("link", value);
    }
    Some(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_cover_the_list_once() {
        let all: Vec<Value> = (0..3).flat_map(|p| slice(p * 3, 3)).collect();
        assert_eq!(all.len(), ITEMS);
        assert_eq!(all[6]["id"], "it_7");
        assert!(slice(7, 3).is_empty());
        assert_eq!(after(Some("it_3")), 3);
        assert_eq!(param("a=1&cursor=it_2", "cursor"), Some("it_2"));
    }
}
