//! What every operation method of a generated client calls: [`request`]
//! to start a request with the handle's [`CallOptions`], and [`call`] to
//! send it and type the answer.

use std::fmt;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::Method;

use super::{Error, Reply};
use crate::{Client, ClientBuilder, Request, Response};

/// Decodes a documented error body for a status (`None`: not documented,
/// or it does not decode).
pub type Decode<E> = fn(u16, &[u8]) -> Option<E>;

/// Reads a success body. It borrows the response (a reader may need the
/// headers too, as [`paginate::linked`](super::paginate::linked) does), so
/// [`call`] can then move the headers into the [`Reply`] without a copy.
pub type Read<T> = fn(&Response) -> Result<T, crate::Error>;

/// Settings for the calls made through one generated `Client` handle (its
/// `with_options`): they override the runtime's for those calls only.
///
/// ```
/// use std::time::Duration;
/// use threeam_runtime::generated::CallOptions;
/// use threeam_runtime::http::Method;
///
/// let options = CallOptions::new()
///     .idempotency_key("order-7-pay")
///     .timeout(Duration::from_secs(1))
///     .max_attempts(2)
///     .header("X-Tenant", "acme")?;
/// let keyed = options.request(Method::POST, "createPayment", "/v1/payments", true);
/// assert_eq!(keyed.operation(), "createPayment");
/// assert_eq!(keyed.headers()["x-tenant"], "acme");
/// # Ok::<(), threeam_runtime::generated::HeaderError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    idempotency_key: Option<String>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_attempts: Option<u32>,
    headers: ExtraHeaders,
}

/// Extra per-call headers, validated. Their `Debug` shows names only: a
/// value may be a credential.
#[derive(Clone, Default)]
struct ExtraHeaders(Vec<(HeaderName, HeaderValue)>);

impl fmt::Debug for ExtraHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(n, _)| n))
            .finish()
    }
}

/// Headers the runtime sets itself, refused by [`CallOptions::header`],
/// each with the way to get what the caller wanted.
const OWNED: &[(&str, &str)] = &[
    ("idempotency-key", "use CallOptions::idempotency_key: the runtime sends it in the spec's header and format and reuses it on retries"),
    ("authorization", "set credentials on the client builder (one client per credential; clones share the connection pool)"),
    ("proxy-authorization", "set the proxy's credentials on the client builder"),
    ("content-type", "the body's media type is set by the operation's body argument"),
    ("content-length", "the runtime frames the body"),
    ("transfer-encoding", "the runtime frames the body"),
    ("host", "the host comes from the client's base URL"),
    ("connection", "the runtime manages connections"),
    ("keep-alive", "the runtime manages connections"),
    ("upgrade", "the runtime manages connections"),
    ("te", "the runtime manages connections"),
    ("trailer", "the runtime frames the body"),
];

/// Why [`CallOptions::header`] refused a header.
///
/// ```
/// use threeam_runtime::generated::CallOptions;
///
/// let err = CallOptions::new().header("Idempotency-Key", "k1").unwrap_err();
/// assert!(err.to_string().contains("CallOptions::idempotency_key"), "{err}");
/// assert_eq!(err.name(), "Idempotency-Key");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderError {
    name: String,
    detail: String,
}

impl HeaderError {
    /// The header name as given.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "per-call header {:?}: {}", self.name, self.detail)
    }
}

impl std::error::Error for HeaderError {}

/// The options of a handle without overrides (see [`Api`] for
/// [`Client`]).
static NO_OPTIONS: CallOptions = CallOptions::new();

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub const fn new() -> Self {
        Self {
            idempotency_key: None,
            timeout: None,
            deadline: None,
            max_attempts: None,
            headers: ExtraHeaders(Vec::new()),
        }
    }

    /// Sends this header on every call through the handle (a tenant, a
    /// feature flag, an API version, a `User-Agent` of your own), replacing
    /// an earlier value of the same name. It wins over the client's default
    /// headers and over a credential sent in a header of another name.
    ///
    /// Refused, with the way to do it instead: a name or value that is not
    /// valid HTTP (the value is never echoed: it may be a secret), and the
    /// headers the runtime owns: `Idempotency-Key` (use
    /// [`CallOptions::idempotency_key`]), `Authorization` (credentials go
    /// on the client builder), `Content-Type` and the framing and
    /// connection headers. (A spec whose key header has another name, such
    /// as `X-Idempotency-Key`: a value set here is taken as the key, like
    /// [`CallOptions::idempotency_key`].)
    ///
    /// ```
    /// use threeam_runtime::generated::CallOptions;
    /// use threeam_runtime::http::Method;
    ///
    /// let options = CallOptions::new().header("X-Tenant", "acme")?.header("x-tenant", "globex")?;
    /// let req = options.request(Method::GET, "listUsers", "/v1/users", false);
    /// assert_eq!(req.headers().get_all("x-tenant").iter().count(), 1);
    /// assert_eq!(req.headers()["x-tenant"], "globex");
    /// assert!(CallOptions::new().header("X Tenant", "a").is_err());
    /// assert!(CallOptions::new().header("X-Tenant", "a\nb").is_err());
    /// assert!(CallOptions::new().header("X-Tenant", "café").is_err());
    /// assert!(CallOptions::new().header("content-type", "text/plain").is_err());
    /// # Ok::<(), threeam_runtime::generated::HeaderError>(())
    /// ```
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, HeaderError> {
        let refuse = |detail: &str| HeaderError {
            name: name.to_owned(),
            detail: detail.to_owned(),
        };
        let parsed = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            refuse("not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)")
        })?;
        if let Some((_, fix)) = OWNED.iter().find(|(owned, _)| *owned == parsed.as_str()) {
            return Err(refuse(&format!("the runtime sets this header; {fix}")));
        }
        // `to_str` too: http accepts bytes past ASCII that the request
        // could not carry as text.
        let value = HeaderValue::from_str(value)
            .ok()
            .filter(|v| v.to_str().is_ok())
            .ok_or_else(|| {
                refuse("the value is not valid header text (visible ASCII, spaces and tabs only)")
            })?;
        self.headers.0.retain(|(n, _)| *n != parsed);
        self.headers.0.push((parsed, value));
        Ok(self)
    }

    /// Sends this idempotency key instead of a fresh one (on operations
    /// that declare the header). Use a handle with a key for one call only.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Overrides the per-attempt timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Overrides the total deadline of a call, retries included.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Overrides the maximum number of attempts (1: no retry).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = Some(attempts);
        self
    }

    /// A request for one operation with these options applied. `keyed`
    /// when the spec declares an Idempotency-Key (the runtime fills it, or
    /// sends this handle's); otherwise no key is sent, so an unkeyed write
    /// is never resent after it may have arrived.
    ///
    /// ```
    /// use threeam_runtime::generated::CallOptions;
    /// use threeam_runtime::http::Method;
    ///
    /// let req = CallOptions::new().request(Method::GET, "getUser", "/v1/users/{id}", false);
    /// assert_eq!(req.path_template(), "/v1/users/{id}");
    /// ```
    pub fn request(
        &self,
        method: Method,
        operation: &'static str,
        template: &'static str,
        keyed: bool,
    ) -> Request {
        let mut req = Request::new(method, operation, template);
        req = match (&self.idempotency_key, keyed) {
            (Some(key), true) => req.idempotency_key(key.clone()),
            (None, true) => req,
            (_, false) => req.without_idempotency_key(),
        };
        if let Some(t) = self.timeout {
            req = req.timeout(t);
        }
        if let Some(d) = self.deadline {
            req = req.deadline(d);
        }
        if let Some(n) = self.max_attempts {
            req = req.max_attempts(n);
        }
        for (name, value) in &self.headers.0 {
            // Validated by `header`: this cannot record a mistake.
            req = req.header(name.as_str(), value.to_str().unwrap_or_default());
        }
        req
    }
}

/// A handle that generated operation methods call through: the runtime
/// and the handle's call options. [`api_client!`](crate::api_client)
/// implements it for a generated `Client`; a bare runtime [`Client`] is a
/// handle without overrides.
///
/// ```
/// use threeam_runtime::generated::Api;
///
/// let runtime = threeam_runtime::Client::builder("http://127.0.0.1:1").build().unwrap();
/// let req = threeam_runtime::generated::request(&runtime, threeam_runtime::http::Method::GET, "ping", "/v1/ping", false);
/// assert_eq!(req.operation(), "ping");
/// assert_eq!(Api::runtime(&runtime).endpoint_status().len(), 1);
/// ```
pub trait Api {
    /// The runtime the calls go through.
    fn runtime(&self) -> &Client;
    /// The overrides for calls through this handle.
    fn call_options(&self) -> &CallOptions;
}

impl Api for Client {
    fn runtime(&self) -> &Client {
        self
    }

    fn call_options(&self) -> &CallOptions {
        &NO_OPTIONS
    }
}

/// Starts the request of one operation with the handle's options (see
/// [`CallOptions::request`]).
///
/// ```
/// let runtime = threeam_runtime::Client::builder("http://127.0.0.1:1").build().unwrap();
/// let req = threeam_runtime::generated::request(
///     &runtime,
///     threeam_runtime::http::Method::POST,
///     "createPayment",
///     "/v1/payments",
///     true,
/// );
/// assert_eq!(req.method(), threeam_runtime::http::Method::POST);
/// ```
pub fn request(
    api: &impl Api,
    method: Method,
    operation: &'static str,
    template: &'static str,
    keyed: bool,
) -> Request {
    api.call_options()
        .request(method, operation, template, keyed)
}

/// Sends the request and reads the answer with `read`; an error status is
/// decoded with `decode` into the documented error body of [`Error`].
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use threeam_runtime::generated as rt;
/// use threeam_runtime::serde_json::Value;
///
/// let req = rt::request(&client, threeam_runtime::http::Method::GET, "getUser", "/v1/users/7", false);
/// let user: rt::Reply<Value> = rt::call(&client, req, rt::json_err::<Value>, rt::json).await?;
/// # let _ = user; Ok(()) }
/// ```
pub async fn call<T, E>(
    api: &impl Api,
    req: Request,
    decode: Decode<E>,
    read: Read<T>,
) -> Result<Reply<T>, Error<E>> {
    let wrap = |runtime: crate::Error| {
        let body = match (runtime.status(), runtime.body()) {
            (Some(status), Some(bytes)) => decode(status.as_u16(), bytes),
            _ => None,
        };
        Error::new(runtime, body)
    };
    let response = api.runtime().execute(req).await.map_err(wrap)?;
    let value = read(&response).map_err(wrap)?;
    Ok(Reply::of(response).with_value(value))
}

/// A runtime builder for a spec's servers: the first is the primary, the
/// second the fallback; with none, `http://localhost` (set yours on the
/// builder's result, or build the runtime yourself).
///
/// ```
/// let client = threeam_runtime::generated::builder_for(&["http://127.0.0.1:1", "http://127.0.0.1:2"])
///     .build()
///     .unwrap();
/// let bases: Vec<String> = client.endpoint_status().into_iter().map(|e| e.base_url).collect();
/// assert_eq!(bases, ["http://127.0.0.1:1", "http://127.0.0.1:2"]);
/// ```
pub fn builder_for(servers: &[&str]) -> ClientBuilder {
    let builder = Client::builder(servers.first().copied().unwrap_or("http://localhost"));
    match servers.get(1) {
        Some(fallback) => builder.fallback(*fallback),
        None => builder,
    }
}
