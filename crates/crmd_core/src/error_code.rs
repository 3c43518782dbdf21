//! The closed set of error codes a client can see.
//!
//! Each dialect maps every code to its status and error body in one `match` with no
//! catch-all arm, so that adding a code makes every dialect decide.

/// What went wrong, independent of any vendor's wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A request parameter or body is malformed (bad JSON type, bad query parameter).
    InvalidRequest,
    /// A field key that the object type does not define.
    UnknownField,
    /// A relationship key that the object type does not define.
    UnknownRelationship,
    /// A value that fails its field type's validation.
    InvalidValue,
    /// A write to a read-only field or relationship.
    ReadOnly,
    /// A required field is missing or being cleared.
    RequiredMissing,
    /// A relationship names a record that does not exist (or is of another object type).
    RelatedRecordMissing,
    /// A relationship names a record that is in the trash.
    RelatedRecordTrashed,
    /// Too many ids or links in one relationship write.
    RelationshipLimit,
    /// A relationship operation the relationship does not allow (e.g. `replace` on HAS_MANY).
    InvalidRelationshipOperation,
    /// A value is already taken by another record for a unique field.
    UniqueViolation,
    /// The record, object type or resource does not exist (or belongs to another workspace).
    NotFound,
    /// No credentials, or credentials that are not valid.
    Unauthenticated,
    /// Valid credentials without the needed scope.
    PermissionDenied,
    /// The request conflicts with the current state (duplicate definition, in-flight request).
    Conflict,
    /// A request with the same idempotency key is still running; retrying later replays it.
    IdempotencyConflict,
    /// A schema change that would destroy data, refused without an explicit allowance.
    DestructiveSchemaChange,
    /// A request over a configured bound (body size, batch size, page size, string length).
    LimitExceeded,
    /// The request body is not in a media type the endpoint accepts.
    UnsupportedMediaType,
    /// Too many requests in the current window.
    RateLimited,
    /// A stage label that names stages of several pipelines, with no pipeline to pick one.
    AmbiguousStageLabel,
    /// A stage that the pipeline given with it does not have.
    StageNotInPipeline,
    /// A pipeline that the object type does not have.
    UnknownPipeline,
    /// The storage is full; nothing was written.
    StorageFull,
    /// The server is shutting down or the storage is temporarily unavailable.
    Unavailable,
    /// A bug or an unexpected backend failure.
    Internal,
    /// Two records that the rules do not allow to merge (linked to different records over a
    /// required HAS_ONE relationship, such as opportunities of different accounts).
    MergeNotAllowed,
}

impl ErrorCode {
    /// A stable snake_case name, used in logs and in crmd's own error bodies.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::UnknownField => "unknown_field",
            ErrorCode::UnknownRelationship => "unknown_relationship",
            ErrorCode::InvalidValue => "invalid_value",
            ErrorCode::ReadOnly => "read_only",
            ErrorCode::RequiredMissing => "required_missing",
            ErrorCode::RelatedRecordMissing => "related_record_missing",
            ErrorCode::RelatedRecordTrashed => "related_record_trashed",
            ErrorCode::RelationshipLimit => "relationship_limit",
            ErrorCode::InvalidRelationshipOperation => "invalid_relationship_operation",
            ErrorCode::UniqueViolation => "unique_violation",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::Conflict => "conflict",
            ErrorCode::IdempotencyConflict => "idempotency_conflict",
            ErrorCode::DestructiveSchemaChange => "destructive_schema_change",
            ErrorCode::LimitExceeded => "limit_exceeded",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::AmbiguousStageLabel => "ambiguous_stage_label",
            ErrorCode::StageNotInPipeline => "stage_not_in_pipeline",
            ErrorCode::UnknownPipeline => "unknown_pipeline",
            ErrorCode::StorageFull => "storage_full",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::MergeNotAllowed => "merge_not_allowed",
        }
    }
}
