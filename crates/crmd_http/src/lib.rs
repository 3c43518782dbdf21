//! HTTP plumbing that every dialect shares: the application state, bearer-token
//! authentication, request ids, request bodies read before routing, the
//! one-line-per-request log, and rate-limit buckets ([`rate_limit`]).
//!
//! Error bodies are not rendered here: each dialect renders errors in its vendor's shape.

mod body;
pub mod rate_limit;

pub use body::{JsonBodyError, is_json_media_type, read_json_body};

use axum::Router;
use axum::extract::Request;
use crmd_service::{Actor, Crm, ServiceError};
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Which limits the dialects enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LimitsProfile {
    /// Generous, configurable bounds for self-hosting and fast test suites.
    #[default]
    Relaxed,
    /// Each dialect enforces its vendor's documented limits, answering as the vendor does.
    Vendor,
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub crm: Crm,
    pub profile: LimitsProfile,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Requests per second per workspace and category of request in the relaxed profile;
    /// the vendor profile uses each vendor's own rate.
    pub relaxed_requests_per_second: u32,
}

/// The relaxed profile's rate unless configured: high enough never to get in the way.
pub const RELAXED_REQUESTS_PER_SECOND: u32 = 1_000_000;

impl AppState {
    pub fn new(crm: Crm, profile: LimitsProfile, max_body_bytes: usize) -> Arc<AppState> {
        AppState::with_rate(crm, profile, max_body_bytes, RELAXED_REQUESTS_PER_SECOND)
    }

    /// [`AppState::new`] with the relaxed profile's rate limit.
    pub fn with_rate(
        crm: Crm,
        profile: LimitsProfile,
        max_body_bytes: usize,
        relaxed_requests_per_second: u32,
    ) -> Arc<AppState> {
        Arc::new(AppState {
            crm,
            profile,
            max_body_bytes,
            relaxed_requests_per_second,
        })
    }
}

/// The token of an `Authorization: Bearer <token>` header.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|token| !token.is_empty())
}

/// Authenticates the request's bearer token.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Actor, ServiceError> {
    let token = bearer_token(headers).ok_or(ServiceError::Unauthenticated)?;
    state.crm.authenticate(token).await
}

const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Marks a request whose body was larger than the limit: its body was replaced by an empty
/// one, and the dialect answers 413 in its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTooLarge {
    pub limit: usize,
}

/// What every request goes through, in one step so that it stays cheap:
/// - a request id, kept from the client's `x-request-id` when it sends one, and echoed back;
/// - the whole body read before routing, up to `limit` bytes. A handler may answer without
///   looking at the body (a 404 for an unknown id, a 401); had the body stayed unread, the
///   connection could not be reused, and a client that already put it back in its pool
///   would fail its next request on it;
/// - one log line with method, path, status, latency and request id.
async fn around_request(
    limit: usize,
    next_id: Arc<AtomicU64>,
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    let request_id = match parts.headers.get(&REQUEST_ID_HEADER) {
        Some(given) => given.clone(),
        None => {
            let id = next_id.fetch_add(1, Ordering::Relaxed) + 1;
            let value =
                HeaderValue::from_str(&format!("req-{id}")).unwrap_or(HeaderValue::from_static("req"));
            parts.headers.insert(REQUEST_ID_HEADER, value.clone());
            value
        }
    };
    let has_no_body = parts
        .headers
        .get(http::header::CONTENT_LENGTH)
        .is_some_and(|length| length == "0")
        || (parts.headers.get(http::header::CONTENT_LENGTH).is_none()
            && parts.headers.get(http::header::TRANSFER_ENCODING).is_none());
    let body = if has_no_body {
        body
    } else {
        match axum::body::to_bytes(body, limit).await {
            Ok(bytes) => axum::body::Body::from(bytes),
            Err(_) => {
                parts.extensions.insert(BodyTooLarge { limit });
                axum::body::Body::empty()
            }
        }
    };
    let method = parts.method.clone();
    let path = parts.uri.path().to_owned();
    let mut response = next.run(Request::from_parts(parts, body)).await;
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        request_id = %request_id.to_str().unwrap_or_default(),
        "request"
    );
    response.headers_mut().insert(REQUEST_ID_HEADER, request_id);
    response
}

/// Wraps the router in one middleware: request ids, bodies read up to
/// `max_body_bytes`, and one log line per request.
pub fn with_common_layers(router: Router, max_body_bytes: usize) -> Router {
    let next_id = Arc::new(AtomicU64::new(0));
    router.layer(axum::middleware::from_fn(
        move |request: Request, next: axum::middleware::Next| {
            around_request(max_body_bytes, next_id.clone(), request, next)
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_case_insensitively() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer_token(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer  abc "));
        assert_eq!(bearer_token(&headers), Some("abc"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&headers), None);
    }
}
