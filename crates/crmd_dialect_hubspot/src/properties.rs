//! The HubSpot properties of a crmd object type: which property reads and writes which
//! field, or which part of a compound field.
//!
//! A field's property name is, in order:
//! - its `names.hubspot` in the schema (`$website` → `domain`);
//! - for the system FULL_NAME field, `firstname` and `lastname`;
//! - for the system ADDRESS field, `address`, `address2`, `city`, `state`, `zip`, `country`;
//! - for any other system field, `crmd_` and its key in snake case (`$doNotContact` →
//!   `crmd_do_not_contact`), so that every field stays reachable;
//! - for a custom field, its key.
//!
//! Every type also has `hs_object_id`, its created-date property (`createdate`, or
//! `hs_createdate` on engagements and custom objects) and its last-modified property
//! (`lastmodifieddate` on contacts, `hs_lastmodifieddate` elsewhere), all read-only.

use crmd_core::{FieldDef, FieldType, ObjectType};
use crmd_service::TypeRef;

/// A part of a FULL_NAME value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NamePart {
    First,
    Last,
}

/// A part of an ADDRESS value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AddressPart {
    Street,
    Street2,
    City,
    State,
    PostalCode,
    Country,
}

impl AddressPart {
    /// The part's key in crmd's canonical address object.
    pub(crate) fn key(self) -> &'static str {
        match self {
            AddressPart::Street => "street",
            AddressPart::Street2 => "street2",
            AddressPart::City => "city",
            AddressPart::State => "state",
            AddressPart::PostalCode => "postalCode",
            AddressPart::Country => "country",
        }
    }
}

const ADDRESS_PROPERTIES: [(&str, AddressPart); 6] = [
    ("address", AddressPart::Street),
    ("address2", AddressPart::Street2),
    ("city", AddressPart::City),
    ("state", AddressPart::State),
    ("zip", AddressPart::PostalCode),
    ("country", AddressPart::Country),
];

/// What a property reads and writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Source {
    /// The whole value of a field, by key.
    Field(String),
    NamePart(String, NamePart),
    AddressPart(String, AddressPart),
    /// The record id (`hs_object_id`).
    Id,
    CreatedAt,
    UpdatedAt,
}

impl Source {
    /// The field the property writes, if any.
    pub(crate) fn field_key(&self) -> Option<&str> {
        match self {
            Source::Field(key) | Source::NamePart(key, _) | Source::AddressPart(key, _) => Some(key),
            Source::Id | Source::CreatedAt | Source::UpdatedAt => None,
        }
    }
}

/// The properties of one object type, as the HubSpot dialect names them.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    object_type: TypeRef,
    /// Sorted by name.
    properties: Vec<(String, Source)>,
}

/// HubSpot's standard object types that crmd's standard model maps, by crmd slug:
/// the singular name HubSpot uses in messages (`Error creating CONTACT`).
const SINGULAR_NAMES: [(&str, &str); 6] = [
    ("contact", "Contact"),
    ("account", "Company"),
    ("opportunity", "Deal"),
    ("note", "Note"),
    ("task", "Task"),
    ("meeting", "Meeting"),
];

impl Catalog {
    pub(crate) fn new(object_type: TypeRef) -> Catalog {
        let mut properties = Vec::new();
        for field in &object_type.fields {
            properties.extend(field_properties(field));
        }
        let is_contact = object_type.is_standard && object_type.slug == "contact";
        let is_engagement_or_custom =
            !object_type.is_standard || matches!(object_type.slug.as_str(), "note" | "task" | "meeting");
        let created = if is_engagement_or_custom {
            "hs_createdate"
        } else {
            "createdate"
        };
        let modified = if is_contact {
            "lastmodifieddate"
        } else {
            "hs_lastmodifieddate"
        };
        // A custom field may not take a system property's name: the system property wins.
        properties.retain(|(name, _)| ![created, modified, "hs_object_id"].contains(&name.as_str()));
        properties.extend([
            ("hs_object_id".to_owned(), Source::Id),
            (created.to_owned(), Source::CreatedAt),
            (modified.to_owned(), Source::UpdatedAt),
        ]);
        properties.sort_by(|(a, _), (b, _)| a.cmp(b));
        // Standard names come first in the fields, so on a clash the first one stays.
        properties.dedup_by(|(later, _), (earlier, _)| later == earlier);
        Catalog {
            object_type,
            properties,
        }
    }

    pub(crate) fn object_type(&self) -> &TypeRef {
        &self.object_type
    }

    pub(crate) fn properties(&self) -> impl Iterator<Item = (&str, &Source)> {
        self.properties
            .iter()
            .map(|(name, source)| (name.as_str(), source))
    }

    pub(crate) fn property(&self, name: &str) -> Option<&Source> {
        self.properties
            .binary_search_by(|(known, _)| known.as_str().cmp(name))
            .ok()
            .map(|index| &self.properties[index].1)
    }

    /// The name of the (first) property that writes field `key`.
    pub(crate) fn name_of_field(&self, key: &str) -> Option<String> {
        let field_order = |source: &Source| match source {
            Source::NamePart(_, NamePart::First) | Source::AddressPart(_, AddressPart::Street) => 0,
            Source::Field(_)
            | Source::NamePart(..)
            | Source::AddressPart(..)
            | Source::Id
            | Source::CreatedAt
            | Source::UpdatedAt => 1,
        };
        self.properties
            .iter()
            .filter(|(_, source)| source.field_key() == Some(key))
            .min_by_key(|(_, source)| field_order(source))
            .map(|(name, _)| name.clone())
    }

    /// The HubSpot name of the type a relationship of this type points at.
    pub(crate) fn relationship_target_name(&self, key: &str) -> Option<String> {
        let schema = self.object_type.schema();
        let side = schema.relationship(&self.object_type.slug, key)?;
        let target = schema.object_type(side.target_type())?;
        Some(crate::object_types::hubspot_name(target))
    }

    /// The name of the type in messages: `Contact`, `Company`, or a custom type's label.
    pub(crate) fn singular_label(&self) -> String {
        let object_type: &ObjectType = &self.object_type;
        SINGULAR_NAMES
            .iter()
            .find(|(slug, _)| object_type.is_standard && *slug == object_type.slug)
            .map_or_else(|| object_type.label.clone(), |(_, name)| (*name).to_owned())
    }

    /// The name of the type in `Error creating CONTACT.`: upper case, `_` for spaces.
    pub(crate) fn upper_label(&self) -> String {
        self.singular_label().to_uppercase().replace(' ', "_")
    }

    /// The properties a read returns when it names none, as HubSpot documents them for
    /// each type; engagements and custom objects return only the system properties.
    pub(crate) fn default_names(&self) -> Vec<&str> {
        let extra: &[&str] = match (self.object_type.is_standard, self.object_type.slug.as_str()) {
            (true, "contact") => &["email", "firstname", "lastname"],
            (true, "account") => &["domain", "name"],
            (true, "opportunity") => &["amount", "closedate", "dealname", "dealstage", "pipeline"],
            _ => &[],
        };
        self.properties
            .iter()
            .filter(|(name, source)| {
                matches!(source, Source::Id | Source::CreatedAt | Source::UpdatedAt)
                    || extra.contains(&name.as_str())
            })
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// The properties of one field.
fn field_properties(field: &FieldDef) -> Vec<(String, Source)> {
    if let Some(name) = field.names.get("hubspot") {
        return vec![(name.clone(), Source::Field(field.key.clone()))];
    }
    if !field.is_system() {
        return vec![(field.key.clone(), Source::Field(field.key.clone()))];
    }
    match field.field_type {
        FieldType::FullName => vec![
            (
                "firstname".to_owned(),
                Source::NamePart(field.key.clone(), NamePart::First),
            ),
            (
                "lastname".to_owned(),
                Source::NamePart(field.key.clone(), NamePart::Last),
            ),
        ],
        FieldType::Address => ADDRESS_PROPERTIES
            .iter()
            .map(|(name, part)| ((*name).to_owned(), Source::AddressPart(field.key.clone(), *part)))
            .collect(),
        FieldType::Checkbox
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
        | FieldType::Url => vec![(crmd_name(&field.key), Source::Field(field.key.clone()))],
    }
}

/// `$doNotContact` → `crmd_do_not_contact`.
fn crmd_name(key: &str) -> String {
    let mut name = String::from("crmd_");
    for char in key.trim_start_matches('$').chars() {
        if char.is_ascii_uppercase() {
            name.push('_');
            name.push(char.to_ascii_lowercase());
        } else {
            name.push(char);
        }
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_fields_without_a_hubspot_name_get_a_crmd_name() {
        assert_eq!(crmd_name("$doNotContact"), "crmd_do_not_contact");
        assert_eq!(crmd_name("$linkedIn"), "crmd_linked_in");
        assert_eq!(crmd_name("$title"), "crmd_title");
    }
}
