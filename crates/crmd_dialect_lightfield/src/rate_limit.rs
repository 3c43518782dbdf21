//! Lightfield's rate limits: every `/v1` response carries `X-RateLimit-Limit`,
//! `X-RateLimit-Remaining` and `X-RateLimit-Reset`, and a request over the limit answers
//! 429 `too_many_requests` with `Retry-After`.
//!
//! Each workspace has three buckets, one per category: Write (POST and DELETE), Read (GET of
//! one thing) and Search (GET of a list). The category comes from the method and the
//! matched route, so routes added later get one without a table: a GET is a Search when its
//! path ends in a collection (a literal segment such as `/v1/accounts` or
//! `/v1/lists/{list_id}/contacts`, or `/v1/objects/{slug}`), and a Read when it ends in a
//! path parameter (`/v1/accounts/{id}`) or in `definitions`, `history` or `validate`, or is
//! `/v1/objects` (the custom object definitions). Requests without a valid API key count
//! against their client address.
//! In the vendor profile each bucket holds Lightfield's 25 requests per second; in the
//! relaxed profile, the configured rate.

use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use crmd_http::rate_limit::{RateCategory, RateDecision, RateLimiter, RateQuota};
use crmd_http::{AppState, LimitsProfile};
use http::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use http::{Method, StatusCode};
use std::sync::Arc;

/// Lightfield's documented rate: requests per second per category and organisation.
pub(crate) const VENDOR_REQUESTS_PER_SECOND: u32 = 25;

static LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
static REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
static RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Path endings that read one thing, although they are literal segments.
const READ_ENDINGS: [&str; 3] = ["definitions", "history", "validate"];

/// The category of a request to the route `path` (as registered, with `{…}` parameters).
pub(crate) fn category(method: &Method, path: &str) -> RateCategory {
    if method != Method::GET && method != Method::HEAD {
        return RateCategory::Write;
    }
    if path == "/v1/objects/{slug}" {
        return RateCategory::Search;
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    if path == "/v1/objects" || last.starts_with('{') || READ_ENDINGS.contains(&last) {
        RateCategory::Read
    } else {
        RateCategory::Search
    }
}

/// The dialect's limiter, with the rate of the state's profile.
pub(crate) fn limiter(state: &AppState) -> Arc<RateLimiter> {
    let rate = match state.profile {
        LimitsProfile::Vendor => VENDOR_REQUESTS_PER_SECOND,
        LimitsProfile::Relaxed => state.relaxed_requests_per_second,
    };
    Arc::new(RateLimiter::new(rate))
}

/// The middleware: authenticates the key once (handlers reuse the actor it leaves in the
/// request), takes a token, and answers 429 or adds the headers to the handler's response.
pub(crate) async fn limit(
    State((state, limiter)): State<(Arc<AppState>, Arc<RateLimiter>)>,
    mut request: Request,
    next: Next,
) -> Response {
    let path = request.extensions().get::<MatchedPath>().map_or_else(
        || request.uri().path().to_owned(),
        |matched| matched.as_str().to_owned(),
    );
    let category = category(request.method(), &path);
    let client = crmd_http::rate_limit::identify(&state, &mut request).await;
    match limiter.check(client, category) {
        RateDecision::Allowed(quota) => {
            let mut response = next.run(request).await;
            add_headers(response.headers_mut(), &quota);
            response
        }
        RateDecision::Limited {
            quota,
            retry_after_secs,
        } => {
            let message = format!(
                "rate limit exceeded: at most {} {} requests per second; retry after {retry_after_secs} s",
                quota.limit,
                category.as_str()
            );
            let mut response =
                ApiError::with_status(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
                    .into_response();
            let headers = response.headers_mut();
            add_headers(headers, &quota);
            headers.insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
            response
        }
    }
}

fn add_headers(headers: &mut HeaderMap, quota: &RateQuota) {
    headers.insert(LIMIT.clone(), HeaderValue::from(quota.limit));
    headers.insert(REMAINING.clone(), HeaderValue::from(quota.remaining));
    headers.insert(RESET.clone(), HeaderValue::from(quota.reset_unix_secs));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_follow_method_and_route() {
        let cases = [
            (Method::GET, "/v1/auth/validate", RateCategory::Read),
            (Method::GET, "/v1/accounts", RateCategory::Search),
            (Method::GET, "/v1/accounts/definitions", RateCategory::Read),
            (Method::GET, "/v1/accounts/{id}", RateCategory::Read),
            (
                Method::GET,
                "/v1/accounts/{id}/fields/{field_key}/history",
                RateCategory::Read,
            ),
            (Method::POST, "/v1/accounts", RateCategory::Write),
            (Method::POST, "/v1/accounts/{id}", RateCategory::Write),
            (Method::DELETE, "/v1/accounts/{id}", RateCategory::Write),
            (Method::POST, "/v1/accounts/{id}/restore", RateCategory::Write),
            (Method::POST, "/v1/accounts/merge", RateCategory::Write),
            (Method::GET, "/v1/objects", RateCategory::Read),
            (Method::GET, "/v1/objects/{slug}", RateCategory::Search),
            (Method::GET, "/v1/objects/{slug}/definitions", RateCategory::Read),
            (Method::GET, "/v1/objects/{slug}/values/{id}", RateCategory::Read),
            (Method::GET, "/v1/lists/{list_id}/contacts", RateCategory::Search),
            (Method::GET, "/v1/members", RateCategory::Search),
            (Method::GET, "/v1/members/{id}", RateCategory::Read),
            (Method::GET, "/v1/merges/{id}", RateCategory::Read),
            (Method::GET, "/v1/{*rest}", RateCategory::Read),
            (Method::PATCH, "/v1/{*rest}", RateCategory::Write),
        ];
        for (method, path, expected) in cases {
            assert_eq!(category(&method, path), expected, "{method} {path}");
        }
    }
}
