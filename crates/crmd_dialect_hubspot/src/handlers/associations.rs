//! Associations: `associations` on object creates and reads, the v4 record endpoints
//! (`/crm/v4/objects/{t}/{id}/associations/…`), the v4 batch endpoints
//! (`/crm/v4/associations/{t}/{toT}/batch/…`) and the v4 labels.
//!
//! Every link is one edge of a crmd relationship ([`crate::associations`]). A write goes
//! through the end of the relationship that takes writes: the `from` record's when it
//! can, otherwise the `to` record's, so that one association write is one record write,
//! committed with its change-log entry.

use super::{JsonBody, ObjectTypeTarget, parse_body, parse_record_id};
use crate::associations::{self, Association, Category};
use crate::error::ApiError;
use crate::object_types;
use crate::wire;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use crmd_core::{Cardinality, ErrorCode, ObjectType, Record, RecordId, Schema, Timestamp};
use crmd_http::AppState;
use crmd_service::{Action, RecordInput, RelationshipInput, RelationshipOp, TypeRef};
use http::StatusCode;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Associated records per page of the v4 list, by default and at most.
const MAX_LIST_LIMIT: usize = 500;
/// The most inputs a v4 batch takes.
const MAX_BATCH_INPUTS: usize = 1000;

/// The answer to an association whose target record does not exist (or is archived):
/// HubSpot's `One or more associations are invalid`, code `INVALID_OBJECT_IDS`.
pub(crate) fn invalid_object_ids(ids: Vec<String>) -> ApiError {
    let mut error = ApiError::validation("One or more associations are invalid");
    error.errors.push(wire::ErrorDetail {
        message: format!("No records of the associated type with ids {ids:?}"),
        code: Some("INVALID_OBJECT_IDS".to_owned()),
        r#in: None,
        context: Some(BTreeMap::from([("ids".to_owned(), ids.clone())])),
    });
    error.context("ids", ids)
}

/// A record id from an association input: a string or a number.
fn id_of(value: &serde_json::Value) -> Option<RecordId> {
    match value {
        serde_json::Value::String(text) => parse_record_id(text),
        serde_json::Value::Number(number) => number.as_u64().filter(|id| *id > 0).map(RecordId),
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Array(_)
        | serde_json::Value::Object(_) => None,
    }
}

fn id_text(value: &serde_json::Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

/// A category and typeId from an `AssociationSpec`.
fn spec_type(spec: &wire::AssociationSpec) -> Result<(Category, u64), ApiError> {
    let category = Category::parse(&spec.association_category).ok_or_else(|| {
        ApiError::validation(format!(
            "associationCategory must be HUBSPOT_DEFINED or USER_DEFINED, got {:?}",
            spec.association_category
        ))
        .context("associationCategory", [spec.association_category.clone()])
    })?;
    let type_id = match &spec.association_type_id {
        serde_json::Value::Number(number) => number.as_u64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Array(_)
        | serde_json::Value::Object(_) => None,
    }
    .ok_or_else(|| {
        ApiError::validation(format!(
            "associationTypeId must be a whole number, got {}",
            spec.association_type_id
        ))
    })?;
    Ok((category, type_id))
}

/// The association a type names from `from` to any object type, with the type it reaches.
fn find_from<'a>(
    schema: &'a Schema,
    from: &ObjectType,
    category: Category,
    type_id: u64,
) -> Result<(Association<'a>, &'a ObjectType), ApiError> {
    let mut first_error = None;
    for to in &schema.object_types {
        match associations::find(schema, from, to, category, type_id) {
            Ok((association, _)) => return Ok((association, to)),
            Err(error) if error.message.starts_with("invalid from object type") => {
                first_error.get_or_insert(error);
            }
            Err(_) => {}
        }
    }
    Err(first_error.unwrap_or_else(|| {
        ApiError::validation(format!(
            "association type {} {type_id} is not defined from {}",
            category.as_str(),
            object_types::hubspot_name(from)
        ))
        .context("associationTypeId", [type_id.to_string()])
    }))
}

/// The relationship writes of a create's `associations`: links through the new record's
/// writable ends, and through its read-only ends whose other end takes writes as links
/// the server makes (`server_links`). Target ids are checked by the store.
pub(crate) fn create_links(
    object_type: &TypeRef,
    inputs: &[serde_json::Value],
    input: &mut RecordInput,
) -> Result<(), ApiError> {
    let schema = object_type.schema();
    let mut by_key: Vec<(String, Vec<RecordId>)> = Vec::new();
    for (index, raw) in inputs.iter().enumerate() {
        let item: wire::AssociationInput = serde_json::from_value(raw.clone()).map_err(|error| {
            ApiError::validation(format!(
                "associations[{index}] is not a valid association: {error}"
            ))
        })?;
        let to_id = id_of(&item.to.id).ok_or_else(|| invalid_object_ids(vec![id_text(&item.to.id)]))?;
        if item.types.is_empty() {
            return Err(ApiError::validation(format!(
                "associations[{index}].types must name at least one association type"
            )));
        }
        for spec in &item.types {
            let (category, type_id) = spec_type(spec)?;
            let (association, _) = find_from(schema, object_type, category, type_id)?;
            let side = association.side;
            if !side.end().is_read_only {
                let key = side.key().to_owned();
                match by_key.iter_mut().find(|(known, _)| *known == key) {
                    Some((_, ids)) if !ids.contains(&to_id) => ids.push(to_id),
                    Some(_) => {}
                    None => by_key.push((key, vec![to_id])),
                }
            } else if !side.other().is_read_only {
                input.server_links.push((side.key().to_owned(), to_id));
            } else {
                return Err(read_only(&association));
            }
        }
    }
    for (key, ids) in by_key {
        input.relationships.push(RelationshipInput {
            key,
            op: RelationshipOp::Replace(ids),
        });
    }
    Ok(())
}

fn read_only(association: &Association<'_>) -> ApiError {
    ApiError::validation(format!(
        "associations of type {} {} are derived by crmd and cannot be written",
        association.default_type().category.as_str(),
        association.default_type().type_id
    ))
    .context(
        "associationTypeId",
        [association.default_type().type_id.to_string()],
    )
}

/// `associations` of a read: for each requested type (unknown names are ignored), one
/// entry per (associated record, type) with the type's v3 name.
pub(crate) fn embed(
    target: &ObjectTypeTarget,
    record: &Record,
    names: &[String],
) -> Option<BTreeMap<String, wire::AssociatedIds>> {
    if names.is_empty() {
        return None;
    }
    let from = target.object_type();
    let schema = from.schema();
    let mut embedded = BTreeMap::new();
    for name in names {
        let Ok(to) = object_types::resolve(schema, target.actor.workspace, name) else {
            continue;
        };
        let mut results = Vec::new();
        for association in associations::between(schema, from, to) {
            for id in record.related(association.side.key()) {
                for kind in &association.types {
                    results.push(wire::AssociatedId {
                        id: id.to_string(),
                        r#type: kind.name.clone(),
                    });
                }
            }
        }
        if !results.is_empty() {
            embedded.insert(object_types::hubspot_name(to), wire::AssociatedIds { results });
        }
    }
    Some(embedded).filter(|embedded| !embedded.is_empty())
}

/// The object type named by the route's `{to_object_type}`, checked for `action`.
async fn to_type(state: &AppState, target: &ObjectTypeTarget, action: Action) -> Result<TypeRef, ApiError> {
    let schema = target.object_type().schema();
    let to = object_types::resolve(schema, target.actor.workspace, target.param("to_object_type"))?;
    let to = state
        .crm
        .object_type(&target.actor, &to.slug)
        .await
        .map_err(|error| ApiError::from_service(error, None))?;
    state
        .crm
        .authorize(&target.actor, &to, action)
        .map_err(|error| ApiError::from_service(error, None))?;
    Ok(to)
}

/// An active record of `object_type` by its id text; `None` when there is none.
async fn active_record(
    state: &AppState,
    target: &ObjectTypeTarget,
    object_type: &TypeRef,
    id: &str,
) -> Result<Option<Record>, ApiError> {
    let Some(record_id) = parse_record_id(id) else {
        return Ok(None);
    };
    match state.crm.get_record(&target.actor, object_type, record_id).await {
        Ok(record) => Ok(Some(record)),
        Err(error) if error.code() == ErrorCode::NotFound => Ok(None),
        Err(error) => Err(ApiError::from_service(error, None)),
    }
}

/// Which link to write or remove: `from` and `to` are active records.
struct Pair<'a> {
    from_type: &'a TypeRef,
    from: RecordId,
    to_type: &'a TypeRef,
    to: RecordId,
}

/// Writes (`remove` false) or removes one association's link, through the end that
/// takes writes.
async fn write_link(
    state: &AppState,
    target: &ObjectTypeTarget,
    association: &Association<'_>,
    pair: &Pair<'_>,
    remove: bool,
) -> Result<(), ApiError> {
    let side = association.side;
    let (object_type, id, key, related, cardinality) = if !side.end().is_read_only {
        (pair.from_type, pair.from, side.key(), pair.to, side.cardinality())
    } else if !side.other().is_read_only && side.other().key.is_some() {
        let key = side.other().key.as_deref().unwrap_or_default();
        (pair.to_type, pair.to, key, pair.from, side.other().cardinality)
    } else {
        return Err(read_only(association));
    };
    let op = match (remove, cardinality) {
        (true, _) => RelationshipOp::Remove(vec![related]),
        // A record that holds one related record takes the new one in place of the old.
        (false, Cardinality::HasOne) => RelationshipOp::Replace(vec![related]),
        (false, Cardinality::HasMany) => RelationshipOp::Add(vec![related]),
    };
    let input = RecordInput {
        relationships: vec![RelationshipInput {
            key: key.to_owned(),
            op,
        }],
        ..RecordInput::default()
    };
    state
        .crm
        .update_record(&target.actor, object_type, id, input)
        .await
        .map(|_| ())
        .map_err(|error| {
            let code = error.code();
            if [
                ErrorCode::RelatedRecordMissing,
                ErrorCode::RelatedRecordTrashed,
                ErrorCode::NotFound,
            ]
            .contains(&code)
            {
                invalid_object_ids(vec![pair.to.to_string()])
            } else {
                ApiError::from_service(error, Some(&target.catalog))
            }
        })
}

/// The association types linking `record` to each of its associated records of `to`,
/// grouped by associated record in ascending id order.
fn associated(
    schema: &Schema,
    from: &ObjectType,
    to: &ObjectType,
    record: &Record,
) -> Vec<wire::AssociatedObject> {
    let mut grouped: BTreeMap<u64, Vec<wire::AssociationTypeOut>> = BTreeMap::new();
    for association in associations::between(schema, from, to) {
        for id in record.related(association.side.key()) {
            let types = grouped.entry(id.get()).or_default();
            for kind in &association.types {
                types.push(type_out(kind));
            }
        }
    }
    grouped
        .into_iter()
        .map(|(to_object_id, association_types)| wire::AssociatedObject {
            to_object_id,
            association_types,
        })
        .collect()
}

fn type_out(kind: &associations::AssociationType) -> wire::AssociationTypeOut {
    wire::AssociationTypeOut {
        category: kind.category.as_str(),
        type_id: kind.type_id,
        label: kind.label.clone(),
    }
}

/// `GET /crm/v4/objects/{t}/{id}/associations/{toT}`: the record's associated records of
/// a type, each with every type linking it; `limit` at most 500, `after` the next id.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::AssociatedCollection>, ApiError> {
    target.authorize(&state, Action::Read)?;
    let to = to_type(&state, &target, Action::Read).await?;
    let mut limit = MAX_LIST_LIMIT;
    let mut after = None;
    for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "limit" => {
                limit = match value.trim().parse::<usize>() {
                    Ok(limit) if limit >= 1 => limit.min(MAX_LIST_LIMIT),
                    Ok(_) | Err(_) => {
                        return Err(ApiError::validation(format!(
                            "limit must be a whole number from 1 to {MAX_LIST_LIMIT}, got {value:?}"
                        ))
                        .context("parameter", ["limit".to_owned()]));
                    }
                };
            }
            "after" if !value.trim().is_empty() => {
                let start = parse_record_id(&value).ok_or_else(|| {
                    ApiError::validation(format!(
                        "after must be the paging.next.after value of a previous page, got {value:?}"
                    ))
                    .context("parameter", ["after".to_owned()])
                })?;
                after = Some(start.get());
            }
            _ => {}
        }
    }
    let id = target.param("object_id").to_owned();
    let record = active_record(&state, &target, target.object_type(), &id)
        .await?
        .ok_or_else(|| super::object_not_found(&id))?;
    let mut results: Vec<wire::AssociatedObject> =
        associated(target.object_type().schema(), target.object_type(), &to, &record)
            .into_iter()
            .filter(|object| after.is_none_or(|start| object.to_object_id >= start))
            .collect();
    let paging = if results.len() > limit {
        let next = results[limit].to_object_id;
        results.truncate(limit);
        Some(wire::Paging {
            next: wire::NextPage {
                after: next.to_string(),
            },
        })
    } else {
        None
    };
    Ok(Json(wire::AssociatedCollection { results, paging }))
}

/// Both records of a record endpoint, active: a missing `from` answers 404, a missing
/// `to` HubSpot's invalid-association 400.
async fn record_pair(
    state: &AppState,
    target: &ObjectTypeTarget,
    to: &TypeRef,
) -> Result<(RecordId, RecordId), ApiError> {
    let from_id = target.param("object_id").to_owned();
    let to_id = target.param("to_object_id").to_owned();
    let from = active_record(state, target, target.object_type(), &from_id)
        .await?
        .ok_or_else(|| super::object_not_found(&from_id))?;
    let to_record = active_record(state, target, to, &to_id)
        .await?
        .ok_or_else(|| invalid_object_ids(vec![to_id]))?;
    Ok((from.id, to_record.id))
}

fn type_id_of(object_type: &ObjectType) -> String {
    object_type
        .names
        .get(crmd_service::schema_file::HUBSPOT_TYPE_ID)
        .cloned()
        .unwrap_or_else(|| object_type.slug.clone())
}

/// The two directions of a default association, as `PublicDefaultAssociation`s.
fn default_results(
    association: &Association<'_>,
    from: RecordId,
    to: RecordId,
) -> [wire::DefaultAssociation; 2] {
    let spec = |kind: &associations::AssociationType| wire::AssociationSpecOut {
        association_category: kind.category.as_str(),
        association_type_id: kind.type_id,
    };
    [
        wire::DefaultAssociation {
            from: wire::IdOut { id: from.to_string() },
            to: wire::IdOut { id: to.to_string() },
            association_spec: spec(&association.types[0]),
        },
        wire::DefaultAssociation {
            from: wire::IdOut { id: to.to_string() },
            to: wire::IdOut { id: from.to_string() },
            association_spec: spec(&association.inverse_types[0]),
        },
    ]
}

/// `PUT /crm/v4/objects/{t}/{id}/associations/default/{toT}/{toId}`: link the two records
/// with the pair's default type, both directions; 200.
pub(crate) async fn put_default(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let association =
        associations::default_between(target.object_type().schema(), target.object_type(), &to)?;
    let (from_id, to_id) = record_pair(&state, &target, &to).await?;
    let pair = Pair {
        from_type: target.object_type(),
        from: from_id,
        to_type: &to,
        to: to_id,
    };
    write_link(&state, &target, &association, &pair, false).await?;
    let body = wire::AssociationBatch {
        status: "COMPLETE",
        results: default_results(&association, from_id, to_id).to_vec(),
        started_at: started_at.to_rfc3339(),
        completed_at: Timestamp::now().to_rfc3339(),
        num_errors: None,
        errors: None,
    };
    Ok((StatusCode::OK, Json(body)).into_response())
}

/// Links two records with the given types; the labels of the pair afterwards.
async fn put_types(
    state: &AppState,
    target: &ObjectTypeTarget,
    to: &TypeRef,
    pair: &Pair<'_>,
    specs: &[wire::AssociationSpec],
) -> Result<wire::LabelsBetweenObjectPair, ApiError> {
    if specs.is_empty() {
        return Err(ApiError::validation(
            "the body must list at least one association type ({associationCategory, associationTypeId})",
        ));
    }
    let schema = target.object_type().schema();
    let mut labels = Vec::new();
    for spec in specs {
        let (category, type_id) = spec_type(spec)?;
        let (association, position) =
            associations::find(schema, target.object_type(), to, category, type_id)?;
        write_link(state, target, &association, pair, false).await?;
        if let Some(label) = &association.types[position].label
            && !labels.contains(label)
        {
            labels.push(label.clone());
        }
    }
    Ok(wire::LabelsBetweenObjectPair {
        from_object_type_id: type_id_of(target.object_type()),
        from_object_id: pair.from.get(),
        to_object_type_id: type_id_of(to),
        to_object_id: pair.to.get(),
        labels,
    })
}

/// `PUT /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}` with a JSON array of
/// association types: link the two records with each; 201.
pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let Some(body) = body else {
        return Err(ApiError::validation(
            "Invalid JSON input: a request body was expected, but none found",
        ));
    };
    let specs: Vec<wire::AssociationSpec> = parse_body(Some(body))?;
    let (from_id, to_id) = record_pair(&state, &target, &to).await?;
    let pair = Pair {
        from_type: target.object_type(),
        from: from_id,
        to_type: &to,
        to: to_id,
    };
    let labels = put_types(&state, &target, &to, &pair, &specs).await?;
    Ok((StatusCode::CREATED, Json(labels)).into_response())
}

/// Removes every association between two records of the pair's types.
async fn remove_all(state: &AppState, target: &ObjectTypeTarget, pair: &Pair<'_>) -> Result<(), ApiError> {
    let schema = target.object_type().schema();
    let from = active_record(state, target, pair.from_type, &pair.from.to_string()).await?;
    let Some(from) = from else {
        return Ok(());
    };
    for association in associations::between(schema, pair.from_type, pair.to_type) {
        if from.related(association.side.key()).contains(&pair.to) {
            write_link(state, target, &association, pair, true).await?;
        }
    }
    Ok(())
}

/// `DELETE /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}`: remove every association
/// between the two records; 204, also when there was none.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let (Some(from_id), Some(to_id)) = (
        parse_record_id(target.param("object_id")),
        parse_record_id(target.param("to_object_id")),
    ) else {
        return Ok(StatusCode::NO_CONTENT);
    };
    let pair = Pair {
        from_type: target.object_type(),
        from: from_id,
        to_type: &to,
        to: to_id,
    };
    remove_all(&state, &target, &pair).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `inputs` of a v4 batch body, checked for count.
fn batch_inputs<T: serde::de::DeserializeOwned>(body: Option<serde_json::Value>) -> Result<Vec<T>, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inputs {
        inputs: Vec<serde_json::Value>,
    }
    let Inputs { inputs } = parse_body(body)?;
    if inputs.is_empty() {
        return Err(ApiError::validation(
            "Batch input provided should have at least one object.",
        ));
    }
    if inputs.len() > MAX_BATCH_INPUTS {
        return Err(ApiError::validation(format!(
            "Too many inputs: a batch takes at most {MAX_BATCH_INPUTS} inputs, got {}",
            inputs.len()
        )));
    }
    inputs
        .into_iter()
        .enumerate()
        .map(|(index, input)| {
            serde_json::from_value(input).map_err(|error| {
                ApiError::validation(format!("inputs[{index}] is not a valid input: {error}"))
            })
        })
        .collect()
}

fn standard_error(error: &ApiError, key: &str, value: String) -> wire::StandardError {
    let mut context = error.context.clone();
    context.insert(key.to_owned(), vec![value]);
    wire::StandardError {
        status: "error",
        category: error.category,
        message: error.message.clone(),
        context,
        errors: error.errors.clone(),
        links: BTreeMap::new(),
    }
}

/// A batch answer: `success` when nothing failed, 207 with the errors otherwise, and the
/// first error alone when every input failed.
fn batch_answer<T: serde::Serialize>(
    success: StatusCode,
    started_at: Timestamp,
    results: Vec<T>,
    mut failures: Vec<(ApiError, wire::StandardError)>,
) -> Result<Response, ApiError> {
    if results.is_empty() && !failures.is_empty() {
        return Err(failures.remove(0).0);
    }
    let errors: Vec<wire::StandardError> = failures.into_iter().map(|(_, error)| error).collect();
    let has_errors = !errors.is_empty();
    let body = wire::AssociationBatch {
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

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PairInput {
    from: wire::ObjectRef,
    to: wire::ObjectRef,
    #[serde(default)]
    types: Vec<wire::AssociationSpec>,
}

/// Both records of a batch input, active, or the input's error.
async fn input_pair(
    state: &AppState,
    target: &ObjectTypeTarget,
    to: &TypeRef,
    input: &PairInput,
) -> Result<(RecordId, RecordId), ApiError> {
    let from_text = id_text(&input.from.id);
    let to_text = id_text(&input.to.id);
    let from = active_record(state, target, target.object_type(), &from_text)
        .await?
        .ok_or_else(|| super::object_not_found(&from_text))?;
    let to_record = active_record(state, target, to, &to_text)
        .await?
        .ok_or_else(|| invalid_object_ids(vec![to_text]))?;
    Ok((from.id, to_record.id))
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/create`: link each pair with its types;
/// 201, or 207 when some inputs failed.
pub(crate) async fn batch_create(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let inputs: Vec<PairInput> = batch_inputs(body)?;
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for input in &inputs {
        let outcome = async {
            let (from_id, to_id) = input_pair(&state, &target, &to, input).await?;
            let pair = Pair {
                from_type: target.object_type(),
                from: from_id,
                to_type: &to,
                to: to_id,
            };
            put_types(&state, &target, &to, &pair, &input.types).await
        }
        .await;
        match outcome {
            Ok(labels) => results.push(labels),
            Err(error) => {
                let detail = standard_error(&error, "fromObjectId", id_text(&input.from.id));
                failures.push((error, detail));
            }
        }
    }
    batch_answer(StatusCode::CREATED, started_at, results, failures)
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/associate/default`: link each pair with
/// the default type; 200, or 207 when some inputs failed.
pub(crate) async fn batch_default(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let association =
        associations::default_between(target.object_type().schema(), target.object_type(), &to)?;
    let inputs: Vec<PairInput> = batch_inputs(body)?;
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for input in &inputs {
        let outcome = async {
            let (from_id, to_id) = input_pair(&state, &target, &to, input).await?;
            let pair = Pair {
                from_type: target.object_type(),
                from: from_id,
                to_type: &to,
                to: to_id,
            };
            write_link(&state, &target, &association, &pair, false).await?;
            Ok::<_, ApiError>(default_results(&association, from_id, to_id))
        }
        .await;
        match outcome {
            Ok(both) => results.extend(both),
            Err(error) => {
                let detail = standard_error(&error, "fromObjectId", id_text(&input.from.id));
                failures.push((error, detail));
            }
        }
    }
    batch_answer(StatusCode::OK, started_at, results, failures)
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/read`: each record's associated records of
/// the type; missing records in one `OBJECT_NOT_FOUND` error, with 207.
pub(crate) async fn batch_read(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReadInput {
        id: serde_json::Value,
        #[serde(default)]
        after: Option<String>,
    }
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Read)?;
    let to = to_type(&state, &target, Action::Read).await?;
    let inputs: Vec<ReadInput> = batch_inputs(body)?;
    // Every input's associations come back in one page, so no page follows one.
    if let Some(after) = inputs.iter().find_map(|input| input.after.as_deref()) {
        return Err(ApiError::validation(format!(
            "inputs[].after {after:?} names no page: each input's associations come back whole, without paging"
        )));
    }
    let schema = target.object_type().schema();
    let mut results = Vec::new();
    let mut missing = Vec::new();
    for input in &inputs {
        let id = id_text(&input.id);
        match active_record(&state, &target, target.object_type(), &id).await? {
            Some(record) => results.push(wire::AssociationsOf {
                from: wire::IdOut { id },
                to: associated(schema, target.object_type(), &to, &record),
            }),
            None => missing.push(id),
        }
    }
    let mut failures = Vec::new();
    if !missing.is_empty() {
        let error = ApiError::new(
            ErrorCode::NotFound,
            format!(
                "No {} is associated with {} {}",
                object_types::hubspot_name(&to),
                object_types::hubspot_name(target.object_type()),
                missing.join(", ")
            ),
        )
        .context("fromObjectId", missing.clone());
        let detail = standard_error(&error, "fromObjectId", missing[0].clone());
        let detail = wire::StandardError {
            context: BTreeMap::from([("fromObjectId".to_owned(), missing)]),
            ..detail
        };
        failures.push((error, detail));
    }
    if results.is_empty() {
        // HubSpot answers 207 with the error even when no input was found.
        let errors: Vec<wire::StandardError> = failures.into_iter().map(|(_, error)| error).collect();
        let body = wire::AssociationBatch::<wire::AssociationsOf> {
            status: "COMPLETE",
            results,
            started_at: started_at.to_rfc3339(),
            completed_at: Timestamp::now().to_rfc3339(),
            num_errors: Some(errors.len()),
            errors: Some(errors),
        };
        return Ok((StatusCode::MULTI_STATUS, Json(body)).into_response());
    }
    batch_answer(StatusCode::OK, started_at, results, failures)
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/archive`: remove every association between
/// each from-record and each of its `to` records; 204. Ids that name nothing are ignored.
pub(crate) async fn batch_archive(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ArchiveInput {
        from: wire::ObjectRef,
        to: Vec<wire::ObjectRef>,
    }
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let inputs: Vec<ArchiveInput> = batch_inputs(body)?;
    for input in &inputs {
        let Some(from_id) = id_of(&input.from.id) else {
            continue;
        };
        for to_ref in &input.to {
            let Some(to_id) = id_of(&to_ref.id) else {
                continue;
            };
            let pair = Pair {
                from_type: target.object_type(),
                from: from_id,
                to_type: &to,
                to: to_id,
            };
            remove_all(&state, &target, &pair).await?;
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /crm/v4/associations/{t}/{toT}/labels`: every association type from `t` to `toT`.
pub(crate) async fn labels(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<Json<wire::AssociationLabels>, ApiError> {
    target.authorize(&state, Action::Read)?;
    let to = to_type(&state, &target, Action::Read).await?;
    let results = associations::between(target.object_type().schema(), target.object_type(), &to)
        .iter()
        .flat_map(|association| association.types.iter().map(type_out))
        .collect();
    Ok(Json(wire::AssociationLabels { results }))
}

/// `POST`, `PUT` and `DELETE …/labels`: crmd's association labels are relationships of the
/// schema, so they change with the schema, not through this API.
pub(crate) async fn labels_unsupported(_target: ObjectTypeTarget) -> ApiError {
    ApiError::with_status(
        StatusCode::NOT_IMPLEMENTED,
        "NOT_IMPLEMENTED",
        "association labels are relationships of crmd's schema: add or change a [[relationship]] in a schema file and apply it with `crmd schema apply`",
    )
}
