//! Errors of this backend that have no `StoreError` variant of their own, and the mapping of
//! SQLite's errors onto `StoreError`.

use crmd_store::StoreError;

/// A failure that is a bug in a caller or damage to the data, never a client's mistake.
/// It reaches callers as `StoreError::Backend`.
#[derive(Debug, thiserror::Error)]
pub enum InternalError {
    #[error("unknown object type {0:?}")]
    UnknownObjectType(String),
    #[error("unknown field {key:?} on object type {object_type:?}")]
    UnknownField { object_type: String, key: String },
    #[error("unknown relationship {key:?} on object type {object_type:?}")]
    UnknownRelationship { object_type: String, key: String },
    #[error("value of field {key:?} does not fit its type {field_type}")]
    ValueTypeMismatch { key: String, field_type: &'static str },
    #[error("filter value does not fit {what}")]
    FilterValueMismatch { what: String },
    #[error("invalid schema: {0}")]
    InvalidSchema(String),
    #[error("stored data is damaged: {0}")]
    Corrupt(String),
    #[error("workspace {0} is in the catalog but its database file is missing")]
    MissingDatabase(i64),
    #[error("the writer of workspace {0} stopped")]
    WriterStopped(i64),
    #[error("commit failed: {0}")]
    CommitFailed(String),
    #[error("reader pool: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

impl From<InternalError> for StoreError {
    fn from(error: InternalError) -> StoreError {
        StoreError::Backend(Box::new(error))
    }
}

/// Whether SQLite says the disk (or the database size limit) is full.
pub(crate) fn is_storage_full(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(failure, _) if failure.code == rusqlite::ErrorCode::DiskFull)
}

/// Maps an unexpected SQLite error: a full disk becomes `StorageFull`, anything else `Backend`.
pub(crate) fn sqlite_error(error: rusqlite::Error) -> StoreError {
    if is_storage_full(&error) {
        StoreError::StorageFull(Box::new(error))
    } else {
        StoreError::Backend(Box::new(error))
    }
}

/// Lets `?` turn SQLite errors into `StoreError` inside this crate.
pub(crate) trait SqliteResultExt<T> {
    fn store(self) -> Result<T, StoreError>;
}

impl<T> SqliteResultExt<T> for Result<T, rusqlite::Error> {
    fn store(self) -> Result<T, StoreError> {
        self.map_err(sqlite_error)
    }
}

/// A fresh error for each job of a commit group whose COMMIT failed.
pub(crate) fn commit_error(error: &rusqlite::Error) -> StoreError {
    let internal = Box::new(InternalError::CommitFailed(error.to_string()));
    if is_storage_full(error) {
        StoreError::StorageFull(internal)
    } else {
        StoreError::Backend(internal)
    }
}

/// Copies a job's error for the other jobs of a group that had to be abandoned.
pub(crate) fn copy_error(error: &StoreError) -> StoreError {
    let internal = Box::new(InternalError::CommitFailed(error.to_string()));
    match error {
        StoreError::StorageFull(_) => StoreError::StorageFull(internal),
        StoreError::ShuttingDown => StoreError::ShuttingDown,
        StoreError::NotFound
        | StoreError::WorkspaceNotFound(_)
        | StoreError::UniqueViolation { .. }
        | StoreError::RelatedMissing { .. }
        | StoreError::RelatedTrashed { .. }
        | StoreError::TooManyRelated { .. }
        | StoreError::Conflict(_)
        | StoreError::IdempotencyKeyUsed
        | StoreError::Backend(_) => StoreError::Backend(internal),
    }
}
