//! Shared test plumbing: a real axum server on 127.0.0.1 and a plain hyper
//! client.
#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use tower_service::Service;

/// Runs `f`, failing the test if it takes longer than `limit`.
pub async fn within<T>(limit: Duration, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, f)
        .await
        .expect("test exceeded its time limit")
}

/// Serves `service` on a random loopback port and returns its address.
/// Each request carries the connection's real peer address as axum's
/// `ConnectInfo`, which threeam-server reads (feature `axum`).
pub async fn serve<S, B>(service: S) -> SocketAddr
where
    S: Service<Request<axum::body::Body>, Response = Response<B>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
    B: http_body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // axum's server wants its own body type; any body converts.
    let service =
        tower::ServiceExt::map_response(service, |r: Response<B>| r.map(axum::body::Body::new));
    let make = axum::ServiceExt::<Request<axum::body::Body>>::into_make_service_with_connect_info::<
        SocketAddr,
    >(service);
    tokio::spawn(async move {
        axum::serve(listener, make).await.unwrap();
    });
    addr
}

/// What came back.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    /// The problem `type` of a problem+json answer.
    pub fn problem_type(&self) -> String {
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        self.json()["type"].as_str().unwrap().to_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Clone)]
pub struct Http {
    client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

impl Http {
    pub fn new(addr: SocketAddr) -> Self {
        Self {
            client: Client::builder(TokioExecutor::new()).build_http(),
            base: format!("http://{addr}"),
        }
    }

    pub async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Result<Reply, hyper_util::client::legacy::Error> {
        let mut b = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (n, v) in headers {
            b = b.header(*n, *v);
        }
        let response = self
            .client
            .request(b.body(Full::new(Bytes::from(body.to_owned()))).unwrap())
            .await?;
        let (parts, body) = response.into_parts();
        Ok(Reply {
            status: parts.status,
            headers: parts.headers,
            body: body.collect().await.unwrap().to_bytes(),
        })
    }

    /// A POST with this `Idempotency-Key`: what most tests send.
    pub async fn post_keyed(&self, path: &str, key: &str, body: &str) -> Reply {
        self.call("POST", path, &[("idempotency-key", key)], body)
            .await
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        self.send(method, path, headers, body).await.unwrap()
    }
}
