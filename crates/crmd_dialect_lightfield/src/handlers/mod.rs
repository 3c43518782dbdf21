//! Handlers, one module per resource, and the extractors they share.
//!
//! Every `/v1` request passes the same checks, in this order: the `Lightfield-Version`
//! header, the API key, the object type named by the route, the record id, the body.
//! The extractors here perform them and answer Lightfield's error shape when one fails.

pub(crate) mod auth;
pub(crate) mod definitions;
pub(crate) mod history;
pub(crate) mod idempotency;
pub(crate) mod lists;
pub(crate) mod merge;
pub(crate) mod records;
pub(crate) mod unsupported;

use crate::error::ApiError;
use crate::resources::Resource;
use crate::routes::CollectionKind;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use crmd_core::{ErrorCode, RecordId};
use crmd_http::{AppState, JsonBodyError};
use crmd_service::{Actor, TypeRef};
use http::HeaderMap;
use http::request::Parts;
use std::collections::HashMap;
use std::sync::Arc;

/// The API version this dialect speaks; the SDK sends it in `Lightfield-Version`.
pub(crate) const API_VERSION: &str = "2026-03-01";
const VERSION_HEADER: &str = "lightfield-version";

fn check_version(headers: &HeaderMap) -> Result<(), ApiError> {
    let version_error = |message: String| {
        ApiError::bad_request(message)
            .code("version_header")
            .param("Lightfield-Version")
    };
    match headers.get(VERSION_HEADER).map(|value| value.to_str()) {
        None => Err(version_error(format!(
            "missing Lightfield-Version header; this server speaks version \"{API_VERSION}\""
        ))),
        Some(Ok(version)) if version.trim() == API_VERSION => Ok(()),
        Some(Ok(version)) => Err(version_error(format!(
            "unsupported Lightfield-Version {version:?}; this server speaks version \"{API_VERSION}\""
        ))),
        Some(Err(_)) => Err(version_error(format!(
            "unreadable Lightfield-Version header; this server speaks version \"{API_VERSION}\""
        ))),
    }
}

/// An authenticated caller of a `/v1` endpoint that sent the right API version.
pub(crate) struct Caller {
    pub(crate) actor: Actor,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Caller, ApiError> {
        check_version(&parts.headers)?;
        // The rate limiter authenticated the key already when it was valid.
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return Ok(Caller { actor: actor.clone() });
        }
        let actor = crmd_http::authenticate(state, &parts.headers)
            .await
            .map_err(|error| ApiError::from_service(error, ""))?;
        Ok(Caller { actor })
    }
}

/// The decoded path parameters of the route.
pub(crate) async fn path_params(
    parts: &mut Parts,
    state: &Arc<AppState>,
) -> Result<HashMap<String, String>, ApiError> {
    Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map(|Path(params)| params)
        .map_err(|rejection| ApiError::bad_request(rejection.body_text()))
}

/// The object type a route serves: a fixed standard type (`/v1/accounts`) or the custom
/// object type named by `{slug}` (`/v1/objects/{slug}`).
pub(crate) struct Collection {
    pub(crate) actor: Actor,
    pub(crate) object_type: TypeRef,
    /// How messages name the collection: `accounts`, or the custom type's slug.
    pub(crate) name: String,
    /// Standard types have `status` on their lists; custom objects do not.
    pub(crate) is_custom: bool,
    params: HashMap<String, String>,
}

impl Collection {
    /// Whether the collection's list takes `status=active|trashed`: standard types with
    /// a restore endpoint do; lists, members and custom objects do not.
    pub(crate) fn lists_trash(&self) -> bool {
        !self.is_custom && !matches!(Resource::of(&self.object_type), Resource::List | Resource::Member)
    }

    /// Translates a service error about this collection.
    pub(crate) fn error(&self, error: crmd_service::ServiceError) -> ApiError {
        ApiError::from_service(error, &self.name)
    }
}

impl FromRequestParts<Arc<AppState>> for Collection {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Collection, ApiError> {
        let Caller { actor } = Caller::from_request_parts(parts, state).await?;
        let params = path_params(parts, state).await?;
        let kind = parts.extensions.get::<CollectionKind>().copied().ok_or_else(|| {
            tracing::error!(path = %parts.uri.path(), "route registered without its collection");
            ApiError::new(
                ErrorCode::Internal,
                "An internal error occurred; the server log has the details.",
            )
        })?;
        match kind {
            CollectionKind::Standard { slug, plural } => {
                let object_type = state
                    .crm
                    .object_type(&actor, slug)
                    .await
                    .map_err(|error| ApiError::from_service(error, plural))?;
                Ok(Collection {
                    actor,
                    object_type,
                    name: plural.to_owned(),
                    is_custom: false,
                    params,
                })
            }
            CollectionKind::Custom => {
                let slug = params.get("slug").cloned().unwrap_or_default();
                let not_found = || {
                    ApiError::new(
                        ErrorCode::NotFound,
                        format!("No custom object type '{slug}' found."),
                    )
                };
                // Custom types, and standard types Lightfield has no resource for (tickets,
                // calls, emails, products, line items).
                let object_type = match state.crm.object_type(&actor, &slug).await {
                    Ok(object_type) if is_served_as_object(&object_type) => object_type,
                    Ok(_) => return Err(not_found()),
                    Err(error) if error.code() == ErrorCode::NotFound => return Err(not_found()),
                    Err(error) => return Err(ApiError::from_service(error, &slug)),
                };
                Ok(Collection {
                    actor,
                    object_type,
                    name: slug,
                    is_custom: true,
                    params,
                })
            }
        }
    }
}

/// Whether `/v1/objects/{slug}` serves a type: every custom type, and the standard types
/// without a Lightfield name.
pub(crate) fn is_served_as_object(object_type: &crmd_core::ObjectType) -> bool {
    !object_type.is_standard || !object_type.names.contains_key("lightfield")
}

/// One record of a collection, by the `{id}` of the route. An id that is not a record id
/// names no record: 404.
pub(crate) struct RecordTarget {
    pub(crate) collection: Collection,
    pub(crate) id: RecordId,
}

impl RecordTarget {
    pub(crate) fn param(&self, name: &str) -> &str {
        self.collection.params.get(name).map_or("", String::as_str)
    }
}

impl FromRequestParts<Arc<AppState>> for RecordTarget {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<RecordTarget, ApiError> {
        let collection = Collection::from_request_parts(parts, state).await?;
        let id = collection
            .params
            .get("id")
            .and_then(|id| id.parse::<RecordId>().ok())
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::NotFound,
                    format!("No resource found in '{}' with the given ID.", collection.name),
                )
            })?;
        Ok(RecordTarget { collection, id })
    }
}

/// A request body read as JSON by hand, so that every failure answers in Lightfield's
/// shape: `None` when the body is empty (bodiless calls still carry
/// `Content-Type: application/json`), 413 over the size limit, 415 when a body is not
/// declared as JSON, 400 `invalid_json` when it does not parse.
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
                    "payload_too_large",
                    error.message(),
                ),
                JsonBodyError::NotJson { .. } => {
                    ApiError::new(ErrorCode::UnsupportedMediaType, error.message())
                }
                JsonBodyError::Invalid(_) => ApiError::bad_request(error.message()).code("invalid_json"),
            })
    }
}
