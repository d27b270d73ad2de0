//! The error type generated methods return: the runtime's [`Error`] plus the
//! operation's documented error body, already parsed.

use std::fmt;

use http::StatusCode;

use crate::error::Error;

/// A failed call of an operation whose error responses have a documented
/// schema `E` (for example RFC 9457 problem details).
///
/// `?` converts the runtime's [`Error`] into it, parsing the body as `E`
/// when the server answered with an error status, so a generated method is
/// two lines:
///
/// ```no_run
/// use threeam_runtime::{ApiError, Client, Request};
///
/// #[derive(Debug, serde::Deserialize)]
/// struct Problem { title: String, detail: Option<String> }
/// #[derive(serde::Deserialize)]
/// struct Payment { id: String }
///
/// async fn get_payment(client: &Client, id: &str) -> Result<Payment, ApiError<Problem>> {
///     let req = Request::get("get_payment", "/v1/payments/{id}").path_param("id", id);
///     Ok(client.execute(req).await?.json()?)
/// }
/// ```
///
/// Its `Display` is the runtime error's 3 a.m. message.
pub struct ApiError<E> {
    error: Error,
    body: Option<E>,
}

impl<E: serde::de::DeserializeOwned> From<Error> for ApiError<E> {
    fn from(error: Error) -> Self {
        let body = error.decode_body();
        Self { error, body }
    }
}

impl<E> ApiError<E> {
    /// The runtime's error: what failed, why, attempts, request id.
    pub fn error(&self) -> &Error {
        &self.error
    }

    /// The documented error body, if the server sent one that parses.
    pub fn body(&self) -> Option<&E> {
        self.body.as_ref()
    }

    /// The response status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.error.status()
    }

    /// The server's request id, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.error.request_id()
    }

    /// Both parts.
    pub fn into_parts(self) -> (Error, Option<E>) {
        (self.error, self.body)
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("error", &self.error)
            .field("body", &self.body)
            .finish()
    }
}

impl<E: fmt::Debug> std::error::Error for ApiError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
