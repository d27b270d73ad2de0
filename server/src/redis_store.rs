//! The shared store on Redis (feature `redis`): one idempotency record per
//! key and three rate-limit buckets, for a fleet of instances.
//!
//! Round trips: rate limiting is one script call per request for all three
//! tiers, on Redis's own clock (`TIME`), so instance clocks never disagree;
//! an idempotent write is one call to claim and one to complete (or
//! release). Every step is a Lua script, so it is atomic in Redis.
//!
//! Fencing tokens are per key: a claim's token is Redis's clock in
//! microseconds, or one more than the key's last token if that is larger,
//! and `complete`/`release` compare it before writing. A released key keeps
//! its last token for one lease so the next claim's token is larger.
//!
//! Failure: every command has a timeout, and after a failure the store
//! answers "unavailable" at once for `retry_interval` before trying Redis
//! again (a small breaker), so a dead Redis costs a request nothing but a
//! branch. The layers then decide: the limiter falls back to local limits,
//! idempotent writes get 503.
//!
//! Redis Cluster: each idempotency record is one key whose hash tag is a
//! digest of client and key, so records spread over the cluster. The
//! limiter's three keys of one request must sit in one slot for the script,
//! so all limiter keys share the `{<prefix>-rl}` tag and live on one shard;
//! the global bucket is a single hot key anyway. For more limiter
//! throughput give the limiter its own Redis.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use redis::aio::MultiplexedConnection;
use redis::{Script, Value};
use sha2::{Digest, Sha256};

use crate::idempotency::{
    ClaimOutcome, Completion, Fingerprint, IdempotencyStore, ScopedKey, StoreError, StoreFuture,
    StoredResponse,
};
use crate::ratelimit::{BucketState, Decision, LimitCheck, RateLimiter, Tier};

const LIMIT_SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local cost = tonumber(ARGV[7])
local base, new, limit, em = {}, {}, {}, {}
local admitted = true
for i = 1, 3 do
  em[i] = tonumber(ARGV[2 * i - 1])
  local burst = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  base[i] = math.max(tat, now)
  new[i] = base[i] + em[i] * cost
  limit[i] = now + em[i] * burst
  if new[i] > limit[i] then admitted = false end
end
local out = {admitted and 1 or 0}
for i = 1, 3 do
  if admitted then
    redis.call('SET', KEYS[i], string.format('%.0f', new[i]), 'PX', math.floor((new[i] - now) / 1000) + 1)
    table.insert(out, math.floor((limit[i] - new[i]) / em[i]))
    table.insert(out, new[i] - now)
    table.insert(out, 0)
  else
    table.insert(out, math.floor((limit[i] - base[i]) / em[i]))
    table.insert(out, base[i] - now)
    table.insert(out, math.max(new[i] - limit[i], 0))
  end
end
return out
"#;

const CLAIM_SCRIPT: &str = r#"
local r = redis.call('HMGET', KEYS[1], 'state', 'fp', 'token', 'status', 'headers', 'body')
if r[1] == 'inflight' then
  return {'inflight', r[2], redis.call('PTTL', KEYS[1])}
end
if r[1] == 'done' then
  return {'done', r[2], r[4], r[5], r[6]}
end
local t = redis.call('TIME')
local token = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(r[3] or '0')
if token <= last then token = last + 1 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'inflight', 'fp', ARGV[1], 'token', string.format('%.0f', token))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {'claimed', token}
"#;

const COMPLETE_SCRIPT: &str = r#"
local r = redis.call('HMGET', KEYS[1], 'state', 'token')
if r[1] == 'done' then return 0 end
if r[1] == 'inflight' and r[2] ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', 'done', 'fp', ARGV[2], 'token', ARGV[1],
  'status', ARGV[3], 'headers', ARGV[4], 'body', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1
"#;

const RELEASE_SCRIPT: &str = r#"
local r = redis.call('HMGET', KEYS[1], 'state', 'token')
if r[1] == 'inflight' and r[2] == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'state', 'free', 'token', ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
"#;

/// Timeouts and names of a [`RedisStore`].
///
/// ```
/// use threeam_server::RedisConfig;
///
/// let config = RedisConfig::default();
/// assert_eq!(config.prefix, "threeam");
/// assert_eq!(config.command_timeout.as_millis(), 250);
/// ```
#[derive(Clone, Debug)]
pub struct RedisConfig {
    /// Start of every key: `threeam`.
    pub prefix: String,
    /// Longest wait for one command: 250 ms.
    pub command_timeout: Duration,
    /// Longest wait to connect: 500 ms.
    pub connect_timeout: Duration,
    /// After a failure, how long to answer "unavailable" without trying
    /// Redis: 500 ms.
    pub retry_interval: Duration,
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self {
            prefix: "threeam".into(),
            command_timeout: Duration::from_millis(250),
            connect_timeout: Duration::from_millis(500),
            retry_interval: Duration::from_millis(500),
        }
    }
}

/// Idempotency store and rate limiter on one Redis.
///
/// ```no_run
/// # async fn f() {
/// use std::sync::Arc;
/// use threeam_server::{Classifier, RedisConfig, RedisStore, Routes, ServerLayer};
///
/// let redis = Arc::new(RedisStore::open("redis://127.0.0.1:6379", RedisConfig::default()).unwrap());
/// let layer = ServerLayer::builder(Classifier::new(Routes::new(["/v1/payments"])))
///     .idempotency_store(redis.clone())
///     .limiter(redis)
///     .build()
///     .unwrap();
/// # let _ = layer;
/// # }
/// ```
pub struct RedisStore {
    client: redis::Client,
    url: String,
    config: RedisConfig,
    state: Mutex<Link>,
    connecting: tokio::sync::Mutex<()>,
    limit: Script,
    claim: Script,
    complete: Script,
    release: Script,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.url)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Link {
    connection: Option<MultiplexedConnection>,
    /// Set after a failure: no attempt before this instant.
    closed_until: Option<Instant>,
    last_error: String,
}

impl RedisStore {
    /// A store for the Redis at `url` (`redis://host:port/db`); connects on
    /// first use. `Err` when the URL cannot be read.
    pub fn open(url: &str, config: RedisConfig) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(|e| {
            StoreError::Unavailable(format!("Redis URL {url:?} is not usable: {e}"))
        })?;
        Ok(Self {
            client,
            url: url.to_owned(),
            config,
            state: Mutex::default(),
            connecting: tokio::sync::Mutex::new(()),
            limit: Script::new(LIMIT_SCRIPT),
            claim: Script::new(CLAIM_SCRIPT),
            complete: Script::new(COMPLETE_SCRIPT),
            release: Script::new(RELEASE_SCRIPT),
        })
    }

    fn link(&self) -> std::sync::MutexGuard<'_, Link> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open_error(&self, link: &Link) -> StoreError {
        StoreError::Unavailable(format!(
            "Redis at {} failed ({}); not retried for {} ms",
            self.url,
            link.last_error,
            self.config.retry_interval.as_millis()
        ))
    }

    async fn connection(&self) -> Result<MultiplexedConnection, StoreError> {
        {
            let link = self.link();
            if let Some(c) = &link.connection {
                return Ok(c.clone());
            }
            if link.closed_until.is_some_and(|t| Instant::now() < t) {
                return Err(self.open_error(&link));
            }
        }
        // One task connects; the others wait for it and reuse the result.
        let _turn = self.connecting.lock().await;
        {
            let link = self.link();
            if let Some(c) = &link.connection {
                return Ok(c.clone());
            }
            if link.closed_until.is_some_and(|t| Instant::now() < t) {
                return Err(self.open_error(&link));
            }
        }
        let attempt = tokio::time::timeout(
            self.config.connect_timeout,
            self.client.get_multiplexed_async_connection(),
        )
        .await;
        match attempt {
            Ok(Ok(c)) => {
                let mut link = self.link();
                if link.closed_until.take().is_some() {
                    tracing::warn!(url = %self.url, "Redis reachable again");
                }
                link.connection = Some(c.clone());
                Ok(c)
            }
            Ok(Err(e)) => Err(self.failed(format!("connect: {e}"))),
            Err(_) => Err(self.failed(format!(
                "connect timed out after {} ms",
                self.config.connect_timeout.as_millis()
            ))),
        }
    }

    /// Records a failure: drop the connection, stop trying for a while.
    fn failed(&self, why: String) -> StoreError {
        let mut link = self.link();
        if link.closed_until.is_none() {
            tracing::error!(url = %self.url, error = %why, "Redis failed; answering unavailable until it is back");
        }
        link.connection = None;
        link.closed_until = Some(Instant::now() + self.config.retry_interval);
        link.last_error = why;
        self.open_error(&link)
    }

    async fn run(&self, invocation: redis::ScriptInvocation<'_>) -> Result<Value, StoreError> {
        let mut connection = self.connection().await?;
        match tokio::time::timeout(
            self.config.command_timeout,
            invocation.invoke_async(&mut connection),
        )
        .await
        {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(e)) => Err(self.failed(format!("command: {e}"))),
            Err(_) => Err(self.failed(format!(
                "command timed out after {} ms",
                self.config.command_timeout.as_millis()
            ))),
        }
    }

    fn record_key(&self, key: &ScopedKey) -> String {
        let mut h = Sha256::new();
        h.update(key.client.as_bytes());
        h.update([0]);
        h.update(key.key.as_bytes());
        let digest = h.finalize();
        let tag: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}:idem:{{{tag}}}", self.config.prefix)
    }

    fn limit_keys(&self, check: &LimitCheck) -> [String; 3] {
        let p = &self.config.prefix;
        [
            format!("{{{p}-rl}}:client:{}", check.client),
            format!("{{{p}-rl}}:endpoint:{}", check.endpoint),
            format!("{{{p}-rl}}:global"),
        ]
    }
}

fn millis(d: Duration) -> u64 {
    (d.as_millis() as u64).max(1)
}

fn bad_reply(what: &str, value: &Value) -> StoreError {
    StoreError::Unavailable(format!("unexpected Redis reply to {what}: {value:?}"))
}

fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        Value::BulkString(b) => std::str::from_utf8(b).ok()?.parse().ok(),
        _ => None,
    }
}

fn bytes(v: &Value) -> Option<&[u8]> {
    match v {
        Value::BulkString(b) => Some(b),
        _ => None,
    }
}

fn encode_headers(headers: &[(HeaderName, HeaderValue)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in headers {
        // Header values never contain CR or LF, so a newline ends each.
        out.extend_from_slice(name.as_str().as_bytes());
        out.push(b':');
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out
}

fn decode_headers(raw: &[u8]) -> Vec<(HeaderName, HeaderValue)> {
    raw.split(|b| *b == b'\n')
        .filter_map(|line| {
            let colon = line.iter().position(|b| *b == b':')?;
            let name = HeaderName::from_bytes(&line[..colon]).ok()?;
            let value = HeaderValue::from_bytes(&line[colon + 1..]).ok()?;
            Some((name, value))
        })
        .collect()
}

fn fingerprint(v: &Value) -> Option<Fingerprint> {
    bytes(v)?.try_into().ok()
}

impl IdempotencyStore for RedisStore {
    fn claim<'a>(
        &'a self,
        key: &'a ScopedKey,
        fingerprint_: Fingerprint,
        lease: Duration,
    ) -> StoreFuture<'a, Result<ClaimOutcome, StoreError>> {
        Box::pin(async move {
            let mut call = self.claim.key(self.record_key(key));
            call.arg(&fingerprint_[..]).arg(millis(lease));
            let reply = self.run(call).await?;
            let Value::Array(items) = &reply else {
                return Err(bad_reply("claim", &reply));
            };
            let parse = || -> Option<ClaimOutcome> {
                match bytes(items.first()?)? {
                    b"claimed" => Some(ClaimOutcome::Claimed {
                        token: u64::try_from(int(items.get(1)?)?).ok()?,
                    }),
                    b"inflight" => Some(ClaimOutcome::InFlight {
                        fingerprint: fingerprint(items.get(1)?)?,
                        lease_left: Duration::from_millis(int(items.get(2)?)?.max(0) as u64),
                    }),
                    b"done" => Some(ClaimOutcome::Completed {
                        fingerprint: fingerprint(items.get(1)?)?,
                        response: StoredResponse {
                            status: StatusCode::from_u16(u16::try_from(int(items.get(2)?)?).ok()?)
                                .ok()?,
                            headers: decode_headers(bytes(items.get(3)?)?),
                            body: Bytes::copy_from_slice(bytes(items.get(4)?)?),
                        },
                    }),
                    _ => None,
                }
            };
            parse().ok_or_else(|| bad_reply("claim", &reply))
        })
    }

    fn complete<'a>(
        &'a self,
        key: &'a ScopedKey,
        token: u64,
        fingerprint: Fingerprint,
        response: StoredResponse,
        ttl: Duration,
    ) -> StoreFuture<'a, Result<Completion, StoreError>> {
        Box::pin(async move {
            let mut call = self.complete.key(self.record_key(key));
            call.arg(token.to_string())
                .arg(&fingerprint[..])
                .arg(response.status.as_u16())
                .arg(encode_headers(&response.headers))
                .arg(&response.body[..])
                .arg(millis(ttl));
            let reply = self.run(call).await?;
            match int(&reply) {
                Some(1) => Ok(Completion::Stored),
                Some(0) => Ok(Completion::Fenced),
                _ => Err(bad_reply("complete", &reply)),
            }
        })
    }

    fn release<'a>(
        &'a self,
        key: &'a ScopedKey,
        token: u64,
    ) -> StoreFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut call = self.release.key(self.record_key(key));
            // The released record keeps its token for a minute so the next
            // claim's token is larger even within one microsecond.
            call.arg(token.to_string()).arg(60_000u64);
            self.run(call).await.map(|_| ())
        })
    }
}

impl RateLimiter for RedisStore {
    fn check<'a>(&'a self, check: &'a LimitCheck) -> StoreFuture<'a, Result<Decision, StoreError>> {
        Box::pin(async move {
            let [client, endpoint, global] = self.limit_keys(check);
            let mut call = self.limit.key(client);
            call.key(endpoint).key(global);
            for q in &check.quotas {
                // Redis's clock is in microseconds.
                call.arg((q.emission_nanos() / 1000).max(1)).arg(q.burst());
            }
            call.arg(check.cost);
            let reply = self.run(call).await?;
            let Value::Array(items) = &reply else {
                return Err(bad_reply("rate limit", &reply));
            };
            let numbers: Option<Vec<i64>> = items.iter().map(int).collect();
            let Some(n) = numbers.filter(|n| n.len() == 10) else {
                return Err(bad_reply("rate limit", &reply));
            };
            let micros = |v: i64| (v.max(0) as u64) * 1000;
            let states = [0, 1, 2].map(|i| BucketState {
                remaining: n[1 + 3 * i].max(0) as u64,
                reset_nanos: micros(n[2 + 3 * i]),
                retry_after_nanos: micros(n[3 + 3 * i]),
            });
            let denied_by = (n[0] == 0).then(|| {
                let worst = (0..3)
                    .max_by_key(|i| states[*i].retry_after_nanos)
                    .unwrap_or(0);
                Tier::ALL[worst]
            });
            Ok(Decision { states, denied_by })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip() {
        let headers = vec![
            (
                HeaderName::from_static("content-type"),
                HeaderValue::from_static("application/json"),
            ),
            (
                HeaderName::from_static("location"),
                HeaderValue::from_static("/v1/p/1?a=b:c"),
            ),
        ];
        assert_eq!(decode_headers(&encode_headers(&headers)), headers);
    }
}
