//! HubSpot's object type identifiers (`{objectType}` in paths) over crmd's object types.
//!
//! A path may name a type, case-insensitively, by:
//! - its HubSpot plural name from the schema's `names.hubspot` (`contacts`, `companies`);
//! - its HubSpot singular name (`contact`, `company`, `deal`, `ticket`, `line_item`…);
//! - its objectTypeId from `names.hubspot_type_id` (`0-1`, and `2-<n>` for custom types);
//! - for a custom type, its slug, `p_<slug>`, or its fully qualified name
//!   `p<workspace id>_<slug>`.
//!
//! HubSpot types that crmd's standard model does not have (quotes, invoices, leads…)
//! answer 501 naming the type; any other identifier answers 404, as HubSpot does.

use crate::error::ApiError;
use crmd_core::{ErrorCode, ObjectType, Schema, WorkspaceId};
use crmd_service::schema_file::HUBSPOT_TYPE_ID;
use http::StatusCode;

/// HubSpot's singular names of the types crmd maps, with their plural.
const SINGULAR_NAMES: [(&str, &str); 11] = [
    ("contact", "contacts"),
    ("company", "companies"),
    ("deal", "deals"),
    ("note", "notes"),
    ("task", "tasks"),
    ("meeting", "meetings"),
    ("ticket", "tickets"),
    ("call", "calls"),
    ("email", "emails"),
    ("product", "products"),
    ("line_item", "line_items"),
];

/// HubSpot object types crmd's standard model does not have: names and objectTypeIds.
const UNSUPPORTED_TYPES: [(&str, &str, &str); 8] = [
    ("quotes", "quote", "0-14"),
    ("communications", "communication", "0-18"),
    ("feedback_submissions", "feedback_submission", "0-19"),
    ("invoices", "invoice", "0-53"),
    ("postal_mail", "postal_mail", "0-116"),
    ("leads", "lead", "0-136"),
    ("orders", "order", "0-123"),
    ("carts", "cart", "0-142"),
];

/// Standard types added to crmd's standard model after its first release: a workspace
/// created before them gets them with its next `crmd schema apply`.
const LATER_STANDARD_TYPES: [(&str, &str, &str); 5] = [
    ("tickets", "ticket", "0-5"),
    ("products", "product", "0-7"),
    ("line_items", "line_item", "0-8"),
    ("calls", "call", "0-48"),
    ("emails", "email", "0-49"),
];

/// The name a HubSpot message or association key gives a type: its plural HubSpot name,
/// or a custom type's slug.
pub(crate) fn hubspot_name(object_type: &ObjectType) -> String {
    object_type
        .names
        .get("hubspot")
        .cloned()
        .unwrap_or_else(|| object_type.slug.clone())
}

/// Whether the HubSpot dialect serves records of the type: standard types with a HubSpot
/// objectTypeId, and every custom type.
fn is_served(object_type: &ObjectType) -> bool {
    !object_type.is_standard || object_type.names.contains_key(HUBSPOT_TYPE_ID)
}

/// The object type an identifier names, with the name messages use for it.
pub(crate) fn resolve<'a>(
    schema: &'a Schema,
    workspace: WorkspaceId,
    identifier: &str,
) -> Result<&'a ObjectType, ApiError> {
    let wanted = identifier.trim().to_ascii_lowercase();
    let plural = SINGULAR_NAMES
        .iter()
        .find(|(singular, _)| *singular == wanted)
        .map_or(wanted.as_str(), |(_, plural)| plural);
    let custom_slug = custom_slug(&wanted, workspace);
    let found = schema
        .object_types
        .iter()
        .filter(|object_type| is_served(object_type))
        .find(|object_type| {
            let named = |key: &str, value: &str| {
                object_type
                    .names
                    .get(key)
                    .is_some_and(|given| given.eq_ignore_ascii_case(value))
            };
            named("hubspot", plural)
                || named(HUBSPOT_TYPE_ID, &wanted)
                || (!object_type.is_standard
                    && custom_slug.is_some_and(|slug| object_type.slug.eq_ignore_ascii_case(slug)))
        });
    if let Some(object_type) = found {
        return Ok(object_type);
    }
    if let Some((plural, _, _)) = UNSUPPORTED_TYPES
        .iter()
        .find(|(plural, singular, id)| [*plural, *singular, *id].contains(&wanted.as_str()))
    {
        return Err(ApiError::with_status(
            StatusCode::NOT_IMPLEMENTED,
            "NOT_IMPLEMENTED",
            format!(
                "The object type {plural} is not supported by this crmd version: crmd's standard model has no {plural}."
            ),
        )
        .context("objectType", [identifier.to_owned()]));
    }
    if let Some((plural, _, _)) = LATER_STANDARD_TYPES
        .iter()
        .find(|(plural, singular, id)| [*plural, *singular, *id].contains(&wanted.as_str()))
    {
        return Err(ApiError::with_status(
            StatusCode::NOT_IMPLEMENTED,
            "NOT_IMPLEMENTED",
            format!(
                "The object type {plural} is not in this workspace's schema yet: a workspace created before crmd's standard model had {plural} gets them when a schema is next applied (`crmd schema apply`)."
            ),
        )
        .context("objectType", [identifier.to_owned()]));
    }
    Err(ApiError::new(
        ErrorCode::NotFound,
        format!("Unable to infer object type from: {identifier}"),
    )
    .context("objectType", [identifier.to_owned()]))
}

/// The slug a custom type identifier names: the bare slug, `p_<slug>`, or
/// `p<workspace id>_<slug>` for this workspace.
fn custom_slug(wanted: &str, workspace: WorkspaceId) -> Option<&str> {
    let Some(rest) = wanted.strip_prefix('p') else {
        return Some(wanted);
    };
    if let Some(slug) = rest.strip_prefix('_') {
        return Some(slug);
    }
    let digits = rest.split('_').next().unwrap_or_default();
    if !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()) {
        if digits != workspace.0.to_string() {
            return None;
        }
        return rest[digits.len()..].strip_prefix('_');
    }
    Some(wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crmd_service::schema_file;

    fn standard_schema() -> Schema {
        schema_file::resolve(
            &schema_file::standard().unwrap(),
            &schema_file::SchemaFile::default(),
            &Schema::default(),
        )
        .unwrap()
    }

    #[test]
    fn every_standard_type_resolves_by_plural_singular_and_type_id() {
        let schema = standard_schema();
        let workspace = WorkspaceId(1);
        for (plural, singular, type_id, slug) in [
            ("tickets", "ticket", "0-5", "ticket"),
            ("calls", "call", "0-48", "call"),
            ("emails", "email", "0-49", "email"),
            ("products", "product", "0-7", "product"),
            ("line_items", "line_item", "0-8", "line_item"),
            ("companies", "company", "0-2", "account"),
        ] {
            for identifier in [plural, singular, type_id, &plural.to_uppercase()] {
                let found =
                    resolve(&schema, workspace, identifier).map(|object_type| object_type.slug.as_str());
                assert_eq!(found.ok(), Some(slug), "{identifier}");
            }
        }
        let quotes = resolve(&schema, workspace, "quote").unwrap_err();
        assert_eq!(quotes.status, StatusCode::NOT_IMPLEMENTED);
        let unknown = resolve(&schema, workspace, "spaceships").unwrap_err();
        assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    }

    #[test]
    fn a_workspace_from_before_the_new_types_is_told_how_to_get_them() {
        let mut schema = standard_schema();
        schema
            .object_types
            .retain(|object_type| object_type.slug != "ticket");
        let error = resolve(&schema, WorkspaceId(1), "0-5").unwrap_err();
        assert_eq!(error.status, StatusCode::NOT_IMPLEMENTED);
        assert!(error.message.contains("crmd schema apply"), "{}", error.message);
    }

    #[test]
    fn custom_identifiers_name_their_slug() {
        let workspace = WorkspaceId(7);
        assert_eq!(custom_slug("cars", workspace), Some("cars"));
        assert_eq!(custom_slug("p_cars", workspace), Some("cars"));
        assert_eq!(custom_slug("p7_cars", workspace), Some("cars"));
        assert_eq!(custom_slug("p8_cars", workspace), None);
        assert_eq!(custom_slug("planes", workspace), Some("planes"));
        assert_eq!(custom_slug("p7", workspace), None);
    }
}
