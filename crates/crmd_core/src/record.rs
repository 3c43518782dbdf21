//! Records, their history and the change log.

use crate::ids::RecordId;
use crate::time::Timestamp;
use crate::value::Value;
use std::collections::BTreeMap;

/// One record of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: RecordId,
    /// The slug of its object type.
    pub object_type: String,
    /// Set values by field key. Unset fields are absent.
    pub values: BTreeMap<String, Value>,
    /// Related record ids by relationship key, for every keyed relationship of the type
    /// (an empty list when there are none), oldest link first.
    pub relationships: BTreeMap<String, Vec<RecordId>>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When the record was moved to the trash; `None` while it is active.
    pub trashed_at: Option<Timestamp>,
    pub external_id: Option<String>,
}

impl Record {
    pub fn is_trashed(&self) -> bool {
        self.trashed_at.is_some()
    }

    pub fn value(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    pub fn related(&self, key: &str) -> &[RecordId] {
        self.relationships.get(key).map(Vec::as_slice).unwrap_or_default()
    }
}

/// One past value of one field of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// `None` when the field was cleared.
    pub value: Option<Value>,
    pub recorded_at: Timestamp,
    /// The change-log sequence number of the write that set it.
    pub seq: u64,
    /// Set by the record's creation.
    pub is_create: bool,
}

/// What a change did to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    Create,
    Update,
    Trash,
    Restore,
    /// The record absorbed another record of its type (the merge's primary): values
    /// written onto it and the links it took over.
    Merge,
    /// The record was merged into another and moved to the trash (the merge's duplicate):
    /// the links that moved away from it.
    MergeTrash,
    /// The record was deleted for good, with its history: the entry names the record and
    /// nothing else, and the record's earlier entries keep no values.
    Purge,
}

impl ChangeOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeOp::Create => "create",
            ChangeOp::Update => "update",
            ChangeOp::Trash => "trash",
            ChangeOp::Restore => "restore",
            ChangeOp::Merge => "merge",
            ChangeOp::MergeTrash => "merge_trash",
            ChangeOp::Purge => "purge",
        }
    }

    pub fn parse(name: &str) -> Option<ChangeOp> {
        match name {
            "create" => Some(ChangeOp::Create),
            "update" => Some(ChangeOp::Update),
            "trash" => Some(ChangeOp::Trash),
            "restore" => Some(ChangeOp::Restore),
            "merge" => Some(ChangeOp::Merge),
            "merge_trash" => Some(ChangeOp::MergeTrash),
            "purge" => Some(ChangeOp::Purge),
            _ => None,
        }
    }
}

/// One field's old and new value in a change.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub key: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// Links added to and removed from one relationship in a change.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipChange {
    pub key: String,
    pub added: Vec<RecordId>,
    pub removed: Vec<RecordId>,
}

/// One entry of a workspace's change log. Every mutation appends exactly one.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Monotonic and gapless within a workspace.
    pub seq: u64,
    pub at: Timestamp,
    /// Who made the change (`key:<key id>`, `cli`).
    pub actor: String,
    pub object_type: String,
    pub record_id: RecordId,
    pub op: ChangeOp,
    pub fields: Vec<FieldChange>,
    pub relationships: Vec<RelationshipChange>,
    /// For merge entries, the other record of the merge: the duplicate on the primary's
    /// `Merge` entry, the primary on the duplicate's `MergeTrash` entry.
    pub merged_with: Option<RecordId>,
}

/// A merge of two records of one object type: the primary kept its id and absorbed the
/// duplicate's values and links; the duplicate went to the trash. Merges are done in one
/// transaction, so every stored merge is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// Sequential per workspace, from 1.
    pub id: u64,
    /// The slug of the merged records' object type.
    pub object_type: String,
    pub primary: RecordId,
    pub duplicate: RecordId,
    /// The change-log sequence number of the primary's `Merge` entry.
    pub seq: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}
