//! The `idempotency_keys` table: responses of idempotent writes, saved in the write's job.

use crate::error::SqliteResultExt;
use crate::writer::WriterCtx;
use crmd_core::Timestamp;
use crmd_store::{IdempotencyEntry, IdempotencyKey, StoreError, StoreResult, StoredResponse};
use rusqlite::{Connection, OptionalExtension, params};

/// Expired rows one save deletes, so that cleaning up never makes one write slow.
const CLEANUP_BATCH: i64 = 16;

/// Saves the response of the job's write under the entry's key, in the job's transaction.
/// An unexpired row under the key fails the job (and so its write) with
/// `IdempotencyKeyUsed`; an expired one is replaced.
pub(crate) fn save<T>(ctx: &WriterCtx, entry: IdempotencyEntry<T>, output: &T) -> StoreResult<()> {
    let now = ctx.now.millis();
    let (key, expires_at, response) = entry.into_response(output);
    let connection = &ctx.connection;
    connection
        .prepare_cached(
            "DELETE FROM idempotency_keys WHERE rowid IN \
             (SELECT rowid FROM idempotency_keys WHERE expires_at <= ?1 LIMIT ?2)",
        )
        .store()?
        .execute(params![now, CLEANUP_BATCH])
        .store()?;
    connection
        .prepare_cached("DELETE FROM idempotency_keys WHERE operation = ?1 AND key = ?2 AND expires_at <= ?3")
        .store()?
        .execute(params![key.operation, key.key, now])
        .store()?;
    let inserted = connection
        .prepare_cached(
            "INSERT INTO idempotency_keys (operation, key, created_at, expires_at, status, body) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (operation, key) DO NOTHING",
        )
        .store()?
        .execute(params![
            key.operation,
            key.key,
            now,
            expires_at.millis(),
            response.status,
            response.body
        ])
        .store()?;
    if inserted == 0 {
        return Err(StoreError::IdempotencyKeyUsed);
    }
    Ok(())
}

/// The unexpired response stored under `key`.
pub(crate) fn load(
    connection: &Connection,
    key: &IdempotencyKey,
    now: Timestamp,
) -> StoreResult<Option<StoredResponse>> {
    connection
        .prepare_cached(
            "SELECT status, body FROM idempotency_keys \
             WHERE operation = ?1 AND key = ?2 AND expires_at > ?3",
        )
        .store()?
        .query_row(params![key.operation, key.key, now.millis()], |row| {
            Ok(StoredResponse {
                status: row.get(0)?,
                body: row.get(1)?,
            })
        })
        .optional()
        .store()
}
