//! Merges: `POST /crm/v3/objects/{objectType}/merge`, over crmd's merge, and the ids of
//! merged-away records, which read as the record they were merged into.
//!
//! HubSpot keeps the primary's values and fills the properties it lacks from the merged
//! record; crmd's merge does the same, and the compound fields HubSpot splits into several
//! properties (`firstname` and `lastname`, the address parts) are filled part by part.
//! HubSpot keeps a merged contact's email as one more address of the survivor: crmd takes
//! the union of both records' values of every EMAIL field that holds several values. The survivor keeps the primary's id (HubSpot may give
//! it a new one; clients use the id the answer carries). The merged-away record goes to
//! crmd's trash, and a read of its id answers the survivor, as HubSpot's does.

use super::{JsonBody, ObjectTypeTarget, object_not_found, parse_body, parse_record_id};
use crate::convert::{self, Selection};
use crate::error::ApiError;
use crate::properties::Source;
use axum::Json;
use axum::extract::State;
use crmd_core::{Address, ErrorCode, FieldType, FullName, Record, Value};
use crmd_http::AppState;
use crmd_service::{Action, FieldInput, MergeInput, Resolution};
use std::collections::BTreeSet;
use std::sync::Arc;

/// `PublicMergeInput`. The SDKs send the ids as strings; raw callers sometimes numbers.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct MergeBody {
    primary_object_id: Option<serde_json::Value>,
    object_id_to_merge: Option<serde_json::Value>,
}

/// An id of the body as text; a missing or non-scalar one is a 400 naming it.
fn body_id(value: Option<&serde_json::Value>, name: &str) -> Result<String, ApiError> {
    match value {
        Some(serde_json::Value::String(text)) => Ok(text.trim().to_owned()),
        Some(serde_json::Value::Number(number)) => Ok(number.to_string()),
        Some(_) | None => Err(ApiError::validation(format!(
            "Some required fields were not set: [{name}]; {name} must be a record id"
        ))
        .context("propertyName", [name.to_owned()])),
    }
}

/// An active record of the target's type by its id text; 404 in HubSpot's words otherwise.
async fn active(state: &AppState, target: &ObjectTypeTarget, id: &str) -> Result<Record, ApiError> {
    let Some(record_id) = parse_record_id(id) else {
        return Err(object_not_found(id));
    };
    match state
        .crm
        .get_record(&target.actor, target.object_type(), record_id)
        .await
    {
        Ok(record) => Ok(record),
        Err(error) if error.code() == ErrorCode::NotFound => Err(object_not_found(id)),
        Err(error) => Err(target.error(error)),
    }
}

/// Both records' addresses for every EMAIL field that holds several values and is set on
/// the merged record: the primary's first, then the merged record's new ones.
fn email_unions(target: &ObjectTypeTarget, primary: &Record, merged: &Record) -> Vec<(String, Resolution)> {
    let mut resolutions = Vec::new();
    for field in &target.object_type().fields {
        if field.field_type != FieldType::Email || !field.config.is_multiple || field.is_read_only {
            continue;
        }
        let addresses = |record: &Record| match record.value(&field.key) {
            Some(Value::List(items)) => items.clone(),
            Some(Value::Text(item)) => vec![item.clone()],
            Some(_) | None => Vec::new(),
        };
        let mut union = addresses(primary);
        let theirs = addresses(merged);
        if theirs.is_empty() {
            continue;
        }
        for address in theirs {
            if !union.iter().any(|known| known.eq_ignore_ascii_case(&address)) {
                union.push(address);
            }
        }
        resolutions.push((
            field.key.clone(),
            Resolution::Value(FieldInput::Json(serde_json::json!(union))),
        ));
    }
    resolutions
}

/// The part of the primary's when set, else the merged record's.
fn fill(mine: &Option<String>, theirs: &Option<String>) -> Option<String> {
    mine.clone()
        .filter(|part| !part.is_empty())
        .or_else(|| theirs.clone())
}

/// The compound fields HubSpot reads as several properties (`firstname` and `lastname`,
/// `address` … `country`), merged part by part as HubSpot merges properties: each part
/// the primary lacks comes from the merged record.
fn part_fills(target: &ObjectTypeTarget, primary: &Record, merged: &Record) -> Vec<(String, Resolution)> {
    let split: BTreeSet<&str> = target
        .catalog
        .properties()
        .filter_map(|(_, source)| match source {
            Source::NamePart(key, _) | Source::AddressPart(key, _) => Some(key.as_str()),
            Source::Field(_)
            | Source::Id
            | Source::CreatedAt
            | Source::UpdatedAt
            | Source::Related(_)
            | Source::Pipeline { .. }
            | Source::LineItemAmount => None,
        })
        .collect();
    let mut resolutions = Vec::new();
    for key in split {
        let filled = match (primary.value(key), merged.value(key)) {
            (Some(Value::FullName(mine)), Some(Value::FullName(theirs))) => {
                let filled = FullName {
                    first_name: fill(&mine.first_name, &theirs.first_name),
                    last_name: fill(&mine.last_name, &theirs.last_name),
                };
                (filled != *mine).then(|| filled.to_json())
            }
            (Some(Value::Address(mine)), Some(Value::Address(theirs))) => {
                let filled = Address {
                    street: fill(&mine.street, &theirs.street),
                    street2: fill(&mine.street2, &theirs.street2),
                    city: fill(&mine.city, &theirs.city),
                    state: fill(&mine.state, &theirs.state),
                    postal_code: fill(&mine.postal_code, &theirs.postal_code),
                    country: fill(&mine.country, &theirs.country),
                    latitude: mine.latitude.or(theirs.latitude),
                    longitude: mine.longitude.or(theirs.longitude),
                };
                (filled != *mine).then(|| filled.to_json())
            }
            // One side unset: crmd's merge keeps the primary's value when set, else takes
            // the merged record's, which is the same.
            _ => None,
        };
        if let Some(json) = filled {
            resolutions.push((key.to_owned(), Resolution::Value(FieldInput::Json(json))));
        }
    }
    resolutions
}

/// `POST /crm/v3/objects/{objectType}/merge`: fold `objectIdToMerge` into
/// `primaryObjectId`; 200 with the surviving record.
pub(crate) async fn merge(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Json<crate::wire::SimplePublicObject>, ApiError> {
    target.authorize(&state, Action::Update)?;
    target.authorize(&state, Action::Delete)?;
    let body: MergeBody = parse_body(body)?;
    let primary_id = body_id(body.primary_object_id.as_ref(), "primaryObjectId")?;
    let merged_id = body_id(body.object_id_to_merge.as_ref(), "objectIdToMerge")?;
    let primary = active(&state, &target, &primary_id).await?;
    let merged = active(&state, &target, &merged_id).await?;
    let input = MergeInput {
        primary: primary.id,
        duplicate: merged.id,
        resolutions: email_unions(&target, &primary, &merged)
            .into_iter()
            .chain(part_fills(&target, &primary, &merged))
            .collect(),
        multi_select_union: false,
    };
    let outcome = state
        .crm
        .merge_records(&target.actor, target.object_type(), input, None)
        .await
        .map_err(|error| target.error(error))?;
    Ok(Json(convert::object(
        &target.catalog,
        &outcome.primary,
        &Selection::Set,
    )))
}

/// The active record that the record with this id was merged into, if it was merged
/// away; `None` otherwise.
pub(crate) async fn survivor(
    state: &AppState,
    target: &ObjectTypeTarget,
    id: &str,
) -> Result<Option<Record>, ApiError> {
    let Some(record_id) = parse_record_id(id) else {
        return Ok(None);
    };
    state
        .crm
        .merged_into(&target.actor, target.object_type(), record_id)
        .await
        .map_err(|error| target.error(error))
}
