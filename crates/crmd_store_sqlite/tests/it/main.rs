//! Integration tests of the SQLite store: the shared conformance suite, plus what only this
//! backend promises (durability plumbing, group commit, index use, schema migrations,
//! purges, shutdown).

// Helpers outside `#[test]` functions panic on unexpected errors too.
#![allow(clippy::unwrap_used)]

mod conformance;
mod durability;
mod group_commit;
mod migration;
mod purge;
mod query_plan;
mod search;
mod shutdown;

use crmd_core::{RecordId, Value, WorkspaceId};
use crmd_store::conformance::sample_schema;
use crmd_store::{NewRecord, Store};
use crmd_store_sqlite::{SqliteOptions, SqliteStore};
use std::collections::BTreeMap;

/// A store in a fresh temporary folder.
pub(crate) fn temporary_store() -> (SqliteStore, tempfile::TempDir) {
    SqliteStore::open_temporary(SqliteOptions::default()).expect("open a temporary store")
}

pub(crate) async fn sample_workspace(store: &SqliteStore, name: &str) -> WorkspaceId {
    store
        .create_workspace(name, sample_schema())
        .await
        .expect("create workspace")
        .id
}

pub(crate) fn new_record(object_type: &str, values: &[(&str, Value)]) -> NewRecord {
    NewRecord {
        object_type: object_type.to_owned(),
        values: values
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect(),
        relationships: BTreeMap::new(),
        external_id: None,
    }
}

pub(crate) fn linked(mut record: NewRecord, key: &str, ids: &[RecordId]) -> NewRecord {
    record.relationships.insert(key.to_owned(), ids.to_vec());
    record
}

/// The path of a workspace's database file.
pub(crate) fn workspace_file(folder: &std::path::Path, workspace: WorkspaceId) -> std::path::PathBuf {
    folder.join("workspaces").join(format!("{workspace}.db"))
}
