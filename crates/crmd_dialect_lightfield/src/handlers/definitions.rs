//! Object type definitions: `GET /v1/{type}/definitions`, `GET /v1/objects/{slug}/definitions`
//! and the list of custom object types, `GET /v1/objects`.

use super::{Caller, Collection};
use crate::error::ApiError;
use crate::{convert, wire};
use axum::Json;
use axum::extract::State;
use crmd_http::AppState;
use crmd_service::Action;
use crmd_service::schema_file::CUSTOM_SCOPE;
use std::sync::Arc;

/// The fields and relationships of one object type.
pub(crate) async fn definitions(
    State(state): State<Arc<AppState>>,
    collection: Collection,
) -> Result<Json<wire::Definitions>, ApiError> {
    let object_type = &collection.object_type;
    state
        .crm
        .authorize(&collection.actor, object_type, Action::Read)
        .map_err(|error| collection.error(error))?;
    Ok(Json(convert::definitions_to_wire(
        object_type.schema(),
        object_type,
    )))
}

/// The custom object types, sorted by slug. Needs `custom_objects:read`.
pub(crate) async fn list_object_types(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> Result<Json<wire::ObjectTypeList>, ApiError> {
    state
        .crm
        .authorize_resource(&caller.actor, CUSTOM_SCOPE, Action::Read)
        .map_err(|error| ApiError::from_service(error, "objects"))?;
    let schema = state
        .crm
        .schema(&caller.actor)
        .await
        .map_err(|error| ApiError::from_service(error, "objects"))?;
    let mut data: Vec<wire::ObjectTypeSummary> = schema
        .object_types
        .iter()
        .filter(|object_type| !object_type.is_standard)
        .map(|object_type| wire::ObjectTypeSummary {
            object_type: object_type.slug.clone(),
            label: object_type.label.clone(),
        })
        .collect();
    data.sort_by(|a, b| a.object_type.cmp(&b.object_type));
    Ok(Json(wire::ObjectTypeList { data }))
}
