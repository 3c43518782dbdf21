//! The full-text index: `search_text`, a contentless FTS5 table with one row per record
//! (rowid = record id), holding the words of the record's text values.
//!
//! Every write that changes a record's values rewrites its row in the same transaction
//! (create, update, merge). Trashed records keep their row: queries see the trash state on
//! the record's table, so moving to and from the trash changes nothing here. The index only
//! narrows a search; the query compiler checks each word against the fields the search
//! names (see `Compiler::search`), so stale words of a removed field never match.

use crate::error::SqliteResultExt;
use crate::layout::{ColumnKind, FieldLayout, Layout, TypeLayout};
use crate::read::RecordRow;
use crmd_core::Value;
use crmd_store::StoreResult;
use rusqlite::{Connection, OptionalExtension, params};

/// Whether values of this column kind are in the index (text, selects, lists, compounds).
pub(crate) fn is_searchable(kind: ColumnKind) -> bool {
    match kind {
        ColumnKind::Text
        | ColumnKind::LongText
        | ColumnKind::Choice
        | ColumnKind::JsonList
        | ColumnKind::Compound => true,
        ColumnKind::Real
        | ColumnKind::Currency
        | ColumnKind::Bool
        | ColumnKind::Millis
        | ColumnKind::Date => false,
    }
}

/// The lowercase words of a search text: runs of letters and digits.
pub(crate) fn words(text: &str) -> Vec<String> {
    text.split(|character: char| !character.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The FTS5 query "every word, as a prefix": `"acme"* AND "corp"*`. Words hold only
/// letters and digits, so quoting them is enough.
pub(crate) fn match_expression(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("\"{word}\"*"))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The indexed text of one value.
fn push_value_text(text: &mut String, value: &Value) {
    let mut push = |part: &str| {
        if !part.is_empty() {
            text.push_str(part);
            text.push('\n');
        }
    };
    match value {
        Value::Text(item) | Value::Choice(item) => push(item),
        Value::Choices(items) | Value::List(items) => items.iter().for_each(|item| push(item)),
        Value::FullName(name) => push(&name.display()),
        Value::Address(address) => [
            &address.street,
            &address.street2,
            &address.city,
            &address.state,
            &address.postal_code,
            &address.country,
        ]
        .into_iter()
        .flatten()
        .for_each(|part| push(part)),
        Value::Number(_) | Value::Bool(_) | Value::Datetime(_) | Value::Date(_) => {}
    }
}

/// Replaces the index row of record `id` with the text of `values`.
pub(crate) fn index_record<'a>(
    connection: &Connection,
    id: u64,
    values: impl IntoIterator<Item = (&'a FieldLayout, &'a Value)>,
) -> StoreResult<()> {
    let mut text = String::new();
    for (field, value) in values {
        if is_searchable(field.kind) {
            push_value_text(&mut text, value);
        }
    }
    let rowid = crate::writer::to_sql_int(id);
    connection
        .prepare_cached("DELETE FROM search_text WHERE rowid = ?1")
        .store()?
        .execute([rowid])
        .store()?;
    if !text.is_empty() {
        connection
            .prepare_cached("INSERT INTO search_text (rowid, body) VALUES (?1, ?2)")
            .store()?
            .execute(params![rowid, text])
            .store()?;
    }
    Ok(())
}

/// Replaces the index row of a record from its loaded row.
pub(crate) fn index_row(
    connection: &Connection,
    type_layout: &TypeLayout,
    row: &RecordRow,
) -> StoreResult<()> {
    index_record(
        connection,
        row.id,
        type_layout
            .fields
            .iter()
            .zip(&row.values)
            .filter_map(|(field, value)| value.as_ref().map(|value| (field, value))),
    )
}

/// Fills the index from every record once, after the migration that created it marked it
/// pending (workspaces created before full-text search existed). One transaction.
pub(crate) fn backfill(connection: &Connection, layout: &Layout) -> StoreResult<()> {
    let is_pending = connection
        .query_row("SELECT pending FROM search_state WHERE id = 1", [], |row| {
            row.get::<_, bool>(0)
        })
        .optional()
        .store()?
        .unwrap_or(false);
    if !is_pending {
        return Ok(());
    }
    connection.execute_batch("BEGIN IMMEDIATE").store()?;
    let result = (|| {
        for type_layout in layout.type_layouts() {
            let sql = format!("SELECT {} FROM {} t", type_layout.select_list, type_layout.table);
            let mut statement = connection.prepare(&sql).store()?;
            let mut rows = statement.query([]).store()?;
            while let Some(row) = rows.next().store()? {
                let record = RecordRow::from_row(type_layout, row)?;
                index_row(connection, type_layout, &record)?;
            }
        }
        connection
            .execute("UPDATE search_state SET pending = 0 WHERE id = 1", [])
            .store()?;
        Ok(())
    })();
    match result {
        Ok(()) => connection.execute_batch("COMMIT").store(),
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK");
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn match_expressions_quote_each_word_as_a_prefix() {
        let words = words("Acme, Inc. — Ada@acme.com");
        assert_eq!(words, ["acme", "inc", "ada", "acme", "com"]);
        assert_eq!(match_expression(&words[..2]), "\"acme\"* AND \"inc\"*");
    }
}
