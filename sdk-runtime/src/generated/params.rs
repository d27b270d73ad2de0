//! Parameters and bodies as OpenAPI describes them, from any serde value:
//! path (`simple` style), query (`form`, `spaceDelimited`, `pipeDelimited`,
//! `deepObject`), header, cookie, form and multipart bodies; and the
//! readers of success and error bodies.
//!
//! Values go through `serde_json::Value` first, so one encoder serves every
//! generated type (string enums, uuids, numbers, lists, structs).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::{Multipart, QueryStyle, Request, Response};

/// How a query parameter is serialised (OpenAPI `style` and `explode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// `form`, explode false: `id=1,2`; an object as `point=x,1,y,2` (its
    /// commas percent-encoded, as one value).
    Form,
    /// `form`, explode true (OpenAPI's default): `id=1&id=2`; an object
    /// as `x=1&y=2`.
    FormExploded,
    /// `spaceDelimited`: `id=1%202`.
    Space,
    /// `pipeDelimited`: `id=1|2`.
    Pipe,
    /// `deepObject`: `filter[name]=a&filter[tags][0]=x`, arrays indexed as
    /// Stripe reads them.
    Deep,
    /// A parameter described by `content: application/json` instead of a
    /// `schema`: the whole value as one compact JSON text,
    /// `filter=%7B%22a%22%3A1%7D`.
    Json,
}

/// A value as parameter text: strings bare, everything else as JSON.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A value that cannot be represented (a map with non-string keys) is
/// sent as nothing rather than failing the call.
fn to_value<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A path parameter in OpenAPI's `simple` style (arrays as `a,b`, the
/// comma percent-encoded like every reserved character).
///
/// ```
/// use threeam_runtime::{generated::path, Request};
///
/// let req = path(Request::get("getUser", "/v1/users/{ids}"), "ids", &[7, 8]);
/// assert_eq!(req.path(), "/v1/users/7%2C8");
/// ```
pub fn path<T: Serialize + ?Sized>(req: Request, name: &str, value: &T) -> Request {
    let text = match to_value(value) {
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        other => scalar(&other),
    };
    req.path_param(name, text)
}

/// A query parameter in its style; `None` adds nothing.
///
/// ```
/// use std::collections::BTreeMap;
/// use threeam_runtime::generated::{query, Style};
/// use threeam_runtime::Request;
///
/// let filter = BTreeMap::from([("name", vec!["a", "b"])]);
/// let req = Request::get("list", "/v1/items");
/// let req = query(req, "filter", &filter, Style::Deep);
/// let req = query(req, "limit", &None::<u32>, Style::FormExploded);
/// assert_eq!(req.query_string(), "filter%5Bname%5D%5B0%5D=a&filter%5Bname%5D%5B1%5D=b");
/// ```
pub fn query<T: Serialize + ?Sized>(req: Request, name: &str, value: &T, style: Style) -> Request {
    match to_value(value) {
        Value::Null => req,
        value if style == Style::Json => req.query(name, value.to_string()),
        // deepObject nests arrays too (`expand[0]=a`, as Stripe reads it).
        value @ (Value::Array(_) | Value::Object(_)) if style == Style::Deep => {
            let mut pairs = Vec::new();
            flatten(name, &value, &mut pairs);
            pairs.into_iter().fold(req, |req, (k, v)| req.query(&k, v))
        }
        Value::Array(items) => {
            let list = match style {
                Style::FormExploded | Style::Deep | Style::Json => QueryStyle::FormExploded,
                Style::Form => QueryStyle::Form,
                Style::Space => QueryStyle::SpaceDelimited,
                Style::Pipe => QueryStyle::PipeDelimited,
            };
            req.query_list(name, items.iter().map(scalar), list)
        }
        Value::Object(map) if style == Style::FormExploded => {
            map.iter().fold(req, |req, (k, v)| req.query(k, scalar(v)))
        }
        Value::Object(map) => {
            let joined: Vec<String> = map
                .iter()
                .flat_map(|(k, v)| [k.clone(), scalar(v)])
                .collect();
            req.query(name, joined.join(","))
        }
        other => req.query(name, scalar(&other)),
    }
}

/// A header parameter (arrays as `a,b`); `None` adds nothing.
///
/// ```
/// use threeam_runtime::{generated::header, Request};
///
/// let req = header(Request::get("list", "/v1/items"), "x-tags", &["a", "b"]);
/// assert_eq!(req.headers()["x-tags"], "a,b");
/// ```
pub fn header<T: Serialize + ?Sized>(req: Request, name: &str, value: &T) -> Request {
    match to_value(value) {
        Value::Null => req,
        Value::Array(items) => {
            let joined: Vec<String> = items.iter().map(scalar).collect();
            req.header(name, joined.join(","))
        }
        other => req.header(name, scalar(&other)),
    }
}

/// A cookie parameter, its value percent-encoded; `None` adds nothing.
///
/// ```
/// use threeam_runtime::{generated::cookie, Request};
///
/// let req = cookie(Request::get("list", "/v1/items"), "session", "a b;c");
/// assert_eq!(req.headers()["cookie"], "session=a%20b%3Bc");
/// ```
pub fn cookie<T: Serialize + ?Sized>(req: Request, name: &str, value: &T) -> Request {
    match to_value(value) {
        Value::Null => req,
        other => {
            let encoded = crate::encode::query_component(&scalar(&other));
            req.header("cookie", format!("{name}={encoded}"))
        }
    }
}

/// Nested values as `name[key][0]=value` pairs (deepObject queries and
/// form bodies, as Stripe reads them); nulls are left out.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}[{k}]")
                };
                flatten(&key, v, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                flatten(&format!("{prefix}[{i}]"), v, out);
            }
        }
        other => out.push((prefix.to_owned(), scalar(other))),
    }
}

/// An `application/x-www-form-urlencoded` body, nested values flattened
/// as `card[number]=...`.
///
/// ```
/// use threeam_runtime::{generated::form, serde_json::json, Request};
///
/// let body = json!({"amount": 5, "card": {"last4": "4242"}, "note": null});
/// let req = form(Request::post("pay", "/v1/payments"), &body);
/// assert_eq!(req.body_bytes().unwrap().as_ref(), b"amount=5&card%5Blast4%5D=4242");
/// ```
pub fn form<T: Serialize + ?Sized>(req: Request, body: &T) -> Request {
    let mut pairs = Vec::new();
    flatten("", &to_value(body), &mut pairs);
    req.form(pairs)
}

/// A text part of a multipart body; `None` adds nothing.
///
/// ```
/// use threeam_runtime::{generated::part, Multipart};
///
/// let form = part(Multipart::with_boundary("B"), "count", &3);
/// let form = part(form, "note", &None::<String>);
/// let (_, body) = form.finish();
/// assert_eq!(body.as_ref(), b"--B\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n3\r\n--B--\r\n");
/// ```
pub fn part<T: Serialize + ?Sized>(form: Multipart, name: &str, value: &T) -> Multipart {
    match to_value(value) {
        Value::Null => form,
        other => form.text(name, &scalar(&other)),
    }
}

/// A file part of a multipart body (named after its field, as
/// `application/octet-stream`).
///
/// ```
/// use threeam_runtime::{generated::file, Multipart};
///
/// let (_, body) = file(Multipart::with_boundary("B"), "doc", b"%PDF").finish();
/// assert!(std::str::from_utf8(&body).unwrap().contains("name=\"doc\"; filename=\"doc\""));
/// ```
pub fn file(form: Multipart, name: &str, data: &[u8]) -> Multipart {
    form.file(name, name, "application/octet-stream", data.to_vec())
}

/// Decodes a JSON error body; `None` when it does not match `E`.
///
/// ```
/// use threeam_runtime::generated::json_err;
/// use threeam_runtime::serde_json::Value;
///
/// assert_eq!(json_err::<Value>(404, br#"{"code":"nope"}"#).unwrap()["code"], "nope");
/// assert!(json_err::<Value>(502, b"<html>bad gateway</html>").is_none());
/// ```
pub fn json_err<E: DeserializeOwned>(status: u16, body: &[u8]) -> Option<E> {
    match crate::decode::json(body) {
        Ok(e) => Some(e),
        Err(detail) => {
            // Often a proxy's HTML page, not a bug: the raw body stays on
            // the runtime error; the path says which field did not match.
            tracing::debug!(status, %detail, "the error body is not the documented shape");
            None
        }
    }
}

/// Reads a JSON success body.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// let response = client.execute(threeam_runtime::Request::get("ping", "/v1/ping")).await?;
/// let value: threeam_runtime::serde_json::Value = threeam_runtime::generated::json(&response)?;
/// # let _ = value; Ok(()) }
/// ```
pub fn json<T: DeserializeOwned>(response: &Response) -> Result<T, crate::Error> {
    response.json()
}

/// Ignores the body (operations that answer with none).
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// let response = client.execute(threeam_runtime::Request::delete("drop", "/v1/items/1")).await?;
/// threeam_runtime::generated::unit(&response)?;
/// # Ok(()) }
/// ```
pub fn unit(_response: &Response) -> Result<(), crate::Error> {
    Ok(())
}

/// Reads the body as bytes.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// let response = client.execute(threeam_runtime::Request::get("pdf", "/v1/invoices/1.pdf")).await?;
/// let pdf: Vec<u8> = threeam_runtime::generated::bytes(&response)?;
/// # let _ = pdf; Ok(()) }
/// ```
pub fn bytes(response: &Response) -> Result<Vec<u8>, crate::Error> {
    Ok(response.body().to_vec())
}

/// Reads the body as text (invalid UTF-8 replaced).
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), threeam_runtime::Error> {
/// let response = client.execute(threeam_runtime::Request::get("csv", "/v1/report.csv")).await?;
/// let csv: String = threeam_runtime::generated::text(&response)?;
/// # let _ = csv; Ok(()) }
/// ```
pub fn text(response: &Response) -> Result<String, crate::Error> {
    Ok(response.text().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(value: Value, style: Style) -> String {
        query(Request::get("op", "/"), "p", &value, style)
            .query_string()
            .to_owned()
    }

    #[test]
    fn query_styles_for_scalars_lists_and_objects() {
        assert_eq!(q(json!(null), Style::FormExploded), "");
        assert_eq!(q(json!("a b&c"), Style::FormExploded), "p=a%20b%26c");
        assert_eq!(q(json!(true), Style::Form), "p=true");
        assert_eq!(q(json!(1.5), Style::Pipe), "p=1.5");
        assert_eq!(q(json!([1, 2]), Style::FormExploded), "p=1&p=2");
        assert_eq!(q(json!([1, 2]), Style::Form), "p=1,2");
        assert_eq!(q(json!([1, 2]), Style::Space), "p=1%202");
        assert_eq!(q(json!([1, 2]), Style::Pipe), "p=1|2");
        assert_eq!(q(json!([]), Style::Form), "");
        assert_eq!(q(json!({"x": 1, "y": "b"}), Style::FormExploded), "x=1&y=b");
        assert_eq!(q(json!({"x": 1, "y": "b"}), Style::Form), "p=x%2C1%2Cy%2Cb");
        assert_eq!(
            q(json!({"x": [1], "y": "b"}), Style::Json),
            "p=%7B%22x%22%3A%5B1%5D%2C%22y%22%3A%22b%22%7D"
        );
        assert_eq!(q(json!("a"), Style::Json), "p=%22a%22");
        assert_eq!(q(json!(null), Style::Json), "");
    }

    #[test]
    fn deep_objects_nest_objects_and_index_arrays() {
        assert_eq!(
            q(json!({"a": {"b": 1}, "c": [true, null, "x"]}), Style::Deep),
            "p%5Ba%5D%5Bb%5D=1&p%5Bc%5D%5B0%5D=true&p%5Bc%5D%5B2%5D=x"
        );
        assert_eq!(q(json!(["x", "y"]), Style::Deep), "p%5B0%5D=x&p%5B1%5D=y");
        // A scalar in deepObject style is a plain pair.
        assert_eq!(q(json!(3), Style::Deep), "p=3");
    }

    #[test]
    fn path_header_and_cookie_values() {
        let req = path(Request::get("op", "/v1/{a}/{b}"), "a", "x/y");
        let req = path(req, "b", &json!(["1", 2]));
        assert_eq!(req.path(), "/v1/x%2Fy/1%2C2");
        let req = header(Request::get("op", "/"), "x-n", &7);
        let req = header(req, "x-none", &None::<u8>);
        let req = cookie(req, "c", &None::<u8>);
        assert_eq!(req.headers()["x-n"], "7");
        assert!(req.headers().get("x-none").is_none());
        assert!(req.headers().get("cookie").is_none());
    }

    #[test]
    fn form_bodies_flatten_nested_values() {
        let body = json!({"items": [{"id": 1}, {"id": 2}], "meta": {"k": "v w"}});
        let req = form(Request::post("op", "/"), &body);
        assert_eq!(
            std::str::from_utf8(req.body_bytes().unwrap()).unwrap(),
            "items%5B0%5D%5Bid%5D=1&items%5B1%5D%5Bid%5D=2&meta%5Bk%5D=v+w"
        );
        assert_eq!(
            req.headers()["content-type"],
            "application/x-www-form-urlencoded"
        );
    }

    #[test]
    fn multipart_parts_skip_none_and_files_are_octet_streams() {
        let form = part(Multipart::with_boundary("B"), "n", &None::<u8>);
        let form = part(form, "s", "hi");
        let form = file(form, "f", &[0, 1]);
        let (content_type, body) = form.finish();
        assert_eq!(content_type, "multipart/form-data; boundary=B");
        assert_eq!(
            body.as_ref(),
            b"--B\r\nContent-Disposition: form-data; name=\"s\"\r\n\r\nhi\r\n--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f\"\r\nContent-Type: application/octet-stream\r\n\r\n\x00\x01\r\n--B--\r\n"
        );
    }

    #[test]
    fn error_bodies_decode_only_when_they_match() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Problem {
            code: String,
        }
        assert_eq!(
            json_err::<Problem>(409, br#"{"code":"busy","extra":1}"#),
            Some(Problem {
                code: "busy".into()
            })
        );
        assert_eq!(json_err::<Problem>(409, br#"{"message":"no code"}"#), None);
        assert_eq!(json_err::<Problem>(500, b""), None);
    }
}
