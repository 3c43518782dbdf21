//! Records of the standard types (`/v1/accounts/…`, `/v1/notes/…`, `/v1/lists/…`, …) and
//! of custom objects (`/v1/objects/{slug}/…`): create, list, retrieve, update, trash and
//! restore. `resources` adds the rules of notes, tasks, meetings and lists.

use super::{Collection, JsonBody, RecordTarget};
use crate::error::ApiError;
use crate::resources::{self, Resource};
use crate::{convert, filter, wire};
use axum::Json;
use axum::extract::{RawQuery, State};
use crmd_http::AppState;
use crmd_service::Action;
use std::sync::Arc;

/// `POST /v1/{type}`, `POST /v1/objects/{slug}/values`: create a record.
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    collection: Collection,
    JsonBody(body): JsonBody,
) -> Result<Json<wire::Envelope>, ApiError> {
    // Permission comes before the body, so that a caller without it learns nothing more.
    state
        .crm
        .authorize(&collection.actor, &collection.object_type, Action::Create)
        .map_err(|error| collection.error(error))?;
    let mut input = convert::create_input(&collection.object_type, body)?;
    resources::prepare_create(&state, &collection.actor, &collection.object_type, &mut input).await?;
    let record = state
        .crm
        .create_record(&collection.actor, &collection.object_type, input)
        .await
        .map_err(|error| collection.error(error))?;
    Ok(Json(convert::envelope(&collection.object_type, &record)))
}

/// `GET /v1/{type}`, `GET /v1/objects/{slug}`: one page of records, newest first.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    collection: Collection,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::Page<wire::Envelope>>, ApiError> {
    let object_type = &collection.object_type;
    state
        .crm
        .authorize(&collection.actor, object_type, Action::Read)
        .map_err(|error| collection.error(error))?;
    let pairs = filter::query_pairs(query.as_deref());
    let query = filter::list_query(
        object_type.schema(),
        object_type,
        &pairs,
        collection.lists_trash(),
    )?;
    let page = state
        .crm
        .list_records(&collection.actor, object_type, query)
        .await
        .map_err(|error| collection.error(error))?;
    let data: Vec<wire::Envelope> = page
        .records
        .iter()
        .map(|record| convert::envelope(object_type, record))
        .collect();
    Ok(Json(wire::Page {
        object: "list",
        total_count: page.total.unwrap_or(data.len() as u64),
        data,
    }))
}

/// `GET /v1/{type}/{id}`, `GET /v1/objects/{slug}/values/{id}`: an active record.
pub(crate) async fn retrieve(
    State(state): State<Arc<AppState>>,
    target: RecordTarget,
) -> Result<Json<wire::Envelope>, ApiError> {
    let collection = &target.collection;
    let record = state
        .crm
        .get_record(&collection.actor, &collection.object_type, target.id)
        .await
        .map_err(|error| collection.error(error))?;
    Ok(Json(convert::envelope(&collection.object_type, &record)))
}

/// `POST /v1/{type}/{id}`, `POST /v1/objects/{slug}/values/{id}`: a partial update.
pub(crate) async fn update(
    State(state): State<Arc<AppState>>,
    target: RecordTarget,
    JsonBody(body): JsonBody,
) -> Result<Json<wire::Envelope>, ApiError> {
    let collection = &target.collection;
    state
        .crm
        .authorize(&collection.actor, &collection.object_type, Action::Update)
        .map_err(|error| collection.error(error))?;
    let input = convert::update_input(&collection.object_type, body)?;
    resources::prepare_update(
        &state,
        &collection.actor,
        &collection.object_type,
        target.id,
        &input,
    )
    .await?;
    let record = state
        .crm
        .update_record(&collection.actor, &collection.object_type, target.id, input)
        .await
        .map_err(|error| collection.error(error))?;
    Ok(Json(convert::envelope(&collection.object_type, &record)))
}

/// `DELETE /v1/{type}/{id}`, `DELETE /v1/objects/{slug}/values/{id}`: move the record to
/// the trash. A trashed record is returned again, unchanged.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    target: RecordTarget,
    JsonBody(body): JsonBody,
) -> Result<Json<wire::Envelope>, ApiError> {
    move_record(&state, &target, body, Move::ToTrash).await
}

/// `POST /v1/{type}/{id}/restore`, `POST /v1/objects/{slug}/values/{id}/restore`: bring the
/// record back from the trash. An active record is returned unchanged.
pub(crate) async fn restore(
    State(state): State<Arc<AppState>>,
    target: RecordTarget,
    JsonBody(body): JsonBody,
) -> Result<Json<wire::Envelope>, ApiError> {
    move_record(&state, &target, body, Move::FromTrash).await
}

/// Which way a record moves between the active records and the trash.
enum Move {
    ToTrash,
    FromTrash,
}

/// Delete and restore: a body with no keys, one service call, the record back.
async fn move_record(
    state: &AppState,
    target: &RecordTarget,
    body: Option<serde_json::Value>,
    direction: Move,
) -> Result<Json<wire::Envelope>, ApiError> {
    convert::empty_input(body)?;
    let collection = &target.collection;
    let (actor, object_type) = (&collection.actor, &collection.object_type);
    let record = match direction {
        // Meetings, unlike other records, answer 404 when deleted twice.
        Move::ToTrash if Resource::of(object_type) == Resource::Meeting => {
            state.crm.trash_active_record(actor, object_type, target.id).await
        }
        Move::ToTrash => state.crm.trash_record(actor, object_type, target.id).await,
        Move::FromTrash => state.crm.restore_record(actor, object_type, target.id).await,
    }
    .map_err(|error| collection.error(error))?;
    Ok(Json(convert::envelope(object_type, &record)))
}
