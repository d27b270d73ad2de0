//! A successful call of a generated client: the value, how it was served,
//! and the response headers (raw, and typed where the spec documents them).

use std::sync::Arc;

use http::uri::PathAndQuery;
use http::{HeaderMap, Method};
use serde::de::DeserializeOwned;

use crate::Served;

/// A successful answer: the decoded value (`Reply` derefs to it), how it
/// was served, and its headers: [`Reply::header_map`] (raw) and
/// [`Reply::headers`], the operation's documented headers typed as `H` (a
/// generated `{Op}Headers` struct; `()` when the spec documents none). A
/// fallback or degraded answer never passes for a fresh one: check
/// [`Reply::is_fresh`] where it matters.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use threeam_runtime::generated::{self as rt, CallOptions};
/// use threeam_runtime::serde_json::Value;
///
/// let req = CallOptions::new().request(threeam_runtime::http::Method::GET, "getUser", "/v1/users/7", false);
/// let user = rt::call(&client, req, rt::json_err::<Value>, rt::json::<Value>).await?;
/// if !user.is_fresh() {
///     eprintln!("served by {:?} after {} attempt(s)", user.served(), user.attempts());
/// }
/// println!("{}", user["name"]); // Deref to the value
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Reply<T, H = ()> {
    value: T,
    headers: H,
    head: Head,
}

/// Everything but the value and the typed headers: moved along as one by
/// [`Reply::map`] and the other conversions.
#[derive(Debug, Clone)]
struct Head {
    header_map: HeaderMap,
    status: u16,
    served: Served,
    replayed: bool,
    request_id: Option<String>,
    attempts: u32,
    method: Method,
    /// The base URL and the path and query, joined only when asked for
    /// (as `Response` does: most callers never ask).
    base: Arc<str>,
    target: PathAndQuery,
}

impl Reply<()> {
    /// How `response` was served, its headers moved out of it (not
    /// copied: this runs on every call), once its body has been read.
    pub(crate) fn of(response: crate::Response) -> Self {
        Self {
            value: (),
            headers: (),
            head: Head {
                status: response.status.as_u16(),
                replayed: response.replayed(),
                attempts: response.attempts,
                header_map: response.headers,
                served: response.served,
                request_id: response.request_id,
                method: response.method,
                base: response.base,
                target: response.target,
            },
        }
    }

    /// The same answer carrying its decoded value.
    pub(crate) fn with_value<T>(self, value: T) -> Reply<T> {
        Reply {
            value,
            headers: (),
            head: self.head,
        }
    }
}

impl<T, H> Reply<T, H> {
    /// The same answer with its value turned into another by `f` (how it
    /// was served is kept).
    ///
    /// ```no_run
    /// # fn demo(page: threeam_runtime::generated::Reply<Vec<u32>>) {
    /// let count = page.map(|items| items.len());
    /// println!("{} items, {} attempt(s)", *count, count.attempts());
    /// # }
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U, H> {
        Reply {
            value: f(self.value),
            headers: self.headers,
            head: self.head,
        }
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The operation's documented response headers, typed (see
    /// [`FromHeaders`]): a header that was absent or did not parse is
    /// `None`.
    pub fn headers(&self) -> &H {
        &self.headers
    }

    /// Every response header, as received.
    pub fn header_map(&self) -> &HeaderMap {
        &self.head.header_map
    }

    /// The same answer with its documented headers parsed as `H2` (what a
    /// generated method whose spec documents headers returns).
    ///
    /// ```
    /// use threeam_runtime::generated::{header_value, FromHeaders, Reply};
    /// use threeam_runtime::http::HeaderMap;
    ///
    /// #[derive(Debug, Default, PartialEq)]
    /// struct Limits {
    ///     remaining: Option<i64>,
    /// }
    /// impl FromHeaders for Limits {
    ///     fn from_headers(headers: &HeaderMap) -> Self {
    ///         Limits { remaining: header_value(headers, "X-RateLimit-Remaining") }
    ///     }
    /// }
    ///
    /// fn limits(reply: Reply<String>) -> Option<i64> {
    ///     let typed: Reply<String, Limits> = reply.with_typed_headers();
    ///     typed.headers().remaining
    /// }
    /// ```
    pub fn with_typed_headers<H2: FromHeaders>(self) -> Reply<T, H2> {
        Reply {
            headers: H2::from_headers(&self.head.header_map),
            value: self.value,
            head: self.head,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.head.status
    }

    /// Fresh from the primary, from the fallback, or degraded.
    pub fn served(&self) -> &Served {
        &self.head.served
    }

    /// Answered by the primary server.
    pub fn is_fresh(&self) -> bool {
        matches!(self.head.served, Served::Fresh)
    }

    /// Answered by the fallback server.
    pub fn is_fallback(&self) -> bool {
        matches!(self.head.served, Served::Fallback { .. })
    }

    /// Not from a server: a stand-in (last good answer or a fixed value).
    pub fn is_degraded(&self) -> bool {
        matches!(self.head.served, Served::Degraded(_))
    }

    /// The server replayed a stored response for this idempotency key:
    /// nothing was done again.
    pub fn replayed(&self) -> bool {
        self.head.replayed
    }

    /// The server's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.head.request_id.as_deref()
    }

    /// How many requests were sent.
    pub fn attempts(&self) -> u32 {
        self.head.attempts
    }

    /// The request's method.
    pub fn method(&self) -> &Method {
        &self.head.method
    }

    /// The URL that answered: the server's base URL (the fallback's when
    /// it answered) with the path and query, secrets in the query redacted
    /// as in logs.
    pub fn url(&self) -> String {
        let url = format!("{}{}", self.head.base, self.head.target);
        crate::telemetry::redact_url(&url).into_owned()
    }
}

impl<T, H> std::ops::Deref for Reply<T, H> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// A generated `{Op}Headers` struct: the operation's documented response
/// headers read from the raw ones. Reading never fails: see
/// [`header_value`].
pub trait FromHeaders {
    /// Reads the documented headers from `headers`.
    fn from_headers(headers: &HeaderMap) -> Self;
}

/// No documented headers.
impl FromHeaders for () {
    fn from_headers(_: &HeaderMap) -> Self {}
}

/// One documented header parsed as its schema type `T`: a string-like
/// type (text, enum, date, id) from the text itself, else a JSON scalar
/// (integer, number, boolean) from the text. `None` when the header is
/// absent, and when it does not parse, with a warning naming the header
/// and the expected type (not the value, which may be private): a header
/// is informational, so a server sending `X-RateLimit-Remaining: lots`
/// does not fail a payment that went through.
///
/// ```
/// use threeam_runtime::generated::header_value;
/// use threeam_runtime::http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-ratelimit-remaining", "41".parse().unwrap());
/// headers.insert("etag", "\"v7\"".parse().unwrap());
/// assert_eq!(header_value::<i64>(&headers, "X-RateLimit-Remaining"), Some(41));
/// assert_eq!(header_value::<String>(&headers, "ETag").as_deref(), Some("\"v7\""));
/// assert_eq!(header_value::<bool>(&headers, "ETag"), None);
/// assert_eq!(header_value::<String>(&headers, "Location"), None);
/// ```
pub fn header_value<T: DeserializeOwned>(headers: &HeaderMap, name: &str) -> Option<T> {
    let raw = headers.get(name)?;
    let parsed = raw.to_str().ok().and_then(|text| {
        let text = text.trim();
        serde_json::from_value(serde_json::Value::String(text.to_owned()))
            .or_else(|_| serde_json::from_str(text))
            .ok()
    });
    if parsed.is_none() {
        tracing::warn!(
            header = name,
            expected = std::any::type_name::<T>(),
            "a documented response header does not parse as its schema says; read it from header_map()"
        );
    }
    parsed
}

/// A generated `{Op}Headers` struct: one `Option` field per documented
/// response header, and its [`FromHeaders`] impl reading each with
/// [`header_value`].
///
/// ```
/// use threeam_runtime::generated::FromHeaders;
/// use threeam_runtime::http::HeaderMap;
///
/// threeam_runtime::response_headers! {
///     /// The headers of `createThing`.
///     pub struct CreateThingHeaders {
///         /// Calls left.
///         "X-RateLimit-Remaining" => x_rate_limit_remaining: i64,
///         "Location" => location: String,
///     }
/// }
///
/// let mut raw = HeaderMap::new();
/// raw.insert("x-ratelimit-remaining", "9".parse().unwrap());
/// let typed = CreateThingHeaders::from_headers(&raw);
/// assert_eq!(typed, CreateThingHeaders { x_rate_limit_remaining: Some(9), location: None });
/// ```
#[macro_export]
macro_rules! response_headers {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $header:literal => $field:ident : $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::default::Default)]
        $vis struct $name {
            $(
                $(#[$fmeta])*
                #[doc = ""]
                #[doc = ::core::concat!("Header `", $header, "`.")]
                pub $field: ::core::option::Option<$ty>,
            )*
        }

        impl $crate::generated::FromHeaders for $name {
            fn from_headers(headers: &$crate::http::HeaderMap) -> Self {
                Self {
                    $( $field: $crate::generated::header_value(headers, $header), )*
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::StatusCode;

    fn response(headers: HeaderMap) -> crate::Response {
        crate::Response {
            status: StatusCode::CREATED,
            headers,
            body: bytes::Bytes::from_static(b"{}"),
            served: Served::Fresh,
            attempts: 2,
            connect_failures: 0,
            request_id: Some("req_9".to_owned()),
            idempotency_key: None,
            operation: "createThing".into(),
            method: Method::POST,
            base: "http://127.0.0.1:1".into(),
            target: "/v1/things".parse().unwrap(),
        }
    }

    #[test]
    fn the_headers_are_moved_into_the_reply_not_copied() {
        let mut headers = HeaderMap::new();
        headers.insert("etag", "\"v7\"".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "41".parse().unwrap());
        let response = response(headers);
        // A clone would allocate a new entry table: the same address
        // proves the map itself was moved.
        let before: *const http::HeaderValue = response.headers().get("etag").unwrap();
        let reply = Reply::of(response).with_value(7u32);
        let after: *const http::HeaderValue = reply.header_map().get("etag").unwrap();
        assert_eq!(before, after);
        assert_eq!(reply.header_map()["etag"], "\"v7\"");
        assert_eq!((reply.status(), reply.attempts(), *reply), (201, 2, 7));
        assert_eq!(reply.request_id(), Some("req_9"));
        assert_eq!(reply.method(), Method::POST);
        assert_eq!(reply.url(), "http://127.0.0.1:1/v1/things");
        let typed: Reply<u32, Limits> = reply.with_typed_headers();
        assert_eq!(typed.headers().remaining, Some(41));
    }

    #[derive(Debug, Default, PartialEq)]
    struct Limits {
        remaining: Option<i64>,
    }

    impl FromHeaders for Limits {
        fn from_headers(headers: &HeaderMap) -> Self {
            Limits {
                remaining: header_value(headers, "X-RateLimit-Remaining"),
            }
        }
    }
}
