//! Proxies: what reaches the proxy on the wire, who bypasses it, and which
//! proxy settings are refused.

use std::time::Duration;

use threeam_runtime::{Client, Request};
use threeam_test_server::TestServer;

mod common;
use common::{capture_one_request, within};

#[tokio::test]
async fn plain_http_goes_to_the_proxy_in_absolute_form_with_its_credentials() {
    within(Duration::from_secs(10), async {
        let (proxy, captured) = capture_one_request();
        let proxy_with_login = proxy.replace("http://", "http://user:pa55@");
        // `.invalid` never resolves: only the proxy can have answered.
        let client = Client::builder("http://api.example.invalid/base")
            .proxy(&proxy_with_login)
            .build()
            .unwrap();
        let r = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 204);
        let head = captured.join().unwrap();
        assert!(
            head.starts_with("get http://api.example.invalid/base/v2/ping http/1.1\r\n"),
            "{head}"
        );
        assert!(head.contains("\r\nhost: api.example.invalid\r\n"), "{head}");
        // base64("user:pa55"), lower-cased by the capture.
        assert!(
            head.contains("\r\nproxy-authorization: basic dxnlcjpwytu1\r\n"),
            "{head}"
        );
        // The password never shows in what the client prints.
        assert!(!format!("{client:?}").contains("pa55"));
    })
    .await;
}

#[tokio::test]
async fn no_proxy_hosts_are_reached_directly() {
    within(Duration::from_secs(10), async {
        let server = TestServer::start().await.unwrap();
        // A proxy where nothing listens: using it would fail the call.
        let dead = TestServer::unused_url().unwrap();
        let client = Client::builder(server.base_url())
            .proxy(&dead)
            .no_proxy("localhost,127.0.0.1")
            .max_attempts(1)
            .build()
            .unwrap();
        let r = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap();
        assert!(r.status().is_success());
        assert_eq!(server.count("GET", "/v2/ping"), 1);
    })
    .await;
}

#[tokio::test]
async fn a_dead_proxy_is_a_connect_failure_that_names_the_url() {
    within(Duration::from_secs(10), async {
        let dead = TestServer::unused_url().unwrap();
        let client = Client::builder("http://api.example.invalid")
            .proxy(&dead)
            .max_attempts(1)
            .build()
            .unwrap();
        let err = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("ping: GET http://api.example.invalid/v2/ping"),
            "{text}"
        );
        assert!(text.contains("could not connect"), "{text}");
    })
    .await;
}

#[test]
fn unusable_proxy_settings_are_build_errors_without_the_password() {
    for (proxy, expected) in [
        (
            "socks5://user:secret@proxy.internal:1080",
            "http://host:port",
        ),
        ("https://user:secret@proxy.internal:443", "http://host:port"),
        ("not a url", "not a valid URL"),
    ] {
        let err = Client::builder("http://api.example.com")
            .proxy(proxy)
            .build()
            .unwrap_err()
            .to_string();
        assert!(err.contains(expected), "{proxy}: {err}");
        assert!(!err.contains("secret"), "{proxy}: {err}");
    }
    let err = Client::builder("http://api.example.com")
        .no_proxy("localhost")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("call proxy() first"), "{err}");
    assert!(Client::builder("http://api.example.com")
        .without_proxy()
        .build()
        .is_ok());
}

/// With TLS, an https:// request asks the proxy for a tunnel and sends
/// nothing else it could read. (The capture refuses the tunnel, so the call
/// fails; what matters is what the proxy saw.)
#[cfg(feature = "rustls")]
#[tokio::test]
async fn https_goes_through_a_connect_tunnel() {
    within(Duration::from_secs(10), async {
        let (proxy, captured) = capture_one_request();
        let client = Client::builder("https://api.example.invalid")
            .proxy(&proxy.replace("http://", "http://user:pa55@"))
            .max_attempts(1)
            .build()
            .unwrap();
        let err = client
            .execute(Request::get("ping", "/v2/ping"))
            .await
            .unwrap_err();
        let head = captured.join().unwrap();
        assert!(
            head.starts_with("connect api.example.invalid:443 http/1.1\r\n"),
            "{head}"
        );
        assert!(
            head.contains("\r\nproxy-authorization: basic dxnlcjpwytu1\r\n"),
            "{head}"
        );
        assert!(!head.contains("/v2/ping"), "the request leaked: {head}");
        assert!(err.to_string().contains("could not connect"), "{err}");
    })
    .await;
}
