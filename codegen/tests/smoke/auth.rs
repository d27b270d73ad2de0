// Copied into the generated auth-demo crate as tests/auth.rs by
// codegen/tests/auth.rs, which runs the server (AUTH_DEMO_SERVER: it
// answers the token URL and echoes every other request head) and sets
// GEN_AUTH_DEMO_BASE_URL / GEN_AUTH_DEMO_API_KEY for `from_env`.

use std::time::Duration;

use gen_auth_demo::Client;

fn server() -> String {
    std::env::var("AUTH_DEMO_SERVER").expect("the outer test sets AUTH_DEMO_SERVER")
}

async fn within<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), f).await.expect("the calls finish in time")
}

#[tokio::test]
async fn each_operation_sends_what_its_security_asks_for() {
    within(async {
        let client = Client::builder()
            .base_url(server())
            .without_fallback()
            .partner_oauth("cid", "csecret")
            .api_key_auth("key_1")
            .build()
            .unwrap();
        // Top-level default: the first alternative (OAuth2) is configured,
        // so its token (fetched from the spec's relative tokenUrl on the
        // base URL set above, not on the spec's server) is sent, alone.
        let me = client.who_am_i().await.unwrap();
        let head = me.head.clone().unwrap();
        assert!(head.starts_with("get /whoami http/1.1\n"), "{head}");
        assert!(head.contains("\nauthorization: bearer tok_from_token_url\n"), "{head}");
        assert!(!head.contains("x-api-key"), "{head}");
        // Its own requirement: the API key only.
        let orders = client.list_orders().await.unwrap();
        let head = orders.head.clone().unwrap();
        assert!(head.contains("\nx-api-key: key_1\n"), "{head}");
        assert!(!head.contains("authorization"), "{head}");
        // `security: []`: nothing at all.
        let health = client.health().await.unwrap();
        let head = health.head.clone().unwrap();
        assert!(head.starts_with("get /health http/1.1\n"), "{head}");
        assert!(!head.contains("authorization") && !head.contains("x-api-key"), "{head}");
    })
    .await;
}

#[tokio::test]
async fn from_env_reads_the_base_url_and_the_api_key() {
    within(async {
        assert_eq!(Client::env_prefix(), "GEN_AUTH_DEMO");
        let client = Client::from_env().unwrap();
        let bases: Vec<String> =
            client.runtime().endpoint_status().into_iter().map(|e| e.base_url).collect();
        assert_eq!(bases, [server()], "the fallback is dropped");
        // No OAuth2 configured: the default's second alternative, the key
        // from GEN_AUTH_DEMO_API_KEY.
        let me = client.who_am_i().await.unwrap();
        let head = me.head.clone().unwrap();
        assert!(head.contains("\nx-api-key: key_from_env\n"), "{head}");
        assert!(!head.contains("authorization"), "{head}");
    })
    .await;
}

#[tokio::test]
async fn a_missing_scheme_fails_before_sending_and_names_the_method() {
    within(async {
        let bare = Client::new(server()).unwrap();
        assert_eq!(bare.runtime().endpoint_status().len(), 1);
        let err = bare.who_am_i().await.unwrap_err();
        let message = err.to_string();
        assert!(message.contains("security scheme \"partner_oauth\""), "{message}");
        assert!(message.contains("call .partner_oauth(...) on the client builder"), "{message}");
        assert_eq!(err.status(), None);

        let only_oauth =
            Client::builder().base_url(server()).partner_oauth("cid", "csecret").build().unwrap();
        let err = only_oauth.list_orders().await.unwrap_err();
        assert!(err.to_string().contains("call .api_key_auth(...) on the client builder"), "{err}");
    })
    .await;
}

#[test]
fn the_spec_servers_stay_the_default() {
    let client = Client::default_servers().unwrap();
    let bases: Vec<String> = client.runtime().endpoint_status().into_iter().map(|e| e.base_url).collect();
    assert_eq!(bases, ["https://api.auth-demo.example.com", "https://fallback.auth-demo.example.com"]);
}
