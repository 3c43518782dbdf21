//! HubSpot association types over crmd's relationships.
//!
//! crmd stores a link between two records once, as an edge of a relationship, and reads it
//! from both ends. HubSpot names each direction of a link with an association type: a
//! category and a numeric typeId (`HUBSPOT_DEFINED` 279 contact → company, 280 back).
//!
//! - The relationships of crmd's standard model that HubSpot has take HubSpot's
//!   `HUBSPOT_DEFINED` typeIds ([`DEFINED`]). A deal's one company (crmd's required
//!   `$account`, which holds one account) is its primary company: it reads as both the
//!   unlabelled type 341 and the `Primary` type 5, and either writes it.
//! - Every other relationship between two object types HubSpot serves (custom object types,
//!   and standard ones HubSpot has no type for, such as a deal's champion) is a
//!   `USER_DEFINED` type labelled with the relationship's label, with typeIds derived from
//!   the relationship's stable id, so that they never change while the relationship exists.
//! - Relationships to members (owners) are the `hubspot_owner_id` property, not
//!   associations; lists are not served.

use crate::error::ApiError;
use crmd_core::{ObjectType, RelationshipSide, Schema};
use crmd_service::schema_file::HUBSPOT_TYPE_ID;

/// An association category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Category {
    HubspotDefined,
    UserDefined,
}

impl Category {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Category::HubspotDefined => "HUBSPOT_DEFINED",
            Category::UserDefined => "USER_DEFINED",
        }
    }

    /// A category as HubSpot names it; `INTEGRATOR_DEFINED` names no crmd type.
    pub(crate) fn parse(name: &str) -> Option<Category> {
        match name {
            "HUBSPOT_DEFINED" => Some(Category::HubspotDefined),
            "USER_DEFINED" => Some(Category::UserDefined),
            _ => None,
        }
    }
}

/// One direction of an association type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssociationType {
    pub(crate) category: Category,
    pub(crate) type_id: u64,
    /// `None` for an unlabelled type.
    pub(crate) label: Option<String>,
    /// The v3 name (`contact_to_company_unlabeled`).
    pub(crate) name: String,
}

/// The links of one relationship seen from the records of one end (`from`), with the
/// association types that read and write them in that direction and back.
#[derive(Debug, Clone)]
pub(crate) struct Association<'a> {
    /// The `from` end of the relationship.
    pub(crate) side: RelationshipSide<'a>,
    /// Every type of this direction; the first is the unlabelled (default) one when there is one.
    pub(crate) types: Vec<AssociationType>,
    /// The type of the other direction for each of `types`, in the same order.
    pub(crate) inverse_types: Vec<AssociationType>,
}

impl Association<'_> {
    /// The type a default association writes in this direction.
    pub(crate) fn default_type(&self) -> &AssociationType {
        &self.types[0]
    }

    /// The position of a type among this direction's types.
    pub(crate) fn position(&self, category: Category, type_id: u64) -> Option<usize> {
        self.types
            .iter()
            .position(|kind| kind.category == category && kind.type_id == type_id)
    }

    /// The position of a type among the other direction's types.
    fn inverse_position(&self, category: Category, type_id: u64) -> Option<usize> {
        self.inverse_types
            .iter()
            .position(|kind| kind.category == category && kind.type_id == type_id)
    }
}

/// A `HUBSPOT_DEFINED` association between two standard object types: the relationship
/// `(source slug, key)`, its typeIds each way with their v3 names, and the labelled
/// `Primary` types that read and write the same links, if any.
struct Defined {
    source: &'static str,
    key: &'static str,
    target: &'static str,
    type_id: u64,
    inverse_id: u64,
    name: &'static str,
    inverse_name: &'static str,
    primary: Option<(u64, u64, &'static str, &'static str)>,
}

const fn defined(
    source: &'static str,
    key: &'static str,
    target: &'static str,
    ids: (u64, u64),
    names: (&'static str, &'static str),
) -> Defined {
    Defined {
        source,
        key,
        target,
        type_id: ids.0,
        inverse_id: ids.1,
        name: names.0,
        inverse_name: names.1,
        primary: None,
    }
}

/// HubSpot's default association types between the standard object types crmd maps.
const DEFINED: [Defined; 27] = [
    defined(
        "contact",
        "$account",
        "account",
        (279, 280),
        ("contact_to_company_unlabeled", "company_to_contact_unlabeled"),
    ),
    defined(
        "opportunity",
        "$contact",
        "contact",
        (3, 4),
        ("deal_to_contact", "contact_to_deal"),
    ),
    Defined {
        primary: Some((5, 6, "deal_to_company", "company_to_deal")),
        ..defined(
            "opportunity",
            "$account",
            "account",
            (341, 342),
            ("deal_to_company_unlabeled", "company_to_deal_unlabeled"),
        )
    },
    defined(
        "note",
        "$contact",
        "contact",
        (202, 201),
        ("note_to_contact", "contact_to_note"),
    ),
    defined(
        "note",
        "$account",
        "account",
        (190, 189),
        ("note_to_company", "company_to_note"),
    ),
    defined(
        "note",
        "$opportunity",
        "opportunity",
        (214, 213),
        ("note_to_deal", "deal_to_note"),
    ),
    defined(
        "task",
        "$contact",
        "contact",
        (204, 203),
        ("task_to_contact", "contact_to_task"),
    ),
    defined(
        "task",
        "$account",
        "account",
        (192, 191),
        ("task_to_company", "company_to_task"),
    ),
    defined(
        "task",
        "$opportunity",
        "opportunity",
        (216, 215),
        ("task_to_deal", "deal_to_task"),
    ),
    defined(
        "meeting",
        "$contact",
        "contact",
        (200, 199),
        ("meeting_event_to_contact", "contact_to_meeting_event"),
    ),
    defined(
        "meeting",
        "$account",
        "account",
        (188, 187),
        ("meeting_event_to_company", "company_to_meeting_event"),
    ),
    defined(
        "meeting",
        "$opportunity",
        "opportunity",
        (212, 211),
        ("meeting_event_to_deal", "deal_to_meeting_event"),
    ),
    defined(
        "ticket",
        "$contact",
        "contact",
        (16, 15),
        ("ticket_to_contact", "contact_to_ticket"),
    ),
    defined(
        "ticket",
        "$account",
        "account",
        (339, 340),
        ("ticket_to_company_unlabeled", "company_to_ticket_unlabeled"),
    ),
    defined(
        "ticket",
        "$opportunity",
        "opportunity",
        (28, 27),
        ("ticket_to_deal", "deal_to_ticket"),
    ),
    defined(
        "note",
        "$ticket",
        "ticket",
        (228, 227),
        ("note_to_ticket", "ticket_to_note"),
    ),
    defined(
        "task",
        "$ticket",
        "ticket",
        (230, 229),
        ("task_to_ticket", "ticket_to_task"),
    ),
    defined(
        "meeting",
        "$ticket",
        "ticket",
        (226, 225),
        ("meeting_event_to_ticket", "ticket_to_meeting_event"),
    ),
    defined(
        "call",
        "$contact",
        "contact",
        (194, 193),
        ("call_to_contact", "contact_to_call"),
    ),
    defined(
        "call",
        "$account",
        "account",
        (182, 181),
        ("call_to_company", "company_to_call"),
    ),
    defined(
        "call",
        "$opportunity",
        "opportunity",
        (206, 205),
        ("call_to_deal", "deal_to_call"),
    ),
    defined(
        "call",
        "$ticket",
        "ticket",
        (220, 219),
        ("call_to_ticket", "ticket_to_call"),
    ),
    defined(
        "email",
        "$contact",
        "contact",
        (198, 197),
        ("email_to_contact", "contact_to_email"),
    ),
    defined(
        "email",
        "$account",
        "account",
        (186, 185),
        ("email_to_company", "company_to_email"),
    ),
    defined(
        "email",
        "$opportunity",
        "opportunity",
        (210, 209),
        ("email_to_deal", "deal_to_email"),
    ),
    defined(
        "email",
        "$ticket",
        "ticket",
        (224, 223),
        ("email_to_ticket", "ticket_to_email"),
    ),
    defined(
        "line_item",
        "$opportunity",
        "opportunity",
        (20, 19),
        ("line_item_to_deal", "deal_to_line_item"),
    ),
];

/// `USER_DEFINED` typeIds start here, above every `HUBSPOT_DEFINED` one.
const USER_DEFINED_BASE: u64 = 1000;
/// How many typeId pairs the hash of a relationship id spreads over.
const USER_DEFINED_PAIRS: u64 = 1 << 30;

/// Whether the HubSpot dialect serves records of the type as association ends.
fn is_served(object_type: &ObjectType) -> bool {
    !object_type.is_standard || object_type.names.contains_key(HUBSPOT_TYPE_ID)
}

/// The `USER_DEFINED` typeId of a relationship from its source end (even) and from its
/// target end (odd): FNV-1a of the relationship's stable id.
fn user_defined_ids(relationship_id: &str) -> (u64, u64) {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in relationship_id.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let base = USER_DEFINED_BASE + (hash % USER_DEFINED_PAIRS) * 2;
    (base, base + 1)
}

/// A v3-style name from a label: lowercase, words joined by `_`.
fn snake_name(label: &str) -> String {
    let mut name = String::new();
    for word in label
        .split(|character: char| !character.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
    {
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(&word.to_ascii_lowercase());
    }
    name
}

fn hubspot_defined(type_id: u64, label: Option<&str>, name: &str) -> AssociationType {
    AssociationType {
        category: Category::HubspotDefined,
        type_id,
        label: label.map(str::to_owned),
        name: name.to_owned(),
    }
}

/// Every association from records of `from` to records of `to`, in schema order.
pub(crate) fn between<'a>(schema: &'a Schema, from: &ObjectType, to: &ObjectType) -> Vec<Association<'a>> {
    if !is_served(from) || !is_served(to) {
        return Vec::new();
    }
    let Some(from) = schema.object_type(&from.slug) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for side in schema.relationships_of(&from.slug) {
        if side.target_type() != to.slug || side.end().key.is_none() {
            continue;
        }
        found.push(association(side));
    }
    // HUBSPOT_DEFINED associations first, so that a pair's default is HubSpot's.
    found.sort_by_key(|association| association.default_type().category != Category::HubspotDefined);
    found
}

/// The association types of one relationship end.
fn association(side: RelationshipSide<'_>) -> Association<'_> {
    let (source, target) = (&side.def.source, &side.def.target);
    let entry = DEFINED.iter().find(|entry| {
        source.object_type == entry.source
            && source.key.as_deref() == Some(entry.key)
            && target.object_type == entry.target
            || target.object_type == entry.source
                && target.key.as_deref() == Some(entry.key)
                && source.object_type == entry.target
    });
    if let Some(entry) = entry {
        // Whether `side` is the entry's source end, in HubSpot's direction.
        let is_forward = side.end().object_type == entry.source && side.key() == entry.key;
        let mut pairs = vec![(
            hubspot_defined(entry.type_id, None, entry.name),
            hubspot_defined(entry.inverse_id, None, entry.inverse_name),
        )];
        if let Some((id, inverse_id, name, inverse_name)) = entry.primary {
            pairs.push((
                hubspot_defined(id, Some("Primary"), name),
                hubspot_defined(inverse_id, Some("Primary"), inverse_name),
            ));
        }
        let (types, inverse_types) = pairs
            .into_iter()
            .map(|(there, back)| if is_forward { (there, back) } else { (back, there) })
            .unzip();
        return Association {
            side,
            types,
            inverse_types,
        };
    }
    let (source_id, target_id) = user_defined_ids(&side.def.id);
    let (this_id, other_id) = if side.is_source {
        (source_id, target_id)
    } else {
        (target_id, source_id)
    };
    let kind = |type_id: u64, label: &str| AssociationType {
        category: Category::UserDefined,
        type_id,
        label: Some(label.to_owned()),
        name: snake_name(label),
    };
    Association {
        side,
        types: vec![kind(this_id, &side.end().label)],
        inverse_types: vec![kind(other_id, &side.other().label)],
    }
}

/// The association a type names from `from` to `to`, with the type's position. A type of
/// the other direction answers HubSpot's `invalid from object type` 400.
pub(crate) fn find<'a>(
    schema: &'a Schema,
    from: &ObjectType,
    to: &ObjectType,
    category: Category,
    type_id: u64,
) -> Result<(Association<'a>, usize), ApiError> {
    let associations = between(schema, from, to);
    for association in &associations {
        if let Some(position) = association.position(category, type_id) {
            return Ok((association.clone(), position));
        }
    }
    if associations
        .iter()
        .any(|association| association.inverse_position(category, type_id).is_some())
    {
        return Err(ApiError::validation(format!(
            "invalid from object type {} for associations to be created. expected: {}",
            type_id_of(from),
            type_id_of(to)
        ))
        .context("associationTypeId", [type_id.to_string()]));
    }
    Err(ApiError::validation(format!(
        "association type {} {type_id} is not defined from {} to {}",
        category.as_str(),
        crate::object_types::hubspot_name(from),
        crate::object_types::hubspot_name(to)
    ))
    .context("associationTypeId", [type_id.to_string()]))
}

/// v3 names of HubSpot's labelled `Primary` types that crmd has no label for, with the
/// type each names in crmd. The v3 API predates labels: its `contact_to_company` is the
/// plain association of a contact with a company, which crmd holds as the unlabelled
/// type; a read names that type by its own name.
const V3_ALIASES: [(&str, &str); 2] = [
    ("contact_to_company", "contact_to_company_unlabeled"),
    ("company_to_contact", "company_to_contact_unlabeled"),
];

/// The association a v3 type names from `from` to `to`, with the type's position: a v3
/// name (`contact_to_company_unlabeled`, matched ignoring case) or a typeId as text
/// (`"279"`). A type of the other direction answers HubSpot's `invalid from object type`.
pub(crate) fn find_v3<'a>(
    schema: &'a Schema,
    from: &ObjectType,
    to: &ObjectType,
    name: &str,
) -> Result<(Association<'a>, usize), ApiError> {
    let name = name.trim();
    if !name.is_empty() && name.bytes().all(|byte| byte.is_ascii_digit()) {
        let type_id: u64 = name.parse().map_err(|_| unknown_v3(from, to, name))?;
        let category = if type_id >= USER_DEFINED_BASE {
            Category::UserDefined
        } else {
            Category::HubspotDefined
        };
        return find(schema, from, to, category, type_id);
    }
    let named = V3_ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
        .map_or(name, |(_, actual)| actual);
    let associations = between(schema, from, to);
    for association in &associations {
        if let Some(position) = association
            .types
            .iter()
            .position(|kind| kind.name.eq_ignore_ascii_case(named))
        {
            return Ok((association.clone(), position));
        }
    }
    let is_inverse = associations.iter().any(|association| {
        association
            .inverse_types
            .iter()
            .any(|kind| kind.name.eq_ignore_ascii_case(named))
    });
    if is_inverse {
        return Err(ApiError::validation(format!(
            "invalid from object type {} for associations to be created. expected: {}",
            type_id_of(from),
            type_id_of(to)
        ))
        .context("type", [name.to_owned()]));
    }
    Err(unknown_v3(from, to, name))
}

fn unknown_v3(from: &ObjectType, to: &ObjectType, name: &str) -> ApiError {
    ApiError::validation(format!(
        "association type {name:?} is not defined from {} to {}",
        crate::object_types::hubspot_name(from),
        crate::object_types::hubspot_name(to)
    ))
    .context("type", [name.to_owned()])
}

/// HubSpot's objectTypeId of a type (`0-1`, `2-3`), or its slug when it has none.
pub(crate) fn type_id_of(object_type: &ObjectType) -> String {
    object_type
        .names
        .get(HUBSPOT_TYPE_ID)
        .cloned()
        .unwrap_or_else(|| object_type.slug.clone())
}

/// The default association from `from` to `to`: HubSpot's unlabelled type, or for a pair
/// with no HubSpot type, its first relationship in schema order.
pub(crate) fn default_between<'a>(
    schema: &'a Schema,
    from: &ObjectType,
    to: &ObjectType,
) -> Result<Association<'a>, ApiError> {
    between(schema, from, to).into_iter().next().ok_or_else(|| {
        ApiError::validation(format!(
            "there is no association type from {} to {}",
            crate::object_types::hubspot_name(from),
            crate::object_types::hubspot_name(to)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_defined_ids_are_stable_pairs_above_hubspots() {
        let (there, back) = user_defined_ids("rd_01");
        assert_eq!((there, back), user_defined_ids("rd_01"));
        assert_eq!(back, there + 1);
        assert!(there >= USER_DEFINED_BASE && there % 2 == 0);
        assert_ne!(there, user_defined_ids("rd_02").0);
    }

    #[test]
    fn labels_make_snake_names() {
        assert_eq!(snake_name("Champion"), "champion");
        assert_eq!(snake_name("Cars owned (2)"), "cars_owned_2");
    }
}
