use crmd_core::ErrorCode;

/// Why a query was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("unknown field {key:?} on object {object_type:?}")]
    UnknownField { object_type: String, key: String },
    #[error("unknown relationship {key:?} on object {object_type:?}")]
    UnknownRelationship { object_type: String, key: String },
    #[error("operator {op} is not supported for {field_type} field {key:?}")]
    UnsupportedOperator {
        key: String,
        op: &'static str,
        field_type: &'static str,
    },
    #[error("invalid value for {key:?}: {reason}")]
    InvalidValue { key: String, reason: String },
    #[error("{what} exceeds the limit of {limit}")]
    TooLarge { what: &'static str, limit: u64 },
    #[error("invalid cursor")]
    InvalidCursor,
}

impl QueryError {
    pub fn code(&self) -> ErrorCode {
        match self {
            QueryError::UnknownField { .. } => ErrorCode::UnknownField,
            QueryError::UnknownRelationship { .. } => ErrorCode::UnknownRelationship,
            QueryError::UnsupportedOperator { .. } | QueryError::InvalidCursor => ErrorCode::InvalidRequest,
            QueryError::InvalidValue { .. } => ErrorCode::InvalidValue,
            QueryError::TooLarge { .. } => ErrorCode::LimitExceeded,
        }
    }

    /// The field or relationship key the error is about, when there is one.
    pub fn key(&self) -> Option<&str> {
        match self {
            QueryError::UnknownField { key, .. }
            | QueryError::UnknownRelationship { key, .. }
            | QueryError::UnsupportedOperator { key, .. }
            | QueryError::InvalidValue { key, .. } => Some(key),
            QueryError::TooLarge { .. } | QueryError::InvalidCursor => None,
        }
    }
}
