//! Merging two records, run on the writer thread inside a job's savepoint: the duplicate
//! goes to the trash, the resolved values go onto the primary, every link of the duplicate
//! moves to the primary, and each touched record gets its change-log entry, all in one
//! transaction.

use crate::error::SqliteResultExt;
use crate::layout::{FieldLayout, Layout, TypeLayout, table_name};
use crate::read::{load_record, load_row, registry_entry};
use crate::write::{
    ChangeEntry, FieldDiff, claim_value, insert_change_merged, release_value, require_registered,
};
use crate::writer::{WriterCtx, to_sql_int};
use crmd_core::{Cardinality, ChangeOp, Merge, RecordId, RelationshipChange, RelationshipEnd, Timestamp};
use crmd_store::codec::value_to_json;
use crmd_store::{MergeOutcome, MergeRecords, StoreError, StoreResult};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use std::collections::BTreeMap;

/// The link changes of the records a merge touches, by record.
#[derive(Default)]
pub(crate) struct LinkLog {
    pub(crate) records: BTreeMap<u64, LoggedRecord>,
}

pub(crate) struct LoggedRecord {
    pub(crate) object_type: String,
    /// Added and removed ids by relationship key.
    pub(crate) keys: BTreeMap<String, (Vec<RecordId>, Vec<RecordId>)>,
}

impl LinkLog {
    /// Notes that `record`, over its end `end`, gained `added` and lost `removed`.
    /// Ends without a key show no change.
    pub(crate) fn note(
        &mut self,
        record: u64,
        end: &RelationshipEnd,
        added: Option<u64>,
        removed: Option<u64>,
    ) {
        let Some(key) = &end.key else {
            return;
        };
        let entry = self.records.entry(record).or_insert_with(|| LoggedRecord {
            object_type: end.object_type.clone(),
            keys: BTreeMap::new(),
        });
        let (added_ids, removed_ids) = entry.keys.entry(key.clone()).or_default();
        added_ids.extend(added.map(RecordId));
        removed_ids.extend(removed.map(RecordId));
    }

    fn take(&mut self, record: u64) -> Vec<RelationshipChange> {
        self.records
            .remove(&record)
            .map(|logged| relationship_changes(logged.keys))
            .unwrap_or_default()
    }
}

pub(crate) fn relationship_changes(
    keys: BTreeMap<String, (Vec<RecordId>, Vec<RecordId>)>,
) -> Vec<RelationshipChange> {
    keys.into_iter()
        .map(|(key, (added, removed))| RelationshipChange { key, added, removed })
        .collect()
}

/// One stored link.
pub(crate) struct Edge {
    pub(crate) src: u64,
    pub(crate) rel_id: String,
    pub(crate) dst: u64,
    pub(crate) label: String,
}

pub(crate) fn edges_of(connection: &Connection, record: u64) -> StoreResult<Vec<Edge>> {
    let mut statement = connection
        .prepare_cached(
            "SELECT src, rel_id, dst, label FROM edges WHERE src = ?1 \
             UNION SELECT src, rel_id, dst, label FROM edges WHERE dst = ?1 ORDER BY 2, 1, 3, 4",
        )
        .store()?;
    let rows = statement
        .query_map([to_sql_int(record)], |row| {
            Ok(Edge {
                src: u64::try_from(row.get::<_, i64>(0)?).unwrap_or_default(),
                rel_id: row.get(1)?,
                dst: u64::try_from(row.get::<_, i64>(2)?).unwrap_or_default(),
                label: row.get(3)?,
            })
        })
        .store()?;
    rows.collect::<Result<_, _>>().store()
}

pub(crate) fn delete_edge(
    connection: &Connection,
    src: u64,
    rel_id: &str,
    dst: u64,
    label: &str,
) -> StoreResult<()> {
    connection
        .prepare_cached("DELETE FROM edges WHERE src = ?1 AND rel_id = ?2 AND dst = ?3 AND label = ?4")
        .store()?
        .execute(params![to_sql_int(src), rel_id, to_sql_int(dst), label])
        .store()
        .map(drop)
}

fn edge_exists(connection: &Connection, src: u64, rel_id: &str, dst: u64, label: &str) -> StoreResult<bool> {
    connection
        .prepare_cached("SELECT 1 FROM edges WHERE src = ?1 AND rel_id = ?2 AND dst = ?3 AND label = ?4")
        .store()?
        .query_row(params![to_sql_int(src), rel_id, to_sql_int(dst), label], |_| {
            Ok(())
        })
        .optional()
        .store()
        .map(|found| found.is_some())
}

/// The records `record` links to over `rel_id` from its end (`is_source`), with whether
/// each is in the trash.
fn links_from(
    connection: &Connection,
    record: u64,
    rel_id: &str,
    is_source: bool,
) -> StoreResult<Vec<(u64, bool)>> {
    let sql = if is_source {
        "SELECT e.dst, e.label, r.trashed_at IS NOT NULL FROM edges e LEFT JOIN records r ON r.id = e.dst \
         WHERE e.src = ?1 AND e.rel_id = ?2"
    } else {
        "SELECT e.src, e.label, r.trashed_at IS NOT NULL FROM edges e LEFT JOIN records r ON r.id = e.src \
         WHERE e.dst = ?1 AND e.rel_id = ?2"
    };
    let mut statement = connection.prepare_cached(sql).store()?;
    let rows = statement
        .query_map(params![to_sql_int(record), rel_id], |row| {
            let id = u64::try_from(row.get::<_, i64>(0)?).unwrap_or_default();
            let is_trashed: Option<bool> = row.get(2)?;
            Ok((id, is_trashed.unwrap_or(true)))
        })
        .store()?;
    rows.collect::<Result<_, _>>().store()
}

/// Moves every link of `duplicate` to `primary`. Returns how many links the primary gained
/// and the warnings about links that were dropped.
fn move_links(
    connection: &Connection,
    layout: &Layout,
    primary: u64,
    duplicate: u64,
    seq: u64,
    log: &mut LinkLog,
) -> StoreResult<(u64, Vec<String>)> {
    let mut moved = 0;
    let mut warnings = Vec::new();
    for edge in edges_of(connection, duplicate)? {
        delete_edge(connection, edge.src, &edge.rel_id, edge.dst, &edge.label)?;
        let Some(def) = layout.schema.relationship_by_id(&edge.rel_id) else {
            // A relationship no longer in the schema: its links are invisible already.
            continue;
        };
        if edge.src == edge.dst {
            continue;
        }
        let duplicate_is_source = edge.src == duplicate;
        let far = if duplicate_is_source { edge.dst } else { edge.src };
        let (this_end, far_end) = if duplicate_is_source {
            (&def.source, &def.target)
        } else {
            (&def.target, &def.source)
        };
        log.note(duplicate, this_end, None, Some(far));
        if far == primary {
            // A link between the two records would link the primary to itself.
            log.note(primary, far_end, None, Some(duplicate));
            continue;
        }
        let (src, dst) = if duplicate_is_source {
            (primary, far)
        } else {
            (far, primary)
        };
        if edge_exists(connection, src, &edge.rel_id, dst, &edge.label)? {
            log.note(far, far_end, None, Some(duplicate));
            continue;
        }
        if this_end.cardinality == Cardinality::HasOne {
            let current = links_from(connection, primary, &edge.rel_id, duplicate_is_source)?;
            if current.iter().any(|(_, is_trashed)| !is_trashed) {
                let key = this_end.key.as_deref().unwrap_or(&def.id);
                warnings.push(format!(
                    "relationship {key:?} holds one record: kept the primary's link, dropped the duplicate's link to {far}"
                ));
                log.note(far, far_end, None, Some(duplicate));
                continue;
            }
            // Links to trashed records would come back on restore; the moved link replaces them.
            for (trashed, _) in current {
                let (old_src, old_dst) = if duplicate_is_source {
                    (primary, trashed)
                } else {
                    (trashed, primary)
                };
                connection
                    .prepare_cached("DELETE FROM edges WHERE src = ?1 AND rel_id = ?2 AND dst = ?3")
                    .store()?
                    .execute(params![to_sql_int(old_src), edge.rel_id, to_sql_int(old_dst)])
                    .store()?;
                log.note(primary, this_end, None, Some(trashed));
                log.note(trashed, far_end, None, Some(primary));
            }
        }
        connection
            .prepare_cached(
                "INSERT INTO edges (src, rel_id, dst, label, created_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
            )
            .store()?
            .execute(params![
                to_sql_int(src),
                edge.rel_id,
                to_sql_int(dst),
                edge.label,
                to_sql_int(seq)
            ])
            .store()?;
        log.note(primary, this_end, Some(far), None);
        log.note(far, far_end, Some(primary), Some(duplicate));
        moved += 1;
    }
    Ok((moved, warnings))
}

/// Writes `values` onto the row of `primary` and returns each changed field's diff.
fn write_values<'a>(
    connection: &Connection,
    type_layout: &'a TypeLayout,
    primary: u64,
    values: BTreeMap<String, Option<crmd_core::Value>>,
    now: Timestamp,
) -> StoreResult<Vec<FieldDiff<'a>>> {
    let Some(mut row) = load_row(connection, type_layout, primary)? else {
        return Err(StoreError::NotFound);
    };
    let mut diffs = Vec::new();
    let mut changed: Vec<(usize, &FieldLayout)> = Vec::new();
    for (key, new_value) in values {
        let (index, field) = type_layout.require_field(&key)?;
        let new_value = new_value.map(|value| field.canonical(&value)).transpose()?;
        let Some(slot) = row.values.get_mut(index) else {
            continue;
        };
        if *slot != new_value {
            diffs.push(FieldDiff {
                field,
                old: slot.as_ref().map(value_to_json),
                new: new_value.as_ref().map(value_to_json),
            });
            *slot = new_value;
            changed.push((index, field));
        }
    }
    let mut sql = format!("UPDATE {} SET updated_at = ?1", type_layout.table);
    let mut parameters: Vec<SqlValue> = vec![SqlValue::Integer(now.millis())];
    for (index, field) in changed {
        let value = row.values.get(index).and_then(Option::as_ref);
        parameters.push(match value {
            Some(value) => field.encode(value)?,
            None => SqlValue::Null,
        });
        sql.push_str(&format!(", {} = ?{}", field.column, parameters.len()));
        if field.is_unique {
            release_value(connection, field, primary)?;
            if let Some(value) = value {
                claim_value(connection, field, value, primary)?;
            }
        }
    }
    parameters.push(SqlValue::Integer(to_sql_int(primary)));
    sql.push_str(&format!(" WHERE id = ?{}", parameters.len()));
    connection
        .prepare_cached(&sql)
        .store()?
        .execute(params_from_iter(parameters.iter()))
        .store()?;
    if !diffs.is_empty() {
        crate::search::index_row(connection, type_layout, &row)?;
    }
    Ok(diffs)
}

/// Moves `duplicate` to the trash, releasing its unique values.
fn trash(
    connection: &Connection,
    type_layout: &TypeLayout,
    duplicate: u64,
    now: Timestamp,
) -> StoreResult<()> {
    connection
        .prepare_cached("DELETE FROM unique_values WHERE record_id = ?1")
        .store()?
        .execute([to_sql_int(duplicate)])
        .store()?;
    let sql = format!(
        "UPDATE {} SET trashed_at = ?1, updated_at = ?1 WHERE id = ?2",
        type_layout.table
    );
    connection
        .prepare_cached(&sql)
        .store()?
        .execute(params![now.millis(), to_sql_int(duplicate)])
        .store()?;
    connection
        .prepare_cached("UPDATE records SET trashed_at = ?1 WHERE id = ?2")
        .store()?
        .execute(params![now.millis(), to_sql_int(duplicate)])
        .store()
        .map(drop)
}

pub(crate) fn merge_records(
    ctx: &mut WriterCtx,
    actor: &str,
    merge: MergeRecords,
) -> StoreResult<MergeOutcome> {
    let layout = ctx.layout.clone();
    let type_layout = layout.require(&merge.object_type)?;
    let (primary, duplicate) = (merge.primary.get(), merge.duplicate.get());
    if primary == duplicate {
        return Err(StoreError::Conflict(format!(
            "record {primary} cannot be merged with itself"
        )));
    }
    let seq = ctx.next_seq;
    let now = ctx.now;
    let connection = &ctx.connection;
    for id in [merge.primary, merge.duplicate] {
        if require_registered(connection, type_layout, id)? {
            return Err(StoreError::NotFound);
        }
    }

    // The duplicate goes first, so that its unique values are free for the primary.
    trash(connection, type_layout, duplicate, now)?;
    let diffs = write_values(connection, type_layout, primary, merge.values, now)?;
    let field_write_count = diffs.len() as u64;
    let mut log = LinkLog::default();
    let (repointed_count, warnings) = move_links(connection, &layout, primary, duplicate, seq, &mut log)?;

    insert_change_merged(
        connection,
        now,
        actor,
        &ChangeEntry {
            seq,
            object_type: &type_layout.slug,
            record_id: primary,
            op: ChangeOp::Merge,
            fields: diffs,
            relationships: log.take(primary),
        },
        Some(duplicate),
    )?;
    insert_change_merged(
        connection,
        now,
        actor,
        &ChangeEntry {
            seq: seq + 1,
            object_type: &type_layout.slug,
            record_id: duplicate,
            op: ChangeOp::MergeTrash,
            fields: Vec::new(),
            relationships: log.take(duplicate),
        },
        Some(primary),
    )?;
    let next_seq = log_link_changes(connection, &layout, &mut log, now, actor, seq + 2)?;

    connection
        .prepare_cached(
            "INSERT INTO merges (object_type, primary_id, duplicate_id, seq, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        )
        .store()?
        .execute(params![
            type_layout.slug,
            to_sql_int(primary),
            to_sql_int(duplicate),
            to_sql_int(seq),
            now.millis()
        ])
        .store()?;
    let merge_id = u64::try_from(connection.last_insert_rowid()).unwrap_or_default();
    let primary_record = load_record(connection, type_layout, primary)?.ok_or(StoreError::NotFound)?;
    ctx.next_seq = next_seq;
    Ok(MergeOutcome {
        merge: Merge {
            id: merge_id,
            object_type: type_layout.slug.clone(),
            primary: merge.primary,
            duplicate: merge.duplicate,
            seq,
            created_at: now,
            updated_at: now,
        },
        primary: primary_record,
        field_write_count,
        repointed_count,
        warnings,
    })
}

/// Logs an `Update` change for every record left in `log` whose links changed, from
/// `next_seq` on, and touches its `updated_at`. Records no longer of the type their end
/// names (after a schema change) are left alone. Returns the next free sequence number.
pub(crate) fn log_link_changes(
    connection: &Connection,
    layout: &Layout,
    log: &mut LinkLog,
    now: Timestamp,
    actor: &str,
    mut next_seq: u64,
) -> StoreResult<u64> {
    for (record, logged) in std::mem::take(&mut log.records) {
        let Some(far_layout) = layout.object_type(&logged.object_type) else {
            continue;
        };
        if registry_entry(connection, record)?.is_none_or(|(type_id, _)| type_id != far_layout.id) {
            continue;
        }
        let sql = format!(
            "UPDATE {} SET updated_at = ?1 WHERE id = ?2",
            table_name(&far_layout.id)
        );
        connection
            .prepare_cached(&sql)
            .store()?
            .execute(params![now.millis(), to_sql_int(record)])
            .store()?;
        insert_change_merged(
            connection,
            now,
            actor,
            &ChangeEntry {
                seq: next_seq,
                object_type: &far_layout.slug,
                record_id: record,
                op: ChangeOp::Update,
                fields: Vec::new(),
                relationships: relationship_changes(logged.keys),
            },
            None,
        )?;
        next_seq += 1;
    }
    Ok(next_seq)
}
