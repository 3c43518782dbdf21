use crmd_core::{Merge, Record, RecordId, Timestamp, Value, WorkspaceId};
use crmd_query::Cursor;
use std::collections::BTreeMap;

/// A tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    pub id: WorkspaceId,
    pub name: String,
    pub created_at: Timestamp,
}

/// An API key as the catalog stores it: never the secret, only its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    /// The public part of the key, used to find it.
    pub key_id: String,
    pub workspace: WorkspaceId,
    pub secret_sha256: [u8; 32],
    /// Permission names (`accounts:read`); empty means every permission.
    pub scopes: Vec<String>,
    pub label: Option<String>,
    pub created_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey {
    pub key_id: String,
    pub workspace: WorkspaceId,
    pub secret_sha256: [u8; 32],
    pub scopes: Vec<String>,
    pub label: Option<String>,
}

/// A record to insert. Values are normalized; relationship keys are the new record's.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewRecord {
    pub object_type: String,
    pub values: BTreeMap<String, Value>,
    pub relationships: BTreeMap<String, Vec<RecordId>>,
    pub external_id: Option<String>,
}

/// Changes to an existing record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordChanges {
    /// New values by field key; `None` clears the field.
    pub values: BTreeMap<String, Option<Value>>,
    /// Applied in order.
    pub relationships: Vec<RelationshipWrite>,
}

impl RecordChanges {
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.relationships.is_empty()
    }
}

/// One operation on one relationship of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipWrite {
    pub key: String,
    pub op: RelationshipOp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RelationshipOp {
    /// Link exactly these records (none clears the relationship).
    Replace(Vec<RecordId>),
    /// Link these records too; ones already linked stay linked once.
    Add(Vec<RecordId>),
    /// Unlink these records; ones not linked are ignored.
    Remove(Vec<RecordId>),
}

/// One page of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordPage {
    pub records: Vec<Record>,
    /// Every match, when the query asked for it.
    pub total: Option<u64>,
    /// Where the next page starts, for keyset pages with more matches.
    pub next_cursor: Option<Cursor>,
}

/// A merge to perform: `duplicate` is folded into `primary`, both active records of
/// `object_type`, and moved to the trash.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeRecords {
    pub object_type: String,
    pub primary: RecordId,
    pub duplicate: RecordId,
    /// Values to write onto the primary, normalized, by field key; `None` clears. The
    /// caller has resolved them already; the store writes them as they are.
    pub values: BTreeMap<String, Option<Value>>,
}

/// What a merge did.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeOutcome {
    pub merge: Merge,
    /// The primary after the merge.
    pub primary: Record,
    /// Fields of the primary whose value changed.
    pub field_write_count: u64,
    /// Links of the duplicate that now belong to the primary (links the primary already
    /// had are not counted).
    pub repointed_count: u64,
    /// Links of the duplicate that were dropped, one sentence each.
    pub warnings: Vec<String>,
}
