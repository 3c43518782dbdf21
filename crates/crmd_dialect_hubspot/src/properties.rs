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
//! A relationship end with `names.hubspot` is a property too: its value is the id of the
//! related record (`hubspot_owner_id`, the member a record's owner relationship points at;
//! `hs_product_id`, a line item's product).
//!
//! A pipeline field (the parent of a stage field, `pipeline` of deals, `hs_pipeline` of
//! tickets) is not stored: it reads the pipeline of the record's stage, and on write is the
//! hint that says which pipeline a stage label means.
//!
//! Line items also have `amount`, read-only and calculated on read: `quantity` × `price`,
//! less `hs_discount_percentage` percent, or else less `quantity` × `discount`.
//!
//! Every type also has `hs_object_id`, its created-date property (`createdate`, or
//! `hs_createdate` on engagements and custom objects) and its last-modified property
//! (`lastmodifieddate` on contacts, `hs_lastmodifieddate` elsewhere), all read-only.

use crmd_core::{FieldDef, FieldType, ObjectType};
use crmd_service::TypeRef;
use crmd_service::pipelines::Pipelines;

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
    /// The id of the record related through a relationship, by the relationship's key
    /// (`hubspot_owner_id` → `$owner`).
    Related(String),
    /// A pipeline field (`key`): not stored, read as the pipeline of the stage in
    /// `stage_key`; `parents` maps each stage option id to its pipeline's id.
    Pipeline {
        key: String,
        stage_key: String,
        parents: Vec<(String, String)>,
    },
    /// A line item's `amount`, calculated from its quantity, price and discount.
    LineItemAmount,
}

impl Source {
    /// The field the property writes, if any.
    pub(crate) fn field_key(&self) -> Option<&str> {
        match self {
            Source::Field(key)
            | Source::NamePart(key, _)
            | Source::AddressPart(key, _)
            | Source::Pipeline { key, .. } => Some(key),
            Source::Id
            | Source::CreatedAt
            | Source::UpdatedAt
            | Source::Related(_)
            | Source::LineItemAmount => None,
        }
    }

    /// Whether the property is one of the three every read returns.
    pub(crate) fn is_system(&self) -> bool {
        matches!(self, Source::Id | Source::CreatedAt | Source::UpdatedAt)
    }
}

/// The fields a line item's `amount` is calculated from.
pub(crate) const LINE_ITEM_QUANTITY: &str = "$quantity";
pub(crate) const LINE_ITEM_PRICE: &str = "$price";
pub(crate) const LINE_ITEM_DISCOUNT: &str = "$discount";
pub(crate) const LINE_ITEM_DISCOUNT_PERCENTAGE: &str = "$discountPercentage";

/// The properties of one object type, as the HubSpot dialect names them.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    object_type: TypeRef,
    /// Sorted by name.
    properties: Vec<(String, Source)>,
}

/// HubSpot's standard object types that crmd's standard model maps, by crmd slug:
/// the singular name HubSpot uses in messages (`Error creating CONTACT`).
const SINGULAR_NAMES: [(&str, &str); 11] = [
    ("contact", "Contact"),
    ("account", "Company"),
    ("opportunity", "Deal"),
    ("note", "Note"),
    ("task", "Task"),
    ("meeting", "Meeting"),
    ("ticket", "Ticket"),
    ("call", "Call"),
    ("email", "Email"),
    ("product", "Product"),
    ("line_item", "Line item"),
];

/// Standard types whose created-date property is `hs_createdate`, as on engagements.
const HS_CREATEDATE_TYPES: [&str; 5] = ["note", "task", "meeting", "call", "email"];

impl Catalog {
    pub(crate) fn new(object_type: TypeRef) -> Catalog {
        // Relationship properties and `amount` first: on a clash with a custom field's
        // key, the first property of a name stays.
        let mut properties = Vec::new();
        let schema = object_type.schema();
        for side in schema.relationships_of(&object_type.slug) {
            if let Some(name) = side.end().names.get("hubspot") {
                properties.push((name.clone(), Source::Related(side.key().to_owned())));
            }
        }
        if object_type.is_standard && object_type.slug == "line_item" {
            properties.push(("amount".to_owned(), Source::LineItemAmount));
        }
        let pipelines = Pipelines::of(&object_type);
        for field in &object_type.fields {
            match pipelines {
                Some(pipelines) if pipelines.pipeline.key == field.key => {
                    let name = field
                        .names
                        .get("hubspot")
                        .cloned()
                        .unwrap_or_else(|| hubspot_field_name(field));
                    let parents = pipelines
                        .stage
                        .config
                        .options
                        .iter()
                        .filter_map(|stage| Some((stage.id.clone(), stage.parent_id.clone()?)))
                        .collect();
                    properties.push((
                        name,
                        Source::Pipeline {
                            key: field.key.clone(),
                            stage_key: pipelines.stage.key.clone(),
                            parents,
                        },
                    ));
                }
                Some(_) | None => properties.extend(field_properties(field)),
            }
        }
        let is_contact = object_type.is_standard && object_type.slug == "contact";
        let is_engagement_or_custom =
            !object_type.is_standard || HS_CREATEDATE_TYPES.contains(&object_type.slug.as_str());
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
        // Standard names come before custom ones, so on a clash the first one stays.
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
            | Source::UpdatedAt
            | Source::Related(_)
            | Source::Pipeline { .. }
            | Source::LineItemAmount => 1,
        };
        self.properties
            .iter()
            .filter(|(_, source)| source.field_key() == Some(key))
            .min_by_key(|(_, source)| field_order(source))
            .map(|(name, _)| name.clone())
    }

    /// The name of the property that reads and writes relationship `key`, if one does
    /// (`$owner` → `hubspot_owner_id`).
    pub(crate) fn name_of_relationship(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(_, source)| matches!(source, Source::Related(related) if related == key))
            .map(|(name, _)| name.as_str())
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
            (true, "ticket") => &[
                "content",
                "hs_pipeline",
                "hs_pipeline_stage",
                "hs_ticket_category",
                "hs_ticket_priority",
                "subject",
            ],
            (true, "product") => &["description", "name", "price"],
            (true, "line_item") => &["hs_product_id", "name", "price", "quantity"],
            _ => &[],
        };
        self.properties
            .iter()
            .filter(|(name, source)| source.is_system() || extra.contains(&name.as_str()))
            .map(|(name, _)| name.as_str())
            .collect()
    }
}

/// The name of a field's one property when it has no `names.hubspot`.
fn hubspot_field_name(field: &FieldDef) -> String {
    if field.is_system() {
        crmd_name(&field.key)
    } else {
        field.key.clone()
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
