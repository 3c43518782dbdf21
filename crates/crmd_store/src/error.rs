use crmd_core::{ErrorCode, RecordId};

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("workspace {0} not found")]
    WorkspaceNotFound(String),
    #[error("value already taken for unique field {field:?} by record {existing}")]
    UniqueViolation { field: String, existing: RecordId },
    #[error("record {id} for relationship {key:?} does not exist")]
    RelatedMissing { key: String, id: RecordId },
    #[error("record {id} for relationship {key:?} is in the trash")]
    RelatedTrashed { key: String, id: RecordId },
    #[error("relationship {key:?} holds at most one record")]
    TooManyRelated { key: String },
    #[error("{0}")]
    Conflict(String),
    #[error("a response is already stored under this idempotency key")]
    IdempotencyKeyUsed,
    #[error("the storage is full")]
    StorageFull(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("storage is shutting down")]
    ShuttingDown,
    #[error("storage backend failed")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    pub fn code(&self) -> ErrorCode {
        match self {
            StoreError::NotFound | StoreError::WorkspaceNotFound(_) => ErrorCode::NotFound,
            StoreError::UniqueViolation { .. } => ErrorCode::UniqueViolation,
            StoreError::RelatedMissing { .. } => ErrorCode::RelatedRecordMissing,
            StoreError::RelatedTrashed { .. } => ErrorCode::RelatedRecordTrashed,
            StoreError::TooManyRelated { .. } => ErrorCode::InvalidRelationshipOperation,
            StoreError::Conflict(_) => ErrorCode::Conflict,
            StoreError::IdempotencyKeyUsed => ErrorCode::IdempotencyConflict,
            StoreError::StorageFull(_) => ErrorCode::StorageFull,
            StoreError::ShuttingDown => ErrorCode::Unavailable,
            StoreError::Backend(_) => ErrorCode::Internal,
        }
    }

    pub fn backend(error: impl std::error::Error + Send + Sync + 'static) -> StoreError {
        StoreError::Backend(Box::new(error))
    }
}
