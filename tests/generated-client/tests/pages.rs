//! Pagination through generated clients: every scheme walked against the
//! test server's seven-item list (test-server/src/pages.rs), each page an
//! ordinary call of the operation.

use std::time::Duration;

use threeam_e2e::pages::{
    Client, Item, ListCursorParams, ListDiscordParams, ListElsewhereParams,
    ListLastIdDeclaredParams, ListLinkedParams, ListLoopParams, ListNestedParams,
    ListNumberedParams, ListOffsetDeclaredParams, ListOffsetParams, ListStripeParams,
    ListTwilioParams,
};
use threeam_runtime::futures_util::{Stream, StreamExt, TryStreamExt};
use threeam_test_server::{pages::ITEMS, Fault, TestServer};

/// Every page walk here is bounded: a stream that does not end fails the
/// test instead of hanging it.
const LIMIT: Duration = Duration::from_secs(10);

fn client(base: &str) -> Client {
    let runtime = threeam_runtime::Client::builder(base)
        .timeout(Duration::from_millis(500))
        .deadline(Duration::from_secs(5))
        .backoff(threeam_runtime::Backoff::new(
            Duration::from_millis(5),
            Duration::from_millis(20),
        ))
        .build()
        .expect("valid test URL");
    Client::from_runtime(runtime)
}

/// The item numbers 1..=7, what every complete walk must yield.
fn all() -> Vec<i32> {
    (1..=ITEMS as i32).collect()
}

/// Walks an item stream to its end (or fails the test after [`LIMIT`]):
/// the items' numbers, in order.
async fn numbers<E: std::fmt::Debug>(stream: impl Stream<Item = Result<Item, E>>) -> Vec<i32> {
    tokio::time::timeout(LIMIT, stream.map_ok(|i| i.n).try_collect::<Vec<_>>())
        .await
        .expect("the stream ends")
        .expect("every page answers")
}

/// The GET requests the server saw on `path`, as their query strings.
fn queries(server: &TestServer, path: &str) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == path)
        .map(|r| r.query)
        .collect()
}

#[tokio::test(flavor = "current_thread")]
async fn a_body_cursor_is_sent_back_until_there_is_none() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListCursorParams {
        limit: Some(3),
        cursor: None,
    };
    assert_eq!(
        numbers(client.list_cursor_stream(&params)).await,
        all(),
        "every item exactly once, in order"
    );
    assert_eq!(
        queries(&server, "/v2/pages/cursor"),
        ["limit=3", "limit=3&cursor=it_3", "limit=3&cursor=it_6"],
        "three pages, the last one's null cursor ends the walk"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn stripe_has_more_sends_the_last_id_as_starting_after() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListStripeParams {
        limit: Some(2),
        starting_after: None,
    };
    let pages: Vec<_> = tokio::time::timeout(
        LIMIT,
        client.list_stripe_pages(&params).try_collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends")
    .expect("every page answers");
    let sizes: Vec<usize> = pages.iter().map(|p| p.data.len()).collect();
    assert_eq!(sizes, [2, 2, 2, 1]);
    assert!(!pages[3].has_more);
    let ids: Vec<&str> = pages
        .iter()
        .flat_map(|p| p.data.iter().map(|i| i.id.as_str()))
        .collect();
    assert_eq!(
        ids,
        ["it_1", "it_2", "it_3", "it_4", "it_5", "it_6", "it_7"]
    );
    assert_eq!(
        queries(&server, "/v2/pages/stripe")[1..],
        [
            "limit=2&starting_after=it_2",
            "limit=2&starting_after=it_4",
            "limit=2&starting_after=it_6"
        ]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_link_header_is_followed_to_the_last_page() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListLinkedParams {
        per_page: Some(3),
        page: None,
    };
    assert_eq!(numbers(client.list_linked_stream(&params)).await, all());
    assert_eq!(
        queries(&server, "/v2/pages/link"),
        ["per_page=3", "per_page=3&page=2", "per_page=3&page=3"],
        "pages two and three are the links' URLs; the last page has no next link"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_link_to_another_origin_is_refused_not_followed() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListElsewhereParams { per_page: Some(3) };
    let pages: Vec<_> = tokio::time::timeout(
        LIMIT,
        client.list_elsewhere_pages(&params).collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(pages.len(), 2, "the first page, then the error");
    assert_eq!(pages[0].as_ref().map(|p| p.len()).ok(), Some(3));
    let error = pages[1].as_ref().expect_err("the foreign link is an error");
    let text = error.to_string();
    assert!(text.contains("elsewhere.invalid"), "{text}");
    assert!(text.contains("not on this client's servers"), "{text}");
    assert_eq!(
        server.request_count(),
        1,
        "nothing was sent after the first page"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn page_numbers_stop_on_the_empty_page() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListNumberedParams {
        per_page: Some(4),
        page: None,
    };
    let pages: Vec<_> = tokio::time::timeout(
        LIMIT,
        client.list_numbered_pages(&params).try_collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends")
    .expect("every page answers");
    let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
    assert_eq!(sizes, [4, 3, 0], "the empty third page ends the walk");
    assert_eq!(numbers(client.list_numbered_stream(&params)).await, all());
}

#[tokio::test(flavor = "current_thread")]
async fn offsets_stop_at_the_documented_total() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListOffsetParams {
        limit: Some(3),
        offset: None,
    };
    assert_eq!(numbers(client.list_offset_stream(&params)).await, all());
    assert_eq!(
        queries(&server, "/v2/pages/offset"),
        ["limit=3&offset=0", "limit=3&offset=3", "limit=3&offset=6"],
        "the total (7) is reached on the third page: no empty fourth page is asked for"
    );
    // The same scheme declared by x-threeam-pagination under another name.
    let declared = ListOffsetDeclaredParams {
        limit: Some(5),
        skip_items: Some(1),
    };
    let rest: Vec<_> = client
        .list_offset_declared_stream(&declared)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
    assert_eq!(
        rest.iter().map(|i| i.n).collect::<Vec<_>>(),
        (2..=7).collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_repeated_cursor_ends_the_stream_with_an_error() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListLoopParams {
        limit: Some(3),
        cursor: None,
    };
    let got: Vec<_> = tokio::time::timeout(
        LIMIT,
        client.list_loop_pages(&params).take(10).collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends");
    assert_eq!(got.len(), 3, "two pages, then the error; not ten");
    assert!(got[0].is_ok() && got[1].is_ok());
    let error = got[2].as_ref().expect_err("the repeat is an error");
    // The error names the URL of the page that handed the cursor back.
    let want = format!(
        "listLoop: GET {}/v2/pages/loop?limit=3&cursor=it_1 returned 200 OK but the body is not the expected shape: page 2 of listLoop hands back the cursor \"it_1\" already followed",
        server.base_url()
    );
    assert!(error.to_string().starts_with(&want), "{error}");
    assert_eq!(server.count("GET", "/v2/pages/loop"), 2);
}

#[tokio::test(flavor = "current_thread")]
async fn a_503_on_page_two_is_retried_like_any_call() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListCursorParams {
        limit: Some(3),
        cursor: None,
    };
    let mut pages = Box::pin(client.list_cursor_pages(&params));
    let first = pages
        .next()
        .await
        .expect("a first page")
        .expect("it answers");
    assert_eq!(first.attempts(), 1);
    // The stream is lazy: page two is asked for only now, and fails once.
    server.script("GET /v2/pages/cursor", [Fault::Status(503)]);
    let second = pages
        .next()
        .await
        .expect("a second page")
        .expect("the retry answers");
    assert_eq!(second.attempts(), 2, "the 503 and its retry");
    assert_eq!(
        second.items.first().map(|i| i.n),
        Some(4),
        "page two, not page one again"
    );
    let rest: Vec<_> = tokio::time::timeout(LIMIT, pages.try_collect::<Vec<_>>())
        .await
        .expect("the stream ends")
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(
        server.count("GET", "/v2/pages/cursor"),
        4,
        "3 pages + 1 retry"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn a_cursor_one_level_down_and_a_declared_last_id_walk_every_item() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let nested = ListNestedParams {
        limit: Some(3),
        offset: None,
    };
    assert_eq!(numbers(client.list_nested_stream(&nested)).await, all());
    assert_eq!(
        queries(&server, "/v2/pages/nested"),
        ["limit=3", "limit=3&offset=it_3", "limit=3&offset=it_6"]
    );
    let declared = ListLastIdDeclaredParams {
        limit: Some(4),
        after_id: None,
    };
    assert_eq!(
        numbers(client.list_last_id_declared_stream(&declared)).await,
        all()
    );
    assert_eq!(
        queries(&server, "/v3/pages/stripe"),
        ["limit=4", "limit=4&after_id=it_4"]
    );
}

#[tokio::test(flavor = "current_thread")]
async fn discord_after_the_last_id_stops_on_a_short_page() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListDiscordParams {
        limit: Some(3),
        after: None,
    };
    assert_eq!(numbers(client.list_discord_stream(&params)).await, all());
    assert_eq!(
        queries(&server, "/v2/pages/discord"),
        ["limit=3", "limit=3&after=it_3", "limit=3&after=it_6"],
        "the third page has one item, fewer than the limit: no fourth request"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn discord_without_a_limit_stops_on_an_empty_page() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListDiscordParams::default();
    let pages: Vec<_> = tokio::time::timeout(
        LIMIT,
        client.list_discord_pages(&params).try_collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends")
    .expect("every page answers");
    let sizes: Vec<usize> = pages.iter().map(|p| p.len()).collect();
    assert_eq!(
        sizes,
        [3, 3, 1, 0],
        "the server's page size is unknown, so only an empty page ends the walk"
    );
    assert_eq!(
        queries(&server, "/v2/pages/discord")[3],
        "after=it_7",
        "the last request starts after the last item"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn twilio_next_page_uri_is_followed_until_null() {
    let server = TestServer::start().await.unwrap();
    let client = client(&server.base_url());
    let params = ListTwilioParams {
        page_size: Some(3),
        ..Default::default()
    };
    let pages: Vec<_> = tokio::time::timeout(
        LIMIT,
        client.list_twilio_pages(&params).try_collect::<Vec<_>>(),
    )
    .await
    .expect("the stream ends")
    .expect("every page answers");
    let numbers: Vec<i32> = pages
        .iter()
        .flat_map(|p| p.records.iter().map(|i| i.n))
        .collect();
    assert_eq!(numbers, all());
    assert_eq!(pages[2].next_page_uri, None);
    assert_eq!(
        queries(&server, "/v2/pages/twilio"),
        [
            "PageSize=3",
            "PageSize=3&Page=1&PageToken=it_3",
            "PageSize=3&Page=2&PageToken=it_6"
        ],
        "pages two and three are the body's paths, taken as they are"
    );
}
