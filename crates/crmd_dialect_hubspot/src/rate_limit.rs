//! HubSpot's rate limits, on every route of the dialect.
//!
//! HubSpot counts two things per account: a burst limit over every call but searches, and
//! a separate limit on the search endpoints. A private app also has a daily quota that
//! searches count towards. Responses other than searches carry
//! `X-HubSpot-RateLimit-Interval-Milliseconds`, `X-HubSpot-RateLimit-Max` and
//! `X-HubSpot-RateLimit-Remaining`, with `X-HubSpot-RateLimit-Daily` and
//! `X-HubSpot-RateLimit-Daily-Remaining` when a daily quota applies; search responses carry
//! none. A request over a limit answers 429 with HubSpot's body (`errorType: RATE_LIMIT`, a
//! `policyName`, and the exact message Node's SDK keys its retries on) and `Retry-After`.
//!
//! - `vendor` profile: 190 requests per 10 seconds (a Professional or Enterprise private
//!   app), 5 searches per second, 1,000,000 requests per UTC day.
//! - `relaxed` profile: the configured rate per second for both, no daily quota.
//!
//! Requests count against the workspace of their key, or without a valid key against their
//! client address (`crmd_http::rate_limit::identify`).

use crate::error::correlation_id;
use crate::wire;
use axum::Json;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use crmd_http::rate_limit::{DailyLimiter, RateCategory, RateClient, RateDecision, RateLimiter, RateQuota};
use crmd_http::{AppState, LimitsProfile};
use http::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use http::{Method, StatusCode};
use std::sync::Arc;
use std::time::Duration;

/// HubSpot's burst limit of a Professional or Enterprise private app: requests per window.
pub(crate) const VENDOR_BURST: u32 = 190;
pub(crate) const VENDOR_BURST_WINDOW: Duration = Duration::from_secs(10);
/// HubSpot's search limit: requests per second per account.
pub(crate) const VENDOR_SEARCHES_PER_SECOND: u32 = 5;
/// HubSpot's daily quota of an Enterprise private app.
pub(crate) const VENDOR_DAILY: u32 = 1_000_000;

/// The route of the search endpoint, the one route in the search bucket.
const SEARCH_ROUTE: &str = "/crm/v3/objects/{object_type}/search";

static DAILY: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-daily");
static DAILY_REMAINING: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-daily-remaining");
static INTERVAL: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-interval-milliseconds");
static MAX: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-max");
static REMAINING: HeaderName = HeaderName::from_static("x-hubspot-ratelimit-remaining");

/// The buckets of the dialect, with the rates of one limits profile.
#[derive(Debug)]
pub(crate) struct Limits {
    burst: RateLimiter,
    search: RateLimiter,
    daily: Option<DailyLimiter>,
}

/// The dialect's limits in the state's profile.
pub(crate) fn limits(state: &AppState) -> Arc<Limits> {
    let limits = match state.profile {
        LimitsProfile::Vendor => Limits {
            burst: RateLimiter::per_window(VENDOR_BURST, VENDOR_BURST_WINDOW),
            search: RateLimiter::new(VENDOR_SEARCHES_PER_SECOND),
            daily: Some(DailyLimiter::new(VENDOR_DAILY)),
        },
        LimitsProfile::Relaxed => Limits {
            burst: RateLimiter::new(state.relaxed_requests_per_second),
            search: RateLimiter::new(state.relaxed_requests_per_second),
            daily: None,
        },
    };
    Arc::new(limits)
}

/// The limit a refused request ran into, as HubSpot names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Policy {
    /// The burst limit over ten seconds.
    TenSecondlyRolling,
    /// A limit over one second: searches, and the relaxed profile's burst limit.
    Secondly,
    Daily,
}

impl Policy {
    fn body(self) -> wire::RateLimitBody {
        let (message, policy_name) = match self {
            Policy::TenSecondlyRolling => (
                "You have reached your ten_secondly_rolling limit.",
                "TEN_SECONDLY_ROLLING",
            ),
            Policy::Secondly => ("You have reached your secondly limit.", "SECONDLY"),
            Policy::Daily => ("You have reached your daily limit.", "DAILY"),
        };
        wire::RateLimitBody {
            status: "error",
            message,
            error_type: "RATE_LIMIT",
            correlation_id: correlation_id(),
            policy_name,
            group_name: "crmd",
            category: "RATE_LIMITS",
        }
    }
}

/// Whether a request to the route `path` is a search.
fn is_search(method: &Method, path: &str) -> bool {
    method == Method::POST && path == SEARCH_ROUTE
}

/// The middleware: authenticates the key once (handlers reuse the actor it leaves in the
/// request), counts the request, and answers 429 or adds the headers to the handler's
/// response.
pub(crate) async fn limit(
    State((state, limits)): State<(Arc<AppState>, Arc<Limits>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let is_search = request
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|matched| is_search(request.method(), matched.as_str()));
    let client = crmd_http::rate_limit::identify(&state, &mut request).await;
    let (limiter, category) = if is_search {
        (&limits.search, RateCategory::Search)
    } else {
        (&limits.burst, RateCategory::Any)
    };
    let quota = match limiter.check(client, category) {
        RateDecision::Allowed(quota) => quota,
        RateDecision::Limited {
            quota,
            retry_after_secs,
        } => {
            let policy = if is_search || limiter.window() <= Duration::from_secs(1) {
                Policy::Secondly
            } else {
                Policy::TenSecondlyRolling
            };
            let daily = limits.daily.as_ref().map(|daily| peek_daily(daily, client));
            let mut response = refuse(policy, retry_after_secs);
            if !is_search {
                add_headers(response.headers_mut(), limiter, &quota, daily.as_ref());
            }
            return response;
        }
    };
    let daily = match limits.daily.as_ref().map(|daily| daily.check(client)) {
        None => None,
        Some(RateDecision::Allowed(daily)) => Some(daily),
        Some(RateDecision::Limited {
            quota: daily,
            retry_after_secs,
        }) => {
            let mut response = refuse(Policy::Daily, retry_after_secs);
            if !is_search {
                add_headers(response.headers_mut(), limiter, &quota, Some(&daily));
            }
            return response;
        }
    };
    let mut response = next.run(request).await;
    if !is_search {
        add_headers(response.headers_mut(), limiter, &quota, daily.as_ref());
    }
    response
}

/// The daily quota as it stands, for the headers of a request refused before it counted.
fn peek_daily(daily: &DailyLimiter, client: RateClient) -> RateQuota {
    RateQuota {
        limit: daily.limit(),
        remaining: daily.remaining(client),
        reset_unix_secs: 0,
    }
}

/// A 429 in HubSpot's shape, with `Retry-After`.
fn refuse(policy: Policy, retry_after_secs: u64) -> Response {
    let body = policy.body();
    let correlation = HeaderValue::from_str(&body.correlation_id).ok();
    let mut response = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
    if let Some(correlation) = correlation {
        headers.insert(crate::error::CORRELATION_HEADER.clone(), correlation);
    }
    response
}

fn add_headers(headers: &mut HeaderMap, limiter: &RateLimiter, quota: &RateQuota, daily: Option<&RateQuota>) {
    let interval_millis = u64::try_from(limiter.window().as_millis()).unwrap_or(u64::MAX);
    headers.insert(INTERVAL.clone(), HeaderValue::from(interval_millis));
    headers.insert(MAX.clone(), HeaderValue::from(quota.limit));
    headers.insert(REMAINING.clone(), HeaderValue::from(quota.remaining));
    if let Some(daily) = daily {
        headers.insert(DAILY.clone(), HeaderValue::from(daily.limit));
        headers.insert(DAILY_REMAINING.clone(), HeaderValue::from(daily.remaining));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_search_route_is_a_search() {
        assert!(is_search(&Method::POST, SEARCH_ROUTE));
        assert!(!is_search(&Method::GET, SEARCH_ROUTE));
        assert!(!is_search(&Method::POST, "/crm/v3/objects/{object_type}"));
        assert!(!is_search(
            &Method::POST,
            "/crm/v3/objects/{object_type}/batch/read"
        ));
    }

    #[test]
    fn refusals_name_the_policy_node_retries_on() {
        let burst = Policy::TenSecondlyRolling.body();
        assert_eq!(
            (burst.policy_name, burst.message),
            (
                "TEN_SECONDLY_ROLLING",
                "You have reached your ten_secondly_rolling limit."
            )
        );
        let secondly = Policy::Secondly.body();
        assert_eq!(secondly.message, "You have reached your secondly limit.");
        assert_eq!(Policy::Daily.body().policy_name, "DAILY");
        assert_eq!(burst.error_type, "RATE_LIMIT");
        assert_eq!(burst.category, "RATE_LIMITS");
        assert_ne!(burst.correlation_id, secondly.correlation_id);
    }
}
