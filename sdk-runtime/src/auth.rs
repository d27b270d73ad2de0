//! Credentials by security scheme name, and the per-call choice of which to
//! send.
//!
//! A spec's `securitySchemes` name each way of authenticating; an operation's
//! `security` lists alternatives, each a set of scheme names that must all
//! be sent together. The application registers credentials on the builder
//! under those names ([`ClientBuilder::http_bearer`](crate::ClientBuilder::http_bearer)
//! and its siblings); generated code passes the operation's requirement with
//! [`Request::security`](crate::Request::security). Before anything is sent,
//! the runtime picks the first alternative whose schemes are all
//! configured, or fails with an error that names the missing scheme and the
//! builder method that supplies it.
//!
//! Secrets are kept as sensitive header values or as query text that is
//! added to the request URI only at send time, so they never reach a
//! message, a span or `Debug` output. OAuth2 client-credentials tokens are
//! fetched through the client's own transport (timeouts, retries, proxy),
//! cached until shortly before they expire, and fetched again once when
//! the API answers 401.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue, AUTHORIZATION, COOKIE};
use http::HeaderMap;
use tokio::time::Instant;

use crate::client::Client;
use crate::encode;
use crate::request::Request;

/// An operation's security requirement, as generated code writes it: the
/// alternatives (any one suffices), each a list of scheme names (all sent
/// together). `&[]` means the operation needs no credentials and none are
/// sent; `&[&[]]` (an empty alternative) makes credentials optional.
///
/// ```
/// use threeam_runtime::auth::Security;
///
/// // `security: [{bearerAuth: []}, {apiKey: [], appId: []}]`
/// const LIST_PETS: Security = &[&["bearerAuth"], &["apiKey", "appId"]];
/// assert_eq!(LIST_PETS.len(), 2);
/// ```
pub type Security = &'static [&'static [&'static str]];

/// Where an API key goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiKeyIn {
    /// A request header (`X-Api-Key: ...`).
    Header,
    /// A query parameter (`?api_key=...`), added at send time so it never
    /// appears in a URL the runtime shows.
    Query,
    /// A cookie (`Cookie: session=...`).
    Cookie,
}

/// OAuth2 client-credentials settings (RFC 6749 section 4.4).
///
/// The client authenticates to the token endpoint with HTTP Basic
/// (section 2.3.1, which every server must accept).
///
/// ```
/// use threeam_runtime::auth::OAuth2ClientCredentials;
///
/// let oauth = OAuth2ClientCredentials::new(
///     "https://auth.example.com/oauth/token",
///     "my-client",
///     "my-secret",
/// )
/// .scopes(["payments:read", "payments:write"]);
/// assert!(!format!("{oauth:?}").contains("my-secret"));
/// ```
#[derive(Clone)]
pub struct OAuth2ClientCredentials {
    pub(crate) token_url: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: String,
    pub(crate) scopes: Vec<String>,
}

impl OAuth2ClientCredentials {
    /// The token endpoint (`tokenUrl`), the client id and its secret.
    ///
    /// A relative token URL (`/oauth/token`, as OpenAPI 3.1 allows) is
    /// taken on the origin of the client's primary base URL, when the
    /// client is built: it follows the base URL you set, in whatever order
    /// you set them. An absolute one is used as it is.
    pub fn new(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        Self {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: Vec::new(),
        }
    }

    /// The scopes to ask for (sent space-separated; none by default).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }
}

/// `token_url` on the origin of `primary` when it is relative (no
/// `scheme://`); as it is otherwise.
pub(crate) fn token_url_on(token_url: &str, primary: &str) -> String {
    let token_url = token_url.trim();
    if token_url.contains("://") {
        return token_url.to_owned();
    }
    let origin = match primary.find("://") {
        Some(i) => {
            let rest = &primary[i + 3..];
            &primary[..i + 3 + rest.find('/').unwrap_or(rest.len())]
        }
        None => primary,
    };
    format!("{origin}/{}", token_url.trim_start_matches('/'))
}

impl fmt::Debug for OAuth2ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth2ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &self.client_id)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

/// One configured credential.
#[derive(Clone)]
pub(crate) enum Credential {
    /// A header: bearer, basic, OpenID Connect, API key in a header.
    Header(HeaderName, HeaderValue),
    /// `name=value`, already encoded, appended to the query at send time.
    Query(String),
    /// `name=value` for the `Cookie` header.
    Cookie(String),
    /// A token fetched and cached.
    OAuth2(Arc<OAuth2>),
}

/// The credentials one call sends.
#[derive(Default)]
pub(crate) struct Chosen {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) query: Vec<String>,
    pub(crate) cookies: Vec<String>,
    pub(crate) oauth: Option<Arc<OAuth2>>,
    /// Whether the client's blanket credentials (`bearer_auth`,
    /// `secret_header`) are sent too: not when the operation needs none.
    pub(crate) blanket: bool,
}

/// No alternative of a requirement is configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Missing {
    pub(crate) scheme: String,
    /// The generated client's builder method for it, if it named one.
    pub(crate) method: Option<String>,
}

impl Missing {
    /// What to do, for the error message.
    pub(crate) fn fix(&self) -> String {
        match &self.method {
            Some(method) => format!(
                "none is configured; call .{method}(...) on the client builder"
            ),
            None => format!(
                "none is configured; register it on the client builder under the name {:?} with http_bearer, http_basic, api_key, open_id_connect or oauth2_client_credentials",
                self.scheme
            ),
        }
    }
}

/// The credentials of a client, by scheme name.
#[derive(Clone, Default)]
pub(crate) struct Schemes {
    configured: Vec<(String, Credential)>,
    /// The builder method that supplies a scheme, as the generated client
    /// names it (for the message when it is missing).
    hints: Vec<(String, String)>,
    /// The spec's top-level `security`, for requests that carry none.
    pub(crate) default: Option<Security>,
}

impl Schemes {
    pub(crate) fn is_empty(&self) -> bool {
        self.configured.is_empty() && self.default.is_none()
    }

    pub(crate) fn add(&mut self, scheme: &str, credential: Credential) {
        self.configured.retain(|(name, _)| name != scheme);
        self.configured.push((scheme.to_owned(), credential));
    }

    pub(crate) fn hint(&mut self, scheme: &str, method: &str) {
        self.hints.retain(|(name, _)| name != scheme);
        self.hints.push((scheme.to_owned(), method.to_owned()));
    }

    fn get(&self, scheme: &str) -> Option<&Credential> {
        self.configured
            .iter()
            .find(|(name, _)| name == scheme)
            .map(|(_, c)| c)
    }

    /// The credentials for a call with this requirement (the request's, or
    /// the client's default). With no requirement at all, every configured
    /// scheme is sent: a client built by hand means what it registered.
    /// `has_blanket`: the client has `bearer_auth`/`secret_header`
    /// credentials, which stand in for an unconfigured requirement (they
    /// were set by hand for this API).
    pub(crate) fn choose(
        &self,
        requirement: Option<Security>,
        has_blanket: bool,
    ) -> Result<Chosen, Missing> {
        let mut chosen = Chosen {
            blanket: true,
            ..Chosen::default()
        };
        let Some(alternatives) = requirement.or(self.default) else {
            for (_, credential) in &self.configured {
                chosen.push(credential);
            }
            return Ok(chosen);
        };
        if alternatives.is_empty() {
            chosen.blanket = false;
            return Ok(chosen);
        }
        let satisfied = |alt: &&&[&str]| alt.iter().all(|s| self.get(s).is_some());
        let pick = alternatives
            .iter()
            .find(|alt| !alt.is_empty() && satisfied(alt))
            .or_else(|| alternatives.iter().find(|alt| alt.is_empty()));
        match pick {
            Some(alt) => {
                for scheme in alt.iter() {
                    if let Some(credential) = self.get(scheme) {
                        chosen.push(credential);
                    }
                }
                Ok(chosen)
            }
            None if has_blanket => Ok(chosen),
            None => {
                // Name the first scheme missing from the first alternative:
                // configuring it is the shortest way to a working call.
                let scheme = alternatives[0]
                    .iter()
                    .find(|s| self.get(s).is_none())
                    .copied()
                    .unwrap_or_default();
                let method = self
                    .hints
                    .iter()
                    .find(|(name, _)| name == scheme)
                    .map(|(_, m)| m.clone());
                Err(Missing {
                    scheme: scheme.to_owned(),
                    method,
                })
            }
        }
    }
}

impl Chosen {
    fn push(&mut self, credential: &Credential) {
        match credential {
            Credential::Header(name, value) => self.headers.push((name.clone(), value.clone())),
            Credential::Query(pair) => self.query.push(pair.clone()),
            Credential::Cookie(pair) => self.cookies.push(pair.clone()),
            Credential::OAuth2(oauth) => self.oauth = Some(Arc::clone(oauth)),
        }
    }
}

/// Puts a call's credentials in `headers`, per its security requirement:
/// the chosen schemes' headers and cookies, and the client's blanket
/// credentials unless the operation needs none (a header the request set
/// itself wins over both). Returns what is added later: the query keys
/// (at send time) and the OAuth2 source (its token is fetched
/// asynchronously).
pub(crate) fn apply(
    schemes: &Schemes,
    blanket: &HeaderMap,
    security: Option<Security>,
    headers: &mut HeaderMap,
) -> Result<(Option<String>, Option<Arc<OAuth2>>), Missing> {
    let merge = |headers: &mut HeaderMap, name: &HeaderName, value: &HeaderValue| {
        if !headers.contains_key(name) {
            headers.insert(name.clone(), value.clone());
        }
    };
    // The common case, and the benchmark's: nothing to choose.
    if schemes.is_empty() && security.is_none() {
        for (name, value) in blanket {
            merge(headers, name, value);
        }
        return Ok((None, None));
    }
    let chosen = schemes.choose(security, !blanket.is_empty())?;
    for (name, value) in &chosen.headers {
        merge(headers, name, value);
    }
    if chosen.blanket {
        for (name, value) in blanket {
            merge(headers, name, value);
        }
    }
    if !chosen.cookies.is_empty() {
        let mut cookies = chosen.cookies.join("; ");
        if let Some(theirs) = headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
            cookies = format!("{theirs}; {cookies}");
        }
        if let Ok(value) = sensitive(&cookies) {
            headers.insert(COOKIE, value);
        }
    }
    let query = (!chosen.query.is_empty()).then(|| chosen.query.join("&"));
    Ok((query, chosen.oauth))
}

/// `Authorization: Bearer <token>`, sensitive.
pub(crate) fn bearer(token: &str) -> Result<HeaderValue, String> {
    sensitive(&format!("Bearer {token}"))
}

/// `Authorization: Basic base64(user:password)`, sensitive.
pub(crate) fn basic(user: &str, password: &str) -> Result<HeaderValue, String> {
    sensitive(&format!(
        "Basic {}",
        base64(format!("{user}:{password}").as_bytes())
    ))
}

/// A header value marked sensitive; the error never repeats the value.
pub(crate) fn sensitive(text: &str) -> Result<HeaderValue, String> {
    let mut value = HeaderValue::from_str(text)
        .map_err(|_| "the credential is not valid header text (control characters or non-ASCII)")?;
    value.set_sensitive(true);
    Ok(value)
}

/// An API key credential.
pub(crate) fn api_key(location: ApiKeyIn, name: &str, value: &str) -> Result<Credential, String> {
    match location {
        ApiKeyIn::Header => {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("{name:?} is not a valid header name"))?;
            Ok(Credential::Header(name, sensitive(value)?))
        }
        ApiKeyIn::Query => Ok(Credential::Query(format!(
            "{}={}",
            encode::query_component(name),
            encode::query_component(value)
        ))),
        ApiKeyIn::Cookie => {
            // RFC 6265 cookie-octets: no controls, whitespace, quotes,
            // commas, semicolons or backslashes.
            let fine = |s: &str| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_graphic() && !b"\",;\\=".contains(&b))
            };
            if !fine(name) {
                return Err(format!("{name:?} is not a valid cookie name"));
            }
            if !value
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"\",;\\".contains(&b))
            {
                return Err(format!(
                    "the value of cookie {name} is not valid cookie text"
                ));
            }
            Ok(Credential::Cookie(format!("{name}={value}")))
        }
    }
}

/// Standard base64 with padding (RFC 4648), for HTTP Basic: a dozen lines
/// do not earn a dependency.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// An OAuth2 client-credentials token source.
pub(crate) struct OAuth2 {
    scheme: String,
    /// A client of the token endpoint that shares the API client's
    /// transport and settings.
    client: Client,
    /// The token endpoint's path (and query) on that client.
    path: String,
    form: String,
    authorization: HeaderValue,
    /// The cached token; the lock is held while fetching, so concurrent
    /// calls wait for one request instead of each making their own.
    cache: tokio::sync::Mutex<Option<Token>>,
}

struct Token {
    header: HeaderValue,
    refresh_at: Instant,
}

/// What a token endpoint answers (RFC 6749 section 5.1).
#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl OAuth2 {
    pub(crate) fn new(
        scheme: &str,
        settings: &OAuth2ClientCredentials,
        client: Client,
        path: String,
    ) -> Result<Self, String> {
        let mut form = vec![("grant_type", "client_credentials".to_owned())];
        if !settings.scopes.is_empty() {
            form.push(("scope", settings.scopes.join(" ")));
        }
        // RFC 6749 2.3.1: id and secret are form-encoded before Basic
        // (neither can hold a bare `=` once encoded).
        let pair = encode::form_urlencoded([(&settings.client_id, &settings.client_secret)]);
        let (id, secret) = pair.split_once('=').unwrap_or((&pair, ""));
        let authorization = basic(id, secret)
            .map_err(|e| format!("the OAuth2 client id or secret of scheme {scheme:?}: {e}"))?;
        Ok(Self {
            scheme: scheme.to_owned(),
            client,
            path,
            form: encode::form_urlencoded(form),
            authorization,
            cache: tokio::sync::Mutex::new(None),
        })
    }

    /// The `Authorization` value to send: the cached token, or a new one.
    /// `rejected`: the value the API just answered 401 to; a token equal to
    /// it is fetched again (once per call, the executor sees to that),
    /// while one another call refreshed meanwhile is kept.
    pub(crate) async fn authorization(
        &self,
        rejected: Option<&HeaderValue>,
    ) -> Result<HeaderValue, String> {
        let mut cache = self.cache.lock().await;
        let now = Instant::now();
        if let Some(token) = cache.as_ref() {
            let stale = rejected.is_some_and(|r| *r == token.header);
            if !stale && now < token.refresh_at {
                return Ok(token.header.clone());
            }
        }
        // Boxed as a trait object: the fetch runs through `Client::execute`,
        // whose future contains this one, and the cycle needs a break.
        let fetch: std::pin::Pin<Box<dyn std::future::Future<Output = _> + Send + '_>> =
            Box::pin(self.fetch());
        let token = fetch.await?;
        let header = token.header.clone();
        *cache = Some(token);
        Ok(header)
    }

    /// The scheme's name in the spec.
    pub(crate) fn scheme(&self) -> &str {
        &self.scheme
    }

    async fn fetch(&self) -> Result<Token, String> {
        let request = Request::post(format!("oauth2_token:{}", self.scheme), self.path.clone())
            .bytes("application/x-www-form-urlencoded", self.form.clone())
            .header("accept", "application/json")
            .without_idempotency_key()
            // Asking again for a token does no harm: the request is safe
            // to resend after it may have arrived.
            .idempotent(true);
        let request = request.sensitive_header(AUTHORIZATION, self.authorization.clone());
        let asked = Instant::now();
        let response = self.client.execute(request).await.map_err(|e| {
            format!(
                "the token request for OAuth2 scheme {:?} failed: {e}",
                self.scheme
            )
        })?;
        let body: TokenResponse = response.json().map_err(|_| {
            format!(
                "the token endpoint of OAuth2 scheme {:?} answered {} without an access_token",
                self.scheme,
                response.status()
            )
        })?;
        if let Some(kind) = &body.token_type {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err(format!(
                    "the token endpoint of OAuth2 scheme {:?} gave a {kind:?} token; only bearer tokens are supported",
                    self.scheme
                ));
            }
        }
        let header = bearer(&body.access_token)
            .map_err(|e| format!("the access token of OAuth2 scheme {:?}: {e}", self.scheme))?;
        // Without expires_in, keep it an hour; a 401 refreshes it sooner.
        let lifetime = Duration::from_secs(body.expires_in.unwrap_or(3_600));
        Ok(Token {
            header,
            refresh_at: asked + lifetime - refresh_margin(lifetime),
        })
    }
}

/// How long before expiry a token is replaced: a minute, or half the
/// lifetime of a short-lived one, so a token is never sent in its last
/// moments (clock skew, time in flight).
fn refresh_margin(lifetime: Duration) -> Duration {
    Duration::from_secs(60).min(lifetime / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_relative_token_url_joins_the_primary_origin() {
        let primary = "https://staging.example.com:8443/v2";
        assert_eq!(
            token_url_on("/oauth/token", primary),
            "https://staging.example.com:8443/oauth/token"
        );
        assert_eq!(
            token_url_on("oauth/token", "http://127.0.0.1:9"),
            "http://127.0.0.1:9/oauth/token"
        );
        assert_eq!(
            token_url_on(" https://auth.example.com/t ", primary),
            "https://auth.example.com/t"
        );
    }

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        for (input, output) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), output, "{input}");
        }
        assert_eq!(
            basic("Aladdin", "open sesame").unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert!(basic("a", "b").unwrap().is_sensitive());
    }

    #[test]
    fn refresh_margin_is_a_minute_or_half_a_short_lifetime() {
        assert_eq!(
            refresh_margin(Duration::from_secs(3_600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(10)),
            Duration::from_secs(5)
        );
    }

    fn schemes() -> Schemes {
        let mut s = Schemes::default();
        s.add(
            "bearerAuth",
            Credential::Header(AUTHORIZATION, bearer("t").unwrap()),
        );
        s.add(
            "apiKey",
            api_key(ApiKeyIn::Query, "api key", "v&1").unwrap(),
        );
        s.hint("oauth", "oauth_client_credentials");
        s
    }

    #[test]
    fn the_first_configured_alternative_is_chosen() {
        let s = schemes();
        let chosen = s.choose(Some(&[&["oauth"], &["apiKey"]]), false).unwrap();
        assert_eq!(chosen.query, ["api%20key=v%261"]);
        assert!(chosen.headers.is_empty());
        let chosen = s.choose(Some(&[&["bearerAuth", "apiKey"]]), false).unwrap();
        assert_eq!((chosen.headers.len(), chosen.query.len()), (1, 1));
    }

    #[test]
    fn an_empty_requirement_sends_nothing_and_an_empty_alternative_makes_it_optional() {
        let s = schemes();
        let none = s.choose(Some(&[]), true).unwrap();
        assert!(none.headers.is_empty() && !none.blanket);
        let optional = s.choose(Some(&[&["oauth"], &[]]), false).unwrap();
        assert!(optional.headers.is_empty() && optional.query.is_empty());
        let all = s.choose(None, false).unwrap();
        assert_eq!((all.headers.len(), all.query.len()), (1, 1));
    }

    #[test]
    fn a_missing_scheme_is_named_with_its_builder_method() {
        let s = schemes();
        let missing = s.choose(Some(&[&["oauth"]]), false).err().unwrap();
        assert_eq!(
            missing,
            Missing {
                scheme: "oauth".into(),
                method: Some("oauth_client_credentials".into())
            }
        );
        assert_eq!(
            missing.fix(),
            "none is configured; call .oauth_client_credentials(...) on the client builder"
        );
        let unknown = s
            .choose(Some(&[&["apiKey", "appId"]]), false)
            .err()
            .unwrap();
        assert_eq!(unknown.scheme, "appId");
        assert!(unknown
            .fix()
            .contains("under the name \"appId\" with http_bearer"));
        // Credentials set by hand stand in.
        assert!(s.choose(Some(&[&["oauth"]]), true).is_ok());
    }

    #[test]
    fn bad_cookie_and_header_names_are_errors() {
        assert!(api_key(ApiKeyIn::Cookie, "a;b", "v").is_err());
        assert!(api_key(ApiKeyIn::Cookie, "sid", "v v").is_err());
        assert!(api_key(ApiKeyIn::Header, "bad name", "v").is_err());
        let err = api_key(ApiKeyIn::Header, "x-key", "line\nbreak")
            .err()
            .unwrap();
        assert!(!err.contains("line"), "{err}");
    }
}
