//! Integration tests of the SQLite store: the shared conformance suite, plus what only this
//! backend promises (durability plumbing, group commit, index use, migrations).

mod conformance;

use crmd_store_sqlite::{SqliteOptions, SqliteStore};

/// A store in a fresh temporary folder.
pub(crate) fn temporary_store() -> (SqliteStore, tempfile::TempDir) {
    SqliteStore::open_temporary(SqliteOptions::default()).expect("open a temporary store")
}
