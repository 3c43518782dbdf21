//! Records of the standard types (`/v1/accounts/…`, `/v1/notes/…`, `/v1/lists/…`, …) and
//! of custom objects (`/v1/objects/{slug}/…`): create, list, retrieve, update, trash and
//! restore. `resources` adds the rules of notes, tasks, meetings and lists.

use super::idempotency::{self, IdempotencyKey, Render};
use super::{Collection, JsonBody, RecordTarget};
use crate::error::ApiError;
use crate::resources::{self, Resource};
use crate::{convert, filter, wire};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use crmd_core::Record;
use crmd_http::AppState;
use crmd_service::{Action, TypeRef};
use std::sync::Arc;

/// Renders records of the type in their resource's envelope.
fn record_render(object_type: &TypeRef) -> Render<Record> {
    let object_type = object_type.clone();
    Arc::new(move |record: &Record| idempotency::json_200(&convert::envelope(&object_type, record)))
}

/// `POST /v1/{type}`, `POST /v1/objects/{slug}/values`: create a record.
pub(crate) async fn create(
    State(state): State<Arc<AppState>>,
    collection: Collection,
    key: IdempotencyKey,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    // Permission comes before the body, so that a caller without it learns nothing more.
    let (actor, object_type) = (&collection.actor, &collection.object_type);
    state
        .crm
        .authorize(actor, object_type, Action::Create)
        .map_err(|error| collection.error(error))?;
    let operation = format!("create:{}", object_type.slug);
    idempotency::run(
        &state,
        actor,
        key,
        &operation,
        record_render(object_type),
        |entry| async {
            let mut input = convert::create_input(object_type, body)?;
            resources::prepare_create(&state, actor, object_type, &mut input).await?;
            state
                .crm
                .create_record_idempotent(actor, object_type, input, entry)
                .await
                .map_err(|error| collection.error(error))
        },
    )
    .await
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
    key: IdempotencyKey,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let collection = &target.collection;
    let (actor, object_type) = (&collection.actor, &collection.object_type);
    state
        .crm
        .authorize(actor, object_type, Action::Update)
        .map_err(|error| collection.error(error))?;
    let operation = format!("update:{}", object_type.slug);
    idempotency::run(
        &state,
        actor,
        key,
        &operation,
        record_render(object_type),
        |entry| async {
            let input = convert::update_input(object_type, body)?;
            resources::prepare_update(&state, actor, object_type, target.id, &input).await?;
            state
                .crm
                .update_record_idempotent(actor, object_type, target.id, input, entry)
                .await
                .map_err(|error| collection.error(error))
        },
    )
    .await
}

/// `DELETE /v1/{type}/{id}`, `DELETE /v1/objects/{slug}/values/{id}`: move the record to
/// the trash. A trashed record is returned again, unchanged. Being no POST, it reads no
/// `Idempotency-Key`; it is idempotent by itself.
pub(crate) async fn delete(
    State(state): State<Arc<AppState>>,
    target: RecordTarget,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    move_record(&state, &target, IdempotencyKey(None), body, Move::ToTrash).await
}

/// `POST /v1/{type}/{id}/restore`, `POST /v1/objects/{slug}/values/{id}/restore`: bring the
/// record back from the trash. An active record is returned unchanged.
pub(crate) async fn restore(
    State(state): State<Arc<AppState>>,
    target: RecordTarget,
    key: IdempotencyKey,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    move_record(&state, &target, key, body, Move::FromTrash).await
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
    key: IdempotencyKey,
    body: Option<serde_json::Value>,
    direction: Move,
) -> Result<Response, ApiError> {
    convert::empty_input(body)?;
    let collection = &target.collection;
    let (actor, object_type) = (&collection.actor, &collection.object_type);
    let operation = match direction {
        Move::ToTrash => format!("delete:{}", object_type.slug),
        Move::FromTrash => format!("restore:{}", object_type.slug),
    };
    idempotency::run(
        state,
        actor,
        key,
        &operation,
        record_render(object_type),
        |entry| async {
            match direction {
                // Meetings, unlike other records, answer 404 when deleted twice.
                Move::ToTrash if Resource::of(object_type) == Resource::Meeting => {
                    state.crm.trash_active_record(actor, object_type, target.id).await
                }
                Move::ToTrash => {
                    state
                        .crm
                        .trash_record_idempotent(actor, object_type, target.id, entry)
                        .await
                }
                Move::FromTrash => {
                    state
                        .crm
                        .restore_record_idempotent(actor, object_type, target.id, entry)
                        .await
                }
            }
            .map_err(|error| collection.error(error))
        },
    )
    .await
}
