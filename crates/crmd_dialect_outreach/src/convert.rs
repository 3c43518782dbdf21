//! Records to JSON:API resource objects, and request documents to record input.

use crate::attributes::{Catalog, NamePart, Source};
use crate::error::ApiError;
use crate::resources::{self, Kind};
use crate::wire;
use crmd_core::{FieldDef, FieldType, Record, RecordId, Value};
use crmd_service::{FieldInput, RecordInput, RelationshipInput, RelationshipOp};
use serde_json::{Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// The fields of a type to render: every one, or the names `fields[type]` lists.
#[derive(Debug, Clone, Default)]
pub(crate) enum Selection {
    #[default]
    All,
    Only(BTreeSet<String>),
}

impl Selection {
    fn includes(&self, name: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(names) => names.contains(name),
        }
    }
}

/// The absolute URL of a resource.
pub(crate) fn self_link(base: &str, plural: &str, id: RecordId) -> String {
    format!("{base}/api/v2/{plural}/{id}")
}

/// A record as a resource object.
pub(crate) fn resource(
    catalog: &Catalog,
    record: &Record,
    selection: &Selection,
    base: &str,
) -> wire::Resource {
    let mut attributes = Map::new();
    for attribute in &catalog.attributes {
        if !selection.includes(&attribute.name) {
            continue;
        }
        attributes.insert(attribute.name.clone(), read(catalog, record, &attribute.source));
    }
    let mut relationships = BTreeMap::new();
    for relationship in catalog.resource.relationships {
        if !selection.includes(relationship.name) {
            continue;
        }
        let Some(target) = resources::by_plural(relationship.target) else {
            continue;
        };
        let rendered = match relationship.kind {
            Kind::ToOne => wire::Relationship::ToOne {
                data: record
                    .related(relationship.key)
                    .first()
                    .map(|id| wire::Identifier {
                        resource_type: target.type_name.to_owned(),
                        id: id.get(),
                    }),
            },
            Kind::ToMany => wire::Relationship::ToMany {
                links: wire::RelatedLink {
                    related: format!(
                        "{base}/api/v2/{}?filter%5B{}%5D%5Bid%5D={}",
                        target.plural, relationship.inverse, record.id
                    ),
                },
            },
        };
        relationships.insert(relationship.name.to_owned(), rendered);
    }
    wire::Resource {
        resource_type: catalog.resource.type_name.to_owned(),
        id: record.id.get(),
        attributes,
        relationships,
        links: wire::SelfLink {
            self_link: self_link(base, catalog.resource.plural, record.id),
        },
    }
}

/// The ids a to-one relationship of a record links to, for `include`.
pub(crate) fn linked_ids(record: &Record, key: &str) -> Option<RecordId> {
    record.related(key).first().copied()
}

/// One attribute's value: `null` when unset, `[]` for an unset list.
fn read(catalog: &Catalog, record: &Record, source: &Source) -> Json {
    match source {
        Source::CreatedAt => Json::String(record.created_at.to_rfc3339()),
        Source::UpdatedAt => Json::String(record.updated_at.to_rfc3339()),
        Source::FullName(key) => match record.value(key) {
            Some(Value::FullName(name)) => {
                let display = name.display();
                if display.is_empty() {
                    Json::Null
                } else {
                    Json::String(display)
                }
            }
            Some(_) | None => Json::Null,
        },
        Source::NamePart(key, part) => match record.value(key) {
            Some(Value::FullName(name)) => {
                let text = match part {
                    NamePart::First => &name.first_name,
                    NamePart::Last => &name.last_name,
                };
                text.clone().map_or(Json::Null, Json::String)
            }
            Some(_) | None => Json::Null,
        },
        Source::Field(key) => {
            let Some(field) = catalog.object_type.field(key) else {
                return Json::Null;
            };
            match record.value(key) {
                Some(value) => value_to_json(field, value),
                None if field.is_multiple() || field.field_type == FieldType::MultiSelect => {
                    Json::Array(Vec::new())
                }
                None => Json::Null,
            }
        }
    }
}

/// A value as Outreach renders it: select options by label, numbers as JSON numbers,
/// datetimes in RFC 3339 with milliseconds, dates as `YYYY-MM-DD`.
pub(crate) fn value_to_json(field: &FieldDef, value: &Value) -> Json {
    let label = |id: &str| {
        field
            .option(id)
            .map_or_else(|| id.to_owned(), |option| option.label.clone())
    };
    match value {
        Value::Text(text) => Json::String(text.clone()),
        Value::Choice(id) => Json::String(label(id)),
        Value::Choices(ids) => Json::Array(ids.iter().map(|id| Json::String(label(id))).collect()),
        Value::List(items) => Json::from(items.clone()),
        Value::Number(number) => crmd_core::value::number_to_json(*number),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Datetime(moment) => Json::String(moment.to_rfc3339()),
        Value::Date(day) => Json::String(day.format("%Y-%m-%d").to_string()),
        Value::Address(address) => address.to_json(),
        Value::FullName(name) => name.to_json(),
    }
}

/// What a create or update request document holds, checked against the resource.
#[derive(Debug)]
pub(crate) struct Submitted {
    pub(crate) input: RecordInput,
}

/// Reads `{"data": {type, id?, attributes?, relationships?}}` into record input.
/// `current` is the record an update changes (for the other half of a split name);
/// `expected_id` is the URL's id on an update, `None` on a create.
pub(crate) fn submitted(
    catalog: &Catalog,
    body: Option<Json>,
    current: Option<&Record>,
    expected_id: Option<RecordId>,
) -> Result<Submitted, ApiError> {
    let Some(Json::Object(mut document)) = body else {
        return Err(ApiError::invalid_document(
            "/data",
            "the request document must be a JSON object with a data member",
        ));
    };
    let Some(Json::Object(mut data)) = document.remove("data") else {
        return Err(ApiError::invalid_document(
            "/data",
            "data must be a resource object with type and attributes",
        ));
    };
    let type_name = catalog.resource.type_name;
    match data.remove("type") {
        Some(Json::String(given)) if given == type_name => {}
        Some(Json::String(given)) => {
            return Err(ApiError::with_status(
                http::StatusCode::CONFLICT,
                "conflict",
                "Conflict",
                format!("data.type is {given:?} but this collection holds {type_name:?} resources"),
            )
            .at_pointer("/data/type"));
        }
        Some(_) | None => {
            return Err(ApiError::invalid_document(
                "/data/type",
                format!("data.type is required and must be the string {type_name:?}"),
            ));
        }
    }
    let given_id = data.remove("id");
    match (expected_id, given_id) {
        (None, None) => {}
        (None, Some(_)) => {
            return Err(ApiError::with_status(
                http::StatusCode::FORBIDDEN,
                "clientGeneratedIdsNotSupported",
                "Client-Generated IDs Not Supported",
                "ids are assigned by the server; leave data.id out of a create",
            )
            .at_pointer("/data/id"));
        }
        (Some(expected), given) => {
            let matches = match &given {
                Some(Json::Number(number)) => number.as_u64() == Some(expected.get()),
                Some(Json::String(text)) => text.trim() == expected.to_string(),
                Some(_) | None => false,
            };
            if !matches {
                return Err(ApiError::with_status(
                    http::StatusCode::CONFLICT,
                    "conflict",
                    "Conflict",
                    format!(
                        "data.id must be the id in the URL ({expected}), got {}",
                        given.map_or_else(|| "none".to_owned(), |id| id.to_string())
                    ),
                )
                .at_pointer("/data/id"));
            }
        }
    }
    let mut input = RecordInput::default();
    match data.remove("attributes") {
        None | Some(Json::Null) => {}
        Some(Json::Object(attributes)) => read_attributes(catalog, attributes, current, &mut input)?,
        Some(_) => {
            return Err(ApiError::invalid_document(
                "/data/attributes",
                "attributes must be an object",
            ));
        }
    }
    match data.remove("relationships") {
        None | Some(Json::Null) => {}
        Some(Json::Object(relationships)) => read_relationships(catalog, relationships, &mut input)?,
        Some(_) => {
            return Err(ApiError::invalid_document(
                "/data/relationships",
                "relationships must be an object",
            ));
        }
    }
    data.remove("links");
    data.remove("meta");
    if let Some(member) = data.keys().next() {
        return Err(ApiError::invalid_document(
            &format!("/data/{member}"),
            format!("{member:?} is not a member of a resource object"),
        ));
    }
    Ok(Submitted { input })
}

fn read_attributes(
    catalog: &Catalog,
    attributes: Map<String, Json>,
    current: Option<&Record>,
    input: &mut RecordInput,
) -> Result<(), ApiError> {
    // The parts of each split name, merged over the current value.
    let mut names: BTreeMap<String, Map<String, Json>> = BTreeMap::new();
    for (name, value) in attributes {
        let pointer = format!("/data/attributes/{name}");
        let Some(attribute) = catalog.attribute(&name) else {
            return Err(ApiError::new(
                crmd_core::ErrorCode::UnknownField,
                format!("{name} is not an attribute of {}", catalog.resource.type_name),
            )
            .at_pointer(&pointer));
        };
        if attribute.is_read_only {
            return Err(
                ApiError::new(crmd_core::ErrorCode::ReadOnly, format!("{name} is read-only"))
                    .at_pointer(&pointer),
            );
        }
        match &attribute.source {
            Source::Field(key) => input.fields.push((key.clone(), FieldInput::Json(value))),
            Source::NamePart(key, part) => {
                if !(value.is_string() || value.is_null()) {
                    return Err(ApiError::invalid_document(
                        &pointer,
                        format!("{name} must be a string or null"),
                    ));
                }
                let parts = names.entry(key.clone()).or_insert_with(|| {
                    let mut parts = Map::new();
                    if let Some(Value::FullName(name)) = current.and_then(|record| record.value(key)) {
                        for (part_key, part) in
                            [("firstName", &name.first_name), ("lastName", &name.last_name)]
                        {
                            if let Some(text) = part {
                                parts.insert(part_key.to_owned(), Json::String(text.clone()));
                            }
                        }
                    }
                    parts
                });
                match value {
                    Json::String(text) if !text.trim().is_empty() => {
                        parts.insert(part.wire_key().to_owned(), Json::String(text));
                    }
                    Json::Null
                    | Json::String(_)
                    | Json::Bool(_)
                    | Json::Number(_)
                    | Json::Array(_)
                    | Json::Object(_) => {
                        parts.remove(part.wire_key());
                    }
                }
            }
            Source::FullName(_) | Source::CreatedAt | Source::UpdatedAt => {
                return Err(
                    ApiError::new(crmd_core::ErrorCode::ReadOnly, format!("{name} is read-only"))
                        .at_pointer(&pointer),
                );
            }
        }
    }
    for (key, parts) in names {
        let value = if parts.is_empty() {
            Json::Null
        } else {
            Json::Object(parts)
        };
        input.fields.push((key, FieldInput::Json(value)));
    }
    Ok(())
}

fn read_relationships(
    catalog: &Catalog,
    relationships: Map<String, Json>,
    input: &mut RecordInput,
) -> Result<(), ApiError> {
    for (name, value) in relationships {
        let pointer = format!("/data/relationships/{name}");
        let Some(relationship) = catalog.resource.relationship(&name) else {
            return Err(ApiError::new(
                crmd_core::ErrorCode::UnknownRelationship,
                format!("{name} is not a relationship of {}", catalog.resource.type_name),
            )
            .at_pointer(&pointer));
        };
        if relationship.kind == Kind::ToMany {
            return Err(ApiError::new(
                crmd_core::ErrorCode::ReadOnly,
                format!("{name} is read-only: write the relationship from the other side"),
            )
            .at_pointer(&pointer));
        }
        let target = resources::by_plural(relationship.target).map_or("", |target| target.type_name);
        let Json::Object(mut object) = value else {
            return Err(ApiError::invalid_document(
                &pointer,
                format!("{name} must be an object with a data member"),
            ));
        };
        let ids = match object.remove("data") {
            Some(Json::Null) => Vec::new(),
            Some(Json::Object(identifier)) => {
                let data_pointer = format!("{pointer}/data");
                match identifier.get("type") {
                    Some(Json::String(given)) if given == target => {}
                    _ => {
                        return Err(ApiError::invalid_document(
                            &format!("{data_pointer}/type"),
                            format!("{name} links to {target:?} resources"),
                        ));
                    }
                }
                let id = match identifier.get("id") {
                    Some(Json::Number(number)) => number.as_u64(),
                    Some(Json::String(text)) => text.trim().parse::<u64>().ok(),
                    Some(_) | None => None,
                }
                .filter(|id| *id > 0)
                .ok_or_else(|| {
                    ApiError::invalid_document(
                        &format!("{data_pointer}/id"),
                        format!("{name}.data.id must be a positive integer"),
                    )
                })?;
                vec![RecordId(id)]
            }
            Some(_) | None => {
                return Err(ApiError::invalid_document(
                    &pointer,
                    format!(
                        "{name} must be {{\"data\": null}} or {{\"data\": {{\"type\": {target:?}, \"id\": …}}}}"
                    ),
                ));
            }
        };
        input.relationships.push(RelationshipInput {
            key: relationship.key.to_owned(),
            op: RelationshipOp::Replace(ids),
        });
    }
    Ok(())
}
