//! Errors in Outreach's shape: a JSON:API error document whose objects carry Outreach's
//! stable error `id` (`validationError`, `resourceNotFound`…), a `title`, a `detail` and,
//! where the problem sits in the request, `source.pointer` or `source.parameter`.

use crate::attributes::Catalog;
use crate::negotiation::JSON_API;
use crate::wire;
use axum::response::{IntoResponse, Response};
use crmd_core::ErrorCode;
use crmd_service::{ServiceError, Subject};
use http::StatusCode;
use http::header::{ALLOW, CONTENT_TYPE, HeaderValue, WWW_AUTHENTICATE};

/// An error response of this dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) error: wire::ErrorObject,
    /// Methods to list in an `Allow` header (405 only).
    pub(crate) allow: Option<String>,
}

/// Status, error id and title of each error code: the one place that decides.
fn classify(code: ErrorCode) -> (StatusCode, &'static str, &'static str) {
    match code {
        ErrorCode::InvalidRequest => (StatusCode::BAD_REQUEST, "badRequest", "Bad Request"),
        ErrorCode::LimitExceeded => (StatusCode::BAD_REQUEST, "limitExceeded", "Limit Exceeded"),
        ErrorCode::UnknownField | ErrorCode::ReadOnly => (
            StatusCode::BAD_REQUEST,
            "permittedParams.unknownAttribute",
            "Unknown Attribute",
        ),
        ErrorCode::UnknownRelationship => (
            StatusCode::BAD_REQUEST,
            "permittedParams.unknownRelationship",
            "Unknown Relationship",
        ),
        ErrorCode::InvalidValue
        | ErrorCode::RequiredMissing
        | ErrorCode::UniqueViolation
        | ErrorCode::RelatedRecordTrashed
        | ErrorCode::RelationshipLimit
        | ErrorCode::InvalidRelationshipOperation
        | ErrorCode::AmbiguousStageLabel
        | ErrorCode::StageNotInPipeline
        | ErrorCode::UnknownPipeline
        | ErrorCode::MergeNotAllowed => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "validationError",
            "Validation Error",
        ),
        ErrorCode::NotFound | ErrorCode::RelatedRecordMissing => {
            (StatusCode::NOT_FOUND, "resourceNotFound", "Resource Not Found")
        }
        ErrorCode::Conflict | ErrorCode::IdempotencyConflict | ErrorCode::DestructiveSchemaChange => {
            (StatusCode::CONFLICT, "conflict", "Conflict")
        }
        ErrorCode::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthorized", "Unauthorized"),
        ErrorCode::PermissionDenied => (
            StatusCode::FORBIDDEN,
            "unauthorizedOauthScope",
            "Unauthorized OAuth Scope",
        ),
        ErrorCode::UnsupportedMediaType => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupportedMediaType",
            "Unsupported Media Type",
        ),
        ErrorCode::RateLimited => (
            StatusCode::TOO_MANY_REQUESTS,
            "rateLimitExceeded",
            "Rate Limit Exceeded",
        ),
        ErrorCode::StorageFull => (
            StatusCode::INSUFFICIENT_STORAGE,
            "insufficientStorage",
            "Insufficient Storage",
        ),
        ErrorCode::Unavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "serviceUnavailable",
            "Service Unavailable",
        ),
        ErrorCode::Internal => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internalServerError",
            "Internal Server Error",
        ),
    }
}

impl ApiError {
    /// An error of the given crmd code, with that code's status, id and title.
    pub(crate) fn new(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        let (status, id, title) = classify(code);
        ApiError::with_status(status, id, title, detail)
    }

    /// An error outside crmd's codes (405, 406, 409, 413), given by status, id and title.
    pub(crate) fn with_status(
        status: StatusCode,
        id: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            error: wire::ErrorObject {
                id,
                title,
                detail: detail.into(),
                source: None,
            },
            allow: None,
        }
    }

    /// A 400 about a query parameter, naming it in `source.parameter`.
    pub(crate) fn parameter(parameter: &str, detail: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidRequest, detail).at_parameter(parameter)
    }

    /// A 422 about the request document, pointing at the member in `source.pointer`.
    pub(crate) fn invalid_document(pointer: &str, detail: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidValue, detail).at_pointer(pointer)
    }

    /// A 404 for a resource id that names nothing, worded as Outreach words it.
    pub(crate) fn resource_not_found(resource_type: &str, id: &str) -> ApiError {
        ApiError::new(
            ErrorCode::NotFound,
            format!("Could not find '{resource_type}' with ID '{id}'."),
        )
    }

    pub(crate) fn at_pointer(mut self, pointer: &str) -> ApiError {
        self.error.source = Some(wire::ErrorSource::Pointer(pointer.to_owned()));
        self
    }

    pub(crate) fn at_parameter(mut self, parameter: &str) -> ApiError {
        self.error.source = Some(wire::ErrorSource::Parameter(parameter.to_owned()));
        self
    }

    /// An error about a query rather than a document: a pointer at an attribute becomes
    /// the attribute's name as `source.parameter`.
    pub(crate) fn in_query(mut self) -> ApiError {
        if let Some(wire::ErrorSource::Pointer(pointer)) = &self.error.source {
            let name = pointer.rsplit('/').next().unwrap_or_default().to_owned();
            self.error.source = Some(wire::ErrorSource::Parameter(name));
        }
        self
    }

    /// Translates a service error, naming fields by their Outreach attribute names and
    /// pointing at them in the request document.
    pub(crate) fn from_service(error: ServiceError, catalog: Option<&Catalog>) -> ApiError {
        let code = error.code();
        if code == ErrorCode::Internal {
            log_internal(&error);
            return ApiError::new(code, "the server failed to handle the request");
        }
        let attribute = |key: &str| {
            catalog
                .and_then(|catalog| catalog.attribute_of_field(key))
                .unwrap_or_else(|| key.to_owned())
        };
        let relationship = |key: &str| {
            catalog
                .and_then(|catalog| catalog.relationship_of_key(key))
                .unwrap_or_else(|| key.to_owned())
        };
        let detail = match &error {
            ServiceError::Unauthenticated => {
                "the bearer token is missing, malformed, revoked or unknown".to_owned()
            }
            ServiceError::PermissionDenied { scope } => {
                let needed = crate::scopes::outreach_scope(scope)
                    .map_or_else(String::new, |name| format!(" (OAuth scope {name:?})"));
                format!("the token is not granted {scope:?}{needed}")
            }
            ServiceError::UnknownField { key, .. } => {
                format!("{} is not a writable attribute", attribute(key))
            }
            ServiceError::ReadOnly {
                key,
                is_relationship: false,
            } => format!("{} is read-only", attribute(key)),
            ServiceError::InvalidValue { key, reason } => format!("{} {reason}", attribute(key)),
            ServiceError::RequiredMissing {
                key,
                is_relationship: false,
            } => format!("{} can't be blank", attribute(key)),
            ServiceError::RequiredMissing {
                key,
                is_relationship: true,
            } => format!("{} can't be blank", relationship(key)),
            ServiceError::UniqueViolation { key, existing } => {
                format!("{} has already been taken (by id {existing})", attribute(key))
            }
            ServiceError::RelatedMissing { key, id } => {
                let target = catalog
                    .and_then(|catalog| catalog.resource.relationship_by_key(key))
                    .and_then(|relationship| crate::resources::by_plural(relationship.target))
                    .map_or("resource", |target| target.type_name);
                format!("Could not find '{target}' with ID '{id}'.")
            }
            other @ (ServiceError::NotFound { .. }
            | ServiceError::ReadOnly { .. }
            | ServiceError::UnknownRelationship { .. }
            | ServiceError::RelationshipLimit { .. }
            | ServiceError::InvalidRelationshipOperation { .. }
            | ServiceError::RelatedTrashed { .. }
            | ServiceError::Conflict(_)
            | ServiceError::InvalidSchema(_)
            | ServiceError::DestructiveSchemaChange(_)
            | ServiceError::InvalidRequest { .. }
            | ServiceError::IdempotencyConflict
            | ServiceError::AmbiguousStageLabel { .. }
            | ServiceError::StageNotInPipeline { .. }
            | ServiceError::UnknownPipeline { .. }
            | ServiceError::SelfMerge { .. }
            | ServiceError::MergeNotAllowed { .. }
            | ServiceError::InResolution { .. }
            | ServiceError::Query(_)
            | ServiceError::Store(_)) => other.to_string(),
        };
        let api_error = ApiError::new(code, detail);
        match error.subject() {
            Some(Subject::Field(key) | Subject::Resolution(key)) => {
                api_error.at_pointer(&format!("/data/attributes/{}", attribute(&key)))
            }
            Some(Subject::Relationship(key)) => {
                api_error.at_pointer(&format!("/data/relationships/{}", relationship(&key)))
            }
            Some(Subject::Parameter(name)) => api_error.at_parameter(&name),
            None => api_error,
        }
    }
}

/// Logs an internal error with its whole chain of causes; the client gets a generic detail.
fn log_internal(error: &ServiceError) {
    let mut chain = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error = %chain, "internal error");
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = wire::ErrorDocument {
            errors: vec![self.error],
        };
        let text = serde_json::to_string(&body).unwrap_or_else(|_| r#"{"errors":[]}"#.to_owned());
        let mut response = (self.status, text).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_API));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(allow) = self.allow.and_then(|allow| HeaderValue::from_str(&allow).ok()) {
            headers.insert(ALLOW, allow);
        }
        response
    }
}
