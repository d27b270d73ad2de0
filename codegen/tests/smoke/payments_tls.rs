// Copied into the generated payments crate as tests/tls.rs (with the
// runtime's test certificates as tests/fixtures/) by
// `generated_clients_run_against_a_server` (codegen/tests/generate.rs): the
// crate exactly as generated, with no feature turned on by hand, speaks
// https, here to a server on 127.0.0.1 whose certificate chains to a test
// CA.

use std::sync::Arc;
use std::time::Duration;

use gen_payments::Client;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CA: &[u8] = include_bytes!("fixtures/ca.crt");
const LEAF: &[u8] = include_bytes!("fixtures/localhost.crt");
const LEAF_KEY: &[u8] = include_bytes!("fixtures/localhost.key");

const PAYMENT: &str = r#"{"id":"8e03978e-40d5-43e8-bc93-6894a57f9324","status":"succeeded","amount":990,"currency":"EUR","amount_refunded":0,"capture_method":"automatic","payment_method":{"type":"crypto","wallet":"w1"},"customer_id":null,"order_id":null,"metadata":{},"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}"#;

/// An https server on 127.0.0.1 for one connection: answers with PAYMENT
/// and returns the request head it read.
async fn https_once() -> (u16, tokio::task::JoinHandle<String>) {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(LEAF).unwrap()],
            PrivateKeyDer::from_pem_slice(LEAF_KEY).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(tcp).await.unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
            if tls.read(&mut byte).await.unwrap() == 0 {
                break;
            }
            head.push(byte[0]);
        }
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{PAYMENT}",
            PAYMENT.len()
        );
        tls.write_all(answer.as_bytes()).await.unwrap();
        let _ = tls.shutdown().await;
        String::from_utf8_lossy(&head).into_owned()
    });
    (port, server)
}

#[test]
fn the_spec_servers_are_https_and_the_client_builds() {
    assert!(gen_payments::SERVERS.iter().all(|s| s.starts_with("https://")));
    let client = Client::default_servers();
    assert!(client.is_ok(), "{:?}", client.err().map(|e| e.to_string()));
}

#[tokio::test]
async fn a_call_over_https_decodes_the_answer() {
    let call = async {
        let (port, server) = https_once().await;
        let runtime = threeam_runtime::Client::builder(format!("https://localhost:{port}"))
            .add_root_certificates_pem(CA)
            .without_proxy()
            .build()
            .unwrap();
        let client = Client::from_runtime(runtime);
        let id: threeam_runtime::uuid::Uuid = "8e03978e-40d5-43e8-bc93-6894a57f9324".parse().unwrap();
        let payment = client.get_payment(id).await.unwrap();
        assert_eq!(payment.amount, 990);
        assert_eq!(payment.status(), 200);
        let head = server.await.unwrap().to_ascii_lowercase();
        assert!(
            head.starts_with("get /v2/payments/8e03978e-40d5-43e8-bc93-6894a57f9324 http/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains(&format!("\r\nhost: localhost:{port}\r\n")), "{head}");
    };
    tokio::time::timeout(Duration::from_secs(20), call).await.expect("the https call finishes in time");
}
