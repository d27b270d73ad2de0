//! The HTTP transport: hyper-util's pooled HTTP/1 client, driven directly.
//!
//! Why not reqwest: on loopback, reqwest spends about as many instructions
//! per request as hyper does underneath it (measured with callgrind in the
//! runtime's benchmark: 68k against 33k), mostly on URL parsing, its tower
//! stack and redirect handling, none of which a generated client needs. The
//! runtime already owns timeouts, retries and the request's shape, so it
//! hands hyper a finished `http::Request` and reads the whole body back.
//!
//! What this transport does not do, on purpose: follow redirects (a 3xx is
//! returned as it is; following would resend the body and the credential
//! headers to wherever `Location` points). Proxies: see [`crate::proxy`].

use std::fmt::Write as _;

use bytes::Bytes;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderMap, Method, StatusCode, Uri};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use crate::proxy::Connector;

#[cfg(feature = "rustls")]
type Tls = hyper_rustls::HttpsConnector<Connector>;
#[cfg(not(feature = "rustls"))]
type Tls = Connector;

/// A pooled HTTP client; clones share the pool.
#[derive(Clone)]
pub(crate) struct Transport {
    client: HyperClient<Tls, Full<Bytes>>,
    /// The largest response body read; a longer one is an error.
    max_body: usize,
    /// The same connector the pool uses, asked for proxy credentials.
    connector: Connector,
}

/// One exchange: the body is read to its end, or (a streamed success)
/// left unread in `live` for the caller to pull chunk by chunk.
pub(crate) struct Exchange {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) live: Option<hyper::body::Incoming>,
}

/// Why an exchange failed, sorted by what the retry policy needs to know.
#[derive(Debug)]
pub(crate) enum TransportError {
    /// No connection was made: the server cannot have seen the request.
    Connect(String),
    /// The request may have reached the server.
    Sent(String),
    /// The response's body is longer than the client accepts; reading
    /// stopped at the limit.
    TooLarge {
        status: StatusCode,
        headers: HeaderMap,
        limit: usize,
    },
}

/// Where an endpoint is: everything of its URLs but the path and query.
#[derive(Clone, Debug)]
pub(crate) struct Origin {
    scheme: Scheme,
    authority: Authority,
    /// The base URL's own path (`/api`), or empty.
    pub(crate) prefix: String,
}

impl Origin {
    /// Splits a checked base URL (`scheme://authority[/prefix]`, no query).
    pub(crate) fn new(uri: &Uri) -> Result<Self, String> {
        let scheme = uri.scheme().cloned().ok_or("it has no scheme")?;
        let authority = uri.authority().cloned().ok_or("it has no host")?;
        let prefix = uri.path().trim_end_matches('/').to_owned();
        Ok(Self {
            scheme,
            authority,
            prefix,
        })
    }

    /// The absolute URI of `target` on this origin.
    pub(crate) fn uri(&self, target: &PathAndQuery) -> Result<Uri, String> {
        let path_and_query = if self.prefix.is_empty() {
            target.clone()
        } else {
            PathAndQuery::from_maybe_shared(Bytes::from(format!("{}{target}", self.prefix)))
                .map_err(|e| {
                    format!(
                        "{}{target} is not a valid request target ({e})",
                        self.prefix
                    )
                })?
        };
        let mut parts = http::uri::Parts::default();
        parts.scheme = Some(self.scheme.clone());
        parts.authority = Some(self.authority.clone());
        parts.path_and_query = Some(path_and_query);
        Uri::from_parts(parts).map_err(|e| format!("{target:?} makes no valid URL ({e})"))
    }
}

impl Transport {
    /// A transport with its own pool. `idle_per_host`: idle connections
    /// kept per host (hyper's default, unbounded, when `None`); `proxies`:
    /// which destinations go through which proxy (`None`: none do).
    pub(crate) fn new(
        max_body: usize,
        idle_per_host: Option<usize>,
        proxies: Option<Matcher>,
        #[cfg(feature = "rustls")] tls: rustls::ClientConfig,
    ) -> Self {
        let mut http = HttpConnector::new();
        // Requests are small and latency matters more than packet count.
        http.set_nodelay(true);
        // The TLS layer (or the proxy tunnel) hands https:// on as TCP.
        http.enforce_http(false);
        let connector = Connector::new(http, proxies);
        #[cfg(feature = "rustls")]
        let tls = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(connector.clone());
        #[cfg(not(feature = "rustls"))]
        let tls = connector.clone();
        let mut builder = HyperClient::builder(TokioExecutor::new());
        // The timer lets the pool close connections idle for 90 s (the
        // default), before a server or a NAT box drops them silently.
        builder.pool_timer(TokioTimer::new());
        if let Some(n) = idle_per_host {
            builder.pool_max_idle_per_host(n);
        }
        Self {
            client: builder.build(tls),
            max_body,
            connector,
        }
    }

    /// The `Proxy-Authorization` header plain-http requests to `dst` need.
    pub(crate) fn proxy_authorization(&self, dst: &Uri) -> Option<http::HeaderValue> {
        self.connector.authorization(dst)
    }

    /// Sends one request and reads the whole response; with `stream`, a
    /// 2xx response's body is left unread (`Exchange::live`) and only the
    /// head is awaited. Error statuses are read whole either way: their
    /// bodies are small and the retry policy and error types read them.
    pub(crate) async fn send(
        &self,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Option<Bytes>,
        stream: bool,
    ) -> Result<Exchange, TransportError> {
        let mut request = http::Request::new(Full::new(body.unwrap_or_default()));
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        let response = self.client.request(request).await.map_err(|e| {
            // hyper-util's own message ("client error (Connect)") only
            // names the stage, which the variant says; its causes tell why.
            let detail = causes(std::error::Error::source(&e).unwrap_or(&e));
            if e.is_connect() {
                TransportError::Connect(detail)
            } else {
                TransportError::Sent(detail)
            }
        })?;
        let (parts, body) = response.into_parts();
        if stream && parts.status.is_success() {
            return Ok(Exchange {
                status: parts.status,
                headers: parts.headers,
                body: Bytes::new(),
                live: Some(body),
            });
        }
        // A server that sends without end must not take the client's memory.
        let body = match Limited::new(body, self.max_body).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => {
                return Err(TransportError::TooLarge {
                    status: parts.status,
                    headers: parts.headers,
                    limit: self.max_body,
                })
            }
            Err(e) => {
                let detail = format!("the response body broke off: {}", causes(&*e));
                return Err(TransportError::Sent(detail));
            }
        };
        Ok(Exchange {
            status: parts.status,
            headers: parts.headers,
            body,
            live: None,
        })
    }
}

/// TLS settings: the Mozilla root store (`webpki-roots`) plus `extra`
/// authorities (DER), on *ring*, TLS 1.2 and 1.3.
#[cfg(feature = "rustls")]
pub(crate) fn tls_config(
    extra: &[rustls::pki_types::CertificateDer<'static>],
) -> Result<rustls::ClientConfig, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for cert in extra {
        roots
            .add(cert.clone())
            .map_err(|e| format!("a root certificate was refused ({e})"))?;
    }
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("the TLS settings were refused ({e})"))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// An error and its causes, innermost last. The top-level messages of
/// hyper-util ("client error (Connect)") say little on their own.
pub(crate) fn causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut detail = String::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        let text = cause.to_string();
        // Wrappers often repeat their source's message; say it once.
        if !text.is_empty() && !detail.ends_with(&text) {
            if !detail.is_empty() {
                detail.push_str(": ");
            }
            let _ = write!(detail, "{text}");
        }
        next = cause.source();
    }
    if detail.is_empty() {
        detail.push_str("unknown transport error");
    }
    detail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_joins_prefix_and_target() {
        let origin = Origin::new(&"http://127.0.0.1:8080/api/".parse().unwrap()).unwrap();
        assert_eq!(origin.prefix, "/api");
        let target = PathAndQuery::from_static("/v1/x%20y?q=1");
        let uri = origin.uri(&target).unwrap();
        assert_eq!(uri.to_string(), "http://127.0.0.1:8080/api/v1/x%20y?q=1");
        let bare = Origin::new(&"http://h".parse().unwrap()).unwrap();
        let target = PathAndQuery::from_static("/v1");
        assert_eq!(bare.uri(&target).unwrap().to_string(), "http://h/v1");
    }

    #[test]
    fn causes_are_joined_once() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(causes(&io), "refused");
    }
}
