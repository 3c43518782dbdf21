//! The v3 associations API, which HubSpot's SDKs still call: the batch endpoints
//! (`/crm/v3/associations/{t}/{toT}/batch/create|read|archive`), the association types of
//! a pair (`…/types`), and the per-object endpoints
//! (`/crm/v3/objects/{t}/{id}/associations/{toT}[/{toId}/{type}]`).
//!
//! The v3 API names an association type by its v3 name (`contact_to_company_unlabeled`,
//! `deal_to_company`), or by its typeId as text; it reads and writes the same links as the
//! v4 API ([`super::associations`]), with the same transactions: the writes of a batch
//! commit together, each failed input answered on its own.

use super::associations::{
    LinkWrites, Pair, Planned, Records, associated_ids, batch_answer, batch_inputs, commit, commit_one,
    id_of, id_text, list_paging, missing_error, read_answer, read_records, split_outcomes, to_type,
};
use super::{JsonBody, ObjectTypeTarget, object_not_found};
use crate::associations;
use crate::convert::{self, Selection};
use crate::error::ApiError;
use crate::object_types;
use crate::wire;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use crmd_core::Timestamp;
use crmd_http::AppState;
use crmd_service::Action;
use http::StatusCode;
use std::collections::BTreeMap;
use std::sync::Arc;

/// `PublicAssociation` as an input: a pair and the v3 name of one type.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct V3Input {
    from: wire::ObjectRef,
    to: wire::ObjectRef,
    #[serde(rename = "type")]
    kind: String,
}

/// `GET /crm/v3/associations/{t}/{toT}/types`: every association type from `t` to `toT`,
/// by typeId and v3 name.
pub(crate) async fn types(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<Json<wire::V3AssociationTypes>, ApiError> {
    target.authorize(&state, Action::Read)?;
    let to = to_type(&state, &target, Action::Read).await?;
    let results = associations::between(target.object_type().schema(), target.object_type(), &to)
        .iter()
        .flat_map(|association| {
            association.types.iter().map(|kind| wire::V3AssociationType {
                id: kind.type_id.to_string(),
                name: kind.name.clone(),
            })
        })
        .collect();
    Ok(Json(wire::V3AssociationTypes { results }))
}

/// `POST /crm/v3/associations/{t}/{toT}/batch/create`: link each pair with its type, in
/// one transaction; 201, or 207 when some inputs failed.
pub(crate) async fn batch_create(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let inputs: Vec<V3Input> = batch_inputs(body)?;
    let schema = target.object_type().schema();
    let mut records = Records::default();
    let mut planned = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let to_id = id_text(&input.to.id);
        let plan = async {
            let (association, position) =
                associations::find_v3(schema, target.object_type(), &to, &input.kind)?;
            let (from, to_record) = records
                .pair(&state, &target, &to, &id_text(&input.from.id), &to_id)
                .await?;
            let pair = Pair {
                from_type: target.object_type(),
                from: from.id,
                to_type: &to,
                to: to_record.id,
            };
            let mut writes = LinkWrites::default();
            writes.link(&association, &pair, false)?;
            Ok(Planned {
                writes,
                to_id: to_id.clone(),
                answer: wire::V3Association {
                    from: wire::IdOut {
                        id: from.id.to_string(),
                    },
                    to: wire::IdOut {
                        id: to_record.id.to_string(),
                    },
                    r#type: association.types[position].name.clone(),
                },
            })
        }
        .await;
        planned.push(plan);
    }
    let outcomes = commit(&state, &target, planned).await?;
    let from_ids: Vec<String> = inputs.iter().map(|input| id_text(&input.from.id)).collect();
    let (results, failures) = split_outcomes(outcomes, &from_ids);
    batch_answer(StatusCode::CREATED, started_at, results, failures)
}

/// `POST /crm/v3/associations/{t}/{toT}/batch/read`: each record's associated records of
/// the type, one entry per (record, type); missing records in one `OBJECT_NOT_FOUND` error,
/// with 207.
pub(crate) async fn batch_read(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct ReadInput {
        id: serde_json::Value,
    }
    let started_at = Timestamp::now();
    target.authorize(&state, Action::Read)?;
    let to = to_type(&state, &target, Action::Read).await?;
    let inputs: Vec<ReadInput> = batch_inputs(body)?;
    let schema = target.object_type().schema();
    let ids: Vec<String> = inputs.iter().map(|input| id_text(&input.id)).collect();
    let (found, missing) = read_records(&state, &target, &ids).await?;
    let results = found
        .iter()
        .map(|(id, record)| wire::V3AssociationsOf {
            from: wire::IdOut { id: id.clone() },
            to: associated_ids(schema, target.object_type(), &to, record),
        })
        .collect();
    read_answer(started_at, results, missing_error(&target, &to, missing))
}

/// `POST /crm/v3/associations/{t}/{toT}/batch/archive`: remove the link each input's type
/// names between its pair, all in one transaction; 204. The v3 API predates labels, so a
/// type removes its link with every type that link carries. Ids that name nothing are
/// ignored.
pub(crate) async fn batch_archive(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let inputs: Vec<V3Input> = batch_inputs(body)?;
    let schema = target.object_type().schema();
    let mut records = Records::default();
    let mut writes = LinkWrites::default();
    for input in &inputs {
        let (association, _) = associations::find_v3(schema, target.object_type(), &to, &input.kind)?;
        let (Some(from), Some(to_id)) = (
            records
                .get(&state, &target, target.object_type(), &id_text(&input.from.id))
                .await?,
            id_of(&input.to.id),
        ) else {
            continue;
        };
        if !from.related(association.side.key()).contains(&to_id) {
            continue;
        }
        let pair = Pair {
            from_type: target.object_type(),
            from: from.id,
            to_type: &to,
            to: to_id,
        };
        writes.link(&association, &pair, true)?;
    }
    commit_one(&state, &target, writes, "").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /crm/v3/objects/{t}/{id}/associations/{toT}`: the record's associations of a type,
/// one entry per (associated record, type), in associated id order; `limit` (at most 500
/// associated records) and `after` (the next associated id) page them.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::AssociatedIdCollection>, ApiError> {
    target.authorize(&state, Action::Read)?;
    let to = to_type(&state, &target, Action::Read).await?;
    let (limit, after) = list_paging(query.as_deref())?;
    let id = target.param("object_id").to_owned();
    let record = Records::default()
        .get(&state, &target, target.object_type(), &id)
        .await?
        .ok_or_else(|| object_not_found(&id))?;
    let mut by_record: BTreeMap<u64, Vec<wire::AssociatedId>> = BTreeMap::new();
    for entry in associated_ids(target.object_type().schema(), target.object_type(), &to, &record) {
        let Ok(related) = entry.id.parse::<u64>() else {
            continue;
        };
        if after.is_none_or(|start| related >= start) {
            by_record.entry(related).or_default().push(entry);
        }
    }
    let next = by_record.keys().nth(limit).copied();
    let results = by_record
        .into_iter()
        .take(limit)
        .flat_map(|(_, entries)| entries)
        .collect();
    let paging = next.map(|next| wire::Paging {
        next: wire::NextPage {
            after: next.to_string(),
        },
    });
    Ok(Json(wire::AssociatedIdCollection { results, paging }))
}

/// `PUT /crm/v3/objects/{t}/{id}/associations/{toT}/{toId}/{associationType}`: link the
/// two records with the type; 200 with the record and its associations of `toT`.
pub(crate) async fn put(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<Json<wire::SimplePublicObject>, ApiError> {
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let schema = target.object_type().schema();
    let (association, _) = associations::find_v3(
        schema,
        target.object_type(),
        &to,
        target.param("association_type"),
    )?;
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
    let record = Records::default()
        .get(&state, &target, target.object_type(), &from.id.to_string())
        .await?
        .ok_or_else(|| object_not_found(&from.id.to_string()))?;
    let mut object = convert::object(&target.catalog, &record, &Selection::Default);
    object.associations = super::associations::embed(&target, &record, &[object_types::hubspot_name(&to)]);
    Ok(Json(object))
}

/// `DELETE /crm/v3/objects/{t}/{id}/associations/{toT}/{toId}/{associationType}`: remove
/// the link the type names between the two records; 204, also when there was none.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Update)?;
    let to = to_type(&state, &target, Action::Update).await?;
    let schema = target.object_type().schema();
    let (association, _) = associations::find_v3(
        schema,
        target.object_type(),
        &to,
        target.param("association_type"),
    )?;
    let (Some(from), Some(to_id)) = (
        Records::default()
            .get(&state, &target, target.object_type(), target.param("object_id"))
            .await?,
        super::parse_record_id(target.param("to_object_id")),
    ) else {
        return Ok(StatusCode::NO_CONTENT);
    };
    if !from.related(association.side.key()).contains(&to_id) {
        return Ok(StatusCode::NO_CONTENT);
    }
    let pair = Pair {
        from_type: target.object_type(),
        from: from.id,
        to_type: &to,
        to: to_id,
    };
    let mut writes = LinkWrites::default();
    writes.link(&association, &pair, true)?;
    commit_one(&state, &target, writes, "").await?;
    Ok(StatusCode::NO_CONTENT)
}
