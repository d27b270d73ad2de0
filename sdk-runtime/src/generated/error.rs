//! A failed call of a generated client, with its documented error body.

use std::fmt;

/// The failure of one call: what the runtime saw (operation, method, URL,
/// attempts, status, request id) and, when the server answered with a
/// documented error, its body decoded as `E`.
///
/// Its `Display` is the runtime's one-line story of the failure.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) {
/// use threeam_runtime::generated::{self as rt, CallOptions};
///
/// #[derive(Debug, threeam_runtime::serde::Deserialize)]
/// #[serde(crate = "threeam_runtime::serde")]
/// struct Problem {
///     title: String,
/// }
///
/// let req = CallOptions::new().request(threeam_runtime::http::Method::GET, "getUser", "/v1/users/7", false);
/// let answer = rt::call(&client, req, rt::json_err::<Problem>, rt::json::<threeam_runtime::serde_json::Value>).await;
/// if let Err(e) = answer {
///     eprintln!("{e}"); // getUser: GET http://... failed after 1 attempt (last: 404 ...)
///     if let Some(problem) = e.body() {
///         eprintln!("the server says: {}", problem.title);
///     }
/// }
/// # }
/// ```
pub struct Error<E = serde_json::Value> {
    runtime: crate::Error,
    body: Option<E>,
}

impl<E> Error<E> {
    /// A runtime error and its decoded body (what [`call`](super::call)
    /// builds).
    pub(crate) fn new(runtime: crate::Error, body: Option<E>) -> Self {
        Self { runtime, body }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        self.runtime.status().map(|s| s.as_u16())
    }

    /// The documented error body, when the server sent one that decodes.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }

    /// The server's request id (quote it when asking for help).
    pub fn request_id(&self) -> Option<&str> {
        self.runtime.request_id()
    }

    /// Everything the runtime knows: kind, stop reason, attempts, raw body.
    pub fn runtime(&self) -> &crate::Error {
        &self.runtime
    }

    /// The runtime error, dropping the decoded body.
    pub fn into_runtime(self) -> crate::Error {
        self.runtime
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.runtime, f)
    }
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("runtime", &self.runtime)
            .field("body", &self.body)
            .finish()
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.runtime)
    }
}
