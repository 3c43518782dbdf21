//! The Outreach resources crmd serves, the crmd object type behind each, and their
//! relationships.
//!
//! A resource's object type is the one whose `names.outreach` is the resource's `type`
//! (`prospect` → contact). Relationships are named here: to-one relationships carry
//! linkage and can be written; to-many relationships are a `related` link to the target
//! collection filtered by the inverse relationship, as Outreach renders them, and are
//! read-only.

/// Whether a relationship renders linkage or a `related` link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    ToOne,
    ToMany,
}

/// One relationship of a resource.
#[derive(Debug)]
pub(crate) struct RelationshipDef {
    /// The Outreach name (`account`).
    pub(crate) name: &'static str,
    /// The crmd relationship key on the resource's object type (`$account`).
    pub(crate) key: &'static str,
    pub(crate) kind: Kind,
    /// The target resource's plural (`accounts`).
    pub(crate) target: &'static str,
    /// The target's relationship back to this resource, for `related` links and filters.
    pub(crate) inverse: &'static str,
}

/// One Outreach resource.
#[derive(Debug)]
pub(crate) struct ResourceDef {
    /// The collection's path segment (`prospects`).
    pub(crate) plural: &'static str,
    /// The JSON:API `type` (`prospect`), also the object type's `names.outreach`.
    pub(crate) type_name: &'static str,
    /// Users are read-only: crmd members are managed by the workspace, not through the API.
    pub(crate) is_read_only: bool,
    pub(crate) relationships: &'static [RelationshipDef],
}

impl ResourceDef {
    pub(crate) fn relationship(&self, name: &str) -> Option<&'static RelationshipDef> {
        self.relationships
            .iter()
            .find(|relationship| relationship.name == name)
    }

    pub(crate) fn relationship_by_key(&self, key: &str) -> Option<&'static RelationshipDef> {
        self.relationships
            .iter()
            .find(|relationship| relationship.key == key)
    }
}

pub(crate) const PROSPECTS: ResourceDef = ResourceDef {
    plural: "prospects",
    type_name: "prospect",
    is_read_only: false,
    relationships: &[
        RelationshipDef {
            name: "account",
            key: "$account",
            kind: Kind::ToOne,
            target: "accounts",
            inverse: "prospects",
        },
        RelationshipDef {
            name: "owner",
            key: "$owner",
            kind: Kind::ToOne,
            target: "users",
            inverse: "",
        },
        RelationshipDef {
            name: "opportunities",
            key: "$opportunity",
            kind: Kind::ToMany,
            target: "opportunities",
            inverse: "prospects",
        },
    ],
};

pub(crate) const ACCOUNTS: ResourceDef = ResourceDef {
    plural: "accounts",
    type_name: "account",
    is_read_only: false,
    relationships: &[
        RelationshipDef {
            name: "owner",
            key: "$owner",
            kind: Kind::ToOne,
            target: "users",
            inverse: "",
        },
        RelationshipDef {
            name: "prospects",
            key: "$contact",
            kind: Kind::ToMany,
            target: "prospects",
            inverse: "account",
        },
        RelationshipDef {
            name: "opportunities",
            key: "$opportunity",
            kind: Kind::ToMany,
            target: "opportunities",
            inverse: "account",
        },
    ],
};

pub(crate) const OPPORTUNITIES: ResourceDef = ResourceDef {
    plural: "opportunities",
    type_name: "opportunity",
    is_read_only: false,
    relationships: &[
        RelationshipDef {
            name: "account",
            key: "$account",
            kind: Kind::ToOne,
            target: "accounts",
            inverse: "opportunities",
        },
        RelationshipDef {
            name: "owner",
            key: "$owner",
            kind: Kind::ToOne,
            target: "users",
            inverse: "",
        },
        RelationshipDef {
            name: "prospects",
            key: "$contact",
            kind: Kind::ToMany,
            target: "prospects",
            inverse: "opportunities",
        },
    ],
};

pub(crate) const USERS: ResourceDef = ResourceDef {
    plural: "users",
    type_name: "user",
    is_read_only: true,
    relationships: &[],
};

/// Every resource, in the order of the route table.
pub(crate) const ALL: [&ResourceDef; 4] = [&PROSPECTS, &ACCOUNTS, &OPPORTUNITIES, &USERS];

/// The resource with this plural (`prospects`).
pub(crate) fn by_plural(plural: &str) -> Option<&'static ResourceDef> {
    ALL.into_iter().find(|resource| resource.plural == plural)
}
