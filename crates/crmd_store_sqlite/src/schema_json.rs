//! The workspace schema as stored in the `_schema` table: hand-written JSON, because model
//! types don't derive serde.

use crate::error::InternalError;
use crmd_core::{
    Cardinality, FieldConfig, FieldDef, FieldType, HandleService, ObjectType, RelationshipDef,
    RelationshipEnd, Schema, SelectOption,
};
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;

pub(crate) fn schema_to_json(schema: &Schema) -> Json {
    json!({
        "version": schema.version,
        "object_types": schema.object_types.iter().map(object_type_to_json).collect::<Vec<_>>(),
        "relationships": schema.relationships.iter().map(relationship_to_json).collect::<Vec<_>>(),
    })
}

pub(crate) fn schema_from_json(json: &Json) -> Result<Schema, InternalError> {
    let object = as_object(json, "schema")?;
    Ok(Schema {
        version: object.get("version").and_then(Json::as_u64).unwrap_or_default(),
        object_types: array(object, "object_types")?
            .iter()
            .map(object_type_from_json)
            .collect::<Result<_, _>>()?,
        relationships: array(object, "relationships")?
            .iter()
            .map(relationship_from_json)
            .collect::<Result<_, _>>()?,
    })
}

fn names_to_json(names: &BTreeMap<String, String>) -> Json {
    Json::Object(
        names
            .iter()
            .map(|(dialect, name)| (dialect.clone(), Json::String(name.clone())))
            .collect(),
    )
}

fn object_type_to_json(object_type: &ObjectType) -> Json {
    json!({
        "id": object_type.id,
        "slug": object_type.slug,
        "label": object_type.label,
        "plural_label": object_type.plural_label,
        "description": object_type.description,
        "is_standard": object_type.is_standard,
        "display_field": object_type.display_field,
        "scope": object_type.scope,
        "names": names_to_json(&object_type.names),
        "fields": object_type.fields.iter().map(field_to_json).collect::<Vec<_>>(),
    })
}

fn field_to_json(field: &FieldDef) -> Json {
    let config = &field.config;
    json!({
        "id": field.id,
        "key": field.key,
        "label": field.label,
        "description": field.description,
        "field_type": field.field_type.as_str(),
        "config": {
            "currency": config.currency,
            "handle_service": config.handle_service.map(HandleService::as_str),
            "is_multiple": config.is_multiple,
            "options": config.options.iter().map(|option| json!({
                "id": option.id,
                "label": option.label,
                "description": option.description,
                "parent_id": option.parent_id,
            })).collect::<Vec<_>>(),
            "parent_field": config.parent_field,
        },
        "is_required": field.is_required,
        "is_unique": field.is_unique,
        "is_read_only": field.is_read_only,
        "names": names_to_json(&field.names),
    })
}

fn relationship_to_json(def: &RelationshipDef) -> Json {
    json!({ "id": def.id, "source": end_to_json(&def.source), "target": end_to_json(&def.target) })
}

fn end_to_json(end: &RelationshipEnd) -> Json {
    json!({
        "object_type": end.object_type,
        "key": end.key,
        "label": end.label,
        "description": end.description,
        "cardinality": end.cardinality.as_str(),
        "is_read_only": end.is_read_only,
        "is_required": end.is_required,
        "names": names_to_json(&end.names),
    })
}

fn invalid(what: &str) -> InternalError {
    InternalError::Corrupt(format!("stored schema: bad {what}"))
}

fn as_object<'a>(json: &'a Json, what: &str) -> Result<&'a Map<String, Json>, InternalError> {
    json.as_object().ok_or_else(|| invalid(what))
}

fn array<'a>(object: &'a Map<String, Json>, key: &str) -> Result<&'a Vec<Json>, InternalError> {
    object
        .get(key)
        .and_then(Json::as_array)
        .ok_or_else(|| invalid(key))
}

fn text(object: &Map<String, Json>, key: &str) -> Result<String, InternalError> {
    object
        .get(key)
        .and_then(Json::as_str)
        .map(str::to_owned)
        .ok_or_else(|| invalid(key))
}

fn optional_text(object: &Map<String, Json>, key: &str) -> Option<String> {
    object.get(key).and_then(Json::as_str).map(str::to_owned)
}

fn flag(object: &Map<String, Json>, key: &str) -> bool {
    object.get(key).and_then(Json::as_bool).unwrap_or_default()
}

fn names(object: &Map<String, Json>) -> BTreeMap<String, String> {
    object
        .get("names")
        .and_then(Json::as_object)
        .map(|names| {
            names
                .iter()
                .filter_map(|(dialect, name)| Some((dialect.clone(), name.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

fn object_type_from_json(json: &Json) -> Result<ObjectType, InternalError> {
    let object = as_object(json, "object type")?;
    Ok(ObjectType {
        id: text(object, "id")?,
        slug: text(object, "slug")?,
        label: text(object, "label")?,
        plural_label: text(object, "plural_label")?,
        description: optional_text(object, "description"),
        is_standard: flag(object, "is_standard"),
        display_field: optional_text(object, "display_field"),
        scope: text(object, "scope")?,
        names: names(object),
        fields: array(object, "fields")?
            .iter()
            .map(field_from_json)
            .collect::<Result<_, _>>()?,
    })
}

fn field_from_json(json: &Json) -> Result<FieldDef, InternalError> {
    let object = as_object(json, "field")?;
    let field_type = FieldType::parse(&text(object, "field_type")?).ok_or_else(|| invalid("field_type"))?;
    let config = as_object(object.get("config").unwrap_or(&Json::Null), "config")?;
    let options = array(config, "options")?
        .iter()
        .map(|option| {
            let option = as_object(option, "option")?;
            Ok(SelectOption {
                id: text(option, "id")?,
                label: text(option, "label")?,
                description: optional_text(option, "description"),
                parent_id: optional_text(option, "parent_id"),
            })
        })
        .collect::<Result<_, InternalError>>()?;
    let handle_service = match optional_text(config, "handle_service") {
        Some(name) => Some(HandleService::parse(&name).ok_or_else(|| invalid("handle_service"))?),
        None => None,
    };
    Ok(FieldDef {
        id: text(object, "id")?,
        key: text(object, "key")?,
        label: text(object, "label")?,
        description: optional_text(object, "description"),
        field_type,
        config: FieldConfig {
            currency: optional_text(config, "currency"),
            handle_service,
            is_multiple: flag(config, "is_multiple"),
            options,
            parent_field: optional_text(config, "parent_field"),
        },
        is_required: flag(object, "is_required"),
        is_unique: flag(object, "is_unique"),
        is_read_only: flag(object, "is_read_only"),
        names: names(object),
    })
}

fn relationship_from_json(json: &Json) -> Result<RelationshipDef, InternalError> {
    let object = as_object(json, "relationship")?;
    Ok(RelationshipDef {
        id: text(object, "id")?,
        source: end_from_json(object.get("source").unwrap_or(&Json::Null))?,
        target: end_from_json(object.get("target").unwrap_or(&Json::Null))?,
    })
}

fn end_from_json(json: &Json) -> Result<RelationshipEnd, InternalError> {
    let object = as_object(json, "relationship end")?;
    Ok(RelationshipEnd {
        object_type: text(object, "object_type")?,
        key: optional_text(object, "key"),
        label: text(object, "label")?,
        description: optional_text(object, "description"),
        cardinality: Cardinality::parse(&text(object, "cardinality")?)
            .ok_or_else(|| invalid("cardinality"))?,
        is_read_only: flag(object, "is_read_only"),
        is_required: flag(object, "is_required"),
        names: names(object),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_schema_round_trips() {
        let field = FieldDef {
            id: "ad_stage".into(),
            key: "$stage".into(),
            label: "Stage".into(),
            description: Some("Where the deal is".into()),
            field_type: FieldType::SingleSelect,
            config: FieldConfig {
                currency: Some("EUR".into()),
                handle_service: Some(HandleService::Linkedin),
                is_multiple: true,
                options: vec![SelectOption {
                    id: "opt_won".into(),
                    label: "Won".into(),
                    description: None,
                    parent_id: Some("opt_sales".into()),
                }],
                parent_field: Some("$pipeline".into()),
            },
            is_required: true,
            is_unique: false,
            is_read_only: true,
            names: BTreeMap::from([("hubspot".into(), "dealstage".into())]),
        };
        let end = |object_type: &str, key: Option<&str>| RelationshipEnd {
            object_type: object_type.into(),
            key: key.map(Into::into),
            label: "L".into(),
            description: None,
            cardinality: Cardinality::HasOne,
            is_read_only: false,
            is_required: true,
            names: BTreeMap::new(),
        };
        let schema = Schema {
            version: 7,
            object_types: vec![ObjectType {
                id: "ot_deal".into(),
                slug: "opportunity".into(),
                label: "Opportunity".into(),
                plural_label: "Opportunities".into(),
                description: None,
                is_standard: true,
                display_field: Some("$name".into()),
                scope: "opportunities".into(),
                names: BTreeMap::from([("hubspot".into(), "deals".into())]),
                fields: vec![field],
            }],
            relationships: vec![RelationshipDef {
                id: "rd_1".into(),
                source: end("opportunity", Some("$account")),
                target: end("account", None),
            }],
        };
        assert_eq!(schema_from_json(&schema_to_json(&schema)).unwrap(), schema);
        assert!(schema_from_json(&json!({"version": 1})).is_err());
    }
}
