//! Connections, made directly or through an HTTP proxy.
//!
//! Each new connection's destination is looked up in the proxy rules: the
//! builder's `proxy`/`no_proxy`, or else `HTTP_PROXY`, `HTTPS_PROXY`,
//! `ALL_PROXY` and `NO_PROXY` as curl reads them (hyper-util's `Matcher`,
//! which also ignores `HTTP_PROXY` under CGI). An `http://` request through
//! a proxy is sent to the proxy in absolute form (`GET http://host/path`);
//! an `https://` one asks the proxy for a tunnel (`CONNECT host:443`) and
//! speaks TLS through it, so the proxy never sees the request.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use http::{HeaderValue, Uri};
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tower_service::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Opens TCP connections, through a proxy where the rules say so. Clones
/// share the rules.
#[derive(Clone)]
pub(crate) struct Connector {
    http: HttpConnector,
    rules: Option<Arc<Matcher>>,
}

impl Connector {
    /// `rules`: `None` connects directly, always.
    pub(crate) fn new(http: HttpConnector, rules: Option<Matcher>) -> Self {
        Self {
            http,
            rules: rules.map(Arc::new),
        }
    }

    /// The `Proxy-Authorization` value that plain-http requests to `dst`
    /// carry, when they go through a proxy with credentials. (Tunnels send
    /// theirs in the `CONNECT`, not in the request.)
    pub(crate) fn authorization(&self, dst: &Uri) -> Option<HeaderValue> {
        if dst.scheme_str() != Some("http") {
            return None;
        }
        let via = self.rules.as_ref()?.intercept(dst)?;
        let mut value = via.basic_auth()?.clone();
        value.set_sensitive(true);
        Some(value)
    }
}

impl Service<Uri> for Connector {
    type Response = Stream;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Stream, BoxError>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, dst: Uri) -> Self::Future {
        let via = self.rules.as_ref().and_then(|rules| rules.intercept(&dst));
        let mut http = self.http.clone();
        Box::pin(async move {
            let Some(via) = via else {
                let io = http.call(dst).await?;
                return Ok(Stream::direct(io));
            };
            let proxy = via.uri().clone();
            if proxy.scheme_str() != Some("http") {
                return Err(format!(
                    "the proxy for {} is {}, but only http:// proxies are supported",
                    dst.host().unwrap_or_default(),
                    without_credentials(&proxy)
                )
                .into());
            }
            if dst.scheme_str() == Some("https") {
                let mut tunnel = Tunnel::new(proxy, http);
                if let Some(auth) = via.basic_auth() {
                    tunnel = tunnel.with_auth(auth.clone());
                }
                std::future::poll_fn(|cx| tunnel.poll_ready(cx)).await?;
                let io = tunnel.call(dst).await?;
                Ok(Stream::direct(io))
            } else {
                let io = http.call(proxy).await?;
                Ok(Stream {
                    io,
                    via_proxy: true,
                })
            }
        })
    }
}

/// `scheme://host:port` of a proxy URL, for messages: never its password.
pub(crate) fn without_credentials(uri: &Uri) -> String {
    let host = uri.host().unwrap_or_default();
    match (uri.scheme_str(), uri.port_u16()) {
        (Some(scheme), Some(port)) => format!("{scheme}://{host}:{port}"),
        (Some(scheme), None) => format!("{scheme}://{host}"),
        _ => host.to_owned(),
    }
}

/// A TCP connection, marked when it leads to a proxy so that hyper writes
/// requests in absolute form.
pub(crate) struct Stream {
    io: TokioIo<TcpStream>,
    via_proxy: bool,
}

impl Stream {
    fn direct(io: TokioIo<TcpStream>) -> Self {
        Self {
            io,
            via_proxy: false,
        }
    }
}

impl Connection for Stream {
    fn connected(&self) -> Connected {
        self.io.connected().proxy(self.via_proxy)
    }
}

impl Read for Stream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl Write for Stream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_reach_messages() {
        let uri: Uri = "http://user:secret@proxy.internal:3128".parse().unwrap();
        assert_eq!(without_credentials(&uri), "http://proxy.internal:3128");
    }

    #[test]
    fn authorization_only_for_plain_http_through_a_proxy() {
        let rules = Matcher::builder()
            .all("http://user:pa55@proxy.internal:3128")
            .no("localhost")
            .build();
        let connector = Connector::new(HttpConnector::new(), Some(rules));
        let auth = connector
            .authorization(&"http://api.example.com/v1".parse().unwrap())
            .unwrap();
        assert_eq!(auth, "Basic dXNlcjpwYTU1");
        assert!(auth.is_sensitive());
        let https = "https://api.example.com/v1".parse().unwrap();
        assert!(connector.authorization(&https).is_none());
        let local = "http://localhost:8080/v1".parse().unwrap();
        assert!(connector.authorization(&local).is_none());
        let direct = Connector::new(HttpConnector::new(), None);
        let plain = "http://api.example.com/v1".parse().unwrap();
        assert!(direct.authorization(&plain).is_none());
    }
}
