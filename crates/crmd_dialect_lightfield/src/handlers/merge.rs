//! Merges: `POST /v1/{type}/merge`, `POST /v1/objects/{slug}/merge` and
//! `GET /v1/merges/{id}`.

use super::idempotency::{self, IdempotencyKey, Render};
use super::{Caller, Collection, JsonBody, path_params};
use crate::error::ApiError;
use crate::{convert, wire};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::response::Response;
use crmd_core::ErrorCode;
use crmd_http::AppState;
use crmd_service::{Action, MergeOutcome, ServiceError};
use http::request::Parts;
use std::sync::Arc;

/// `POST /v1/{type}/merge`, `POST /v1/objects/{slug}/merge`: fold the duplicate into the
/// primary and move the duplicate to the trash.
pub(crate) async fn merge(
    State(state): State<Arc<AppState>>,
    collection: Collection,
    key: IdempotencyKey,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let (actor, object_type) = (&collection.actor, &collection.object_type);
    // Permission comes before the body, so that a caller without it learns nothing more.
    for action in [Action::Update, Action::Delete] {
        state
            .crm
            .authorize(actor, object_type, action)
            .map_err(|error| collection.error(error))?;
    }
    let render: Render<MergeOutcome> = {
        let object_type = object_type.clone();
        Arc::new(move |outcome: &MergeOutcome| {
            idempotency::json_200(&convert::merge_outcome_to_wire(&object_type, outcome))
        })
    };
    let operation = format!("merge:{}", object_type.slug);
    idempotency::run(&state, actor, key, &operation, render, |entry| async {
        let input = convert::merge_input(object_type, body, &collection.name)?;
        state
            .crm
            .merge_records(actor, object_type, input, entry)
            .await
            .map_err(|error| {
                let is_self_merge = matches!(error, ServiceError::SelfMerge { .. });
                let error = collection.error(error);
                if is_self_merge {
                    error.code("self_merge").param("duplicateId")
                } else {
                    error
                }
            })
    })
    .await
}

/// The merge named by the `{id}` of the route; an id that is not a merge id names none.
pub(crate) struct MergeTarget {
    caller: Caller,
    id: Option<u64>,
}

impl FromRequestParts<Arc<AppState>> for MergeTarget {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<MergeTarget, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        let params = path_params(parts, state).await?;
        let id = params.get("id").and_then(|id| convert::merge_id(id));
        Ok(MergeTarget { caller, id })
    }
}

const MERGES: &str = "merges";

/// `GET /v1/merges/{id}`: a merge of the caller's workspace.
pub(crate) async fn get_merge(
    State(state): State<Arc<AppState>>,
    target: MergeTarget,
) -> Result<Json<wire::Merge>, ApiError> {
    let Some(id) = target.id else {
        return Err(ApiError::new(
            ErrorCode::NotFound,
            format!("No resource found in '{MERGES}' with the given ID."),
        ));
    };
    let merge = state
        .crm
        .get_merge(&target.caller.actor, id)
        .await
        .map_err(|error| ApiError::from_service(error, MERGES))?;
    Ok(Json(convert::merge_to_wire(&merge)))
}
