//! Errors in HubSpot's shape: `{status: "error", message, correlationId, category,
//! errors?, context?, links?}` with the status HubSpot uses for each kind of failure.

use crate::properties::Catalog;
use crate::wire;
use axum::Json;
use axum::response::{IntoResponse, Response};
use crmd_core::{ErrorCode, FieldType};
use crmd_service::{ServiceError, Subject};
use http::StatusCode;
use http::header::{HeaderName, HeaderValue};
use std::collections::BTreeMap;

/// HubSpot echoes the body's `correlationId` in this header.
pub(crate) static CORRELATION_HEADER: HeaderName = HeaderName::from_static("x-hubspot-correlation-id");

/// The message HubSpot sends with a 401.
pub(crate) const UNAUTHENTICATED_MESSAGE: &str = "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview";

/// An error response of this dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) category: &'static str,
    pub(crate) message: String,
    pub(crate) errors: Vec<wire::ErrorDetail>,
    pub(crate) context: BTreeMap<String, Vec<String>>,
    /// Methods to list in an `Allow` header (405 only).
    pub(crate) allow: Option<String>,
}

/// Status and `category` of each error code: the one place that decides.
fn classify(code: ErrorCode) -> (StatusCode, &'static str) {
    match code {
        ErrorCode::InvalidRequest
        | ErrorCode::UnknownField
        | ErrorCode::UnknownRelationship
        | ErrorCode::InvalidValue
        | ErrorCode::ReadOnly
        | ErrorCode::RequiredMissing
        | ErrorCode::RelatedRecordMissing
        | ErrorCode::RelatedRecordTrashed
        | ErrorCode::RelationshipLimit
        | ErrorCode::InvalidRelationshipOperation
        | ErrorCode::LimitExceeded
        | ErrorCode::AmbiguousStageLabel
        | ErrorCode::StageNotInPipeline
        | ErrorCode::UnknownPipeline
        | ErrorCode::MergeNotAllowed => (StatusCode::BAD_REQUEST, "VALIDATION_ERROR"),
        ErrorCode::UniqueViolation
        | ErrorCode::Conflict
        | ErrorCode::DestructiveSchemaChange
        | ErrorCode::IdempotencyConflict => (StatusCode::CONFLICT, "CONFLICT"),
        ErrorCode::NotFound => (StatusCode::NOT_FOUND, "OBJECT_NOT_FOUND"),
        ErrorCode::Unauthenticated => (StatusCode::UNAUTHORIZED, "INVALID_AUTHENTICATION"),
        ErrorCode::PermissionDenied => (StatusCode::FORBIDDEN, "MISSING_SCOPES"),
        ErrorCode::UnsupportedMediaType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "VALIDATION_ERROR"),
        ErrorCode::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "RATE_LIMITS"),
        ErrorCode::StorageFull => (StatusCode::INSUFFICIENT_STORAGE, "INTERNAL_ERROR"),
        ErrorCode::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "SERVICE_UNAVAILABLE"),
        ErrorCode::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL_ERROR"),
    }
}

impl ApiError {
    /// An error of the given crmd code, with that code's status and category.
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        let (status, category) = classify(code);
        ApiError {
            status,
            category,
            message: message.into(),
            errors: Vec::new(),
            context: BTreeMap::new(),
            allow: None,
        }
    }

    /// An error outside crmd's codes (405, 413, 501), given by status and category.
    pub(crate) fn with_status(
        status: StatusCode,
        category: &'static str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            category,
            message: message.into(),
            errors: Vec::new(),
            context: BTreeMap::new(),
            allow: None,
        }
    }

    /// A 400 `VALIDATION_ERROR` about a malformed request.
    pub(crate) fn validation(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidRequest, message)
    }

    /// A 400 about property values: HubSpot's `Property values were not valid: [...]`
    /// message, which integrations parse, and the same items in `errors`.
    pub(crate) fn invalid_properties(items: Vec<PropertyProblem>) -> ApiError {
        let listed: Vec<serde_json::Value> = items
            .iter()
            .map(|item| {
                serde_json::json!({
                    "isValid": false,
                    "message": item.message,
                    "error": item.code,
                    "name": item.name,
                })
            })
            .collect();
        let mut error = ApiError::validation(format!(
            "Property values were not valid: {}",
            serde_json::Value::Array(listed)
        ));
        error.errors = items
            .into_iter()
            .map(|item| wire::ErrorDetail {
                message: item.message,
                code: Some(item.code.to_owned()),
                r#in: Some(item.name.clone()),
                context: Some(BTreeMap::from([("propertyName".to_owned(), vec![item.name])])),
            })
            .collect();
        error
    }

    pub(crate) fn context(mut self, key: &str, values: impl IntoIterator<Item = String>) -> ApiError {
        self.context.insert(key.to_owned(), values.into_iter().collect());
        self
    }

    /// Translates a service error about records of an object type, naming properties
    /// by their HubSpot names.
    pub(crate) fn from_service(error: ServiceError, catalog: Option<&Catalog>) -> ApiError {
        let code = error.code();
        let property_name = |key: &str| {
            catalog
                .and_then(|catalog| catalog.name_of_field(key))
                .unwrap_or_else(|| key.to_owned())
        };
        match error {
            ServiceError::Unauthenticated => ApiError::new(code, UNAUTHENTICATED_MESSAGE),
            ServiceError::PermissionDenied { scope } => {
                let required = crate::scopes::hubspot_scopes(&scope);
                let mut denied = ApiError::new(
                    code,
                    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
                );
                denied.errors.push(wire::ErrorDetail {
                    message: format!("One or more of the following scopes are required: {required:?}"),
                    code: None,
                    r#in: None,
                    context: Some(BTreeMap::from([("requiredGranularScopes".to_owned(), required)])),
                });
                denied.context("crmdPermission", [scope])
            }
            ServiceError::NotFound { .. } => ApiError::new(code, "resource not found"),
            ServiceError::UnknownField { key, .. } => {
                let name = property_name(&key);
                ApiError::invalid_properties(vec![PropertyProblem {
                    message: format!("Property \"{name}\" does not exist"),
                    code: "PROPERTY_DOESNT_EXIST",
                    name,
                }])
            }
            ServiceError::ReadOnly {
                key,
                is_relationship: false,
            } => {
                let name = property_name(&key);
                ApiError::invalid_properties(vec![PropertyProblem {
                    message: format!("\"{name}\" is a read only property; its value cannot be set."),
                    code: "READ_ONLY_VALUE",
                    name,
                }])
            }
            ServiceError::InvalidValue { key, reason } => {
                let name = property_name(&key);
                let field_type = catalog
                    .and_then(|catalog| catalog.object_type().field(&key))
                    .map(|field| field.field_type);
                ApiError::invalid_properties(vec![PropertyProblem {
                    message: format!("{reason} (property \"{name}\")"),
                    code: value_error_code(field_type),
                    name,
                }])
            }
            ServiceError::RequiredMissing { key, is_relationship } => {
                let label = catalog.map_or_else(|| "OBJECT".to_owned(), Catalog::upper_label);
                // A relationship a property writes (`hubspot_owner_id`) is a missing property.
                let relationship_property = catalog
                    .filter(|_| is_relationship)
                    .and_then(|catalog| catalog.name_of_relationship(&key));
                if let Some(name) = relationship_property {
                    return required_property(&label, name.to_owned());
                }
                if is_relationship {
                    let target = catalog
                        .and_then(|catalog| catalog.relationship_target_name(&key))
                        .unwrap_or_else(|| key.clone());
                    ApiError::validation(format!(
                        "Error creating {label}. Some required associations were not set: an association to {target} ({key:?}) is required."
                    ))
                    .context("requiredAssociations", [target])
                } else {
                    required_property(&label, property_name(&key))
                }
            }
            ServiceError::RelatedMissing { key, id } | ServiceError::RelatedTrashed { key, id }
                if catalog.is_some_and(|catalog| catalog.name_of_relationship(&key).is_some()) =>
            {
                let name = catalog
                    .and_then(|catalog| catalog.name_of_relationship(&key))
                    .unwrap_or_default()
                    .to_owned();
                let is_owner = name == crate::convert::OWNER_PROPERTY;
                ApiError::invalid_properties(vec![PropertyProblem {
                    message: if is_owner {
                        format!("{id} is not a valid owner id")
                    } else {
                        format!("{id} is not a valid record id for \"{name}\"")
                    },
                    code: if is_owner {
                        "INVALID_OWNER_ID"
                    } else {
                        "INVALID_PROPERTY_VALUE"
                    },
                    name,
                }])
            }
            ServiceError::UniqueViolation { key, existing } => {
                let label = catalog.map_or_else(|| "Object".to_owned(), Catalog::singular_label);
                let name = property_name(&key);
                ApiError::new(code, format!("{label} already exists. Existing ID: {existing}"))
                    .context("id", [existing.to_string()])
                    .context("propertyName", [name])
            }
            other @ (ServiceError::UnknownRelationship { .. }
            | ServiceError::ReadOnly { .. }
            | ServiceError::RelationshipLimit { .. }
            | ServiceError::InvalidRelationshipOperation { .. }
            | ServiceError::RelatedMissing { .. }
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
            | ServiceError::Store(_)) => {
                if code == ErrorCode::Internal {
                    log_internal(&other);
                    return ApiError::new(code, "internal error");
                }
                let subject = other.subject();
                let mut error = ApiError::new(code, other.to_string());
                match subject {
                    Some(Subject::Field(key) | Subject::Resolution(key)) => {
                        error = error.context("propertyName", [property_name(&key)]);
                    }
                    Some(Subject::Parameter(name)) => error = error.context("parameter", [name]),
                    Some(Subject::Relationship(key)) => error = error.context("association", [key]),
                    None => {}
                }
                error
            }
        }
    }
}

/// HubSpot's 400 for a create without a required property.
fn required_property(label: &str, name: String) -> ApiError {
    let mut missing = ApiError::validation(format!(
        "Error creating {label}. Some required properties were not set."
    ));
    missing.errors.push(wire::ErrorDetail {
        message: format!("Property \"{name}\" is required"),
        code: Some("REQUIRED_PROPERTY".to_owned()),
        r#in: Some(name.clone()),
        context: Some(BTreeMap::from([("propertyName".to_owned(), vec![name.clone()])])),
    });
    missing.context("propertyName", [name])
}

/// One refused property of a write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PropertyProblem {
    pub(crate) name: String,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

/// The `error` code HubSpot gives an invalid value of a property of this type.
fn value_error_code(field_type: Option<FieldType>) -> &'static str {
    match field_type {
        Some(FieldType::Email) => "INVALID_EMAIL",
        Some(FieldType::Number | FieldType::Currency) => "INVALID_LONG",
        Some(FieldType::Date) => "INVALID_DATE",
        Some(FieldType::Datetime) => "INVALID_DATETIME",
        Some(FieldType::SingleSelect | FieldType::MultiSelect | FieldType::Checkbox) => "INVALID_OPTION",
        Some(
            FieldType::Address
            | FieldType::FullName
            | FieldType::Html
            | FieldType::Markdown
            | FieldType::SocialHandle
            | FieldType::Telephone
            | FieldType::Text
            | FieldType::Url,
        )
        | None => "INVALID_PROPERTY_VALUE",
    }
}

/// Logs an internal error with its whole chain of causes; the client gets a generic message.
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

/// A fresh correlation id: a random UUID (version 4), as HubSpot sends one per request.
pub(crate) fn correlation_id() -> String {
    let bytes: [u8; 16] = rand::random();
    let hex: String = bytes
        .iter()
        .enumerate()
        .map(|(index, byte)| match index {
            6 => format!("{:02x}", (byte & 0x0f) | 0x40),
            8 => format!("{:02x}", (byte & 0x3f) | 0x80),
            _ => format!("{byte:02x}"),
        })
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let correlation_id = correlation_id();
        let body = wire::ErrorBody {
            status: "error",
            message: self.message,
            correlation_id: correlation_id.clone(),
            category: self.category,
            errors: self.errors,
            context: self.context,
        };
        let mut response = (self.status, Json(body)).into_response();
        if let Ok(value) = HeaderValue::from_str(&correlation_id) {
            response.headers_mut().insert(CORRELATION_HEADER.clone(), value);
        }
        if let Some(allow) = self.allow.and_then(|allow| HeaderValue::from_str(&allow).ok()) {
            response.headers_mut().insert(http::header::ALLOW, allow);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_ids_are_version_4_uuids() {
        let id = correlation_id();
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|part| part.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'), "{id}");
        assert!("89ab".contains(&parts[3][..1]), "{id}");
        assert_ne!(id, correlation_id());
    }
}
