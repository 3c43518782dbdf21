//! Handlers, one module per resource, and the extractors and helpers they share.
//!
//! Every request passes the same checks, in this order: the bearer token, the object type
//! named by `{objectType}`, the query parameters, the body. The extractors here perform
//! them and answer HubSpot's error shape when one fails.

pub(crate) mod associations;
pub(crate) mod associations_v3;
pub(crate) mod batch;
pub(crate) mod gdpr;
pub(crate) mod merge;
pub(crate) mod objects;
pub(crate) mod owners;
pub(crate) mod search;
pub(crate) mod unsupported;

use crate::error::ApiError;
use crate::properties::{Catalog, Source};
use crate::{convert, object_types, wire};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use crmd_core::{ErrorCode, Record, RecordId, Value};
use crmd_http::{AppState, JsonBodyError};
use crmd_query::{Filter, Op, Page, Query, Target, Trashed};
use crmd_service::{Action, Actor, TypeRef};
use http::request::Parts;
use std::collections::HashMap;
use std::sync::Arc;

/// An authenticated caller: `Authorization: Bearer <crmd key>`.
pub(crate) struct Caller {
    pub(crate) actor: Actor,
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Caller, ApiError> {
        // The rate limiter authenticated the key already when it was valid.
        if let Some(actor) = parts.extensions.get::<Actor>() {
            return Ok(Caller { actor: actor.clone() });
        }
        let actor = crmd_http::authenticate(state, &parts.headers)
            .await
            .map_err(|error| ApiError::from_service(error, None))?;
        Ok(Caller { actor })
    }
}

/// The object type named by the route's `{object_type}`, with its properties.
pub(crate) struct ObjectTypeTarget {
    pub(crate) actor: Actor,
    pub(crate) catalog: Catalog,
    params: HashMap<String, String>,
}

impl ObjectTypeTarget {
    pub(crate) fn object_type(&self) -> &TypeRef {
        self.catalog.object_type()
    }

    pub(crate) fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    /// Translates a service error about this type's records.
    pub(crate) fn error(&self, error: crmd_service::ServiceError) -> ApiError {
        ApiError::from_service(error, Some(&self.catalog))
    }

    /// Checks the caller's permission before anything is read or written.
    pub(crate) fn authorize(&self, state: &AppState, action: Action) -> Result<(), ApiError> {
        state
            .crm
            .authorize(&self.actor, self.object_type(), action)
            .map_err(|error| self.error(error))
    }
}

impl FromRequestParts<Arc<AppState>> for ObjectTypeTarget {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<ObjectTypeTarget, ApiError> {
        let Caller { actor } = Caller::from_request_parts(parts, state).await?;
        let params = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Path(params)| params)
            .map_err(|rejection| ApiError::validation(rejection.body_text()))?;
        let identifier = params.get("object_type").cloned().unwrap_or_default();
        ObjectTypeTarget::resolve(state, actor, &identifier, params).await
    }
}

impl ObjectTypeTarget {
    /// The object type HubSpot names `identifier` in the actor's workspace, for routes that
    /// name their type in a fixed path.
    pub(crate) async fn named(
        state: &AppState,
        actor: Actor,
        identifier: &str,
    ) -> Result<ObjectTypeTarget, ApiError> {
        ObjectTypeTarget::resolve(state, actor, identifier, HashMap::new()).await
    }

    async fn resolve(
        state: &AppState,
        actor: Actor,
        identifier: &str,
        params: HashMap<String, String>,
    ) -> Result<ObjectTypeTarget, ApiError> {
        let schema = state
            .crm
            .schema(&actor)
            .await
            .map_err(|error| ApiError::from_service(error, None))?;
        let slug = object_types::resolve(&schema, actor.workspace, identifier)?
            .slug
            .clone();
        let object_type = state
            .crm
            .object_type(&actor, &slug)
            .await
            .map_err(|error| ApiError::from_service(error, None))?;
        Ok(ObjectTypeTarget {
            actor,
            catalog: Catalog::new(object_type),
            params,
        })
    }
}

/// The query parameters of the objects API. Array parameters come as repeated keys, comma
/// lists, or both; booleans in any case. Unknown parameters are ignored, as HubSpot does.
#[derive(Debug, Default)]
pub(crate) struct ObjectQuery {
    pub(crate) properties: Option<Vec<String>>,
    pub(crate) properties_with_history: Option<Vec<String>>,
    pub(crate) associations: Option<Vec<String>>,
    pub(crate) archived: bool,
    pub(crate) id_property: Option<String>,
    pub(crate) limit: Option<String>,
    pub(crate) after: Option<String>,
}

impl ObjectQuery {
    pub(crate) fn parse(query: Option<&str>) -> Result<ObjectQuery, ApiError> {
        let mut parsed = ObjectQuery::default();
        for (name, value) in url::form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let list = |slot: &mut Option<Vec<String>>| {
                slot.get_or_insert_with(Vec::new).extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(str::to_owned),
                );
            };
            match name.as_ref() {
                "properties" => list(&mut parsed.properties),
                "propertiesWithHistory" => list(&mut parsed.properties_with_history),
                "associations" => list(&mut parsed.associations),
                "archived" => parsed.archived = parse_bool("archived", &value)?,
                "idProperty" => {
                    parsed.id_property = Some(value.trim().to_owned()).filter(|name| !name.is_empty());
                }
                "limit" => parsed.limit = Some(value.trim().to_owned()),
                "after" => parsed.after = Some(value.trim().to_owned()),
                _ => {}
            }
        }
        Ok(parsed)
    }
}

/// `associations` on an update: HubSpot takes them on creates only.
pub(crate) fn associations_on_update() -> ApiError {
    ApiError::validation(
        "associations are taken on creates only: change an existing record's associations with the v4 associations API",
    )
    .context("parameter", ["associations".to_owned()])
}

fn parse_bool(name: &str, value: &str) -> Result<bool, ApiError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        _ => Err(
            ApiError::validation(format!("{name} must be true or false, got {value:?}"))
                .context("parameter", [name.to_owned()]),
        ),
    }
}

/// A record id from a path or an input; `None` when it is not canonical decimal.
pub(crate) fn parse_record_id(text: &str) -> Option<RecordId> {
    let text = text.trim();
    let is_canonical = !text.is_empty()
        && text.bytes().all(|byte| byte.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    if !is_canonical {
        return None;
    }
    text.parse::<u64>().ok().filter(|id| *id > 0).map(RecordId)
}

/// The answer to an id that names nothing: HubSpot's text for an unknown id.
pub(crate) fn object_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::NotFound,
        "Object not found.  objectId are usually numeric.",
    )
    .context("id", [id.to_owned()])
}

/// The unique field an `idProperty` names; other properties answer HubSpot's
/// "non-unique property" 400.
pub(crate) fn unique_field_key(target: &ObjectTypeTarget, id_property: &str) -> Result<String, ApiError> {
    let object_type = target.object_type();
    let unique = target
        .catalog
        .property(id_property)
        .and_then(|source| match source {
            Source::Field(key) => object_type.field(key).filter(|field| field.is_unique),
            Source::NamePart(..)
            | Source::AddressPart(..)
            | Source::Id
            | Source::CreatedAt
            | Source::UpdatedAt
            | Source::Related(_)
            | Source::Pipeline { .. }
            | Source::LineItemAmount => None,
        });
    match unique {
        Some(field) => Ok(field.key.clone()),
        None => {
            let type_id = object_type
                .names
                .get(crmd_service::schema_file::HUBSPOT_TYPE_ID)
                .cloned()
                .unwrap_or_else(|| object_type.slug.clone());
            Err(ApiError::validation(format!(
                "Unable to perform update/upsert by non-unique {type_id} property {id_property} in portal ID {}",
                target.actor.workspace
            ))
            .context("idProperty", [id_property.to_owned()]))
        }
    }
}

/// Finds a record by id, or by the value of a unique property when `id_property` is set;
/// `archived` looks in the trash instead of the active records. `Ok(None)` when nothing
/// matches.
pub(crate) async fn find_record(
    state: &AppState,
    target: &ObjectTypeTarget,
    id: &str,
    id_property: Option<&str>,
    archived: bool,
) -> Result<Option<Record>, ApiError> {
    let object_type = target.object_type();
    let condition = match id_property {
        Some(id_property) => {
            let key = unique_field_key(target, id_property)?;
            let Some(field) = object_type.field(&key) else {
                return Ok(None);
            };
            let value = match crmd_core::value::parse_text(field, id) {
                Ok(Some(Value::List(mut items))) if items.len() == 1 => Value::Text(items.remove(0)),
                Ok(Some(value)) => value,
                // A value the field could never hold matches no record.
                Ok(None) | Err(_) => return Ok(None),
            };
            Filter::Cond {
                target: Target::Field(key),
                op: Op::Eq(value),
            }
        }
        None => {
            let Some(record_id) = parse_record_id(id) else {
                return Ok(None);
            };
            if !archived {
                return match state.crm.get_record(&target.actor, object_type, record_id).await {
                    Ok(record) => Ok(Some(record)),
                    Err(error) if error.code() == ErrorCode::NotFound => Ok(None),
                    Err(error) => Err(target.error(error)),
                };
            }
            Filter::Cond {
                target: Target::Id,
                op: Op::Eq(Value::Number(record_id.get().into())),
            }
        }
    };
    let query = Query {
        filter: Some(condition),
        sort: Vec::new(),
        page: Page::Offset { offset: 0, limit: 1 },
        with_total: false,
        trashed: if archived { Trashed::Only } else { Trashed::Exclude },
    };
    let page = state
        .crm
        .list_records(&target.actor, object_type, query)
        .await
        .map_err(|error| target.error(error))?;
    Ok(page.records.into_iter().next())
}

/// Adds `propertiesWithHistory` to an object: each named property's past values, newest
/// first. Names that are not properties are ignored, as HubSpot does.
pub(crate) async fn add_history(
    state: &AppState,
    target: &ObjectTypeTarget,
    record: &Record,
    names: &[String],
    object: &mut wire::SimplePublicObject,
) -> Result<(), ApiError> {
    /// Past values read per property.
    const MAX_HISTORY: u32 = 1000;
    let mut history = std::collections::BTreeMap::new();
    for name in names {
        let Some(source) = target.catalog.property(name) else {
            continue;
        };
        let entries = match source {
            Source::Id | Source::CreatedAt => vec![wire::ValueWithTimestamp {
                value: convert::read(record, source).unwrap_or_default(),
                timestamp: record.created_at.to_rfc3339(),
                source_type: "API",
            }],
            // Relationships and calculated values keep no history: their current value.
            Source::UpdatedAt | Source::Related(_) | Source::LineItemAmount => {
                vec![wire::ValueWithTimestamp {
                    value: convert::read(record, source).unwrap_or_default(),
                    timestamp: record.updated_at.to_rfc3339(),
                    source_type: "API",
                }]
            }
            // A pipeline's history is its stage's, each stage read as its pipeline.
            Source::Pipeline { stage_key: key, .. }
            | Source::Field(key)
            | Source::NamePart(key, _)
            | Source::AddressPart(key, _) => {
                let past = state
                    .crm
                    .field_history(
                        &target.actor,
                        target.object_type(),
                        record.id,
                        key,
                        None,
                        MAX_HISTORY,
                    )
                    .await
                    .map_err(|error| target.error(error))?;
                past.into_iter()
                    .map(|entry| {
                        let mut as_record = record.clone();
                        as_record.values.clear();
                        if let Some(value) = entry.value {
                            as_record.values.insert(key.clone(), value);
                        }
                        wire::ValueWithTimestamp {
                            value: convert::read(&as_record, source).unwrap_or_default(),
                            timestamp: entry.recorded_at.to_rfc3339(),
                            source_type: "API",
                        }
                    })
                    .collect()
            }
        };
        history.insert(name.clone(), entries);
    }
    object.properties_with_history = Some(history);
    Ok(())
}

/// A request body read as JSON by hand, so that every failure answers in HubSpot's shape:
/// `None` when the body is empty (the Python SDK sends `Content-Type: application/json` on
/// bodiless calls), 413 over the size limit, 415 when a body is not declared as JSON, 400
/// when it does not parse.
pub(crate) struct JsonBody(pub(crate) Option<serde_json::Value>);

impl FromRequest<Arc<AppState>> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &Arc<AppState>) -> Result<JsonBody, ApiError> {
        crmd_http::read_json_body(request, state.max_body_bytes)
            .await
            .map(JsonBody)
            .map_err(|error| match &error {
                JsonBodyError::TooLarge { .. } => ApiError::with_status(
                    http::StatusCode::PAYLOAD_TOO_LARGE,
                    "VALIDATION_ERROR",
                    error.message(),
                ),
                JsonBodyError::NotJson { .. } => {
                    ApiError::new(ErrorCode::UnsupportedMediaType, error.message())
                }
                JsonBodyError::Invalid(invalid) => ApiError::validation(format!(
                    "Invalid input JSON on line {}, column {}: {invalid}",
                    invalid.line(),
                    invalid.column()
                )),
            })
    }
}

/// Reads a body into a wire type; a body of the wrong shape is a 400 naming the problem.
pub(crate) fn parse_body<T: serde::de::DeserializeOwned>(
    body: Option<serde_json::Value>,
) -> Result<T, ApiError> {
    let json = body.unwrap_or_else(|| serde_json::json!({}));
    serde_json::from_value(json).map_err(|error| ApiError::validation(format!("Invalid input JSON: {error}")))
}
