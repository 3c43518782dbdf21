//! The storage boundary: the [`Store`] trait, its error type, the storage encoding of values
//! ([`codec`]) shared by backends, and the [`conformance`] suite every backend must pass.
//!
//! Each `Store` method is one whole operation that runs its own transaction. A write method
//! returns only after the record, its edges, its field-history rows and its change-log entry
//! have committed durably.

pub mod codec;
pub mod conformance;
mod error;
mod idempotency;
mod types;

pub use error::StoreError;
pub use idempotency::{
    BatchMode, IdempotencyEntry, IdempotencyKey, RecordWrite, RenderResponse, StoredResponse,
};
pub use types::{
    ApiKey, MergeOutcome, MergeRecords, NewApiKey, NewRecord, RecordChanges, RecordPage, RelationshipOp,
    RelationshipWrite, Workspace,
};

use async_trait::async_trait;
use crmd_core::{Change, HistoryEntry, Merge, Record, RecordId, Schema, Timestamp, WorkspaceId};
use crmd_query::Query;
use std::sync::Arc;

pub type StoreResult<T> = Result<T, StoreError>;

/// Persistence for every workspace: the catalog (workspaces and API keys) and, per
/// workspace, its schema, records, edges, field history and change log.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // --- catalog ---

    /// Creates a workspace with `schema` applied (its version becomes 1).
    /// `StoreError::Conflict` when the name is taken.
    async fn create_workspace(&self, name: &str, schema: Schema) -> StoreResult<Workspace>;
    async fn workspace_by_name(&self, name: &str) -> StoreResult<Option<Workspace>>;
    async fn list_workspaces(&self) -> StoreResult<Vec<Workspace>>;

    /// Stores a key's hash and scopes. `StoreError::Conflict` when the key id is taken.
    async fn create_api_key(&self, key: NewApiKey) -> StoreResult<ApiKey>;
    /// The key with this public id, revoked or not.
    async fn api_key(&self, key_id: &str) -> StoreResult<Option<ApiKey>>;
    /// Every key, or every key of one workspace, oldest first.
    async fn list_api_keys(&self, workspace: Option<WorkspaceId>) -> StoreResult<Vec<ApiKey>>;
    /// Marks the key revoked; it stops working at once. `false` when there is no such key
    /// or it was already revoked.
    async fn revoke_api_key(&self, key_id: &str) -> StoreResult<bool>;

    // --- schema ---

    /// The workspace's current schema.
    async fn schema(&self, workspace: WorkspaceId) -> StoreResult<Arc<Schema>>;
    /// Replaces the schema with `schema`, migrating tables, columns and indexes in one
    /// transaction. The stored version becomes the current one plus one. Fields and object
    /// types that `schema` drops lose their data: callers decide whether that is allowed.
    async fn apply_schema(&self, workspace: WorkspaceId, schema: Schema) -> StoreResult<Arc<Schema>>;

    // --- records ---

    /// Runs one record write in its own transaction. With `idempotency`, the response its
    /// `render` makes from the written record is stored under its key in the same
    /// transaction; `StoreError::IdempotencyKeyUsed` (and nothing written) when an unexpired
    /// response is already stored under that key.
    async fn write_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        write: RecordWrite,
        idempotency: Option<IdempotencyEntry>,
    ) -> StoreResult<Record>;
    /// Runs several record writes, in order, in one transaction, each in its own savepoint:
    /// they commit together, with their field history and change-log entries, in one
    /// commit. Returns one result per input, in input order; creates get ids in input
    /// order, and a write sees what the inputs before it wrote. With
    /// [`BatchMode::EachInput`] a failing input is rolled back alone (it leaves no trace)
    /// and gets its error while the others commit; with [`BatchMode::AllOrNothing`] the
    /// first failing input's error is the answer and nothing is written. The outer error
    /// means nothing was written.
    async fn write_records(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        writes: Vec<RecordWrite>,
        mode: BatchMode,
    ) -> StoreResult<Vec<StoreResult<Record>>>;
    /// Runs groups of record writes, in order, in one transaction: each group in its own
    /// savepoint, its writes in order. A group whose write fails is rolled back alone (it
    /// leaves no trace) and gets that write's error; the other groups commit together, with
    /// their field history and change-log entries, in one commit. Returns one result per
    /// group, in group order, holding one record per write. The outer error means nothing
    /// was written.
    async fn write_record_groups(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        groups: Vec<Vec<RecordWrite>>,
    ) -> StoreResult<Vec<StoreResult<Vec<Record>>>>;
    /// The response stored under `key`, unless it expired at or before `now`.
    async fn idempotent_response(
        &self,
        workspace: WorkspaceId,
        key: &IdempotencyKey,
        now: Timestamp,
    ) -> StoreResult<Option<StoredResponse>>;

    /// Inserts a record with its values and edges. Values must be normalized already.
    async fn create_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        record: NewRecord,
    ) -> StoreResult<Record> {
        self.write_record(workspace, actor, RecordWrite::Create(record), None)
            .await
    }
    /// Applies `changes` to an active record. Values not named stay; `None` clears.
    /// A change that alters nothing writes nothing and returns the record as it is.
    async fn update_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        object_type: &str,
        id: RecordId,
        changes: RecordChanges,
    ) -> StoreResult<Record> {
        let object_type = object_type.to_owned();
        let write = RecordWrite::Update {
            object_type,
            id,
            changes,
        };
        self.write_record(workspace, actor, write, None).await
    }
    /// Moves a record to the trash, keeping its values and edges. On a trashed record it
    /// changes nothing and returns it.
    async fn trash_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        object_type: &str,
        id: RecordId,
    ) -> StoreResult<Record> {
        let object_type = object_type.to_owned();
        let write = RecordWrite::Trash { object_type, id };
        self.write_record(workspace, actor, write, None).await
    }
    /// Brings a trashed record back with its edges. On an active record it changes nothing.
    async fn restore_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        object_type: &str,
        id: RecordId,
    ) -> StoreResult<Record> {
        let object_type = object_type.to_owned();
        let write = RecordWrite::Restore { object_type, id };
        self.write_record(workspace, actor, write, None).await
    }

    /// Merges two active records of one object type in one transaction: writes
    /// `merge.values` onto the primary (with field history), moves every link of the
    /// duplicate, in both directions and over every relationship, to the primary (a link
    /// the primary has already is kept once; over a HAS_ONE end where the primary has an
    /// active link, the primary's link wins and the duplicate's is dropped; links between
    /// the two records are dropped), moves the duplicate to the trash with no links left,
    /// logs a `Merge` change for the primary, a `MergeTrash` change for the duplicate and an
    /// `Update` change for every other record whose links moved, and records the merge.
    /// `NotFound` when either record is missing, trashed or of another type; `Conflict`
    /// when they are the same record. A failure writes nothing. With `idempotency`, the
    /// rendered response is saved under its key in the merge's transaction.
    async fn merge_records(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        merge: MergeRecords,
        idempotency: Option<IdempotencyEntry<MergeOutcome>>,
    ) -> StoreResult<MergeOutcome>;
    /// The merge with this id; `None` when there is none.
    async fn get_merge(&self, workspace: WorkspaceId, id: u64) -> StoreResult<Option<Merge>>;
    /// Every merge the record took part in, as primary or as duplicate, oldest first.
    async fn merges_of(&self, workspace: WorkspaceId, id: RecordId) -> StoreResult<Vec<Merge>>;

    /// Deletes a record of `object_type` for good, active or trashed, in one transaction:
    /// its row (and so its place in the trash), its links in both directions, its claimed
    /// unique values, its field history and its full-text index entry. The values its
    /// earlier change-log entries carried are removed from them, a `Purge` change naming
    /// only the record is logged, and every other record that lost a link gets an `Update`
    /// change listing the link. Deleted content is overwritten, not only unlinked.
    /// `NotFound` when there is no such record of the type; a failure writes nothing.
    async fn purge_record(
        &self,
        workspace: WorkspaceId,
        actor: &str,
        object_type: &str,
        id: RecordId,
    ) -> StoreResult<()>;

    /// The record, active or trashed; `None` when it does not exist or is of another type.
    async fn get_record(
        &self,
        workspace: WorkspaceId,
        object_type: &str,
        id: RecordId,
    ) -> StoreResult<Option<Record>>;
    /// One page of the records of `object_type` that match the query. The query must have
    /// passed `crmd_query::check`.
    async fn query_records(
        &self,
        workspace: WorkspaceId,
        object_type: &str,
        query: &Query,
    ) -> StoreResult<RecordPage>;

    /// Past values of one field of one record, newest first, from the change-log sequence
    /// number `before_seq` (exclusive) backwards, at most `limit` entries.
    async fn field_history(
        &self,
        workspace: WorkspaceId,
        object_type: &str,
        id: RecordId,
        field_key: &str,
        before_seq: Option<u64>,
        limit: u32,
    ) -> StoreResult<Vec<HistoryEntry>>;
    /// Change-log entries with a sequence number above `after_seq`, oldest first.
    async fn changes(&self, workspace: WorkspaceId, after_seq: u64, limit: u32) -> StoreResult<Vec<Change>>;

    /// Stops accepting writes, finishes the ones already accepted and closes the databases.
    async fn shutdown(&self);
}
