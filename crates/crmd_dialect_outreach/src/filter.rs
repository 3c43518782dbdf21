//! Outreach's query parameters → crmd's query model: the classic `filter[...]` syntax,
//! `sort`, `page[size]` and `page[after]`, `count`, `fields[type]` and `include`.
//!
//! - `filter[attr]=v` is equality; `a,b,c` any of them; `a..b` an inclusive range whose
//!   ends may be open (`inf`, `neginf`, or nothing: `1..`, `..10`); `__null__` and
//!   `__notnull__` test for a value. Different keys combine with AND.
//! - `filter[rel][id]=1,2` matches records linked to any of the ids; `__null__` and
//!   `__notnull__` test for a link.
//! - A date-only bound on a date-time attribute means midnight UTC of that day.

use crate::attributes::{Catalog, Source};
use crate::convert::Selection;
use crate::error::ApiError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use crmd_core::{FieldType, RecordId, Timestamp, Value};
use crmd_query::{Cursor, Filter, Op, RelatedOp, SortKey, Target};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Records per page when `page[size]` is absent, and at most.
pub(crate) const DEFAULT_PAGE_SIZE: u32 = 50;
pub(crate) const MAX_PAGE_SIZE: u32 = 1000;

/// The query parameters of a request, in order, with their raw text.
#[derive(Debug, Default)]
pub(crate) struct Params {
    pub(crate) pairs: Vec<(String, String)>,
}

impl Params {
    pub(crate) fn parse(query: Option<&str>) -> Params {
        Params {
            pairs: url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        }
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The query string without the paging cursor, for links and the cursor's check.
    pub(crate) fn without_cursor(&self) -> Vec<(String, String)> {
        self.pairs
            .iter()
            .filter(|(key, _)| key != "page[after]")
            .cloned()
            .collect()
    }
}

/// `fields[type]` selections, by type.
pub(crate) fn selections(params: &Params) -> BTreeMap<String, Selection> {
    let mut selections = BTreeMap::new();
    for (key, value) in &params.pairs {
        if let Some(type_name) = key
            .strip_prefix("fields[")
            .and_then(|rest| rest.strip_suffix(']'))
        {
            let names = value
                .split(',')
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_owned)
                .collect::<BTreeSet<_>>();
            selections.insert(type_name.to_owned(), Selection::Only(names));
        }
    }
    selections
}

/// Checks that `fields[type]` names only attributes and relationships of the type.
pub(crate) fn check_selection(catalog: &Catalog, selection: &Selection) -> Result<(), ApiError> {
    let Selection::Only(names) = selection else {
        return Ok(());
    };
    let type_name = catalog.resource.type_name;
    for name in names {
        if catalog.attribute(name).is_none() && catalog.resource.relationship(name).is_none() {
            return Err(ApiError::with_status(
                http::StatusCode::BAD_REQUEST,
                "fieldsParameter.unknownResourceField",
                "Unknown Resource Field",
                format!("{name} is not an attribute or relationship of {type_name}"),
            )
            .at_parameter(&format!("fields[{type_name}]")));
        }
    }
    Ok(())
}

/// `include`: relationship names, each at most one level deep.
pub(crate) fn includes(
    catalog: &Catalog,
    params: &Params,
) -> Result<Vec<&'static crate::resources::RelationshipDef>, ApiError> {
    let Some(text) = params.get("include") else {
        return Ok(Vec::new());
    };
    let mut relationships = Vec::new();
    for path in text.split(',').map(str::trim).filter(|path| !path.is_empty()) {
        let relationship = catalog
            .resource
            .relationship(path)
            .filter(|relationship| relationship.kind == crate::resources::Kind::ToOne)
            .ok_or_else(|| {
                ApiError::parameter(
                    "include",
                    format!(
                        "{path:?} cannot be included: include takes to-one relationships of {} one level deep ({})",
                        catalog.resource.type_name,
                        catalog
                            .resource
                            .relationships
                            .iter()
                            .filter(|relationship| relationship.kind == crate::resources::Kind::ToOne)
                            .map(|relationship| relationship.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
        if !relationships
            .iter()
            .any(|known: &&crate::resources::RelationshipDef| known.name == relationship.name)
        {
            relationships.push(relationship);
        }
    }
    Ok(relationships)
}

/// `page[size]`.
pub(crate) fn page_size(params: &Params) -> Result<u32, ApiError> {
    match params.get("page[size]") {
        None => Ok(DEFAULT_PAGE_SIZE),
        Some(text) => text
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|size| (1..=MAX_PAGE_SIZE).contains(size))
            .ok_or_else(|| {
                ApiError::parameter(
                    "page[size]",
                    format!("page[size] must be a whole number from 1 to {MAX_PAGE_SIZE}, got {text:?}"),
                )
            }),
    }
}

/// Refuses the parameters crmd does not serve rather than ignoring them.
pub(crate) fn refuse_unsupported(params: &Params) -> Result<(), ApiError> {
    for (key, value) in &params.pairs {
        let refusal = match key.as_str() {
            "page[before]" => Some(
                "page[before] is not supported by this crmd version: follow links.next from the first page",
            ),
            "page[offset]" | "page[limit]" => Some(
                "offset paging is not supported by this crmd version: use page[size] and follow links.next",
            ),
            "newFilterSyntax" if value.trim() == "true" => {
                Some("newFilterSyntax is not supported by this crmd version: use the classic filter syntax")
            }
            "filter[q]" => Some("filter[q] is not supported by this crmd version"),
            _ => None,
        };
        if let Some(detail) = refusal {
            return Err(ApiError::parameter(key, detail));
        }
    }
    Ok(())
}

/// `count=true|false`.
pub(crate) fn wants_count(params: &Params) -> Result<bool, ApiError> {
    match params.get("count").map(str::trim) {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::parameter(
            "count",
            format!("count must be true or false, got {other:?}"),
        )),
    }
}

/// A fingerprint of the query a cursor belongs to: every parameter but the cursor.
fn fingerprint(params: &Params) -> String {
    let mut hasher = Sha256::new();
    for (key, value) in params.without_cursor() {
        if key == "page[size]" || key == "count" || key.starts_with("fields[") || key == "include" {
            continue;
        }
        hasher.update(key.as_bytes());
        hasher.update([0]);
        hasher.update(value.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize()[..8]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The opaque `page[after]` value: the store's cursor and the fingerprint of its query.
pub(crate) fn encode_cursor(params: &Params, cursor: &Cursor) -> String {
    let json = serde_json::json!({"c": cursor.encode(), "q": fingerprint(params)});
    URL_SAFE_NO_PAD.encode(json.to_string())
}

/// `page[after]`: a cursor from a `links.next` of the same query.
pub(crate) fn cursor(params: &Params) -> Result<Option<Cursor>, ApiError> {
    let Some(text) = params.get("page[after]") else {
        return Ok(None);
    };
    let invalid = || {
        ApiError::parameter(
            "page[after]",
            "page[after] must be the cursor of a links.next of the same query (same filters and sort)",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
    if json["q"].as_str() != Some(fingerprint(params).as_str()) {
        return Err(invalid());
    }
    json["c"]
        .as_str()
        .and_then(Cursor::decode)
        .map(Some)
        .ok_or_else(invalid)
}

/// `sort`: attributes in order, `-` for descending, then the id ascending as tie-break.
pub(crate) fn sort(catalog: &Catalog, params: &Params) -> Result<Vec<SortKey>, ApiError> {
    let mut keys = Vec::new();
    let mut has_id = false;
    if let Some(text) = params.get("sort") {
        for item in text.split(',').map(str::trim).filter(|item| !item.is_empty()) {
            let (name, is_descending) = match item.strip_prefix('-') {
                Some(name) => (name, true),
                None => (item, false),
            };
            let target = if name == "id" {
                has_id = true;
                Target::Id
            } else {
                match catalog.attribute(name).map(|attribute| &attribute.source) {
                    Some(Source::Field(key)) => Target::Field(key.clone()),
                    Some(Source::CreatedAt) => Target::CreatedAt,
                    Some(Source::UpdatedAt) => Target::UpdatedAt,
                    Some(Source::NamePart(..) | Source::FullName(_)) => {
                        return Err(ApiError::parameter("sort", format!("{name} is not sortable")));
                    }
                    None => {
                        return Err(ApiError::parameter(
                            "sort",
                            format!("{name} is not an attribute of {}", catalog.resource.type_name),
                        ));
                    }
                }
            };
            keys.push(SortKey {
                target,
                is_descending,
            });
        }
    }
    if !has_id {
        keys.push(SortKey {
            target: Target::Id,
            is_descending: false,
        });
    }
    Ok(keys)
}

/// Every `filter[...]` parameter, combined with AND.
pub(crate) fn filter(catalog: &Catalog, params: &Params) -> Result<Option<Filter>, ApiError> {
    let mut conditions = Vec::new();
    for (key, value) in &params.pairs {
        let Some(path) = key.strip_prefix("filter[") else {
            continue;
        };
        let (name, rest) = path.split_once(']').unwrap_or((path, ""));
        conditions.push(condition(catalog, key, name, rest, value)?);
    }
    Ok(match conditions.len() {
        0 => None,
        1 => conditions.pop(),
        _ => Some(Filter::And(conditions)),
    })
}

fn condition(
    catalog: &Catalog,
    parameter: &str,
    name: &str,
    rest: &str,
    text: &str,
) -> Result<Filter, ApiError> {
    let text = text.trim();
    if let Some(relationship) = catalog.resource.relationship(name) {
        if rest != "[id]" {
            return Err(ApiError::parameter(
                parameter,
                format!("filter on the relationship {name} by its id: filter[{name}][id]=1,2"),
            ));
        }
        let key = relationship.key.to_owned();
        return match text {
            "__null__" => Ok(Filter::Not(Box::new(Filter::Related {
                key,
                op: RelatedOp::IsSet,
            }))),
            "__notnull__" => Ok(Filter::Related {
                key,
                op: RelatedOp::IsSet,
            }),
            _ => {
                let ids = text
                    .split(',')
                    .map(|id| {
                        parse_id(id).ok_or_else(|| {
                            ApiError::parameter(parameter, format!("{id:?} is not a resource id"))
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Filter::Related {
                    key,
                    op: RelatedOp::AnyOf(ids),
                })
            }
        };
    }
    if !rest.is_empty() {
        return Err(ApiError::parameter(
            parameter,
            format!("{name} is not a relationship of {}", catalog.resource.type_name),
        ));
    }
    let (target, kind) = if name == "id" {
        (Target::Id, Kind::Id)
    } else {
        match catalog.attribute(name).map(|attribute| &attribute.source) {
            Some(Source::Field(key)) => match catalog.object_type.field(key) {
                Some(field) => (Target::Field(key.clone()), Kind::Field(field)),
                None => return Err(not_an_attribute(catalog, parameter, name)),
            },
            Some(Source::CreatedAt) => (Target::CreatedAt, Kind::Moment),
            Some(Source::UpdatedAt) => (Target::UpdatedAt, Kind::Moment),
            Some(Source::NamePart(..) | Source::FullName(_)) => {
                return Err(ApiError::parameter(
                    parameter,
                    format!("{name} is not filterable"),
                ));
            }
            None => return Err(not_an_attribute(catalog, parameter, name)),
        }
    };
    match text {
        "__null__" => {
            return Ok(Filter::Not(Box::new(Filter::Cond {
                target,
                op: Op::IsSet,
            })));
        }
        "__notnull__" => {
            return Ok(Filter::Cond {
                target,
                op: Op::IsSet,
            });
        }
        _ => {}
    }
    let mut equal = Vec::new();
    let mut ranges = Vec::new();
    for item in text.split(',').map(str::trim) {
        match item.split_once("..") {
            Some((low, high)) => {
                let mut bounds = Vec::new();
                if !(low.is_empty() || low == "neginf") {
                    bounds.push(Filter::Cond {
                        target: target.clone(),
                        op: Op::Gte(kind.value(parameter, low)?),
                    });
                }
                if !(high.is_empty() || high == "inf") {
                    bounds.push(Filter::Cond {
                        target: target.clone(),
                        op: Op::Lte(kind.value(parameter, high)?),
                    });
                }
                ranges.push(match bounds.len() {
                    0 => Filter::Cond {
                        target: target.clone(),
                        op: Op::IsSet,
                    },
                    1 => bounds.remove(0),
                    _ => Filter::And(bounds),
                });
            }
            None => equal.push(kind.value(parameter, item)?),
        }
    }
    let mut alternatives = ranges;
    match equal.len() {
        0 => {}
        1 => alternatives.push(Filter::Cond {
            target,
            op: Op::Eq(equal.remove(0)),
        }),
        _ => alternatives.push(Filter::Cond {
            target,
            op: Op::In(equal),
        }),
    }
    Ok(if alternatives.len() == 1 {
        alternatives.remove(0)
    } else {
        Filter::Or(alternatives)
    })
}

fn not_an_attribute(catalog: &Catalog, parameter: &str, name: &str) -> ApiError {
    ApiError::parameter(
        parameter,
        format!(
            "{name} is not an attribute or relationship of {}",
            catalog.resource.type_name
        ),
    )
}

fn parse_id(text: &str) -> Option<RecordId> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse::<u64>().ok().filter(|id| *id > 0).map(RecordId)
}

/// How a filter value is read.
enum Kind<'a> {
    Id,
    Moment,
    Field(&'a crmd_core::FieldDef),
}

impl Kind<'_> {
    fn value(&self, parameter: &str, text: &str) -> Result<Value, ApiError> {
        match self {
            Kind::Id => parse_id(text)
                .map(|id| Value::Number(id.get().into()))
                .ok_or_else(|| ApiError::parameter(parameter, format!("{text:?} is not a resource id"))),
            Kind::Moment => moment(parameter, text).map(Value::Datetime),
            Kind::Field(field) => {
                if field.field_type == FieldType::Datetime {
                    return moment(parameter, text).map(Value::Datetime);
                }
                match crmd_core::value::parse_text(field, text) {
                    Ok(Some(Value::List(mut items))) if items.len() == 1 => Ok(Value::Text(items.remove(0))),
                    Ok(Some(value)) => Ok(value),
                    Ok(None) => Err(ApiError::parameter(
                        parameter,
                        format!("{text:?} is not a value to filter on"),
                    )),
                    Err(error) => Err(ApiError::parameter(parameter, format!("{text:?}: {}", error.0))),
                }
            }
        }
    }
}

/// An ISO-8601 moment: a date (midnight UTC) or a date-time with `Z` or an offset.
fn moment(parameter: &str, text: &str) -> Result<Timestamp, ApiError> {
    let expanded = if text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    Timestamp::parse_rfc3339(&expanded).ok_or_else(|| {
        ApiError::with_status(
            http::StatusCode::BAD_REQUEST,
            "filterParameter.invalidDatetimeFormat",
            "Invalid Datetime Format",
            format!("{text:?} is not an ISO-8601 date or date-time"),
        )
        .at_parameter(parameter)
    })
}
