//! Helpers shared by the integration tests. Each test file is its own
//! crate and uses only some of them.
#![allow(dead_code)]

use std::time::Duration;

/// Runs `f`, failing the test if it takes longer than `limit`: every test
/// ends by itself, whatever the code under test does.
pub async fn within<T>(limit: Duration, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, f)
        .await
        .expect("test exceeded its time limit")
}

/// Reads one request head from a raw socket and answers 204, so the test
/// sees the bytes the runtime put on the wire.
pub fn capture_one_request() -> (String, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        socket
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
            if socket.read(&mut byte).unwrap() == 0 {
                break;
            }
            head.push(byte[0]);
        }
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
            .unwrap();
        String::from_utf8_lossy(&head).to_lowercase()
    });
    (url, handle)
}

/// One request as a [`RawServer`] read it.
#[derive(Clone, Debug)]
pub struct RawRequest {
    /// `POST /token HTTP/1.1`
    pub line: String,
    /// Names lower-cased, values as sent.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The request target (`/v1/x?a=1`).
    pub fn target(&self) -> &str {
        self.line.split(' ').nth(1).unwrap_or("")
    }
}

/// A raw HTTP/1.1 server on 127.0.0.1: `answer` turns each request into a
/// whole response (status line, headers, body), sent with the connection
/// closed after it. It logs what it read, serves at most `max` requests and
/// gives up after 10 s, so its thread always ends.
pub struct RawServer {
    pub url: String,
    log: std::sync::Arc<std::sync::Mutex<Vec<RawRequest>>>,
}

/// A response with `content-length` and `connection: close`.
pub fn response(status: u16, extra_headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status} Canned\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n{body}",
        body.len()
    )
}

impl RawServer {
    pub fn start(max: usize, answer: impl Fn(&RawRequest) -> String + Send + 'static) -> RawServer {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = log.clone();
        std::thread::spawn(move || {
            let until = std::time::Instant::now() + Duration::from_secs(10);
            let mut served = 0;
            while served < max && std::time::Instant::now() < until {
                let mut socket = match listener.accept() {
                    Ok((socket, _)) => socket,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(2));
                        continue;
                    }
                };
                socket.set_nonblocking(false).unwrap();
                socket
                    .set_read_timeout(Some(Duration::from_secs(2)))
                    .unwrap();
                // The head, then as many body bytes as it announces.
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 16_384 {
                    match socket.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let text = String::from_utf8_lossy(&head).into_owned();
                let mut lines = text.split("\r\n");
                let line = lines.next().unwrap_or("").to_owned();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_lowercase(), v.trim().to_owned()))
                    .collect();
                let length = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .and_then(|(_, v)| v.parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length.min(1 << 20)];
                let _ = socket.read_exact(&mut body);
                let request = RawRequest {
                    line,
                    headers,
                    body,
                };
                let reply = answer(&request);
                seen.lock().unwrap().push(request);
                served += 1;
                let _ = socket.write_all(reply.as_bytes());
            }
        });
        RawServer { url, log }
    }

    /// The requests read so far.
    pub fn requests(&self) -> Vec<RawRequest> {
        self.log.lock().unwrap().clone()
    }
}

/// A [`RawServer`] that answers every request with the same response.
pub struct Canned {
    pub url: String,
    server: RawServer,
}

impl Canned {
    pub fn start(status: u16, extra_headers: &str, body: &str, max: usize) -> Canned {
        let reply = response(status, extra_headers, body)
            .replace("application/json", "application/problem+json");
        let server = RawServer::start(max, move |_| reply.clone());
        Canned {
            url: server.url.clone(),
            server,
        }
    }

    /// Requests read so far.
    pub fn requests(&self) -> usize {
        self.server.requests().len()
    }
}
