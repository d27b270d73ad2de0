// Copied into the generated styles crate as tests/smoke.rs by
// `generated_payments_client_runs` (codegen/tests/generate.rs): every
// parameter style and body kind, as the server receives them.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use gen_styles::{
    Client, CreateNoteBody, CreateNoteMultipartBody, GetDayParams, Note, SearchBody, SearchFilter,
    SearchFilterAmount, SearchParams, SearchWhere, SearchWhereReaction, UploadBody,
};

/// Answers `n` requests, one per connection, and logs each request.
fn serve(n: usize, log: Arc<Mutex<Vec<String>>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(n) {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap() == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            let len = head
                .lines()
                .find_map(|l| {
                    let l = l.to_ascii_lowercase();
                    l.strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap())
                })
                .unwrap_or(0);
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let first = head.lines().next().unwrap_or_default().to_owned();
            log.lock().unwrap().push(format!("{head}\n{}", String::from_utf8_lossy(&body)));
            let (status, payload) = if first.starts_with("POST /v1/upload ") || first.starts_with("POST /v1/notes ") {
                ("201 Created", "")
            } else {
                ("200 OK", r#"{"ok":true}"#)
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{payload}",
                payload.len()
            );
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn every_style_reaches_the_server() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let base = serve(8, log.clone());
    let client = Client::from_runtime(threeam_runtime::Client::builder(base).build().unwrap());

    let params = SearchParams {
        filter: Some(SearchFilter {
            status: Some("paid".into()),
            amount: Some(SearchFilterAmount { gte: Some(10) }),
        }),
        expand: Some(vec!["customer".into(), "order".into()]),
        tags: Some(vec!["x".into(), "y".into()]),
        sort: Some(vec!["a".into(), "b".into()]),
        ids2: Some(vec![3, 4]),
        x_tenant: "acme".into(),
        session: Some("s 1".into()),
        r#where: Some(SearchWhere { reaction: Some(SearchWhereReaction::Minus1) }),
    };
    let body = SearchBody {
        name: Some("ann lee".into()),
        metadata: Some(BTreeMap::from([("k".to_owned(), "v".to_owned())])),
        items: Some(vec!["a".into()]),
    };
    let reply = client.search(&vec![1, 2], &params, &body).await.unwrap();
    assert_eq!(reply.ok, Some(true));

    let form = UploadBody {
        file: b"%PDF-1.7".to_vec(),
        note: Some("scan".into()),
    };
    let stored = client.upload(&form).await.unwrap();
    assert_eq!(stored.status(), 201);

    // One body offered in five media types: the caller picks.
    let note = Note { title: "hi there".into() };
    for body in [
        CreateNoteBody::Json(note.clone()),
        CreateNoteBody::Form(note),
        CreateNoteBody::Multipart(CreateNoteMultipartBody { file: b"%PDF-1.7".to_vec() }),
        CreateNoteBody::Text("plain words".into()),
        CreateNoteBody::Binary(vec![0xde, 0xad]),
    ] {
        let stored = client.create_note(Some(&body)).await.unwrap();
        assert_eq!(stored.status(), 201);
    }

    // A date is `Copy`: passed by value, written RFC 3339.
    let day: threeam_runtime::Date = "2026-11-30".parse().unwrap();
    let since: threeam_runtime::DateTime = "2026-11-29T08:00:00Z".parse().unwrap();
    let reply = client.get_day(day, &GetDayParams { since: Some(since) }).await.unwrap();
    assert_eq!(reply.ok, Some(true));

    let log = log.lock().unwrap();
    let day_line = log[7].lines().next().unwrap().to_owned();
    assert_eq!(day_line, "GET /v1/days/2026-11-30?since=2026-11-29T08%3A00%3A00Z HTTP/1.1");
    let search = &log[0];
    let line = search.lines().next().unwrap();
    assert!(line.starts_with("POST /v1/search/1%2C2?"), "{line}");
    for pair in [
        "filter%5Bstatus%5D=paid",
        "filter%5Bamount%5D%5Bgte%5D=10",
        // `content: application/json`: the value as one JSON text.
        "where=%7B%22reaction%22%3A%22-1%22%7D",
        "expand%5B0%5D=customer",
        "expand%5B1%5D=order",
        "tags=x|y",
        "sort=a,b",
        "ids2=3&ids2=4",
    ] {
        assert!(line.contains(pair), "{pair} missing in {line}");
    }
    let lower = search.to_ascii_lowercase();
    assert!(lower.contains("x-tenant: acme"), "{search}");
    assert!(lower.contains("cookie: session=s%201"), "{search}");
    assert!(lower.contains("idempotency-key: "), "{search}");
    assert!(lower.contains("content-type: application/x-www-form-urlencoded"), "{search}");
    let form_body = search.rsplit("\n").next().unwrap();
    for pair in ["name=ann+lee", "metadata%5Bk%5D=v", "items%5B0%5D=a"] {
        assert!(form_body.contains(pair), "{pair} missing in {form_body}");
    }

    let upload = &log[1];
    assert!(upload.to_ascii_lowercase().contains("content-type: multipart/form-data; boundary="), "{upload}");
    assert!(upload.contains("name=\"file\"; filename=\"file\""), "{upload}");
    assert!(upload.contains("%PDF-1.7"), "{upload}");
    assert!(upload.contains("name=\"note\"\r\n\r\nscan"), "{upload}");
    assert!(!upload.to_ascii_lowercase().contains("idempotency-key"), "no key declared, none sent");

    let notes: Vec<(String, &str)> = log[2..7]
        .iter()
        .map(|r| (r.to_ascii_lowercase(), r.rsplit("\n").next().unwrap()))
        .collect();
    assert!(notes[0].0.contains("content-type: application/json"), "{}", notes[0].0);
    assert_eq!(notes[0].1, r#"{"title":"hi there"}"#);
    assert!(notes[1].0.contains("content-type: application/x-www-form-urlencoded"), "{}", notes[1].0);
    assert_eq!(notes[1].1, "title=hi+there");
    assert!(notes[2].0.contains("content-type: multipart/form-data; boundary="), "{}", notes[2].0);
    assert!(notes[2].0.contains("name=\"file\"; filename=\"file\""), "{}", notes[2].0);
    assert!(notes[3].0.contains("content-type: text/plain"), "{}", notes[3].0);
    assert_eq!(notes[3].1, "plain words");
    assert!(notes[4].0.contains("content-type: application/octet-stream"), "{}", notes[4].0);
}
