//! Reading records, their relationships, field history and the change log.

use crate::error::{InternalError, SqliteResultExt};
use crate::layout::{FIXED_COLUMNS, Layout, TypeLayout};
use crate::writer::to_sql_int;
use crmd_core::{
    Change, ChangeOp, FieldChange, FieldType, HistoryEntry, Merge, Record, RecordId, RelationshipChange,
    Timestamp,
};
use crmd_store::StoreResult;
use crmd_store::codec::value_from_json;
use rusqlite::{Connection, OptionalExtension, Row, params};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One row of a record table, values in field order.
#[derive(Debug)]
pub(crate) struct RecordRow {
    pub(crate) id: u64,
    pub(crate) created_at: i64,
    pub(crate) updated_at: i64,
    pub(crate) trashed_at: Option<i64>,
    pub(crate) external_id: Option<String>,
    pub(crate) values: Vec<Option<crmd_core::Value>>,
}

impl RecordRow {
    /// Reads a row selected with `TypeLayout::select_list` (extra columns after it are ignored).
    pub(crate) fn from_row(layout: &TypeLayout, row: &Row<'_>) -> StoreResult<RecordRow> {
        let id: i64 = row.get(0).store()?;
        let mut values = Vec::with_capacity(layout.fields.len());
        for (index, field) in layout.fields.iter().enumerate() {
            values.push(field.decode(row.get_ref(FIXED_COLUMNS + index).store()?)?);
        }
        Ok(RecordRow {
            id: u64::try_from(id).map_err(|_| InternalError::Corrupt(format!("record id {id}")))?,
            created_at: row.get(1).store()?,
            updated_at: row.get(2).store()?,
            trashed_at: row.get(3).store()?,
            external_id: row.get(4).store()?,
            values,
        })
    }

    pub(crate) fn into_record(
        self,
        layout: &TypeLayout,
        relationships: BTreeMap<String, Vec<RecordId>>,
    ) -> Record {
        let values = layout
            .fields
            .iter()
            .zip(self.values)
            .filter_map(|(field, value)| Some((field.key.clone(), value?)))
            .collect();
        Record {
            id: RecordId(self.id),
            object_type: layout.slug.clone(),
            values,
            relationships,
            created_at: Timestamp(self.created_at),
            updated_at: Timestamp(self.updated_at),
            trashed_at: self.trashed_at.map(Timestamp),
            external_id: self.external_id,
        }
    }
}

/// The row of record `id` of this type, active or trashed.
pub(crate) fn load_row(
    connection: &Connection,
    layout: &TypeLayout,
    id: u64,
) -> StoreResult<Option<RecordRow>> {
    let mut statement = connection.prepare_cached(&layout.select_by_id).store()?;
    let mut rows = statement.query([to_sql_int(id)]).store()?;
    match rows.next().store()? {
        Some(row) => Ok(Some(RecordRow::from_row(layout, row)?)),
        None => Ok(None),
    }
}

/// Every keyed relationship of the type, each with no related record yet.
pub(crate) fn empty_relationships(layout: &TypeLayout) -> BTreeMap<String, Vec<RecordId>> {
    layout
        .sides
        .iter()
        .map(|side| (side.key.clone(), Vec::new()))
        .collect()
}

fn dedup(relationships: &mut BTreeMap<String, Vec<RecordId>>) {
    for related in relationships.values_mut() {
        if related.len() > 1 {
            let mut seen = HashSet::with_capacity(related.len());
            related.retain(|id| seen.insert(*id));
        }
    }
}

/// The active related records of one record, over every keyed side, oldest link first.
pub(crate) fn load_related_one(
    connection: &Connection,
    layout: &TypeLayout,
    id: u64,
) -> StoreResult<BTreeMap<String, Vec<RecordId>>> {
    let mut relationships = empty_relationships(layout);
    let Some(sql) = &layout.related_of_one else {
        return Ok(relationships);
    };
    let mut statement = connection.prepare_cached(sql).store()?;
    let mut rows = statement.query([to_sql_int(id)]).store()?;
    while let Some(row) = rows.next().store()? {
        let (is_source, rel_id, related) = related_row(row)?;
        if let Some(side) = layout
            .side_index(is_source, &rel_id)
            .and_then(|index| layout.sides.get(index))
            && let Some(list) = relationships.get_mut(&side.key)
        {
            list.push(related);
        }
    }
    dedup(&mut relationships);
    Ok(relationships)
}

fn related_row(row: &Row<'_>) -> StoreResult<(bool, String, RecordId)> {
    let is_source: i64 = row.get(1).store()?;
    let rel_id: String = row.get(2).store()?;
    let related: i64 = row.get(3).store()?;
    Ok((
        is_source != 0,
        rel_id,
        RecordId(u64::try_from(related).unwrap_or_default()),
    ))
}

/// Fills in the relationships of a page of records with one query.
pub(crate) fn load_related_many(
    connection: &Connection,
    layout: &TypeLayout,
    records: &mut [Record],
) -> StoreResult<()> {
    let template = empty_relationships(layout);
    for record in records.iter_mut() {
        record.relationships = template.clone();
    }
    let Some(sql) = &layout.related_of_many else {
        return Ok(());
    };
    if records.is_empty() {
        return Ok(());
    }
    let positions: HashMap<u64, usize> = records
        .iter()
        .enumerate()
        .map(|(position, record)| (record.id.get(), position))
        .collect();
    let ids =
        serde_json::Value::from(records.iter().map(|record| record.id.get()).collect::<Vec<_>>()).to_string();
    let mut statement = connection.prepare_cached(sql).store()?;
    let mut rows = statement.query([ids]).store()?;
    while let Some(row) = rows.next().store()? {
        let owner: i64 = row.get(0).store()?;
        let (is_source, rel_id, related) = related_row(row)?;
        let Some(position) = u64::try_from(owner).ok().and_then(|owner| positions.get(&owner)) else {
            continue;
        };
        if let Some(side) = layout
            .side_index(is_source, &rel_id)
            .and_then(|index| layout.sides.get(index))
            && let Some(record) = records.get_mut(*position)
            && let Some(list) = record.relationships.get_mut(&side.key)
        {
            list.push(related);
        }
    }
    for record in records.iter_mut() {
        dedup(&mut record.relationships);
    }
    Ok(())
}

/// The record with its relationships; `None` when there is no such record of this type.
pub(crate) fn load_record(
    connection: &Connection,
    layout: &TypeLayout,
    id: u64,
) -> StoreResult<Option<Record>> {
    let Some(row) = load_row(connection, layout, id)? else {
        return Ok(None);
    };
    let relationships = load_related_one(connection, layout, id)?;
    Ok(Some(row.into_record(layout, relationships)))
}

pub(crate) fn get_record(
    connection: &Connection,
    layout: &Layout,
    slug: &str,
    id: RecordId,
) -> StoreResult<Option<Record>> {
    match layout.object_type(slug) {
        Some(type_layout) => load_record(connection, type_layout, id.get()),
        None => Ok(None),
    }
}

pub(crate) fn field_history(
    connection: &Connection,
    layout: &Layout,
    slug: &str,
    id: RecordId,
    field_key: &str,
    before_seq: Option<u64>,
    limit: u32,
) -> StoreResult<Vec<HistoryEntry>> {
    let type_layout = layout.require(slug)?;
    let (_, field) = type_layout.require_field(field_key)?;
    let mut statement = connection
        .prepare_cached(
            "SELECT seq, at, value, is_create FROM field_history \
             WHERE record_id = ?1 AND field_id = ?2 AND seq < ?3 ORDER BY seq DESC LIMIT ?4",
        )
        .store()?;
    let before = before_seq.map_or(i64::MAX, to_sql_int);
    let mut rows = statement
        .query(params![to_sql_int(id.get()), field.id, before, limit])
        .store()?;
    let mut entries = Vec::new();
    while let Some(row) = rows.next().store()? {
        let seq: i64 = row.get(0).store()?;
        let value: Option<String> = row.get(2).store()?;
        let value = match value {
            Some(text) => {
                let json: serde_json::Value = serde_json::from_str(&text).map_err(|_| {
                    InternalError::Corrupt(format!("history value of {field_key:?} at seq {seq}"))
                })?;
                value_from_json(field.field_type, field.is_multiple, &json)
            }
            None => None,
        };
        let is_create: i64 = row.get(3).store()?;
        entries.push(HistoryEntry {
            value,
            recorded_at: Timestamp(row.get(1).store()?),
            seq: u64::try_from(seq).unwrap_or_default(),
            is_create: is_create != 0,
        });
    }
    Ok(entries)
}

pub(crate) fn changes(connection: &Connection, after_seq: u64, limit: u32) -> StoreResult<Vec<Change>> {
    let mut statement = connection
        .prepare_cached(
            "SELECT seq, at, actor, object_type, record_id, op, payload FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .store()?;
    let mut rows = statement.query(params![to_sql_int(after_seq), limit]).store()?;
    let mut changes = Vec::new();
    while let Some(row) = rows.next().store()? {
        let seq: i64 = row.get(0).store()?;
        let op: String = row.get(5).store()?;
        let payload: String = row.get(6).store()?;
        let record_id: i64 = row.get(4).store()?;
        let (fields, relationships, merged_with) = decode_payload(&payload)
            .ok_or_else(|| InternalError::Corrupt(format!("payload of change {seq}")))?;
        changes.push(Change {
            seq: u64::try_from(seq).unwrap_or_default(),
            at: Timestamp(row.get(1).store()?),
            actor: row.get(2).store()?,
            object_type: row.get(3).store()?,
            record_id: RecordId(u64::try_from(record_id).unwrap_or_default()),
            op: ChangeOp::parse(&op)
                .ok_or_else(|| InternalError::Corrupt(format!("op {op:?} of change {seq}")))?,
            fields,
            relationships,
            merged_with,
        });
    }
    Ok(changes)
}

/// The payload names each field's type, so that it decodes whatever the schema became since.
fn decode_payload(payload: &str) -> Option<(Vec<FieldChange>, Vec<RelationshipChange>, Option<RecordId>)> {
    let json: serde_json::Value = serde_json::from_str(payload).ok()?;
    let mut fields = Vec::new();
    for entry in json.get("fields")?.as_array()? {
        let field_type = FieldType::parse(entry.get("type")?.as_str()?)?;
        let is_multiple = entry
            .get("multiple")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or_default();
        let decode = |name: &str| {
            entry
                .get(name)
                .and_then(|json| value_from_json(field_type, is_multiple, json))
        };
        fields.push(FieldChange {
            key: entry.get("key")?.as_str()?.to_owned(),
            old: decode("old"),
            new: decode("new"),
        });
    }
    let ids = |json: &serde_json::Value| -> Option<Vec<RecordId>> {
        json.as_array()?
            .iter()
            .map(|id| id.as_u64().map(RecordId))
            .collect()
    };
    let mut relationships = Vec::new();
    for entry in json.get("relationships")?.as_array()? {
        relationships.push(RelationshipChange {
            key: entry.get("key")?.as_str()?.to_owned(),
            added: ids(entry.get("added")?)?,
            removed: ids(entry.get("removed")?)?,
        });
    }
    let merged_with = json
        .get("mergedWith")
        .and_then(serde_json::Value::as_u64)
        .map(RecordId);
    Some((fields, relationships, merged_with))
}

fn merge_row(row: &Row<'_>) -> rusqlite::Result<Merge> {
    let unsigned = |index: usize| {
        row.get::<_, i64>(index)
            .map(|value| u64::try_from(value).unwrap_or_default())
    };
    Ok(Merge {
        id: unsigned(0)?,
        object_type: row.get(1)?,
        primary: RecordId(unsigned(2)?),
        duplicate: RecordId(unsigned(3)?),
        seq: unsigned(4)?,
        created_at: Timestamp(row.get(5)?),
        updated_at: Timestamp(row.get(6)?),
    })
}

/// The merge with this id.
pub(crate) fn get_merge(connection: &Connection, id: u64) -> StoreResult<Option<Merge>> {
    connection
        .prepare_cached(
            "SELECT id, object_type, primary_id, duplicate_id, seq, created_at, updated_at FROM merges WHERE id = ?1",
        )
        .store()?
        .query_row([to_sql_int(id)], merge_row)
        .optional()
        .store()
}

/// The merges record `id` took part in, as primary or duplicate, oldest first.
pub(crate) fn merges_of(connection: &Connection, id: RecordId) -> StoreResult<Vec<Merge>> {
    let mut statement = connection
        .prepare_cached(
            "SELECT id, object_type, primary_id, duplicate_id, seq, created_at, updated_at FROM merges WHERE primary_id = ?1 \
             UNION SELECT id, object_type, primary_id, duplicate_id, seq, created_at, updated_at FROM merges WHERE duplicate_id = ?1 \
             ORDER BY 1",
        )
        .store()?;
    let rows = statement.query_map([to_sql_int(id.get())], merge_row).store()?;
    rows.collect::<Result<_, _>>().store()
}

/// The type and trash state of record `id`, from the registry.
pub(crate) fn registry_entry(connection: &Connection, id: u64) -> StoreResult<Option<(String, bool)>> {
    connection
        .prepare_cached("SELECT object_type_id, trashed_at IS NOT NULL FROM records WHERE id = ?1")
        .store()?
        .query_row([to_sql_int(id)], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, bool>(1)?))
        })
        .optional()
        .store()
}
