//! Turning one schema into the next: tables, columns, indexes, unique-value rows and the
//! rows that dropped definitions leave behind. Runs inside the caller's transaction.

use crate::error::SqliteResultExt;
use crate::layout::{ColumnKind, FieldLayout, Layout, TypeLayout, index_name};
use crate::schema_json::schema_to_json;
use crmd_core::{Cardinality, Schema};
use crmd_store::{StoreError, StoreResult};
use rusqlite::{Connection, OptionalExtension, params};

/// Migrates the tables from `old` to `new` and stores `new` as the current schema.
pub(crate) fn apply(connection: &Connection, old: &Layout, new: &Layout) -> StoreResult<()> {
    let old_schema = &old.schema;
    let new_schema = &new.schema;

    for old_type in &old_schema.object_types {
        if !new_schema
            .object_types
            .iter()
            .any(|object_type| object_type.id == old_type.id)
        {
            drop_object_type(connection, &old_type.id)?;
        }
    }
    for old_def in &old_schema.relationships {
        match new_schema.relationship_by_id(&old_def.id) {
            None => {
                connection
                    .execute("DELETE FROM edges WHERE rel_id = ?1", [&old_def.id])
                    .store()?;
            }
            Some(new_def) => {
                let type_id = |schema: &Schema, slug: &str| {
                    schema.object_type(slug).map(|object_type| object_type.id.clone())
                };
                let is_same_types = type_id(old_schema, &old_def.source.object_type)
                    == type_id(new_schema, &new_def.source.object_type)
                    && type_id(old_schema, &old_def.target.object_type)
                        == type_id(new_schema, &new_def.target.object_type);
                if !is_same_types {
                    return Err(StoreError::Conflict(format!(
                        "relationship {:?} cannot change the object types it links",
                        new_def.id
                    )));
                }
                for (end, is_source, was_one) in [
                    (
                        &new_def.source,
                        true,
                        old_def.source.cardinality == Cardinality::HasOne,
                    ),
                    (
                        &new_def.target,
                        false,
                        old_def.target.cardinality == Cardinality::HasOne,
                    ),
                ] {
                    if end.cardinality == Cardinality::HasOne && !was_one {
                        check_at_most_one(
                            connection,
                            &new_def.id,
                            is_source,
                            end.key.as_deref().unwrap_or(&end.label),
                        )?;
                    }
                }
            }
        }
    }
    for new_type in new_schema.object_types.iter() {
        let new_layout = new.require(&new_type.slug)?;
        match old_schema
            .object_types
            .iter()
            .find(|object_type| object_type.id == new_type.id)
        {
            None => create_table(connection, new_layout)?,
            Some(old_type) => {
                let old_layout = old.require(&old_type.slug)?;
                alter_table(connection, old_layout, new_layout)?;
                clear_removed_options(connection, old_type, new_type, new_layout)?;
            }
        }
    }
    connection
        .execute(
            "INSERT INTO _schema (id, version, body) VALUES (1, ?1, ?2) \
             ON CONFLICT (id) DO UPDATE SET version = excluded.version, body = excluded.body",
            params![
                crate::writer::to_sql_int(new_schema.version),
                schema_to_json(new_schema).to_string()
            ],
        )
        .store()?;
    Ok(())
}

fn check_at_most_one(connection: &Connection, rel_id: &str, is_source: bool, key: &str) -> StoreResult<()> {
    let (this, far) = if is_source { ("src", "dst") } else { ("dst", "src") };
    let sql = format!(
        "SELECT {this} FROM edges WHERE rel_id = ?1 GROUP BY {this} HAVING COUNT(DISTINCT {far}) > 1 LIMIT 1"
    );
    let offender: Option<i64> = connection
        .query_row(&sql, [rel_id], |row| row.get(0))
        .optional()
        .store()?;
    match offender {
        Some(id) => Err(StoreError::Conflict(format!(
            "relationship {key:?} cannot hold at most one record: record {id} has several"
        ))),
        None => Ok(()),
    }
}

fn drop_object_type(connection: &Connection, object_type_id: &str) -> StoreResult<()> {
    let ids = "SELECT id FROM records WHERE object_type_id = ?1";
    for sql in [
        format!("DELETE FROM field_history WHERE record_id IN ({ids})"),
        format!("DELETE FROM unique_values WHERE record_id IN ({ids})"),
        format!("DELETE FROM edges WHERE src IN ({ids})"),
        format!("DELETE FROM edges WHERE dst IN ({ids})"),
        format!("DELETE FROM search_text WHERE rowid IN ({ids})"),
        "DELETE FROM records WHERE object_type_id = ?1".to_owned(),
    ] {
        connection.execute(&sql, [object_type_id]).store()?;
    }
    connection
        .execute_batch(&format!(
            "DROP TABLE IF EXISTS {}",
            crate::layout::table_name(object_type_id)
        ))
        .store()
}

fn create_table(connection: &Connection, layout: &TypeLayout) -> StoreResult<()> {
    let mut sql = format!(
        "CREATE TABLE {} (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, \
         trashed_at INTEGER, external_id TEXT",
        layout.table
    );
    for field in &layout.fields {
        sql.push_str(&format!(", {} {}", field.column, field.kind.sql_type()));
    }
    sql.push(')');
    connection.execute_batch(&sql).store()?;
    // Indexes cover active records only: every list of active records then reads its
    // filter and its total from the index alone, without visiting each row to check
    // `trashed_at`. Queries over the trash scan the table.
    // External ids are rare, so their index holds only the records that have one.
    for (column, condition) in [
        ("created_at", "trashed_at IS NULL"),
        ("updated_at", "trashed_at IS NULL"),
        ("external_id", "external_id IS NOT NULL"),
    ] {
        connection
            .execute_batch(&format!(
                "CREATE INDEX {} ON {} ({column}) WHERE {condition}",
                index_name(&format!("{}__{column}", layout.id)),
                layout.table
            ))
            .store()?;
    }
    for field in &layout.fields {
        create_index(connection, layout, field)?;
    }
    Ok(())
}

fn field_index_name(layout: &TypeLayout, field: &FieldLayout) -> String {
    index_name(&format!("{}__{}", layout.id, field.id))
}

fn create_index(connection: &Connection, layout: &TypeLayout, field: &FieldLayout) -> StoreResult<()> {
    if field.kind.is_indexed() {
        connection
            .execute_batch(&format!(
                "CREATE INDEX IF NOT EXISTS {} ON {} ({}) WHERE trashed_at IS NULL",
                field_index_name(layout, field),
                layout.table,
                field.column
            ))
            .store()?;
    }
    Ok(())
}

fn alter_table(connection: &Connection, old: &TypeLayout, new: &TypeLayout) -> StoreResult<()> {
    for old_field in &old.fields {
        match new.fields.iter().find(|field| field.id == old_field.id) {
            None => {
                connection
                    .execute_batch(&format!(
                        "DROP INDEX IF EXISTS {}",
                        field_index_name(old, old_field)
                    ))
                    .store()?;
                connection
                    .execute_batch(&format!(
                        "ALTER TABLE {} DROP COLUMN {}",
                        old.table, old_field.column
                    ))
                    .store()?;
                connection
                    .execute("DELETE FROM unique_values WHERE field_id = ?1", [&old_field.id])
                    .store()?;
                connection
                    .execute("DELETE FROM field_history WHERE field_id = ?1", [&old_field.id])
                    .store()?;
            }
            Some(new_field) => {
                if new_field.field_type != old_field.field_type || new_field.kind != old_field.kind {
                    return Err(StoreError::Conflict(format!(
                        "field {:?} cannot change its type from {}{} to {}{}: add a new field instead",
                        new_field.key,
                        old_field.field_type.as_str(),
                        if old_field.is_multiple { " (multiple)" } else { "" },
                        new_field.field_type.as_str(),
                        if new_field.is_multiple { " (multiple)" } else { "" },
                    )));
                }
                if new_field.is_unique && !old_field.is_unique {
                    claim_existing_values(connection, new, new_field)?;
                } else if !new_field.is_unique && old_field.is_unique {
                    connection
                        .execute("DELETE FROM unique_values WHERE field_id = ?1", [&old_field.id])
                        .store()?;
                }
            }
        }
    }
    for new_field in &new.fields {
        if !old.fields.iter().any(|field| field.id == new_field.id) {
            connection
                .execute_batch(&format!(
                    "ALTER TABLE {} ADD COLUMN {} {}",
                    new.table,
                    new_field.column,
                    new_field.kind.sql_type()
                ))
                .store()?;
            create_index(connection, new, new_field)?;
        }
    }
    Ok(())
}

/// Clears stored select values that name options the new schema no longer has, so that no
/// record holds an option its field does not define.
fn clear_removed_options(
    connection: &Connection,
    old_type: &crmd_core::ObjectType,
    new_type: &crmd_core::ObjectType,
    layout: &TypeLayout,
) -> StoreResult<()> {
    for new_def in &new_type.fields {
        let Some(old_def) = old_type.field_by_id(&new_def.id) else {
            continue;
        };
        let removed: Vec<&str> = old_def
            .config
            .options
            .iter()
            .filter(|option| new_def.option(&option.id).is_none())
            .map(|option| option.id.as_str())
            .collect();
        let Some(field) = layout.fields.iter().find(|field| field.id == new_def.id) else {
            continue;
        };
        if removed.is_empty() {
            continue;
        }
        let placeholders = vec!["?"; removed.len()].join(", ");
        let column = &field.column;
        let sql = match field.kind {
            ColumnKind::Choice => {
                format!(
                    "UPDATE {} SET {column} = NULL WHERE {column} IN ({placeholders})",
                    layout.table
                )
            }
            ColumnKind::JsonList => format!(
                "UPDATE {table} SET {column} = (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(value) END \
                 FROM json_each({table}.{column}) WHERE value NOT IN ({placeholders})) \
                 WHERE EXISTS (SELECT 1 FROM json_each({table}.{column}) WHERE value IN ({placeholders}))",
                table = layout.table
            ),
            ColumnKind::Text
            | ColumnKind::LongText
            | ColumnKind::Real
            | ColumnKind::Currency
            | ColumnKind::Bool
            | ColumnKind::Millis
            | ColumnKind::Date
            | ColumnKind::Compound => continue,
        };
        let mut values: Vec<&str> = removed.clone();
        if field.kind == ColumnKind::JsonList {
            values.extend(removed.iter().copied());
        }
        connection
            .execute(&sql, rusqlite::params_from_iter(values))
            .store()?;
    }
    Ok(())
}

/// Builds the unique-value rows of a field that becomes unique.
fn claim_existing_values(
    connection: &Connection,
    layout: &TypeLayout,
    field: &FieldLayout,
) -> StoreResult<()> {
    if field.kind == ColumnKind::Compound {
        return Err(StoreError::Conflict(format!(
            "field {:?} cannot be unique",
            field.key
        )));
    }
    let sql = format!(
        "SELECT id, {column} FROM {table} WHERE trashed_at IS NULL AND {column} IS NOT NULL ORDER BY id",
        column = field.column,
        table = layout.table
    );
    let mut statement = connection.prepare(&sql).store()?;
    let mut rows = statement.query([]).store()?;
    while let Some(row) = rows.next().store()? {
        let id: i64 = row.get(0).store()?;
        let Some(value) = field.decode(row.get_ref(1).store()?)? else {
            continue;
        };
        for key in field.unique_keys(&value) {
            if let Some(existing) = crate::write::claim_unique(connection, field, &key, id)? {
                return Err(StoreError::Conflict(format!(
                    "field {:?} cannot become unique: records {} and {id} share the value {key:?}",
                    field.key, existing
                )));
            }
        }
    }
    Ok(())
}
