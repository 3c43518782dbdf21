//! Rate limits: one token bucket per client and category of request, and daily quotas.
//!
//! A bucket holds `limit` tokens and refills continuously, `limit` tokens per interval
//! (a second unless the vendor counts over a longer one), so a client may burst up to the
//! interval's worth of requests and then keep that pace. Each request takes one token;
//! without one it is refused, with the time until a token comes back. The bucket is kept as
//! the time it will be full again (the "theoretical arrival time" of GCRA), one atomic
//! integer, so that a check takes no lock.
//!
//! A daily quota ([`DailyLimiter`]) counts a client's requests per UTC day.
//!
//! [`identify`] tells whom a request counts against. Dialects pick the rates (their
//! vendor's in the `vendor` profile) and render the headers and the refusal.

use crate::AppState;
use axum::extract::{ConnectInfo, Request};
use crmd_core::WorkspaceId;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The kinds of request that have separate buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateCategory {
    /// Creates, updates, deletes, restores, merges.
    Write,
    /// Reads of one thing: a record, definitions, history, a key's description.
    Read,
    /// Lists.
    Search,
    /// Every request, for vendors that count them all in one bucket.
    Any,
}

impl RateCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            RateCategory::Write => "write",
            RateCategory::Read => "read",
            RateCategory::Search => "search",
            RateCategory::Any => "any",
        }
    }
}

/// Who a bucket belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateClient {
    /// Requests with a valid API key count against its workspace.
    Workspace(WorkspaceId),
    /// Requests without a valid key count against their client address...
    Address(IpAddr),
    /// ...or, when the address is unknown, against one bucket they all share.
    Anonymous,
}

/// The state of a bucket after a check, for the response headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateQuota {
    /// The bucket's size.
    pub limit: u32,
    /// Tokens left after this request.
    pub remaining: u32,
    /// Unix time, in whole seconds rounded up, when the bucket is full again.
    pub reset_unix_secs: u64,
}

/// The outcome of a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    Allowed(RateQuota),
    /// Refused; a token comes back after `retry_after_secs` (whole seconds, at least 1).
    Limited {
        quota: RateQuota,
        retry_after_secs: u64,
    },
}

/// Above this many buckets, idle (full) ones are dropped when a new one is added.
const MAX_IDLE_BUCKETS: usize = 4096;

/// Token buckets per client and category, all of one rate.
#[derive(Debug)]
pub struct RateLimiter {
    /// Tokens a bucket holds, and tokens that come back per `window`.
    limit: u32,
    window: Duration,
    /// Nanoseconds one token takes to come back.
    interval_nanos: u64,
    started: Instant,
    /// The time each bucket is full again, in nanoseconds since `started`.
    buckets: RwLock<HashMap<(RateClient, RateCategory), Arc<AtomicU64>>>,
}

impl RateLimiter {
    /// A limiter of `requests_per_second` (at least 1) per client and category.
    pub fn new(requests_per_second: u32) -> RateLimiter {
        RateLimiter::per_window(requests_per_second, Duration::from_secs(1))
    }

    /// A limiter of `limit` requests (at least 1) per `window` (at least a millisecond)
    /// per client and category: a full bucket takes a burst of `limit`, and tokens come
    /// back evenly over the window.
    pub fn per_window(limit: u32, window: Duration) -> RateLimiter {
        let limit = limit.max(1);
        let window = window.max(Duration::from_millis(1));
        let window_nanos = u64::try_from(window.as_nanos()).unwrap_or(u64::MAX);
        RateLimiter {
            limit,
            window,
            interval_nanos: (window_nanos / u64::from(limit)).max(1),
            started: Instant::now(),
            buckets: RwLock::new(HashMap::new()),
        }
    }

    /// Requests a full bucket takes.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The time over which `limit` tokens come back.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Takes a token from the client's bucket of the category, now.
    pub fn check(&self, client: RateClient, category: RateCategory) -> RateDecision {
        let unix_now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
        self.check_at(client, category, self.started.elapsed(), unix_now)
    }

    /// [`RateLimiter::check`] at `elapsed` since the limiter started, which is `unix_now`.
    pub fn check_at(
        &self,
        client: RateClient,
        category: RateCategory,
        elapsed: Duration,
        unix_now: Duration,
    ) -> RateDecision {
        let bucket = self.bucket(client, category, elapsed);
        let now = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let capacity = self.interval_nanos * u64::from(self.limit);
        let mut full_at = bucket.load(Ordering::Acquire);
        loop {
            // How far the bucket is from full, in time.
            let debt = full_at.saturating_sub(now);
            let after = debt + self.interval_nanos;
            if after > capacity {
                return RateDecision::Limited {
                    quota: self.quota(0, debt, unix_now),
                    retry_after_secs: (after - capacity).div_ceil(1_000_000_000).max(1),
                };
            }
            match bucket.compare_exchange_weak(full_at, now + after, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    let remaining = (capacity - after) / self.interval_nanos;
                    let remaining = u32::try_from(remaining).unwrap_or(u32::MAX);
                    return RateDecision::Allowed(self.quota(remaining, after, unix_now));
                }
                Err(current) => full_at = current,
            }
        }
    }

    fn quota(&self, remaining: u32, debt_nanos: u64, unix_now: Duration) -> RateQuota {
        let full_at = unix_now + Duration::from_nanos(debt_nanos);
        let reset_unix_secs = full_at.as_secs() + u64::from(full_at.subsec_nanos() > 0);
        RateQuota {
            limit: self.limit,
            remaining,
            reset_unix_secs,
        }
    }

    fn bucket(&self, client: RateClient, category: RateCategory, elapsed: Duration) -> Arc<AtomicU64> {
        let key = (client, category);
        if let Some(bucket) = self
            .buckets
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return bucket.clone();
        }
        let mut buckets = self.buckets.write().unwrap_or_else(PoisonError::into_inner);
        if buckets.len() >= MAX_IDLE_BUCKETS && !buckets.contains_key(&key) {
            let now = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
            buckets.retain(|_, full_at| full_at.load(Ordering::Acquire) > now);
        }
        buckets.entry(key).or_default().clone()
    }
}

/// Whom a request counts against, authenticating its key once: the workspace of a valid
/// key, whose actor is left in the request's extensions for the handlers to reuse, or
/// else the client's address.
pub async fn identify(state: &AppState, request: &mut Request) -> RateClient {
    match crate::authenticate(state, request.headers()).await {
        Ok(actor) => {
            let workspace = actor.workspace;
            request.extensions_mut().insert(actor);
            RateClient::Workspace(workspace)
        }
        Err(_) => request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(RateClient::Anonymous, |ConnectInfo(address)| {
                RateClient::Address(address.ip())
            }),
    }
}

const SECONDS_PER_DAY: u64 = 86_400;

/// A quota of requests per client and UTC day. A client's count is one atomic integer
/// holding the day and the count, so that a check takes no lock.
#[derive(Debug)]
pub struct DailyLimiter {
    limit: u32,
    counters: RwLock<HashMap<RateClient, Arc<AtomicU64>>>,
}

impl DailyLimiter {
    /// A quota of `limit` (at least 1) requests per client and UTC day.
    pub fn new(limit: u32) -> DailyLimiter {
        DailyLimiter {
            limit: limit.max(1),
            counters: RwLock::new(HashMap::new()),
        }
    }

    /// Requests a client may make per day.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// Counts one request of the client, now.
    pub fn check(&self, client: RateClient) -> RateDecision {
        self.check_at(
            client,
            SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default(),
        )
    }

    /// [`DailyLimiter::check`] at `unix_now`. A refused request is not counted. The quota
    /// resets at midnight UTC, which is `reset_unix_secs`.
    pub fn check_at(&self, client: RateClient, unix_now: Duration) -> RateDecision {
        let day = unix_now.as_secs() / SECONDS_PER_DAY;
        let reset_unix_secs = (day + 1) * SECONDS_PER_DAY;
        let counter = self.counter(client, day);
        let mut current = counter.load(Ordering::Acquire);
        loop {
            let count = if current >> 32 == day {
                current & u64::from(u32::MAX)
            } else {
                0
            };
            if count >= u64::from(self.limit) {
                return RateDecision::Limited {
                    quota: RateQuota {
                        limit: self.limit,
                        remaining: 0,
                        reset_unix_secs,
                    },
                    retry_after_secs: reset_unix_secs.saturating_sub(unix_now.as_secs()).max(1),
                };
            }
            let next = (day << 32) | (count + 1);
            match counter.compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => {
                    let remaining = u64::from(self.limit) - (count + 1);
                    return RateDecision::Allowed(RateQuota {
                        limit: self.limit,
                        remaining: u32::try_from(remaining).unwrap_or(u32::MAX),
                        reset_unix_secs,
                    });
                }
                Err(actual) => current = actual,
            }
        }
    }

    /// Requests the client has left today, without counting one.
    pub fn remaining(&self, client: RateClient) -> u32 {
        let day = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs()
            / SECONDS_PER_DAY;
        let current = self
            .counters
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&client)
            .map_or(0, |counter| counter.load(Ordering::Acquire));
        let count = if current >> 32 == day {
            current & u64::from(u32::MAX)
        } else {
            0
        };
        u32::try_from(u64::from(self.limit).saturating_sub(count)).unwrap_or(u32::MAX)
    }

    fn counter(&self, client: RateClient, day: u64) -> Arc<AtomicU64> {
        if let Some(counter) = self
            .counters
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&client)
        {
            return counter.clone();
        }
        let mut counters = self.counters.write().unwrap_or_else(PoisonError::into_inner);
        if counters.len() >= MAX_IDLE_BUCKETS && !counters.contains_key(&client) {
            // Counters of earlier days hold nothing that still counts.
            counters.retain(|_, counter| counter.load(Ordering::Acquire) >> 32 == day);
        }
        counters.entry(client).or_default().clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: RateClient = RateClient::Workspace(WorkspaceId(1));
    const UNIX: Duration = Duration::from_secs(1_800_000_000);

    fn check(limiter: &RateLimiter, client: RateClient, category: RateCategory, millis: u64) -> RateDecision {
        let elapsed = Duration::from_millis(millis);
        limiter.check_at(client, category, elapsed, UNIX + elapsed)
    }

    fn allowed(remaining: u32, reset_unix_secs: u64) -> RateDecision {
        RateDecision::Allowed(RateQuota {
            limit: 25,
            remaining,
            reset_unix_secs,
        })
    }

    #[test]
    fn a_bucket_of_25_allows_a_burst_of_25_then_refuses_until_a_token_returns() {
        let limiter = RateLimiter::new(25);
        let base = UNIX.as_secs();
        assert_eq!(
            check(&limiter, CLIENT, RateCategory::Write, 0),
            allowed(24, base + 1)
        );
        for expected in (0..24).rev() {
            assert_eq!(
                check(&limiter, CLIENT, RateCategory::Write, 0),
                allowed(expected, base + 1)
            );
        }
        assert_eq!(
            check(&limiter, CLIENT, RateCategory::Write, 0),
            RateDecision::Limited {
                quota: RateQuota {
                    limit: 25,
                    remaining: 0,
                    reset_unix_secs: base + 1
                },
                retry_after_secs: 1
            },
            "the 26th request within the second"
        );
        assert_eq!(
            check(&limiter, CLIENT, RateCategory::Write, 40),
            allowed(0, base + 2),
            "one token comes back every 40 ms"
        );
        assert!(matches!(
            check(&limiter, CLIENT, RateCategory::Write, 41),
            RateDecision::Limited { .. }
        ));
        assert_eq!(
            check(&limiter, CLIENT, RateCategory::Write, 2_000),
            allowed(24, base + 3),
            "an idle bucket fills up again"
        );
    }

    #[test]
    fn categories_and_clients_have_their_own_buckets() {
        let limiter = RateLimiter::new(1);
        assert!(matches!(
            check(&limiter, CLIENT, RateCategory::Write, 0),
            RateDecision::Allowed(_)
        ));
        assert!(matches!(
            check(&limiter, CLIENT, RateCategory::Write, 0),
            RateDecision::Limited { .. }
        ));
        assert!(matches!(
            check(&limiter, CLIENT, RateCategory::Read, 0),
            RateDecision::Allowed(_)
        ));
        assert!(matches!(
            check(&limiter, CLIENT, RateCategory::Search, 0),
            RateDecision::Allowed(_)
        ));
        let other = RateClient::Workspace(WorkspaceId(2));
        assert!(matches!(
            check(&limiter, other, RateCategory::Write, 0),
            RateDecision::Allowed(_)
        ));
        assert!(matches!(
            check(&limiter, RateClient::Anonymous, RateCategory::Write, 0),
            RateDecision::Allowed(_)
        ));
    }

    #[test]
    fn retry_after_is_whole_seconds_and_at_least_one() {
        let limiter = RateLimiter::new(1);
        check(&limiter, CLIENT, RateCategory::Read, 0);
        let RateDecision::Limited {
            retry_after_secs,
            quota,
        } = check(&limiter, CLIENT, RateCategory::Read, 999)
        else {
            panic!("the bucket is empty");
        };
        assert_eq!(retry_after_secs, 1, "1 ms left rounds up to a second");
        assert_eq!(quota.remaining, 0);
    }

    #[test]
    fn a_bucket_over_ten_seconds_takes_its_burst_and_refills_evenly() {
        let limiter = RateLimiter::per_window(190, Duration::from_secs(10));
        assert_eq!(
            (limiter.limit(), limiter.window()),
            (190, Duration::from_secs(10))
        );
        for _ in 0..190 {
            assert!(matches!(
                check(&limiter, CLIENT, RateCategory::Any, 0),
                RateDecision::Allowed(_)
            ));
        }
        let RateDecision::Limited {
            quota,
            retry_after_secs,
        } = check(&limiter, CLIENT, RateCategory::Any, 0)
        else {
            panic!("the 191st request within ten seconds is refused");
        };
        assert_eq!((quota.limit, quota.remaining, retry_after_secs), (190, 0, 1));
        assert_eq!(
            quota.reset_unix_secs,
            UNIX.as_secs() + 10,
            "full again in ten seconds"
        );
        // 19 tokens a second come back: one every 52.6 ms.
        assert!(matches!(
            check(&limiter, CLIENT, RateCategory::Any, 53),
            RateDecision::Allowed(RateQuota { remaining: 0, .. })
        ));
        assert!(matches!(
            check(&limiter, CLIENT, RateCategory::Any, 54),
            RateDecision::Limited { .. }
        ));
    }

    #[test]
    fn a_daily_quota_counts_per_client_and_resets_at_midnight_utc() {
        let limiter = DailyLimiter::new(2);
        let midnight = UNIX.as_secs() - UNIX.as_secs() % SECONDS_PER_DAY;
        let noon = Duration::from_secs(midnight + SECONDS_PER_DAY / 2);
        let allowed = |remaining| {
            RateDecision::Allowed(RateQuota {
                limit: 2,
                remaining,
                reset_unix_secs: midnight + SECONDS_PER_DAY,
            })
        };
        assert_eq!(limiter.check_at(CLIENT, noon), allowed(1));
        assert_eq!(limiter.check_at(CLIENT, noon), allowed(0));
        assert_eq!(
            limiter.check_at(CLIENT, noon),
            RateDecision::Limited {
                quota: RateQuota {
                    limit: 2,
                    remaining: 0,
                    reset_unix_secs: midnight + SECONDS_PER_DAY
                },
                retry_after_secs: SECONDS_PER_DAY / 2,
            }
        );
        assert_eq!(
            limiter.check_at(RateClient::Anonymous, noon),
            allowed(1),
            "each client has its own count"
        );
        let next_day = Duration::from_secs(midnight + SECONDS_PER_DAY);
        assert!(matches!(
            limiter.check_at(CLIENT, next_day),
            RateDecision::Allowed(RateQuota { remaining: 1, .. })
        ));
    }

    #[test]
    fn a_generous_rate_never_refuses_a_burst() {
        let limiter = RateLimiter::new(1_000_000);
        for _ in 0..10_000 {
            assert!(matches!(
                check(&limiter, CLIENT, RateCategory::Search, 5),
                RateDecision::Allowed(_)
            ));
        }
    }
}
