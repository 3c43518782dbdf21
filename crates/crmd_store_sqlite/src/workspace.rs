//! One open workspace database: its schema cache, its reader pool and its writer thread.

use crate::connection::{ReaderPool, WORKSPACE_MIGRATIONS, migrate, open_writer, reader_pool};
use crate::error::{InternalError, SqliteResultExt};
use crate::layout::Layout;
use crate::schema_json::schema_from_json;
use crate::writer::{Job, Stats, WriterCtx, closure_job, load_counters};
use crate::{Durability, SqliteOptions};
use arc_swap::ArcSwap;
use crmd_core::{Schema, WorkspaceId};
use crmd_store::{StoreError, StoreResult};
use parking_lot::{Mutex, RwLock};
use rusqlite::{Connection, OptionalExtension};
use scheduled_thread_pool::ScheduledThreadPool;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;

pub(crate) struct WorkspaceDb {
    id: WorkspaceId,
    layout: Arc<ArcSwap<Layout>>,
    readers: ReaderPool,
    sender: RwLock<Option<mpsc::Sender<Box<dyn Job>>>>,
    thread: Mutex<Option<JoinHandle<()>>>,
    stats: Arc<Stats>,
}

/// The files of a database: the file itself, its WAL and its shared-memory index.
pub(crate) fn database_files(path: &Path) -> [PathBuf; 3] {
    let with_suffix = |suffix: &str| {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        PathBuf::from(name)
    };
    [path.to_owned(), with_suffix("-wal"), with_suffix("-shm")]
}

fn load_schema(connection: &Connection) -> StoreResult<Schema> {
    let stored: Option<(i64, String)> = connection
        .query_row("SELECT version, body FROM _schema WHERE id = 1", [], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()
        .store()?;
    let Some((version, body)) = stored else {
        return Ok(Schema::default());
    };
    let json: serde_json::Value = serde_json::from_str(&body)
        .map_err(|error| InternalError::Corrupt(format!("stored schema: {error}")))?;
    let mut schema = schema_from_json(&json)?;
    schema.version = u64::try_from(version).unwrap_or_default();
    Ok(schema)
}

impl WorkspaceDb {
    /// Opens the database of an existing workspace.
    pub(crate) fn open(
        path: &Path,
        id: WorkspaceId,
        options: &SqliteOptions,
        thread_pool: Arc<ScheduledThreadPool>,
    ) -> StoreResult<WorkspaceDb> {
        if !path.exists() {
            return Err(InternalError::MissingDatabase(id.0).into());
        }
        let connection = open_writer(path, options.durability).store()?;
        migrate(&connection, WORKSPACE_MIGRATIONS)?;
        let layout = Layout::new(Arc::new(load_schema(&connection)?))?;
        crate::search::backfill(&connection, &layout)?;
        WorkspaceDb::start(path, id, connection, layout, options, thread_pool)
    }

    /// Creates the database of a new workspace with `schema` as version 1. Whatever a
    /// failed earlier attempt left at `path` is removed first.
    pub(crate) fn create(
        path: &Path,
        id: WorkspaceId,
        mut schema: Schema,
        options: &SqliteOptions,
        thread_pool: Arc<ScheduledThreadPool>,
    ) -> StoreResult<WorkspaceDb> {
        remove_database(path)?;
        let connection = open_writer(path, options.durability).store()?;
        migrate(&connection, WORKSPACE_MIGRATIONS)?;
        schema.version = 1;
        let empty = Layout::new(Arc::new(Schema::default()))?;
        let layout = Layout::new(Arc::new(schema))?;
        connection.execute_batch("BEGIN IMMEDIATE").store()?;
        if let Err(error) = crate::ddl::apply(&connection, &empty, &layout) {
            let _ = connection.execute_batch("ROLLBACK");
            return Err(error);
        }
        connection.execute_batch("COMMIT").store()?;
        crate::search::backfill(&connection, &layout)?;
        WorkspaceDb::start(path, id, connection, layout, options, thread_pool)
    }

    fn start(
        path: &Path,
        id: WorkspaceId,
        connection: Connection,
        layout: Layout,
        options: &SqliteOptions,
        thread_pool: Arc<ScheduledThreadPool>,
    ) -> StoreResult<WorkspaceDb> {
        let (next_record_id, next_seq) = load_counters(&connection)?;
        let layout = Arc::new(ArcSwap::from_pointee(layout));
        let readers = reader_pool(path, options.read_connections, thread_pool)?;
        let (sender, receiver) = mpsc::channel();
        let stats = Arc::new(Stats::default());
        let ctx = WriterCtx::new(
            connection,
            layout.clone(),
            stats.clone(),
            next_record_id,
            next_seq,
        );
        let thread = std::thread::Builder::new()
            .name(format!("crmd-writer-{id}"))
            .spawn(move || crate::writer::run(ctx, receiver))
            .map_err(InternalError::Io)?;
        Ok(WorkspaceDb {
            id,
            layout,
            readers,
            sender: RwLock::new(Some(sender)),
            thread: Mutex::new(Some(thread)),
            stats,
        })
    }

    /// (commits, jobs committed) since the database was opened.
    pub(crate) fn stats(&self) -> (u64, u64) {
        (
            self.stats.commits.load(std::sync::atomic::Ordering::Relaxed),
            self.stats
                .committed_jobs
                .load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    /// The schema readers see now.
    pub(crate) fn layout(&self) -> Arc<Layout> {
        self.layout.load_full()
    }

    /// Runs `work` on the writer thread in the next commit group and waits for the commit.
    pub(crate) async fn write<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut WriterCtx) -> StoreResult<T> + Send + 'static,
    {
        let (job, receiver) = closure_job(work);
        {
            let sender = self.sender.read();
            let Some(sender) = sender.as_ref() else {
                return Err(StoreError::ShuttingDown);
            };
            sender
                .send(job)
                .map_err(|_| StoreError::from(InternalError::WriterStopped(self.id.0)))?;
        }
        receiver
            .await
            .map_err(|_| StoreError::from(InternalError::WriterStopped(self.id.0)))?
    }

    /// Runs `work` on a reader connection on a blocking thread. A read that fails while the
    /// schema changed under it is retried once with the new schema.
    pub(crate) async fn read<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: Fn(&Connection, &Layout) -> StoreResult<T> + Send + 'static,
    {
        let readers = self.readers.clone();
        let layout = self.layout.clone();
        tokio::task::spawn_blocking(move || {
            let connection = readers.get().map_err(InternalError::Pool)?;
            read_in_snapshot(&connection, &layout, &work)
        })
        .await
        .map_err(InternalError::Join)?
    }

    /// Runs a short read (a primary-key lookup) on the calling thread when a reader is free,
    /// which saves two thread hand-offs per request; otherwise like [`WorkspaceDb::read`].
    pub(crate) async fn read_point<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: Fn(&Connection, &Layout) -> StoreResult<T> + Send + 'static,
    {
        match self.readers.try_get() {
            Some(connection) => read_in_snapshot(&connection, &self.layout, &work),
            None => self.read(work).await,
        }
    }

    /// Stops taking writes. The writer finishes the queued ones and ends; join the handle
    /// to wait for that.
    pub(crate) fn stop(&self) -> Option<JoinHandle<()>> {
        self.sender.write().take();
        self.thread.lock().take()
    }
}

/// Runs `work` in one read transaction, so that every statement it runs sees the same
/// snapshot (a record and its links, a page and its total) and the shared-memory locks are
/// taken once. A read that fails while the schema changed under it is retried once with
/// the new schema.
fn read_in_snapshot<T, F>(connection: &Connection, layout: &ArcSwap<Layout>, work: &F) -> StoreResult<T>
where
    F: Fn(&Connection, &Layout) -> StoreResult<T>,
{
    let attempt = |seen: &Layout| -> StoreResult<T> {
        let snapshot = connection.unchecked_transaction().store()?;
        let result = work(&snapshot, seen);
        // A read-only transaction has nothing to keep: ending it either way releases it.
        drop(snapshot);
        result
    };
    let seen = layout.load_full();
    match attempt(&seen) {
        Err(error) if !Arc::ptr_eq(&seen, &layout.load()) => {
            tracing::debug!(%error, "read failed during a schema change; retrying");
            attempt(&layout.load_full())
        }
        result => result,
    }
}

/// Removes a database and its WAL and shared-memory files, if present.
pub(crate) fn remove_database(path: &Path) -> StoreResult<()> {
    for file in database_files(path) {
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(InternalError::Io(error).into()),
        }
    }
    Ok(())
}

/// For `SqliteOptions` users that want the writer's durability spelled out in logs.
pub(crate) fn describe(durability: Durability) -> &'static str {
    match durability {
        Durability::Full => "full",
        Durability::Relaxed => "relaxed",
    }
}
