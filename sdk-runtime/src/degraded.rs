//! Assembling a degraded answer: after every endpoint failed, the caller's
//! registered stand-in (the last good response of the same GET, or a fixed
//! value), marked with where it came from, how old it is, why it stands in
//! and the failure it replaces. What may be registered, and the cache, are
//! in [`fallback`](crate::fallback); the executor only calls [`stand_in`].

use std::borrow::Cow;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};
use tokio::time::Instant;

use crate::error::{human, Error, ErrorKind};
use crate::fallback::{Degrade, LastGoodCache};
use crate::response::{Degraded, DegradedReason, DegradedSource};
use crate::telemetry::names;

/// A degraded answer's parts; the executor wraps them in a `Response`.
pub(crate) struct StandIn {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) degraded: Degraded,
}

/// The call being answered.
pub(crate) struct Asked<'a> {
    pub(crate) operation: &'a Cow<'static, str>,
    pub(crate) method: &'a Method,
    /// Path and query: the cache key.
    pub(crate) target: &'a str,
}

/// The degraded answer for a failed call, or the error back when none
/// applies: nothing registered, a failure of the request itself (a 4xx is
/// never papered over), or nothing cached for [`Degrade::LastGood`].
/// Counts and logs the answer, with its reason.
pub(crate) fn stand_in(
    degrade: Option<&Degrade>,
    cache: &LastGoodCache,
    asked: Asked<'_>,
    error: Error,
) -> Result<StandIn, Error> {
    let Some(degrade) = degrade else {
        return Err(error);
    };
    if !error.may_degrade() {
        return Err(error);
    }
    let cached = if degrade.wants_cache() && *asked.method == Method::GET {
        cache.get(asked.target, Instant::now())
    } else {
        None
    };
    let (status, headers, body, source, age): (_, _, _, _, Option<Duration>) =
        match (cached, degrade) {
            (Some((stored, age)), _) => (
                stored.status,
                stored.headers,
                stored.body,
                DegradedSource::LastGood,
                Some(age),
            ),
            (None, Degrade::Value(body) | Degrade::LastGoodOr(body)) => (
                StatusCode::OK,
                HeaderMap::new(),
                body.clone(),
                DegradedSource::Value,
                None,
            ),
            (None, Degrade::LastGood) => return Err(error),
        };
    let source_label = match source {
        DegradedSource::LastGood => "last_good",
        DegradedSource::Value => "value",
    };
    let reason = match error.kind() {
        ErrorKind::BreakerOpen { .. } => DegradedReason::BreakerOpen,
        ErrorKind::RateLimited { .. } => DegradedReason::RateLimited,
        _ => DegradedReason::Failed,
    };
    metrics::counter!(names::DEGRADED, "threeam.operation" => asked.operation.clone(), "source" => source_label).increment(1);
    tracing::warn!(
        operation = %asked.operation,
        source = source_label,
        age = age.map(human).as_deref(),
        "answering with a degraded response ({reason}): {error}"
    );
    Ok(StandIn {
        status,
        headers,
        body,
        degraded: Degraded {
            source,
            reason,
            age,
            cause: error,
        },
    })
}
