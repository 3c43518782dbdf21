//! The schema of one workspace: object types with their fields, and relationships.

use crate::field_type::{Cardinality, FieldType, HandleService};
use std::collections::BTreeMap;

/// Every object type and relationship of a workspace, at one version.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Increases with every applied change.
    pub version: u64,
    /// Sorted by slug.
    pub object_types: Vec<ObjectType>,
    pub relationships: Vec<RelationshipDef>,
}

impl Schema {
    pub fn object_type(&self, slug: &str) -> Option<&ObjectType> {
        self.object_types
            .iter()
            .find(|object_type| object_type.slug == slug)
    }

    /// Finds an object type by the name a dialect gives it (`names[dialect]`).
    pub fn object_type_by_name(&self, dialect: &str, name: &str) -> Option<&ObjectType> {
        self.object_types
            .iter()
            .find(|object_type| object_type.names.get(dialect).is_some_and(|given| given == name))
    }

    /// The relationships that object type `slug` takes part in, seen from its side.
    /// A self-referential relationship appears once per keyed end.
    pub fn relationships_of<'a>(&'a self, slug: &'a str) -> impl Iterator<Item = RelationshipSide<'a>> + 'a {
        self.relationships.iter().flat_map(move |def| {
            let from_source = (def.source.object_type == slug && def.source.key.is_some())
                .then_some(RelationshipSide { def, is_source: true });
            let from_target =
                (def.target.object_type == slug && def.target.key.is_some()).then_some(RelationshipSide {
                    def,
                    is_source: false,
                });
            from_source.into_iter().chain(from_target)
        })
    }

    /// The relationship that object type `slug` calls `key`.
    pub fn relationship(&self, slug: &str, key: &str) -> Option<RelationshipSide<'_>> {
        self.relationships.iter().find_map(|def| {
            [true, false].into_iter().find_map(|is_source| {
                let side = RelationshipSide { def, is_source };
                let end = side.end();
                (end.object_type == slug && end.key.as_deref() == Some(key)).then_some(side)
            })
        })
    }

    pub fn relationship_by_id(&self, id: &str) -> Option<&RelationshipDef> {
        self.relationships.iter().find(|def| def.id == id)
    }
}

/// A kind of record: `account`, `vehicles`.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectType {
    /// Stable id, generated once (`ot_…`).
    pub id: String,
    /// The canonical name: lowercase letters, digits, `_` and `-`.
    pub slug: String,
    pub label: String,
    pub plural_label: String,
    pub description: Option<String>,
    /// Part of the standard model seeded into every workspace.
    pub is_standard: bool,
    /// The key of the field that names a record (`$name`).
    pub display_field: Option<String>,
    /// The permission resource guarding this type (`accounts`, `custom_objects`).
    pub scope: String,
    /// The name each dialect gives the type, by dialect (`hubspot` → `companies`).
    pub names: BTreeMap<String, String>,
    pub fields: Vec<FieldDef>,
}

impl ObjectType {
    pub fn field(&self, key: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|field| field.key == key)
    }

    pub fn field_by_id(&self, id: &str) -> Option<&FieldDef> {
        self.fields.iter().find(|field| field.id == id)
    }

    /// The field a dialect calls `name` (its `names[dialect]`).
    pub fn field_by_name(&self, dialect: &str, name: &str) -> Option<&FieldDef> {
        self.fields
            .iter()
            .find(|field| field.names.get(dialect).is_some_and(|given| given == name))
    }
}

/// One field of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    /// Stable id, generated once (`ad_…`).
    pub id: String,
    /// `$name` for system fields, a bare slug for custom ones. Case-sensitive, never changes.
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    pub field_type: FieldType,
    pub config: FieldConfig,
    pub is_required: bool,
    pub is_unique: bool,
    pub is_read_only: bool,
    /// The name each dialect gives the field, by dialect.
    pub names: BTreeMap<String, String>,
}

impl FieldDef {
    /// System fields are part of the standard model; their keys start with `$`.
    pub fn is_system(&self) -> bool {
        self.key.starts_with('$')
    }

    /// Whether a record holds a list of values for this field.
    pub fn is_multiple(&self) -> bool {
        self.field_type == FieldType::MultiSelect
            || (self.field_type.supports_multiple() && self.config.is_multiple)
    }

    pub fn option(&self, id: &str) -> Option<&SelectOption> {
        self.config.options.iter().find(|option| option.id == id)
    }
}

/// Type-specific configuration of a field.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FieldConfig {
    /// ISO 4217 code of a CURRENCY field.
    pub currency: Option<String>,
    /// The service of a SOCIAL_HANDLE field.
    pub handle_service: Option<HandleService>,
    /// EMAIL, TELEPHONE and URL fields may hold several values.
    pub is_multiple: bool,
    /// The options of a SINGLE_SELECT or MULTI_SELECT field, in display order.
    pub options: Vec<SelectOption>,
    /// For a dependent select (`$stage`), the key of the field that owns it (`$pipeline`).
    pub parent_field: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SelectOption {
    /// Stable id (`opt_…`), or an id given by the schema file.
    pub id: String,
    pub label: String,
    pub description: Option<String>,
    /// For a dependent select, the option of the parent field this one belongs to.
    pub parent_id: Option<String>,
}

/// A relationship between two object types, stored as edges from source records to
/// target records. Both directions read the same edges, so they are always consistent.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipDef {
    /// Stable id, generated once (`rd_…`).
    pub id: String,
    pub source: RelationshipEnd,
    pub target: RelationshipEnd,
}

/// One end of a relationship, as the records of `object_type` see it.
#[derive(Debug, Clone, PartialEq)]
pub struct RelationshipEnd {
    pub object_type: String,
    /// The key on `object_type` (`$contact`); `None` when this end is not exposed.
    pub key: Option<String>,
    pub label: String,
    pub description: Option<String>,
    /// How many records of the other end one record of this end may point to.
    pub cardinality: Cardinality,
    /// Managed from the other end only.
    pub is_read_only: bool,
    /// At least one related record is needed on create.
    pub is_required: bool,
    /// The name each dialect gives this end, by dialect.
    pub names: BTreeMap<String, String>,
}

/// A relationship seen from one of its ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RelationshipSide<'a> {
    pub def: &'a RelationshipDef,
    /// This side is the source of the stored edges.
    pub is_source: bool,
}

impl<'a> RelationshipSide<'a> {
    /// This end: its key, label, cardinality and rules.
    pub fn end(&self) -> &'a RelationshipEnd {
        if self.is_source {
            &self.def.source
        } else {
            &self.def.target
        }
    }

    /// The far end: the related object type.
    pub fn other(&self) -> &'a RelationshipEnd {
        if self.is_source {
            &self.def.target
        } else {
            &self.def.source
        }
    }

    pub fn key(&self) -> &'a str {
        self.end().key.as_deref().unwrap_or_default()
    }

    pub fn cardinality(&self) -> Cardinality {
        self.end().cardinality
    }

    /// The object type of the related records.
    pub fn target_type(&self) -> &'a str {
        &self.other().object_type
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn end(object_type: &str, key: Option<&str>, cardinality: Cardinality) -> RelationshipEnd {
        RelationshipEnd {
            object_type: object_type.into(),
            key: key.map(Into::into),
            label: String::new(),
            description: None,
            cardinality,
            is_read_only: false,
            is_required: false,
            names: BTreeMap::new(),
        }
    }

    #[test]
    fn relationships_are_seen_from_both_keyed_ends() {
        let schema = Schema {
            version: 1,
            object_types: vec![],
            relationships: vec![
                RelationshipDef {
                    id: "rd_1".into(),
                    source: end("account", Some("$contact"), Cardinality::HasMany),
                    target: end("contact", Some("$account"), Cardinality::HasOne),
                },
                RelationshipDef {
                    id: "rd_2".into(),
                    source: end("account", Some("$owner"), Cardinality::HasOne),
                    target: end("member", None, Cardinality::HasMany),
                },
            ],
        };
        let from_contact = schema.relationship("contact", "$account").unwrap();
        assert_eq!(from_contact.target_type(), "account");
        assert_eq!(from_contact.cardinality(), Cardinality::HasOne);
        assert!(!from_contact.is_source);
        let keys: Vec<_> = schema
            .relationships_of("account")
            .map(|side| side.key())
            .collect();
        assert_eq!(keys, ["$contact", "$owner"]);
        assert_eq!(schema.relationships_of("member").count(), 0);
    }
}
