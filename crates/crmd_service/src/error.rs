use crmd_core::{ErrorCode, RecordId};
use crmd_query::QueryError;
use crmd_store::StoreError;

/// What an error is about, so that each dialect can point at it in its own terms
/// (Lightfield `param: "fields.$name"`, HubSpot property names, JSON:API pointers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Field(String),
    Relationship(String),
    /// A request parameter named by the dialect (`limit`, `Idempotency-Key`).
    Parameter(String),
    /// The resolution of one field in a merge, by the key the request gave.
    Resolution(String),
}

/// One stage a stage label or pipeline could mean, for error bodies that list them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageCandidate {
    pub stage_id: String,
    pub stage_label: String,
    pub pipeline_id: String,
    pub pipeline_name: String,
}

/// Stages listed by a pipeline error, capped; `is_truncated` when some were left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageCandidates {
    pub stages: Vec<StageCandidate>,
    pub is_truncated: bool,
}

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("missing or invalid API key")]
    Unauthenticated,
    #[error("the API key lacks the scope {scope:?}")]
    PermissionDenied { scope: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("unknown field {key:?} on object {object_type:?}")]
    UnknownField { object_type: String, key: String },
    #[error("unknown relationship {key:?} on object {object_type:?}")]
    UnknownRelationship { object_type: String, key: String },
    #[error("{} {key:?} is read-only", if *is_relationship { "relationship" } else { "field" })]
    ReadOnly { key: String, is_relationship: bool },
    #[error("{} {key:?} is required", if *is_relationship { "relationship" } else { "field" })]
    RequiredMissing { key: String, is_relationship: bool },
    #[error("invalid value for field {key:?}: {reason}")]
    InvalidValue { key: String, reason: String },
    #[error("a request may reference at most {limit} records in relationships")]
    RelationshipLimit { limit: usize },
    #[error("invalid operation on relationship {key:?}: {reason}")]
    InvalidRelationshipOperation { key: String, reason: String },
    #[error("record {id} for relationship {key:?} does not exist")]
    RelatedMissing { key: String, id: RecordId },
    #[error("record {id} for relationship {key:?} is in the trash")]
    RelatedTrashed { key: String, id: RecordId },
    #[error("value for unique field {key:?} is already used by record {existing}")]
    UniqueViolation { key: String, existing: RecordId },
    #[error("{0}")]
    Conflict(String),
    #[error("a request with this idempotency key is still in progress; retry it later")]
    IdempotencyConflict,
    #[error("invalid schema: {0}")]
    InvalidSchema(String),
    #[error("the schema change would destroy data: {}; apply it with destructive changes allowed", .0.join("; "))]
    DestructiveSchemaChange(Vec<String>),
    #[error("{message}")]
    AmbiguousStageLabel {
        key: String,
        message: String,
        candidates: StageCandidates,
    },
    #[error("stage {stage:?} is not a stage of pipeline {pipeline_id:?}")]
    StageNotInPipeline {
        key: String,
        stage: String,
        pipeline_id: String,
        candidates: StageCandidates,
    },
    #[error("unknown pipeline {pipeline:?}; pipelines are {}", active.join(", "))]
    UnknownPipeline {
        key: String,
        pipeline: String,
        active: Vec<String>,
    },
    #[error("{message}")]
    InvalidRequest {
        message: String,
        subject: Option<Subject>,
    },
    #[error("record {id} cannot be merged with itself")]
    SelfMerge { id: RecordId },
    #[error(
        "cannot merge two {object_type} records linked to different records over {key:?}; both must have the same"
    )]
    MergeNotAllowed { key: String, object_type: String },
    /// An error about the resolution of one field in a merge, by the key the request gave.
    #[error("{error}")]
    InResolution { key: String, error: Box<ServiceError> },
    #[error(transparent)]
    Query(#[from] QueryError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    /// Store errors that concern a named field or relationship become the matching service
    /// errors, so that dialects see one vocabulary.
    fn from(error: StoreError) -> ServiceError {
        match error {
            StoreError::NotFound => ServiceError::NotFound {
                what: "record".into(),
            },
            StoreError::UniqueViolation { field, existing } => {
                ServiceError::UniqueViolation { key: field, existing }
            }
            StoreError::RelatedMissing { key, id } => ServiceError::RelatedMissing { key, id },
            StoreError::RelatedTrashed { key, id } => ServiceError::RelatedTrashed { key, id },
            StoreError::IdempotencyKeyUsed => ServiceError::IdempotencyConflict,
            StoreError::TooManyRelated { key } => ServiceError::InvalidRelationshipOperation {
                reason: "it holds at most one record".into(),
                key,
            },
            other @ (StoreError::WorkspaceNotFound(_)
            | StoreError::Conflict(_)
            | StoreError::StorageFull(_)
            | StoreError::ShuttingDown
            | StoreError::Backend(_)) => ServiceError::Store(other),
        }
    }
}

impl ServiceError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ServiceError::Unauthenticated => ErrorCode::Unauthenticated,
            ServiceError::PermissionDenied { .. } => ErrorCode::PermissionDenied,
            ServiceError::NotFound { .. } => ErrorCode::NotFound,
            ServiceError::UnknownField { .. } => ErrorCode::UnknownField,
            ServiceError::UnknownRelationship { .. } => ErrorCode::UnknownRelationship,
            ServiceError::ReadOnly { .. } => ErrorCode::ReadOnly,
            ServiceError::RequiredMissing { .. } => ErrorCode::RequiredMissing,
            ServiceError::InvalidValue { .. } => ErrorCode::InvalidValue,
            ServiceError::RelationshipLimit { .. } => ErrorCode::RelationshipLimit,
            ServiceError::InvalidRelationshipOperation { .. } => ErrorCode::InvalidRelationshipOperation,
            ServiceError::RelatedMissing { .. } => ErrorCode::RelatedRecordMissing,
            ServiceError::RelatedTrashed { .. } => ErrorCode::RelatedRecordTrashed,
            ServiceError::UniqueViolation { .. } => ErrorCode::UniqueViolation,
            ServiceError::Conflict(_) => ErrorCode::Conflict,
            ServiceError::IdempotencyConflict => ErrorCode::IdempotencyConflict,
            ServiceError::InvalidSchema(_) => ErrorCode::InvalidRequest,
            ServiceError::DestructiveSchemaChange(_) => ErrorCode::DestructiveSchemaChange,
            ServiceError::InvalidRequest { .. } => ErrorCode::InvalidRequest,
            ServiceError::SelfMerge { .. } => ErrorCode::InvalidRequest,
            ServiceError::MergeNotAllowed { .. } => ErrorCode::MergeNotAllowed,
            ServiceError::InResolution { error, .. } => error.code(),
            ServiceError::AmbiguousStageLabel { .. } => ErrorCode::AmbiguousStageLabel,
            ServiceError::StageNotInPipeline { .. } => ErrorCode::StageNotInPipeline,
            ServiceError::UnknownPipeline { .. } => ErrorCode::UnknownPipeline,
            ServiceError::Query(error) => error.code(),
            ServiceError::Store(error) => error.code(),
        }
    }

    /// The field, relationship or parameter the error is about.
    pub fn subject(&self) -> Option<Subject> {
        match self {
            ServiceError::UnknownField { key, .. } | ServiceError::InvalidValue { key, .. } => {
                Some(Subject::Field(key.clone()))
            }
            ServiceError::UniqueViolation { key, .. }
            | ServiceError::AmbiguousStageLabel { key, .. }
            | ServiceError::StageNotInPipeline { key, .. }
            | ServiceError::UnknownPipeline { key, .. } => Some(Subject::Field(key.clone())),
            ServiceError::ReadOnly { key, is_relationship }
            | ServiceError::RequiredMissing { key, is_relationship } => Some(if *is_relationship {
                Subject::Relationship(key.clone())
            } else {
                Subject::Field(key.clone())
            }),
            ServiceError::UnknownRelationship { key, .. }
            | ServiceError::InvalidRelationshipOperation { key, .. }
            | ServiceError::RelatedMissing { key, .. }
            | ServiceError::RelatedTrashed { key, .. } => Some(Subject::Relationship(key.clone())),
            ServiceError::InvalidRequest { subject, .. } => subject.clone(),
            ServiceError::MergeNotAllowed { key, .. } => Some(Subject::Relationship(key.clone())),
            ServiceError::InResolution { key, .. } => Some(Subject::Resolution(key.clone())),
            ServiceError::Query(error) => error.key().map(|key| Subject::Field(key.to_owned())),
            ServiceError::Unauthenticated
            | ServiceError::PermissionDenied { .. }
            | ServiceError::NotFound { .. }
            | ServiceError::RelationshipLimit { .. }
            | ServiceError::Conflict(_)
            | ServiceError::IdempotencyConflict
            | ServiceError::InvalidSchema(_)
            | ServiceError::DestructiveSchemaChange(_)
            | ServiceError::SelfMerge { .. }
            | ServiceError::Store(_) => None,
        }
    }

    pub fn invalid_request(message: impl Into<String>, subject: Option<Subject>) -> ServiceError {
        ServiceError::InvalidRequest {
            message: message.into(),
            subject,
        }
    }
}
