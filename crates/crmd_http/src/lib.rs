//! HTTP plumbing that every dialect shares: the application state, bearer-token
//! authentication, request ids and the one-line-per-request log.
//!
//! Error bodies are not rendered here: each dialect renders errors in its vendor's shape.

use axum::Router;
use axum::extract::Request;
use crmd_service::{Actor, Crm, ServiceError};
use http::HeaderMap;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Span;

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
}

impl AppState {
    pub fn new(crm: Crm, profile: LimitsProfile, max_body_bytes: usize) -> Arc<AppState> {
        Arc::new(AppState {
            crm,
            profile,
            max_body_bytes,
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

static REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// Sequential request ids, unique within one process run.
#[derive(Clone, Default)]
struct SequentialRequestId {
    next: Arc<AtomicU64>,
}

impl MakeRequestId for SequentialRequestId {
    fn make_request_id<B>(&mut self, _request: &http::Request<B>) -> Option<RequestId> {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        HeaderValue::from_str(&format!("req-{id}"))
            .ok()
            .map(RequestId::new)
    }
}

/// Marks a request whose body was larger than the limit: its body was replaced by an empty
/// one, and the dialect answers 413 in its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTooLarge {
    pub limit: usize,
}

/// Reads the whole request body before routing, up to `limit` bytes.
///
/// A handler may answer without looking at the body (a 404 for an unknown id, a 401).
/// Had the body stayed unread, the connection could not be reused, and a client that
/// already put it back in its pool would fail its next request on it.
async fn buffer_body(
    limit: usize,
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let has_no_body = request
        .headers()
        .get(http::header::CONTENT_LENGTH)
        .is_some_and(|length| length == "0")
        || (request.headers().get(http::header::CONTENT_LENGTH).is_none()
            && request.headers().get(http::header::TRANSFER_ENCODING).is_none());
    if has_no_body {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => axum::body::Body::from(bytes),
        Err(_) => {
            parts.extensions.insert(BodyTooLarge { limit });
            axum::body::Body::empty()
        }
    };
    next.run(Request::from_parts(parts, body)).await
}

/// Adds request ids (kept from the client's `x-request-id` when given, echoed back), logs
/// one line per request with method, path, status and latency, and reads request bodies
/// of up to `max_body_bytes` before routing.
pub fn with_common_layers(router: Router, max_body_bytes: usize) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let request_id = request
                .headers()
                .get(&REQUEST_ID_HEADER)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default();
            tracing::info_span!(
                "request",
                method = %request.method(),
                path = %request.uri().path(),
                request_id = %request_id,
            )
        })
        .on_request(())
        .on_response(|response: &http::Response<_>, latency: Duration, _span: &Span| {
            tracing::info!(
                status = response.status().as_u16(),
                latency_ms = latency.as_secs_f64() * 1000.0,
                "request finished"
            );
        })
        .on_failure(());
    router
        .layer(axum::middleware::from_fn(
            move |request: Request, next: axum::middleware::Next| buffer_body(max_body_bytes, request, next),
        ))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID_HEADER.clone()))
        .layer(trace)
        .layer(SetRequestIdLayer::new(
            REQUEST_ID_HEADER.clone(),
            SequentialRequestId::default(),
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
