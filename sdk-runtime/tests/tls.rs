//! TLS (the `rustls` feature): a real handshake with a server whose
//! certificate chains to a test CA, and the refusal without that CA.
//!
//! The certificates in `tests/fixtures/` were made once with openssl (a
//! P-256 CA, and a leaf for `localhost` and 127.0.0.1 signed by it, both
//! valid until 2126); the CA's key was not kept.
#![cfg(feature = "rustls")]

use std::sync::Arc;
use std::time::Duration;

use threeam_runtime::{Client, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

mod common;
use common::within;

const CA: &[u8] = include_bytes!("fixtures/ca.crt");
const LEAF: &[u8] = include_bytes!("fixtures/localhost.crt");
const LEAF_KEY: &[u8] = include_bytes!("fixtures/localhost.key");

/// An HTTPS server on 127.0.0.1 that answers up to `connections`
/// connections with `200 ok`; returns its port and the request heads it
/// read (empty for a connection whose handshake failed).
async fn https_server(connections: usize) -> (u16, tokio::task::JoinHandle<Vec<String>>) {
    let certs = vec![CertificateDer::from_pem_slice(LEAF).unwrap()];
    let key = PrivateKeyDer::from_pem_slice(LEAF_KEY).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = tokio::spawn(async move {
        let mut heads = Vec::new();
        for _ in 0..connections {
            let (tcp, _) = listener.accept().await.unwrap();
            let Ok(mut tls) = acceptor.accept(tcp).await else {
                heads.push(String::new());
                continue;
            };
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
                if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                    break;
                }
                head.push(byte[0]);
            }
            tls.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
                .await
                .unwrap();
            let _ = tls.shutdown().await;
            heads.push(String::from_utf8_lossy(&head).to_lowercase());
        }
        heads
    });
    (port, handle)
}

#[tokio::test]
async fn a_server_signed_by_an_added_ca_is_trusted() {
    within(Duration::from_secs(10), async {
        let (port, server) = https_server(1).await;
        let client = Client::builder(format!("https://localhost:{port}"))
            .add_root_certificates_pem(CA)
            .without_proxy()
            .build()
            .unwrap();
        let r = client
            .execute(Request::get("ping", "/v1/ping"))
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(r.body().as_ref(), b"ok");
        let heads = server.await.unwrap();
        assert!(
            heads[0].starts_with("get /v1/ping http/1.1\r\n"),
            "{heads:?}"
        );
        assert!(heads[0].contains(&format!("\r\nhost: localhost:{port}\r\n")));
    })
    .await;
}

#[tokio::test]
async fn an_unknown_ca_is_refused_before_anything_is_sent() {
    within(Duration::from_secs(10), async {
        let (port, server) = https_server(1).await;
        let client = Client::builder(format!("https://localhost:{port}"))
            .without_proxy()
            .max_attempts(1)
            .build()
            .unwrap();
        let err = client
            .execute(Request::post("pay", "/v1/payments"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("could not connect"), "{text}");
        assert!(text.contains("certificate"), "{text}");
        // The handshake failed, so the server read no request.
        assert_eq!(server.await.unwrap(), vec![String::new()]);
    })
    .await;
}

#[test]
fn text_that_is_no_certificate_is_a_build_error() {
    let err = Client::builder("https://localhost:1")
        .add_root_certificates_pem(b"not a certificate")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no certificate found"), "{err}");
}
