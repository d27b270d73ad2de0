//! A circuit breaker per circuit (an endpoint and operation by default, or
//! an endpoint: [`BreakerScope`]): closed -> open -> half-open -> closed.
//!
//! Pure state: the caller passes `now` in, so tests drive it with a paused
//! tokio clock and the executor decides what a transition means for logs and
//! metrics.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

/// When a breaker opens and how it recovers.
///
/// ```
/// use std::time::Duration;
/// use threeam_runtime::BreakerConfig;
///
/// let config = BreakerConfig::default();
/// assert_eq!(config.consecutive_failures, Some(5));
/// assert_eq!(config.recovery_timeout, Duration::from_secs(30));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct BreakerConfig {
    /// Open after this many failures in a row (`None`: not used).
    pub consecutive_failures: Option<u32>,
    /// Open when the failure rate over a sliding window of calls is too high
    /// (`None`: not used).
    pub failure_rate: Option<FailureRate>,
    /// How long an open breaker refuses calls before letting probes through.
    pub recovery_timeout: Duration,
    /// How many probe requests half-open lets through; all must succeed to
    /// close, any failure opens again.
    pub half_open_probes: u32,
}

/// Failure-rate trigger over the last `window` outcomes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailureRate {
    /// Fraction of failures (0.0-1.0) at or above which the breaker opens.
    pub threshold: f64,
    /// How many recent outcomes are considered.
    pub window: u32,
    /// No decision before this many outcomes are in the window.
    pub min_calls: u32,
}

impl Default for BreakerConfig {
    /// The article's defaults: open after 5 consecutive failures, for 30 s,
    /// then one probe.
    fn default() -> Self {
        Self {
            consecutive_failures: Some(5),
            failure_rate: None,
            recovery_timeout: Duration::from_secs(30),
            half_open_probes: 1,
        }
    }
}

impl BreakerConfig {
    /// A breaker that never opens: no trigger is set, so every request is
    /// let through and failures are only counted.
    ///
    /// ```
    /// use threeam_runtime::BreakerConfig;
    ///
    /// let off = BreakerConfig::disabled();
    /// assert!(off.is_disabled());
    /// assert!(!BreakerConfig::default().is_disabled());
    /// ```
    pub fn disabled() -> Self {
        Self {
            consecutive_failures: None,
            failure_rate: None,
            ..Self::default()
        }
    }

    /// Whether no trigger can open the breaker.
    pub fn is_disabled(&self) -> bool {
        self.consecutive_failures.is_none_or(|n| n == 0)
            && self.failure_rate.is_none_or(|r| r.window == 0)
    }
}

/// What one breaker guards: which failures open it, and which requests an
/// open breaker refuses.
///
/// ```
/// use threeam_runtime::BreakerScope;
///
/// assert_eq!(BreakerScope::default(), BreakerScope::Operation);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BreakerScope {
    /// One breaker per endpoint and operation (the default): failures of
    /// `list_reports` open the circuit for `list_reports` on that host
    /// only, and `get_payment` keeps flowing. A dead host is found by each
    /// operation on its own (a refused connection costs milliseconds).
    #[default]
    Operation,
    /// One breaker per endpoint (host and port): any operation's failures
    /// open the circuit for every operation on that host. Fewer failed
    /// requests reach a dead host, but one broken route stops them all.
    Endpoint,
}

/// The breakers of one endpoint, one per circuit of the scope.
#[derive(Debug)]
pub(crate) struct Circuits {
    scope: BreakerScope,
    config: BreakerConfig,
    /// Keyed by operation id (by "" with [`BreakerScope::Endpoint`]).
    breakers: Mutex<HashMap<Box<str>, Breaker>>,
}

impl Circuits {
    /// Circuits kept per endpoint; beyond this, breakers that hold no
    /// failures are forgotten (operation ids come from code, so a client
    /// has a few hundred at most unless it makes them up).
    const MAX: usize = 1024;

    pub(crate) fn new(scope: BreakerScope, config: BreakerConfig) -> Self {
        Self {
            scope,
            config,
            breakers: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn scope(&self) -> BreakerScope {
        self.scope
    }

    pub(crate) fn config(&self) -> &BreakerConfig {
        &self.config
    }

    /// Runs `f` on the breaker of `operation`'s circuit.
    pub(crate) fn with<R>(&self, operation: &str, f: impl FnOnce(&mut Breaker) -> R) -> R {
        let key = match self.scope {
            BreakerScope::Operation => operation,
            BreakerScope::Endpoint => "",
        };
        let mut map = self.breakers.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(breaker) = map.get_mut(key) {
            return f(breaker);
        }
        if map.len() >= Self::MAX {
            map.retain(|_, b| !b.is_idle());
        }
        let mut fresh = Breaker::new(self.config.clone());
        if map.len() >= Self::MAX {
            // Still full of live circuits: judge this one alone, unkept.
            return f(&mut fresh);
        }
        f(map.entry(Box::from(key)).or_insert(fresh))
    }

    /// The most severe state among the circuits: open (the longest
    /// remaining), then half-open, then closed.
    pub(crate) fn worst(&self, now: Instant) -> BreakerState {
        let map = self.breakers.lock().unwrap_or_else(|e| e.into_inner());
        let rank = |s: &BreakerState| match s {
            BreakerState::Closed => (0, Duration::ZERO),
            BreakerState::HalfOpen => (1, Duration::ZERO),
            BreakerState::Open { remaining } => (2, *remaining),
        };
        map.values()
            .map(|b| b.state(now))
            .max_by_key(rank)
            .unwrap_or(BreakerState::Closed)
    }
}

/// What the breaker says about sending a request now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Closed: send.
    Allowed,
    /// Half-open: send as one of the bounded probes.
    Probe,
    /// Open (or half-open with all probes out): do not send.
    Rejected {
        /// When the breaker will let a probe through, if known.
        retry_in: Option<Duration>,
    },
}

/// A change of state worth a log line and a metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The breaker opened and will refuse calls for `for_`.
    Opened {
        /// The recovery timeout.
        for_: Duration,
    },
    /// The recovery timeout passed; probes may go.
    HalfOpened,
    /// Probes succeeded; normal traffic resumes.
    Closed,
}

/// The externally visible state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Requests flow.
    Closed,
    /// Requests are refused for `remaining` more.
    Open {
        /// Time until probes are allowed.
        remaining: Duration,
    },
    /// Probes are allowed.
    HalfOpen,
}

#[derive(Debug)]
enum State {
    Closed,
    Open {
        until: Instant,
    },
    HalfOpen {
        since: Instant,
        started: u32,
        succeeded: u32,
    },
}

/// The breaker for one endpoint.
///
/// ```
/// use std::time::Duration;
/// use threeam_runtime::{Admission, Breaker, BreakerConfig, Transition};
/// use tokio::time::Instant;
///
/// let mut breaker = Breaker::new(BreakerConfig {
///     consecutive_failures: Some(2),
///     ..BreakerConfig::default()
/// });
/// let now = Instant::now();
/// assert_eq!(breaker.record(now, false), None);
/// assert_eq!(
///     breaker.record(now, false),
///     Some(Transition::Opened { for_: Duration::from_secs(30) })
/// );
/// assert!(matches!(breaker.admit(now).0, Admission::Rejected { .. }));
/// ```
#[derive(Debug)]
pub struct Breaker {
    config: BreakerConfig,
    state: State,
    consecutive: u32,
    window: VecDeque<bool>,
    window_failures: u32,
}

impl Breaker {
    /// A closed breaker.
    pub fn new(config: BreakerConfig) -> Self {
        let capacity = config.failure_rate.map_or(0, |r| r.window as usize);
        Self {
            config,
            state: State::Closed,
            consecutive: 0,
            window: VecDeque::with_capacity(capacity),
            window_failures: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &BreakerConfig {
        &self.config
    }

    /// Asks to send a request at `now`. An open breaker whose recovery timeout
    /// has passed turns half-open here, which is reported as a transition.
    pub fn admit(&mut self, now: Instant) -> (Admission, Option<Transition>) {
        let mut transition = None;
        if let State::Open { until } = self.state {
            if now < until {
                return (
                    Admission::Rejected {
                        retry_in: Some(until - now),
                    },
                    None,
                );
            }
            self.state = State::HalfOpen {
                since: now,
                started: 0,
                succeeded: 0,
            };
            transition = Some(Transition::HalfOpened);
        }
        let probes = self.config.half_open_probes.max(1);
        let recovery = self.config.recovery_timeout;
        let admission = match &mut self.state {
            State::Closed => Admission::Allowed,
            State::HalfOpen { since, started, .. } => {
                if *started < probes {
                    *started += 1;
                    Admission::Probe
                } else if now.duration_since(*since) >= recovery {
                    // Probes sent a whole recovery period ago never reported
                    // back (their callers gave up); start a fresh round
                    // rather than stay stuck half-open forever.
                    *since = now;
                    *started = 1;
                    Admission::Probe
                } else {
                    Admission::Rejected { retry_in: None }
                }
            }
            State::Open { .. } => unreachable!("open was handled above"),
        };
        (admission, transition)
    }

    /// Whether [`admit`](Self::admit) would let a request through at `now`,
    /// without taking a probe slot: the executor asks before failing over,
    /// so a call never switches at once to an endpoint that would refuse it.
    pub fn would_admit(&self, now: Instant) -> bool {
        match &self.state {
            State::Closed => true,
            State::Open { until } => now >= *until,
            State::HalfOpen { since, started, .. } => {
                *started < self.config.half_open_probes.max(1)
                    || now.duration_since(*since) >= self.config.recovery_timeout
            }
        }
    }

    /// Reports how a request admitted earlier ended.
    pub fn record(&mut self, now: Instant, success: bool) -> Option<Transition> {
        match &mut self.state {
            State::Closed => {
                self.push_outcome(success);
                if self.should_open() {
                    return Some(self.open(now));
                }
                None
            }
            State::HalfOpen { succeeded, .. } => {
                if !success {
                    return Some(self.open(now));
                }
                *succeeded += 1;
                if *succeeded >= self.config.half_open_probes.max(1) {
                    self.reset();
                    return Some(Transition::Closed);
                }
                None
            }
            // A straggler admitted before the breaker opened: the decision
            // is already made, its outcome changes nothing.
            State::Open { .. } => None,
        }
    }

    /// The state at `now` (without the open -> half-open step `admit` takes).
    pub fn state(&self, now: Instant) -> BreakerState {
        match self.state {
            State::Closed => BreakerState::Closed,
            State::Open { until } => BreakerState::Open {
                remaining: until.saturating_duration_since(now),
            },
            State::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }

    /// Closed with no failure remembered: forgetting it changes nothing.
    fn is_idle(&self) -> bool {
        matches!(self.state, State::Closed) && self.consecutive == 0 && self.window_failures == 0
    }

    fn push_outcome(&mut self, success: bool) {
        self.consecutive = if success { 0 } else { self.consecutive + 1 };
        if let Some(rate) = self.config.failure_rate {
            if rate.window == 0 {
                return;
            }
            if self.window.len() == rate.window as usize {
                if let Some(false) = self.window.pop_front() {
                    self.window_failures -= 1;
                }
            }
            self.window.push_back(success);
            if !success {
                self.window_failures += 1;
            }
        }
    }

    fn should_open(&self) -> bool {
        let by_count = self
            .config
            .consecutive_failures
            .is_some_and(|n| n > 0 && self.consecutive >= n);
        let by_rate = self.config.failure_rate.is_some_and(|rate| {
            let seen = self.window.len() as u32;
            seen > 0
                && seen >= rate.min_calls
                && f64::from(self.window_failures) / f64::from(seen) >= rate.threshold
        });
        by_count || by_rate
    }

    fn open(&mut self, now: Instant) -> Transition {
        self.reset();
        self.state = State::Open {
            until: now + self.config.recovery_timeout,
        };
        Transition::Opened {
            for_: self.config.recovery_timeout,
        }
    }

    fn reset(&mut self) {
        self.state = State::Closed;
        self.consecutive = 0;
        self.window.clear();
        self.window_failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(failures: u32, probes: u32) -> Breaker {
        Breaker::new(BreakerConfig {
            consecutive_failures: Some(failures),
            failure_rate: None,
            recovery_timeout: Duration::from_secs(30),
            half_open_probes: probes,
        })
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_consecutive_failures_and_success_resets_the_count() {
        let mut b = breaker(5, 1);
        let now = Instant::now();
        for _ in 0..4 {
            assert_eq!(b.record(now, false), None);
        }
        assert_eq!(b.record(now, true), None, "a success resets the streak");
        for _ in 0..4 {
            assert_eq!(b.record(now, false), None);
        }
        assert_eq!(
            b.record(now, false),
            Some(Transition::Opened {
                for_: Duration::from_secs(30)
            })
        );
        assert_eq!(
            b.state(now),
            BreakerState::Open {
                remaining: Duration::from_secs(30)
            }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn open_rejects_until_recovery_then_allows_bounded_probes() {
        let mut b = breaker(1, 2);
        let opened = Instant::now();
        b.record(opened, false);

        tokio::time::advance(Duration::from_secs(29)).await;
        assert_eq!(
            b.admit(Instant::now()),
            (
                Admission::Rejected {
                    retry_in: Some(Duration::from_secs(1))
                },
                None
            )
        );

        tokio::time::advance(Duration::from_secs(1)).await;
        let now = Instant::now();
        assert_eq!(
            b.admit(now),
            (Admission::Probe, Some(Transition::HalfOpened))
        );
        assert_eq!(b.admit(now), (Admission::Probe, None));
        assert_eq!(
            b.admit(now),
            (Admission::Rejected { retry_in: None }, None),
            "only two probes"
        );
        assert_eq!(b.state(now), BreakerState::HalfOpen);
    }

    #[tokio::test(start_paused = true)]
    async fn would_admit_agrees_with_admit_and_takes_no_probe() {
        let mut b = breaker(1, 1);
        assert!(b.would_admit(Instant::now()));
        b.record(Instant::now(), false);
        assert!(!b.would_admit(Instant::now()));
        tokio::time::advance(Duration::from_secs(30)).await;
        let now = Instant::now();
        assert!(b.would_admit(now));
        assert!(b.would_admit(now), "asking twice takes nothing");
        assert_eq!(b.admit(now).0, Admission::Probe);
        assert!(!b.would_admit(now), "the one probe is out");
        assert!(matches!(b.admit(now).0, Admission::Rejected { .. }));
    }

    #[tokio::test(start_paused = true)]
    async fn all_probes_succeeding_close_the_breaker() {
        let mut b = breaker(1, 2);
        b.record(Instant::now(), false);
        tokio::time::advance(Duration::from_secs(30)).await;
        let now = Instant::now();
        b.admit(now);
        b.admit(now);
        assert_eq!(b.record(now, true), None, "one of two probes is not enough");
        assert_eq!(b.record(now, true), Some(Transition::Closed));
        assert_eq!(b.admit(now), (Admission::Allowed, None));
        assert_eq!(b.state(now), BreakerState::Closed);
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_probe_reopens_for_a_full_recovery_timeout() {
        let mut b = breaker(1, 1);
        b.record(Instant::now(), false);
        tokio::time::advance(Duration::from_secs(30)).await;
        let now = Instant::now();
        assert_eq!(b.admit(now).0, Admission::Probe);
        tokio::time::advance(Duration::from_secs(2)).await;
        let failed_at = Instant::now();
        assert_eq!(
            b.record(failed_at, false),
            Some(Transition::Opened {
                for_: Duration::from_secs(30)
            })
        );
        tokio::time::advance(Duration::from_secs(29)).await;
        assert!(matches!(
            b.admit(Instant::now()).0,
            Admission::Rejected { .. }
        ));
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(b.admit(Instant::now()).0, Admission::Probe);
    }

    #[tokio::test(start_paused = true)]
    async fn abandoned_probes_are_replaced_after_a_recovery_period() {
        let mut b = breaker(1, 1);
        b.record(Instant::now(), false);
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(b.admit(Instant::now()).0, Admission::Probe);
        // The probe's caller was cancelled and never reports.
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(
            b.admit(Instant::now()).0,
            Admission::Rejected { retry_in: None }
        );
        tokio::time::advance(Duration::from_secs(20)).await;
        assert_eq!(b.admit(Instant::now()).0, Admission::Probe);
    }

    #[tokio::test(start_paused = true)]
    async fn failure_rate_over_a_window() {
        let mut b = Breaker::new(BreakerConfig {
            consecutive_failures: None,
            failure_rate: Some(FailureRate {
                threshold: 0.5,
                window: 10,
                min_calls: 6,
            }),
            recovery_timeout: Duration::from_secs(5),
            half_open_probes: 1,
        });
        let now = Instant::now();
        // Alternate: 50% failures, but below min_calls for the first five.
        let mut opened_at = None;
        for i in 0..10 {
            let t = b.record(now, i % 2 == 0);
            if t.is_some() {
                opened_at = Some(i);
                break;
            }
        }
        assert_eq!(
            opened_at,
            Some(5),
            "opens at the 6th outcome (3 of 6 failed)"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn failure_rate_window_slides() {
        let mut b = Breaker::new(BreakerConfig {
            consecutive_failures: None,
            failure_rate: Some(FailureRate {
                threshold: 0.6,
                window: 5,
                min_calls: 5,
            }),
            recovery_timeout: Duration::from_secs(5),
            half_open_probes: 1,
        });
        let now = Instant::now();
        // F F S S S -> 40%; then S pushes out an F -> 20%; then F F F -> 60%.
        let pattern = [false, false, true, true, true, true, false, false];
        for outcome in pattern {
            assert_eq!(b.record(now, outcome), None);
        }
        // Window is now S S S F F (40%); one more failure: S S F F F = 60%.
        assert!(matches!(
            b.record(now, false),
            Some(Transition::Opened { .. })
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn a_disabled_breaker_never_opens() {
        let mut b = Breaker::new(BreakerConfig::disabled());
        let now = Instant::now();
        for _ in 0..1_000 {
            assert_eq!(b.record(now, false), None);
        }
        assert_eq!(b.admit(now), (Admission::Allowed, None));
    }

    #[tokio::test(start_paused = true)]
    async fn circuits_follow_their_scope() {
        let config = BreakerConfig {
            consecutive_failures: Some(1),
            ..BreakerConfig::default()
        };
        let now = Instant::now();
        let per_op = Circuits::new(BreakerScope::Operation, config.clone());
        per_op.with("list_reports", |b| b.record(now, false));
        assert!(!per_op.with("list_reports", |b| b.would_admit(now)));
        assert!(per_op.with("get_payment", |b| b.would_admit(now)));
        assert!(matches!(per_op.worst(now), BreakerState::Open { .. }));

        let per_host = Circuits::new(BreakerScope::Endpoint, config);
        per_host.with("list_reports", |b| b.record(now, false));
        assert!(!per_host.with("get_payment", |b| b.would_admit(now)));
    }

    #[tokio::test(start_paused = true)]
    async fn circuits_stay_bounded() {
        let circuits = Circuits::new(BreakerScope::Operation, BreakerConfig::default());
        let now = Instant::now();
        for i in 0..3 * Circuits::MAX {
            circuits.with(&format!("op{i}"), |b| b.record(now, i % 2 == 0));
        }
        let kept = circuits.breakers.lock().unwrap().len();
        assert!(kept <= Circuits::MAX, "{kept}");
    }

    #[tokio::test(start_paused = true)]
    async fn stragglers_while_open_change_nothing() {
        let mut b = breaker(1, 1);
        let now = Instant::now();
        b.record(now, false);
        assert_eq!(b.record(now, true), None);
        assert_eq!(b.record(now, false), None);
        assert!(matches!(b.state(now), BreakerState::Open { .. }));
    }
}
