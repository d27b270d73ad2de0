//! Security from the spec, end to end: a generated client (from
//! `tests/specs/auth-demo.yaml`: an API key in a header, OAuth2 client
//! credentials, a top-level default, an API-key-only operation and one
//! with `security: []`) runs `tests/smoke/auth.rs` against a server on
//! 127.0.0.1 that this test runs: it answers the spec's relative token URL
//! (which follows the client's base URL) and
//! echoes every other request head, so the generated crate's tests check
//! the headers that arrived, and this test checks what reached the server.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Answers up to `n` requests, one per connection, logging each head and
/// body: the token URL with a token, anything else with its own head.
fn serve(n: usize, log: Arc<Mutex<Vec<String>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let Ok(mut stream) = stream else { continue };
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            for _ in 0..100 {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line.replace("\r\n", "\n").to_ascii_lowercase());
            }
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            let mut body = vec![0; len.min(65_536)];
            let _ = reader.read_exact(&mut body);
            let body = String::from_utf8_lossy(&body).into_owned();
            let payload = if head.starts_with("post /oauth/token ") {
                r#"{"access_token":"tok_from_token_url","token_type":"Bearer","expires_in":3600}"#
                    .to_owned()
            } else {
                let escaped = head
                    .replace('\\', "\\\\")
                    .replace('"', "\\\"")
                    .replace('\n', "\\n");
                format!(r#"{{"head":"{escaped}"}}"#)
            };
            log.lock().unwrap().push(format!("{head}\n{body}"));
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{payload}",
                payload.len()
            );
        }
    });
    format!("http://{addr}")
}

#[test]
fn generated_auth_sends_what_each_operation_asks_for() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let server = serve(20, log.clone());
    let dir = common::temp_dir("auth");
    let spec_text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/auth-demo.yaml"),
    )
    .unwrap()
    // Relative: the token must come from the base URL the test picks (the
    // spec's servers are example.com, which this test never reaches).
    .replace("TOKEN_URL", "/oauth/token");
    let spec = dir.join("auth-demo.yaml");
    std::fs::write(&spec, spec_text).unwrap();
    let names = common::generate_workspace(&dir.join("ws"), &[spec]);
    let krate = dir.join("ws").join(&names[0]);
    assert_eq!(names[0], "gen-auth-demo");

    // The README names the variables `from_env` reads and the methods.
    let readme = std::fs::read_to_string(krate.join("README.md")).unwrap();
    assert!(
        readme.contains("- `GEN_AUTH_DEMO_BASE_URL`: replaces the spec's servers"),
        "{readme}"
    );
    assert!(
        readme.contains("- `GEN_AUTH_DEMO_API_KEY`: goes to `.api_key_auth(..)`"),
        "{readme}"
    );
    assert!(
        readme.contains(".partner_oauth(\"<client id>\", \"<client secret>\")"),
        "{readme}"
    );
    assert!(!readme.contains("bearer_auth"), "{readme}");

    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smoke/auth.rs"),
        krate.join("tests/auth.rs"),
    )
    .unwrap();
    let mut toml = std::fs::read_to_string(krate.join("Cargo.toml")).unwrap();
    toml.push_str("\n[dev-dependencies]\ntokio = { version = \"1\", features = [\"rt\", \"macros\", \"time\"] }\n");
    std::fs::write(krate.join("Cargo.toml"), toml).unwrap();

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = std::process::Command::new(cargo)
        .current_dir(dir.join("ws"))
        .env("CARGO_TARGET_DIR", common::shared_target_dir())
        .env("AUTH_DEMO_SERVER", &server)
        .env("GEN_AUTH_DEMO_BASE_URL", &server)
        .env("GEN_AUTH_DEMO_API_KEY", "key_from_env")
        .env_remove("GEN_AUTH_DEMO_TOKEN")
        .args(["test", "--quiet", "-p", "gen-auth-demo", "--test", "auth"])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "auth tests failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("test result: ok. 4 passed"), "{stdout}");

    // One token fetch (cached for the client's later calls), with the
    // client id and secret as HTTP Basic and the spec's scope; four API
    // calls: the calls missing credentials sent nothing.
    let log = log.lock().unwrap().clone();
    let tokens: Vec<&String> = log
        .iter()
        .filter(|r| r.starts_with("post /oauth/token "))
        .collect();
    assert_eq!(tokens.len(), 1, "{log:#?}");
    assert!(
        tokens[0].contains("\nauthorization: basic y2lkomnzzwnyzxq=\n"),
        "{}",
        tokens[0]
    );
    assert!(
        tokens[0].contains("grant_type=client_credentials"),
        "{}",
        tokens[0]
    );
    assert!(
        tokens[0]
            .to_ascii_lowercase()
            .contains("scope=orders%3aread")
            || tokens[0].contains("scope=orders:read"),
        "{}",
        tokens[0]
    );
    assert_eq!(log.len() - tokens.len(), 4, "{log:#?}");
    let _ = std::fs::remove_dir_all(&dir);
}
