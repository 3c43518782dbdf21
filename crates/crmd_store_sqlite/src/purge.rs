//! Deleting a record for good (a GDPR erasure), run on the writer thread inside a job's
//! savepoint: its row, links, unique values, field history and full-text entry go, the
//! values its change-log entries carried are removed from them, and the deletion is logged
//! with an entry that names the record and nothing else, all in one transaction.
//!
//! The job runs with `secure_delete` on, so that SQLite overwrites the deleted content with
//! zeros instead of leaving it in free pages. The words of the record's full-text entry stay
//! in FTS5's segment data, no longer reachable from the record, until FTS5 merges that
//! segment.

use crate::error::SqliteResultExt;
use crate::layout::{Layout, TypeLayout};
use crate::merge::{LinkLog, delete_edge, edges_of, log_link_changes};
use crate::write::{ChangeEntry, insert_change_merged, require_registered};
use crate::writer::{WriterCtx, to_sql_int};
use crmd_core::{ChangeOp, RecordId, Timestamp};
use crmd_store::StoreResult;
use rusqlite::{Connection, params};

/// Purges record `id` of `object_type`: `NotFound` when there is no such record of the type.
pub(crate) fn purge_record(
    ctx: &mut WriterCtx,
    actor: &str,
    object_type: &str,
    id: RecordId,
) -> StoreResult<()> {
    let layout = ctx.layout.clone();
    let type_layout = layout.require(object_type)?;
    require_registered(&ctx.connection, type_layout, id)?;
    let was_secure = set_secure_delete(&ctx.connection, true)?;
    let purged = purge(
        &ctx.connection,
        &layout,
        type_layout,
        id.get(),
        ctx.next_seq,
        ctx.now,
        actor,
    );
    // The connection keeps its setting whether or not the purge went through.
    set_secure_delete(&ctx.connection, was_secure)?;
    ctx.next_seq = purged?;
    Ok(())
}

/// Turns `secure_delete` on or off; returns whether it was on.
fn set_secure_delete(connection: &Connection, is_on: bool) -> StoreResult<bool> {
    let was_on: i64 = connection
        .pragma_query_value(None, "secure_delete", |row| row.get(0))
        .store()?;
    connection.pragma_update(None, "secure_delete", is_on).store()?;
    Ok(was_on != 0)
}

/// Does the purge from sequence number `seq` on; returns the next free one.
fn purge(
    connection: &Connection,
    layout: &Layout,
    type_layout: &TypeLayout,
    record: u64,
    seq: u64,
    now: Timestamp,
    actor: &str,
) -> StoreResult<u64> {
    let mut log = LinkLog::default();
    for edge in edges_of(connection, record)? {
        delete_edge(connection, edge.src, &edge.rel_id, edge.dst, &edge.label)?;
        let Some(def) = layout.schema.relationship_by_id(&edge.rel_id) else {
            // A relationship no longer in the schema: its links were invisible already.
            continue;
        };
        if edge.src == edge.dst {
            continue;
        }
        let (far, far_end) = if edge.src == record {
            (edge.dst, &def.target)
        } else {
            (edge.src, &def.source)
        };
        log.note(far, far_end, None, Some(record));
    }
    let by_record = [
        "DELETE FROM unique_values WHERE record_id = ?1",
        "DELETE FROM field_history WHERE record_id = ?1",
        "DELETE FROM search_text WHERE rowid = ?1",
        "DELETE FROM records WHERE id = ?1",
        // Earlier entries keep their operation and links, not the values they carried.
        "UPDATE changes SET payload = json_set(payload, '$.fields', json('[]')) WHERE record_id = ?1",
    ];
    for sql in by_record {
        connection
            .prepare_cached(sql)
            .store()?
            .execute([to_sql_int(record)])
            .store()?;
    }
    connection
        .prepare_cached(&format!("DELETE FROM {} WHERE id = ?1", type_layout.table))
        .store()?
        .execute(params![to_sql_int(record)])
        .store()?;
    insert_change_merged(
        connection,
        now,
        actor,
        &ChangeEntry {
            seq,
            object_type: &type_layout.slug,
            record_id: record,
            op: ChangeOp::Purge,
            fields: Vec::new(),
            relationships: Vec::new(),
        },
        None,
    )?;
    log_link_changes(connection, layout, &mut log, now, actor, seq + 1)
}
