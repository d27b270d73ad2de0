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
