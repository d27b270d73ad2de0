//! The fixed part of every generated client: the error type, per-call
//! options, three `macro_rules!` that implement serde for enums and unions,
//! and the helpers that every operation method calls. Emitted verbatim, so
//! each operation method stays a few lines and the crate compiles fast.

/// Macros first: `macro_rules!` are visible only after their definition.
pub(crate) const MACROS: &str = r#"// String enums keep values this client does not know: a server's additive
// change must not break an old client.
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident { $($variant:ident => $value:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(Self::from(value.as_str()))
            }
        }
    };
}

// A union is written as whichever variant it holds.
#[allow(unused_macros)]
macro_rules! union_serialize {
    ($name:ident { $($variant:ident),* $(,)? }) => {
        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant(value) => value.serialize(serializer),)*
                    Self::Unknown(value) => value.serialize(serializer),
                }
            }
        }
    };
}

// A union without a discriminator is read as the first variant that fits;
// a value that fits none is kept as `Unknown`.
#[allow(unused_macros)]
macro_rules! untagged_union {
    ($name:ident { $($variant:ident($ty:ty)),* $(,)? }) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                $(if let Ok(v) = <$ty as Deserialize>::deserialize(&value) {
                    return Ok(Self::$variant(v));
                })*
                Ok(Self::Unknown(value))
            }
        }
    };
}

// A union with a discriminator is read by its tag; an unknown tag is kept
// as `Unknown`.
#[allow(unused_macros)]
macro_rules! tagged_union {
    ($name:ident, $tag:literal, { $($($value:literal)|+ => $target:ident),* $(,)? }) => {
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = serde_json::Value::deserialize(deserializer)?;
                match value.get($tag).and_then(serde_json::Value::as_str) {
                    $(Some($($value)|+) => Deserialize::deserialize(&value)
                        .map(Self::$target)
                        .map_err(serde::de::Error::custom),)*
                    _ => Ok(Self::Unknown(value)),
                }
            }
        }
    };
}
"#;

/// The error type, call options and helpers.
pub(crate) const SUPPORT: &str = r#"/// The failure of one call: what the runtime saw (operation, method, URL,
/// attempts, status, request id) and, when the server answered with a
/// documented error, its body decoded as `E`.
///
/// Its `Display` is the runtime's one-line story of the failure.
pub struct Error<E = serde_json::Value> {
    runtime: threeam_runtime::Error,
    body: Option<E>,
}

impl<E> Error<E> {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.runtime.status().map(|s| s.as_u16())
    }

    /// The documented error body, when the server sent one that decodes.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }

    /// The server's request id (quote it when asking for help).
    pub fn request_id(&self) -> Option<&str> {
        self.runtime.request_id()
    }

    /// Everything the runtime knows: kind, stop reason, attempts, raw body.
    pub fn runtime(&self) -> &threeam_runtime::Error {
        &self.runtime
    }

    /// The runtime error, dropping the decoded body.
    pub fn into_runtime(self) -> threeam_runtime::Error {
        self.runtime
    }
}

impl<E> std::fmt::Display for Error<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.runtime, f)
    }
}

impl<E: std::fmt::Debug> std::fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Error")
            .field("runtime", &self.runtime)
            .field("body", &self.body)
            .finish()
    }
}

impl<E: std::fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.runtime)
    }
}

/// A successful answer: the decoded value (`Reply` derefs to it) and how
/// it was served. A fallback or degraded answer never passes for a fresh
/// one: check [`Reply::is_fresh`] where it matters.
#[derive(Debug, Clone)]
pub struct Reply<T> {
    value: T,
    status: u16,
    served: threeam_runtime::Served,
    replayed: bool,
    request_id: Option<String>,
    attempts: u32,
}

impl<T> Reply<T> {
    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Fresh from the primary, from the fallback, or degraded.
    pub fn served(&self) -> &threeam_runtime::Served {
        &self.served
    }

    /// Answered by the primary server.
    pub fn is_fresh(&self) -> bool {
        matches!(self.served, threeam_runtime::Served::Fresh)
    }

    /// Answered by the fallback server.
    pub fn is_fallback(&self) -> bool {
        matches!(self.served, threeam_runtime::Served::Fallback { .. })
    }

    /// Not from a server: a stand-in (last good answer or a fixed value).
    pub fn is_degraded(&self) -> bool {
        matches!(self.served, threeam_runtime::Served::Degraded(_))
    }

    /// The server replayed a stored response for this idempotency key:
    /// nothing was done again.
    pub fn replayed(&self) -> bool {
        self.replayed
    }

    /// The server's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many requests were sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<T> std::ops::Deref for Reply<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

/// Settings for the calls made through one [`Client`] handle
/// (see [`Client::with_options`]).
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    idempotency_key: Option<String>,
    timeout: Option<std::time::Duration>,
    deadline: Option<std::time::Duration>,
    max_attempts: Option<u32>,
}

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sends this idempotency key instead of a fresh one (on operations
    /// that declare the header). Use a handle with a key for one call only.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Overrides the per-attempt timeout.
    pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the total deadline of a call, retries included.
    pub fn deadline(mut self, deadline: std::time::Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Overrides the maximum number of attempts (1: no retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }
}

/// What every operation method calls.
#[allow(dead_code)]
mod rt {
    use super::{CallOptions, Client, Error, Reply};
    use threeam_runtime::{serde, serde_json, Request, Response};

    type Decode<E> = fn(u16, &[u8]) -> Option<E>;
    type Read<T> = fn(Response) -> Result<T, threeam_runtime::Error>;

    /// A request for one operation; `keyed` when the spec declares an
    /// Idempotency-Key (the runtime fills it), otherwise none is sent so an
    /// unkeyed write is never resent.
    pub(super) fn request(
        client: &Client,
        method: threeam_runtime::http::Method,
        operation: &'static str,
        template: &'static str,
        keyed: bool,
    ) -> Request {
        let o: &CallOptions = &client.options;
        let mut req = Request::new(method, operation, template);
        req = match (&o.idempotency_key, keyed) {
            (Some(key), true) => req.idempotency_key(key.clone()),
            (None, true) => req,
            (_, false) => req.without_idempotency_key(),
        };
        if let Some(t) = o.timeout {
            req = req.timeout(t);
        }
        if let Some(d) = o.deadline {
            req = req.deadline(d);
        }
        if let Some(n) = o.max_attempts {
            req = req.max_attempts(n);
        }
        req
    }

    /// Sends the request and reads the answer with `read`; an error status
    /// is decoded with `decode` into the documented error body.
    pub(super) async fn call<T, E>(
        client: &Client,
        req: Request,
        decode: Decode<E>,
        read: Read<T>,
    ) -> Result<Reply<T>, Error<E>> {
        let wrap = |runtime: threeam_runtime::Error| {
            let body = match (runtime.status(), runtime.body()) {
                (Some(status), Some(bytes)) => decode(status.as_u16(), bytes),
                _ => None,
            };
            Error { runtime, body }
        };
        let response = client.runtime.execute(req).await.map_err(wrap)?;
        let status = response.status().as_u16();
        let served = response.served().clone();
        let replayed = response.replayed();
        let request_id = response.request_id().map(str::to_owned);
        let attempts = response.attempts();
        let value = read(response).map_err(wrap)?;
        Ok(Reply { value, status, served, replayed, request_id, attempts })
    }

    /// Decodes a JSON error body.
    pub(super) fn json_err<E: serde::de::DeserializeOwned>(_status: u16, body: &[u8]) -> Option<E> {
        serde_json::from_slice(body).ok()
    }

    /// Reads a JSON body.
    pub(super) fn json<T: serde::de::DeserializeOwned>(r: Response) -> Result<T, threeam_runtime::Error> {
        r.json()
    }

    /// Ignores the body.
    pub(super) fn unit(_: Response) -> Result<(), threeam_runtime::Error> {
        Ok(())
    }

    /// Reads the body as bytes.
    pub(super) fn bytes(r: Response) -> Result<Vec<u8>, threeam_runtime::Error> {
        Ok(r.into_body().to_vec())
    }

    /// Reads the body as text.
    pub(super) fn text(r: Response) -> Result<String, threeam_runtime::Error> {
        Ok(r.text().into_owned())
    }

    /// A value as parameter text: strings bare, everything else as JSON.
    fn scalar(value: &serde_json::Value) -> String {
        match value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }

    fn to_value<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Value {
        serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
    }

    /// A path parameter.
    pub(super) fn path<T: serde::Serialize + ?Sized>(req: Request, name: &str, value: &T) -> Request {
        // OpenAPI's `simple` style: arrays as `a,b`.
        let text = match to_value(value) {
            serde_json::Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
            other => scalar(&other),
        };
        req.path_param(name, text)
    }

    /// Query parameter styles (OpenAPI `style` and `explode`).
    #[derive(Clone, Copy)]
    pub(super) enum Style {
        Form,
        FormExploded,
        Space,
        Pipe,
        Deep,
    }

    /// A query parameter in its style; `None` adds nothing.
    pub(super) fn query<T: serde::Serialize + ?Sized>(req: Request, name: &str, value: &T, style: Style) -> Request {
        use threeam_runtime::QueryStyle;
        match to_value(value) {
            serde_json::Value::Null => req,
            // deepObject nests arrays too (`expand[0]=a`, as Stripe reads it).
            value @ serde_json::Value::Array(_) if matches!(style, Style::Deep) => {
                let mut pairs = Vec::new();
                flatten(name, &value, &mut pairs);
                pairs.into_iter().fold(req, |req, (k, v)| req.query(&k, v))
            }
            serde_json::Value::Array(items) => {
                let list = match style {
                    Style::FormExploded | Style::Deep => QueryStyle::FormExploded,
                    Style::Form => QueryStyle::Form,
                    Style::Space => QueryStyle::SpaceDelimited,
                    Style::Pipe => QueryStyle::PipeDelimited,
                };
                req.query_list(name, items.iter().map(scalar), list)
            }
            serde_json::Value::Object(map) => match style {
                Style::Deep => {
                    let mut pairs = Vec::new();
                    flatten(name, &serde_json::Value::Object(map), &mut pairs);
                    pairs.into_iter().fold(req, |req, (k, v)| req.query(&k, v))
                }
                Style::FormExploded => map.iter().fold(req, |req, (k, v)| req.query(k, scalar(v))),
                _ => {
                    let joined: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), scalar(v)]).collect();
                    req.query(name, joined.join(","))
                }
            },
            other => req.query(name, scalar(&other)),
        }
    }

    /// A header parameter; `None` adds nothing.
    pub(super) fn header<T: serde::Serialize + ?Sized>(req: Request, name: &str, value: &T) -> Request {
        match to_value(value) {
            serde_json::Value::Null => req,
            serde_json::Value::Array(items) => {
                let joined: Vec<String> = items.iter().map(scalar).collect();
                req.header(name, joined.join(","))
            }
            other => req.header(name, scalar(&other)),
        }
    }

    /// A cookie parameter; `None` adds nothing.
    pub(super) fn cookie<T: serde::Serialize + ?Sized>(req: Request, name: &str, value: &T) -> Request {
        match to_value(value) {
            serde_json::Value::Null => req,
            other => {
                let text = scalar(&other);
                let encoded = threeam_runtime::encode::query_component(&text);
                req.header("cookie", format!("{name}={encoded}"))
            }
        }
    }

    /// Nested values as `name[key][0]=value` pairs (deepObject queries and
    /// form bodies, as Stripe reads them).
    fn flatten(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
        match value {
            serde_json::Value::Null => {}
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}[{k}]") };
                    flatten(&key, v, out);
                }
            }
            serde_json::Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    flatten(&format!("{prefix}[{i}]"), v, out);
                }
            }
            other => out.push((prefix.to_owned(), scalar(other))),
        }
    }

    /// An `application/x-www-form-urlencoded` body.
    pub(super) fn form<T: serde::Serialize + ?Sized>(req: Request, body: &T) -> Request {
        let mut pairs = Vec::new();
        flatten("", &to_value(body), &mut pairs);
        req.form(pairs)
    }

    /// A text part of a multipart body; `None` adds nothing.
    pub(super) fn part<T: serde::Serialize + ?Sized>(
        form: threeam_runtime::Multipart,
        name: &str,
        value: &T,
    ) -> threeam_runtime::Multipart {
        match to_value(value) {
            serde_json::Value::Null => form,
            other => form.text(name, &scalar(&other)),
        }
    }

    /// A file part of a multipart body.
    pub(super) fn file(form: threeam_runtime::Multipart, name: &str, data: &[u8]) -> threeam_runtime::Multipart {
        form.file(name, name, "application/octet-stream", data.to_vec())
    }
}
"#;
