//! Value types of fields and relationship cardinalities.

/// The type of a field's values.
///
/// The 14 Lightfield types, plus `Html` (email bodies) and `Date` (HubSpot `date` properties).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    Address,
    Checkbox,
    Currency,
    Date,
    Datetime,
    Email,
    FullName,
    Html,
    Markdown,
    MultiSelect,
    Number,
    SingleSelect,
    SocialHandle,
    Telephone,
    Text,
    Url,
}

impl FieldType {
    pub const ALL: [FieldType; 16] = [
        FieldType::Address,
        FieldType::Checkbox,
        FieldType::Currency,
        FieldType::Date,
        FieldType::Datetime,
        FieldType::Email,
        FieldType::FullName,
        FieldType::Html,
        FieldType::Markdown,
        FieldType::MultiSelect,
        FieldType::Number,
        FieldType::SingleSelect,
        FieldType::SocialHandle,
        FieldType::Telephone,
        FieldType::Text,
        FieldType::Url,
    ];

    /// The upper-case name used in schema files (`SINGLE_SELECT`).
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Address => "ADDRESS",
            FieldType::Checkbox => "CHECKBOX",
            FieldType::Currency => "CURRENCY",
            FieldType::Date => "DATE",
            FieldType::Datetime => "DATETIME",
            FieldType::Email => "EMAIL",
            FieldType::FullName => "FULL_NAME",
            FieldType::Html => "HTML",
            FieldType::Markdown => "MARKDOWN",
            FieldType::MultiSelect => "MULTI_SELECT",
            FieldType::Number => "NUMBER",
            FieldType::SingleSelect => "SINGLE_SELECT",
            FieldType::SocialHandle => "SOCIAL_HANDLE",
            FieldType::Telephone => "TELEPHONE",
            FieldType::Text => "TEXT",
            FieldType::Url => "URL",
        }
    }

    pub fn parse(name: &str) -> Option<FieldType> {
        FieldType::ALL
            .into_iter()
            .find(|field_type| field_type.as_str() == name)
    }

    /// Whether the type may hold several values when its field allows it.
    pub fn supports_multiple(self) -> bool {
        matches!(self, FieldType::Email | FieldType::Telephone | FieldType::Url)
    }

    /// Whether the type can carry a uniqueness constraint.
    pub fn supports_unique(self) -> bool {
        matches!(
            self,
            FieldType::Email
                | FieldType::Telephone
                | FieldType::Url
                | FieldType::Text
                | FieldType::Number
                | FieldType::SocialHandle
        )
    }

    /// Whether values are a compound object stored as one JSON document.
    pub fn is_compound(self) -> bool {
        matches!(self, FieldType::Address | FieldType::FullName)
    }

    /// Long free text that is neither indexed nor filterable.
    pub fn is_long_text(self) -> bool {
        matches!(self, FieldType::Markdown | FieldType::Html)
    }
}

/// How many records one end of a relationship may point to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cardinality {
    HasOne,
    HasMany,
}

impl Cardinality {
    pub fn as_str(self) -> &'static str {
        match self {
            Cardinality::HasOne => "HAS_ONE",
            Cardinality::HasMany => "HAS_MANY",
        }
    }

    pub fn parse(name: &str) -> Option<Cardinality> {
        match name {
            "HAS_ONE" => Some(Cardinality::HasOne),
            "HAS_MANY" => Some(Cardinality::HasMany),
            _ => None,
        }
    }
}

/// The service a SOCIAL_HANDLE field holds profile URLs of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HandleService {
    Twitter,
    Linkedin,
    Facebook,
    Instagram,
}

impl HandleService {
    pub fn as_str(self) -> &'static str {
        match self {
            HandleService::Twitter => "TWITTER",
            HandleService::Linkedin => "LINKEDIN",
            HandleService::Facebook => "FACEBOOK",
            HandleService::Instagram => "INSTAGRAM",
        }
    }

    pub fn parse(name: &str) -> Option<HandleService> {
        match name {
            "TWITTER" => Some(HandleService::Twitter),
            "LINKEDIN" => Some(HandleService::Linkedin),
            "FACEBOOK" => Some(HandleService::Facebook),
            "INSTAGRAM" => Some(HandleService::Instagram),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for field_type in FieldType::ALL {
            assert_eq!(FieldType::parse(field_type.as_str()), Some(field_type));
        }
        assert_eq!(FieldType::parse("READONLY_MARKDOWN"), None);
        assert_eq!(Cardinality::parse("has_one"), None);
    }
}
