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

/// A raw HTTP/1.1 server on 127.0.0.1 that answers every request with the
/// same canned response (`connection: close`), counting the requests it
/// read. It serves at most `max` requests and gives up after 10 s, so its
/// thread always ends.
pub struct Canned {
    pub url: String,
    count: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Canned {
    pub fn start(status: u16, extra_headers: &str, body: &str, max: usize) -> Canned {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = count.clone();
        let response = format!(
            "HTTP/1.1 {status} Canned\r\ncontent-type: application/problem+json\r\ncontent-length: {}\r\nconnection: close\r\n{extra_headers}\r\n{body}",
            body.len()
        );
        std::thread::spawn(move || {
            let until = std::time::Instant::now() + Duration::from_secs(10);
            let mut served = 0;
            while served < max && std::time::Instant::now() < until {
                let mut socket = match listener.accept() {
                    Ok((socket, _)) => socket,
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(5));
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
                let text = String::from_utf8_lossy(&head).to_lowercase();
                let length = text
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                let mut body = vec![0u8; length.min(1 << 20)];
                let _ = socket.read_exact(&mut body);
                seen.fetch_add(1, Ordering::SeqCst);
                served += 1;
                let _ = socket.write_all(response.as_bytes());
            }
        });
        Canned { url, count }
    }

    /// Requests read so far.
    pub fn requests(&self) -> usize {
        self.count.load(std::sync::atomic::Ordering::SeqCst)
    }
}
