//! Client-side rate limiting: a local token bucket plus the server's word.
//!
//! Two sources decide when this client may send to an endpoint:
//! - an optional local budget (requests per second with a burst), so a client
//!   stays under a quota it knows about before the server has to say so;
//! - what the server said: a 429 with `Retry-After`, or a remaining budget of
//!   zero in `X-RateLimit-Remaining` / IETF `RateLimit` with its reset time.
//!   Until then, every call through this client waits instead of sending.
//!
//! `reserve` hands out the wait in one step (the token is taken now, to be
//! used later), so concurrent callers queue fairly without polling.

use std::time::Duration;

use http::{HeaderMap, HeaderName, StatusCode};
use tokio::time::Instant;

use crate::retry_after::RetryAfter;

/// A local request-rate budget.
///
/// ```
/// use threeam_runtime::RateLimit;
///
/// let limit = RateLimit::per_second(50.0).burst(10);
/// assert_eq!(limit.rate, 50.0);
/// assert_eq!(limit.burst, 10);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Sustained requests per second.
    pub rate: f64,
    /// Requests that may go at once after a quiet period.
    pub burst: u32,
}

impl RateLimit {
    /// `rate` requests per second, with a burst of one second's worth.
    pub fn per_second(rate: f64) -> Self {
        Self {
            rate,
            burst: rate.ceil().clamp(1.0, f64::from(u32::MAX)) as u32,
        }
    }

    /// Sets the burst.
    pub fn burst(mut self, burst: u32) -> Self {
        self.burst = burst.max(1);
        self
    }
}

/// How long to block when a 429 carries no `Retry-After`: long enough to
/// stop a tight loop, short enough not to matter if the server recovers.
const DEFAULT_429_PAUSE: Duration = Duration::from_secs(1);

/// The limiter for one endpoint.
///
/// ```
/// use std::time::Duration;
/// use threeam_runtime::{RateLimit, RateLimiter};
/// use tokio::time::Instant;
///
/// let now = Instant::now();
/// let mut limiter = RateLimiter::new(Some(RateLimit::per_second(2.0).burst(1)), now);
/// assert_eq!(limiter.reserve(now), Duration::ZERO);
/// assert_eq!(limiter.reserve(now), Duration::from_millis(500));
/// ```
#[derive(Debug)]
pub struct RateLimiter {
    local: Option<RateLimit>,
    tokens: f64,
    refilled_at: Instant,
    blocked_until: Option<Instant>,
}

impl RateLimiter {
    /// A limiter with a full bucket; `None` means no local limit (server
    /// hints are still honoured).
    pub fn new(local: Option<RateLimit>, now: Instant) -> Self {
        let local = local.filter(|l| l.rate.is_finite() && l.rate > 0.0);
        Self {
            tokens: local.map_or(0.0, |l| f64::from(l.burst.max(1))),
            local,
            refilled_at: now,
            blocked_until: None,
        }
    }

    /// Takes a send slot and says how long to wait before using it
    /// (`Duration::ZERO`: send now). Give it back with [`Self::cancel`] if the
    /// caller decides not to wait.
    pub fn reserve(&mut self, now: Instant) -> Duration {
        let server_wait = self
            .blocked_until
            .map_or(Duration::ZERO, |until| until.saturating_duration_since(now));
        let Some(local) = self.local else {
            return server_wait;
        };
        let elapsed = now
            .saturating_duration_since(self.refilled_at)
            .as_secs_f64();
        self.refilled_at = now;
        let cap = f64::from(local.burst.max(1));
        self.tokens = (self.tokens + elapsed * local.rate).min(cap) - 1.0;
        let local_wait = if self.tokens >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.tokens / local.rate)
        };
        server_wait.max(local_wait)
    }

    /// Returns a slot taken by [`Self::reserve`] that will not be used.
    pub fn cancel(&mut self) {
        if let Some(local) = self.local {
            self.tokens = (self.tokens + 1.0).min(f64::from(local.burst.max(1)));
        }
    }

    /// Learns from a response: a 429 or an exhausted remaining budget blocks
    /// further sends until the server's reset time. Returns the new block,
    /// if this response set one.
    pub fn observe(
        &mut self,
        now: Instant,
        wall_now: std::time::SystemTime,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Option<Duration> {
        let block = if status == StatusCode::TOO_MANY_REQUESTS {
            Some(
                RetryAfter::from_headers(headers)
                    .map_or(DEFAULT_429_PAUSE, |ra| ra.wait_from(wall_now)),
            )
        } else {
            exhausted_for(headers)
        }?;
        let until = now + block;
        if self.blocked_until.is_none_or(|b| b < until) {
            self.blocked_until = Some(until);
        }
        Some(block)
    }

    /// How long sends are blocked by the server from `now`.
    pub fn blocked_for(&self, now: Instant) -> Duration {
        self.blocked_until
            .map_or(Duration::ZERO, |u| u.saturating_duration_since(now))
    }
}

/// Remaining-budget headers with their reset companions, in the order
/// they are read. Constants: this runs on every response, so the names are
/// never parsed.
const PAIRS: [(HeaderName, HeaderName); 2] = [
    (
        HeaderName::from_static("x-ratelimit-remaining"),
        HeaderName::from_static("x-ratelimit-reset"),
    ),
    (
        HeaderName::from_static("ratelimit-remaining"),
        HeaderName::from_static("ratelimit-reset"),
    ),
];
/// The IETF `RateLimit` field.
const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");

/// Whether [`exhausted_for`] has anything to read in a response with this
/// header: the executor's single pass over the headers asks, so that most
/// responses, which carry none of them, skip the lookups.
pub(crate) fn is_hint(name: &HeaderName) -> bool {
    *name == RATELIMIT || PAIRS.iter().any(|(remaining, _)| name == remaining)
}

/// If the headers say the budget is used up, how long until it resets.
///
/// Reads, in order: `X-RateLimit-Remaining` with `X-RateLimit-Reset`
/// (seconds to reset, or a Unix time when it is larger than 10^9, as GitHub
/// sends); `RateLimit-Remaining` with `RateLimit-Reset` (IETF draft 06 and
/// earlier); and the IETF `RateLimit` field (draft 07+:
/// `"default";r=0;t=10`, or the older `limit=10, remaining=0, reset=10`).
/// Without a reset time nothing is blocked: the server will say 429 if it
/// matters.
pub fn exhausted_for(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    for (remaining, reset) in &PAIRS {
        if let Some(r) = text(remaining) {
            if r.trim() == "0" {
                return text(reset).and_then(parse_reset);
            }
            return None;
        }
    }
    let field = text(&RATELIMIT)?;
    // Draft 07+ lists policies as `"name";r=..;t=..` items separated by
    // commas; earlier drafts used one `limit=.., remaining=.., reset=..`
    // dictionary. Split accordingly, then read each policy's parameters.
    let policies: Vec<Vec<&str>> = if field.contains(';') {
        field
            .split(',')
            .map(|item| item.split(';').collect())
            .collect()
    } else {
        vec![field.split(',').collect()]
    };
    // Several policies may be exhausted; the longest wait wins.
    let mut longest: Option<Duration> = None;
    for policy in policies {
        let mut remaining = None;
        let mut reset = None;
        for param in policy {
            if let Some((k, v)) = param.split_once('=') {
                match k.trim() {
                    "r" | "remaining" => remaining = v.trim().parse::<u64>().ok(),
                    "t" | "reset" => reset = parse_reset(v),
                    _ => {}
                }
            }
        }
        if let (Some(0), Some(wait)) = (remaining, reset) {
            longest = Some(longest.map_or(wait, |l| l.max(wait)));
        }
    }
    longest
}

fn parse_reset(value: &str) -> Option<Duration> {
    let secs: u64 = value.trim().parse().ok()?;
    // Some servers send an absolute Unix time instead of a delta.
    if secs > 1_000_000_000 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?
            .as_secs();
        return Some(Duration::from_secs(secs.saturating_sub(now)));
    }
    Some(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::SystemTime;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[tokio::test(start_paused = true)]
    async fn local_bucket_spaces_requests_at_the_rate() {
        let now = Instant::now();
        let mut l = RateLimiter::new(Some(RateLimit::per_second(10.0).burst(2)), now);
        assert_eq!(l.reserve(now), Duration::ZERO);
        assert_eq!(l.reserve(now), Duration::ZERO);
        assert_eq!(l.reserve(now), Duration::from_millis(100));
        assert_eq!(l.reserve(now), Duration::from_millis(200));
        l.cancel();
        tokio::time::advance(Duration::from_millis(200)).await;
        // One slot is still owed (-1 +1 cancel, +2 refilled => 1 left -> 0).
        assert_eq!(l.reserve(Instant::now()), Duration::ZERO);
        assert_eq!(l.reserve(Instant::now()), Duration::from_millis(100));
    }

    #[tokio::test(start_paused = true)]
    async fn no_local_limit_means_no_wait() {
        let now = Instant::now();
        let mut l = RateLimiter::new(None, now);
        for _ in 0..1_000 {
            assert_eq!(l.reserve(now), Duration::ZERO);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_with_retry_after_blocks_every_sender() {
        let now = Instant::now();
        let mut l = RateLimiter::new(None, now);
        let block = l.observe(
            now,
            SystemTime::now(),
            StatusCode::TOO_MANY_REQUESTS,
            &headers(&[("retry-after", "2")]),
        );
        assert_eq!(block, Some(Duration::from_secs(2)));
        assert_eq!(l.reserve(now), Duration::from_secs(2));
        tokio::time::advance(Duration::from_millis(1_500)).await;
        assert_eq!(l.reserve(Instant::now()), Duration::from_millis(500));
        tokio::time::advance(Duration::from_millis(500)).await;
        assert_eq!(l.reserve(Instant::now()), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_without_retry_after_pauses_briefly() {
        let now = Instant::now();
        let mut l = RateLimiter::new(None, now);
        l.observe(
            now,
            SystemTime::now(),
            StatusCode::TOO_MANY_REQUESTS,
            &HeaderMap::new(),
        );
        assert_eq!(l.blocked_for(now), DEFAULT_429_PAUSE);
    }

    #[tokio::test(start_paused = true)]
    async fn a_shorter_hint_never_shortens_a_block() {
        let now = Instant::now();
        let mut l = RateLimiter::new(None, now);
        let wall = SystemTime::now();
        let s429 = StatusCode::TOO_MANY_REQUESTS;
        l.observe(now, wall, s429, &headers(&[("retry-after", "10")]));
        l.observe(now, wall, s429, &headers(&[("retry-after", "1")]));
        assert_eq!(l.blocked_for(now), Duration::from_secs(10));
    }

    #[test]
    fn the_names_the_executor_scans_for_are_the_ones_read() {
        for name in ["x-ratelimit-remaining", "ratelimit-remaining", "ratelimit"] {
            assert!(is_hint(&HeaderName::from_static(name)), "{name}");
        }
        for name in ["x-ratelimit-reset", "retry-after", "x-ratelimit-limit"] {
            assert!(!is_hint(&HeaderName::from_static(name)), "{name}");
        }
    }

    #[test]
    fn remaining_headers_in_every_dialect() {
        type Headers = &'static [(&'static str, &'static str)];
        let cases: &[(Headers, Option<u64>)] = &[
            (
                &[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "7")],
                Some(7),
            ),
            (
                &[("x-ratelimit-remaining", "3"), ("x-ratelimit-reset", "7")],
                None,
            ),
            (&[("x-ratelimit-remaining", "0")], None),
            (
                &[("ratelimit-remaining", "0"), ("ratelimit-reset", "4")],
                Some(4),
            ),
            (&[("ratelimit", "\"default\";r=0;t=9")], Some(9)),
            (&[("ratelimit", "\"default\";r=5;t=9")], None),
            (
                &[("ratelimit", "\"burst\";r=2;t=1, \"daily\";r=0;t=60")],
                Some(60),
            ),
            (&[("ratelimit", "limit=10, remaining=0, reset=3")], Some(3)),
            (&[], None),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                exhausted_for(&headers(pairs)),
                expected.map(Duration::from_secs),
                "{pairs:?}"
            );
        }
    }

    #[test]
    fn reset_as_unix_time_becomes_a_delta() {
        let now = SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let d = parse_reset(&(now + 30).to_string()).unwrap();
        assert!(
            d <= Duration::from_secs(30) && d >= Duration::from_secs(28),
            "{d:?}"
        );
    }
}
