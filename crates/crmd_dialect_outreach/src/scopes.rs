//! Outreach's OAuth scope names over crmd's permissions.
//!
//! crmd keys carry crmd permissions (`contacts:read`). Outreach's scopes are
//! `<plural resource>.<read|write|delete|all>` and do not add up (`write` does not grant
//! `read`). A 403 names the Outreach scope that grants the missing permission:
//!
//! | Outreach scope | crmd permissions |
//! |---|---|
//! | `prospects.read` | `contacts:read` |
//! | `prospects.write` | `contacts:create`, `contacts:update` |
//! | `prospects.delete` | `contacts:delete` |
//! | `prospects.all` | all of the above, and `contacts:restore` |
//!
//! and the same for `accounts` (`accounts`), `opportunities` (`opportunities`) and `users`
//! (`members`).

/// The Outreach scope family of each crmd permission resource.
const FAMILIES: [(&str, &str); 4] = [
    ("contacts", "prospects"),
    ("accounts", "accounts"),
    ("opportunities", "opportunities"),
    ("members", "users"),
];

/// The Outreach scope that grants a crmd permission (`contacts:read` → `prospects.read`).
pub(crate) fn outreach_scope(permission: &str) -> Option<String> {
    let (resource, action) = permission.split_once(':')?;
    let (_, family) = FAMILIES.iter().find(|(known, _)| *known == resource)?;
    let suffix = match action {
        "read" => "read",
        "create" | "update" => "write",
        "delete" => "delete",
        _ => "all",
    };
    Some(format!("{family}.{suffix}"))
}

/// The crmd permissions an Outreach scope grants, for documentation and key creation.
pub fn crmd_permissions(outreach_scope: &str) -> Vec<String> {
    let Some((family, suffix)) = outreach_scope.split_once('.') else {
        return Vec::new();
    };
    let actions: &[&str] = match suffix {
        "read" => &["read"],
        "write" => &["create", "update"],
        "delete" => &["delete"],
        "all" => &["read", "create", "update", "delete", "restore"],
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

    #[test]
    fn permissions_name_their_outreach_scope() {
        assert_eq!(outreach_scope("contacts:read").as_deref(), Some("prospects.read"));
        assert_eq!(
            outreach_scope("accounts:create").as_deref(),
            Some("accounts.write")
        );
        assert_eq!(
            outreach_scope("opportunities:update").as_deref(),
            Some("opportunities.write")
        );
        assert_eq!(
            outreach_scope("contacts:delete").as_deref(),
            Some("prospects.delete")
        );
        assert_eq!(
            outreach_scope("contacts:restore").as_deref(),
            Some("prospects.all")
        );
        assert_eq!(outreach_scope("members:read").as_deref(), Some("users.read"));
        assert_eq!(outreach_scope("notes:read"), None);
        assert_eq!(outreach_scope("garbage"), None);
    }

    #[test]
    fn outreach_scopes_grant_crmd_permissions() {
        assert_eq!(crmd_permissions("prospects.read"), ["contacts:read"]);
        assert_eq!(
            crmd_permissions("accounts.write"),
            ["accounts:create", "accounts:update"]
        );
        assert_eq!(crmd_permissions("opportunities.delete"), ["opportunities:delete"]);
        assert_eq!(
            crmd_permissions("users.all"),
            [
                "members:read",
                "members:create",
                "members:update",
                "members:delete",
                "members:restore"
            ]
        );
        assert!(crmd_permissions("sequences.read").is_empty());
        assert!(crmd_permissions("prospects").is_empty());
        assert!(crmd_permissions("prospects.admin").is_empty());
    }
}
