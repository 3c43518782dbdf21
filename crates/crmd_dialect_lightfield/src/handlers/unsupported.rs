//! Answers for `/v1` requests that no endpoint serves, always in Lightfield's error shape:
//! 501 for Lightfield endpoints crmd does not implement yet, 404 for paths Lightfield does
//! not have, 405 for a method an endpoint does not take.

use super::Caller;
use crate::error::ApiError;
use crate::routes::UNSUPPORTED_RESOURCES;
use axum::extract::OriginalUri;
use crmd_core::ErrorCode;
use http::{Method, StatusCode};

fn not_implemented_error(method: &Method, path: &str) -> ApiError {
    ApiError::with_status(
        StatusCode::NOT_IMPLEMENTED,
        "not_implemented",
        format!("{method} {path} is not supported by this crmd version"),
    )
}

/// Any other `/v1` path: 501 under a Lightfield resource crmd does not serve yet
/// (notes, tasks, meetings, lists, members, emails, files, …), 404 otherwise.
pub(crate) async fn fallback(_caller: Caller, method: Method, OriginalUri(uri): OriginalUri) -> ApiError {
    let path = uri.path();
    let resource = path
        .strip_prefix("/v1/")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    if UNSUPPORTED_RESOURCES.contains(&resource) {
        not_implemented_error(&method, path)
    } else {
        ApiError::new(ErrorCode::NotFound, format!("No endpoint {method} {path}."))
    }
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
        "method_not_allowed",
        format!(
            "{method} is not allowed on {}; this endpoint takes {allow}",
            uri.path()
        ),
    );
    error.allow = Some(allow);
    error
}
