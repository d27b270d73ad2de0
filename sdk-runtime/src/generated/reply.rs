//! A successful call of a generated client: the value and how it was served.

use crate::Served;

/// A successful answer: the decoded value (`Reply` derefs to it) and how
/// it was served. A fallback or degraded answer never passes for a fresh
/// one: check [`Reply::is_fresh`] where it matters.
///
/// ```no_run
/// # async fn demo(client: threeam_runtime::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use threeam_runtime::generated::{self as rt, CallOptions};
/// use threeam_runtime::serde_json::Value;
///
/// let req = CallOptions::new().request(threeam_runtime::http::Method::GET, "getUser", "/v1/users/7", false);
/// let user = rt::call(&client, req, rt::json_err::<Value>, rt::json::<Value>).await?;
/// if !user.is_fresh() {
///     eprintln!("served by {:?} after {} attempt(s)", user.served(), user.attempts());
/// }
/// println!("{}", user["name"]); // Deref to the value
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Reply<T> {
    value: T,
    status: u16,
    served: Served,
    replayed: bool,
    request_id: Option<String>,
    attempts: u32,
}

impl Reply<()> {
    /// How `response` was served, before its body is read (what
    /// [`call`](super::call) starts from).
    pub(crate) fn of(response: &crate::Response) -> Self {
        Self {
            value: (),
            status: response.status().as_u16(),
            served: response.served().clone(),
            replayed: response.replayed(),
            request_id: response.request_id().map(str::to_owned),
            attempts: response.attempts(),
        }
    }

    /// The same answer carrying its decoded value.
    pub(crate) fn with_value<T>(self, value: T) -> Reply<T> {
        Reply {
            value,
            status: self.status,
            served: self.served,
            replayed: self.replayed,
            request_id: self.request_id,
            attempts: self.attempts,
        }
    }
}

impl<T> Reply<T> {
    /// The same answer with its value turned into another by `f` (how it
    /// was served is kept).
    ///
    /// ```no_run
    /// # fn demo(page: threeam_runtime::generated::Reply<Vec<u32>>) {
    /// let count = page.map(|items| items.len());
    /// println!("{} items, {} attempt(s)", *count, count.attempts());
    /// # }
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        Reply {
            value: f(self.value),
            status: self.status,
            served: self.served,
            replayed: self.replayed,
            request_id: self.request_id,
            attempts: self.attempts,
        }
    }

    /// The decoded value.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Fresh from the primary, from the fallback, or degraded.
    pub fn served(&self) -> &Served {
        &self.served
    }

    /// Answered by the primary server.
    pub fn is_fresh(&self) -> bool {
        matches!(self.served, Served::Fresh)
    }

    /// Answered by the fallback server.
    pub fn is_fallback(&self) -> bool {
        matches!(self.served, Served::Fallback { .. })
    }

    /// Not from a server: a stand-in (last good answer or a fixed value).
    pub fn is_degraded(&self) -> bool {
        matches!(self.served, Served::Degraded(_))
    }

    /// The server replayed a stored response for this idempotency key:
    /// nothing was done again.
    pub fn replayed(&self) -> bool {
        self.replayed
    }

    /// The server's request id.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many requests were sent.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<T> std::ops::Deref for Reply<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}
