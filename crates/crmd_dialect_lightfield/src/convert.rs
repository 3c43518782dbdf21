//! Lightfield's wire format ⇄ crmd's model, in both directions.
//!
//! Reads: every defined field appears as `{value, valueType}` (`value` null when unset) and
//! every keyed relationship as `{cardinality, objectType, values}`.
//! Writes: request bodies are taken apart key by key, so that each mistake names its key;
//! field values go to the service as bare JSON, which validates and normalizes them.

use crate::error::ApiError;
use crate::resources::Resource;
use crate::wire;
use crmd_core::{
    Cardinality, ErrorCode, FieldDef, FieldType, HandleService, Merge, ObjectType, Record, RecordId,
    RelationshipSide, Schema, Value,
};
use crmd_service::pipelines::Pipelines;
use crmd_service::{
    FieldInput, MergeInput, MergeOutcome, RecordInput, RelationshipInput, RelationshipOp, Resolution, TypeRef,
};
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
        Value::Number(number) => crmd_core::value::number_to_json(*number),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Datetime(moment) => Json::String(moment.to_rfc3339()),
        Value::Date(day) => Json::String(day.format("%Y-%m-%dT00:00:00.000Z").to_string()),
        Value::Choices(items) | Value::List(items) => Json::from(items.clone()),
        Value::Address(address) => address.to_json(),
        Value::FullName(name) => name.to_json(),
    }
}

/// The record envelope. Meetings add `accessLevel` and `objectType`; members have the
/// fixed shape of Lightfield's member, with a `$user` relationship crmd leaves empty.
pub(crate) fn record_to_wire(object_type: &TypeRef, record: &Record) -> wire::Record {
    let resource = Resource::of(object_type);
    let mut relationships = wire::OrderedMap::default();
    if resource == Resource::Member {
        relationships.push(
            "$user",
            wire::RelationshipValue {
                cardinality: "HAS_ONE",
                object_type: "user".to_owned(),
                values: Vec::new(),
                directions: None,
            },
        );
    } else {
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
    }
    let mut fields = fields_to_wire(object_type, record);
    if resource == Resource::Member {
        // Lightfield's member always has a name object.
        for (key, field) in &mut fields.0 {
            if key == "$name" && field.value.is_null() {
                field.value = serde_json::json!({"firstName": null, "lastName": null});
            }
        }
    }
    let is_meeting = resource == Resource::Meeting;
    wire::Record {
        id: record.id.to_string(),
        created_at: record.created_at.to_rfc3339(),
        updated_at: Some(record.updated_at.to_rfc3339()),
        http_link: None,
        external_id: record.external_id.clone(),
        fields,
        relationships,
        // crmd keys have every access to the records they may read.
        access_level: is_meeting.then_some("FULL"),
        object_type: is_meeting.then_some("meeting"),
    }
}

/// The envelope the record's resource answers with.
pub(crate) fn envelope(object_type: &TypeRef, record: &Record) -> wire::Envelope {
    if Resource::of(object_type) == Resource::List {
        wire::Envelope::List(list_to_wire(object_type, record))
    } else {
        wire::Envelope::Record(record_to_wire(object_type, record))
    }
}

/// The envelope of a list: its fields, no relationships.
pub(crate) fn list_to_wire(object_type: &TypeRef, record: &Record) -> wire::ListRecord {
    wire::ListRecord {
        id: record.id.to_string(),
        created_at: record.created_at.to_rfc3339(),
        updated_at: Some(record.updated_at.to_rfc3339()),
        http_link: None,
        fields: fields_to_wire(object_type, record),
    }
}

/// Every field of the type, `"value": null` when unset.
fn fields_to_wire(object_type: &ObjectType, record: &Record) -> wire::OrderedMap<wire::FieldValue> {
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
    fields
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

/// The body of a create: `{fields*, relationships?}` and the resource's flags
/// (`skipEnrichment`, `autoCreateRecords`), where each relationship is one id or an array
/// of ids.
pub(crate) fn create_input(object_type: &TypeRef, body: Option<Json>) -> Result<RecordInput, ApiError> {
    let Some(body) = body else {
        return Err(missing_fields());
    };
    let flags = Resource::of(object_type).create_flags();
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
            flag if flags.contains(&flag) => {
                if !(value.is_boolean() || value.is_null()) {
                    return Err(invalid_type(flag, "must be true or false", &value));
                }
            }
            other => {
                let mut expected = vec!["fields", "relationships"];
                expected.extend_from_slice(flags);
                return Err(unknown_body_key(other, &expected.join(", ")));
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
    check_write_shape_at(field, value, &format!("fields.{}", field.key))
}

/// [`check_write_shape`], naming `param` in its errors.
fn check_write_shape_at(field: &FieldDef, value: &Json, param: &str) -> Result<(), ApiError> {
    let invalid = |code: &str, reason: String| {
        ApiError::new(
            ErrorCode::InvalidValue,
            format!("invalid value for field {:?}: {reason}", field.key),
        )
        .code(code)
        .param(param)
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
    if key == "$transcript" && Resource::of(object_type) == Resource::Meeting {
        return Err(ApiError::new(
            ErrorCode::RelatedRecordMissing,
            "a meeting's $transcript is a file, and crmd stores no files: there is none to link",
        )
        .param("relationships.$transcript"));
    }
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

/// Merge ids are `mrg_` and the merge's sequential number.
pub(crate) fn merge_id_to_wire(id: u64) -> String {
    format!("mrg_{id}")
}

/// The number of a merge id; `None` when the text is not a canonical merge id.
pub(crate) fn merge_id(text: &str) -> Option<u64> {
    let digits = text.strip_prefix("mrg_")?;
    let number: u64 = digits.parse().ok()?;
    (number > 0 && number.to_string() == digits).then_some(number)
}

pub(crate) fn merge_to_wire(merge: &Merge) -> wire::Merge {
    wire::Merge {
        id: merge_id_to_wire(merge.id),
        created_at: merge.created_at.to_rfc3339(),
        updated_at: merge.updated_at.to_rfc3339(),
        primary_id: merge.primary.to_string(),
        duplicate_id: merge.duplicate.to_string(),
        entity_type: merge.object_type.clone(),
        status: "done",
    }
}

pub(crate) fn merge_outcome_to_wire(object_type: &TypeRef, outcome: &MergeOutcome) -> wire::MergeResponse {
    wire::MergeResponse {
        merge: wire::MergeRef {
            id: merge_id_to_wire(outcome.merge.id),
            status: "done",
        },
        primary: record_to_wire(object_type, &outcome.primary),
        summary: wire::MergeSummary {
            field_write_count: outcome.field_write_count,
            sync_repointed_count: outcome.repointed_count,
            warnings: outcome.warnings.clone(),
        },
    }
}

/// The body of a merge: `{primaryId*, duplicateId*, fieldResolutions?, options?}`.
/// `collection` names the collection in the 404 for an id that is not a record id.
pub(crate) fn merge_input(
    object_type: &TypeRef,
    body: Option<Json>,
    collection: &str,
) -> Result<MergeInput, ApiError> {
    let Some(body) = body else {
        return Err(missing_merge_id("primaryId"));
    };
    let (mut primary, mut duplicate) = (None, None);
    let mut resolutions = Vec::new();
    let mut multi_select_union = false;
    for (key, value) in body_object(body)? {
        match key.as_str() {
            "primaryId" => primary = Some(merge_record_id("primaryId", &value, collection)?),
            "duplicateId" => duplicate = Some(merge_record_id("duplicateId", &value, collection)?),
            "fieldResolutions" => resolutions = field_resolutions(object_type, value)?,
            "options" => multi_select_union = merge_options(value)?,
            other => {
                return Err(unknown_body_key(
                    other,
                    "primaryId, duplicateId, fieldResolutions and options",
                ));
            }
        }
    }
    let primary = primary.ok_or_else(|| missing_merge_id("primaryId"))?;
    let duplicate = duplicate.ok_or_else(|| missing_merge_id("duplicateId"))?;
    Ok(MergeInput {
        primary,
        duplicate,
        resolutions,
        multi_select_union,
    })
}

fn missing_merge_id(param: &str) -> ApiError {
    ApiError::bad_request(format!("the request body needs {param:?}, a record id"))
        .code("parameter_missing")
        .param(param)
}

/// A merge names its records by id; one that is not a record id names no record: 404.
fn merge_record_id(param: &str, value: &Json, collection: &str) -> Result<RecordId, ApiError> {
    let Json::String(text) = value else {
        return Err(invalid_type(param, "must be a record id string", value));
    };
    text.parse().map_err(|_| {
        ApiError::new(
            ErrorCode::NotFound,
            format!("No resource found in '{collection}' with the given ID."),
        )
        .param(param)
    })
}

/// `{key: "primary" | "duplicate" | {"value": <write value>}}`, keys as given.
fn field_resolutions(object_type: &TypeRef, value: Json) -> Result<Vec<(String, Resolution)>, ApiError> {
    if value.is_null() {
        return Ok(Vec::new());
    }
    let Json::Object(resolutions) = value else {
        return Err(invalid_type(
            "fieldResolutions",
            "must be an object keyed by field",
            &value,
        ));
    };
    let mut inputs = Vec::with_capacity(resolutions.len());
    for (key, resolution) in resolutions {
        let param = format!("fieldResolutions.{key}");
        let expectation = "must be \"primary\", \"duplicate\" or {\"value\": <value>}";
        let resolution = match resolution {
            Json::String(choice) if choice == "primary" => Resolution::Primary,
            Json::String(choice) if choice == "duplicate" => Resolution::Duplicate,
            Json::String(choice) => {
                return Err(
                    ApiError::bad_request(format!("{param} {expectation}, got {choice:?}"))
                        .code("invalid_value")
                        .param(param),
                );
            }
            Json::Object(mut parts) if parts.len() == 1 && parts.contains_key("value") => {
                let value = parts.remove("value").unwrap_or(Json::Null);
                let field = object_type
                    .field(&key)
                    .or_else(|| match key.strip_prefix('$') {
                        Some(bare) => object_type.field(bare),
                        None => object_type.field(&format!("${key}")),
                    })
                    .filter(|field| !field.is_read_only);
                if let Some(field) = field {
                    check_write_shape_at(field, &value, &param)?;
                }
                Resolution::Value(FieldInput::Json(value))
            }
            other @ (Json::Null | Json::Bool(_) | Json::Number(_) | Json::Array(_) | Json::Object(_)) => {
                return Err(invalid_type(&param, expectation, &other));
            }
        };
        inputs.push((key, resolution));
    }
    Ok(inputs)
}

/// `{multiSelectUnion?}`.
fn merge_options(value: Json) -> Result<bool, ApiError> {
    if value.is_null() {
        return Ok(false);
    }
    let Json::Object(options) = value else {
        return Err(invalid_type("options", "must be an object", &value));
    };
    let mut multi_select_union = false;
    for (key, value) in options {
        match (key.as_str(), value) {
            ("multiSelectUnion", Json::Bool(flag)) => multi_select_union = flag,
            ("multiSelectUnion", Json::Null) => {}
            ("multiSelectUnion", other) => {
                return Err(invalid_type(
                    "options.multiSelectUnion",
                    "must be true or false",
                    &other,
                ));
            }
            (other, _) => {
                return Err(ApiError::bad_request(format!(
                    "unknown option {other:?}; merges take multiSelectUnion"
                ))
                .code("unknown_parameter")
                .param(format!("options.{other}")));
            }
        }
    }
    Ok(multi_select_union)
}

#[cfg(test)]
mod properties;

#[cfg(test)]
mod tests {
    use super::*;
    use crmd_core::{Address, FullName, Timestamp};
    use expect_test::expect;
    use rust_decimal::Decimal;

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
