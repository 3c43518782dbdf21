//! HubSpot's scope names over crmd's permissions.
//!
//! crmd keys carry crmd permissions (`contacts:read`, `custom_objects:create`). A 403 names
//! the HubSpot granular scopes that would grant the missing permission, in
//! `errors[0].context.requiredGranularScopes`, as HubSpot does. HubSpot's `.write` scopes
//! cover create, update, delete and, because reading the recycle bin needs it in crmd,
//! restore. Engagements (notes, tasks, meetings, calls, emails) fall under the contact
//! scopes, as HubSpot documents them.

/// The HubSpot scope family of each crmd permission resource.
const FAMILIES: [(&str, &str); 15] = [
    ("contacts", "crm.objects.contacts"),
    ("accounts", "crm.objects.companies"),
    ("opportunities", "crm.objects.deals"),
    ("notes", "crm.objects.contacts"),
    ("tasks", "crm.objects.contacts"),
    ("meetings", "crm.objects.contacts"),
    ("calls", "crm.objects.contacts"),
    ("emails", "crm.objects.contacts"),
    ("tickets", "crm.objects.tickets"),
    ("products", "crm.objects.products"),
    ("line_items", "crm.objects.line_items"),
    ("members", "crm.objects.owners"),
    ("lists", "crm.lists"),
    ("custom_objects", "crm.objects.custom"),
    ("schema", "crm.schemas.custom"),
];

/// The HubSpot scopes that grant a crmd permission (`contacts:read`).
pub(crate) fn hubspot_scopes(permission: &str) -> Vec<String> {
    let Some((resource, action)) = permission.split_once(':') else {
        return Vec::new();
    };
    let Some((_, family)) = FAMILIES.iter().find(|(known, _)| *known == resource) else {
        return Vec::new();
    };
    let suffix = if action == "read" { "read" } else { "write" };
    vec![format!("{family}.{suffix}")]
}

/// The crmd permissions a HubSpot scope grants, for documentation and key creation.
pub fn crmd_permissions(hubspot_scope: &str) -> Vec<String> {
    let Some((family, suffix)) = hubspot_scope.rsplit_once('.') else {
        return Vec::new();
    };
    let actions: &[&str] = match suffix {
        "read" => &["read"],
        "write" => &["create", "update", "delete", "restore"],
        _ => return Vec::new(),
    };
    FAMILIES
        .iter()
        .filter(|(_, known)| *known == family)
        .flat_map(|(resource, _)| actions.iter().map(move |action| format!("{resource}:{action}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn permissions_name_their_hubspot_scopes() {
        assert_eq!(hubspot_scopes("contacts:read"), ["crm.objects.contacts.read"]);
        assert_eq!(hubspot_scopes("accounts:create"), ["crm.objects.companies.write"]);
        assert_eq!(hubspot_scopes("notes:restore"), ["crm.objects.contacts.write"]);
        assert_eq!(
            hubspot_scopes("custom_objects:delete"),
            ["crm.objects.custom.write"]
        );
        assert!(hubspot_scopes("nothing:read").is_empty());
        assert!(hubspot_scopes("garbage").is_empty());
    }

    #[test]
    fn hubspot_scopes_grant_crmd_permissions() {
        expect![[r#"
            [
                "contacts:read",
                "notes:read",
                "tasks:read",
                "meetings:read",
                "calls:read",
                "emails:read",
            ]
        "#]]
        .assert_debug_eq(&crmd_permissions("crm.objects.contacts.read"));
        expect![[r#"
            [
                "opportunities:create",
                "opportunities:update",
                "opportunities:delete",
                "opportunities:restore",
            ]
        "#]]
        .assert_debug_eq(&crmd_permissions("crm.objects.deals.write"));
        assert!(crmd_permissions("tickets").is_empty());
        assert_eq!(crmd_permissions("crm.objects.tickets.read"), ["tickets:read"]);
        assert_eq!(
            hubspot_scopes("line_items:update"),
            ["crm.objects.line_items.write"]
        );
    }
}
