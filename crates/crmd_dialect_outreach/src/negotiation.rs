//! JSON:API content negotiation (JSON:API 1.0 §"Content Negotiation", Outreach's 415):
//! - a request that sends a body (POST, PATCH) must declare `application/vnd.api+json`;
//!   any media type parameter but `charset` is refused with 415, on every request;
//! - an `Accept` header that names the JSON:API media type only with parameters is
//!   refused with 406;
//! - every response is `application/vnd.api+json`, without parameters.

use crate::error::ApiError;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use crmd_core::ErrorCode;
use http::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use http::{Method, StatusCode};

/// The JSON:API media type.
pub(crate) const JSON_API: &str = "application/vnd.api+json";

/// Checks a request's media types, then marks the response as JSON:API.
pub(crate) async fn negotiate(request: Request, next: Next) -> Response {
    if let Err(error) = check(&request) {
        return error.into_response();
    }
    let mut response = next.run(request).await;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON_API));
    response
}

fn check(request: &Request) -> Result<(), ApiError> {
    let headers = request.headers();
    let content_type = headers
        .get(CONTENT_TYPE)
        .map(|value| value.to_str().unwrap_or("?"));
    let sends_body = request.method() == Method::POST || request.method() == Method::PATCH;
    match content_type {
        Some(declared) => check_content_type(declared, sends_body)?,
        None if sends_body => {
            return Err(unsupported(
                "Expected Content-Type header to be application/vnd.api+json; got none",
            ));
        }
        None => {}
    }
    for accept in headers.get_all(ACCEPT) {
        check_accept(accept.to_str().unwrap_or_default())?;
    }
    Ok(())
}

fn unsupported(detail: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::UnsupportedMediaType, detail)
}

/// The media type and its parameters, lower-cased, without spaces around them.
fn split_media_type(text: &str) -> (String, Vec<String>) {
    let mut parts = text.split(';').map(|part| part.trim().to_ascii_lowercase());
    let media_type = parts.next().unwrap_or_default();
    (media_type, parts.filter(|part| !part.is_empty()).collect())
}

fn check_content_type(declared: &str, sends_body: bool) -> Result<(), ApiError> {
    let (media_type, parameters) = split_media_type(declared);
    if media_type == JSON_API {
        return match parameters
            .iter()
            .find(|parameter| !parameter.starts_with("charset="))
        {
            Some(parameter) => Err(unsupported(format!(
                "Expected Content-Type header to be application/vnd.api+json without media type parameters; got the parameter {parameter:?}"
            ))),
            None => Ok(()),
        };
    }
    if sends_body {
        return Err(unsupported(format!(
            "Expected Content-Type header to be application/vnd.api+json; got {declared:?}"
        )));
    }
    // A bodiless request may carry any Content-Type; clients add `application/json` by habit.
    Ok(())
}

fn check_accept(accept: &str) -> Result<(), ApiError> {
    let json_api: Vec<Vec<String>> = accept
        .split(',')
        .map(split_media_type)
        .filter(|(media_type, _)| media_type == JSON_API)
        // `q` is a weight for the client's preference, not a media type parameter.
        .map(|(_, parameters)| {
            parameters
                .into_iter()
                .filter(|parameter| !parameter.starts_with("q="))
                .collect()
        })
        .collect();
    if !json_api.is_empty() && json_api.iter().all(|parameters| !parameters.is_empty()) {
        return Err(ApiError::with_status(
            StatusCode::NOT_ACCEPTABLE,
            "notAcceptable",
            "Not Acceptable",
            format!(
                "the Accept header names application/vnd.api+json only with media type parameters ({accept:?}); accept it without them"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        assert!(check_content_type("application/vnd.api+json", true).is_ok());
        assert!(check_content_type("application/vnd.api+json; charset=utf-8", true).is_ok());
        assert!(check_content_type("Application/VND.API+JSON", true).is_ok());
        assert!(check_content_type("application/vnd.api+json; ext=bulk", false).is_err());
        assert!(check_content_type("application/json", true).is_err());
        assert!(check_content_type("application/json", false).is_ok());
    }

    #[test]
    fn accept_headers() {
        assert!(check_accept("application/vnd.api+json").is_ok());
        assert!(check_accept("*/*").is_ok());
        assert!(check_accept("application/json, */*").is_ok());
        assert!(check_accept("application/vnd.api+json; q=0.9").is_ok());
        assert!(check_accept("application/vnd.api+json; ext=bulk, application/vnd.api+json").is_ok());
        assert_eq!(
            check_accept("application/vnd.api+json; ext=bulk")
                .unwrap_err()
                .status,
            StatusCode::NOT_ACCEPTABLE
        );
    }
}
