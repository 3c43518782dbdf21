//! Rate limits: one token bucket per client and category of request.
//!
//! A bucket holds `requests_per_second` tokens and refills continuously at that rate, so a
//! client may burst up to a second's worth of requests and then keep that pace. Each request
//! takes one token; without one it is refused, with the time until a token comes back.
//! The bucket is kept as the time it will be full again (the "theoretical arrival time" of
//! GCRA), one atomic integer, so that a check takes no lock.
//!
//! Dialects pick the rate (their vendor's in the `vendor` profile) and render the headers.

use crmd_core::WorkspaceId;
use std::collections::HashMap;
use std::net::IpAddr;
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
}

impl RateCategory {
    pub fn as_str(self) -> &'static str {
        match self {
            RateCategory::Write => "write",
            RateCategory::Read => "read",
            RateCategory::Search => "search",
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
    requests_per_second: u32,
    /// Nanoseconds one token takes to come back.
    interval_nanos: u64,
    started: Instant,
    /// The time each bucket is full again, in nanoseconds since `started`.
    buckets: RwLock<HashMap<(RateClient, RateCategory), Arc<AtomicU64>>>,
}

impl RateLimiter {
    /// A limiter of `requests_per_second` (at least 1) per client and category.
    pub fn new(requests_per_second: u32) -> RateLimiter {
        let requests_per_second = requests_per_second.max(1);
        RateLimiter {
            requests_per_second,
            interval_nanos: (1_000_000_000 / u64::from(requests_per_second)).max(1),
            started: Instant::now(),
            buckets: RwLock::new(HashMap::new()),
        }
    }

    pub fn requests_per_second(&self) -> u32 {
        self.requests_per_second
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
        let capacity = self.interval_nanos * u64::from(self.requests_per_second);
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
            limit: self.requests_per_second,
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
