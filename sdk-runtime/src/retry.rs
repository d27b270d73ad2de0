//! When to retry, and after how long. Pure: the executor passes in what
//! happened and the clock; this module answers.

use std::time::{Duration, SystemTime};

use http::StatusCode;

use crate::backoff::Backoff;
use crate::error::StopReason;
use crate::retry_after::RetryAfter;

/// Retry settings of a client.
///
/// ```
/// use std::time::Duration;
/// use threeam_runtime::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_attempts, 3);
/// assert_eq!(policy.max_retry_after, Duration::from_secs(30));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (1 disables retries).
    pub max_attempts: u32,
    /// Delays between attempts when the server gives no `Retry-After`.
    pub backoff: Backoff,
    /// The longest `Retry-After` this client waits; a longer one ends the
    /// call with an error that says when the server will be ready.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            backoff: Backoff::default(),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// How an attempt failed, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// The server answered with this status (and maybe a `Retry-After`).
    Status(StatusCode, Option<RetryAfter>),
    /// No response within the attempt's timeout (the request may have
    /// arrived).
    Timeout,
    /// No connection: the request certainly did not arrive.
    Connect,
    /// The connection broke after sending (the request may have arrived).
    Transport,
    /// A keyed request got a 409 that names idempotency: the first request
    /// with this key is still being processed (and maybe a `Retry-After`).
    KeyInFlight(Option<RetryAfter>),
    /// A keyed request got a 422 that names idempotency: the key was
    /// already used with a different payload.
    KeyReused,
}

impl Failure {
    /// Whether the server may have received (and acted on) the request.
    pub fn maybe_delivered(self) -> bool {
        !matches!(self, Self::Connect)
    }
}

/// Statuses a retry can fix (DESIGN.md, runtime step 2).
pub fn retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// What the call looks like at the moment of deciding.
#[derive(Clone, Copy, Debug)]
pub struct RetryContext {
    /// Attempts already made, the failed one included.
    pub attempts: u32,
    /// The method is idempotent, or the caller declared the call safe.
    pub idempotent: bool,
    /// The request carries an idempotency key.
    pub keyed: bool,
    /// Time left before the call's deadline.
    pub remaining: Duration,
    /// The call's whole deadline (for the message).
    pub deadline: Duration,
    /// Wall-clock now, to read `Retry-After` dates.
    pub wall_now: SystemTime,
    /// A uniform random number in `[0, 1)` for jitter.
    pub jitter: f64,
}

/// The answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Try again after `delay`.
    Retry {
        /// How long to wait first.
        delay: Duration,
        /// The delay is the server's `Retry-After`, not backoff.
        from_server: bool,
    },
    /// Give up, for this reason.
    Stop(StopReason),
}

impl RetryPolicy {
    /// Whether another attempt is allowed at all (right outcome, safe to
    /// resend, attempts left), regardless of timing. The executor also uses
    /// this to decide a failover to the fallback endpoint.
    pub fn permits(&self, failure: Failure, cx: &RetryContext) -> Result<(), StopReason> {
        match failure {
            Failure::KeyReused => return Err(StopReason::IdempotencyKeyReused),
            // The first request with this key is still running: retrying
            // later with the same key is exactly what the draft asks.
            Failure::KeyInFlight(_) => {}
            Failure::Status(status, _) if !retryable_status(status) => {
                return Err(StopReason::NotRetryable)
            }
            _ => {}
        }
        if failure.maybe_delivered() && !cx.idempotent && !cx.keyed {
            return Err(StopReason::UnsafeToRetry);
        }
        if cx.attempts >= self.max_attempts {
            return Err(StopReason::AttemptsExhausted {
                max: self.max_attempts,
            });
        }
        Ok(())
    }

    /// The full decision: [`Self::permits`], then the delay (the server's
    /// `Retry-After` if given, else jittered backoff), refused when it would
    /// end past the deadline or beyond `max_retry_after`.
    pub fn decide(&self, failure: Failure, cx: &RetryContext) -> Decision {
        if let Err(stop) = self.permits(failure, cx) {
            return Decision::Stop(stop);
        }
        let hint = match failure {
            Failure::Status(_, hint) | Failure::KeyInFlight(hint) => hint,
            _ => None,
        };
        let (delay, from_server) = match hint {
            Some(ra) => {
                let wait = ra.wait_from(cx.wall_now);
                if wait > self.max_retry_after {
                    return Decision::Stop(StopReason::RetryAfterTooLong {
                        wait,
                        max: self.max_retry_after,
                        ready_at: ra.ready_at(cx.wall_now),
                    });
                }
                (wait, true)
            }
            None => (self.backoff.delay(cx.attempts, cx.jitter), false),
        };
        if delay >= cx.remaining {
            return Decision::Stop(match hint {
                Some(ra) => StopReason::RetryAfterPastDeadline {
                    wait: delay,
                    ready_at: ra.ready_at(cx.wall_now),
                },
                None => StopReason::DeadlineExceeded {
                    deadline: cx.deadline,
                },
            });
        }
        Decision::Retry { delay, from_server }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cx() -> RetryContext {
        RetryContext {
            attempts: 1,
            idempotent: true,
            keyed: false,
            remaining: Duration::from_secs(30),
            deadline: Duration::from_secs(30),
            wall_now: SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000),
            jitter: 0.5,
        }
    }

    fn status(code: u16) -> Failure {
        Failure::Status(StatusCode::from_u16(code).unwrap(), None)
    }

    #[test]
    fn retryable_outcomes_exactly() {
        let p = RetryPolicy::default();
        for code in [408, 429, 500, 502, 503, 504] {
            assert!(
                matches!(p.decide(status(code), &cx()), Decision::Retry { .. }),
                "{code}"
            );
        }
        for code in [400, 401, 403, 404, 409, 422, 501, 505] {
            assert_eq!(
                p.decide(status(code), &cx()),
                Decision::Stop(StopReason::NotRetryable),
                "{code}"
            );
        }
        for f in [Failure::Timeout, Failure::Connect, Failure::Transport] {
            assert!(
                matches!(p.decide(f, &cx()), Decision::Retry { .. }),
                "{f:?}"
            );
        }
    }

    #[test]
    fn unkeyed_non_idempotent_is_retried_only_when_never_sent() {
        let p = RetryPolicy::default();
        let post = RetryContext {
            idempotent: false,
            ..cx()
        };
        for f in [status(503), Failure::Timeout, Failure::Transport] {
            assert_eq!(
                p.decide(f, &post),
                Decision::Stop(StopReason::UnsafeToRetry),
                "{f:?}"
            );
        }
        assert!(matches!(
            p.decide(Failure::Connect, &post),
            Decision::Retry { .. }
        ));
        let keyed_post = RetryContext {
            keyed: true,
            ..post
        };
        assert!(matches!(
            p.decide(Failure::Transport, &keyed_post),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn idempotency_statuses_for_keyed_calls() {
        let p = RetryPolicy::default();
        let keyed = RetryContext {
            idempotent: false,
            keyed: true,
            ..cx()
        };
        assert!(matches!(
            p.decide(Failure::KeyInFlight(None), &keyed),
            Decision::Retry { .. }
        ));
        assert_eq!(
            p.decide(Failure::KeyReused, &keyed),
            Decision::Stop(StopReason::IdempotencyKeyReused)
        );
        // A 409 or 422 that does not name idempotency is a business error.
        for code in [409, 422] {
            assert_eq!(
                p.decide(status(code), &keyed),
                Decision::Stop(StopReason::NotRetryable)
            );
        }
    }

    #[test]
    fn attempts_are_capped() {
        let p = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::default()
        };
        assert!(matches!(
            p.decide(
                status(503),
                &RetryContext {
                    attempts: 2,
                    ..cx()
                }
            ),
            Decision::Retry { .. }
        ));
        assert_eq!(
            p.decide(
                status(503),
                &RetryContext {
                    attempts: 3,
                    ..cx()
                }
            ),
            Decision::Stop(StopReason::AttemptsExhausted { max: 3 })
        );
    }

    #[test]
    fn backoff_delay_is_jittered_within_the_ceiling() {
        let p = RetryPolicy::default();
        for attempts in 1..3 {
            for jitter in [0.0, 0.3, 0.99] {
                let Decision::Retry { delay, from_server } = p.decide(
                    status(503),
                    &RetryContext {
                        attempts,
                        jitter,
                        ..cx()
                    },
                ) else {
                    panic!("expected a retry");
                };
                assert!(!from_server);
                assert_eq!(delay, p.backoff.delay(attempts, jitter));
                assert!(delay <= p.backoff.ceiling(attempts));
            }
        }
    }

    #[test]
    fn retry_after_seconds_and_date_override_backoff() {
        let p = RetryPolicy::default();
        let c = cx();
        let secs = Failure::Status(StatusCode::SERVICE_UNAVAILABLE, RetryAfter::parse("7"));
        assert_eq!(
            p.decide(secs, &c),
            Decision::Retry {
                delay: Duration::from_secs(7),
                from_server: true
            }
        );
        let date = RetryAfter::At(c.wall_now + Duration::from_secs(4));
        let dated = Failure::Status(StatusCode::TOO_MANY_REQUESTS, Some(date));
        assert_eq!(
            p.decide(dated, &c),
            Decision::Retry {
                delay: Duration::from_secs(4),
                from_server: true
            }
        );
    }

    #[test]
    fn retry_after_longer_than_max_stops_and_says_when() {
        let p = RetryPolicy::default();
        let c = cx();
        let f = Failure::Status(StatusCode::SERVICE_UNAVAILABLE, RetryAfter::parse("120"));
        assert_eq!(
            p.decide(f, &c),
            Decision::Stop(StopReason::RetryAfterTooLong {
                wait: Duration::from_secs(120),
                max: Duration::from_secs(30),
                ready_at: c.wall_now + Duration::from_secs(120),
            })
        );
    }

    #[test]
    fn nothing_waits_past_the_deadline() {
        let p = RetryPolicy::default();
        let c = RetryContext {
            remaining: Duration::from_secs(2),
            ..cx()
        };
        let f = Failure::Status(StatusCode::SERVICE_UNAVAILABLE, RetryAfter::parse("5"));
        assert!(matches!(
            p.decide(f, &c),
            Decision::Stop(StopReason::RetryAfterPastDeadline { .. })
        ));
        let tight = RetryContext {
            remaining: Duration::from_millis(10),
            jitter: 0.99,
            ..cx()
        };
        assert_eq!(
            p.decide(Failure::Timeout, &tight),
            Decision::Stop(StopReason::DeadlineExceeded {
                deadline: Duration::from_secs(30)
            })
        );
    }
}
