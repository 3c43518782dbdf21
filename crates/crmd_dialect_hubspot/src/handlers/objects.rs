//! The objects API (`/crm/v3/objects/{objectType}…`): get, list, create, update, archive.

use super::{
    JsonBody, ObjectQuery, ObjectTypeTarget, add_history, associations, associations_on_update, find_record,
    object_not_found, parse_body, parse_record_id,
};
use crate::convert::{self, Selection};
use crate::error::ApiError;
use crate::resources;
use crate::wire;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use crmd_core::{ErrorCode, RecordId};
use crmd_http::AppState;
use crmd_query::{Cursor, Page, Query, Trashed};
use crmd_service::Action;
use http::StatusCode;
use std::sync::Arc;

/// Records per list page when `limit` is absent, and at most.
const DEFAULT_LIMIT: u32 = 10;
const MAX_LIMIT: u32 = 100;
/// At most this many records per page when `propertiesWithHistory` is asked for.
const MAX_LIMIT_WITH_HISTORY: u32 = 50;

/// `GET /crm/v3/objects/{objectType}/{objectId}`: one record.
pub(crate) async fn get(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::SimplePublicObject>, ApiError> {
    target.authorize(&state, Action::Read)?;
    let query = ObjectQuery::parse(query.as_deref())?;
    let id = target.param("object_id").to_owned();
    let record = match find_record(&state, &target, &id, query.id_property.as_deref(), query.archived).await?
    {
        Some(record) => record,
        // The id of a record merged away reads as the record it was merged into.
        None if query.id_property.is_none() && !query.archived => {
            super::merge::survivor(&state, &target, &id)
                .await?
                .ok_or_else(|| object_not_found(&id))?
        }
        None => return Err(object_not_found(&id)),
    };
    let mut object = convert::object(&target.catalog, &record, &Selection::from_names(query.properties));
    object.associations = associations::embed(
        &target,
        &record,
        query.associations.as_deref().unwrap_or_default(),
    );
    if let Some(names) = &query.properties_with_history {
        add_history(&state, &target, &record, names, &mut object).await?;
    }
    Ok(Json(object))
}

/// `GET /crm/v3/objects/{objectType}`: one page of records in ascending id order. `after`
/// is the id to start from, as HubSpot's cursor is.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::Collection>, ApiError> {
    target.authorize(&state, Action::Read)?;
    let query = ObjectQuery::parse(query.as_deref())?;
    let max_limit = if query.properties_with_history.is_some() {
        MAX_LIMIT_WITH_HISTORY
    } else {
        MAX_LIMIT
    };
    let limit = match &query.limit {
        None => DEFAULT_LIMIT,
        // Over the maximum clamps: Node's getAll re-sends the caller's limit on every page.
        Some(text) => match text.parse::<u64>() {
            Ok(limit) if limit >= 1 => limit.min(u64::from(max_limit)) as u32,
            Ok(_) | Err(_) => {
                return Err(ApiError::validation(format!(
                    "limit must be a whole number from 1 to {max_limit}, got {text:?}"
                ))
                .context("parameter", ["limit".to_owned()]));
            }
        },
    };
    let cursor = match &query.after {
        None => None,
        Some(text) if text.is_empty() => None,
        Some(text) => {
            let start = parse_record_id(text).ok_or_else(|| {
                ApiError::validation(format!(
                    "after must be the paging.next.after value of a previous page, got {text:?}"
                ))
                .context("parameter", ["after".to_owned()])
            })?;
            Some(Cursor {
                sort_values: Vec::new(),
                last_id: RecordId(start.get() - 1),
            })
        }
    };
    let list_query = Query {
        filter: None,
        sort: Vec::new(),
        page: Page::After { cursor, limit },
        with_total: false,
        trashed: if query.archived {
            Trashed::Only
        } else {
            Trashed::Exclude
        },
    };
    let page = state
        .crm
        .list_records(&target.actor, target.object_type(), list_query)
        .await
        .map_err(|error| target.error(error))?;
    let selection = Selection::from_names(query.properties);
    let mut results = Vec::with_capacity(page.records.len());
    for record in &page.records {
        let mut object = convert::object(&target.catalog, record, &selection);
        object.associations =
            associations::embed(&target, record, query.associations.as_deref().unwrap_or_default());
        if let Some(names) = &query.properties_with_history {
            add_history(&state, &target, record, names, &mut object).await?;
        }
        results.push(object);
    }
    let paging = match (&page.next_cursor, page.records.last()) {
        (Some(_), Some(last)) => Some(wire::Paging {
            next: wire::NextPage {
                after: (last.id.get() + 1).to_string(),
            },
        }),
        (Some(_), None) | (None, _) => None,
    };
    Ok(Json(wire::Collection { results, paging }))
}

/// `POST /crm/v3/objects/{objectType}`: create a record; 201.
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    target.authorize(&state, Action::Create)?;
    let input: wire::ObjectInput = parse_body(body)?;
    if input.id.is_some() || input.id_property.is_some() {
        return Err(ApiError::validation(
            "a create takes properties and associations only; to write by a unique value, use batch/upsert",
        ));
    }
    let properties = input.properties.unwrap_or_default();
    let links = input.associations.unwrap_or_default();
    let object = create_one(&state, &target, &properties, &links).await?;
    Ok((StatusCode::CREATED, Json(object)).into_response())
}

/// Creates one record from HubSpot properties.
pub(crate) async fn create_one(
    state: &AppState,
    target: &ObjectTypeTarget,
    properties: &serde_json::Map<String, serde_json::Value>,
    links: &[serde_json::Value],
) -> Result<wire::SimplePublicObject, ApiError> {
    let mut input = convert::record_input(&target.catalog, properties, None)?;
    resources::prepare_create(target.object_type(), &mut input);
    associations::create_links(target.object_type(), links, &mut input)?;
    let record = state
        .crm
        .create_record(&target.actor, target.object_type(), input)
        .await
        .map_err(|error| {
            // A missing related record of an association; one of a relationship property
            // (`hubspot_owner_id`) is an invalid property value.
            if let crmd_service::ServiceError::RelatedMissing { id, key }
            | crmd_service::ServiceError::RelatedTrashed { id, key } = &error
                && target.catalog.name_of_relationship(key).is_none()
            {
                associations::invalid_object_ids(vec![id.to_string()])
            } else {
                target.error(error)
            }
        })?;
    Ok(convert::object(&target.catalog, &record, &Selection::Set))
}

/// `PATCH /crm/v3/objects/{objectType}/{objectId}`: update the properties given; 200.
pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    RawQuery(query): RawQuery,
    JsonBody(body): JsonBody,
) -> Result<Json<wire::SimplePublicObject>, ApiError> {
    target.authorize(&state, Action::Update)?;
    let query = ObjectQuery::parse(query.as_deref())?;
    let input: wire::ObjectInput = parse_body(body)?;
    if input.associations.is_some() {
        return Err(associations_on_update());
    }
    let properties = input.properties.unwrap_or_default();
    let id = target.param("object_id").to_owned();
    update_one(&state, &target, &id, query.id_property.as_deref(), &properties)
        .await
        .map(Json)
}

/// Updates one record, found by id or by a unique property's value.
pub(crate) async fn update_one(
    state: &AppState,
    target: &ObjectTypeTarget,
    id: &str,
    id_property: Option<&str>,
    properties: &serde_json::Map<String, serde_json::Value>,
) -> Result<wire::SimplePublicObject, ApiError> {
    if properties.is_empty() {
        return Err(ApiError::validation(
            "No properties found to update, please provide at least one.",
        ));
    }
    let current = find_record(state, target, id, id_property, false)
        .await?
        .ok_or_else(|| object_not_found(id))?;
    let input = convert::record_input(&target.catalog, properties, Some(&current))?;
    let record = state
        .crm
        .update_record(&target.actor, target.object_type(), current.id, input)
        .await
        .map_err(|error| target.error(error))?;
    Ok(convert::object(&target.catalog, &record, &Selection::Set))
}

/// `DELETE /crm/v3/objects/{objectType}/{objectId}`: move the record to the trash; 204,
/// also when it is already there or does not exist.
pub(crate) async fn archive(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
) -> Result<StatusCode, ApiError> {
    target.authorize(&state, Action::Delete)?;
    let id = target.param("object_id").to_owned();
    archive_one(&state, &target, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves one record to the trash; an unknown id changes nothing.
pub(crate) async fn archive_one(
    state: &AppState,
    target: &ObjectTypeTarget,
    id: &str,
) -> Result<(), ApiError> {
    let Some(record_id) = parse_record_id(id) else {
        return Ok(());
    };
    match state
        .crm
        .trash_record(&target.actor, target.object_type(), record_id)
        .await
    {
        Ok(_) => Ok(()),
        Err(error) if error.code() == ErrorCode::NotFound => Ok(()),
        Err(error) => Err(target.error(error)),
    }
}
