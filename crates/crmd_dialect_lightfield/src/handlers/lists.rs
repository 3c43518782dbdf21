//! The membership pages of a list: `GET /v1/lists/{listId}/accounts|contacts|opportunities`.

use super::RecordTarget;
use crate::error::ApiError;
use crate::resources;
use crate::{convert, filter, wire};
use axum::Json;
use axum::extract::{RawQuery, State};
use crmd_core::ErrorCode;
use crmd_http::AppState;
use crmd_query::{Filter, RelatedOp};
use crmd_service::Action;
use std::sync::Arc;

/// `GET /v1/lists/{listId}/accounts`.
pub(crate) async fn accounts(
    state: State<Arc<AppState>>,
    list: RecordTarget,
    query: RawQuery,
) -> Result<Json<wire::Page>, ApiError> {
    members_page(state, list, query, "account", "accounts").await
}

/// `GET /v1/lists/{listId}/contacts`.
pub(crate) async fn contacts(
    state: State<Arc<AppState>>,
    list: RecordTarget,
    query: RawQuery,
) -> Result<Json<wire::Page>, ApiError> {
    members_page(state, list, query, "contact", "contacts").await
}

/// `GET /v1/lists/{listId}/opportunities`.
pub(crate) async fn opportunities(
    state: State<Arc<AppState>>,
    list: RecordTarget,
    query: RawQuery,
) -> Result<Json<wire::Page>, ApiError> {
    members_page(state, list, query, "opportunity", "opportunities").await
}

/// One page of a list's members, newest first like every list, with `limit`, `offset`
/// and the member type's filters. Needs `lists:read` and the member type's read scope.
async fn members_page(
    State(state): State<Arc<AppState>>,
    list: RecordTarget,
    RawQuery(query): RawQuery,
    member_slug: &str,
    member_plural: &str,
) -> Result<Json<wire::Page>, ApiError> {
    let collection = &list.collection;
    let actor = &collection.actor;
    let record = state
        .crm
        .get_record(actor, &collection.object_type, list.id)
        .await
        .map_err(|error| collection.error(error))?;
    let member_type = state
        .crm
        .object_type(actor, member_slug)
        .await
        .map_err(|error| ApiError::from_service(error, member_plural))?;
    state
        .crm
        .authorize(actor, &member_type, Action::Read)
        .map_err(|error| ApiError::from_service(error, member_plural))?;
    if let Some(holds) = resources::list_holds(&record)
        && holds.object_type != member_slug
    {
        return Err(ApiError::new(
            ErrorCode::InvalidRequest,
            format!(
                "list {} holds {} records, not {member_plural}; read them at /v1/lists/{}/{}",
                list.id,
                holds.object_type,
                list.id,
                holds.relationship.trim_start_matches('$')
            ),
        )
        .param("listId"));
    }
    let pairs = filter::query_pairs(query.as_deref());
    let mut query = filter::list_query(member_type.schema(), &member_type, &pairs, false)?;
    let on_list = Filter::Related {
        key: "$lists".to_owned(),
        op: RelatedOp::AnyOf(vec![list.id]),
    };
    query.filter = Some(match query.filter.take() {
        Some(Filter::And(mut filters)) => {
            filters.insert(0, on_list);
            Filter::And(filters)
        }
        Some(other) => Filter::And(vec![on_list, other]),
        None => on_list,
    });
    let page = state
        .crm
        .list_records(actor, &member_type, query)
        .await
        .map_err(|error| ApiError::from_service(error, member_plural))?;
    let data: Vec<wire::Record> = page
        .records
        .iter()
        .map(|record| convert::record_to_wire(&member_type, record))
        .collect();
    Ok(Json(wire::Page {
        object: "list",
        total_count: page.total.unwrap_or(data.len() as u64),
        data,
    }))
}
