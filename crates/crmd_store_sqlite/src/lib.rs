//! crmd's SQLite storage backend, the default.
//!
//! A data folder holds a catalog database (`catalog.db`: workspaces and API keys) and one
//! database per workspace (`workspaces/<id>.db`), all in WAL mode. Each object type is a
//! real table (`r_<object type id>`) with one column per field (named by the field id);
//! edges, unique values, field history and the change log have their own tables.
//!
//! Writes to a workspace go through its one writer thread, which commits every write that
//! is waiting in one transaction (group commit) and answers each only after COMMIT returned.
//! With [`Durability::Full`] (the default) a commit is synced to disk (`synchronous=FULL`);
//! [`Durability::Relaxed`] (`synchronous=NORMAL`) survives process crashes but may lose the
//! last moments of acknowledged writes on power loss or an OS crash, and never corrupts.
//! Reads use a pool of read-only connections and never wait for the writer.
//!
//! Tables of a workspace database (fixed ones in `migrations/workspace/`):
//!
//! | table | holds |
//! |---|---|
//! | `r_<object type id>` | one row per record: `id`, `created_at`, `updated_at`, `trashed_at`, `external_id` (all ms or text), then one column per field named by the field id |
//! | `records` | every record's id, object type id and `trashed_at`: existence, type and trash state in one lookup |
//! | `edges` | links `(src, rel_id, dst, label, created_seq)`, always from the relationship's source end to its target end |
//! | `unique_values` | `(field_id, lowercased value) → record_id` for unique fields of active records |
//! | `changes` | the change log, `seq` gapless; `payload` is JSON with each field's type, old and new value |
//! | `field_history` | `(record_id, field_id, seq) → value` (storage JSON, NULL when cleared) |
//! | `idempotency_keys` | `(operation, key) → status, body, expires_at`: responses of idempotent writes, saved in the write's transaction |
//! | `merges` | one row per merge: sequential `id`, object type slug, primary and duplicate ids, the `seq` of the primary's merge change |
//! | `search_text`, `search_state` | the full-text index (FTS5, contentless, rowid = record id) and whether it still has to be filled |
//! | `_schema`, `counters`, `_migrations` | the schema as JSON with its version, the next record id and seq, applied migrations |
//!
//! Column types by field type: short text (TEXT, EMAIL, URL, TELEPHONE, SOCIAL_HANDLE)
//! `TEXT COLLATE NOCASE`; MARKDOWN and HTML `TEXT`; NUMBER `REAL`; CURRENCY `INTEGER`
//! holding the amount × 10^4; CHECKBOX `INTEGER` 0/1; DATETIME `INTEGER` ms; DATE `TEXT`
//! `YYYY-MM-DD`; SINGLE_SELECT `TEXT` option id; MULTI_SELECT and multiple values `TEXT` JSON
//! array; ADDRESS and FULL_NAME `TEXT` JSON ([`crmd_store::codec`]). Every scalar column is
//! indexed, and so are `created_at`, `updated_at` and `external_id`.

mod catalog;
mod connection;
mod ddl;
mod error;
mod idempotency;
mod key_cache;
mod layout;
mod merge;
mod purge;
mod query;
mod read;
mod schema_json;
mod search;
mod workspace;
mod write;
mod writer;

pub use error::InternalError;

use crate::connection::{CATALOG_MIGRATIONS, ReaderPool, migrate, open_writer, reader_pool};
use crate::error::SqliteResultExt;
use crate::layout::Layout;
use crate::workspace::{WorkspaceDb, remove_database};
use async_trait::async_trait;
use crmd_core::{Change, HistoryEntry, Merge, Record, RecordId, Schema, Timestamp, WorkspaceId};
use crmd_query::Query;
use crmd_store::{
    ApiKey, BatchMode, IdempotencyEntry, IdempotencyKey, MergeOutcome, MergeRecords, NewApiKey, RecordPage,
    RecordWrite, Store, StoreError, StoreResult, StoredResponse, Workspace,
};
use parking_lot::{Mutex, RwLock};
use rusqlite::Connection;
use scheduled_thread_pool::ScheduledThreadPool;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// How hard a commit tries to reach the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Every commit is synced (`synchronous=FULL`): acknowledged writes survive power loss.
    #[default]
    Full,
    /// Commits are synced only at checkpoints (`synchronous=NORMAL`): acknowledged writes
    /// survive a crash of the process, but the last ones may be lost on power loss or an OS
    /// crash. The database never corrupts.
    Relaxed,
}

/// Settings of a [`SqliteStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    pub durability: Durability,
    /// Read connections per workspace (and for the catalog).
    pub read_connections: usize,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            durability: Durability::Full,
            read_connections: 4,
        }
    }
}

/// What a workspace's writer did since its database was opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct WriterStats {
    /// Transactions committed (each one fsync at [`Durability::Full`]).
    pub commits: u64,
    /// Writes acknowledged by those commits.
    pub committed_writes: u64,
}

/// The SQLite [`Store`]. Cloning is cheap and shares the databases.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("data_dir", &self.inner.data_dir)
            .finish_non_exhaustive()
    }
}

struct Inner {
    data_dir: PathBuf,
    options: SqliteOptions,
    catalog_writer: Mutex<Connection>,
    catalog_readers: ReaderPool,
    workspaces: RwLock<HashMap<WorkspaceId, Arc<WorkspaceDb>>>,
    /// Held while a workspace database is opened, so that it is opened once.
    open_lock: Mutex<()>,
    thread_pool: Arc<ScheduledThreadPool>,
    is_shutting_down: AtomicBool,
    keys: key_cache::KeyCache,
}

impl SqliteStore {
    /// Opens (creating if needed) the data folder `data_dir` and its catalog. Workspace
    /// databases are opened on first use.
    pub fn open(data_dir: &Path, options: SqliteOptions) -> Result<SqliteStore, StoreError> {
        std::fs::create_dir_all(data_dir.join("workspaces")).map_err(InternalError::Io)?;
        let catalog_path = data_dir.join("catalog.db");
        let catalog_writer = open_writer(&catalog_path, options.durability).store()?;
        migrate(&catalog_writer, CATALOG_MIGRATIONS)?;
        let thread_pool = Arc::new(
            ScheduledThreadPool::builder()
                .num_threads(1)
                .thread_name_pattern("crmd-sqlite-pool-{}")
                .build(),
        );
        let catalog_readers = reader_pool(
            &catalog_path,
            options.read_connections.clamp(1, 4),
            thread_pool.clone(),
        )?;
        tracing::debug!(data_dir = %data_dir.display(), durability = workspace::describe(options.durability), "opened sqlite store");
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                data_dir: data_dir.to_owned(),
                options,
                catalog_writer: Mutex::new(catalog_writer),
                catalog_readers,
                workspaces: RwLock::new(HashMap::new()),
                open_lock: Mutex::new(()),
                thread_pool,
                is_shutting_down: AtomicBool::new(false),
                keys: key_cache::KeyCache::new(&catalog_path),
            }),
        })
    }

    /// A store in a new temporary folder, for tests. The folder is deleted when the returned
    /// guard drops; keep it alive as long as the store.
    pub fn open_temporary(options: SqliteOptions) -> Result<(SqliteStore, tempfile::TempDir), StoreError> {
        let folder = tempfile::Builder::new()
            .prefix("crmd-store-")
            .tempdir()
            .map_err(InternalError::Io)?;
        let store = SqliteStore::open(folder.path(), options)?;
        Ok((store, folder))
    }

    pub fn data_dir(&self) -> &Path {
        &self.inner.data_dir
    }

    /// SQLite's plan for a query, one line per step: for tests and diagnostics.
    pub async fn explain_query(
        &self,
        workspace: WorkspaceId,
        object_type: &str,
        query: &Query,
    ) -> StoreResult<Vec<String>> {
        let db = self.workspace(workspace).await?;
        let object_type = object_type.to_owned();
        let query = query.clone();
        db.read(move |connection, layout| query::explain(connection, layout, &object_type, &query))
            .await
    }

    /// Counters of the workspace's writer: how well group commit batches.
    pub async fn writer_stats(&self, workspace: WorkspaceId) -> StoreResult<WriterStats> {
        let (commits, committed_writes) = self.workspace(workspace).await?.stats();
        Ok(WriterStats {
            commits,
            committed_writes,
        })
    }

    fn ensure_running(&self) -> StoreResult<()> {
        if self.inner.is_shutting_down.load(Ordering::Acquire) {
            Err(StoreError::ShuttingDown)
        } else {
            Ok(())
        }
    }

    async fn workspace(&self, id: WorkspaceId) -> StoreResult<Arc<WorkspaceDb>> {
        if let Some(db) = self.inner.workspaces.read().get(&id) {
            return Ok(db.clone());
        }
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.open_workspace(id))
            .await
            .map_err(InternalError::Join)?
    }

    async fn catalog_read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let readers = self.inner.catalog_readers.clone();
        tokio::task::spawn_blocking(move || {
            let connection = readers.get().map_err(InternalError::Pool)?;
            work(&connection)
        })
        .await
        .map_err(InternalError::Join)?
    }

    /// A short catalog read on the calling thread when a reader is free.
    async fn catalog_read_point<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        match self.inner.catalog_readers.try_get() {
            Some(connection) => work(&connection),
            None => self.catalog_read(work).await,
        }
    }

    async fn catalog_write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Inner, &Connection) -> StoreResult<T> + Send + 'static,
    {
        self.ensure_running()?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || {
            let connection = inner.catalog_writer.lock();
            work(&inner, &connection)
        })
        .await
        .map_err(InternalError::Join)?
    }
}

impl Inner {
    fn workspace_path(&self, id: WorkspaceId) -> PathBuf {
        self.data_dir.join("workspaces").join(format!("{id}.db"))
    }

    fn open_workspace(&self, id: WorkspaceId) -> StoreResult<Arc<WorkspaceDb>> {
        let _opening = self.open_lock.lock();
        if let Some(db) = self.workspaces.read().get(&id) {
            return Ok(db.clone());
        }
        let is_known = {
            let connection = self.catalog_readers.get().map_err(InternalError::Pool)?;
            catalog::workspace_exists(&connection, id)?
        };
        if !is_known {
            return Err(StoreError::WorkspaceNotFound(id.to_string()));
        }
        let db = Arc::new(WorkspaceDb::open(
            &self.workspace_path(id),
            id,
            &self.options,
            self.thread_pool.clone(),
        )?);
        if self.is_shutting_down.load(Ordering::Acquire) {
            drop(db.stop());
        }
        self.workspaces.write().insert(id, db.clone());
        Ok(db)
    }

    fn create_workspace(
        &self,
        connection: &Connection,
        name: &str,
        schema: Schema,
    ) -> StoreResult<Workspace> {
        connection.execute_batch("BEGIN IMMEDIATE").store()?;
        let mut created_path = None;
        let result = catalog::insert_workspace(connection, name, Timestamp::now()).and_then(|workspace| {
            let path = self.workspace_path(workspace.id);
            created_path = Some(path.clone());
            let db = WorkspaceDb::create(
                &path,
                workspace.id,
                schema,
                &self.options,
                self.thread_pool.clone(),
            )?;
            Ok((workspace, db))
        });
        let failure = match result {
            Ok((workspace, db)) => match connection.execute_batch("COMMIT") {
                Ok(()) => {
                    self.workspaces.write().insert(workspace.id, Arc::new(db));
                    return Ok(workspace);
                }
                Err(error) => {
                    if let Some(writer) = db.stop() {
                        let _ = writer.join();
                    }
                    drop(db);
                    crate::error::sqlite_error(error)
                }
            },
            Err(error) => error,
        };
        if !connection.is_autocommit()
            && let Err(error) = connection.execute_batch("ROLLBACK")
        {
            tracing::warn!(%error, "rollback of a failed workspace creation failed");
        }
        if let Some(path) = created_path
            && let Err(error) = remove_database(&path)
        {
            tracing::warn!(%error, path = %path.display(), "could not remove the database of a failed workspace creation");
        }
        Err(failure)
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_workspace(&self, name: &str, schema: Schema) -> StoreResult<Workspace> {
        let name = name.to_owned();
        self.catalog_write(move |inner, connection| inner.create_workspace(connection, &name, schema))
            .await
    }

    async fn workspace_by_name(&self, name: &str) -> StoreResult<Option<Workspace>> {
        let name = name.to_owned();
        self.catalog_read(move |connection| catalog::workspace_by_name(connection, &name))
            .await
    }

    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>> {
        self.catalog_read(catalog::list_workspaces).await
    }

    async fn create_api_key(&self, key: NewApiKey) -> StoreResult<ApiKey> {
        self.catalog_write(move |_, connection| catalog::create_api_key(connection, key, Timestamp::now()))
            .await
    }

    async fn api_key(&self, key_id: &str) -> StoreResult<Option<ApiKey>> {
        let fingerprint = self.inner.keys.fingerprint();
        if let Some(cached) = self.inner.keys.get(key_id, &fingerprint) {
            return Ok(cached);
        }
        let owned_id = key_id.to_owned();
        let key = self
            .catalog_read_point(move |connection| catalog::api_key(connection, &owned_id))
            .await?;
        self.inner.keys.put(key_id, key.clone(), fingerprint);
        Ok(key)
    }

    async fn list_api_keys(&self, workspace: Option<WorkspaceId>) -> StoreResult<Vec<ApiKey>> {
        self.catalog_read(move |connection| catalog::list_api_keys(connection, workspace))
            .await
    }

    async fn revoke_api_key(&self, key_id: &str) -> StoreResult<bool> {
        let key_id = key_id.to_owned();
        self.catalog_write(move |_, connection| {
            catalog::revoke_api_key(connection, &key_id, Timestamp::now())
        })
        .await
    }

    async fn schema(&self, workspace: WorkspaceId) -> StoreResult<Arc<Schema>> {
        Ok(self.workspace(workspace).await?.layout().schema.clone())
    }

    async fn apply_schema(&self, workspace: WorkspaceId, schema: Schema) -> StoreResult<Arc<Schema>> {
        self.ensure_running()?;
        let db = self.workspace(workspace).await?;
        db.write(move |ctx| {
            let mut schema = schema;
            schema.version = ctx.layout.schema.version + 1;
            let layout = Layout::new(Arc::new(schema))?;
            ddl::apply(&ctx.connection, &ctx.layout, &layout)?;
            ctx.layout = Arc::new(layout);
            Ok(ctx.layout.schema.clone())
        })
        .await
    }

    async fn write_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        write: RecordWrite,
        idempotency: Option<IdempotencyEntry>,
    ) -> StoreResult<Record> {
        self.ensure_running()?;
        let db = self.workspace(workspace).await?;
        let actor = actor.to_owned();
        db.write(move |ctx| {
            let record = write::record_write(ctx, &actor, write)?;
            if let Some(entry) = idempotency {
                idempotency::save(ctx, entry, &record)?;
            }
            Ok(record)
        })
        .await
    }

    async fn write_records(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        writes: Vec<RecordWrite>,
        mode: BatchMode,
    ) -> StoreResult<Vec<StoreResult<Record>>> {
        self.ensure_running()?;
        let db = self.workspace(workspace).await?;
        let actor = actor.to_owned();
        db.write(move |ctx| {
            let mut results = Vec::with_capacity(writes.len());
            for write in writes {
                let result = match mode {
                    // A failure ends the job, whose savepoint the writer rolls back whole.
                    BatchMode::AllOrNothing => Ok(write::record_write(ctx, &actor, write)?),
                    BatchMode::EachInput => {
                        writer::in_savepoint(ctx, |ctx| write::record_write(ctx, &actor, write))?
                    }
                };
                results.push(result);
            }
            Ok(results)
        })
        .await
    }

    async fn write_record_groups(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        groups: Vec<Vec<RecordWrite>>,
    ) -> StoreResult<Vec<StoreResult<Vec<Record>>>> {
        self.ensure_running()?;
        let db = self.workspace(workspace).await?;
        let actor = actor.to_owned();
        db.write(move |ctx| {
            let mut results = Vec::with_capacity(groups.len());
            for group in groups {
                let result = writer::in_savepoint(ctx, |ctx| {
                    let mut records = Vec::with_capacity(group.len());
                    for write in group {
                        records.push(write::record_write(ctx, &actor, write)?);
                    }
                    Ok(records)
                })?;
                results.push(result);
            }
            Ok(results)
        })
        .await
    }

    async fn idempotent_response(
        &self,
        workspace: WorkspaceId,
        key: &IdempotencyKey,
        now: Timestamp,
    ) -> StoreResult<Option<StoredResponse>> {
        let db = self.workspace(workspace).await?;
        let key = key.clone();
        db.read_point(move |connection, _| idempotency::load(connection, &key, now))
            .await
    }

    async fn merge_records(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        merge: MergeRecords,
        idempotency: Option<IdempotencyEntry<MergeOutcome>>,
    ) -> StoreResult<MergeOutcome> {
        self.ensure_running()?;
        let db = self.workspace(workspace).await?;
        let actor = actor.to_owned();
        db.write(move |ctx| {
            let outcome = merge::merge_records(ctx, &actor, merge)?;
            if let Some(entry) = idempotency {
                idempotency::save(ctx, entry, &outcome)?;
            }
            Ok(outcome)
        })
        .await
    }

    async fn get_merge(&self, workspace: WorkspaceId, id: u64) -> StoreResult<Option<Merge>> {
        let db = self.workspace(workspace).await?;
        db.read_point(move |connection, _| read::get_merge(connection, id))
            .await
    }

    async fn merges_of(&self, workspace: WorkspaceId, id: RecordId) -> StoreResult<Vec<Merge>> {
        let db = self.workspace(workspace).await?;
        db.read_point(move |connection, _| read::merges_of(connection, id))
            .await
    }

    async fn purge_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        object_type: &str,
        id: RecordId,
    ) -> StoreResult<()> {
        self.ensure_running()?;
        let db = self.workspace(workspace).await?;
        let (actor, object_type) = (actor.to_owned(), object_type.to_owned());
        db.write(move |ctx| purge::purge_record(ctx, &actor, &object_type, id))
            .await
    }

    async fn get_record(
        &self,
        workspace: WorkspaceId,
        object_type: &str,
        id: RecordId,
    ) -> StoreResult<Option<Record>> {
        let db = self.workspace(workspace).await?;
        let object_type = object_type.to_owned();
        db.read_point(move |connection, layout| read::get_record(connection, layout, &object_type, id))
            .await
    }

    async fn query_records(
        &self,
        workspace: WorkspaceId,
        object_type: &str,
        query: &Query,
    ) -> StoreResult<RecordPage> {
        let db = self.workspace(workspace).await?;
        let object_type = object_type.to_owned();
        let query = query.clone();
        db.read(move |connection, layout| query::query_records(connection, layout, &object_type, &query))
            .await
    }

    async fn field_history(
        &self,
        workspace: WorkspaceId,
        object_type: &str,
        id: RecordId,
        field_key: &str,
        before_seq: Option<u64>,
        limit: u32,
    ) -> StoreResult<Vec<HistoryEntry>> {
        let db = self.workspace(workspace).await?;
        let (object_type, field_key) = (object_type.to_owned(), field_key.to_owned());
        db.read(move |connection, layout| {
            read::field_history(
                connection,
                layout,
                &object_type,
                id,
                &field_key,
                before_seq,
                limit,
            )
        })
        .await
    }

    async fn changes(&self, workspace: WorkspaceId, after_seq: u64, limit: u32) -> StoreResult<Vec<Change>> {
        let db = self.workspace(workspace).await?;
        db.read(move |connection, _| read::changes(connection, after_seq, limit))
            .await
    }

    async fn shutdown(&self) {
        self.inner.is_shutting_down.store(true, Ordering::Release);
        let writers: Vec<_> = self
            .inner
            .workspaces
            .read()
            .values()
            .filter_map(|db| db.stop())
            .collect();
        let joined = tokio::task::spawn_blocking(move || {
            for writer in writers {
                if writer.join().is_err() {
                    tracing::error!("a writer thread panicked");
                }
            }
        })
        .await;
        if let Err(error) = joined {
            tracing::error!(%error, "waiting for the writer threads failed");
        }
    }
}
