//! Record writes, run on the writer thread inside a job's savepoint: the row, the registry,
//! edges, unique values, field history and the change log, all in one transaction.

use crate::error::{InternalError, SqliteResultExt};
use crate::layout::{FIXED_COLUMNS, FieldLayout, SideLayout, TypeLayout, table_name};
use crate::read::{RecordRow, empty_relationships, load_record, load_related_one, load_row, registry_entry};
use crate::writer::{WriterCtx, to_sql_int};
use crmd_core::ids::MAX_RECORD_ID;
use crmd_core::{Cardinality, ChangeOp, Record, RecordId, RelationshipChange, Timestamp, Value};
use crmd_store::codec::value_to_json;
use crmd_store::{NewRecord, RecordChanges, RecordWrite, RelationshipOp, StoreError, StoreResult};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde_json::json;
use std::collections::BTreeMap;

/// Claims `key` of unique field `field` for record `record_id`. Returns the record that
/// holds it already, if another one does.
pub(crate) fn claim_unique(
    connection: &Connection,
    field: &FieldLayout,
    key: &str,
    record_id: i64,
) -> StoreResult<Option<i64>> {
    let holder: Option<i64> = connection
        .prepare_cached("SELECT record_id FROM unique_values WHERE field_id = ?1 AND value = ?2")
        .store()?
        .query_row(params![field.id, key], |row| row.get(0))
        .optional()
        .store()?;
    match holder {
        Some(other) if other != record_id => Ok(Some(other)),
        Some(_) => Ok(None),
        None => {
            connection
                .prepare_cached("INSERT INTO unique_values (field_id, value, record_id) VALUES (?1, ?2, ?3)")
                .store()?
                .execute(params![field.id, key, record_id])
                .store()?;
            Ok(None)
        }
    }
}

pub(crate) fn claim_value(
    connection: &Connection,
    field: &FieldLayout,
    value: &Value,
    record_id: u64,
) -> StoreResult<()> {
    for key in field.unique_keys(value) {
        if let Some(existing) = claim_unique(connection, field, &key, to_sql_int(record_id))? {
            return Err(StoreError::UniqueViolation {
                field: field.key.clone(),
                existing: RecordId(u64::try_from(existing).unwrap_or_default()),
            });
        }
    }
    Ok(())
}

pub(crate) fn release_value(connection: &Connection, field: &FieldLayout, record_id: u64) -> StoreResult<()> {
    connection
        .prepare_cached("DELETE FROM unique_values WHERE record_id = ?1 AND field_id = ?2")
        .store()?
        .execute(params![to_sql_int(record_id), field.id])
        .store()
        .map(drop)
}

/// One field's part of a change: its old and new value in the storage JSON encoding.
pub(crate) struct FieldDiff<'a> {
    pub(crate) field: &'a FieldLayout,
    pub(crate) old: Option<serde_json::Value>,
    pub(crate) new: Option<serde_json::Value>,
}

/// What one write logs about one record.
pub(crate) struct ChangeEntry<'a> {
    pub(crate) seq: u64,
    pub(crate) object_type: &'a str,
    pub(crate) record_id: u64,
    pub(crate) op: ChangeOp,
    pub(crate) fields: Vec<FieldDiff<'a>>,
    pub(crate) relationships: Vec<RelationshipChange>,
}

fn ids_json(ids: &[RecordId]) -> serde_json::Value {
    serde_json::Value::from(ids.iter().map(|id| id.get()).collect::<Vec<_>>())
}

fn insert_change(
    connection: &Connection,
    at: Timestamp,
    actor: &str,
    entry: &ChangeEntry<'_>,
) -> StoreResult<()> {
    insert_change_merged(connection, at, actor, entry, None)
}

/// Appends `entry` to the change log, with the field history of the values it wrote.
/// `merged_with` is the other record of a merge, for merge entries.
pub(crate) fn insert_change_merged(
    connection: &Connection,
    at: Timestamp,
    actor: &str,
    entry: &ChangeEntry<'_>,
    merged_with: Option<u64>,
) -> StoreResult<()> {
    let fields: Vec<serde_json::Value> = entry
        .fields
        .iter()
        .map(|diff| {
            json!({
                "key": diff.field.key,
                "type": diff.field.field_type.as_str(),
                "multiple": diff.field.is_multiple,
                "old": diff.old,
                "new": diff.new,
            })
        })
        .collect();
    let relationships: Vec<serde_json::Value> = entry
        .relationships
        .iter()
        .map(|change| json!({"key": change.key, "added": ids_json(&change.added), "removed": ids_json(&change.removed)}))
        .collect();
    let mut payload = json!({"fields": fields, "relationships": relationships});
    if let Some(other) = merged_with {
        payload["mergedWith"] = json!(other);
    }
    let payload = payload.to_string();
    connection
        .prepare_cached(
            "INSERT INTO changes (seq, at, actor, object_type, record_id, op, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )
        .store()?
        .execute(params![
            to_sql_int(entry.seq),
            at.millis(),
            actor,
            entry.object_type,
            to_sql_int(entry.record_id),
            entry.op.as_str(),
            payload
        ])
        .store()?;
    if matches!(entry.op, ChangeOp::Create | ChangeOp::Update | ChangeOp::Merge) {
        let mut statement = connection
            .prepare_cached(
                "INSERT INTO field_history (record_id, field_id, seq, at, value, is_create) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )
            .store()?;
        for diff in &entry.fields {
            statement
                .execute(params![
                    to_sql_int(entry.record_id),
                    diff.field.id,
                    to_sql_int(entry.seq),
                    at.millis(),
                    diff.new.as_ref().map(serde_json::Value::to_string),
                    entry.op == ChangeOp::Create
                ])
                .store()?;
        }
    }
    Ok(())
}

/// A link that moved away from a record because the far end holds at most one record: that
/// record's change is logged too.
struct Moved {
    record_id: u64,
    object_type_id: String,
    object_type: String,
    key: String,
    added: Vec<RecordId>,
    removed: Vec<RecordId>,
}

fn record_move(
    moves: &mut Vec<Moved>,
    side: &SideLayout,
    far_record: u64,
    this_record: u64,
    partners: Vec<u64>,
) {
    let Some(far_key) = &side.far_key else {
        // The far end has no key, so the far record shows no change.
        return;
    };
    let entry = match moves
        .iter()
        .position(|moved| moved.record_id == far_record && moved.key == *far_key)
    {
        Some(position) => &mut moves[position],
        None => {
            moves.push(Moved {
                record_id: far_record,
                object_type_id: side.far_type_id.clone(),
                object_type: side.far_type_slug.clone(),
                key: far_key.clone(),
                added: Vec::new(),
                removed: Vec::new(),
            });
            let last = moves.len() - 1;
            &mut moves[last]
        }
    };
    entry.added.push(RecordId(this_record));
    entry.removed.extend(partners.into_iter().map(RecordId));
}

fn check_related(connection: &Connection, side: &SideLayout, id: RecordId) -> StoreResult<()> {
    match registry_entry(connection, id.get())? {
        Some((object_type_id, is_trashed)) if object_type_id == side.far_type_id => {
            if is_trashed {
                Err(StoreError::RelatedTrashed {
                    key: side.key.clone(),
                    id,
                })
            } else {
                Ok(())
            }
        }
        Some(_) | None => Err(StoreError::RelatedMissing {
            key: side.key.clone(),
            id,
        }),
    }
}

/// The records linked to `record_id` over `side`, trashed ones included, oldest link first:
/// (related id, is trashed).
fn linked(connection: &Connection, side: &SideLayout, record_id: u64) -> StoreResult<Vec<(u64, bool)>> {
    let sql = if side.is_source {
        "SELECT e.dst, r.trashed_at IS NOT NULL FROM edges e LEFT JOIN records r ON r.id = e.dst \
         WHERE e.src = ?1 AND e.rel_id = ?2 ORDER BY e.created_seq, e.dst"
    } else {
        "SELECT e.src, r.trashed_at IS NOT NULL FROM edges e LEFT JOIN records r ON r.id = e.src \
         WHERE e.dst = ?1 AND e.rel_id = ?2 ORDER BY e.created_seq, e.src"
    };
    let mut statement = connection.prepare_cached(sql).store()?;
    let mut rows = statement
        .query(params![to_sql_int(record_id), side.rel_id])
        .store()?;
    let mut linked: Vec<(u64, bool)> = Vec::new();
    while let Some(row) = rows.next().store()? {
        let id: i64 = row.get(0).store()?;
        let is_trashed: Option<bool> = row.get(1).store()?;
        let id = u64::try_from(id).unwrap_or_default();
        if !linked.iter().any(|(known, _)| *known == id) {
            linked.push((id, is_trashed.unwrap_or(true)));
        }
    }
    Ok(linked)
}

/// Applies the writes to one relationship of record `record_id` and returns what changed.
fn apply_side(
    connection: &Connection,
    side: &SideLayout,
    record_id: u64,
    is_new: bool,
    ops: &[&RelationshipOp],
    seq: u64,
    moves: &mut Vec<Moved>,
) -> StoreResult<Option<RelationshipChange>> {
    let current = if is_new {
        Vec::new()
    } else {
        linked(connection, side, record_id)?
    };
    let mut desired: Vec<u64> = current.iter().map(|(id, _)| *id).collect();
    for op in ops {
        match op {
            RelationshipOp::Replace(ids) => {
                for id in ids {
                    check_related(connection, side, *id)?;
                }
                desired.clear();
                for id in ids {
                    if !desired.contains(&id.get()) {
                        desired.push(id.get());
                    }
                }
            }
            RelationshipOp::Add(ids) => {
                for id in ids {
                    check_related(connection, side, *id)?;
                    if !desired.contains(&id.get()) {
                        desired.push(id.get());
                    }
                }
            }
            RelationshipOp::Remove(ids) => desired.retain(|linked| !ids.contains(&RecordId(*linked))),
        }
    }
    if side.cardinality == Cardinality::HasOne && desired.len() > 1 {
        // Links to trashed records would come back on restore; a new link replaces them.
        desired.retain(|id| {
            !current
                .iter()
                .any(|(linked, is_trashed)| linked == id && *is_trashed)
        });
        if desired.len() > 1 {
            return Err(StoreError::TooManyRelated {
                key: side.key.clone(),
            });
        }
    }
    let removed: Vec<u64> = current
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| !desired.contains(id))
        .collect();
    let added: Vec<u64> = desired
        .iter()
        .copied()
        .filter(|id| !current.iter().any(|(linked, _)| linked == id))
        .collect();
    if removed.is_empty() && added.is_empty() {
        return Ok(None);
    }
    let (this_column, far_column) = side.columns();
    if !removed.is_empty() {
        let sql = format!("DELETE FROM edges WHERE {this_column} = ?1 AND rel_id = ?2 AND {far_column} = ?3");
        let mut statement = connection.prepare_cached(&sql).store()?;
        for far in &removed {
            statement
                .execute(params![to_sql_int(record_id), side.rel_id, to_sql_int(*far)])
                .store()?;
        }
    }
    for far in &added {
        if side.far_cardinality == Cardinality::HasOne {
            // The far record holds at most one record of this end: its old link moves here.
            let sql = format!(
                "SELECT {this_column} FROM edges WHERE {far_column} = ?1 AND rel_id = ?2 AND {this_column} <> ?3"
            );
            let mut statement = connection.prepare_cached(&sql).store()?;
            let partners: Vec<u64> = statement
                .query_map(
                    params![to_sql_int(*far), side.rel_id, to_sql_int(record_id)],
                    |row| row.get::<_, i64>(0),
                )
                .store()?
                .map(|partner| partner.map(|partner| u64::try_from(partner).unwrap_or_default()))
                .collect::<Result<_, _>>()
                .store()?;
            if !partners.is_empty() {
                let sql = format!(
                    "DELETE FROM edges WHERE {far_column} = ?1 AND rel_id = ?2 AND {this_column} <> ?3"
                );
                connection
                    .prepare_cached(&sql)
                    .store()?
                    .execute(params![to_sql_int(*far), side.rel_id, to_sql_int(record_id)])
                    .store()?;
                record_move(moves, side, *far, record_id, partners);
            }
        }
        let (src, dst) = if side.is_source {
            (record_id, *far)
        } else {
            (*far, record_id)
        };
        connection
            .prepare_cached("INSERT OR IGNORE INTO edges (src, rel_id, dst, label, created_seq) VALUES (?1, ?2, ?3, '', ?4)")
            .store()?
            .execute(params![to_sql_int(src), side.rel_id, to_sql_int(dst), to_sql_int(seq)])
            .store()?;
    }
    Ok(Some(RelationshipChange {
        key: side.key.clone(),
        added: added.into_iter().map(RecordId).collect(),
        removed: removed.into_iter().map(RecordId).collect(),
    }))
}

/// Logs the changes of the far records whose links moved, right after `seq`, and touches
/// their `updated_at`. Returns how many it logged.
fn log_moves(
    connection: &Connection,
    at: Timestamp,
    actor: &str,
    seq: u64,
    moves: Vec<Moved>,
) -> StoreResult<u64> {
    let mut logged = 0;
    for moved in moves {
        logged += 1;
        let sql = format!(
            "UPDATE {} SET updated_at = ?1 WHERE id = ?2",
            table_name(&moved.object_type_id)
        );
        connection
            .prepare_cached(&sql)
            .store()?
            .execute(params![at.millis(), to_sql_int(moved.record_id)])
            .store()?;
        insert_change(
            connection,
            at,
            actor,
            &ChangeEntry {
                seq: seq + logged,
                object_type: &moved.object_type,
                record_id: moved.record_id,
                op: ChangeOp::Update,
                fields: Vec::new(),
                relationships: vec![RelationshipChange {
                    key: moved.key,
                    added: moved.added,
                    removed: moved.removed,
                }],
            },
        )?;
    }
    Ok(logged)
}

/// Runs one record write of any kind.
pub(crate) fn record_write(ctx: &mut WriterCtx, actor: &str, write: RecordWrite) -> StoreResult<Record> {
    match write {
        RecordWrite::Create(record) => create_record(ctx, actor, record),
        RecordWrite::Update {
            object_type,
            id,
            changes,
        } => update_record(ctx, actor, &object_type, id, changes),
        RecordWrite::Trash { object_type, id } => trash_record(ctx, actor, &object_type, id),
        RecordWrite::Restore { object_type, id } => restore_record(ctx, actor, &object_type, id),
    }
}

pub(crate) fn create_record(ctx: &mut WriterCtx, actor: &str, new: NewRecord) -> StoreResult<Record> {
    let layout = ctx.layout.clone();
    let type_layout = layout.require(&new.object_type)?;
    let id = ctx.next_record_id;
    if id > MAX_RECORD_ID {
        return Err(InternalError::Corrupt("record ids are exhausted".to_owned()).into());
    }
    let seq = ctx.next_seq;
    let now = ctx.now;
    let connection = &ctx.connection;

    let mut row: Vec<SqlValue> = vec![SqlValue::Null; FIXED_COLUMNS + type_layout.fields.len()];
    row[0] = SqlValue::Integer(to_sql_int(id));
    row[1] = SqlValue::Integer(now.millis());
    row[2] = SqlValue::Integer(now.millis());
    row[4] = new.external_id.clone().map_or(SqlValue::Null, SqlValue::Text);
    let mut values = BTreeMap::new();
    let mut diffs = Vec::with_capacity(new.values.len());
    for (key, value) in new.values {
        let (index, field) = type_layout.require_field(&key)?;
        let value = field.canonical(&value)?;
        row[FIXED_COLUMNS + index] = field.encode(&value)?;
        if field.is_unique {
            claim_value(connection, field, &value, id)?;
        }
        diffs.push(FieldDiff {
            field,
            old: None,
            new: Some(value_to_json(&value)),
        });
        values.insert(key, value);
    }
    connection
        .prepare_cached("INSERT INTO records (id, object_type_id, trashed_at) VALUES (?1, ?2, NULL)")
        .store()?
        .execute(params![to_sql_int(id), type_layout.id])
        .store()?;
    connection
        .prepare_cached(&type_layout.insert)
        .store()?
        .execute(params_from_iter(row.iter()))
        .store()?;
    crate::search::index_record(
        connection,
        id,
        values
            .iter()
            .filter_map(|(key, value)| Some((type_layout.require_field(key).ok()?.1, value))),
    )?;

    let mut relationships = empty_relationships(type_layout);
    let mut relationship_changes = Vec::new();
    let mut moves = Vec::new();
    for (key, ids) in new.relationships {
        let side = type_layout.require_side(&key)?;
        let op = RelationshipOp::Add(ids);
        if let Some(change) = apply_side(connection, side, id, true, &[&op], seq, &mut moves)? {
            let mut related = change.added.clone();
            // Links made by one write read back by id.
            related.sort_unstable();
            relationships.insert(key, related);
            relationship_changes.push(change);
        }
    }
    insert_change(
        connection,
        now,
        actor,
        &ChangeEntry {
            seq,
            object_type: &type_layout.slug,
            record_id: id,
            op: ChangeOp::Create,
            fields: diffs,
            relationships: relationship_changes,
        },
    )?;
    let logged = log_moves(connection, now, actor, seq, moves)?;
    ctx.next_record_id = id + 1;
    ctx.next_seq = seq + 1 + logged;
    Ok(Record {
        id: RecordId(id),
        object_type: type_layout.slug.clone(),
        values,
        relationships,
        created_at: now,
        updated_at: now,
        trashed_at: None,
        external_id: new.external_id,
    })
}

pub(crate) fn update_record(
    ctx: &mut WriterCtx,
    actor: &str,
    object_type: &str,
    id: RecordId,
    changes: RecordChanges,
) -> StoreResult<Record> {
    let layout = ctx.layout.clone();
    let type_layout = layout.require(object_type)?;
    let seq = ctx.next_seq;
    let now = ctx.now;
    let connection = &ctx.connection;
    let Some(mut row) = load_row(connection, type_layout, id.get())? else {
        return Err(StoreError::NotFound);
    };
    if row.trashed_at.is_some() {
        return Err(StoreError::NotFound);
    }

    let mut changed: Vec<usize> = Vec::new();
    let mut diffs = Vec::new();
    for (key, new_value) in changes.values {
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
            changed.push(index);
        }
    }

    // Writes to one relationship apply in order; different relationships are independent.
    let mut ops_by_key: Vec<(&str, Vec<&RelationshipOp>)> = Vec::new();
    for write in &changes.relationships {
        match ops_by_key.iter_mut().find(|(key, _)| *key == write.key) {
            Some((_, ops)) => ops.push(&write.op),
            None => ops_by_key.push((&write.key, vec![&write.op])),
        }
    }
    let mut relationship_changes = Vec::new();
    let mut moves = Vec::new();
    for (key, ops) in &ops_by_key {
        let side = type_layout.require_side(key)?;
        if let Some(change) = apply_side(connection, side, id.get(), false, ops, seq, &mut moves)? {
            relationship_changes.push(change);
        }
    }

    if diffs.is_empty() && relationship_changes.is_empty() {
        let relationships = load_related_one(connection, type_layout, id.get())?;
        return Ok(row.into_record(type_layout, relationships));
    }

    let mut sql = format!("UPDATE {} SET updated_at = ?1", type_layout.table);
    let mut parameters: Vec<SqlValue> = vec![SqlValue::Integer(now.millis())];
    for index in &changed {
        let (Some(field), Some(value)) = (type_layout.fields.get(*index), row.values.get(*index)) else {
            continue;
        };
        parameters.push(match value {
            Some(value) => field.encode(value)?,
            None => SqlValue::Null,
        });
        sql.push_str(&format!(", {} = ?{}", field.column, parameters.len()));
        if field.is_unique {
            release_value(connection, field, id.get())?;
            if let Some(value) = value {
                claim_value(connection, field, value, id.get())?;
            }
        }
    }
    parameters.push(SqlValue::Integer(to_sql_int(id.get())));
    sql.push_str(&format!(" WHERE id = ?{}", parameters.len()));
    connection
        .prepare_cached(&sql)
        .store()?
        .execute(params_from_iter(parameters.iter()))
        .store()?;
    if !changed.is_empty() {
        crate::search::index_row(connection, type_layout, &row)?;
    }

    insert_change(
        connection,
        now,
        actor,
        &ChangeEntry {
            seq,
            object_type: &type_layout.slug,
            record_id: id.get(),
            op: ChangeOp::Update,
            fields: diffs,
            relationships: relationship_changes,
        },
    )?;
    let logged = log_moves(connection, now, actor, seq, moves)?;
    ctx.next_seq = seq + 1 + logged;
    row.updated_at = now.millis();
    let relationships = load_related_one(connection, type_layout, id.get())?;
    Ok(row.into_record(type_layout, relationships))
}

/// Looks up record `id` of type `type_layout`: `NotFound` when it is missing or of another type.
pub(crate) fn require_registered(
    connection: &Connection,
    type_layout: &TypeLayout,
    id: RecordId,
) -> StoreResult<bool> {
    match registry_entry(connection, id.get())? {
        Some((object_type_id, is_trashed)) if object_type_id == type_layout.id => Ok(is_trashed),
        Some(_) | None => Err(StoreError::NotFound),
    }
}

fn set_trashed(
    ctx: &mut WriterCtx,
    actor: &str,
    object_type: &str,
    id: RecordId,
    is_trash: bool,
) -> StoreResult<Record> {
    let layout = ctx.layout.clone();
    let type_layout = layout.require(object_type)?;
    let seq = ctx.next_seq;
    let now = ctx.now;
    let connection = &ctx.connection;
    let is_trashed = require_registered(connection, type_layout, id)?;
    if is_trashed == is_trash {
        return load_record(connection, type_layout, id.get())?.ok_or(StoreError::NotFound);
    }
    let trashed_at = is_trash.then_some(now.millis());
    if is_trash {
        connection
            .prepare_cached("DELETE FROM unique_values WHERE record_id = ?1")
            .store()?
            .execute([to_sql_int(id.get())])
            .store()?;
    } else {
        let row: RecordRow = load_row(connection, type_layout, id.get())?.ok_or(StoreError::NotFound)?;
        for (field, value) in type_layout.fields.iter().zip(&row.values) {
            if field.is_unique
                && let Some(value) = value
            {
                claim_value(connection, field, value, id.get())?;
            }
        }
    }
    let sql = format!(
        "UPDATE {} SET trashed_at = ?1, updated_at = ?2 WHERE id = ?3",
        type_layout.table
    );
    connection
        .prepare_cached(&sql)
        .store()?
        .execute(params![trashed_at, now.millis(), to_sql_int(id.get())])
        .store()?;
    connection
        .prepare_cached("UPDATE records SET trashed_at = ?1 WHERE id = ?2")
        .store()?
        .execute(params![trashed_at, to_sql_int(id.get())])
        .store()?;
    insert_change(
        connection,
        now,
        actor,
        &ChangeEntry {
            seq,
            object_type: &type_layout.slug,
            record_id: id.get(),
            op: if is_trash {
                ChangeOp::Trash
            } else {
                ChangeOp::Restore
            },
            fields: Vec::new(),
            relationships: Vec::new(),
        },
    )?;
    ctx.next_seq = seq + 1;
    load_record(&ctx.connection, type_layout, id.get())?.ok_or(StoreError::NotFound)
}

pub(crate) fn trash_record(
    ctx: &mut WriterCtx,
    actor: &str,
    object_type: &str,
    id: RecordId,
) -> StoreResult<Record> {
    set_trashed(ctx, actor, object_type, id, true)
}

pub(crate) fn restore_record(
    ctx: &mut WriterCtx,
    actor: &str,
    object_type: &str,
    id: RecordId,
) -> StoreResult<Record> {
    set_trashed(ctx, actor, object_type, id, false)
}
