//! Handlers, one module per kind of endpoint, and the extractors and helpers they share.
//!
//! Every request passes the same checks, in this order: the media types (in the
//! negotiation middleware), the bearer token, the resource's object type, the permission,
//! the query parameters, the body.

pub(crate) mod resources;
pub(crate) mod unsupported;

use crate::attributes::{Catalog, OUTREACH};
use crate::error::ApiError;
use crate::resources::ResourceDef;
use axum::extract::{FromRequest, FromRequestParts, Request};
use crmd_core::{ErrorCode, RecordId};
use crmd_http::{AppState, JsonBodyError};
use crmd_service::{Action, Actor};
use http::HeaderMap;
use http::request::Parts;
use std::sync::Arc;

/// An authenticated caller: `Authorization: Bearer <crmd key>`.
pub(crate) struct Caller {
    pub(crate) actor: Actor,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Caller, ApiError> {
        let actor = crmd_http::authenticate(state, &parts.headers)
            .await
            .map_err(|error| ApiError::from_service(error, None))?;
        Ok(Caller { actor })
    }
}

/// The catalog of a resource in the caller's workspace, after checking the permission.
pub(crate) async fn catalog(
    state: &AppState,
    actor: &Actor,
    resource: &'static ResourceDef,
    action: Action,
) -> Result<Catalog, ApiError> {
    let schema = state
        .crm
        .schema(actor)
        .await
        .map_err(|error| ApiError::from_service(error, None))?;
    let slug = schema
        .object_type_by_name(OUTREACH, resource.type_name)
        .map(|object_type| object_type.slug.clone())
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::NotFound,
                format!("this workspace has no object type for {}", resource.plural),
            )
        })?;
    let object_type = state
        .crm
        .object_type(actor, &slug)
        .await
        .map_err(|error| ApiError::from_service(error, None))?;
    state
        .crm
        .authorize(actor, &object_type, action)
        .map_err(|error| ApiError::from_service(error, None))?;
    Ok(Catalog::new(object_type, resource))
}

/// A path id; `None` unless it is a canonical positive decimal.
pub(crate) fn parse_path_id(text: &str) -> Option<RecordId> {
    let is_canonical =
        !text.is_empty() && text.bytes().all(|byte| byte.is_ascii_digit()) && !text.starts_with('0');
    if !is_canonical {
        return None;
    }
    text.parse::<u64>().ok().map(RecordId)
}

/// The scheme and authority links start with, from the request's `Host` (and
/// `X-Forwarded-Proto` behind a proxy).
pub(crate) fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|value| value.to_str().ok())
        .filter(|scheme| *scheme == "https" || *scheme == "http")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// A request document read as JSON, every failure answered in Outreach's shape: 413 over
/// the size limit, 415 for a body not declared as JSON, 400 when it does not parse.
pub(crate) struct JsonBody(pub(crate) Option<serde_json::Value>);

impl FromRequest<Arc<AppState>> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<JsonBody, ApiError> {
        crmd_http::read_json_body(request, state.max_body_bytes)
            .await
            .map(JsonBody)
            .map_err(|error| match &error {
                JsonBodyError::TooLarge { .. } => ApiError::with_status(
                    http::StatusCode::PAYLOAD_TOO_LARGE,
                    "requestEntityTooLarge",
                    "Request Entity Too Large",
                    error.message(),
                ),
                JsonBodyError::NotJson { declared } => ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    format!(
                        "Expected Content-Type header to be application/vnd.api+json; got {}",
                        declared.as_deref().unwrap_or("none")
                    ),
                ),
                JsonBodyError::Invalid(invalid) => ApiError::with_status(
                    http::StatusCode::BAD_REQUEST,
                    "badRequest",
                    "Bad Request",
                    format!(
                        "the request document is not valid JSON (line {}, column {}): {invalid}",
                        invalid.line(),
                        invalid.column()
                    ),
                ),
            })
    }
}
