//! Streamed operations of a generated client: server-sent events and
//! downloads, started by [`call_stream`] and opened by [`events`],
//! [`raw_events`] or [`download`].

use super::{Api, Decode, Error, Reply};
use crate::sse::{Event, EventStream, Events};
use crate::{ByteStream, Request};

/// How a streamed success body is opened: one of [`events`],
/// [`raw_events`], [`download`].
pub type Open<T> = fn(ByteStream) -> T;

/// Sends `req` as a streamed call ([`Client::execute_stream`]) and opens
/// the body with `open`; a documented error status is decoded with
/// `decode`, as [`call`](super::call) does.
///
/// Retries, failover and the breaker apply until the response head; none
/// after it (see [`Client::execute_stream`] for the timeouts).
///
/// ```no_run
/// use threeam_runtime::futures_util::StreamExt;
/// use threeam_runtime::generated::{self as rt, Reply};
/// use threeam_runtime::http::Method;
/// use threeam_runtime::sse::EventStream;
///
/// #[derive(serde::Deserialize)]
/// struct Chunk { text: String }
///
/// async fn chat(client: &threeam_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
///     let req = rt::request(client, Method::POST, "chat", "/v1/chat", false)
///         .header("accept", "text/event-stream");
///     let reply: Reply<EventStream<Chunk>> =
///         rt::call_stream(client, req, rt::json_err::<serde_json::Value>, rt::events).await?;
///     let mut chunks = reply.into_inner();
///     while let Some(chunk) = chunks.next().await {
///         print!("{}", chunk?.text);
///     }
///     Ok(())
/// }
/// ```
///
/// [`Client::execute_stream`]: crate::Client::execute_stream
pub async fn call_stream<T, E>(
    api: &impl Api,
    req: Request,
    decode: Decode<E>,
    open: Open<T>,
) -> Result<Reply<T>, Error<E>> {
    let streamed = api.runtime().execute_stream(req).await.map_err(|runtime| {
        let body = match (runtime.status(), runtime.body()) {
            (Some(status), Some(bytes)) => decode(status.as_u16(), bytes),
            _ => None,
        };
        Error::new(runtime, body)
    })?;
    let (head, body) = streamed.into_parts();
    Ok(Reply::of(head).with_value(open(body)))
}

/// Server-sent events whose `data` is JSON `T`, up to `[DONE]`.
pub fn events<T: serde::de::DeserializeOwned>(body: ByteStream) -> EventStream<T> {
    EventStream::json(Events::new(body))
}

/// Server-sent events as they are (name, data, id), up to `[DONE]`: for
/// streams whose spec gives no event schema.
pub fn raw_events(body: ByteStream) -> EventStream<Event> {
    EventStream::raw(Events::new(body))
}

/// The body as chunks of bytes.
pub fn download(body: ByteStream) -> ByteStream {
    body
}

/// Sets `"stream": true` in the request's JSON object body: for operations
/// that answer JSON or, when asked by that field, an event stream (as
/// OpenAI's do). A body that is not a JSON object is left as it is.
///
/// ```
/// let req = threeam_runtime::Request::post("chat", "/v1/chat")
///     .json(&serde_json::json!({"model": "m", "stream": false}));
/// let req = threeam_runtime::generated::stream_flag(req);
/// let body: serde_json::Value = serde_json::from_slice(req.body_bytes().unwrap()).unwrap();
/// assert_eq!(body["stream"], true);
/// assert_eq!(body["model"], "m");
/// ```
pub fn stream_flag(req: Request) -> Request {
    let parsed = req
        .body_bytes()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(b).ok());
    match parsed {
        Some(serde_json::Value::Object(mut fields)) => {
            fields.insert("stream".to_owned(), serde_json::Value::Bool(true));
            req.json(&fields)
        }
        _ => req,
    }
}
