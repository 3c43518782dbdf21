//! The standard resources (`/api/v2/{prospects,accounts,opportunities,users}`): list, get,
//! create, update, delete.

use super::{Caller, JsonBody, base_url, catalog, parse_path_id};
use crate::attributes::Catalog;
use crate::convert::{self, Selection};
use crate::error::ApiError;
use crate::filter::{self, Params};
use crate::resources::{self, ResourceDef};
use crate::wire;
use axum::Json;
use axum::response::{IntoResponse, Response};
use crmd_core::{ErrorCode, Record, RecordId, Value};
use crmd_http::AppState;
use crmd_query::{Filter, Op, Page, Query, Target, Trashed};
use crmd_service::{Action, Actor};
use http::{HeaderMap, StatusCode};
use std::collections::{BTreeMap, BTreeSet};

/// What a read renders: the sparse fieldsets and the included relationships.
struct Rendering {
    selections: BTreeMap<String, Selection>,
    includes: Vec<&'static resources::RelationshipDef>,
    base: String,
}

impl Rendering {
    fn parse(catalog: &Catalog, params: &Params, headers: &HeaderMap) -> Result<Rendering, ApiError> {
        let selections = filter::selections(params);
        if let Some(selection) = selections.get(catalog.resource.type_name) {
            filter::check_selection(catalog, selection)?;
        }
        Ok(Rendering {
            includes: filter::includes(catalog, params)?,
            selections,
            base: base_url(headers),
        })
    }

    fn selection(&self, type_name: &str) -> Selection {
        self.selections.get(type_name).cloned().unwrap_or_default()
    }

    fn render(&self, catalog: &Catalog, record: &Record) -> wire::Resource {
        convert::resource(
            catalog,
            record,
            &self.selection(catalog.resource.type_name),
            &self.base,
        )
    }

    /// The resources of the included relationships of `records`, each once.
    async fn included(
        &self,
        state: &AppState,
        actor: &Actor,
        records: &[Record],
    ) -> Result<Option<Vec<wire::Resource>>, ApiError> {
        if self.includes.is_empty() {
            return Ok(None);
        }
        let mut by_target: BTreeMap<&'static str, BTreeSet<RecordId>> = BTreeMap::new();
        for relationship in &self.includes {
            let ids = by_target.entry(relationship.target).or_default();
            ids.extend(
                records
                    .iter()
                    .filter_map(|record| convert::linked_ids(record, relationship.key)),
            );
        }
        let mut included = Vec::new();
        for (plural, ids) in by_target {
            let Some(target) = resources::by_plural(plural) else {
                continue;
            };
            if ids.is_empty() {
                continue;
            }
            let target_catalog = catalog(state, actor, target, Action::Read).await?;
            if let Some(selection) = self.selections.get(target.type_name) {
                filter::check_selection(&target_catalog, selection)?;
            }
            let limit = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            let query = Query {
                filter: Some(Filter::Cond {
                    target: Target::Id,
                    op: Op::In(ids.iter().map(|id| Value::Number(id.get().into())).collect()),
                }),
                sort: Vec::new(),
                page: Page::Offset { offset: 0, limit },
                with_total: false,
                trashed: Trashed::Exclude,
            };
            let page = state
                .crm
                .list_records(actor, &target_catalog.object_type, query)
                .await
                .map_err(|error| ApiError::from_service(error, Some(&target_catalog)))?;
            included.extend(
                page.records
                    .iter()
                    .map(|record| self.render(&target_catalog, record)),
            );
        }
        Ok(Some(included))
    }
}

fn document<D>(data: D) -> wire::Document<D> {
    wire::Document {
        data,
        included: None,
        meta: None,
        links: None,
    }
}

/// A collection URL with these query parameters, encoded as Outreach encodes them.
fn collection_link(base: &str, plural: &str, pairs: &[(String, String)]) -> String {
    let mut link = format!("{base}/api/v2/{plural}");
    if !pairs.is_empty() {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        link.push('?');
        link.push_str(&query);
    }
    link
}

/// `GET /api/v2/{plural}`: one page of matching records.
pub(crate) async fn list(
    resource: &'static ResourceDef,
    state: &AppState,
    caller: Caller,
    query: Option<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let catalog = catalog(state, &caller.actor, resource, Action::Read).await?;
    let params = Params::parse(query.as_deref());
    filter::refuse_unsupported(&params)?;
    let rendering = Rendering::parse(&catalog, &params, &headers)?;
    let list_query = Query {
        filter: filter::filter(&catalog, &params)?,
        sort: filter::sort(&catalog, &params)?,
        page: Page::After {
            cursor: filter::cursor(&params)?,
            limit: filter::page_size(&params)?,
        },
        with_total: filter::wants_count(&params)?,
        trashed: Trashed::Exclude,
    };
    let page = state
        .crm
        .list_records(&caller.actor, &catalog.object_type, list_query)
        .await
        .map_err(|error| ApiError::from_service(error, Some(&catalog)).in_query())?;
    let data: Vec<wire::Resource> = page
        .records
        .iter()
        .map(|record| rendering.render(&catalog, record))
        .collect();
    let first_pairs = params.without_cursor();
    let next = page.next_cursor.as_ref().map(|cursor| {
        let mut pairs = first_pairs.clone();
        pairs.push(("page[after]".to_owned(), filter::encode_cursor(&params, cursor)));
        collection_link(&rendering.base, resource.plural, &pairs)
    });
    let mut body = document(data);
    body.included = rendering.included(state, &caller.actor, &page.records).await?;
    body.meta = page.total.map(|count| wire::CollectionMeta {
        count,
        count_truncated: false,
    });
    body.links = Some(wire::PageLinks {
        first: collection_link(&rendering.base, resource.plural, &first_pairs),
        prev: None,
        next,
    });
    Ok(Json(body).into_response())
}

/// The active record a path id names, or Outreach's 404.
async fn find(state: &AppState, actor: &Actor, catalog: &Catalog, id: &str) -> Result<Record, ApiError> {
    let not_found = || ApiError::resource_not_found(catalog.resource.type_name, id);
    let record_id = parse_path_id(id).ok_or_else(not_found)?;
    match state.crm.get_record(actor, &catalog.object_type, record_id).await {
        Ok(record) => Ok(record),
        Err(error) if error.code() == ErrorCode::NotFound => Err(not_found()),
        Err(error) => Err(ApiError::from_service(error, Some(catalog))),
    }
}

/// `GET /api/v2/{plural}/{id}`: one record.
pub(crate) async fn get(
    resource: &'static ResourceDef,
    state: &AppState,
    caller: Caller,
    id: String,
    query: Option<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let catalog = catalog(state, &caller.actor, resource, Action::Read).await?;
    let params = Params::parse(query.as_deref());
    let rendering = Rendering::parse(&catalog, &params, &headers)?;
    let record = find(state, &caller.actor, &catalog, &id).await?;
    let mut body = document(rendering.render(&catalog, &record));
    body.included = rendering
        .included(state, &caller.actor, std::slice::from_ref(&record))
        .await?;
    Ok(Json(body).into_response())
}

/// `POST /api/v2/{plural}`: create a record; 201 with the resource and a `Location`.
pub(crate) async fn create(
    resource: &'static ResourceDef,
    state: &AppState,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let catalog = catalog(state, &caller.actor, resource, Action::Create).await?;
    let submitted = convert::submitted(&catalog, body, None, None)?;
    let record = state
        .crm
        .create_record(&caller.actor, &catalog.object_type, submitted.input)
        .await
        .map_err(|error| ApiError::from_service(error, Some(&catalog)))?;
    // `include` on writes is deprecated by Outreach: the answer holds the resource only.
    let rendered = convert::resource(&catalog, &record, &Selection::All, &base_url(&headers));
    let location = rendered.links.self_link.clone();
    let mut response = (StatusCode::CREATED, Json(document(rendered))).into_response();
    if let Ok(value) = http::HeaderValue::from_str(&location) {
        response.headers_mut().insert(http::header::LOCATION, value);
    }
    Ok(response)
}

/// `PATCH /api/v2/{plural}/{id}`: change the attributes and relationships given; 200.
pub(crate) async fn update(
    resource: &'static ResourceDef,
    state: &AppState,
    caller: Caller,
    id: String,
    headers: HeaderMap,
    JsonBody(body): JsonBody,
) -> Result<Response, ApiError> {
    let catalog = catalog(state, &caller.actor, resource, Action::Update).await?;
    let current = find(state, &caller.actor, &catalog, &id).await?;
    let submitted = convert::submitted(&catalog, body, Some(&current), Some(current.id))?;
    let record = state
        .crm
        .update_record(&caller.actor, &catalog.object_type, current.id, submitted.input)
        .await
        .map_err(|error| ApiError::from_service(error, Some(&catalog)))?;
    let rendered = convert::resource(&catalog, &record, &Selection::All, &base_url(&headers));
    Ok(Json(document(rendered)).into_response())
}

/// `DELETE /api/v2/{plural}/{id}`: move the record to crmd's trash; 204 with no body.
pub(crate) async fn delete(
    resource: &'static ResourceDef,
    state: &AppState,
    caller: Caller,
    id: String,
) -> Result<Response, ApiError> {
    let catalog = catalog(state, &caller.actor, resource, Action::Delete).await?;
    let not_found = || ApiError::resource_not_found(resource.type_name, &id);
    let record_id = parse_path_id(&id).ok_or_else(not_found)?;
    match state
        .crm
        .trash_active_record(&caller.actor, &catalog.object_type, record_id)
        .await
    {
        Ok(_) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(error) if error.code() == ErrorCode::NotFound => Err(not_found()),
        Err(error) => Err(ApiError::from_service(error, Some(&catalog))),
    }
}
