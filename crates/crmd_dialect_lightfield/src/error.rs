//! Errors in Lightfield's shape: `{"error": {type, message, code?, param?}}` with the status
//! Lightfield uses for each kind of failure.

use crate::wire;
use axum::Json;
use axum::response::{IntoResponse, Response};
use crmd_core::ErrorCode;
use crmd_service::{ServiceError, StageCandidates, Subject};
use http::StatusCode;
use http::header::{HeaderName, HeaderValue};

/// The Lightfield SDK retries 408, 409, 429 and 5xx unless this header says otherwise.
static SHOULD_RETRY: HeaderName = HeaderName::from_static("x-should-retry");

/// The one 409 a retry can fix: the first request with the same idempotency key was still
/// running.
const IDEMPOTENCY_CONFLICT: &str = "idempotency_conflict";

/// An error response of this dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    pub(crate) code: Option<Box<str>>,
    pub(crate) param: Option<String>,
    /// Methods to list in an `Allow` header (405 only).
    pub(crate) allow: Option<String>,
    /// Members of `error` beyond the four every error has (`candidates`, `pipelineId`).
    /// Boxed, as most errors have none and every `Result` carries the error's size.
    pub(crate) extra: Option<Box<serde_json::Map<String, serde_json::Value>>>,
}

/// Status, `type` and default `code` of each error code: the one place that decides.
fn classify(code: ErrorCode) -> (StatusCode, &'static str, Option<&'static str>) {
    match code {
        ErrorCode::InvalidRequest => (StatusCode::BAD_REQUEST, "bad_request", None),
        ErrorCode::UnknownField => (StatusCode::BAD_REQUEST, "bad_request", Some("unknown_field")),
        ErrorCode::UnknownRelationship => (
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some("unknown_relationship"),
        ),
        ErrorCode::InvalidValue => (StatusCode::BAD_REQUEST, "bad_request", Some("invalid_value")),
        ErrorCode::ReadOnly => (StatusCode::BAD_REQUEST, "bad_request", Some("read_only")),
        ErrorCode::RequiredMissing => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_content",
            Some("parameter_missing"),
        ),
        ErrorCode::RelatedRecordMissing => (
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some("relationship_entity_missing"),
        ),
        ErrorCode::RelatedRecordTrashed => (
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some("relationship_entity_inactive"),
        ),
        ErrorCode::RelationshipLimit => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_content",
            Some("relationship_write_limit_exceeded"),
        ),
        ErrorCode::InvalidRelationshipOperation => (
            StatusCode::BAD_REQUEST,
            "bad_request",
            Some("invalid_relationship_operation"),
        ),
        ErrorCode::UniqueViolation => (StatusCode::CONFLICT, "conflict", Some("unique_violation")),
        ErrorCode::NotFound => (StatusCode::NOT_FOUND, "not_found", None),
        ErrorCode::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthorized", None),
        ErrorCode::PermissionDenied => (StatusCode::FORBIDDEN, "forbidden", None),
        ErrorCode::Conflict => (StatusCode::CONFLICT, "conflict", None),
        ErrorCode::IdempotencyConflict => (StatusCode::CONFLICT, "conflict", Some(IDEMPOTENCY_CONFLICT)),
        ErrorCode::DestructiveSchemaChange => (
            StatusCode::CONFLICT,
            "conflict",
            Some("destructive_schema_change"),
        ),
        ErrorCode::LimitExceeded => (StatusCode::BAD_REQUEST, "bad_request", Some("limit_exceeded")),
        ErrorCode::UnsupportedMediaType => {
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", None)
        }
        ErrorCode::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "too_many_requests", None),
        ErrorCode::AmbiguousStageLabel => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_content",
            Some("ambiguous_stage_label"),
        ),
        ErrorCode::StageNotInPipeline => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_content",
            Some("stage_unresolved_in_pipeline"),
        ),
        ErrorCode::UnknownPipeline => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_content",
            Some("unknown_pipeline"),
        ),
        ErrorCode::StorageFull => (StatusCode::INSUFFICIENT_STORAGE, "insufficient_storage", None),
        ErrorCode::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "service_unavailable", None),
        ErrorCode::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal_server_error", None),
        ErrorCode::MergeNotAllowed => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "unprocessable_content",
            Some("merge_not_allowed"),
        ),
    }
}

impl ApiError {
    /// An error of the given crmd code, with that code's status, type and default `code`.
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        let (status, kind, wire_code) = classify(code);
        ApiError {
            status,
            kind,
            message: message.into(),
            code: wire_code.map(Box::from),
            param: None,
            allow: None,
            extra: None,
        }
    }

    /// An error outside crmd's codes (405, 413, 501), given by status and type.
    pub(crate) fn with_status(
        status: StatusCode,
        kind: &'static str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            kind,
            message: message.into(),
            code: None,
            param: None,
            allow: None,
            extra: None,
        }
    }

    /// A 400 about a malformed request.
    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidRequest, message)
    }

    pub(crate) fn code(mut self, code: &str) -> ApiError {
        self.code = Some(code.into());
        self
    }

    pub(crate) fn param(mut self, param: impl Into<String>) -> ApiError {
        self.param = Some(param.into());
        self
    }

    /// Adds a member to the error body beside `type`, `message`, `code` and `param`.
    pub(crate) fn member(mut self, name: &str, value: serde_json::Value) -> ApiError {
        self.extra
            .get_or_insert_with(Box::default)
            .insert(name.to_owned(), value);
        self
    }

    /// The members pipeline errors carry: `candidates`, `pipelineId`, `activePipelineIds`
    /// and `truncated` when a list was capped.
    pub(crate) fn pipeline_members(self, error: &ServiceError) -> ApiError {
        let candidates = |candidates: &StageCandidates| {
            candidates
                .stages
                .iter()
                .map(|stage| {
                    serde_json::json!({
                        "stageOptionId": stage.stage_id,
                        "stageLabel": stage.stage_label,
                        "pipelineId": stage.pipeline_id,
                        "pipelineName": stage.pipeline_name,
                    })
                })
                .collect::<Vec<_>>()
                .into()
        };
        let with_truncated = |error: ApiError, candidates: &StageCandidates| {
            if candidates.is_truncated {
                error.member("truncated", true.into())
            } else {
                error
            }
        };
        if let ServiceError::AmbiguousStageLabel {
            candidates: listed, ..
        } = error
        {
            with_truncated(self.member("candidates", candidates(listed)), listed)
        } else if let ServiceError::StageNotInPipeline {
            pipeline_id,
            candidates: listed,
            ..
        } = error
        {
            with_truncated(
                self.member("pipelineId", pipeline_id.as_str().into())
                    .member("candidates", candidates(listed)),
                listed,
            )
        } else if let ServiceError::UnknownPipeline { active, .. } = error {
            self.member("activePipelineIds", active.clone().into())
        } else {
            self
        }
    }

    /// Translates a service error. `collection` names the resource in not-found messages
    /// (`accounts`, or a custom object type's slug).
    pub(crate) fn from_service(error: ServiceError, collection: &str) -> ApiError {
        let code = error.code();
        let message = if code == ErrorCode::NotFound {
            format!("No resource found in '{collection}' with the given ID.")
        } else if code == ErrorCode::Internal {
            log_internal(&error);
            "An internal error occurred; the server log has the details.".to_owned()
        } else {
            error.to_string()
        };
        let param = error.subject().map(|subject| match subject {
            Subject::Field(key) => format!("fields.{key}"),
            Subject::Relationship(key) => format!("relationships.{key}"),
            Subject::Parameter(name) => name,
            Subject::Resolution(key) => format!("fieldResolutions.{key}"),
        });
        let param =
            param.or_else(|| (code == ErrorCode::RelationshipLimit).then(|| "relationships".to_owned()));
        ApiError {
            param,
            ..ApiError::new(code, message)
        }
        .pipeline_members(&error)
    }

    /// Whether a retry could succeed. Client errors cannot, except timeouts, rate limits and
    /// an idempotency key in flight; nor can asking for an endpoint crmd does not implement.
    fn is_retryable(&self) -> bool {
        if self.status == StatusCode::NOT_IMPLEMENTED {
            return false;
        }
        !self.status.is_client_error()
            || self.status == StatusCode::REQUEST_TIMEOUT
            || self.status == StatusCode::TOO_MANY_REQUESTS
            || self.code.as_deref() == Some(IDEMPOTENCY_CONFLICT)
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

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let is_retryable = self.is_retryable();
        let body = wire::ErrorBody {
            error: wire::ErrorDetail {
                kind: self.kind,
                message: self.message,
                code: self.code.map(String::from),
                param: self.param,
                extra: self.extra.map(|extra| *extra).unwrap_or_default(),
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if !is_retryable {
            response
                .headers_mut()
                .insert(SHOULD_RETRY.clone(), HeaderValue::from_static("false"));
        }
        if let Some(allow) = self.allow.and_then(|allow| HeaderValue::from_str(&allow).ok()) {
            response.headers_mut().insert(http::header::ALLOW, allow);
        }
        response
    }
}
