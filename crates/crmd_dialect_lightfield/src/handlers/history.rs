//! `GET …/{id}/fields/{fieldKey}/history`: the past values of one field, newest first.
//!
//! Consecutive identical values collapse into one entry, dated when that value was first
//! recorded. `nextCursor` is the change-log sequence number of the oldest write behind
//! the page's last entry; `after` continues before it.

use super::RecordTarget;
use crate::error::ApiError;
use crate::{convert, filter, wire};
use axum::Json;
use axum::extract::{RawQuery, State};
use crmd_core::{ErrorCode, FieldDef, HistoryEntry, Timestamp, Value};
use crmd_http::AppState;
use crmd_service::Action;
use std::sync::Arc;

/// One entry of the response: a run of identical consecutive values.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    value: Option<Value>,
    /// When the oldest write of the run happened, and its sequence number.
    recorded_at: Timestamp,
    seq: u64,
    /// The run holds the record's creation value.
    has_create: bool,
}

/// Adds entries (newest first, continuing `runs`) to the runs they belong to.
fn collapse(runs: &mut Vec<Run>, entries: impl IntoIterator<Item = HistoryEntry>) {
    for entry in entries {
        match runs.last_mut() {
            Some(run) if run.value == entry.value => {
                run.recorded_at = entry.recorded_at;
                run.seq = entry.seq;
                run.has_create |= entry.is_create;
            }
            Some(_) | None => runs.push(Run {
                value: entry.value,
                recorded_at: entry.recorded_at,
                seq: entry.seq,
                has_create: entry.is_create,
            }),
        }
    }
}

/// The response for the first `limit` runs. A run beyond them proves that more history
/// exists. `isCreate` is only set when the whole history is in this one response.
fn page(field: &FieldDef, mut runs: Vec<Run>, limit: usize, is_first_page: bool) -> wire::FieldHistory {
    let has_more = runs.len() > limit;
    runs.truncate(limit);
    let is_complete = is_first_page && !has_more;
    let next_cursor = if has_more {
        runs.last().map(|run| run.seq.to_string())
    } else {
        None
    };
    let data = runs
        .into_iter()
        .map(|run| wire::HistoryEntry {
            value: run
                .value
                .as_ref()
                .map_or(serde_json::Value::Null, convert::value_to_json),
            value_type: convert::value_type(field.field_type),
            display_value: run
                .value
                .as_ref()
                .map(|value| value.display_text(field))
                .unwrap_or_default(),
            recorded_at: run.recorded_at.to_rfc3339(),
            is_create: is_complete && run.has_create,
        })
        .collect();
    wire::FieldHistory {
        data,
        has_more,
        next_cursor,
    }
}

pub(crate) async fn field_history(
    State(state): State<Arc<AppState>>,
    target: RecordTarget,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::FieldHistory>, ApiError> {
    let collection = &target.collection;
    let object_type = &collection.object_type;
    state
        .crm
        .authorize(&collection.actor, object_type, Action::Read)
        .map_err(|error| collection.error(error))?;
    let (after, limit) = filter::history_params(&filter::query_pairs(query.as_deref()))?;
    let field_key = target.param("field_key");
    if object_type.field(field_key).is_none()
        && object_type
            .schema()
            .relationship(&object_type.slug, field_key)
            .is_some()
    {
        return Err(ApiError::bad_request(format!(
            "{field_key} is a relationship, and relationships have no field history; read its links from the record"
        ))
        .param("fieldKey"));
    }
    // Fetch until one run more than the page holds has begun (so the last run of the
    // page is complete), or the history is exhausted.
    let batch = limit + 1;
    let mut runs = Vec::new();
    let mut before = after;
    loop {
        let entries = state
            .crm
            .field_history(
                &collection.actor,
                object_type,
                target.id,
                field_key,
                before,
                batch,
            )
            .await
            .map_err(|error| collection.error(error))?;
        let is_exhausted = entries.len() < batch as usize;
        before = entries.last().map(|entry| entry.seq).or(before);
        collapse(&mut runs, entries);
        if is_exhausted || runs.len() > limit as usize {
            break;
        }
    }
    let field = object_type.field(field_key).ok_or_else(|| {
        ApiError::new(
            ErrorCode::UnknownField,
            format!("unknown field {field_key:?} on object {:?}", object_type.slug),
        )
        .param(format!("fields.{field_key}"))
    })?;
    Ok(Json(page(field, runs, limit as usize, after.is_none())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crmd_core::{FieldConfig, FieldType, SelectOption};
    use expect_test::expect;
    use std::collections::BTreeMap;

    fn stage() -> FieldDef {
        let option = |id: &str, label: &str| SelectOption {
            id: id.into(),
            label: label.into(),
            description: None,
            parent_id: None,
        };
        FieldDef {
            id: "ad_stage".into(),
            key: "$stage".into(),
            label: "Stage".into(),
            description: None,
            field_type: FieldType::SingleSelect,
            config: FieldConfig {
                options: vec![option("s1", "Discovery"), option("s2", "Won")],
                ..FieldConfig::default()
            },
            is_required: false,
            is_unique: false,
            is_read_only: false,
            names: BTreeMap::new(),
        }
    }

    fn entry(seq: u64, value: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            value: value.map(|id| Value::Choice(id.into())),
            recorded_at: Timestamp(seq as i64 * 1000),
            seq,
            is_create: seq == 1,
        }
    }

    fn show(history: &wire::FieldHistory) -> String {
        let entries: Vec<String> = history
            .data
            .iter()
            .map(|entry| {
                format!(
                    "{} {:?} {} create={}",
                    entry.value, entry.display_value, entry.recorded_at, entry.is_create
                )
            })
            .collect();
        format!(
            "{entries:#?} has_more={} next={:?}",
            history.has_more, history.next_cursor
        )
    }

    #[test]
    fn identical_neighbours_collapse_and_a_whole_history_marks_its_creation() {
        let mut runs = Vec::new();
        collapse(
            &mut runs,
            [
                entry(5, Some("s2")),
                entry(4, Some("s2")),
                entry(3, None),
                entry(2, Some("s1")),
                entry(1, Some("s1")),
            ],
        );
        expect![[r#"
            [
                "\"s2\" \"Won\" 1970-01-01T00:00:04.000Z create=false",
                "null \"\" 1970-01-01T00:00:03.000Z create=false",
                "\"s1\" \"Discovery\" 1970-01-01T00:00:01.000Z create=true",
            ] has_more=false next=None"#]]
        .assert_eq(&show(&page(&stage(), runs, 20, true)));
    }

    #[test]
    fn a_truncated_page_has_a_cursor_and_no_creation_mark() {
        let mut runs = Vec::new();
        collapse(
            &mut runs,
            [entry(3, Some("s2")), entry(2, Some("s1")), entry(1, Some("s1"))],
        );
        expect![[r#"
            [
                "\"s2\" \"Won\" 1970-01-01T00:00:03.000Z create=false",
            ] has_more=true next=Some("3")"#]]
        .assert_eq(&show(&page(&stage(), runs.clone(), 1, true)));
        expect![[r#"
            [
                "\"s2\" \"Won\" 1970-01-01T00:00:03.000Z create=false",
                "\"s1\" \"Discovery\" 1970-01-01T00:00:01.000Z create=false",
            ] has_more=false next=None"#]]
        .assert_eq(&show(&page(&stage(), runs, 2, false)));
    }
}
