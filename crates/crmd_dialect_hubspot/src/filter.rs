//! HubSpot's search request (`PublicObjectSearchRequest`) → a crmd query: `filterGroups`
//! (OR of groups, AND within one), every operator, association pseudo-properties, `query`
//! over the type's searchable properties, one sort, and the offset page.

use crate::error::ApiError;
use crate::properties::{AddressPart, Catalog, NamePart, Source};
use crate::{object_types, wire};
use crmd_core::{FieldType, ObjectType, RecordId, Timestamp, Value};
use crmd_http::LimitsProfile;
use crmd_query::{Filter, Op, Page, Part, Query, RelatedOp, SortKey, Target, Trashed};
use serde_json::Value as Json;

/// Results per page when `limit` is absent, and at most (HubSpot's bound since Sept 2024).
pub(crate) const DEFAULT_LIMIT: u32 = 10;
pub(crate) const MAX_LIMIT: u32 = 200;
/// The relaxed profile's bound: crmd's own largest page.
const RELAXED_MAX_LIMIT: u32 = 1000;
/// The vendor profile's bounds on filters and paging.
pub(crate) const MAX_GROUPS: usize = 5;
pub(crate) const MAX_FILTERS_PER_GROUP: usize = 10;
pub(crate) const MAX_FILTERS: usize = 25;
pub(crate) const MAX_RESULTS: u64 = 10_000;
/// Longest `query`, in characters.
const MAX_QUERY_CHARS: usize = 3000;

/// Searchable properties of HubSpot's standard types, by crmd slug, as HubSpot documents
/// them; names the catalog does not know are skipped.
const SEARCHABLE: [(&str, &[&str]); 11] = [
    (
        "contact",
        &[
            "firstname",
            "lastname",
            "email",
            "phone",
            "hs_additional_emails",
            "fax",
            "mobilephone",
            "company",
            "hs_marketable_until_renewal",
        ],
    ),
    ("account", &["name", "domain", "website", "phone"]),
    (
        "opportunity",
        &["dealname", "pipeline", "dealstage", "description", "dealtype"],
    ),
    ("note", &["hs_note_body"]),
    ("task", &["hs_task_subject", "hs_task_body"]),
    ("meeting", &["hs_meeting_title", "hs_meeting_body"]),
    (
        "ticket",
        &[
            "subject",
            "content",
            "hs_pipeline_stage",
            "hs_ticket_category",
            "hs_ticket_id",
        ],
    ),
    // HubSpot searches a call's `hs_body_preview`, the start of `hs_call_body`.
    ("call", &["hs_call_title", "hs_call_body"]),
    ("email", &["hs_email_subject"]),
    ("product", &["name", "description", "price", "hs_sku"]),
    (
        "line_item",
        &["name", "description", "price", "quantity", "hs_sku"],
    ),
];

/// A search request, checked and compiled.
#[derive(Debug)]
pub(crate) struct Search {
    pub(crate) query: Query,
    pub(crate) properties: Option<Vec<String>>,
    pub(crate) offset: u64,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::validation(message)
}

/// A JSON scalar as HubSpot's string form; `None` for null.
fn scalar_text(value: &Json) -> Option<String> {
    match value {
        Json::String(text) => Some(text.clone()),
        Json::Number(number) => Some(number.to_string()),
        Json::Bool(flag) => Some(flag.to_string()),
        Json::Null | Json::Array(_) | Json::Object(_) => None,
    }
}

/// `limit` and `after` take numbers or numeric strings; null means absent.
fn whole_number(name: &str, value: Option<&Json>) -> Result<Option<u64>, ApiError> {
    let Some(value) = value.filter(|value| !value.is_null()) else {
        return Ok(None);
    };
    let parsed = match value {
        Json::Number(number) => number.as_u64(),
        Json::String(text) if text.trim().is_empty() => return Ok(None),
        Json::String(text) => text.trim().parse::<u64>().ok(),
        Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_) => None,
    };
    parsed.map(Some).ok_or_else(|| {
        invalid(format!("{name} must be a whole number, got {value}")).context("field", [name.to_owned()])
    })
}

impl Search {
    pub(crate) fn parse(
        catalog: &Catalog,
        request: wire::SearchRequest,
        profile: LimitsProfile,
    ) -> Result<Search, ApiError> {
        let is_vendor = profile == LimitsProfile::Vendor;
        let max_limit = if is_vendor { MAX_LIMIT } else { RELAXED_MAX_LIMIT };
        let limit = match whole_number("limit", request.limit.as_ref())? {
            None => DEFAULT_LIMIT,
            Some(limit) if (1..=u64::from(max_limit)).contains(&limit) => limit as u32,
            Some(limit) => {
                return Err(
                    invalid(format!("limit must be from 1 to {max_limit}, got {limit}"))
                        .context("field", ["limit".to_owned()]),
                );
            }
        };
        let offset = whole_number("after", request.after.as_ref())?.unwrap_or(0);
        if is_vendor && offset.saturating_add(u64::from(limit)) > MAX_RESULTS {
            return Err(invalid(format!(
                "a search pages through at most {MAX_RESULTS} results: after ({offset}) + limit ({limit}) exceeds it; narrow the filters instead"
            ))
            .context("field", ["after".to_owned()]));
        }

        let mut groups = request.filter_groups.unwrap_or_default();
        if let Some(filters) = request.filters.filter(|filters| !filters.is_empty()) {
            groups.push(wire::FilterGroup { filters });
        }
        if is_vendor {
            check_filter_counts(&groups)?;
        }
        let mut clauses = Vec::new();
        if !groups.is_empty() {
            let mut alternatives = Vec::with_capacity(groups.len());
            for group in &groups {
                let conditions = group
                    .filters
                    .iter()
                    .map(|filter| condition(catalog, filter))
                    .collect::<Result<Vec<_>, _>>()?;
                alternatives.push(Filter::And(conditions));
            }
            clauses.push(Filter::Or(alternatives));
        }
        if let Some(text) = request.query.filter(|text| !text.trim().is_empty()) {
            if text.chars().count() > MAX_QUERY_CHARS {
                return Err(
                    invalid(format!("query is longer than {MAX_QUERY_CHARS} characters"))
                        .context("field", ["query".to_owned()]),
                );
            }
            clauses.push(Filter::Search {
                keys: searchable_keys(catalog),
                text,
            });
        }
        let sort = match request.sorts.as_deref().unwrap_or_default().first() {
            None => Vec::new(),
            Some(rule) => vec![sort_key(catalog, rule)?],
        };
        let filter = match clauses.len() {
            0 => None,
            1 => clauses.pop(),
            _ => Some(Filter::And(clauses)),
        };
        Ok(Search {
            query: Query {
                filter,
                sort,
                page: Page::Offset { offset, limit },
                with_total: true,
                trashed: Trashed::Exclude,
            },
            properties: request.properties,
            offset,
        })
    }
}

fn check_filter_counts(groups: &[wire::FilterGroup]) -> Result<(), ApiError> {
    if groups.len() > MAX_GROUPS {
        return Err(invalid(format!(
            "Too many filter groups: {} were sent, the limit is {MAX_GROUPS}",
            groups.len()
        ))
        .context("field", ["filterGroups".to_owned()]));
    }
    if let Some(group) = groups
        .iter()
        .find(|group| group.filters.len() > MAX_FILTERS_PER_GROUP)
    {
        return Err(invalid(format!(
            "Too many filters in one filter group: {} were sent, the limit is {MAX_FILTERS_PER_GROUP}",
            group.filters.len()
        ))
        .context("field", ["filterGroups".to_owned()]));
    }
    let total: usize = groups.iter().map(|group| group.filters.len()).sum();
    if total > MAX_FILTERS {
        return Err(invalid(format!(
            "Too many filters: {total} were sent across all filter groups, the limit is {MAX_FILTERS}"
        ))
        .context("field", ["filterGroups".to_owned()]));
    }
    Ok(())
}

/// The fields `query` searches: HubSpot's searchable properties of a standard type; for
/// a custom type, its display field and every short text field (TEXT, EMAIL, URL,
/// TELEPHONE, SOCIAL_HANDLE, FULL_NAME).
fn searchable_keys(catalog: &Catalog) -> Vec<String> {
    let object_type: &ObjectType = catalog.object_type();
    let mut keys: Vec<String> = Vec::new();
    let mut add = |key: &str| {
        if !keys.iter().any(|known| known == key) {
            keys.push(key.to_owned());
        }
    };
    if object_type.is_standard {
        let names = SEARCHABLE
            .iter()
            .find(|(slug, _)| *slug == object_type.slug)
            .map_or(&[][..], |(_, names)| *names);
        for name in names {
            // Numbers, dates and checkboxes are never searched by `query`.
            let key = catalog.property(name).and_then(Source::field_key).filter(|key| {
                object_type.field(key).is_some_and(|field| {
                    !matches!(
                        field.field_type,
                        FieldType::Number
                            | FieldType::Currency
                            | FieldType::Date
                            | FieldType::Datetime
                            | FieldType::Checkbox
                    )
                })
            });
            if let Some(key) = key {
                add(key);
            }
        }
    } else {
        if let Some(key) = &object_type.display_field {
            add(key);
        }
        for field in &object_type.fields {
            if matches!(
                field.field_type,
                FieldType::Text
                    | FieldType::Email
                    | FieldType::Url
                    | FieldType::Telephone
                    | FieldType::SocialHandle
                    | FieldType::FullName
            ) {
                add(&field.key);
            }
        }
    }
    keys
}

/// One sort rule: `{propertyName, direction}`, `"prop"`, `"-prop"`, or a JSON string of
/// the object form.
fn sort_key(catalog: &Catalog, rule: &Json) -> Result<SortKey, ApiError> {
    let (name, direction) = match rule {
        Json::String(text) if text.trim_start().starts_with('{') => {
            let decoded: Json = serde_json::from_str(text)
                .map_err(|_| invalid(format!("sorts: {text:?} is not a sort rule")))?;
            return sort_key(catalog, &decoded);
        }
        Json::String(text) => match text.strip_prefix('-') {
            Some(name) => (name.to_owned(), "DESCENDING".to_owned()),
            None => (text.clone(), "ASCENDING".to_owned()),
        },
        Json::Object(object) => (
            object
                .get("propertyName")
                .and_then(Json::as_str)
                .ok_or_else(|| invalid("sorts: each rule needs a propertyName"))?
                .to_owned(),
            object
                .get("direction")
                .and_then(Json::as_str)
                .unwrap_or("ASCENDING")
                .to_owned(),
        ),
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::Array(_) => {
            return Err(invalid(format!("sorts: {rule} is not a sort rule")));
        }
    };
    let is_descending = match direction.to_ascii_uppercase().as_str() {
        "ASCENDING" => false,
        "DESCENDING" => true,
        _ => {
            return Err(invalid(format!(
                "sorts: direction must be ASCENDING or DESCENDING, got {direction:?}"
            )));
        }
    };
    let source = catalog.property(&name).ok_or_else(|| unknown_property(&name))?;
    let target = target_of(source).ok_or_else(|| {
        invalid(format!(
            "sorts: property \"{name}\" cannot be sorted on: {}",
            not_stored_reason(source)
        ))
        .context("propertyName", [name.clone()])
    })?;
    Ok(SortKey {
        target,
        is_descending,
    })
}

/// Why a property that is not a stored value cannot be sorted on (or compared).
fn not_stored_reason(source: &Source) -> &'static str {
    match source {
        Source::Related(_) => "it holds the id of a related record",
        Source::Pipeline { .. } => "a record's pipeline is the pipeline of its stage",
        Source::LineItemAmount => "it is calculated from quantity, price and discount when read",
        Source::Field(_)
        | Source::NamePart(..)
        | Source::AddressPart(..)
        | Source::Id
        | Source::CreatedAt
        | Source::UpdatedAt => "it is not stored",
    }
}

fn unknown_property(name: &str) -> ApiError {
    ApiError::invalid_properties(vec![crate::error::PropertyProblem {
        name: name.to_owned(),
        code: "PROPERTY_DOESNT_EXIST",
        message: format!("Property \"{name}\" does not exist"),
    }])
}

/// The stored value a property reads; `None` for related ids, pipelines and calculated
/// values.
fn target_of(source: &Source) -> Option<Target> {
    Some(match source {
        Source::Field(key) => Target::Field(key.clone()),
        Source::NamePart(key, part) => Target::Part {
            key: key.clone(),
            part: match part {
                NamePart::First => Part::FirstName,
                NamePart::Last => Part::LastName,
            },
        },
        Source::AddressPart(key, part) => Target::Part {
            key: key.clone(),
            part: match part {
                AddressPart::Street => Part::Street,
                AddressPart::Street2 => Part::Street2,
                AddressPart::City => Part::City,
                AddressPart::State => Part::State,
                AddressPart::PostalCode => Part::PostalCode,
                AddressPart::Country => Part::Country,
            },
        },
        Source::Id => Target::Id,
        Source::CreatedAt => Target::CreatedAt,
        Source::UpdatedAt => Target::UpdatedAt,
        Source::Related(_) | Source::Pipeline { .. } | Source::LineItemAmount => return None,
    })
}

/// A comparison value as the property's type holds it; `None` when the property could
/// never hold it (an unknown option), which matches no record.
fn value_of(catalog: &Catalog, name: &str, source: &Source, text: &str) -> Result<Option<Value>, ApiError> {
    let bad = |reason: String| {
        invalid(format!(
            "{text:?} is not a valid value for property \"{name}\": {reason}"
        ))
        .context("propertyName", [name.to_owned()])
    };
    match source {
        Source::Id => text
            .trim()
            .parse::<u64>()
            .map(|id| Some(Value::Number(id.into())))
            .map_err(|_| bad("record ids are whole numbers".to_owned())),
        Source::CreatedAt | Source::UpdatedAt => moment(text)
            .map(|moment| Some(Value::Datetime(moment)))
            .ok_or_else(|| bad("use epoch milliseconds or an ISO 8601 date or datetime".to_owned())),
        Source::NamePart(..) | Source::AddressPart(..) => Ok(Some(Value::Text(text.to_owned()))),
        Source::Related(_) | Source::Pipeline { .. } | Source::LineItemAmount => Err(bad(
            "this property is compared by record id or pipeline id only".to_owned(),
        )),
        Source::Field(key) => {
            let Some(field) = catalog.object_type().field(key) else {
                return Err(unknown_property(name));
            };
            // Comparisons take single values, even on a field that holds several.
            let mut single = field.clone();
            single.config.is_multiple = false;
            if field.field_type == FieldType::MultiSelect {
                single.field_type = FieldType::SingleSelect;
            }
            match crmd_core::value::parse_text(&single, text) {
                Ok(Some(Value::Choice(id))) if field.field_type == FieldType::MultiSelect => {
                    Ok(Some(Value::Choices(vec![id])))
                }
                Ok(Some(Value::Text(item))) if field.is_multiple() => Ok(Some(Value::List(vec![item]))),
                Ok(Some(value)) => Ok(Some(value)),
                Ok(None) => Ok(Some(Value::Text(String::new()))),
                Err(_) if matches!(field.field_type, FieldType::SingleSelect | FieldType::MultiSelect) => {
                    Ok(None)
                }
                Err(error) => Err(bad(error.to_string())),
            }
        }
    }
}

/// Epoch milliseconds, RFC 3339, or a date (its midnight UTC).
fn moment(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(millis) = text.parse::<i64>() {
        return Some(Timestamp(millis));
    }
    Timestamp::parse_rfc3339(text).or_else(|| {
        (text.len() == 10)
            .then(|| Timestamp::parse_rfc3339(&format!("{text}T00:00:00Z")))
            .flatten()
    })
}

fn required_value(filter: &wire::SearchFilter, field: &str) -> Result<String, ApiError> {
    let value = match field {
        "highValue" => filter.high_value.as_ref(),
        _ => filter.value.as_ref(),
    };
    value.and_then(scalar_text).ok_or_else(|| {
        invalid(format!(
            "operator {} on property \"{}\" needs a {field}",
            filter.operator, filter.property_name
        ))
        .context("propertyName", [filter.property_name.clone()])
    })
}

fn negate(filter: Filter) -> Filter {
    Filter::Not(Box::new(filter))
}

/// One `Filter` of a group.
fn condition(catalog: &Catalog, filter: &wire::SearchFilter) -> Result<Filter, ApiError> {
    let name = filter.property_name.as_str();
    if let Some(type_name) = name.strip_prefix("associations.") {
        return association_condition(catalog, type_name, filter);
    }
    let source = catalog.property(name).ok_or_else(|| unknown_property(name))?;
    let target = match source {
        Source::Related(key) => return related_condition(name, key, filter),
        Source::Pipeline {
            stage_key, parents, ..
        } => return pipeline_condition(name, stage_key, parents, filter),
        Source::LineItemAmount => {
            return Err(invalid(format!(
                "property \"{name}\" cannot be filtered on: {}",
                not_stored_reason(source)
            ))
            .context("propertyName", [name.to_owned()]));
        }
        Source::Field(_)
        | Source::NamePart(..)
        | Source::AddressPart(..)
        | Source::Id
        | Source::CreatedAt
        | Source::UpdatedAt => target_of(source).ok_or_else(|| unknown_property(name))?,
    };
    let cond = |op: Op| Filter::Cond {
        target: target.clone(),
        op,
    };
    let one = |field: &str| -> Result<Option<Value>, ApiError> {
        value_of(catalog, name, source, &required_value(filter, field)?)
    };
    let nothing = || Filter::Or(Vec::new());
    let compare = |make: fn(Value) -> Op| -> Result<Filter, ApiError> {
        Ok(one("value")?.map_or_else(nothing, |value| cond(make(value))))
    };
    let operator = filter.operator.to_ascii_uppercase();
    Ok(match operator.as_str() {
        "EQ" => compare(Op::Eq)?,
        "NEQ" => negate(compare(Op::Eq)?),
        "LT" => compare(Op::Lt)?,
        "LTE" => compare(Op::Lte)?,
        "GT" => compare(Op::Gt)?,
        "GTE" => compare(Op::Gte)?,
        "BETWEEN" => match (one("value")?, one("highValue")?) {
            (Some(low), Some(high)) => Filter::And(vec![cond(Op::Gte(low)), cond(Op::Lte(high))]),
            _ => nothing(),
        },
        "IN" | "NOT_IN" => {
            let texts = filter
                .values
                .as_ref()
                .ok_or_else(|| {
                    invalid(format!("operator {operator} on property \"{name}\" needs values"))
                        .context("propertyName", [name.to_owned()])
                })?
                .iter()
                .map(|value| {
                    scalar_text(value).ok_or_else(|| {
                        invalid(format!(
                            "values of property \"{name}\" must be strings, got {value}"
                        ))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut values = Vec::with_capacity(texts.len());
            for text in &texts {
                if let Some(value) = value_of(catalog, name, source, text)? {
                    values.push(value);
                }
            }
            let member = cond(Op::In(values));
            if operator == "IN" { member } else { negate(member) }
        }
        "HAS_PROPERTY" => cond(Op::IsSet),
        "NOT_HAS_PROPERTY" => negate(cond(Op::IsSet)),
        "CONTAINS_TOKEN" | "NOT_CONTAINS_TOKEN" => {
            let token = cond(Op::ContainsToken(required_value(filter, "value")?));
            if operator == "CONTAINS_TOKEN" {
                token
            } else {
                negate(token)
            }
        }
        _ => {
            return Err(invalid(format!(
                "unknown operator {:?} on property \"{name}\"; use EQ, NEQ, LT, LTE, GT, GTE, BETWEEN, IN, NOT_IN, HAS_PROPERTY, NOT_HAS_PROPERTY, CONTAINS_TOKEN or NOT_CONTAINS_TOKEN",
                filter.operator
            ))
            .context("propertyName", [name.to_owned()]));
        }
    })
}

/// The values of an `IN` or `NOT_IN` filter as text.
fn value_texts(filter: &wire::SearchFilter) -> Result<Vec<String>, ApiError> {
    let name = filter.property_name.as_str();
    filter
        .values
        .as_ref()
        .ok_or_else(|| {
            invalid(format!(
                "operator {} on property \"{name}\" needs values",
                filter.operator.to_ascii_uppercase()
            ))
            .context("propertyName", [name.to_owned()])
        })?
        .iter()
        .map(|value| {
            scalar_text(value).ok_or_else(|| {
                invalid(format!(
                    "values of property \"{name}\" must be strings, got {value}"
                ))
            })
        })
        .collect()
}

/// A filter on a relationship property (`hubspot_owner_id`): the related record's id with
/// EQ, NEQ, IN, NOT_IN, HAS_PROPERTY or NOT_HAS_PROPERTY. An id that is not a record id
/// matches no record.
fn related_condition(name: &str, key: &str, filter: &wire::SearchFilter) -> Result<Filter, ApiError> {
    let ids = |texts: &[String]| -> Vec<RecordId> {
        texts
            .iter()
            .filter_map(|text| crate::handlers::parse_record_id(text))
            .collect()
    };
    let related = |op: RelatedOp| Filter::Related {
        key: key.to_owned(),
        op,
    };
    let operator = filter.operator.to_ascii_uppercase();
    Ok(match operator.as_str() {
        "EQ" | "NEQ" => {
            let one = related(RelatedOp::AnyOf(ids(&[required_value(filter, "value")?])));
            if operator == "EQ" { one } else { negate(one) }
        }
        "IN" | "NOT_IN" => {
            let any = related(RelatedOp::AnyOf(ids(&value_texts(filter)?)));
            if operator == "IN" { any } else { negate(any) }
        }
        "HAS_PROPERTY" => related(RelatedOp::IsSet),
        "NOT_HAS_PROPERTY" => negate(related(RelatedOp::IsSet)),
        _ => {
            return Err(invalid(format!(
                "operator {operator} is not supported on \"{name}\"; use EQ, NEQ, IN, NOT_IN, HAS_PROPERTY or NOT_HAS_PROPERTY"
            ))
            .context("propertyName", [name.to_owned()]));
        }
    })
}

/// A filter on a pipeline property: records whose stage is one of the pipeline's stages,
/// with EQ, NEQ, IN, NOT_IN, HAS_PROPERTY or NOT_HAS_PROPERTY. A pipeline id that names no
/// pipeline matches no record.
fn pipeline_condition(
    name: &str,
    stage_key: &str,
    parents: &[(String, String)],
    filter: &wire::SearchFilter,
) -> Result<Filter, ApiError> {
    let stages_of = |pipelines: &[String]| -> Filter {
        let stages: Vec<Value> = parents
            .iter()
            .filter(|(_, pipeline)| pipelines.iter().any(|wanted| wanted.trim() == pipeline))
            .map(|(stage, _)| Value::Choice(stage.clone()))
            .collect();
        Filter::Cond {
            target: Target::Field(stage_key.to_owned()),
            op: Op::In(stages),
        }
    };
    let is_set = || Filter::Cond {
        target: Target::Field(stage_key.to_owned()),
        op: Op::IsSet,
    };
    let operator = filter.operator.to_ascii_uppercase();
    Ok(match operator.as_str() {
        "EQ" => stages_of(&[required_value(filter, "value")?]),
        "NEQ" => negate(stages_of(&[required_value(filter, "value")?])),
        "IN" => stages_of(&value_texts(filter)?),
        "NOT_IN" => negate(stages_of(&value_texts(filter)?)),
        "HAS_PROPERTY" => is_set(),
        "NOT_HAS_PROPERTY" => negate(is_set()),
        _ => {
            return Err(invalid(format!(
                "operator {operator} is not supported on \"{name}\"; use EQ, NEQ, IN, NOT_IN, HAS_PROPERTY or NOT_HAS_PROPERTY"
            ))
            .context("propertyName", [name.to_owned()]));
        }
    })
}

/// Whether `type_name` (`company`, `companies`, a custom type's name) names `object_type`.
fn names_type(object_type: &ObjectType, type_name: &str) -> bool {
    let hubspot = object_types::hubspot_name(object_type);
    let wanted = type_name.to_ascii_lowercase();
    let plural = match wanted.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{wanted}s"),
    };
    [wanted.as_str(), plural.as_str()]
        .iter()
        .any(|name| hubspot.eq_ignore_ascii_case(name) || object_type.slug.eq_ignore_ascii_case(name))
}

/// `associations.<type>` with EQ, IN, HAS_PROPERTY or NOT_HAS_PROPERTY: records linked
/// (or not) to the given records of that type, over every relationship to it.
fn association_condition(
    catalog: &Catalog,
    type_name: &str,
    filter: &wire::SearchFilter,
) -> Result<Filter, ApiError> {
    let object_type = catalog.object_type();
    let schema = object_type.schema();
    let keys: Vec<String> = schema
        .relationships_of(&object_type.slug)
        .filter(|side| {
            schema
                .object_type(side.target_type())
                .is_some_and(|target| names_type(target, type_name))
        })
        .filter_map(|side| side.end().key.clone())
        .collect();
    let name = filter.property_name.as_str();
    if keys.is_empty() {
        return Err(invalid(format!(
            "\"{name}\": {} records have no associations to {type_name:?}",
            object_types::hubspot_name(object_type)
        ))
        .context("propertyName", [name.to_owned()]));
    }
    let ids = |texts: Vec<String>| -> Result<Vec<RecordId>, ApiError> {
        texts
            .iter()
            .map(|text| {
                text.trim().parse::<u64>().map(RecordId).map_err(|_| {
                    invalid(format!("\"{name}\" takes record ids, got {text:?}"))
                        .context("propertyName", [name.to_owned()])
                })
            })
            .collect()
    };
    let any = |op: RelatedOp| {
        Filter::Or(
            keys.iter()
                .map(|key| Filter::Related {
                    key: key.clone(),
                    op: op.clone(),
                })
                .collect(),
        )
    };
    let operator = filter.operator.to_ascii_uppercase();
    Ok(match operator.as_str() {
        "EQ" => any(RelatedOp::AnyOf(ids(vec![required_value(filter, "value")?])?)),
        "IN" => {
            let texts = filter
                .values
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter_map(scalar_text)
                .collect();
            any(RelatedOp::AnyOf(ids(texts)?))
        }
        "HAS_PROPERTY" => any(RelatedOp::IsSet),
        "NOT_HAS_PROPERTY" => negate(any(RelatedOp::IsSet)),
        _ => {
            return Err(invalid(format!(
                "operator {operator} is not supported on \"{name}\"; use EQ, IN, HAS_PROPERTY or NOT_HAS_PROPERTY"
            ))
            .context("propertyName", [name.to_owned()]));
        }
    })
}
