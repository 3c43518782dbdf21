//! The Outreach attributes of a crmd object type: which attribute reads and writes which
//! field, or which part of a compound field.
//!
//! A field's attribute name is, in order:
//! - its `names.outreach` in the schema (`$email` → `emails`);
//! - for an unnamed system FULL_NAME field, `firstName` and `lastName` (writable) and the
//!   read-only full `name`, as Outreach splits a prospect's or user's name;
//! - for any other unnamed field, its key without the `$` of system fields
//!   (`$instagram` → `instagram`), so that every field stays reachable.
//!
//! Every resource also has the read-only `createdAt` and `updatedAt`.

use crate::resources::ResourceDef;
use crmd_core::FieldType;
use crmd_service::TypeRef;

/// The dialect name of Outreach in the schema's `names` tables.
pub(crate) const OUTREACH: &str = "outreach";

/// A part of a FULL_NAME value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamePart {
    First,
    Last,
}

impl NamePart {
    pub(crate) fn wire_key(self) -> &'static str {
        match self {
            NamePart::First => "firstName",
            NamePart::Last => "lastName",
        }
    }
}

/// What an attribute reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// A whole field, by key.
    Field(String),
    /// One part of a FULL_NAME field.
    NamePart(String, NamePart),
    /// A FULL_NAME field as one display string (read-only).
    FullName(String),
    CreatedAt,
    UpdatedAt,
}

/// One attribute of a resource.
#[derive(Debug, Clone)]
pub(crate) struct Attribute {
    pub(crate) name: String,
    pub(crate) source: Source,
    pub(crate) is_read_only: bool,
}

/// A resource's object type with its attributes.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    pub(crate) object_type: TypeRef,
    pub(crate) resource: &'static ResourceDef,
    pub(crate) attributes: Vec<Attribute>,
}

impl Catalog {
    pub(crate) fn new(object_type: TypeRef, resource: &'static ResourceDef) -> Catalog {
        let mut attributes = Vec::new();
        for field in &object_type.fields {
            let named = field.names.get(OUTREACH);
            if named.is_none() && field.field_type == FieldType::FullName && field.is_system() {
                for part in [NamePart::First, NamePart::Last] {
                    attributes.push(Attribute {
                        name: part.wire_key().to_owned(),
                        source: Source::NamePart(field.key.clone(), part),
                        is_read_only: field.is_read_only,
                    });
                }
                attributes.push(Attribute {
                    name: "name".to_owned(),
                    source: Source::FullName(field.key.clone()),
                    is_read_only: true,
                });
                continue;
            }
            let name = named
                .cloned()
                .unwrap_or_else(|| field.key.trim_start_matches('$').to_owned());
            attributes.push(Attribute {
                name,
                source: Source::Field(field.key.clone()),
                is_read_only: field.is_read_only,
            });
        }
        for (name, source) in [("createdAt", Source::CreatedAt), ("updatedAt", Source::UpdatedAt)] {
            attributes.push(Attribute {
                name: name.to_owned(),
                source,
                is_read_only: true,
            });
        }
        // A name given twice (an unnamed field whose key matches another's Outreach name)
        // keeps its first meaning.
        let mut seen = std::collections::HashSet::new();
        attributes.retain(|attribute| seen.insert(attribute.name.clone()));
        Catalog {
            object_type,
            resource,
            attributes,
        }
    }

    pub(crate) fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|attribute| attribute.name == name)
    }

    /// The attribute that names a field in errors: the field's own attribute, or `name` for
    /// a split FULL_NAME.
    pub(crate) fn attribute_of_field(&self, key: &str) -> Option<String> {
        self.attributes
            .iter()
            .find(|attribute| match &attribute.source {
                Source::Field(field) | Source::FullName(field) => field == key,
                Source::NamePart(..) | Source::CreatedAt | Source::UpdatedAt => false,
            })
            .map(|attribute| attribute.name.clone())
    }

    /// The Outreach name of a crmd relationship key.
    pub(crate) fn relationship_of_key(&self, key: &str) -> Option<String> {
        self.resource
            .relationship_by_key(key)
            .map(|relationship| relationship.name.to_owned())
    }
}
