//! Filter, sort and page types.

use crmd_core::{RecordId, Value};

/// A whole query over the records of one object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub filter: Option<Filter>,
    /// Applied in order; the record id is always the last tie-break, in the direction of the
    /// last key (ascending when there are no keys).
    pub sort: Vec<SortKey>,
    pub page: Page,
    /// Whether to count every match, not just this page.
    pub with_total: bool,
    pub trashed: Trashed,
}

impl Query {
    /// Every active record, newest first, one page of `limit`.
    pub fn newest_first(limit: u32) -> Query {
        Query {
            filter: None,
            sort: vec![SortKey {
                target: Target::CreatedAt,
                is_descending: true,
            }],
            page: Page::Offset { offset: 0, limit },
            with_total: false,
            trashed: Trashed::Exclude,
        }
    }
}

/// Which records a query sees by their trash state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trashed {
    /// Only active records (the default everywhere).
    Exclude,
    /// Only records in the trash.
    Only,
    /// Both.
    Include,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Page {
    /// Skip `offset` matches, then return up to `limit`.
    Offset { offset: u64, limit: u32 },
    /// Return up to `limit` matches after the cursor (from the start when `None`).
    After { cursor: Option<Cursor>, limit: u32 },
}

impl Page {
    pub fn limit(&self) -> u32 {
        match self {
            Page::Offset { limit, .. } | Page::After { limit, .. } => *limit,
        }
    }
}

use crate::cursor::Cursor;

/// A sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub target: Target,
    pub is_descending: bool,
}

/// What a predicate or sort key looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A field, by key.
    Field(String),
    Id,
    CreatedAt,
    UpdatedAt,
    /// One part of a compound field's value (FULL_NAME or ADDRESS), compared as text.
    Part {
        key: String,
        part: Part,
    },
}

/// A part of a compound value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    FirstName,
    LastName,
    Street,
    Street2,
    City,
    State,
    PostalCode,
    Country,
}

impl Part {
    /// Whether the part belongs to FULL_NAME values (else to ADDRESS values).
    pub fn is_name_part(self) -> bool {
        matches!(self, Part::FirstName | Part::LastName)
    }
}

/// A boolean tree of predicates.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    /// A predicate on a field or a system attribute of the record.
    Cond {
        target: Target,
        op: Op,
    },
    /// A predicate on the records related through the relationship the type calls `key`.
    Related {
        key: String,
        op: RelatedOp,
    },
    /// Full-text search: every word of `text` is the start of a word (case-insensitively) in
    /// at least one of the fields `keys`; the words may be in different fields. Text with
    /// no words matches every record; no keys match none.
    Search {
        keys: Vec<String>,
        text: String,
    },
}

/// A predicate on one value. Comparison values are normalized values of the target's type
/// (`Value::Number` for NUMBER, `Value::Datetime` for DATETIME, option ids for selects).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    Eq(Value),
    Lt(Value),
    Lte(Value),
    Gt(Value),
    Gte(Value),
    /// Equal to any of the values.
    In(Vec<Value>),
    /// Text starts with the prefix, case-insensitively. An empty prefix means "set and non-empty".
    StartsWith(String),
    /// Text, or any element of a list, contains the fragment, case-insensitively.
    Contains(String),
    /// Any whole word of the text matches the token; `*` is a wildcard.
    ContainsToken(String),
    /// The value is set (not null, not empty).
    IsSet,
}

/// A predicate on the related records of one relationship.
#[derive(Debug, Clone, PartialEq)]
pub enum RelatedOp {
    /// Related to at least one of these records.
    AnyOf(Vec<RecordId>),
    /// Related to at least one record that matches the filter (evaluated on the related type).
    Matches(Box<Filter>),
    /// Related to at least one record.
    IsSet,
}
