//! `Retry-After` (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date.

use std::time::{Duration, SystemTime};

use http::HeaderMap;

/// A parsed `Retry-After` value.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use threeam_runtime::RetryAfter;
///
/// assert_eq!(RetryAfter::parse("120"), Some(RetryAfter::Delay(Duration::from_secs(120))));
/// let at = RetryAfter::parse("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
/// let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:07 GMT").unwrap();
/// assert_eq!(at.wait_from(now), Duration::from_secs(30));
/// assert_eq!(RetryAfter::parse("soon"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// `Retry-After: 120`
    Delay(Duration),
    /// `Retry-After: Fri, 31 Dec 1999 23:59:59 GMT`
    At(SystemTime),
}

impl RetryAfter {
    /// Parses either form; `None` for anything else (an unusable hint is
    /// ignored rather than trusted).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
            // A number too big for u64 is still "a very long time".
            let secs = value.parse::<u64>().unwrap_or(u64::MAX);
            return Some(Self::Delay(Duration::from_secs(secs)));
        }
        httpdate::parse_http_date(value).ok().map(Self::At)
    }

    /// Reads the `Retry-After` header, if present and valid.
    pub fn from_headers(headers: &HeaderMap) -> Option<Self> {
        headers
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(Self::parse)
    }

    /// How long to wait from `now`. A date in the past means "now".
    pub fn wait_from(&self, now: SystemTime) -> Duration {
        match *self {
            Self::Delay(d) => d,
            Self::At(at) => at.duration_since(now).unwrap_or(Duration::ZERO),
        }
    }

    /// The wall-clock time the server expects to be ready, from `now`.
    pub fn ready_at(&self, now: SystemTime) -> SystemTime {
        match *self {
            Self::Delay(d) => now.checked_add(d).unwrap_or(now),
            Self::At(at) => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> SystemTime {
        httpdate::parse_http_date(s).unwrap()
    }

    #[test]
    fn delta_seconds() {
        assert_eq!(
            RetryAfter::parse("1"),
            Some(RetryAfter::Delay(Duration::from_secs(1)))
        );
        assert_eq!(
            RetryAfter::parse(" 0 "),
            Some(RetryAfter::Delay(Duration::ZERO))
        );
        assert_eq!(
            RetryAfter::parse("99999999999999999999999"),
            Some(RetryAfter::Delay(Duration::from_secs(u64::MAX)))
        );
        for bad in ["", "-1", "1.5", "1s", "soon", "+3"] {
            assert_eq!(RetryAfter::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn http_date_all_three_formats() {
        let expected = date("Sun, 06 Nov 1994 08:49:37 GMT");
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",  // IMF-fixdate
            "Sunday, 06-Nov-94 08:49:37 GMT", // obsolete RFC 850
            "Sun Nov  6 08:49:37 1994",       // asctime
        ] {
            assert_eq!(
                RetryAfter::parse(form),
                Some(RetryAfter::At(expected)),
                "{form}"
            );
        }
    }

    #[test]
    fn wait_from_dates_past_and_future() {
        let now = date("Sun, 06 Nov 1994 08:49:37 GMT");
        let later = RetryAfter::At(now + Duration::from_secs(90));
        assert_eq!(later.wait_from(now), Duration::from_secs(90));
        let earlier = RetryAfter::At(now - Duration::from_secs(90));
        assert_eq!(earlier.wait_from(now), Duration::ZERO);
        assert_eq!(
            RetryAfter::Delay(Duration::from_secs(5)).ready_at(now),
            now + Duration::from_secs(5)
        );
    }

    #[test]
    fn from_headers_reads_the_field() {
        let mut h = HeaderMap::new();
        assert_eq!(RetryAfter::from_headers(&h), None);
        h.insert(http::header::RETRY_AFTER, "3".parse().unwrap());
        assert_eq!(
            RetryAfter::from_headers(&h),
            Some(RetryAfter::Delay(Duration::from_secs(3)))
        );
    }
}
