//! The search API: `POST /crm/v3/objects/{objectType}/search`.

use super::{JsonBody, ObjectTypeTarget, parse_body};
use crate::convert::{self, Selection};
use crate::error::ApiError;
use crate::filter::{MAX_RESULTS, Search};
use crate::wire;
use axum::Json;
use axum::extract::State;
use crmd_http::{AppState, LimitsProfile};
use crmd_service::Action;
use std::sync::Arc;

/// One page of the active records that match, with the total count. `after` is an offset;
/// in the vendor profile no page reaches past the first 10,000 results.
pub(crate) async fn search(
    State(state): State<Arc<AppState>>,
    target: ObjectTypeTarget,
    JsonBody(body): JsonBody,
) -> Result<Json<wire::CollectionWithTotal>, ApiError> {
    target.authorize(&state, Action::Read)?;
    let request: wire::SearchRequest = parse_body(body)?;
    let search = Search::parse(&target.catalog, request, state.profile)?;
    let page = state
        .crm
        .list_records(&target.actor, target.object_type(), search.query)
        .await
        .map_err(|error| target.error(error))?;
    let total = page.total.unwrap_or_default();
    let selection = Selection::from_names(search.properties);
    let results: Vec<wire::SimplePublicObject> = page
        .records
        .iter()
        .map(|record| convert::object(&target.catalog, record, &selection))
        .collect();
    let next = search.offset + results.len() as u64;
    let is_within_window = state.profile != LimitsProfile::Vendor || next < MAX_RESULTS;
    let paging = (next < total && !results.is_empty() && is_within_window).then(|| wire::Paging {
        next: wire::NextPage {
            after: next.to_string(),
        },
    });
    Ok(Json(wire::CollectionWithTotal {
        total,
        results,
        paging,
    }))
}
