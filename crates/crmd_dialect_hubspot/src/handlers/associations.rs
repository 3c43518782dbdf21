//! Associations: `associations` on object creates and reads, the v4 record endpoints
//! (`/crm/v4/objects/{t}/{id}/associations/…`), the v4 batch endpoints
//! (`/crm/v4/associations/{t}/{toT}/batch/…`) and the v4 labels.
//!
//! Every link is one edge of a crmd relationship ([`crate::associations`]). A write goes
//! through the end of the relationship that takes writes: the `from` record's when it
//! can, otherwise the `to` record's. The writes of one request commit in one transaction:
//! the writes of one input (or of one record endpoint call) form a group that commits or
//! fails whole, and a batch's groups commit together, each failed input answered on its
//! own.

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
use crmd_service::{
    Action, BatchWrite, RecordInput, RelationshipInput, RelationshipOp, ServiceError, TypeRef,
};
use http::StatusCode;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Associated records per page of the v4 list, by default and at most.
const MAX_LIST_LIMIT: usize = 500;
/// The most inputs a v4 batch takes.
pub(crate) const MAX_BATCH_INPUTS: usize = 1000;

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
pub(crate) fn id_of(value: &serde_json::Value) -> Option<RecordId> {
    match value {
        serde_json::Value::String(text) => parse_record_id(text),
        serde_json::Value::Number(number) => number.as_u64().filter(|id| *id > 0).map(RecordId),
        serde_json::Value::Null
        | serde_json::Value::Bool(_)
        | serde_json::Value::Array(_)
        | serde_json::Value::Object(_) => None,
    }
}

pub(crate) fn id_text(value: &serde_json::Value) -> String {
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

/// Every (associated record, type) of `record` towards `to`, in schema order of the
/// relationships, each with the type's v3 name.
pub(crate) fn associated_ids(
    schema: &Schema,
    from: &ObjectType,
    to: &ObjectType,
    record: &Record,
) -> Vec<wire::AssociatedId> {
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
    results
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
        let results = associated_ids(schema, from, to, record);
        if !results.is_empty() {
            embedded.insert(object_types::hubspot_name(to), wire::AssociatedIds { results });
        }
    }
    Some(embedded).filter(|embedded| !embedded.is_empty())
}

/// The object type named by the route's `{to_object_type}`, checked for `action`.
pub(crate) async fn to_type(
    state: &AppState,
    target: &ObjectTypeTarget,
    action: Action,
) -> Result<TypeRef, ApiError> {
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
pub(crate) async fn active_record(
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

/// Active records read once per request, by type and id text.
#[derive(Default)]
pub(crate) struct Records {
    known: HashMap<(String, String), Option<Record>>,
}

impl Records {
    pub(crate) async fn get(
        &mut self,
        state: &AppState,
        target: &ObjectTypeTarget,
        object_type: &TypeRef,
        id: &str,
    ) -> Result<Option<Record>, ApiError> {
        let key = (object_type.slug.clone(), id.trim().to_owned());
        if let Some(known) = self.known.get(&key) {
            return Ok(known.clone());
        }
        let record = active_record(state, target, object_type, id).await?;
        self.known.insert(key, record.clone());
        Ok(record)
    }

    /// Both records of a pair, active: a missing `from` answers 404, a missing `to`
    /// HubSpot's invalid-association 400.
    pub(crate) async fn pair(
        &mut self,
        state: &AppState,
        target: &ObjectTypeTarget,
        to: &TypeRef,
        from_id: &str,
        to_id: &str,
    ) -> Result<(Record, Record), ApiError> {
        let from = self
            .get(state, target, target.object_type(), from_id)
            .await?
            .ok_or_else(|| super::object_not_found(from_id))?;
        let to_record = self
            .get(state, target, to, to_id)
            .await?
            .ok_or_else(|| invalid_object_ids(vec![to_id.to_owned()]))?;
        Ok((from, to_record))
    }
}

/// Which link to write or remove: `from` and `to` are records of the two types.
pub(crate) struct Pair<'a> {
    pub(crate) from_type: &'a TypeRef,
    pub(crate) from: RecordId,
    pub(crate) to_type: &'a TypeRef,
    pub(crate) to: RecordId,
}

/// The link writes of one group, one write per record written.
#[derive(Default)]
pub(crate) struct LinkWrites {
    writes: Vec<(TypeRef, RecordId, Vec<RelationshipInput>)>,
}

impl LinkWrites {
    fn push(&mut self, object_type: &TypeRef, id: RecordId, input: RelationshipInput) {
        match self
            .writes
            .iter_mut()
            .find(|(known_type, known_id, _)| known_type.slug == object_type.slug && *known_id == id)
        {
            Some((_, _, inputs)) => {
                if !inputs.contains(&input) {
                    inputs.push(input);
                }
            }
            None => self.writes.push((object_type.clone(), id, vec![input])),
        }
    }

    /// Plans writing (`remove` false) or removing one association's link, through the end
    /// that takes writes.
    pub(crate) fn link(
        &mut self,
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
        self.push(
            object_type,
            id,
            RelationshipInput {
                key: key.to_owned(),
                op,
            },
        );
        Ok(())
    }

    /// Plans removing every association between the two records of `pair`, as `from`
    /// links them.
    pub(crate) fn unlink_all(&mut self, from: &Record, pair: &Pair<'_>) -> Result<(), ApiError> {
        let schema = pair.from_type.schema();
        for association in associations::between(schema, pair.from_type, pair.to_type) {
            if from.related(association.side.key()).contains(&pair.to) {
                self.link(&association, pair, true)?;
            }
        }
        Ok(())
    }

    fn into_group(self) -> Vec<(TypeRef, BatchWrite)> {
        self.writes
            .into_iter()
            .map(|(object_type, id, relationships)| {
                let input = RecordInput {
                    relationships,
                    ..RecordInput::default()
                };
                (object_type, BatchWrite::Update { id, input })
            })
            .collect()
    }
}

/// A failed group's error: a related record that vanished or went to the trash since
/// the request read it names the input's `to` id, when the input has one.
fn group_error(target: &ObjectTypeTarget, error: ServiceError, to_id: &str) -> ApiError {
    let code = error.code();
    if !to_id.is_empty()
        && [
            ErrorCode::RelatedRecordMissing,
            ErrorCode::RelatedRecordTrashed,
            ErrorCode::NotFound,
        ]
        .contains(&code)
    {
        invalid_object_ids(vec![to_id.to_owned()])
    } else {
        ApiError::from_service(error, Some(&target.catalog))
    }
}

/// One input of a write batch as planned: its link writes and the id its errors name,
/// and what its answer is made of once the writes commit.
pub(crate) struct Planned<T> {
    pub(crate) writes: LinkWrites,
    pub(crate) to_id: String,
    pub(crate) answer: T,
}

/// Commits the planned inputs in one transaction, each input's writes as one group;
/// returns one outcome per input, in input order.
pub(crate) async fn commit<T>(
    state: &AppState,
    target: &ObjectTypeTarget,
    planned: Vec<Result<Planned<T>, ApiError>>,
) -> Result<Vec<Result<T, ApiError>>, ApiError> {
    let mut groups = Vec::new();
    let mut pending = Vec::with_capacity(planned.len());
    for plan in planned {
        match plan {
            Ok(plan) => {
                groups.push(plan.writes.into_group());
                pending.push(Ok((plan.to_id, plan.answer)));
            }
            Err(error) => pending.push(Err(error)),
        }
    }
    let written = if groups.is_empty() {
        Vec::new()
    } else {
        state
            .crm
            .write_record_groups(&target.actor, groups)
            .await
            .map_err(|error| target.error(error))?
    };
    let mut written = written.into_iter();
    Ok(pending
        .into_iter()
        .map(|slot| {
            let (to_id, answer) = slot?;
            match written.next() {
                Some(Ok(_)) => Ok(answer),
                Some(Err(error)) => Err(group_error(target, error, &to_id)),
                None => Err(ApiError::new(ErrorCode::Internal, "a batch input got no result")),
            }
        })
        .collect())
}

/// Commits one group of link writes on its own; `to_id` names the to-record in errors
/// (empty when there is no one record to name).
pub(crate) async fn commit_one(
    state: &AppState,
    target: &ObjectTypeTarget,
    writes: LinkWrites,
    to_id: &str,
) -> Result<(), ApiError> {
    let planned = vec![Ok(Planned {
        writes,
        to_id: to_id.to_owned(),
        answer: (),
    })];
    commit(state, target, planned)
        .await?
        .into_iter()
        .next()
        .unwrap_or_else(|| Err(ApiError::new(ErrorCode::Internal, "a write got no result")))
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

/// `limit` (1 to 500) and `after` (the next associated id) of a record's association list.
pub(crate) fn list_paging(query: Option<&str>) -> Result<(usize, Option<u64>), ApiError> {
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
    Ok((limit, after))
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
    let (limit, after) = list_paging(query.as_deref())?;
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

fn type_id_of(object_type: &ObjectType) -> String {
    associations::type_id_of(object_type)
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
    let to_id = target.param("to_object_id").to_owned();
    let (from, to_record) = Records::default()
        .pair(&state, &target, &to, target.param("object_id"), &to_id)
        .await?;
    let pair = Pair {
        from_type: target.object_type(),
        from: from.id,
        to_type: &to,
        to: to_record.id,
    };
    let mut writes = LinkWrites::default();
    writes.link(&association, &pair, false)?;
    commit_one(&state, &target, writes, &to_id).await?;
    let body = wire::AssociationBatch {
        status: "COMPLETE",
        results: default_results(&association, from.id, to_record.id).to_vec(),
        started_at: started_at.to_rfc3339(),
        completed_at: Timestamp::now().to_rfc3339(),
        num_errors: None,
        errors: None,
    };
    Ok((StatusCode::OK, Json(body)).into_response())
}

/// Plans linking two records with the given types; the labels of the pair afterwards.
fn plan_types(
    target: &ObjectTypeTarget,
    pair: &Pair<'_>,
    specs: &[wire::AssociationSpec],
    writes: &mut LinkWrites,
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
            associations::find(schema, target.object_type(), pair.to_type, category, type_id)?;
        writes.link(&association, pair, false)?;
        if let Some(label) = &association.types[position].label
            && !labels.contains(label)
        {
            labels.push(label.clone());
        }
    }
    Ok(wire::LabelsBetweenObjectPair {
        from_object_type_id: type_id_of(target.object_type()),
        from_object_id: pair.from.get(),
        to_object_type_id: type_id_of(pair.to_type),
        to_object_id: pair.to.get(),
        labels,
    })
}

/// `PUT /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}` with a JSON array of
/// association types: link the two records with each, in one transaction; 201.
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
    let to_id = target.param("to_object_id").to_owned();
    let (from, to_record) = Records::default()
        .pair(&state, &target, &to, target.param("object_id"), &to_id)
        .await?;
    let pair = Pair {
        from_type: target.object_type(),
        from: from.id,
        to_type: &to,
        to: to_record.id,
    };
    let mut writes = LinkWrites::default();
    let labels = plan_types(&target, &pair, &specs, &mut writes)?;
    commit_one(&state, &target, writes, &to_id).await?;
    Ok((StatusCode::CREATED, Json(labels)).into_response())
}

/// `DELETE /crm/v4/objects/{t}/{id}/associations/{toT}/{toId}`: remove every association
/// between the two records; 204, also when there was none.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let to_id = target.param("to_object_id").to_owned();
    let (Some(from), Some(to_record_id)) = (
        active_record(&state, &target, target.object_type(), target.param("object_id")).await?,
        parse_record_id(&to_id),
    ) else {
        return Ok(StatusCode::NO_CONTENT);
    };
    let pair = Pair {
        from_type: target.object_type(),
        from: from.id,
        to_type: &to,
        to: to_record_id,
    };
    let mut writes = LinkWrites::default();
    writes.unlink_all(&from, &pair)?;
    commit_one(&state, &target, writes, &to_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The `inputs` of an associations batch body, checked for count.
pub(crate) fn batch_inputs<T: serde::de::DeserializeOwned>(
    body: Option<serde_json::Value>,
) -> Result<Vec<T>, ApiError> {
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

pub(crate) fn standard_error(error: &ApiError, key: &str, value: String) -> wire::StandardError {
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
pub(crate) fn batch_answer<T: serde::Serialize>(
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

/// The answers of a committed write batch, and one error per failed input naming it by
/// its from-id.
pub(crate) fn split_outcomes<T>(
    outcomes: Vec<Result<T, ApiError>>,
    from_ids: &[String],
) -> (Vec<T>, Vec<(ApiError, wire::StandardError)>) {
    let mut results = Vec::new();
    let mut failures = Vec::new();
    for (outcome, from_id) in outcomes.into_iter().zip(from_ids) {
        match outcome {
            Ok(answer) => results.push(answer),
            Err(error) => {
                let detail = standard_error(&error, "fromObjectId", from_id.clone());
                failures.push((error, detail));
            }
        }
    }
    (results, failures)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct PairInput {
    from: wire::ObjectRef,
    to: wire::ObjectRef,
    #[serde(default)]
    types: Vec<wire::AssociationSpec>,
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/create`: link each pair with its types, in
/// one transaction; 201, or 207 when some inputs failed.
pub(crate) async fn batch_create(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let inputs: Vec<PairInput> = batch_inputs(body)?;
    let mut records = Records::default();
    let mut planned = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let to_id = id_text(&input.to.id);
        let plan = match records
            .pair(&state, &target, &to, &id_text(&input.from.id), &to_id)
            .await
        {
            Ok((from, to_record)) => {
                let pair = Pair {
                    from_type: target.object_type(),
                    from: from.id,
                    to_type: &to,
                    to: to_record.id,
                };
                let mut writes = LinkWrites::default();
                plan_types(&target, &pair, &input.types, &mut writes).map(|answer| Planned {
                    writes,
                    to_id,
                    answer,
                })
            }
            Err(error) => Err(error),
        };
        planned.push(plan);
    }
    let outcomes = commit(&state, &target, planned).await?;
    let from_ids: Vec<String> = inputs.iter().map(|input| id_text(&input.from.id)).collect();
    let (results, failures) = split_outcomes(outcomes, &from_ids);
    batch_answer(StatusCode::CREATED, started_at, results, failures)
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/associate/default`: link each pair with
/// the default type, in one transaction; 200, or 207 when some inputs failed.
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
    let mut records = Records::default();
    let mut planned = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let to_id = id_text(&input.to.id);
        let plan = match records
            .pair(&state, &target, &to, &id_text(&input.from.id), &to_id)
            .await
        {
            Ok((from, to_record)) => {
                let pair = Pair {
                    from_type: target.object_type(),
                    from: from.id,
                    to_type: &to,
                    to: to_record.id,
                };
                let mut writes = LinkWrites::default();
                writes.link(&association, &pair, false).map(|()| Planned {
                    writes,
                    to_id,
                    answer: default_results(&association, from.id, to_record.id),
                })
            }
            Err(error) => Err(error),
        };
        planned.push(plan);
    }
    let outcomes = commit(&state, &target, planned).await?;
    let from_ids: Vec<String> = inputs.iter().map(|input| id_text(&input.from.id)).collect();
    let (results, failures) = split_outcomes(outcomes, &from_ids);
    let results: Vec<wire::DefaultAssociation> = results.into_iter().flatten().collect();
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
    let ids: Vec<String> = inputs.iter().map(|input| id_text(&input.id)).collect();
    let (found, missing) = read_records(&state, &target, &ids).await?;
    let results = found
        .iter()
        .map(|(id, record)| wire::AssociationsOf {
            from: wire::IdOut { id: id.clone() },
            to: associated(schema, target.object_type(), &to, record),
        })
        .collect();
    read_answer(started_at, results, missing_error(&target, &to, missing))
}

/// The active records of the given id texts, in input order, and the ids that name none.
pub(crate) async fn read_records(
    state: &AppState,
    target: &ObjectTypeTarget,
    ids: &[String],
) -> Result<(Vec<(String, Record)>, Vec<String>), ApiError> {
    let mut records = Records::default();
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        match records.get(state, target, target.object_type(), id).await? {
            Some(record) => found.push((id.clone(), record)),
            None => missing.push(id.clone()),
        }
    }
    Ok((found, missing))
}

/// The one error of a batch read listing every from-id that names no record.
pub(crate) fn missing_error(
    target: &ObjectTypeTarget,
    to: &ObjectType,
    missing: Vec<String>,
) -> Option<wire::StandardError> {
    if missing.is_empty() {
        return None;
    }
    Some(wire::StandardError {
        status: "error",
        category: "OBJECT_NOT_FOUND",
        message: format!(
            "No {} is associated with {} {}",
            object_types::hubspot_name(to),
            object_types::hubspot_name(target.object_type()),
            missing.join(", ")
        ),
        context: BTreeMap::from([("fromObjectId".to_owned(), missing)]),
        errors: Vec::new(),
        links: BTreeMap::new(),
    })
}

/// A batch read's answer: 200, or 207 with the missing ids' error, also when no input
/// named a record, as HubSpot answers.
pub(crate) fn read_answer<T: serde::Serialize>(
    started_at: Timestamp,
    results: Vec<T>,
    error: Option<wire::StandardError>,
) -> Result<Response, ApiError> {
    let errors: Vec<wire::StandardError> = error.into_iter().collect();
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
        StatusCode::OK
    };
    Ok((status, Json(body)).into_response())
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/archive`: remove every association between
/// each from-record and each of its `to` records, all in one transaction; 204. Ids that
/// name nothing are ignored.
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
    let mut records = Records::default();
    let mut writes = LinkWrites::default();
    for input in &inputs {
        let Some(from) = records
            .get(&state, &target, target.object_type(), &id_text(&input.from.id))
            .await?
        else {
            continue;
        };
        for to_ref in &input.to {
            let Some(to_id) = id_of(&to_ref.id) else {
                continue;
            };
            let pair = Pair {
                from_type: target.object_type(),
                from: from.id,
                to_type: &to,
                to: to_id,
            };
            writes.unlink_all(&from, &pair)?;
        }
    }
    commit_one(&state, &target, writes, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /crm/v4/associations/{t}/{toT}/batch/labels/archive`: remove the listed
/// association types between each pair, all in one transaction; 204. A type that shares
/// its link with the pair's other types (a deal's `Primary` company is its one company)
/// cannot be removed alone: removing the unlabelled type removes the link, and every type
/// it carries. Ids that name nothing are ignored.
pub(crate) async fn batch_labels_archive(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let inputs: Vec<PairInput> = batch_inputs(body)?;
    let schema = target.object_type().schema();
    let mut records = Records::default();
    let mut writes = LinkWrites::default();
    for (index, input) in inputs.iter().enumerate() {
        if input.types.is_empty() {
            return Err(ApiError::validation(format!(
                "inputs[{index}].types must name at least one association type"
            )));
        }
        let mut removals = Vec::with_capacity(input.types.len());
        for spec in &input.types {
            let (category, type_id) = spec_type(spec)?;
            let (association, position) =
                associations::find(schema, target.object_type(), &to, category, type_id)?;
            if position > 0 {
                let default = association.default_type();
                return Err(ApiError::validation(format!(
                    "association type {} {type_id} ({}) shares its link with type {} {}: remove that type to remove the association",
                    category.as_str(),
                    association.types[position].label.as_deref().unwrap_or_default(),
                    default.category.as_str(),
                    default.type_id
                ))
                .context("associationTypeId", [type_id.to_string()]));
            }
            removals.push(association);
        }
        let (Some(from), Some(to_id)) = (
            records
                .get(&state, &target, target.object_type(), &id_text(&input.from.id))
                .await?,
            id_of(&input.to.id),
        ) else {
            continue;
        };
        let pair = Pair {
            from_type: target.object_type(),
            from: from.id,
            to_type: &to,
            to: to_id,
        };
        for association in &removals {
            if from.related(association.side.key()).contains(&to_id) {
                writes.link(association, &pair, true)?;
            }
        }
    }
    commit_one(&state, &target, writes, "").await?;
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
