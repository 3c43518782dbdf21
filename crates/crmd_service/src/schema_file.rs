//! Schema files: object types, fields and relationships declared in TOML, resolved against
//! the current schema (keeping ids stable), diffed, and exported back.
//!
//! The standard model is such a file (`schema/standard.toml`). A user's file declares only
//! custom things: custom object types, custom fields on standard types and custom
//! relationships. Standard definitions are always kept.

use crate::error::ServiceError;
use crmd_core::{
    Cardinality, FieldConfig, FieldDef, FieldType, HandleService, ObjectType, RelationshipDef,
    RelationshipEnd, Schema, SelectOption,
};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The standard model seeded into every new workspace.
pub const STANDARD_SCHEMA: &str = include_str!("../schema/standard.toml");

/// The scope resource of custom object types.
pub const CUSTOM_SCOPE: &str = "custom_objects";

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFile {
    #[serde(default, rename = "object", skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<ObjectSpec>,
    #[serde(default, rename = "relationship", skip_serializing_if = "Vec::is_empty")]
    pub relationships: Vec<RelationshipSpec>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectSpec {
    pub slug: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plural_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_field: Option<String>,
    /// Only in the standard model file.
    #[serde(default, skip_serializing_if = "is_false")]
    pub standard: bool,
    /// Only in the standard model file: the permission resource (`accounts`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    #[serde(default, rename = "field", skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSpec>,
}

#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(rename = "type")]
    pub field_type: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub unique: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub multiple: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handle_service: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_field: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
}

/// A select option: a bare label, or a table with an explicit id.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OptionSpec {
    Label(String),
    Full {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        label: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<String>,
    },
}

impl OptionSpec {
    fn label(&self) -> &str {
        match self {
            OptionSpec::Label(label) | OptionSpec::Full { label, .. } => label,
        }
    }
}

/// A relationship from `source` records to `target` records, with the key each side uses.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipSpec {
    pub source: String,
    /// The key on the source type; absent when the source side is not exposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub cardinality: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
    pub target: String,
    /// The key on the target type; absent when the target side is not exposed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverse_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inverse_label: Option<String>,
    #[serde(default = "has_many", skip_serializing_if = "is_has_many")]
    pub inverse_cardinality: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub inverse_read_only: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub inverse_required: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inverse_names: BTreeMap<String, String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

fn has_many() -> String {
    "HAS_MANY".into()
}

fn is_has_many(value: &String) -> bool {
    value == "HAS_MANY"
}

/// Parses a schema file.
pub fn parse(text: &str) -> Result<SchemaFile, ServiceError> {
    toml::from_str(text).map_err(|error| ServiceError::InvalidSchema(error.message().to_owned()))
}

/// Renders a schema file as TOML.
pub fn render(file: &SchemaFile) -> String {
    toml::to_string_pretty(file).unwrap_or_default()
}

/// The standard model file, parsed.
pub fn standard() -> Result<SchemaFile, ServiceError> {
    parse(STANDARD_SCHEMA)
}

/// The full schema that results from the standard model plus `user`, keeping the ids of
/// everything `current` already has.
pub fn resolve(standard: &SchemaFile, user: &SchemaFile, current: &Schema) -> Result<Schema, ServiceError> {
    let mut objects: Vec<ObjectSpec> = standard.objects.clone();
    for spec in &user.objects {
        check_custom_object_spec(spec)?;
        match objects.iter_mut().find(|object| object.slug == spec.slug) {
            Some(existing) if existing.standard => {
                if spec.label.is_some() || spec.plural_label.is_some() || spec.display_field.is_some() {
                    return Err(ServiceError::InvalidSchema(format!(
                        "standard object type {:?} takes only custom fields, not labels or a display field",
                        spec.slug
                    )));
                }
                existing.fields.extend(spec.fields.iter().cloned());
            }
            Some(_) => {
                return Err(ServiceError::InvalidSchema(format!(
                    "object type {:?} is declared twice",
                    spec.slug
                )));
            }
            None => objects.push(spec.clone()),
        }
    }
    let mut relationships = standard.relationships.clone();
    for spec in &user.relationships {
        for key in [&spec.key, &spec.inverse_key].into_iter().flatten() {
            if key.starts_with('$') {
                return Err(ServiceError::InvalidSchema(format!(
                    "relationship key {key:?} starts with \"$\", which is reserved for the standard model"
                )));
            }
        }
        relationships.push(spec.clone());
    }

    let mut object_types = objects
        .iter()
        .map(|spec| resolve_object(spec, current.object_type(&spec.slug)))
        .collect::<Result<Vec<_>, _>>()?;
    assign_hubspot_type_ids(&mut object_types, current);
    object_types.sort_by(|a, b| a.slug.cmp(&b.slug));
    let relationships = relationships
        .iter()
        .map(|spec| resolve_relationship(spec, current))
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Schema {
        version: current.version,
        object_types,
        relationships,
    };
    validate(&schema)?;
    Ok(schema)
}

/// The system keys a custom object type may declare: its pipelines and stages.
const PIPELINE_KEYS: [&str; 2] = ["$pipeline", "$stage"];

fn check_custom_object_spec(spec: &ObjectSpec) -> Result<(), ServiceError> {
    if spec.standard || spec.scope.is_some() {
        return Err(ServiceError::InvalidSchema(format!(
            "object type {:?}: `standard` and `scope` belong to the standard model only",
            spec.slug
        )));
    }
    for field in &spec.fields {
        if field.key.starts_with('$') && !PIPELINE_KEYS.contains(&field.key.as_str()) {
            return Err(ServiceError::InvalidSchema(format!(
                "field key {:?} on {:?} starts with \"$\", which is reserved for the standard model",
                field.key, spec.slug
            )));
        }
    }
    Ok(())
}

/// The `names` key of the HubSpot `objectTypeId` of an object type (`0-2`, `2-1`).
pub const HUBSPOT_TYPE_ID: &str = "hubspot_type_id";

/// Gives every custom object type a HubSpot objectTypeId `2-<n>`, once: a type keeps the id
/// it has (from the schema file or from `current`), and a new type takes the next number
/// after the highest one in use, in the order the schema file declares the types.
fn assign_hubspot_type_ids(object_types: &mut [ObjectType], current: &Schema) {
    let custom_number = |object_type: &ObjectType| {
        object_type
            .names
            .get(HUBSPOT_TYPE_ID)
            .and_then(|id| id.strip_prefix("2-"))
            .and_then(|number| number.parse::<u64>().ok())
    };
    for object_type in object_types
        .iter_mut()
        .filter(|object_type| !object_type.is_standard)
    {
        if !object_type.names.contains_key(HUBSPOT_TYPE_ID)
            && let Some(id) = current
                .object_type(&object_type.slug)
                .and_then(|known| known.names.get(HUBSPOT_TYPE_ID))
        {
            object_type.names.insert(HUBSPOT_TYPE_ID.to_owned(), id.clone());
        }
    }
    let mut highest = object_types
        .iter()
        .chain(&current.object_types)
        .filter_map(custom_number)
        .max()
        .unwrap_or(0);
    for object_type in object_types
        .iter_mut()
        .filter(|object_type| !object_type.is_standard)
    {
        if !object_type.names.contains_key(HUBSPOT_TYPE_ID) {
            highest += 1;
            object_type
                .names
                .insert(HUBSPOT_TYPE_ID.to_owned(), format!("2-{highest}"));
        }
    }
}

fn new_id(prefix: &str) -> String {
    let suffix: String = rand::rng()
        .sample_iter(rand::distr::Alphanumeric)
        .take(12)
        .map(|b| char::from(b).to_ascii_lowercase())
        .collect();
    format!("{prefix}_{suffix}")
}

fn resolve_object(spec: &ObjectSpec, current: Option<&ObjectType>) -> Result<ObjectType, ServiceError> {
    let label = spec.label.clone().unwrap_or_else(|| spec.slug.clone());
    let mut fields = spec
        .fields
        .iter()
        .map(|field| {
            resolve_field(
                &spec.slug,
                field,
                current.and_then(|object| object.field(&field.key)),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    resolve_parent_options(&mut fields);
    Ok(ObjectType {
        id: current
            .map(|object| object.id.clone())
            .unwrap_or_else(|| new_id("ot")),
        slug: spec.slug.clone(),
        plural_label: spec.plural_label.clone().unwrap_or_else(|| label.clone()),
        label,
        description: spec.description.clone(),
        is_standard: spec.standard,
        display_field: spec.display_field.clone(),
        scope: spec.scope.clone().unwrap_or_else(|| CUSTOM_SCOPE.into()),
        names: spec.names.clone(),
        fields,
    })
}

/// Lets a dependent select's option name its parent option by label as well as by id.
fn resolve_parent_options(fields: &mut [FieldDef]) {
    let parents: Vec<(String, Vec<SelectOption>)> = fields
        .iter()
        .map(|field| (field.key.clone(), field.config.options.clone()))
        .collect();
    for field in fields.iter_mut() {
        let Some(parent_options) = field
            .config
            .parent_field
            .as_ref()
            .and_then(|parent| parents.iter().find(|(key, _)| key == parent))
            .map(|(_, options)| options)
        else {
            continue;
        };
        for option in &mut field.config.options {
            let Some(parent) = &option.parent_id else {
                continue;
            };
            if parent_options.iter().any(|candidate| candidate.id == *parent) {
                continue;
            }
            if let Some(by_label) = parent_options.iter().find(|candidate| candidate.label == *parent) {
                option.parent_id = Some(by_label.id.clone());
            }
        }
    }
}

fn resolve_field(
    object: &str,
    spec: &FieldSpec,
    current: Option<&FieldDef>,
) -> Result<FieldDef, ServiceError> {
    let invalid =
        |message: String| ServiceError::InvalidSchema(format!("field {object}.{}: {message}", spec.key));
    let field_type = FieldType::parse(&spec.field_type)
        .ok_or_else(|| invalid(format!("unknown type {:?}", spec.field_type)))?;
    let handle_service = spec
        .handle_service
        .as_deref()
        .map(|name| {
            HandleService::parse(name).ok_or_else(|| invalid(format!("unknown handle service {name:?}")))
        })
        .transpose()?;
    let current_options = current
        .map(|field| field.config.options.as_slice())
        .unwrap_or_default();
    let options = spec
        .options
        .iter()
        .map(|option| {
            let (id, description, parent_id) = match option {
                OptionSpec::Label(_) => (None, None, None),
                OptionSpec::Full {
                    id,
                    description,
                    parent,
                    ..
                } => (id.clone(), description.clone(), parent.clone()),
            };
            let label = option.label().to_owned();
            let id = id
                .or_else(|| {
                    current_options
                        .iter()
                        .find(|existing| existing.label == label && existing.parent_id == parent_id)
                        .map(|existing| existing.id.clone())
                })
                .unwrap_or_else(|| new_id(if spec.key == "$pipeline" { "pd" } else { "opt" }));
            SelectOption {
                id,
                label,
                description,
                parent_id,
            }
        })
        .collect();
    let config = FieldConfig {
        currency: spec.currency.clone(),
        handle_service,
        is_multiple: spec.multiple,
        options,
        parent_field: spec.parent_field.clone(),
    };
    // A field whose storage form changes (another type, or one value ⇄ several) becomes a
    // new field: its old values cannot be carried over.
    let keeps_storage = current
        .is_some_and(|field| field.field_type == field_type && field.config.is_multiple == spec.multiple);
    Ok(FieldDef {
        id: match current {
            Some(field) if keeps_storage => field.id.clone(),
            _ => new_id("ad"),
        },
        key: spec.key.clone(),
        label: spec
            .label
            .clone()
            .unwrap_or_else(|| spec.key.trim_start_matches('$').to_owned()),
        description: spec.description.clone(),
        field_type,
        config,
        is_required: spec.required,
        is_unique: spec.unique,
        is_read_only: spec.read_only,
        names: spec.names.clone(),
    })
}

fn resolve_relationship(spec: &RelationshipSpec, current: &Schema) -> Result<RelationshipDef, ServiceError> {
    let name = format!(
        "{}.{}",
        spec.source,
        spec.key.as_deref().or(spec.inverse_key.as_deref()).unwrap_or("?")
    );
    let cardinality = |text: &str| {
        Cardinality::parse(text).ok_or_else(|| {
            ServiceError::InvalidSchema(format!("relationship {name}: unknown cardinality {text:?}"))
        })
    };
    let source = RelationshipEnd {
        object_type: spec.source.clone(),
        key: spec.key.clone(),
        label: spec
            .label
            .clone()
            .or_else(|| spec.key.clone())
            .unwrap_or_default(),
        description: spec.description.clone(),
        cardinality: cardinality(&spec.cardinality)?,
        is_read_only: spec.read_only,
        is_required: spec.required,
        names: spec.names.clone(),
    };
    let target = RelationshipEnd {
        object_type: spec.target.clone(),
        key: spec.inverse_key.clone(),
        label: spec
            .inverse_label
            .clone()
            .or_else(|| spec.inverse_key.clone())
            .unwrap_or_default(),
        description: None,
        cardinality: cardinality(&spec.inverse_cardinality)?,
        is_read_only: spec.inverse_read_only,
        is_required: spec.inverse_required,
        names: spec.inverse_names.clone(),
    };
    let existing = current.relationships.iter().find(|def| {
        def.source.object_type == source.object_type
            && def.target.object_type == target.object_type
            && ((source.key.is_some() && def.source.key == source.key)
                || (target.key.is_some() && def.target.key == target.key))
    });
    Ok(RelationshipDef {
        id: existing.map(|def| def.id.clone()).unwrap_or_else(|| new_id("rd")),
        source,
        target,
    })
}

fn is_valid_slug(slug: &str) -> bool {
    let mut chars = slug.chars();
    chars.next().is_some_and(|first| first.is_ascii_lowercase())
        && slug.len() <= 63
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn is_valid_key(key: &str) -> bool {
    let bare = key.strip_prefix('$').unwrap_or(key);
    let mut chars = bare.chars();
    chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && bare.len() <= 63
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Checks the rules a whole schema must satisfy.
pub fn validate(schema: &Schema) -> Result<(), ServiceError> {
    let invalid = |message: String| Err(ServiceError::InvalidSchema(message));
    let mut slugs = BTreeSet::new();
    let mut hubspot_type_ids = BTreeSet::new();
    for object_type in &schema.object_types {
        if !is_valid_slug(&object_type.slug) {
            return invalid(format!(
                "object type slug {:?} must start with a lowercase letter and hold only lowercase letters, digits, `_` and `-`",
                object_type.slug
            ));
        }
        if !slugs.insert(object_type.slug.as_str()) {
            return invalid(format!("object type {:?} is declared twice", object_type.slug));
        }
        if let Some(type_id) = object_type.names.get(HUBSPOT_TYPE_ID)
            && !hubspot_type_ids.insert(type_id.as_str())
        {
            return invalid(format!(
                "HubSpot objectTypeId {type_id:?} of {:?} is given to another object type too",
                object_type.slug
            ));
        }
        let mut keys = BTreeSet::new();
        for field in &object_type.fields {
            let name = format!("{}.{}", object_type.slug, field.key);
            if !is_valid_key(&field.key) {
                return invalid(format!(
                    "field key {:?} must start with a letter and hold only letters, digits, `_` and `-`",
                    field.key
                ));
            }
            if !keys.insert(field.key.as_str()) {
                return invalid(format!("field {name} is declared twice"));
            }
            check_field_config(&name, field, object_type)?;
        }
        if let Some(display) = &object_type.display_field
            && object_type.field(display).is_none()
        {
            return invalid(format!(
                "display field {display:?} of {:?} is not one of its fields",
                object_type.slug
            ));
        }
    }
    for def in &schema.relationships {
        for end in [&def.source, &def.target] {
            let Some(object_type) = schema.object_type(&end.object_type) else {
                return invalid(format!(
                    "relationship names unknown object type {:?}",
                    end.object_type
                ));
            };
            if let Some(key) = &end.key {
                if !is_valid_key(key) {
                    return invalid(format!("relationship key {key:?} is not a valid key"));
                }
                if object_type.field(key).is_some() {
                    return invalid(format!(
                        "{}.{key} is both a field and a relationship",
                        end.object_type
                    ));
                }
            }
        }
        if def.source.key.is_none() && def.target.key.is_none() {
            return invalid(format!(
                "relationship between {:?} and {:?} needs a key on at least one side",
                def.source.object_type, def.target.object_type
            ));
        }
    }
    for object_type in &schema.object_types {
        let mut keys = BTreeSet::new();
        for side in schema.relationships_of(&object_type.slug) {
            if !keys.insert(side.key()) {
                return invalid(format!(
                    "relationship {}.{} is declared twice",
                    object_type.slug,
                    side.key()
                ));
            }
        }
    }
    Ok(())
}

fn check_field_config(name: &str, field: &FieldDef, object_type: &ObjectType) -> Result<(), ServiceError> {
    let invalid = |message: &str| Err(ServiceError::InvalidSchema(format!("field {name}: {message}")));
    let field_type = field.field_type;
    let is_select = matches!(field_type, FieldType::SingleSelect | FieldType::MultiSelect);
    if is_select && field.config.options.is_empty() {
        return invalid("a select field needs at least one option");
    }
    if !is_select && !field.config.options.is_empty() {
        return invalid("only select fields have options");
    }
    let mut option_ids = BTreeSet::new();
    let mut option_labels = BTreeSet::new();
    for option in &field.config.options {
        if !option_ids.insert(option.id.as_str()) {
            return invalid(&format!("option id {:?} is used twice", option.id));
        }
        if !option_labels.insert((option.parent_id.as_deref(), option.label.to_lowercase())) {
            return invalid(&format!("option label {:?} is used twice", option.label));
        }
    }
    if field.config.is_multiple && !field_type.supports_multiple() {
        return invalid("only EMAIL, TELEPHONE and URL fields can hold several values");
    }
    if field.is_unique && !field_type.supports_unique() {
        return invalid("this type cannot be unique");
    }
    match (&field.config.currency, field_type) {
        (Some(code), FieldType::Currency)
            if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) =>
        {
            return invalid("currency must be an ISO 4217 code such as USD");
        }
        (Some(_), other) if other != FieldType::Currency => {
            return invalid("only CURRENCY fields have a currency");
        }
        _ => {}
    }
    if field.config.handle_service.is_some() && field_type != FieldType::SocialHandle {
        return invalid("only SOCIAL_HANDLE fields have a handle service");
    }
    if let Some(parent) = &field.config.parent_field {
        let Some(parent_field) = object_type.field(parent) else {
            return invalid(&format!(
                "parent field {parent:?} is not a field of this object type"
            ));
        };
        if field_type != FieldType::SingleSelect || parent_field.field_type != FieldType::SingleSelect {
            return invalid("a dependent select and its parent field are both SINGLE_SELECT");
        }
        for option in &field.config.options {
            match &option.parent_id {
                Some(id) if parent_field.option(id).is_some() => {}
                Some(id) => {
                    return invalid(&format!(
                        "option {:?} names parent {id:?}, which is not an option of {parent}",
                        option.label
                    ));
                }
                None => {
                    return invalid(&format!(
                        "option {:?} needs a parent: an option of {parent}",
                        option.label
                    ));
                }
            }
        }
    }
    if PIPELINE_KEYS.contains(&field.key.as_str()) && field_type != FieldType::SingleSelect {
        return invalid("$pipeline and $stage are SINGLE_SELECT fields");
    }
    if field.key == "$stage" && field.config.parent_field.as_deref() != Some("$pipeline") {
        return invalid("$stage takes parent_field = \"$pipeline\"");
    }
    Ok(())
}

/// The custom part of a schema, as a file that `resolve` turns back into the same schema.
pub fn export(schema: &Schema) -> SchemaFile {
    let objects = schema
        .object_types
        .iter()
        .filter_map(|object_type| {
            let custom_fields: Vec<FieldSpec> = object_type
                .fields
                .iter()
                .filter(|field| {
                    !field.is_system()
                        || (!object_type.is_standard && PIPELINE_KEYS.contains(&field.key.as_str()))
                })
                .map(field_spec)
                .collect();
            if object_type.is_standard {
                (!custom_fields.is_empty()).then(|| ObjectSpec {
                    slug: object_type.slug.clone(),
                    fields: custom_fields,
                    ..ObjectSpec::default()
                })
            } else {
                Some(ObjectSpec {
                    slug: object_type.slug.clone(),
                    label: Some(object_type.label.clone()),
                    plural_label: Some(object_type.plural_label.clone()),
                    description: object_type.description.clone(),
                    display_field: object_type.display_field.clone(),
                    standard: false,
                    scope: None,
                    names: object_type.names.clone(),
                    fields: custom_fields,
                })
            }
        })
        .collect();
    let relationships = schema
        .relationships
        .iter()
        .filter(|def| !is_standard_relationship(def))
        .map(|def| RelationshipSpec {
            source: def.source.object_type.clone(),
            key: def.source.key.clone(),
            label: Some(def.source.label.clone()),
            description: def.source.description.clone(),
            cardinality: def.source.cardinality.as_str().into(),
            read_only: def.source.is_read_only,
            required: def.source.is_required,
            names: def.source.names.clone(),
            target: def.target.object_type.clone(),
            inverse_key: def.target.key.clone(),
            inverse_label: def.target.key.as_ref().map(|_| def.target.label.clone()),
            inverse_cardinality: def.target.cardinality.as_str().into(),
            inverse_read_only: def.target.is_read_only,
            inverse_required: def.target.is_required,
            inverse_names: def.target.names.clone(),
        })
        .collect();
    SchemaFile {
        objects,
        relationships,
    }
}

/// Standard relationships have `$` keys; custom ones never do.
pub fn is_standard_relationship(def: &RelationshipDef) -> bool {
    [&def.source.key, &def.target.key]
        .into_iter()
        .flatten()
        .any(|key| key.starts_with('$'))
}

fn field_spec(field: &FieldDef) -> FieldSpec {
    FieldSpec {
        key: field.key.clone(),
        label: Some(field.label.clone()),
        description: field.description.clone(),
        field_type: field.field_type.as_str().into(),
        required: field.is_required,
        unique: field.is_unique,
        read_only: field.is_read_only,
        multiple: field.config.is_multiple,
        currency: field.config.currency.clone(),
        handle_service: field.config.handle_service.map(|service| service.as_str().into()),
        options: field
            .config
            .options
            .iter()
            .map(|option| OptionSpec::Full {
                id: Some(option.id.clone()),
                label: option.label.clone(),
                description: option.description.clone(),
                parent: option.parent_id.clone(),
            })
            .collect(),
        parent_field: field.config.parent_field.clone(),
        names: field.names.clone(),
    }
}

/// One line of a schema diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChange {
    pub description: String,
    /// Applying it loses stored data.
    pub is_destructive: bool,
}

/// What changes between two schemas, in a stable order.
pub fn diff(old: &Schema, new: &Schema) -> Vec<SchemaChange> {
    let mut changes = Vec::new();
    let mut push = |description: String, is_destructive: bool| {
        changes.push(SchemaChange {
            description,
            is_destructive,
        })
    };
    for object_type in &new.object_types {
        match old.object_type(&object_type.slug) {
            None => {
                push(format!("+ object type {}", object_type.slug), false);
                for field in &object_type.fields {
                    push(
                        format!(
                            "+ field {}.{} ({})",
                            object_type.slug,
                            field.key,
                            field.field_type.as_str()
                        ),
                        false,
                    );
                }
            }
            Some(old_type) => {
                if old_type.label != object_type.label || old_type.plural_label != object_type.plural_label {
                    push(format!("~ object type {}: labels", object_type.slug), false);
                }
                if old_type.display_field != object_type.display_field {
                    push(
                        format!("~ object type {}: display field", object_type.slug),
                        false,
                    );
                }
                for field in &object_type.fields {
                    let name = format!("{}.{}", object_type.slug, field.key);
                    match old_type.field(&field.key) {
                        None => push(format!("+ field {name} ({})", field.field_type.as_str()), false),
                        Some(old_field) if old_field.id != field.id => push(
                            format!(
                                "~ field {name}: storage changes from {} to {}, its values are dropped",
                                describe_storage(old_field),
                                describe_storage(field)
                            ),
                            true,
                        ),
                        Some(old_field) => diff_field(&name, old_field, field, &mut push),
                    }
                }
                for old_field in &old_type.fields {
                    if object_type.field(&old_field.key).is_none() {
                        push(
                            format!(
                                "- field {}.{}, its values are dropped",
                                object_type.slug, old_field.key
                            ),
                            true,
                        );
                    }
                }
            }
        }
    }
    for old_type in &old.object_types {
        if new.object_type(&old_type.slug).is_none() {
            push(
                format!("- object type {}, its records are dropped", old_type.slug),
                true,
            );
        }
    }
    let describe = |def: &RelationshipDef| {
        format!(
            "{}.{} → {}.{}",
            def.source.object_type,
            def.source.key.as_deref().unwrap_or("-"),
            def.target.object_type,
            def.target.key.as_deref().unwrap_or("-")
        )
    };
    for def in &new.relationships {
        match old.relationship_by_id(&def.id) {
            None => push(format!("+ relationship {}", describe(def)), false),
            Some(old_def) if old_def != def => {
                let narrows = (old_def.source.cardinality == Cardinality::HasMany
                    && def.source.cardinality == Cardinality::HasOne)
                    || (old_def.target.cardinality == Cardinality::HasMany
                        && def.target.cardinality == Cardinality::HasOne);
                push(format!("~ relationship {}", describe(def)), narrows);
            }
            Some(_) => {}
        }
    }
    for old_def in &old.relationships {
        if new.relationship_by_id(&old_def.id).is_none() {
            push(
                format!("- relationship {}, its links are dropped", describe(old_def)),
                true,
            );
        }
    }
    changes
}

fn describe_storage(field: &FieldDef) -> String {
    if field.config.is_multiple {
        format!("{}[]", field.field_type.as_str())
    } else {
        field.field_type.as_str().into()
    }
}

fn diff_field(name: &str, old: &FieldDef, new: &FieldDef, push: &mut impl FnMut(String, bool)) {
    if old.label != new.label || old.description != new.description {
        push(format!("~ field {name}: label or description"), false);
    }
    for (what, was, is) in [
        ("required", old.is_required, new.is_required),
        ("unique", old.is_unique, new.is_unique),
        ("read-only", old.is_read_only, new.is_read_only),
    ] {
        if was != is {
            push(format!("~ field {name}: {what} {was} → {is}"), false);
        }
    }
    if old.config.currency != new.config.currency {
        push(format!("~ field {name}: currency"), false);
    }
    for option in &new.config.options {
        if old.option(&option.id).is_none() {
            push(format!("+ option {:?} on {name}", option.label), false);
        }
    }
    for option in &old.config.options {
        match new.option(&option.id) {
            None => push(
                format!(
                    "- option {:?} on {name}, values holding it are cleared",
                    option.label
                ),
                true,
            ),
            Some(kept) if kept.label != option.label => push(
                format!("~ option {:?} on {name}: label {:?}", option.label, kept.label),
                false,
            ),
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    fn standard_schema() -> Schema {
        resolve(&standard().unwrap(), &SchemaFile::default(), &Schema::default()).unwrap()
    }

    #[track_caller]
    fn check_resolve(user: &str, expected: Expect) {
        let current = standard_schema();
        let outcome = parse(user).and_then(|file| resolve(&standard().unwrap(), &file, &current));
        let rendered = match outcome {
            Ok(schema) => diff(&current, &schema)
                .iter()
                .map(|change| {
                    format!(
                        "{}{}",
                        change.description,
                        if change.is_destructive { " !" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Err(error) => format!("error: {error}"),
        };
        expected.assert_eq(&rendered);
    }

    #[test]
    fn the_standard_model_is_valid_and_complete() {
        let schema = standard_schema();
        let slugs: Vec<&str> = schema
            .object_types
            .iter()
            .map(|object_type| object_type.slug.as_str())
            .collect();
        assert_eq!(
            slugs,
            [
                "account",
                "call",
                "contact",
                "email",
                "line_item",
                "list",
                "meeting",
                "member",
                "note",
                "opportunity",
                "product",
                "task",
                "ticket"
            ]
        );
        let account = schema.object_type("account").unwrap();
        assert!(account.field("$name").unwrap().is_required);
        assert!(account.field("$howTheyMakeMoney").unwrap().is_read_only);
        let opportunity_account = schema.relationship("opportunity", "$account").unwrap();
        assert!(opportunity_account.end().is_required);
        assert_eq!(opportunity_account.cardinality(), Cardinality::HasOne);
        let inverse = schema.relationship("account", "$opportunity").unwrap();
        assert!(inverse.end().is_read_only);
        assert_eq!(inverse.target_type(), "opportunity");
        assert_eq!(
            export(&schema),
            SchemaFile::default(),
            "the standard model exports as nothing custom"
        );
    }

    #[test]
    fn custom_types_fields_and_relationships_are_added() {
        check_resolve(
            r#"
            [[object]]
            slug = "vehicles"
            label = "Vehicle"
              [[object.field]]
              key = "name"
              type = "TEXT"
            [[object]]
            slug = "account"
              [[object.field]]
              key = "tier"
              type = "SINGLE_SELECT"
              options = ["Gold", { id = "opt_silver", label = "Silver" }]
            [[relationship]]
            source = "vehicles"
            key = "owner"
            cardinality = "HAS_ONE"
            target = "account"
            inverse_key = "vehicles"
            "#,
            expect![[r#"
                + field account.tier (SINGLE_SELECT)
                + object type vehicles
                + field vehicles.name (TEXT)
                + relationship vehicles.owner → account.vehicles"#]],
        );
    }

    #[test]
    fn reserved_and_invalid_definitions_are_refused() {
        check_resolve(
            "[[object]]\nslug = \"account\"\n[[object.field]]\nkey = \"$secret\"\ntype = \"TEXT\"\n",
            expect![[
                r#"error: invalid schema: field key "$secret" on "account" starts with "$", which is reserved for the standard model"#
            ]],
        );
        check_resolve(
            "[[object]]\nslug = \"Vehicles\"\n",
            expect![[
                r#"error: invalid schema: object type slug "Vehicles" must start with a lowercase letter and hold only lowercase letters, digits, `_` and `-`"#
            ]],
        );
        check_resolve(
            "[[object]]\nslug = \"v\"\n[[object.field]]\nkey = \"k\"\ntype = \"SINGLE_SELECT\"\n",
            expect![[r#"error: invalid schema: field v.k: a select field needs at least one option"#]],
        );
        check_resolve(
            "[[object]]\nslug = \"v\"\n[[object.field]]\nkey = \"k\"\ntype = \"NUMBER\"\nmultiple = true\n",
            expect![[
                r#"error: invalid schema: field v.k: only EMAIL, TELEPHONE and URL fields can hold several values"#
            ]],
        );
        check_resolve(
            "[[object]]\nslug = \"v\"\n[[object.field]]\nkey = \"k\"\ntype = \"TEXTY\"\n",
            expect![[r#"error: invalid schema: field v.k: unknown type "TEXTY""#]],
        );
        check_resolve(
            "[[relationship]]\nsource = \"account\"\nkey = \"x\"\ncardinality = \"HAS_ONE\"\ntarget = \"nowhere\"\n",
            expect![[r#"error: invalid schema: relationship names unknown object type "nowhere""#]],
        );
        check_resolve(
            "[[object]]\nslug = \"v\"\ncolour = 1\n",
            expect![[
                r#"error: invalid schema: unknown field `colour`, expected one of `slug`, `label`, `plural_label`, `description`, `display_field`, `standard`, `scope`, `names`, `field`"#
            ]],
        );
    }

    #[test]
    fn ids_stay_stable_and_storage_changes_are_destructive() {
        let first = parse(
            "[[object]]\nslug = \"v\"\n[[object.field]]\nkey = \"speed\"\ntype = \"NUMBER\"\n[[object.field]]\nkey = \"size\"\ntype = \"SINGLE_SELECT\"\noptions = [\"S\", \"M\"]\n",
        )
        .unwrap();
        let current = resolve(&standard().unwrap(), &first, &standard_schema()).unwrap();
        let again = resolve(&standard().unwrap(), &first, &current).unwrap();
        assert_eq!(again, current, "resolving the same file twice changes nothing");
        assert!(diff(&current, &again).is_empty());

        let changed = parse(
            "[[object]]\nslug = \"v\"\n[[object.field]]\nkey = \"speed\"\ntype = \"TEXT\"\nlabel = \"Speed\"\n[[object.field]]\nkey = \"size\"\ntype = \"SINGLE_SELECT\"\noptions = [\"S\", \"L\"]\n",
        )
        .unwrap();
        let next = resolve(&standard().unwrap(), &changed, &current).unwrap();
        let lines: Vec<String> = diff(&current, &next)
            .iter()
            .map(|change| {
                format!(
                    "{}{}",
                    change.description,
                    if change.is_destructive { " !" } else { "" }
                )
            })
            .collect();
        expect![[r#"
            [
                "~ field v.speed: storage changes from NUMBER to TEXT, its values are dropped !",
                "+ option \"L\" on v.size",
                "- option \"M\" on v.size, values holding it are cleared !",
            ]
        "#]]
        .assert_debug_eq(&lines);
        let kept = current
            .object_type("v")
            .unwrap()
            .field("size")
            .unwrap()
            .config
            .options[0]
            .id
            .clone();
        assert_eq!(
            next.object_type("v")
                .unwrap()
                .field("size")
                .unwrap()
                .config
                .options[0]
                .id,
            kept
        );
    }
}

#[cfg(test)]
mod pipeline_tests {
    use super::*;

    fn resolve_user(user: &str) -> Result<Schema, ServiceError> {
        let current = resolve(&standard()?, &SchemaFile::default(), &Schema::default())?;
        resolve(&standard()?, &parse(user)?, &current)
    }

    const TICKETS: &str = r#"
[[object]]
slug = "tickets"
  [[object.field]]
  key = "$pipeline"
  type = "SINGLE_SELECT"
  options = ["Support", { id = "pd_escalations", label = "Escalations" }]
  [[object.field]]
  key = "$stage"
  type = "SINGLE_SELECT"
  parent_field = "$pipeline"
  options = [{ label = "New", parent = "Support" }, { label = "New", parent = "pd_escalations" }]
"#;

    #[test]
    fn custom_types_declare_pipelines_with_parents_by_id_or_label() {
        let schema = resolve_user(TICKETS).unwrap();
        let tickets = schema.object_type("tickets").unwrap();
        let pipelines = &tickets.field("$pipeline").unwrap().config.options;
        assert!(pipelines[0].id.starts_with("pd_"), "{}", pipelines[0].id);
        let stages = &tickets.field("$stage").unwrap().config.options;
        assert_eq!(stages[0].parent_id.as_deref(), Some(pipelines[0].id.as_str()));
        assert_eq!(stages[1].parent_id.as_deref(), Some("pd_escalations"));
        // Exported and resolved again, the pipelines come back with the same ids.
        let again = resolve(&standard().unwrap(), &export(&schema), &schema).unwrap();
        assert_eq!(again.object_type("tickets"), schema.object_type("tickets"));
    }

    #[test]
    fn stages_need_a_pipeline_of_their_parent_field() {
        let error = |text: &str| resolve_user(text).unwrap_err().to_string();
        assert_eq!(
            error(&TICKETS.replace("parent = \"Support\"", "parent = \"Sales\"")),
            "invalid schema: field tickets.$stage: option \"New\" names parent \"Sales\", which is not an option of $pipeline"
        );
        assert_eq!(
            error(&TICKETS.replace("{ label = \"New\", parent = \"Support\" }", "\"Open\"")),
            "invalid schema: field tickets.$stage: option \"Open\" needs a parent: an option of $pipeline"
        );
        assert_eq!(
            error(&TICKETS.replace("parent_field = \"$pipeline\"\n", "")),
            "invalid schema: field tickets.$stage: $stage takes parent_field = \"$pipeline\""
        );
        assert_eq!(
            error(&TICKETS.replace("key = \"$stage\"", "key = \"$status\"")),
            "invalid schema: field key \"$status\" on \"tickets\" starts with \"$\", which is reserved for the standard model"
        );
    }
}
