//! Answers for paths and methods the dialect does not serve, in Outreach's shape.

use crate::error::ApiError;
use axum::extract::OriginalUri;
use http::{Method, StatusCode};

/// Any other path under `/api/v2`: 404 naming the path.
pub(crate) async fn fallback(method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::with_status(
        StatusCode::NOT_FOUND,
        "resourceNotFound",
        "Resource Not Found",
        format!("{method} {} is not served by crmd's Outreach dialect", uri.path()),
    )
}

/// A known path with a method it does not take: 405 with `Allow`.
pub(crate) async fn method_not_allowed(
    method: Method,
    OriginalUri(uri): OriginalUri,
    allow: String,
) -> ApiError {
    let mut error = ApiError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "methodNotAllowed",
        "Method Not Allowed",
        format!("{method} is not allowed on {}; allowed: {allow}", uri.path()),
    );
    error.allow = Some(allow);
    error
}
