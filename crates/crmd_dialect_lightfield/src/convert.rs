//! Lightfield's wire format ⇄ crmd's model, in both directions.
//!
//! Reads: every defined field appears as `{value, valueType}` (`value` null when unset) and
//! every keyed relationship as `{cardinality, objectType, values}`.
//! Writes: request bodies are taken apart key by key, so that each mistake names its key;
//! field values go to the service as bare JSON, which validates and normalizes them.

use crate::error::ApiError;
use crate::wire;
use crmd_core::{
    Cardinality, ErrorCode, FieldDef, FieldType, HandleService, ObjectType, Record, RecordId,
    RelationshipSide, Schema, Value,
};
use crmd_service::pipelines::Pipelines;
use crmd_service::{FieldInput, RecordInput, RelationshipInput, RelationshipOp, TypeRef};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value as Json};

/// Lightfield's `valueType` for a crmd field type. crmd's DATE has no Lightfield
/// counterpart: it reads as a DATETIME at midnight UTC.
pub(crate) fn value_type(field_type: FieldType) -> &'static str {
    match field_type {
        FieldType::Address => "ADDRESS",
        FieldType::Checkbox => "CHECKBOX",
        FieldType::Currency => "CURRENCY",
        FieldType::Date | FieldType::Datetime => "DATETIME",
        FieldType::Email => "EMAIL",
        FieldType::FullName => "FULL_NAME",
        FieldType::Html => "HTML",
        FieldType::Markdown => "MARKDOWN",
        FieldType::MultiSelect => "MULTI_SELECT",
        FieldType::Number => "NUMBER",
        FieldType::SingleSelect => "SINGLE_SELECT",
        FieldType::SocialHandle => "SOCIAL_HANDLE",
        FieldType::Telephone => "TELEPHONE",
        FieldType::Text => "TEXT",
        FieldType::Url => "URL",
    }
}

fn cardinality(cardinality: Cardinality) -> &'static str {
    match cardinality {
        Cardinality::HasOne => "HAS_ONE",
        Cardinality::HasMany => "HAS_MANY",
    }
}

fn handle_service(service: HandleService) -> &'static str {
    match service {
        HandleService::Twitter => "TWITTER",
        HandleService::Linkedin => "LINKEDIN",
        HandleService::Facebook => "FACEBOOK",
        HandleService::Instagram => "INSTAGRAM",
    }
}

/// The read form of a value (the `value` inside `{value, valueType}`).
pub(crate) fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Text(text) | Value::Choice(text) => Json::String(text.clone()),
        Value::Number(number) => number_to_json(*number),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Datetime(moment) => Json::String(moment.to_rfc3339()),
        Value::Date(day) => Json::String(day.format("%Y-%m-%dT00:00:00.000Z").to_string()),
        Value::Choices(items) | Value::List(items) => Json::from(items.clone()),
        Value::Address(address) => {
            let mut object = Map::new();
            let parts = [
                ("street", &address.street),
                ("street2", &address.street2),
                ("city", &address.city),
                ("state", &address.state),
                ("postalCode", &address.postal_code),
                ("country", &address.country),
            ];
            for (key, part) in parts {
                object.insert(key.to_owned(), part.clone().map_or(Json::Null, Json::String));
            }
            object.insert("latitude".to_owned(), float_to_json(address.latitude));
            object.insert("longitude".to_owned(), float_to_json(address.longitude));
            Json::Object(object)
        }
        Value::FullName(name) => {
            let mut object = Map::new();
            object.insert(
                "firstName".to_owned(),
                name.first_name.clone().map_or(Json::Null, Json::String),
            );
            object.insert(
                "lastName".to_owned(),
                name.last_name.clone().map_or(Json::Null, Json::String),
            );
            Json::Object(object)
        }
    }
}

/// A JSON number: integers without a fraction, others as the nearest double.
fn number_to_json(number: Decimal) -> Json {
    let number = number.normalize();
    if number.scale() == 0
        && let Some(integer) = number.to_i64()
    {
        return Json::from(integer);
    }
    float_to_json(number.to_f64())
}

fn float_to_json(number: Option<f64>) -> Json {
    number
        .and_then(serde_json::Number::from_f64)
        .map_or(Json::Null, Json::Number)
}

/// The record envelope.
pub(crate) fn record_to_wire(object_type: &TypeRef, record: &Record) -> wire::Record {
    let mut fields = wire::OrderedMap::default();
    let pipelines = Pipelines::of(object_type);
    for field in &object_type.fields {
        let value = match pipelines {
            // The pipeline is not stored: it is the parent of the record's stage.
            Some(pipelines) if pipelines.pipeline.key == field.key => {
                match record.value(&pipelines.stage.key) {
                    Some(Value::Choice(stage)) => pipelines
                        .stage
                        .option(stage)
                        .and_then(|stage| stage.parent_id.clone())
                        .map_or(Json::Null, Json::String),
                    Some(_) | None => Json::Null,
                }
            }
            Some(_) | None => record.value(&field.key).map_or(Json::Null, value_to_json),
        };
        fields.push(
            field.key.clone(),
            wire::FieldValue {
                value,
                value_type: value_type(field.field_type),
            },
        );
    }
    let mut relationships = wire::OrderedMap::default();
    for side in object_type.schema().relationships_of(&object_type.slug) {
        let ids = |key: &str| record.related(key).iter().map(RecordId::to_string).collect();
        let directions = both_keys(side).map(|(source_key, target_key)| wire::Directions {
            as_source: wire::DirectionValues {
                cardinality: cardinality(side.def.source.cardinality),
                values: ids(source_key),
            },
            as_destination: wire::DirectionValues {
                cardinality: cardinality(side.def.target.cardinality),
                values: ids(target_key),
            },
        });
        relationships.push(
            side.key(),
            wire::RelationshipValue {
                cardinality: cardinality(side.cardinality()),
                object_type: side.target_type().to_owned(),
                values: ids(side.key()),
                directions,
            },
        );
    }
    wire::Record {
        id: record.id.to_string(),
        created_at: record.created_at.to_rfc3339(),
        updated_at: Some(record.updated_at.to_rfc3339()),
        http_link: None,
        external_id: record.external_id.clone(),
        fields,
        relationships,
    }
}

/// The keys of the source and target ends of a self-referential relationship when both
/// ends have one: only then does a record hold the links of both directions.
fn both_keys(side: RelationshipSide<'_>) -> Option<(&str, &str)> {
    let def = side.def;
    if def.source.object_type != def.target.object_type {
        return None;
    }
    Some((def.source.key.as_deref()?, def.target.key.as_deref()?))
}

/// The field and relationship definitions of an object type.
pub(crate) fn definitions_to_wire(schema: &Schema, object_type: &ObjectType) -> wire::Definitions {
    let mut field_definitions = wire::OrderedMap::default();
    for field in &object_type.fields {
        field_definitions.push(field.key.clone(), field_definition(field));
    }
    let mut relationship_definitions = wire::OrderedMap::default();
    for side in schema.relationships_of(&object_type.slug) {
        let end = side.end();
        relationship_definitions.push(
            side.key(),
            wire::RelationshipDefinition {
                id: side.def.id.clone(),
                slug: crate::filter::relationship_slug(&object_type.slug, side.key()),
                label: end.label.clone(),
                description: end.description.clone(),
                cardinality: cardinality(side.cardinality()),
                object_type: side.target_type().to_owned(),
                directions: both_keys(side).map(|_| wire::Directions {
                    as_source: wire::DirectionDefinition {
                        cardinality: cardinality(side.def.source.cardinality),
                        label: side.def.source.label.clone(),
                    },
                    as_destination: wire::DirectionDefinition {
                        cardinality: cardinality(side.def.target.cardinality),
                        label: side.def.target.label.clone(),
                    },
                }),
            },
        );
    }
    wire::Definitions {
        object_type: object_type.slug.clone(),
        field_definitions,
        relationship_definitions,
    }
}

fn field_definition(field: &FieldDef) -> wire::FieldDefinition {
    wire::FieldDefinition {
        id: field.id.clone(),
        slug: field.key.trim_start_matches('$').to_owned(),
        system: field.is_system(),
        label: field.label.clone(),
        description: field.description.clone(),
        value_type: value_type(field.field_type),
        type_configuration: type_configuration(field),
        read_only: field.is_read_only,
    }
}

fn type_configuration(field: &FieldDef) -> wire::TypeConfiguration {
    let options = || {
        Some(
            field
                .config
                .options
                .iter()
                .map(|option| wire::SelectOption {
                    id: option.id.clone(),
                    label: option.label.clone(),
                    description: option.description.clone(),
                    parent_id: option.parent_id.clone(),
                })
                .collect(),
        )
    };
    let none = wire::TypeConfiguration::default();
    match field.field_type {
        FieldType::Currency => wire::TypeConfiguration {
            currency: field.config.currency.clone(),
            ..none
        },
        FieldType::Email | FieldType::Telephone | FieldType::Url => wire::TypeConfiguration {
            unique: Some(field.is_unique),
            multiple_values: Some(field.config.is_multiple),
            ..none
        },
        FieldType::SocialHandle => wire::TypeConfiguration {
            handle_service: field.config.handle_service.map(handle_service),
            ..none
        },
        FieldType::SingleSelect => wire::TypeConfiguration {
            options: options(),
            parent_field_key: field.config.parent_field.clone(),
            ..none
        },
        FieldType::MultiSelect => wire::TypeConfiguration {
            options: options(),
            ..none
        },
        FieldType::Address
        | FieldType::Checkbox
        | FieldType::Date
        | FieldType::Datetime
        | FieldType::FullName
        | FieldType::Html
        | FieldType::Markdown
        | FieldType::Number
        | FieldType::Text => none,
    }
}

/// The body of a create: `{fields*, relationships?, skipEnrichment?}`, where each
/// relationship is one id or an array of ids.
pub(crate) fn create_input(object_type: &TypeRef, body: Option<Json>) -> Result<RecordInput, ApiError> {
    let Some(body) = body else {
        return Err(missing_fields());
    };
    let mut input = RecordInput::default();
    let mut has_fields = false;
    for (key, value) in body_object(body)? {
        match key.as_str() {
            "fields" => {
                input.fields = field_inputs(object_type, value)?;
                has_fields = true;
            }
            "relationships" => {
                for (key, ids) in relationships_object(value)? {
                    check_relationship_key(object_type, &key)?;
                    let ids = record_ids(&key, &ids, "")?;
                    input.relationships.push(RelationshipInput {
                        key,
                        op: RelationshipOp::Replace(ids),
                    });
                }
            }
            // crmd does no enrichment, so there is nothing to skip.
            "skipEnrichment" if value.is_boolean() || value.is_null() => {}
            "skipEnrichment" => {
                return Err(invalid_type("skipEnrichment", "must be true or false", &value));
            }
            other => {
                return Err(unknown_body_key(
                    other,
                    "fields, relationships and skipEnrichment",
                ));
            }
        }
    }
    if !has_fields {
        return Err(missing_fields());
    }
    Ok(input)
}

/// The body of an update: `{fields?, relationships?}`, where each relationship is an
/// operation `{add?, remove?, replace?}`. An empty body changes nothing.
pub(crate) fn update_input(object_type: &TypeRef, body: Option<Json>) -> Result<RecordInput, ApiError> {
    let mut input = RecordInput::default();
    let Some(body) = body else {
        return Ok(input);
    };
    for (key, value) in body_object(body)? {
        match key.as_str() {
            "fields" => input.fields = field_inputs(object_type, value)?,
            "relationships" => {
                for (key, operation) in relationships_object(value)? {
                    check_relationship_key(object_type, &key)?;
                    input
                        .relationships
                        .extend(relationship_operation(&key, operation)?);
                }
            }
            other => return Err(unknown_body_key(other, "fields and relationships")),
        }
    }
    Ok(input)
}

/// The body of a delete or restore: nothing, or an empty object (the SDK's `body={}`).
pub(crate) fn empty_input(body: Option<Json>) -> Result<(), ApiError> {
    let Some(body) = body else {
        return Ok(());
    };
    match body_object(body)?.into_iter().next() {
        Some((key, _)) => Err(unknown_body_key(&key, "nothing")),
        None => Ok(()),
    }
}

fn missing_fields() -> ApiError {
    ApiError::bad_request("the request body needs \"fields\", an object of field values")
        .code("parameter_missing")
        .param("fields")
}

fn unknown_body_key(key: &str, expected: &str) -> ApiError {
    ApiError::bad_request(format!(
        "unknown body parameter {key:?}; this endpoint takes {expected}"
    ))
    .code("unknown_parameter")
    .param(key)
}

fn invalid_type(param: &str, expectation: &str, got: &Json) -> ApiError {
    ApiError::bad_request(format!("{param} {expectation}, got {}", json_kind(got)))
        .code("invalid_type")
        .param(param)
}

fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "an array",
        Json::Object(_) => "an object",
    }
}

fn body_object(body: Json) -> Result<Map<String, Json>, ApiError> {
    let Json::Object(object) = body else {
        return Err(ApiError::bad_request(format!(
            "the request body must be a JSON object, got {}",
            json_kind(&body)
        ))
        .code("invalid_type"));
    };
    Ok(object)
}

fn field_inputs(object_type: &ObjectType, value: Json) -> Result<Vec<(String, FieldInput)>, ApiError> {
    let Json::Object(fields) = value else {
        return Err(invalid_type(
            "fields",
            "must be an object of field values",
            &value,
        ));
    };
    let mut inputs = Vec::with_capacity(fields.len());
    for (key, value) in fields {
        if let Some(field) = object_type.field(&key).filter(|field| !field.is_read_only) {
            check_write_shape(field, &value)?;
        }
        inputs.push((key, FieldInput::Json(value)));
    }
    Ok(inputs)
}

/// Where Lightfield's write format is narrower than what crmd's engine accepts, the
/// narrower rule applies: a FULL_NAME is an object (never a "First Last" string), and an
/// address's country is an ISO 3166-1 alpha-2 code of exactly two letters.
fn check_write_shape(field: &FieldDef, value: &Json) -> Result<(), ApiError> {
    let invalid = |code: &str, reason: String| {
        ApiError::new(
            ErrorCode::InvalidValue,
            format!("invalid value for field {:?}: {reason}", field.key),
        )
        .code(code)
        .param(format!("fields.{}", field.key))
    };
    match (field.field_type, value) {
        (FieldType::FullName, Json::Object(_) | Json::Null) => Ok(()),
        (FieldType::FullName, other) => Err(invalid(
            "invalid_type",
            format!(
                "expected a full name object {{firstName, lastName}}, got {}",
                json_kind(other)
            ),
        )),
        (FieldType::Address, Json::Object(parts)) => match parts.get("country") {
            Some(Json::String(country))
                if country.trim().len() != 2 || !country.trim().chars().all(|c| c.is_ascii_alphabetic()) =>
            {
                Err(invalid(
                    "invalid_value",
                    format!("country {country:?} is not an ISO 3166-1 alpha-2 code such as \"US\""),
                ))
            }
            Some(_) | None => Ok(()),
        },
        (
            FieldType::Address
            | FieldType::Checkbox
            | FieldType::Currency
            | FieldType::Date
            | FieldType::Datetime
            | FieldType::Email
            | FieldType::Html
            | FieldType::Markdown
            | FieldType::MultiSelect
            | FieldType::Number
            | FieldType::SingleSelect
            | FieldType::SocialHandle
            | FieldType::Telephone
            | FieldType::Text
            | FieldType::Url,
            _,
        ) => Ok(()),
    }
}

fn relationships_object(value: Json) -> Result<Map<String, Json>, ApiError> {
    let Json::Object(relationships) = value else {
        return Err(invalid_type(
            "relationships",
            "must be an object keyed by relationship",
            &value,
        ));
    };
    Ok(relationships)
}

/// Unknown keys are refused before their ids are looked at, so that a typo in a key is
/// reported as such.
fn check_relationship_key(object_type: &TypeRef, key: &str) -> Result<(), ApiError> {
    if object_type
        .schema()
        .relationship(&object_type.slug, key)
        .is_some()
    {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::UnknownRelationship,
        format!("unknown relationship {key:?} on object {:?}", object_type.slug),
    )
    .param(format!("relationships.{key}")))
}

/// One id or an array of ids. `operation` names the operation in messages (`.add`).
fn record_ids(key: &str, value: &Json, operation: &str) -> Result<Vec<RecordId>, ApiError> {
    let param = format!("relationships.{key}{operation}");
    let texts: Vec<&str> = match value {
        Json::String(id) => vec![id.as_str()],
        Json::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .ok_or_else(|| invalid_type(&param, "must hold id strings", item))
            })
            .collect::<Result<_, _>>()?,
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::Object(_) => {
            return Err(invalid_type(&param, "must be an id or an array of ids", value));
        }
    };
    texts.into_iter().map(|text| record_id(key, text)).collect()
}

/// A relationship id that is not a record id names no record, so it is "missing".
fn record_id(key: &str, text: &str) -> Result<RecordId, ApiError> {
    text.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::RelatedRecordMissing,
            format!("record {text:?} for relationship {key:?} does not exist"),
        )
        .param(format!("relationships.{key}"))
    })
}

/// `{add?, remove?, replace?}`: removals apply before additions; `replace` stands alone.
fn relationship_operation(key: &str, operation: Json) -> Result<Vec<RelationshipInput>, ApiError> {
    let param = format!("relationships.{key}");
    let invalid = |message: String| {
        ApiError::new(ErrorCode::InvalidRelationshipOperation, message).param(param.clone())
    };
    let Json::Object(parts) = operation else {
        return Err(invalid_type(
            &param,
            "must be an operation object with add, remove or replace",
            &operation,
        ));
    };
    let (mut add, mut remove, mut replace) = (None, None, None);
    for (name, value) in parts {
        match name.as_str() {
            "add" => add = Some(record_ids(key, &value, ".add")?),
            "remove" => remove = Some(record_ids(key, &value, ".remove")?),
            "replace" if value.is_null() => replace = Some(Vec::new()),
            "replace" => replace = Some(record_ids(key, &value, ".replace")?),
            other => {
                return Err(invalid(format!(
                    "unknown operation {other:?} on relationship {key:?}; operations are add, remove and replace"
                )));
            }
        }
    }
    let key = key.to_owned();
    match (add, remove, replace) {
        (None, None, None) => Err(invalid(format!(
            "the operation on relationship {key:?} needs add, remove or replace"
        ))),
        (None, None, Some(ids)) => Ok(vec![RelationshipInput {
            key,
            op: RelationshipOp::Replace(ids),
        }]),
        (_, _, Some(_)) => Err(invalid(format!(
            "replace cannot be combined with add or remove on relationship {key:?}"
        ))),
        (add, remove, None) => {
            let mut inputs = Vec::new();
            if let Some(ids) = remove {
                inputs.push(RelationshipInput {
                    key: key.clone(),
                    op: RelationshipOp::Remove(ids),
                });
            }
            if let Some(ids) = add {
                inputs.push(RelationshipInput {
                    key,
                    op: RelationshipOp::Add(ids),
                });
            }
            Ok(inputs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crmd_core::{Address, FullName, Timestamp};
    use expect_test::expect;

    #[test]
    fn values_render_in_lightfield_shapes() {
        let values = [
            Value::Number(Decimal::new(4000, 2)),
            Value::Number(Decimal::new(1250005, 1)),
            Value::Datetime(Timestamp(1_768_497_000_000)),
            Value::Date(chrono::NaiveDate::from_ymd_opt(2027, 1, 15).unwrap()),
            Value::Choices(vec!["opt_a".into()]),
            Value::Address(Address {
                city: Some("Portland".into()),
                latitude: Some(45.5),
                ..Address::default()
            }),
            Value::FullName(FullName {
                first_name: Some("Ada".into()),
                last_name: None,
            }),
        ];
        let rendered: Vec<String> = values
            .iter()
            .map(|value| value_to_json(value).to_string())
            .collect();
        expect![[r#"
            [
                "40",
                "125000.5",
                "\"2026-01-15T17:10:00.000Z\"",
                "\"2027-01-15T00:00:00.000Z\"",
                "[\"opt_a\"]",
                "{\"city\":\"Portland\",\"country\":null,\"latitude\":45.5,\"longitude\":null,\"postalCode\":null,\"state\":null,\"street\":null,\"street2\":null}",
                "{\"firstName\":\"Ada\",\"lastName\":null}",
            ]
        "#]]
        .assert_debug_eq(&rendered);
    }
}
