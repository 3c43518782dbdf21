//! The batch endpoints (`/crm/v3/objects/{objectType}/batch/…`): read, create, update,
//! upsert and archive, at most 100 inputs each.
//!
//! crmd's store commits one record per transaction, so a batch commits input by input:
//! a failed input leaves the others written, and the answer is a 207 listing both. When
//! every input fails, nothing was written and the answer is the first input's error, as
//! HubSpot answers an all-or-nothing batch.

use super::objects::{archive_one, create_one, update_one};
use super::{JsonBody, ObjectTypeTarget, add_history, find_record, parse_body, unique_field_key};
use crate::convert::{self, Selection};
use crate::error::ApiError;
use crate::wire;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use crmd_core::Timestamp;
use crmd_http::AppState;
use crmd_service::Action;
use http::StatusCode;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// The most inputs one batch takes.
const MAX_INPUTS: usize = 100;
/// The most inputs a batch read with `propertiesWithHistory` takes.
const MAX_INPUTS_WITH_HISTORY: usize = 50;

/// A batch body with its inputs checked for count.
fn batch_input(body: Option<serde_json::Value>, max: usize) -> Result<wire::BatchInput, ApiError> {
    let input: wire::BatchInput = parse_body(body)?;
    if input.inputs.is_empty() {
        return Err(ApiError::validation(
            "Batch input provided should have at least one object.",
        ));
    }
    if input.inputs.len() > max {
        return Err(ApiError::validation(format!(
            "Too many inputs: a batch takes at most {max} inputs, got {}",
            input.inputs.len()
        ))
        .context("inputs", [input.inputs.len().to_string()]));
    }
    Ok(input)
}

/// One input of a batch, read as an object input; `index` names it in errors.
fn object_input(index: usize, input: &serde_json::Value) -> Result<wire::ObjectInput, ApiError> {
    serde_json::from_value(input.clone())
        .map_err(|error| ApiError::validation(format!("inputs[{index}] is not a valid input: {error}")))
}

/// An input id as text: HubSpot's SDKs send strings, raw callers sometimes numbers.
fn id_text(index: usize, id: Option<&serde_json::Value>) -> Result<String, ApiError> {
    match id {
        Some(serde_json::Value::String(text)) => Ok(text.clone()),
        Some(serde_json::Value::Number(number)) => Ok(number.to_string()),
        Some(_) | None => Err(ApiError::validation(format!(
            "inputs[{index}].id is required and must be a string"
        ))),
    }
}

/// The answer of a batch: 200 (or `success`) when no input failed, 207 otherwise, and
/// the first error alone when every input failed.
fn batch_response(
    success: StatusCode,
    started_at: Timestamp,
    results: Vec<wire::SimplePublicObject>,
    mut failures: Vec<ApiError>,
    errors: Vec<wire::StandardError>,
    all_or_nothing: bool,
) -> Result<Response, ApiError> {
    if results.is_empty() && all_or_nothing && !failures.is_empty() {
        return Err(failures.remove(0));
    }
    let has_errors = !errors.is_empty();
    let body = wire::BatchResponse {
        status: "COMPLETE",
        results,
        started_at: started_at.to_rfc3339(),
        completed_at: Timestamp::now().to_rfc3339(),
        num_errors: has_errors.then_some(errors.len()),
        errors: has_errors.then_some(errors),
    };
    let status = if has_errors {
        StatusCode::MULTI_STATUS
    } else {
        success
    };
    Ok((status, Json(body)).into_response())
}

/// A failed input as a `StandardError`, naming the input by its trace id or its id.
fn standard_error(error: &ApiError, context_key: &str, context_value: String) -> wire::StandardError {
    let mut context = error.context.clone();
    context.insert(context_key.to_owned(), vec![context_value]);
    wire::StandardError {
        status: "error",
        category: error.category,
        message: error.message.clone(),
        context,
        errors: error.errors.clone(),
        links: BTreeMap::new(),
    }
}

/// `POST …/batch/read`: the records of the given ids (or unique values); missing ones in
/// one `OBJECT_NOT_FOUND` error, with 207.
pub(crate) async fn read(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    RawQuery(query): RawQuery,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Read)?;
    let query = super::ObjectQuery::parse(query.as_deref())?;
    let peek: wire::BatchInput = parse_body(body.clone())?;
    let has_history = peek
        .properties_with_history
        .as_ref()
        .is_some_and(|names| !names.is_empty());
    let max = if has_history {
        MAX_INPUTS_WITH_HISTORY
    } else {
        MAX_INPUTS
    };
    let input = batch_input(body, max)?;
    let selection = Selection::from_names(input.properties.clone());
    let mut results = Vec::new();
    let mut missing = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, item) in input.inputs.iter().enumerate() {
        let item = object_input(index, item)?;
        let id = id_text(index, item.id.as_ref())?;
        if !seen.insert(id.clone()) {
            continue;
        }
        let id_property = item.id_property.as_deref().or(input.id_property.as_deref());
        match find_record(&state, &target, &id, id_property, query.archived).await? {
            Some(record) => {
                let mut object = convert::object(&target.catalog, &record, &selection);
                if has_history {
                    let names = input.properties_with_history.clone().unwrap_or_default();
                    add_history(&state, &target, &record, &names, &mut object).await?;
                }
                results.push(object);
            }
            None => missing.push(id),
        }
    }
    let mut errors = Vec::new();
    if !missing.is_empty() {
        errors.push(wire::StandardError {
            status: "error",
            category: "OBJECT_NOT_FOUND",
            message: format!(
                "Could not get some {} objects, they may be deleted or not exist. Check that ids are valid.",
                target.catalog.upper_label()
            ),
            context: BTreeMap::from([("ids".to_owned(), missing)]),
            errors: Vec::new(),
            links: BTreeMap::new(),
        });
    }
    batch_response(StatusCode::OK, started_at, results, Vec::new(), errors, false)
}

/// `POST …/batch/create`: 201 when every input was created, 207 otherwise.
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Create)?;
    let input = batch_input(body, MAX_INPUTS)?;
    let items = input
        .inputs
        .iter()
        .enumerate()
        .map(|(index, item)| object_input(index, item))
        .collect::<Result<Vec<_>, _>>()?;
    let mut results = Vec::new();
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let properties = item.properties.clone().unwrap_or_default();
        let links = item.associations.clone().unwrap_or_default();
        match create_one(&state, &target, &properties, &links).await {
            Ok(mut object) => {
                object.object_write_trace_id = item.object_write_trace_id.clone();
                results.push(object);
            }
            Err(error) => {
                let (key, value) = match &item.object_write_trace_id {
                    Some(trace) => ("objectWriteTraceId", trace.clone()),
                    None => ("index", index.to_string()),
                };
                errors.push(standard_error(&error, key, value));
                failures.push(error);
            }
        }
    }
    batch_response(StatusCode::CREATED, started_at, results, failures, errors, true)
}

/// Rejects a batch that names one id twice: `Duplicate IDs found in batch input: [...]`.
fn refuse_duplicates(ids: &[String]) -> Result<(), ApiError> {
    let mut seen = BTreeSet::new();
    let duplicates: BTreeSet<&String> = ids.iter().filter(|id| !seen.insert(*id)).collect();
    if duplicates.is_empty() {
        return Ok(());
    }
    let listed: Vec<String> = duplicates.into_iter().cloned().collect();
    Err(ApiError::validation(format!(
        "Duplicate IDs found in batch input: [{}]",
        listed.join(", ")
    ))
    .context("ids", listed))
}

/// `POST …/batch/update`: 200 when every input was updated, 207 otherwise.
pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Update)?;
    let input = batch_input(body, MAX_INPUTS)?;
    let mut items = Vec::with_capacity(input.inputs.len());
    for (index, item) in input.inputs.iter().enumerate() {
        let item = object_input(index, item)?;
        let id = id_text(index, item.id.as_ref())?;
        if item.associations.is_some() {
            return Err(super::associations_on_update());
        }
        items.push((id, item));
    }
    let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
    refuse_duplicates(&ids)?;
    let mut results = Vec::new();
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    for (id, item) in &items {
        let properties = item.properties.clone().unwrap_or_default();
        let id_property = item.id_property.as_deref().or(input.id_property.as_deref());
        match update_one(&state, &target, id, id_property, &properties).await {
            Ok(mut object) => {
                object.object_write_trace_id = item.object_write_trace_id.clone();
                results.push(object);
            }
            Err(error) => {
                errors.push(standard_error(&error, "ids", id.clone()));
                failures.push(error);
            }
        }
    }
    batch_response(StatusCode::OK, started_at, results, failures, errors, false)
}

/// `POST …/batch/upsert`: each input updates the record whose `idProperty` holds `id`, or
/// creates one with that value; results carry `new`. 200, or 207 when some fail.
pub(crate) async fn upsert(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Create)?;
    target.authorize(&state, Action::Update)?;
    let input = batch_input(body, MAX_INPUTS)?;
    let mut items = Vec::with_capacity(input.inputs.len());
    for (index, item) in input.inputs.iter().enumerate() {
        let item = object_input(index, item)?;
        let id = id_text(index, item.id.as_ref())?;
        let id_property = item
            .id_property
            .clone()
            .or_else(|| input.id_property.clone())
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "inputs[{index}].idProperty is required: an upsert finds records by a unique property"
                ))
            })?;
        unique_field_key(&target, &id_property)?;
        if item.associations.is_some() {
            return Err(super::associations_on_update());
        }
        items.push((id, id_property, item));
    }
    let ids: Vec<String> = items.iter().map(|(id, _, _)| id.to_lowercase()).collect();
    refuse_duplicates(&ids)?;
    let mut results = Vec::new();
    let mut failures = Vec::new();
    let mut errors = Vec::new();
    for (id, id_property, item) in &items {
        let mut properties = item.properties.clone().unwrap_or_default();
        let outcome = match find_record(&state, &target, id, Some(id_property), false).await {
            Ok(Some(record)) if properties.is_empty() => {
                Ok((convert::object(&target.catalog, &record, &Selection::Set), false))
            }
            Ok(Some(record)) => update_one(&state, &target, &record.id.to_string(), None, &properties)
                .await
                .map(|object| (object, false)),
            Ok(None) => {
                properties
                    .entry(id_property.clone())
                    .or_insert_with(|| serde_json::Value::String(id.clone()));
                create_one(&state, &target, &properties, &[])
                    .await
                    .map(|object| (object, true))
            }
            Err(error) => Err(error),
        };
        match outcome {
            Ok((mut object, is_new)) => {
                object.new = Some(is_new);
                object.object_write_trace_id = item.object_write_trace_id.clone();
                results.push(object);
            }
            Err(error) => {
                errors.push(standard_error(&error, "ids", id.clone()));
                failures.push(error);
            }
        }
    }
    batch_response(StatusCode::OK, started_at, results, failures, errors, false)
}

/// `POST …/batch/archive`: moves every named record to the trash; 204, also for ids that
/// name nothing.
pub(crate) async fn archive(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Delete)?;
    let input = batch_input(body, MAX_INPUTS)?;
    let mut ids = Vec::with_capacity(input.inputs.len());
    for (index, item) in input.inputs.iter().enumerate() {
        let item = object_input(index, item)?;
        ids.push(id_text(index, item.id.as_ref())?);
    }
    for id in &ids {
        archive_one(&state, &target, id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}
