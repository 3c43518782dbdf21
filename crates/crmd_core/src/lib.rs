//! crmd's model: workspaces, object types, fields, relationships, typed values, records,
//! changes and the closed set of error codes every dialect maps.
//!
//! Nothing here does IO, runs async code, speaks HTTP or knows SQL.
//! Values are validated and normalized here ([`value::normalize`]) so that every dialect
//! and every store agrees on what a stored value looks like.

pub mod error_code;
pub mod field_type;
pub mod ids;
pub mod record;
pub mod schema;
pub mod time;
pub mod value;

pub use error_code::ErrorCode;
pub use field_type::{Cardinality, FieldType, HandleService};
pub use ids::{RecordId, WorkspaceId};
pub use record::{Change, ChangeOp, FieldChange, HistoryEntry, Merge, Record, RelationshipChange};
pub use schema::{
    FieldConfig, FieldDef, ObjectType, RelationshipDef, RelationshipEnd, RelationshipSide, Schema,
    SelectOption,
};
pub use time::Timestamp;
pub use value::{
    Address, FullName, MAX_LONG_TEXT_CHARS, MAX_TEXT_CHARS, Value, ValueError, normalize, parse_text,
};
