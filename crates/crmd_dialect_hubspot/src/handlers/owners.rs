//! The owners API (`/crm/v3/owners`): crmd's members, read-only, in HubSpot's owner shape.
//!
//! An owner's `id` (and its `userId`) is the member's record id, the value that
//! `hubspot_owner_id` holds on records.

use super::{Caller, object_not_found, parse_record_id};
use crate::convert;
use crate::error::ApiError;
use crate::wire;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use crmd_core::{ErrorCode, RecordId, Value};
use crmd_http::AppState;
use crmd_query::{Cursor, Filter, Op, Page, Query, Target, Trashed};
use crmd_service::{Action, Actor, TypeRef};
use std::sync::Arc;

/// Owners per page when `limit` is absent, and at most (larger limits are clamped).
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 500;
/// The crmd object type behind owners.
const MEMBER: &str = "member";

/// The query parameters of the owners API; unknown ones are ignored, as HubSpot does.
#[derive(Debug, Default)]
struct OwnerQuery {
    email: Option<String>,
    after: Option<String>,
    limit: Option<String>,
    archived: bool,
    id_property: Option<String>,
}

impl OwnerQuery {
    fn parse(query: Option<&str>) -> Result<OwnerQuery, ApiError> {
        let mut parsed = OwnerQuery::default();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let value = value.trim().to_owned();
            match name.as_ref() {
                "email" => parsed.email = Some(value).filter(|email| !email.is_empty()),
                "after" => parsed.after = Some(value).filter(|after| !after.is_empty()),
                "limit" => parsed.limit = Some(value),
                "archived" => parsed.archived = super::parse_bool("archived", &value)?,
                "idProperty" => parsed.id_property = Some(value).filter(|name| !name.is_empty()),
                _ => {}
            }
        }
        Ok(parsed)
    }

    fn limit(&self) -> Result<u32, ApiError> {
        let Some(text) = &self.limit else {
            return Ok(DEFAULT_LIMIT);
        };
        match text.parse::<u64>() {
            Ok(limit) if limit >= 1 => Ok(limit.min(u64::from(MAX_LIMIT)) as u32),
            Ok(_) | Err(_) => Err(ApiError::validation(format!(
                "limit must be a whole number from 1 to {MAX_LIMIT}, got {text:?}"
            ))
            .context("parameter", ["limit".to_owned()])),
        }
    }

    fn trashed(&self) -> Trashed {
        if self.archived {
            Trashed::Only
        } else {
            Trashed::Exclude
        }
    }
}

/// The member type, once the caller may read it.
async fn members(state: &AppState, actor: &Actor) -> Result<TypeRef, ApiError> {
    let member = state
        .crm
        .object_type(actor, MEMBER)
        .await
        .map_err(|error| ApiError::from_service(error, None))?;
    state
        .crm
        .authorize(actor, &member, Action::Read)
        .map_err(|error| ApiError::from_service(error, None))?;
    Ok(member)
}

/// `GET /crm/v3/owners`: one page of owners in ascending id order, filtered by `email`;
/// `after` is the id to start from, as `paging.next.after` gives it.
pub(crate) async fn list(
    State(state): State<Arc<AppState>>,
    Caller { actor }: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::OwnerCollection>, ApiError> {
    let query = OwnerQuery::parse(query.as_deref())?;
    let member = members(&state, &actor).await?;
    let limit = query.limit()?;
    let cursor = match &query.after {
        None => None,
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
    let filter = match &query.email {
        None => None,
        Some(email) => {
            let field = member
                .field("$email")
                .ok_or_else(|| ApiError::new(ErrorCode::Internal, "the member type has no $email field"))?;
            match crmd_core::value::parse_text(field, email) {
                Ok(Some(value)) => Some(Filter::Cond {
                    target: Target::Field(field.key.clone()),
                    op: Op::Eq(value),
                }),
                // Not an email address: no owner has it.
                Ok(None) | Err(_) => {
                    return Ok(Json(wire::OwnerCollection {
                        results: Vec::new(),
                        paging: None,
                    }));
                }
            }
        }
    };
    let list_query = Query {
        filter,
        sort: Vec::new(),
        page: Page::After { cursor, limit },
        with_total: false,
        trashed: query.trashed(),
    };
    let page = state
        .crm
        .list_records(&actor, &member, list_query)
        .await
        .map_err(|error| ApiError::from_service(error, None))?;
    let paging = match (&page.next_cursor, page.records.last()) {
        (Some(_), Some(last)) => Some(wire::Paging {
            next: wire::NextPage {
                after: (last.id.get() + 1).to_string(),
            },
        }),
        (Some(_), None) | (None, _) => None,
    };
    Ok(Json(wire::OwnerCollection {
        results: page.records.iter().map(convert::owner).collect(),
        paging,
    }))
}

/// `GET /crm/v3/owners/{ownerId}`: one owner by `id` or, with `idProperty=userId`, by
/// user id (the same number in crmd).
pub(crate) async fn get(
    State(state): State<Arc<AppState>>,
    Caller { actor }: Caller,
    Path(owner_id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Json<wire::Owner>, ApiError> {
    let query = OwnerQuery::parse(query.as_deref())?;
    match query.id_property.as_deref() {
        None | Some("id" | "userId") => {}
        Some(other) => {
            return Err(
                ApiError::validation(format!("idProperty must be id or userId, got {other:?}"))
                    .context("idProperty", [other.to_owned()]),
            );
        }
    }
    let member = members(&state, &actor).await?;
    let Some(id) = parse_record_id(&owner_id) else {
        return Err(object_not_found(&owner_id));
    };
    let page = state
        .crm
        .list_records(
            &actor,
            &member,
            Query {
                filter: Some(Filter::Cond {
                    target: Target::Id,
                    op: Op::Eq(Value::Number(id.get().into())),
                }),
                sort: Vec::new(),
                page: Page::Offset { offset: 0, limit: 1 },
                with_total: false,
                trashed: query.trashed(),
            },
        )
        .await
        .map_err(|error| ApiError::from_service(error, None))?;
    page.records
        .first()
        .map(|record| Json(convert::owner(record)))
        .ok_or_else(|| object_not_found(&owner_id))
}
