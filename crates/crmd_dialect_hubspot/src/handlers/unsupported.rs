//! Answers for HubSpot requests that no endpoint serves, always in HubSpot's error shape:
//! 501 for HubSpot APIs crmd does not implement yet, 404 for paths HubSpot does not have,
//! 405 for a method an endpoint does not take.

use super::Caller;
use crate::error::ApiError;
use axum::extract::OriginalUri;
use crmd_core::ErrorCode;
use http::{Method, StatusCode};

fn not_implemented_error(method: &Method, path: &str) -> ApiError {
    ApiError::with_status(
        StatusCode::NOT_IMPLEMENTED,
        "NOT_IMPLEMENTED",
        format!("{method} {path} is not supported by this crmd version"),
    )
}

/// A HubSpot endpoint that crmd knows but does not serve yet (search, merge, properties,
/// schemas, pipelines, associations).
pub(crate) async fn not_implemented(
    _caller: Caller,
    method: Method,
    OriginalUri(uri): OriginalUri,
) -> ApiError {
    not_implemented_error(&method, uri.path())
}

/// Any other path under HubSpot's prefixes: JSON 404 (HubSpot answers HTML, which Node's
/// SDK cannot parse).
pub(crate) async fn fallback(_caller: Caller, method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    ApiError::new(ErrorCode::NotFound, "resource not found")
        .context("path", [format!("{method} {}", uri.path())])
}

/// A method the endpoint does not take; `allow` lists the ones it does.
pub(crate) async fn method_not_allowed(
    _caller: Caller,
    method: Method,
    OriginalUri(uri): OriginalUri,
    allow: String,
) -> ApiError {
    let mut error = ApiError::with_status(
        StatusCode::METHOD_NOT_ALLOWED,
        "VALIDATION_ERROR",
        format!(
            "{method} is not allowed on {}; this endpoint takes {allow}",
            uri.path()
        ),
    );
    error.allow = Some(allow);
    error
}
