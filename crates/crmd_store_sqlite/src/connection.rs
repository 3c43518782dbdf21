//! Opening connections with the right pragmas, the reader pool, and migrations.

use crate::Durability;
use crate::error::SqliteResultExt;
use crmd_store::StoreError;
use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const BUSY_TIMEOUT: Duration = Duration::from_millis(5000);
const STATEMENT_CACHE_CAPACITY: usize = 256;

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE_CAPACITY);
    // Referential checks happen in the writer; SQLite's own would only cost time.
    connection.pragma_update(None, "foreign_keys", "OFF")?;
    connection.pragma_update(None, "temp_store", "MEMORY")?;
    connection.pragma_update(None, "cache_size", -8000)?;
    Ok(connection)
}

/// The one connection that writes to a database: WAL, and `synchronous` per durability.
pub(crate) fn open_writer(path: &Path, durability: Durability) -> rusqlite::Result<Connection> {
    let connection = open(path)?;
    let mode: String = connection.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(path = %path.display(), mode, "sqlite refused WAL mode");
    }
    let synchronous = match durability {
        Durability::Full => "FULL",
        Durability::Relaxed => "NORMAL",
    };
    connection.pragma_update(None, "synchronous", synchronous)?;
    Ok(connection)
}

/// A connection that only reads.
pub(crate) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let connection = open(path)?;
    connection.pragma_update(None, "query_only", "ON")?;
    register_functions(&connection)?;
    Ok(connection)
}

/// SQL functions the query compiler uses.
fn register_functions(connection: &Connection) -> rusqlite::Result<()> {
    connection.create_scalar_function(
        "crmd_token_match",
        2,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |context| {
            let text = context.get_raw(0).as_str_or_null()?;
            let token = context.get_raw(1).as_str_or_null()?;
            Ok(match (text, token) {
                (Some(text), Some(token)) => Some(crate::query::token_match(text, token)),
                _ => None,
            })
        },
    )
}

/// Makes r2d2 hand out reader connections to one database file.
#[derive(Debug)]
pub(crate) struct ReaderManager {
    path: PathBuf,
}

impl r2d2::ManageConnection for ReaderManager {
    type Connection = Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Connection, rusqlite::Error> {
        open_reader(&self.path)
    }

    fn is_valid(&self, connection: &mut Connection) -> Result<(), rusqlite::Error> {
        connection.execute_batch("")
    }

    fn has_broken(&self, _connection: &mut Connection) -> bool {
        false
    }
}

pub(crate) type ReaderPool = r2d2::Pool<ReaderManager>;

/// A pool of `size` reader connections that live as long as the pool, so their statement
/// caches stay warm.
pub(crate) fn reader_pool(
    path: &Path,
    size: usize,
    thread_pool: Arc<scheduled_thread_pool::ScheduledThreadPool>,
) -> Result<ReaderPool, StoreError> {
    let size = u32::try_from(size.max(1)).unwrap_or(u32::MAX);
    r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(size))
        .max_lifetime(None)
        .idle_timeout(None)
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(30))
        .thread_pool(thread_pool)
        .build(ReaderManager {
            path: path.to_owned(),
        })
        .map_err(|error| StoreError::from(crate::error::InternalError::Pool(error)))
}

/// A forward-only migration: a timestamp-named SQL file.
pub(crate) struct Migration {
    pub(crate) name: &'static str,
    pub(crate) sql: &'static str,
}

pub(crate) const CATALOG_MIGRATIONS: &[Migration] = &[Migration {
    name: "20260601000000_catalog",
    sql: include_str!("../migrations/catalog/20260601000000_catalog.sql"),
}];

pub(crate) const WORKSPACE_MIGRATIONS: &[Migration] = &[
    Migration {
        name: "20260601000000_workspace",
        sql: include_str!("../migrations/workspace/20260601000000_workspace.sql"),
    },
    Migration {
        name: "20260701000000_idempotency_keys",
        sql: include_str!("../migrations/workspace/20260701000000_idempotency_keys.sql"),
    },
    Migration {
        name: "20260702120000_merges",
        sql: include_str!("../migrations/workspace/20260702120000_merges.sql"),
    },
    Migration {
        name: "20260710000000_search_text",
        sql: include_str!("../migrations/workspace/20260710000000_search_text.sql"),
    },
    Migration {
        name: "20260720000000_purge",
        sql: include_str!("../migrations/workspace/20260720000000_purge.sql"),
    },
];

/// Applies the migrations that `_migrations` does not list yet, each in its own
/// transaction, in order.
pub(crate) fn migrate(connection: &Connection, migrations: &[Migration]) -> Result<(), StoreError> {
    connection
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)",
        )
        .store()?;
    for migration in migrations {
        // Checked inside the write transaction, so that two processes opening the same
        // file apply each migration once.
        connection.execute_batch("BEGIN IMMEDIATE").store()?;
        let applied = connection
            .query_row(
                "SELECT 1 FROM _migrations WHERE name = ?1",
                [migration.name],
                |_| Ok(()),
            )
            .optional()
            .and_then(|is_applied| match is_applied {
                Some(()) => Ok(()),
                None => connection.execute_batch(migration.sql).and_then(|()| {
                    connection
                        .execute(
                            "INSERT INTO _migrations (name, applied_at) VALUES (?1, ?2)",
                            rusqlite::params![migration.name, crmd_core::Timestamp::now().millis()],
                        )
                        .map(drop)
                }),
            });
        match applied {
            Ok(()) => connection.execute_batch("COMMIT").store()?,
            Err(error) => {
                // The migration's own error is the one worth reporting.
                let _ = connection.execute_batch("ROLLBACK");
                return Err(crate::error::sqlite_error(error));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_use_wal_and_the_chosen_durability_and_readers_only_read() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("test.db");
        for (durability, expected) in [(Durability::Full, 2), (Durability::Relaxed, 1)] {
            let writer = open_writer(&path, durability).unwrap();
            let mode: String = writer
                .query_row("PRAGMA journal_mode", [], |row| row.get(0))
                .unwrap();
            let synchronous: i64 = writer
                .query_row("PRAGMA synchronous", [], |row| row.get(0))
                .unwrap();
            let foreign_keys: i64 = writer
                .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
                .unwrap();
            let busy_timeout: i64 = writer
                .query_row("PRAGMA busy_timeout", [], |row| row.get(0))
                .unwrap();
            assert_eq!(
                (mode.as_str(), synchronous, foreign_keys, busy_timeout),
                ("wal", expected, 0, 5000)
            );
        }
        let writer = open_writer(&path, Durability::Full).unwrap();
        migrate(&writer, WORKSPACE_MIGRATIONS).unwrap();
        migrate(&writer, WORKSPACE_MIGRATIONS).unwrap();
        let applied: i64 = writer
            .query_row("SELECT COUNT(*) FROM _migrations", [], |row| row.get(0))
            .unwrap();
        assert_eq!(
            applied,
            WORKSPACE_MIGRATIONS.len() as i64,
            "each migration runs once"
        );

        let reader = open_reader(&path).unwrap();
        assert!(
            reader
                .execute("INSERT INTO records (id, object_type_id) VALUES (1, 'x')", [])
                .is_err()
        );
        let matched: bool = reader
            .query_row("SELECT crmd_token_match('Acme, Inc.', 'inc')", [], |row| {
                row.get(0)
            })
            .unwrap();
        assert!(matched, "readers have the token function");
    }
}
