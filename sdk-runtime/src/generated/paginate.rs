//! Pagination: a list operation walked page by page as a `Stream`.
//!
//! A generated `list_x_pages(..)` method hands [`pages`] a closure that
//! fetches one page from a cursor state (a cursor string, a page number,
//! an offset, the URL of a `Link: rel="next"` header) and says what the
//! next state is; `list_x_stream(..)` flattens the pages into items with
//! [`items`]. Each page is an ordinary call of the operation, so retries,
//! the retry budget, breakers and the handle's `CallOptions` apply to
//! every page, and the stream is lazy: a page is fetched only when the
//! consumer asks for its items.
//!
//! The stream ends:
//! - after the last page (the closure returns no next state);
//! - after an error, which it yields first: a failed page is not skipped,
//!   so a consumer never sees a list with a silent hole in it;
//! - with an error when a page hands back a state already followed (a
//!   server that repeats a cursor would otherwise make the stream endless).
//!   It is an error rather than a quiet stop because the pages seen so far
//!   may not be the whole list.
//!
//! ```
//! use threeam_runtime::futures_util::{FutureExt, TryStreamExt};
//! use threeam_runtime::generated::paginate::{pages, Repeated};
//!
//! #[derive(Debug)]
//! struct Failed(String);
//! impl From<Repeated> for Failed {
//!     fn from(r: Repeated) -> Self {
//!         Failed(r.to_string())
//!     }
//! }
//!
//! // Pages of two numbers up to 5, the state is the first number of a page.
//! let stream = pages("listNumbers", 1u32, |from| async move {
//!     let page: Vec<u32> = (from..=5).take(2).collect();
//!     let next = (from + 2 <= 5).then_some(from + 2);
//!     Ok::<_, Failed>((page, next))
//! });
//! // (The pages are ready at once here: no executor needed.)
//! let all: Vec<Vec<u32>> = stream.try_collect().now_or_never().unwrap().unwrap();
//! assert_eq!(all, [vec![1, 2], vec![3, 4], vec![5]]);
//! ```

use std::fmt;
use std::future::Future;

use futures_util::stream::{self, Stream, TryStreamExt};
use http::header::LINK;
use http::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::{Api, Error, Reply};
use crate::error::{ErrorKind, Inner, StopReason};
use crate::{Request, Response};

/// A page handed back a cursor state that an earlier page of the same walk
/// already had: following it could loop forever, so the stream ends with
/// this error.
///
/// ```
/// use threeam_runtime::generated::paginate::Repeated;
///
/// let r = Repeated::new("listPayments", 3, &"cur_2");
/// assert_eq!(
///     r.to_string(),
///     "page 3 of listPayments hands back the cursor \"cur_2\" already followed; the stream stops so it cannot loop"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repeated {
    operation: &'static str,
    page: usize,
    cursor: String,
    /// The method and URL of the page that repeated, when known (walks of
    /// [`replies`]).
    at: Option<(Method, String)>,
}

impl Repeated {
    /// The repeat seen on page `page` (1-based) of `operation`; `cursor` is
    /// shown with `Debug` (an optional cursor without its `Some(..)`), cut
    /// to 80 characters.
    pub fn new(operation: &'static str, page: usize, cursor: &impl fmt::Debug) -> Self {
        let shown = format!("{cursor:?}");
        let mut cursor = match shown
            .strip_prefix("Some(")
            .and_then(|c| c.strip_suffix(')'))
        {
            Some(inner) => inner.to_owned(),
            None => shown,
        };
        if let Some((cut, _)) = cursor.char_indices().nth(80) {
            cursor.truncate(cut);
            cursor.push('…');
        }
        Self {
            operation,
            page,
            cursor,
            at: None,
        }
    }

    /// The same, naming the method and URL of the page that handed the
    /// cursor back.
    ///
    /// ```
    /// use threeam_runtime::generated::paginate::Repeated;
    /// use threeam_runtime::http::Method;
    ///
    /// let r = Repeated::new("listPayments", 3, &"cur_2").at(Method::GET, "http://127.0.0.1:9/v1/payments?cursor=cur_1");
    /// assert_eq!(r.url(), Some("http://127.0.0.1:9/v1/payments?cursor=cur_1"));
    /// assert!(r.to_string().starts_with("page 3 of listPayments (GET http://127.0.0.1:9/v1/payments?cursor=cur_1) hands back"));
    /// ```
    pub fn at(mut self, method: Method, url: impl Into<String>) -> Self {
        self.at = Some((method, url.into()));
        self
    }

    /// The URL of the page that handed back a repeated cursor, when known.
    pub fn url(&self) -> Option<&str> {
        self.at.as_ref().map(|(_, url)| url.as_str())
    }

    /// The operation whose pages repeat.
    pub fn operation(&self) -> &str {
        self.operation
    }

    /// The page (1-based) that handed back a repeated state.
    pub fn page(&self) -> usize {
        self.page
    }
}

impl fmt::Display for Repeated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "page {} of {}", self.page, self.operation)?;
        if let Some((method, url)) = &self.at {
            write!(f, " ({method} {url})")?;
        }
        write!(
            f,
            " hands back the cursor {} already followed; the stream stops so it cannot loop",
            self.cursor
        )
    }
}

impl std::error::Error for Repeated {}

impl<E> From<Repeated> for Error<E> {
    /// A decode error of the operation (the page was a 200 whose content
    /// cannot be right); the message names the page, its URL when known,
    /// and the cursor.
    fn from(mut r: Repeated) -> Self {
        // The error's own method and URL name the page; the detail does
        // not repeat them.
        let (method, url) = match r.at.take() {
            Some(at) => at,
            None => (Method::GET, format!("(page {})", r.page)),
        };
        let runtime = crate::Error::from_inner(Inner {
            kind: ErrorKind::Decode {
                status: StatusCode::OK,
                detail: r.to_string(),
            },
            stop: StopReason::Completed,
            operation: r.operation.into(),
            method,
            url,
            attempts: 0,
            connect_failures: 0,
            request_id: None,
            idempotency_key: None,
            breaker: None,
        });
        Error::new(runtime, None)
    }
}

/// What the walk does next.
enum Next<S> {
    /// Fetch the page of this state.
    Fetch(S),
    /// Yield this error, then end.
    Fail(Repeated),
    /// Nothing: the walk is over.
    Done,
}

/// What the pager carries from one page to the next.
struct Walk<S, F> {
    fetch: F,
    next: Next<S>,
    /// Every state followed so far, to refuse a repeat. A list is walked
    /// once and its pages are few next to their items, so a linear search
    /// costs nothing worth a `Hash` bound on every cursor type.
    seen: Vec<S>,
}

/// The pages of a list, one call each, from state `first` on.
///
/// `fetch` gets the state of a page and returns the page and the state of
/// the next one (`None` on the last page). The stream yields each page,
/// then ends after the last one; an error from `fetch` is yielded and ends
/// the stream; a next state equal to one already followed yields a
/// [`Repeated`] error (converted into the stream's error type) after the
/// page that handed it back, and ends the stream.
///
/// ```
/// use threeam_runtime::futures_util::{FutureExt, StreamExt};
/// use threeam_runtime::generated::paginate::{pages, Repeated};
///
/// // A server whose third page points back at the second.
/// let stream = pages("listLoop", "a".to_owned(), |cursor| async move {
///     let next = match cursor.as_str() {
///         "a" => "b",
///         "b" => "c",
///         _ => "b",
///     };
///     Ok::<_, Repeated>((cursor, Some(next.to_owned())))
/// });
/// let seen: Vec<_> = stream.collect::<Vec<_>>().now_or_never().unwrap();
/// assert_eq!(seen.len(), 4);
/// assert_eq!(seen[2].as_deref(), Ok("c"));
/// assert_eq!(seen[3].as_ref().unwrap_err().page(), 3);
/// ```
pub fn pages<S, P, Err, F, Fut>(
    operation: &'static str,
    first: S,
    fetch: F,
) -> impl Stream<Item = Result<P, Err>>
where
    S: Clone + PartialEq + fmt::Debug,
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<(P, Option<S>), Err>>,
    Err: From<Repeated>,
{
    walk(operation, first, fetch, |_: &P| None)
}

/// [`pages`] for pages that are [`Reply`]s (what generated clients walk):
/// the same stream, and a [`Repeated`] error names the method and URL of
/// the page that handed the cursor back.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) {
/// use threeam_runtime::futures_util::TryStreamExt;
/// use threeam_runtime::generated::{self as rt, paginate};
/// use threeam_runtime::serde_json::Value;
///
/// let stream = paginate::replies("listThings", None, |cursor: Option<String>| {
///     let client = client.clone();
///     async move {
///         let mut req = rt::request(&client, threeam_runtime::http::Method::GET, "listThings", "/v1/things", false);
///         if let Some(c) = &cursor {
///             req = req.query("cursor", c);
///         }
///         let page = rt::call(&client, req, rt::json_err::<Value>, rt::json::<Value>).await?;
///         let next = page["next_cursor"].as_str().map(str::to_owned);
///         Ok::<_, rt::Error<Value>>((page, next.map(Some)))
///     }
/// });
/// let pages: Vec<rt::Reply<Value>> = stream.try_collect().await.unwrap();
/// # let _ = pages; }
/// ```
pub fn replies<S, T, H, Err, F, Fut>(
    operation: &'static str,
    first: S,
    fetch: F,
) -> impl Stream<Item = Result<Reply<T, H>, Err>>
where
    S: Clone + PartialEq + fmt::Debug,
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<(Reply<T, H>, Option<S>), Err>>,
    Err: From<Repeated>,
{
    walk(operation, first, fetch, |page: &Reply<T, H>| {
        Some((page.method().clone(), page.url()))
    })
}

/// The walk of [`pages`] and [`replies`]; `locate` names a page's method
/// and URL for the repeat error (asked only when a cursor repeats).
fn walk<S, P, Err, F, Fut>(
    operation: &'static str,
    first: S,
    fetch: F,
    locate: fn(&P) -> Option<(Method, String)>,
) -> impl Stream<Item = Result<P, Err>>
where
    S: Clone + PartialEq + fmt::Debug,
    F: FnMut(S) -> Fut,
    Fut: Future<Output = Result<(P, Option<S>), Err>>,
    Err: From<Repeated>,
{
    let walk = Walk {
        fetch,
        next: Next::Fetch(first),
        seen: Vec::new(),
    };
    stream::unfold(walk, move |mut walk| async move {
        let state = match std::mem::replace(&mut walk.next, Next::Done) {
            Next::Fetch(state) => state,
            Next::Fail(repeated) => return Some((Err(repeated.into()), walk)),
            Next::Done => return None,
        };
        walk.seen.push(state.clone());
        let item = match (walk.fetch)(state).await {
            Err(e) => Err(e),
            Ok((page, next)) => {
                walk.next = match next {
                    None => Next::Done,
                    Some(next) if walk.seen.contains(&next) => {
                        let repeated = Repeated::new(operation, walk.seen.len(), &next);
                        Next::Fail(match locate(&page) {
                            Some((method, url)) => repeated.at(method, url),
                            None => repeated,
                        })
                    }
                    Some(next) => Next::Fetch(next),
                };
                Ok(page)
            }
        };
        Some((item, walk))
    })
}

/// The items of a stream of pages: `items_of` takes each page apart. An
/// error is passed on as it is (and, from [`pages`], ends the stream).
///
/// ```
/// use threeam_runtime::futures_util::{stream, FutureExt, TryStreamExt};
/// use threeam_runtime::generated::paginate::items;
///
/// let pages = stream::iter([Ok::<_, ()>(vec![1, 2]), Ok(vec![]), Ok(vec![3])]);
/// let all: Vec<i32> = items(pages, |page| page).try_collect().now_or_never().unwrap().unwrap();
/// assert_eq!(all, [1, 2, 3]);
/// ```
pub fn items<P, I, Err>(
    pages: impl Stream<Item = Result<P, Err>>,
    items_of: impl FnMut(P) -> Vec<I>,
) -> impl Stream<Item = Result<I, Err>> {
    pages
        .map_ok(items_of)
        .map_ok(|list| stream::iter(list.into_iter().map(Ok)))
        .try_flatten()
}

/// A success body with the `rel="next"` target of its `Link` header
/// (what [`linked`] reads for operations paginated by `Link`).
#[derive(Debug, Clone, PartialEq)]
pub struct Linked<T> {
    /// The decoded body.
    pub value: T,
    /// The URL of the next page, as the server wrote it.
    pub next: Option<String>,
}

/// Reads a JSON body and the `rel="next"` URL of the `Link` headers (a
/// [`Read`](super::Read) for [`call`](super::call)).
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use threeam_runtime::generated::{self as rt, paginate};
/// use threeam_runtime::serde_json::Value;
///
/// let req = rt::request(&client, threeam_runtime::http::Method::GET, "listIssues", "/issues", false);
/// let page = rt::call(&client, req, rt::json_err::<Value>, paginate::linked::<Vec<Value>>).await?;
/// println!("next page: {:?}", page.next);
/// # Ok(()) }
/// ```
pub fn linked<T: DeserializeOwned>(response: &Response) -> Result<Linked<T>, crate::Error> {
    let next = response
        .headers()
        .get_all(LINK)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(next_link)
        .map(str::to_owned);
    Ok(Linked {
        value: response.json()?,
        next,
    })
}

/// The target of the `rel="next"` link in one `Link` header value
/// (RFC 8288: `<url>; rel="next", <url>; rel="last"`; a rel may list
/// several relation types).
///
/// ```
/// use threeam_runtime::generated::paginate::next_link;
///
/// let header = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
/// assert_eq!(next_link(header), Some("https://api.github.com/repositories/1/issues?page=2"));
/// assert_eq!(next_link(r#"</v1/x?page=1>; rel="prev first""#), None);
/// ```
pub fn next_link(header: &str) -> Option<&str> {
    let mut rest = header;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let params_end = after[close..].find('<').map_or(after.len(), |i| close + i);
        let params = &after[close + 1..params_end];
        let is_next = params.split([';', ',']).any(|p| {
            let Some((name, value)) = p.split_once('=') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next {
            return Some(target);
        }
        rest = &after[params_end..];
    }
    None
}

/// The request for the page at `next`, a URL from a `Link` header: the
/// operation's request `req` (its headers, credentials and options) sent
/// to that URL's path and query instead. `None` (the first page) leaves
/// `req` as it is.
///
/// The URL must be on one of the client's servers (scheme, host, port and
/// base path): credentials are never sent to an origin a response named.
/// A relative URL (`/v1/x?page=2`) is taken on the server's origin.
///
/// ```
/// use threeam_runtime::generated::{paginate::follow, Error};
/// use threeam_runtime::Request;
///
/// let runtime = threeam_runtime::Client::builder("http://127.0.0.1:9/v2").build().unwrap();
/// let req = Request::get("listIssues", "/issues");
/// let next = follow::<()>(&runtime, req.clone(), Some("http://127.0.0.1:9/v2/issues?page=2")).unwrap();
/// assert_eq!((next.path(), next.query_string()), ("/issues", "page=2"));
/// let elsewhere = follow::<()>(&runtime, req, Some("https://evil.example/v2/issues?page=2"));
/// assert!(elsewhere.unwrap_err().to_string().contains("not on this client's servers"));
/// ```
#[allow(clippy::result_large_err)]
pub fn follow<E>(api: &impl Api, req: Request, next: Option<&str>) -> Result<Request, Error<E>> {
    let Some(url) = next else { return Ok(req) };
    let bases: Vec<&str> = api
        .runtime()
        .shared
        .endpoints
        .iter()
        .map(|e| &*e.base)
        .collect();
    match bases.iter().find_map(|base| relative_to(base, url)) {
        Some(target) => {
            let target = target.split('#').next().unwrap_or("");
            let (path, query) = target.split_once('?').unwrap_or((target, ""));
            let mut req = req;
            req.path = if path.is_empty() {
                "/".into()
            } else {
                path.into()
            };
            req.query = query.into();
            Ok(req)
        }
        None => {
            let detail = format!(
                "the next page's link {:?} is not on this client's servers ({}); it is not followed, so credentials stay with the API",
                cut(url, 200),
                bases.join(", ")
            );
            let runtime = crate::Error::from_inner(Inner {
                kind: ErrorKind::InvalidRequest { detail },
                stop: StopReason::Completed,
                operation: req.operation.clone(),
                method: req.method.clone(),
                url: bases
                    .first()
                    .map_or(String::new(), |b| format!("{b}{}", req.path)),
                attempts: 0,
                connect_failures: 0,
                request_id: None,
                idempotency_key: None,
                breaker: None,
            });
            Err(Error::new(runtime, None))
        }
    }
}

/// `url` as a path and query under `base` (`scheme://host[:port][/path]`,
/// no trailing slash), if it is under it.
fn relative_to<'u>(base: &str, url: &'u str) -> Option<&'u str> {
    let origin_len = base
        .find("://")
        .map(|i| i + 3)
        .map(|start| base[start..].find('/').map_or(base.len(), |j| start + j))?;
    let (origin, base_path) = base.split_at(origin_len);
    let rest = if url.starts_with('/') && !url.starts_with("//") {
        url
    } else {
        let head = url.get(..origin.len())?;
        if !head.eq_ignore_ascii_case(origin) {
            return None;
        }
        &url[origin.len()..]
    };
    let rest = rest.strip_prefix(base_path)?;
    (rest.is_empty() || rest.starts_with(['/', '?'])).then_some(rest)
}

fn cut(s: &str, max: usize) -> &str {
    s.char_indices().nth(max).map_or(s, |(i, _)| &s[..i])
}

/// Splits a page read with [`linked`] into the page and its next link.
///
/// ```
/// use threeam_runtime::generated::paginate::{unlink, Linked};
/// use threeam_runtime::generated::Reply;
///
/// # fn demo(page: Reply<Linked<Vec<u32>>>) {
/// let (page, next): (Reply<Vec<u32>>, Option<String>) = unlink(page);
/// # let _ = (page, next); }
/// ```
pub fn unlink<T>(page: Reply<Linked<T>>) -> (Reply<T>, Option<String>) {
    let mut next = None;
    let page = page.map(|linked| {
        next = linked.next;
        linked.value
    });
    (page, next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::{FutureExt, StreamExt};
    use std::cell::Cell;

    #[derive(Debug, PartialEq)]
    enum Failed {
        Server(u32),
        Repeated(usize, String),
    }

    impl From<Repeated> for Failed {
        fn from(r: Repeated) -> Self {
            assert_eq!(r.at, None, "plain pages have no URL");
            Failed::Repeated(r.page, r.cursor)
        }
    }

    /// Walks a list of 7 numbers by offset, 3 a page; `fail_at` makes the
    /// fetch of that offset fail. Counts the fetches.
    fn walk(fail_at: Option<u32>, fetches: &Cell<u32>) -> Vec<Result<Vec<u32>, Failed>> {
        let stream = pages("listNumbers", 0u32, |offset| {
            fetches.set(fetches.get() + 1);
            async move {
                if Some(offset) == fail_at {
                    return Err(Failed::Server(offset));
                }
                let page: Vec<u32> = (offset..7).take(3).collect();
                let next = (offset + 3 < 7).then_some(offset + 3);
                Ok((page, next))
            }
        });
        stream.collect().now_or_never().unwrap()
    }

    #[test]
    fn every_page_once_then_the_end() {
        let fetches = Cell::new(0);
        let got = walk(None, &fetches);
        assert_eq!(got, [Ok(vec![0, 1, 2]), Ok(vec![3, 4, 5]), Ok(vec![6])]);
        assert_eq!(fetches.get(), 3, "no fetch after the last page");
    }

    #[test]
    fn an_error_is_yielded_then_the_stream_ends() {
        let fetches = Cell::new(0);
        let got = walk(Some(3), &fetches);
        assert_eq!(got, [Ok(vec![0, 1, 2]), Err(Failed::Server(3))]);
        assert_eq!(fetches.get(), 2, "nothing fetched after the error");
    }

    #[test]
    fn a_cursor_seen_before_ends_with_an_error_not_a_loop() {
        // a -> b -> c -> a: a cycle longer than one page.
        let fetches = Cell::new(0);
        let stream = pages("listCycle", 'a', |c| {
            fetches.set(fetches.get() + 1);
            async move {
                let next = match c {
                    'a' => 'b',
                    'b' => 'c',
                    _ => 'a',
                };
                Ok::<_, Failed>((c, Some(next)))
            }
        });
        let got: Vec<_> = stream.collect().now_or_never().unwrap();
        assert_eq!(
            got,
            [
                Ok('a'),
                Ok('b'),
                Ok('c'),
                Err(Failed::Repeated(3, "'a'".into()))
            ]
        );
        assert_eq!(fetches.get(), 3);
    }

    #[test]
    fn the_same_cursor_twice_in_a_row_is_caught_at_once() {
        let stream = pages("listStuck", Some(1u8), |c| async move {
            Ok::<_, Failed>((c, Some(Some(1u8))))
        });
        let got: Vec<_> = stream.collect().now_or_never().unwrap();
        assert_eq!(got, [Ok(Some(1)), Err(Failed::Repeated(1, "1".into()))]);
    }

    #[test]
    fn the_repeat_error_names_operation_page_and_cursor() {
        let e: Error<()> = Repeated::new("listPayments", 2, &"c".repeat(100)).into();
        let text = e.to_string();
        assert!(
            text.starts_with("listPayments: GET (page 2) returned 200 OK but the body is not the expected shape: page 2 of listPayments hands back the cursor \"ccc"),
            "{text}"
        );
        assert!(text.contains("c…"), "a long cursor is cut: {text}");
        assert_eq!(e.status(), Some(200));
    }

    #[test]
    fn the_repeat_error_of_a_reply_walk_names_the_pages_url() {
        let e: Error<()> = Repeated::new("listThings", 2, &Some("b"))
            .at(Method::POST, "http://127.0.0.1:9/v1/things?cursor=a")
            .into();
        let text = e.to_string();
        assert!(
            text.starts_with("listThings: POST http://127.0.0.1:9/v1/things?cursor=a returned 200 OK but the body is not the expected shape: page 2 of listThings hands back the cursor \"b\" already followed"),
            "{text}"
        );
    }

    #[test]
    fn items_flatten_pages_in_order_and_pass_errors_on() {
        let fetches = Cell::new(0);
        let stream = pages("listNumbers", 0u32, |offset| {
            fetches.set(fetches.get() + 1);
            async move {
                if offset == 6 {
                    return Err(Failed::Server(6));
                }
                Ok(((offset..7).take(3).collect::<Vec<_>>(), Some(offset + 3)))
            }
        });
        let got: Vec<_> = items(stream, |p| p).collect().now_or_never().unwrap();
        let want: Vec<Result<u32, Failed>> = vec![
            Ok(0),
            Ok(1),
            Ok(2),
            Ok(3),
            Ok(4),
            Ok(5),
            Err(Failed::Server(6)),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn next_link_reads_rfc_8288_forms() {
        assert_eq!(
            next_link("<https://x/a?page=2>; rel=next"),
            Some("https://x/a?page=2")
        );
        assert_eq!(
            next_link(r#"<https://x/a?page=1>; rel="prev", <https://x/a?page=3>; rel="next""#),
            Some("https://x/a?page=3")
        );
        assert_eq!(
            next_link(r#"<https://x/a,b>; title="a, b"; REL="Next""#),
            Some("https://x/a,b")
        );
        assert_eq!(next_link(r#"<https://x/a>; rel="nextish""#), None);
        assert_eq!(next_link("<https://x/a; rel=next"), None);
        assert_eq!(next_link(""), None);
    }

    #[test]
    fn links_are_followed_only_under_a_server_base() {
        let base = "http://127.0.0.1:9/v2";
        assert_eq!(
            relative_to(base, "http://127.0.0.1:9/v2/x?p=2"),
            Some("/x?p=2")
        );
        assert_eq!(relative_to(base, "HTTP://127.0.0.1:9/v2?p=2"), Some("?p=2"));
        assert_eq!(relative_to(base, "/v2/x"), Some("/x"));
        assert_eq!(relative_to(base, "//evil.example/v2/x"), None);
        assert_eq!(relative_to(base, "http://127.0.0.1:90/v2/x"), None);
        assert_eq!(relative_to(base, "http://127.0.0.1:9/v2x"), None);
        assert_eq!(relative_to(base, "http://127.0.0.1:9/v1/x"), None);
        assert_eq!(relative_to(base, "https://127.0.0.1:9/v2/x"), None);
        assert_eq!(relative_to("http://h", "http://h/a"), Some("/a"));
        assert_eq!(relative_to("http://h", "http://h.evil/a"), None);
        assert_eq!(relative_to("http://h", "http://h@evil/a"), None);
    }

    #[test]
    fn a_followed_request_keeps_its_headers_and_options() {
        let runtime = crate::Client::builder("http://127.0.0.1:9")
            .fallback("http://127.0.0.1:10/api")
            .build()
            .unwrap();
        let req = Request::get("listIssues", "/issues")
            .query("per_page", 2)
            .header("x-tenant", "acme")
            .max_attempts(3);
        let next = follow::<()>(
            &runtime,
            req,
            Some("http://127.0.0.1:10/api/issues2?page=3#top"),
        )
        .unwrap();
        assert_eq!(next.path(), "/issues2");
        assert_eq!(next.query_string(), "page=3");
        assert_eq!(next.headers()["x-tenant"], "acme");
        assert_eq!(next.max_attempts, Some(3));
    }
}
