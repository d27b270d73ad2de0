//! The description of one logical call, as generated code fills it in.

use std::borrow::Cow;
use std::fmt::{Display, Write as _};
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_TYPE};
use http::{HeaderMap, Method};

use crate::auth::Security;
use crate::encode::{self, Multipart, QueryStyle};
use crate::fallback::Degrade;

/// Whether and which idempotency key to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyChoice {
    /// The method decides (POST, PUT, PATCH, DELETE get a fresh UUID v4).
    Auto,
    /// The caller's key.
    Given(String),
    /// No key.
    Off,
}

/// One logical call: an operation, its method and URL template, parameters,
/// headers and body, and how it may be retried or degraded.
///
/// Every builder method is infallible so generated code stays a straight
/// chain; the first mistake (a bad header, an unknown path parameter, a body
/// that fails to serialise) is kept and returned by
/// [`Client::execute`](crate::Client::execute) as an
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest), before
/// anything is sent.
///
/// ```
/// use threeam_runtime::{QueryStyle, Request};
///
/// let req = Request::get("list_payments", "/v1/customers/{customer_id}/payments")
///     .path_param("customer_id", "cus 42")
///     .query("limit", 10)
///     .query_list("status", ["paid", "failed"], QueryStyle::Form)
///     .header("X-Tenant", "acme");
/// assert_eq!(req.path(), "/v1/customers/cus%2042/payments");
/// assert_eq!(req.query_string(), "limit=10&status=paid,failed");
/// assert_eq!(req.path_template(), "/v1/customers/{customer_id}/payments");
/// ```
#[derive(Clone, Debug)]
pub struct Request {
    pub(crate) operation: Cow<'static, str>,
    pub(crate) method: Method,
    pub(crate) template: Cow<'static, str>,
    pub(crate) path: String,
    pub(crate) query: String,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) key: KeyChoice,
    pub(crate) idempotent: Option<bool>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) max_attempts: Option<u32>,
    pub(crate) degrade: Option<Degrade>,
    pub(crate) security: Option<Security>,
    pub(crate) invalid: Option<String>,
}

impl Request {
    /// A call of `operation` (its `operationId`) with `method` on the URL
    /// `template` (relative to the base URL, like `/v1/payments/{id}`).
    pub fn new(
        method: Method,
        operation: impl Into<Cow<'static, str>>,
        template: impl Into<Cow<'static, str>>,
    ) -> Self {
        let template = template.into();
        Self {
            operation: operation.into(),
            method,
            path: template.to_string(),
            template,
            query: String::new(),
            // Room for the content type, key and trace context added later,
            // so the map is allocated once.
            headers: HeaderMap::with_capacity(4),
            body: None,
            key: KeyChoice::Auto,
            idempotent: None,
            timeout: None,
            deadline: None,
            max_attempts: None,
            degrade: None,
            security: None,
            invalid: None,
        }
    }

    /// A GET.
    pub fn get(
        operation: impl Into<Cow<'static, str>>,
        template: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Method::GET, operation, template)
    }

    /// A POST (keyed by default).
    pub fn post(
        operation: impl Into<Cow<'static, str>>,
        template: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Method::POST, operation, template)
    }

    /// A PUT (keyed by default).
    pub fn put(
        operation: impl Into<Cow<'static, str>>,
        template: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Method::PUT, operation, template)
    }

    /// A PATCH (keyed by default).
    pub fn patch(
        operation: impl Into<Cow<'static, str>>,
        template: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Method::PATCH, operation, template)
    }

    /// A DELETE (keyed by default).
    pub fn delete(
        operation: impl Into<Cow<'static, str>>,
        template: impl Into<Cow<'static, str>>,
    ) -> Self {
        Self::new(Method::DELETE, operation, template)
    }

    /// The operation's security requirement (its `security` in the spec):
    /// alternatives of scheme names, the first whose schemes are all
    /// configured on the client is sent. `&[]` sends no credentials at all
    /// (not even `bearer_auth`'s). Without this call the client's default
    /// applies ([`ClientBuilder::default_security`](crate::ClientBuilder::default_security),
    /// the spec's top-level `security`). When no alternative is configured
    /// the call fails before sending, naming the scheme and the builder
    /// method that supplies it.
    ///
    /// ```
    /// use threeam_runtime::Request;
    ///
    /// let health = Request::get("health", "/v1/health").security(&[]);
    /// let pets = Request::get("list_pets", "/v1/pets")
    ///     .security(&[&["bearerAuth"], &["apiKey", "appId"]]);
    /// # let _ = (health, pets);
    /// ```
    pub fn security(mut self, requirement: Security) -> Self {
        self.security = Some(requirement);
        self
    }

    /// A header whose value is already checked (and maybe sensitive).
    pub(crate) fn sensitive_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.insert(name, value);
        self
    }

    fn invalid(&mut self, detail: String) {
        // Keep the first mistake: later ones are often consequences of it.
        self.invalid.get_or_insert(detail);
    }

    /// Replaces `{name}` in the path with `value`, percent-encoded as one
    /// segment (a `/` in the value cannot change the route).
    pub fn path_param(mut self, name: &str, value: impl Display) -> Self {
        let placeholder = format!("{{{name}}}");
        if self.path.contains(&placeholder) {
            self.path = self
                .path
                .replace(&placeholder, &encode::path_segment(&value.to_string()));
        } else {
            self.invalid(format!(
                "path template {} has no parameter {{{name}}}",
                self.template
            ));
        }
        self
    }

    fn push_pair(&mut self, name: &str, encoded_value: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        self.query.push_str(&encode::query_component(name));
        self.query.push('=');
        self.query.push_str(encoded_value);
    }

    /// Adds `name=value` to the query.
    pub fn query(mut self, name: &str, value: impl Display) -> Self {
        let value = encode::query_component(&value.to_string());
        self.push_pair(name, &value);
        self
    }

    /// Adds `name=value` when the value is present (optional parameters).
    pub fn query_opt<V: Display>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds an array parameter in the given OpenAPI style. An empty list adds
    /// nothing.
    ///
    /// ```
    /// use threeam_runtime::{QueryStyle, Request};
    ///
    /// let ids = [1, 2];
    /// let q = |style| Request::get("op", "/").query_list("id", ids, style).query_string().to_owned();
    /// assert_eq!(q(QueryStyle::FormExploded), "id=1&id=2");
    /// assert_eq!(q(QueryStyle::Form), "id=1,2");
    /// assert_eq!(q(QueryStyle::SpaceDelimited), "id=1%202");
    /// assert_eq!(q(QueryStyle::PipeDelimited), "id=1|2");
    /// ```
    pub fn query_list<V: Display>(
        mut self,
        name: &str,
        values: impl IntoIterator<Item = V>,
        style: QueryStyle,
    ) -> Self {
        let values: Vec<String> = values
            .into_iter()
            .map(|v| encode::query_component(&v.to_string()))
            .collect();
        if values.is_empty() {
            return self;
        }
        let delimiter = match style {
            QueryStyle::FormExploded => {
                for v in &values {
                    self.push_pair(name, v);
                }
                return self;
            }
            QueryStyle::Form => ",",
            QueryStyle::SpaceDelimited => "%20",
            QueryStyle::PipeDelimited => "|",
        };
        self.push_pair(name, &values.join(delimiter));
        self
    }

    /// Adds an object parameter in OpenAPI's `deepObject` style:
    /// `filter[status]=paid&filter[currency]=eur`.
    ///
    /// ```
    /// use threeam_runtime::Request;
    ///
    /// let req = Request::get("op", "/").query_deep_object("filter", [("status", "paid")]);
    /// assert_eq!(req.query_string(), "filter%5Bstatus%5D=paid");
    /// ```
    pub fn query_deep_object<K: Display, V: Display>(
        mut self,
        name: &str,
        fields: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        for (k, v) in fields {
            let key = format!("{name}[{k}]");
            let value = encode::query_component(&v.to_string());
            self.push_pair(&key, &value);
        }
        self
    }

    /// Adds a header. An invalid name or value makes the request invalid.
    /// Values are never logged.
    pub fn header(mut self, name: &str, value: impl Display) -> Self {
        let value = value.to_string();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.append(n, v);
            }
            (Err(_), _) => self.invalid(format!("{name:?} is not a valid header name")),
            // Never echo the value: it may be a credential.
            (_, Err(_)) => self.invalid(format!(
                "the value of header {name} is not valid header text"
            )),
        }
        self
    }

    /// Adds a header when the value is present.
    pub fn header_opt<V: Display>(self, name: &str, value: Option<V>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    fn set_body(mut self, content_type: &str, body: Bytes) -> Self {
        // The usual types as static values: no copy now, and no shared
        // buffer to allocate when the headers are cloned for each attempt.
        let known = match content_type {
            "application/json" => Some(HeaderValue::from_static("application/json")),
            "application/x-www-form-urlencoded" => Some(HeaderValue::from_static(
                "application/x-www-form-urlencoded",
            )),
            "application/octet-stream" => {
                Some(HeaderValue::from_static("application/octet-stream"))
            }
            "text/plain" => Some(HeaderValue::from_static("text/plain")),
            _ => None,
        };
        match known.map_or_else(|| HeaderValue::from_str(content_type), Ok) {
            Ok(ct) => {
                self.headers.insert(CONTENT_TYPE, ct);
                self.body = Some(body);
            }
            Err(_) => self.invalid(format!("{content_type:?} is not a valid content type")),
        }
        self
    }

    /// A JSON body (`application/json`).
    pub fn json<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.set_body("application/json", Bytes::from(bytes)),
            Err(e) => {
                self.invalid(format!("the body cannot be serialised as JSON: {e}"));
                self
            }
        }
    }

    /// A form body (`application/x-www-form-urlencoded`).
    ///
    /// ```
    /// use threeam_runtime::Request;
    ///
    /// let req = Request::post("login", "/v1/sessions").form([("user", "ann lee")]);
    /// assert_eq!(req.body_bytes().unwrap().as_ref(), b"user=ann+lee");
    /// ```
    pub fn form<K: AsRef<str>, V: AsRef<str>>(
        self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let body = encode::form_urlencoded(pairs);
        self.set_body("application/x-www-form-urlencoded", Bytes::from(body))
    }

    /// A raw body with its content type (`application/octet-stream`, ...).
    pub fn bytes(self, content_type: &str, body: impl Into<Bytes>) -> Self {
        self.set_body(content_type, body.into())
    }

    /// A `multipart/form-data` body.
    pub fn multipart(self, form: Multipart) -> Self {
        let (content_type, body) = form.finish();
        self.set_body(&content_type, body)
    }

    /// Sends this key instead of a generated one (for example the caller's
    /// own order id), on every attempt and endpoint.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.key = KeyChoice::Given(key.into());
        self
    }

    /// Sends no idempotency key. Use it when the operation does not declare
    /// one: a server that ignores keys could do the work twice, so a
    /// non-idempotent method without a key is never resent once it may have
    /// arrived.
    pub fn without_idempotency_key(mut self) -> Self {
        self.key = KeyChoice::Off;
        self
    }

    /// Declares the call safe (or unsafe) to resend, overriding what the
    /// method implies (a POST that only searches, say).
    pub fn idempotent(mut self, safe: bool) -> Self {
        self.idempotent = Some(safe);
        self
    }

    /// Overrides the client's per-attempt timeout for this call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the client's total deadline for this call.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Overrides the client's maximum attempts for this call (1: no retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts.max(1));
        self
    }

    /// What to answer when every endpoint fails (see [`Degrade`]).
    pub fn degrade(mut self, degrade: Degrade) -> Self {
        self.degrade = Some(degrade);
        self
    }

    /// The operation id.
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL template (what spans and metrics show).
    pub fn path_template(&self) -> &str {
        &self.template
    }

    /// The path with parameters filled in and encoded.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The encoded query string, without `?`.
    pub fn query_string(&self) -> &str {
        &self.query
    }

    /// The headers set on this request.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The encoded body, if any.
    pub fn body_bytes(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// The path and query as sent (`/v1/x?a=1`), or why the request is
    /// invalid. Characters a request line cannot carry (spaces, `#`,
    /// non-ASCII text in a literal path) are percent-encoded here, once per
    /// call; parameter values were encoded when they were set.
    pub(crate) fn target(&self) -> Result<String, String> {
        if let Some(detail) = &self.invalid {
            return Err(detail.clone());
        }
        if let Some(start) = self.path.find('{') {
            let name: String = self.path[start..]
                .chars()
                .take_while(|c| *c != '}')
                .skip(1)
                .collect();
            return Err(format!(
                "path parameter {{{name}}} of {} was not set",
                self.template
            ));
        }
        if !self.path.starts_with('/') {
            return Err(format!("path {:?} must start with '/'", self.path));
        }
        let mut target = String::with_capacity(self.path.len() + 1 + self.query.len());
        escape_into(&mut target, &self.path, false);
        if !self.query.is_empty() {
            target.push('?');
            escape_into(&mut target, &self.query, true);
        }
        Ok(target)
    }
}

/// Appends `text`, percent-encoding every byte that may not appear in an
/// HTTP request target as it is: the WHATWG URL path and query sets (what
/// browsers and the `url` crate send). `%` passes through: the text is
/// already encoded where it needed to be, and encoding it again would
/// change it.
fn escape_into(out: &mut String, text: &str, query: bool) {
    let allowed = |b: u8| {
        b.is_ascii_graphic()
            && !matches!(b, b'"' | b'#' | b'<' | b'>')
            && (query || !matches!(b, b'`' | b'{' | b'}'))
    };
    if text.bytes().all(allowed) {
        out.push_str(text);
        return;
    }
    for b in text.bytes() {
        if allowed(b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mistakes_are_kept_not_panicked() {
        let r = Request::get("op", "/v1/x/{id}").path_param("nope", 1);
        assert_eq!(
            r.target().unwrap_err(),
            "path template /v1/x/{id} has no parameter {nope}"
        );
        let r = Request::get("op", "/v1/x/{id}");
        assert_eq!(
            r.target().unwrap_err(),
            "path parameter {id} of /v1/x/{id} was not set"
        );
        let r = Request::get("op", "/v1").header("bad name", "v");
        assert!(r.target().unwrap_err().contains("not a valid header name"));
        let r = Request::get("op", "/v1").header("authorization", "Bearer x\n");
        let err = r.target().unwrap_err();
        assert!(
            err.contains("authorization") && !err.contains("Bearer"),
            "{err}"
        );
        let r = Request::get("op", "v1");
        assert!(r.target().is_err());
    }

    #[test]
    fn target_joins_path_and_query() {
        let r = Request::get("op", "/v1/{a}/{b}")
            .path_param("a", "x y")
            .path_param("b", "z/w")
            .query("q", "1 2")
            .query_opt("none", None::<u8>);
        assert_eq!(r.target().unwrap(), "/v1/x%20y/z%2Fw?q=1%202");
    }

    #[test]
    fn literal_text_a_request_line_cannot_carry_is_encoded() {
        let r = Request::get("op", "/v1/a b/caf\u{e9}#x").query("q", "1");
        assert_eq!(r.target().unwrap(), "/v1/a%20b/caf%C3%A9%23x?q=1");
        // Already-encoded text is left alone.
        let r = Request::get("op", "/v1/a%20b");
        assert_eq!(r.target().unwrap(), "/v1/a%20b");
    }

    #[test]
    fn json_body_sets_content_type() {
        let r = Request::post("op", "/v1").json(&serde_json::json!({"a": 1}));
        assert_eq!(r.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(r.body_bytes().unwrap().as_ref(), br#"{"a":1}"#);
    }
}
