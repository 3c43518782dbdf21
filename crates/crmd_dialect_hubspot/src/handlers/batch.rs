//! The batch endpoints (`/crm/v3/objects/{objectType}/batch/…`): read, create, update,
//! upsert and archive, at most 100 inputs each.
//!
//! A write batch is one service call and one transaction: its inputs commit together in
//! one commit. Batch create is all or nothing unless every input carries a distinct
//! `objectWriteTraceId` (HubSpot's multi-status mode), where a failed input is rolled back
//! alone and answered in `errors` with 207. Batch update and upsert always answer per
//! input: 200 when all succeed, 207 listing the failed ones otherwise (also when all fail).
//! Batch archive answers 204.

use super::{
    JsonBody, ObjectTypeTarget, add_history, find_record, object_not_found, parse_body, parse_record_id,
    unique_field_key,
};
use crate::convert::{self, Selection};
use crate::error::ApiError;
use crate::resources;
use crate::wire;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use crmd_core::{ErrorCode, Record, Timestamp};
use crmd_http::AppState;
use crmd_service::{Action, BatchMode, BatchWrite};
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

/// The answer of a batch: `success` when no input failed, 207 otherwise.
fn batch_response(
    success: StatusCode,
    started_at: Timestamp,
    results: Vec<wire::SimplePublicObject>,
    errors: Vec<wire::StandardError>,
) -> Response {
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
    (status, Json(body)).into_response()
}

/// What one input of a write batch comes to before the store is called.
enum Planned {
    /// A write for the batch's one store call.
    Write(BatchWrite),
    /// An answer that needs no write (an upsert of an existing record with no properties).
    Done(Record),
}

/// Runs the planned writes in one service call and returns one outcome per input, in
/// input order. With [`BatchMode::AllOrNothing`] the first failed input is the error and
/// nothing is written.
async fn run_batch(
    state: &AppState,
    target: &ObjectTypeTarget,
    planned: Vec<Result<Planned, ApiError>>,
    mode: BatchMode,
) -> Result<Vec<Result<Record, ApiError>>, ApiError> {
    let mut writes = Vec::new();
    let mut outcomes: Vec<Option<Result<Record, ApiError>>> = Vec::with_capacity(planned.len());
    for plan in planned {
        match plan {
            Ok(Planned::Write(write)) => {
                writes.push(write);
                outcomes.push(None);
            }
            Ok(Planned::Done(record)) => outcomes.push(Some(Ok(record))),
            Err(error) if mode == BatchMode::AllOrNothing => return Err(error),
            Err(error) => outcomes.push(Some(Err(error))),
        }
    }
    let written = if writes.is_empty() {
        Vec::new()
    } else {
        state
            .crm
            .write_records(&target.actor, target.object_type(), writes, mode)
            .await
            .map_err(|error| target.error(error))?
    };
    let mut written = written.into_iter();
    Ok(outcomes
        .into_iter()
        .map(|outcome| match outcome {
            Some(outcome) => outcome,
            None => match written.next() {
                Some(result) => result.map_err(|error| target.error(error)),
                None => Err(ApiError::new(ErrorCode::Internal, "a batch input got no result")),
            },
        })
        .collect())
}

/// A create of one input's properties.
fn plan_create(
    target: &ObjectTypeTarget,
    properties: &serde_json::Map<String, serde_json::Value>,
    links: &[serde_json::Value],
) -> Result<Planned, ApiError> {
    let mut input = convert::record_input(&target.catalog, properties, None)?;
    resources::prepare_create(target.object_type(), &mut input);
    super::associations::create_links(target.object_type(), links, &mut input)?;
    Ok(Planned::Write(BatchWrite::Create(input)))
}

/// An update of one input's properties on the record it names.
async fn plan_update(
    state: &AppState,
    target: &ObjectTypeTarget,
    id: &str,
    id_property: Option<&str>,
    properties: &serde_json::Map<String, serde_json::Value>,
) -> Result<Planned, ApiError> {
    if properties.is_empty() {
        return Err(ApiError::validation(
            "No properties found to update, please provide at least one.",
        ));
    }
    let current = find_record(state, target, id, id_property, false)
        .await?
        .ok_or_else(|| object_not_found(id))?;
    let input = convert::record_input(&target.catalog, properties, Some(&current))?;
    Ok(Planned::Write(BatchWrite::Update {
        id: current.id,
        input,
    }))
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
        let mut found = find_record(&state, &target, &id, id_property, query.archived).await?;
        if found.is_none() && id_property.is_none() && !query.archived {
            // The id of a record merged away reads as the record it was merged into.
            found = super::merge::survivor(&state, &target, &id).await?;
        }
        match found {
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
    Ok(batch_response(StatusCode::OK, started_at, results, errors))
}

/// `POST …/batch/create`: 201 when every input was created. When every input carries a
/// distinct `objectWriteTraceId`, failed inputs are answered per input with 207 (also when
/// all fail); otherwise the first failed input's error is the answer and nothing is written.
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
    let mut traces = BTreeSet::new();
    let is_multi_status = items.iter().all(|item| {
        item.object_write_trace_id
            .as_ref()
            .is_some_and(|trace| traces.insert(trace.clone()))
    });
    let mode = if is_multi_status {
        BatchMode::EachInput
    } else {
        BatchMode::AllOrNothing
    };
    let planned = items
        .iter()
        .map(|item| {
            plan_create(
                &target,
                &item.properties.clone().unwrap_or_default(),
                item.associations.as_deref().unwrap_or_default(),
            )
        })
        .collect();
    let outcomes = run_batch(&state, &target, planned, mode).await?;
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for (item, outcome) in items.iter().zip(outcomes) {
        let trace = item.object_write_trace_id.clone();
        match outcome {
            Ok(record) => {
                let mut object = convert::object(&target.catalog, &record, &Selection::Set);
                object.object_write_trace_id = trace;
                results.push(object);
            }
            Err(error) => {
                errors.push(standard_error(
                    &error,
                    "objectWriteTraceId",
                    trace.unwrap_or_default(),
                ));
            }
        }
    }
    Ok(batch_response(StatusCode::CREATED, started_at, results, errors))
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
    let mut planned = Vec::with_capacity(items.len());
    for (id, item) in &items {
        let properties = item.properties.clone().unwrap_or_default();
        let id_property = item.id_property.as_deref().or(input.id_property.as_deref());
        planned.push(plan_update(&state, &target, id, id_property, &properties).await);
    }
    let outcomes = run_batch(&state, &target, planned, BatchMode::EachInput).await?;
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for ((id, item), outcome) in items.iter().zip(outcomes) {
        match outcome {
            Ok(record) => {
                let mut object = convert::object(&target.catalog, &record, &Selection::Set);
                object.object_write_trace_id = item.object_write_trace_id.clone();
                results.push(object);
            }
            Err(error) => errors.push(standard_error(&error, "ids", id.clone())),
        }
    }
    Ok(batch_response(StatusCode::OK, started_at, results, errors))
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
    let mut planned = Vec::with_capacity(items.len());
    let mut is_new = Vec::with_capacity(items.len());
    for (id, id_property, item) in &items {
        let mut properties = item.properties.clone().unwrap_or_default();
        let plan = match find_record(&state, &target, id, Some(id_property), false).await {
            Ok(Some(record)) if properties.is_empty() => Ok(Planned::Done(record)),
            Ok(Some(record)) => match convert::record_input(&target.catalog, &properties, Some(&record)) {
                Ok(input) => Ok(Planned::Write(BatchWrite::Update { id: record.id, input })),
                Err(error) => Err(error),
            },
            Ok(None) => {
                properties
                    .entry(id_property.clone())
                    .or_insert_with(|| serde_json::Value::String(id.clone()));
                plan_create(&target, &properties, &[])
            }
            Err(error) => Err(error),
        };
        is_new.push(matches!(plan, Ok(Planned::Write(BatchWrite::Create(_)))));
        planned.push(plan);
    }
    let outcomes = run_batch(&state, &target, planned, BatchMode::EachInput).await?;
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for (((id, _, item), outcome), is_new) in items.iter().zip(outcomes).zip(is_new) {
        match outcome {
            Ok(record) => {
                let mut object = convert::object(&target.catalog, &record, &Selection::Set);
                object.new = Some(is_new);
                object.object_write_trace_id = item.object_write_trace_id.clone();
                results.push(object);
            }
            Err(error) => errors.push(standard_error(&error, "ids", id.clone())),
        }
    }
    Ok(batch_response(StatusCode::OK, started_at, results, errors))
}

/// `POST …/batch/archive`: moves every named record to the trash in one transaction; 204,
/// also for ids that name nothing.
pub(crate) async fn archive(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Delete)?;
    let input = batch_input(body, MAX_INPUTS)?;
    let mut planned = Vec::with_capacity(input.inputs.len());
    for (index, item) in input.inputs.iter().enumerate() {
        let item = object_input(index, item)?;
        let id = id_text(index, item.id.as_ref())?;
        // An id that could name no record changes nothing.
        if let Some(record_id) = parse_record_id(&id) {
            planned.push(Ok(Planned::Write(BatchWrite::Trash(record_id))));
        }
    }
    let outcomes = run_batch(&state, &target, planned, BatchMode::EachInput).await?;
    for outcome in outcomes {
        match outcome {
            Ok(_) => {}
            Err(error) if error.status == StatusCode::NOT_FOUND => {}
            Err(error) => return Err(error),
        }
    }
    Ok(StatusCode::NO_CONTENT)
}
