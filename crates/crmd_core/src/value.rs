//! Typed values, and their validation and normalization on write.

use crate::time::Timestamp;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A stored value of one field. Which variant a field holds follows from its type:
///
/// | field type | variant |
/// |---|---|
/// | TEXT, MARKDOWN, HTML, SOCIAL_HANDLE | `Text` |
/// | EMAIL, URL, TELEPHONE | `Text`, or `List` when the field allows several values |
/// | NUMBER, CURRENCY | `Number` |
/// | CHECKBOX | `Bool` |
/// | DATETIME | `Datetime` |
/// | DATE | `Date` |
/// | SINGLE_SELECT | `Choice` (an option id) |
/// | MULTI_SELECT | `Choices` (option ids, in the field's option order) |
/// | ADDRESS | `Address` |
/// | FULL_NAME | `FullName` |
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(Decimal),
    Bool(bool),
    Datetime(Timestamp),
    Date(NaiveDate),
    Choice(String),
    Choices(Vec<String>),
    List(Vec<String>),
    Address(Address),
    FullName(FullName),
}

/// A postal address. `country` is an ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Address {
    pub street: Option<String>,
    pub street2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// A person's name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FullName {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
}

impl FullName {
    /// "First Last", skipping missing parts.
    pub fn display(&self) -> String {
        [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Why a value was refused. The message says what is wrong with the value; the caller
/// adds which field it was for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);
