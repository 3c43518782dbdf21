//! Idempotent writes: a write given an [`IdempotencyEntry`] stores the response it produced
//! under the entry's key in the same transaction as the write, so that a committed write
//! always has its response stored and a stored response always belongs to a committed write.

use crmd_core::{Record, RecordId, Timestamp};
use std::fmt;

use crate::{NewRecord, RecordChanges};

/// A client's idempotency key within one operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey {
    /// What the key is scoped to, chosen by the caller: the dialect, the operation and the
    /// object type (`lightfield:create:account`). The same key under two operations names
    /// two writes.
    pub operation: String,
    /// The key as the client sent it.
    pub key: String,
}

/// A response as it went to the client, replayed byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Renders the response of a write from its result, inside the write's transaction.
pub type RenderResponse<T> = Box<dyn FnOnce(&T) -> StoredResponse + Send>;

/// What an idempotent write stores with itself.
pub struct IdempotencyEntry<T = Record> {
    pub key: IdempotencyKey,
    /// After this time the stored response is ignored and the key can be used again.
    pub expires_at: Timestamp,
    pub render: RenderResponse<T>,
}

impl<T> IdempotencyEntry<T> {
    /// The key, its expiry and the response rendered from the write's result.
    pub fn into_response(self, output: &T) -> (IdempotencyKey, Timestamp, StoredResponse) {
        let response = (self.render)(output);
        (self.key, self.expires_at, response)
    }
}

impl<T> fmt::Debug for IdempotencyEntry<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdempotencyEntry")
            .field("key", &self.key)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// One write of one record, for [`crate::Store::write_record`].
#[derive(Debug, Clone, PartialEq)]
pub enum RecordWrite {
    /// Inserts a record with its values and edges.
    Create(NewRecord),
    /// Applies changes to an active record.
    Update {
        object_type: String,
        id: RecordId,
        changes: RecordChanges,
    },
    /// Moves a record to the trash.
    Trash { object_type: String, id: RecordId },
    /// Brings a record back from the trash.
    Restore { object_type: String, id: RecordId },
}

/// What a batch of writes does when one of its inputs fails, for
/// [`crate::Store::write_records`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchMode {
    /// The failing input is rolled back alone and gets its error; the others commit.
    EachInput,
    /// The first failing input fails the whole batch: nothing is written.
    AllOrNothing,
}
