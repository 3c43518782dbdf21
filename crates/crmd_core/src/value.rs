//! Typed values, and their validation and normalization on write.
//!
//! [`normalize`] turns a written JSON value into the one stored form of its field's type,
//! [`parse_text`] does the same for values given as text (query strings, string-encoded
//! vendor properties), and [`Value::display_text`] renders a value for people.
//! Error messages say what is wrong with the value; the caller adds which field it was for.

mod compound;
mod datetime;
mod email;
mod link;
mod number;
mod phone;
mod select;
#[cfg(test)]
mod tests;

use crate::field_type::FieldType;
use crate::schema::FieldDef;
use crate::time::Timestamp;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value as Json;
use std::collections::HashSet;

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

/// A number as JSON: an integer when it has no fraction, else the nearest double.
pub fn number_to_json(number: Decimal) -> Json {
    use rust_decimal::prelude::ToPrimitive;
    let number = number.normalize();
    if number.scale() == 0
        && let Some(integer) = number.to_i64()
    {
        return Json::from(integer);
    }
    float_to_json(number.to_f64())
}

/// A float as JSON; null when it is not finite.
pub fn float_to_json(number: Option<f64>) -> Json {
    number
        .and_then(serde_json::Number::from_f64)
        .map_or(Json::Null, Json::Number)
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

/// The longest TEXT value, and the longest part of an address or a name, in characters.
pub const MAX_TEXT_CHARS: usize = 65_536;
/// The longest MARKDOWN or HTML value, in characters.
pub const MAX_LONG_TEXT_CHARS: usize = 1_000_000;

/// Validates a written value for `field` and returns its stored form.
///
/// JSON `null`, a blank string and an empty array return `Ok(None)`: the field is cleared.
/// Each field type's accepted inputs and stored variant are documented on [`Value`] and in
/// the tests of this module.
pub fn normalize(field: &FieldDef, input: &Json) -> Result<Option<Value>, ValueError> {
    if input.is_null() {
        return Ok(None);
    }
    match field.field_type {
        FieldType::Text => normalize_text(input, MAX_TEXT_CHARS, true),
        FieldType::Markdown | FieldType::Html => normalize_text(input, MAX_LONG_TEXT_CHARS, false),
        FieldType::Number | FieldType::Currency => number::normalize(field, input),
        FieldType::Checkbox => normalize_checkbox(input),
        FieldType::Datetime => datetime::normalize_datetime(input),
        FieldType::Date => datetime::normalize_date(input),
        FieldType::Email => normalize_strings(field, input, email::normalize),
        FieldType::Url => normalize_strings(field, input, link::normalize_url),
        FieldType::Telephone => normalize_strings(field, input, phone::normalize),
        FieldType::SocialHandle => link::normalize_handle(field.config.handle_service, input),
        FieldType::SingleSelect => select::normalize_single(field, input),
        FieldType::MultiSelect => select::normalize_multi(field, input),
        FieldType::Address => compound::normalize_address(input),
        FieldType::FullName => compound::normalize_full_name(input),
    }
}

/// Parses a value given as text, such as a query-string filter value or a vendor's
/// string-encoded property, into the same stored form as [`normalize`].
///
/// Blank text returns `Ok(None)`. Numbers are decimal strings, checkboxes `true` or `false`,
/// datetimes RFC 3339 or epoch milliseconds, dates `YYYY-MM-DD` or epoch milliseconds at
/// midnight UTC, multi-selects a `;`-separated list of option ids or labels, addresses a JSON
/// object, and full names a JSON object or a plain name.
pub fn parse_text(field: &FieldDef, text: &str) -> Result<Option<Value>, ValueError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(None);
    }
    let input = match field.field_type {
        FieldType::Datetime | FieldType::Date => match epoch_millis(trimmed) {
            Some(millis) => Json::from(millis),
            None => Json::from(trimmed),
        },
        FieldType::MultiSelect => Json::Array(
            trimmed
                .split(';')
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .map(Json::from)
                .collect(),
        ),
        FieldType::Address => match serde_json::from_str::<Json>(trimmed) {
            Ok(object @ Json::Object(_)) => object,
            Ok(_) | Err(_) => {
                return fail(format!(
                    "expected an address as a JSON object, got {}",
                    describe_str(trimmed)
                ));
            }
        },
        FieldType::FullName if trimmed.starts_with('{') => match serde_json::from_str::<Json>(trimmed) {
            Ok(object) => object,
            Err(_) => return fail(format!("{} is not a valid JSON object", describe_str(trimmed))),
        },
        FieldType::Text
        | FieldType::Markdown
        | FieldType::Html
        | FieldType::Number
        | FieldType::Currency
        | FieldType::Checkbox
        | FieldType::Email
        | FieldType::Url
        | FieldType::Telephone
        | FieldType::SocialHandle
        | FieldType::SingleSelect
        | FieldType::FullName => Json::from(text),
    };
    normalize(field, &input)
}

/// Epoch milliseconds written as digits with an optional minus sign.
fn epoch_millis(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

impl Value {
    /// The value as people read it: option labels instead of ids, "First Last", address
    /// parts joined with ", ", numbers in plain decimal, datetimes in RFC 3339.
    pub fn display_text(&self, field: &FieldDef) -> String {
        let option_label = |id: &str| {
            field
                .option(id)
                .map_or_else(|| id.to_owned(), |option| option.label.clone())
        };
        match self {
            Value::Text(text) => text.clone(),
            Value::Number(number) => number.normalize().to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Datetime(moment) => moment.to_rfc3339(),
            Value::Date(date) => date.format("%Y-%m-%d").to_string(),
            Value::Choice(id) => option_label(id),
            Value::Choices(ids) => ids
                .iter()
                .map(|id| option_label(id))
                .collect::<Vec<_>>()
                .join(", "),
            Value::List(items) => items.join(", "),
            Value::Address(address) => address.display(),
            Value::FullName(name) => name.display(),
        }
    }
}

impl Address {
    /// The set parts, from street to country, joined with ", ". The coordinates appear only
    /// when nothing else is set.
    pub fn display(&self) -> String {
        let parts: Vec<&str> = [
            &self.street,
            &self.street2,
            &self.city,
            &self.state,
            &self.postal_code,
            &self.country,
        ]
        .into_iter()
        .filter_map(|part| part.as_deref())
        .filter(|part| !part.is_empty())
        .collect();
        if !parts.is_empty() {
            return parts.join(", ");
        }
        match (self.latitude, self.longitude) {
            (Some(latitude), Some(longitude)) => format!("{latitude}, {longitude}"),
            (Some(coordinate), None) | (None, Some(coordinate)) => coordinate.to_string(),
            (None, None) => String::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self == &Address::default()
    }
}

fn fail<T>(message: impl Into<String>) -> Result<T, ValueError> {
    Err(ValueError(message.into()))
}

/// How messages quote an input: as JSON, with long values cut short.
fn describe(input: &Json) -> String {
    const MAX_CHARS: usize = 80;
    if let Json::String(text) = input {
        return describe_str(text);
    }
    let rendered = input.to_string();
    if rendered.chars().count() <= MAX_CHARS {
        return rendered;
    }
    let mut cut: String = rendered.chars().take(MAX_CHARS).collect();
    cut.push('…');
    cut
}

/// Quotes a string the way JSON does, cut short when long.
fn describe_str(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    if text.chars().count() <= MAX_CHARS {
        return Json::from(text).to_string();
    }
    let cut: String = text.chars().take(MAX_CHARS).collect();
    format!("{}…", Json::from(cut))
}

/// Checks free text: no NUL characters (databases refuse them) and at most `max_chars`.
fn check_text(text: &str, max_chars: usize) -> Result<(), ValueError> {
    if text.contains('\0') {
        return fail(format!("{} contains a NUL character", describe_str(text)));
    }
    let chars = text.chars().count();
    if chars > max_chars {
        return fail(format!(
            "text of {chars} characters exceeds the limit of {max_chars} characters"
        ));
    }
    Ok(())
}

/// TEXT trims surrounding whitespace; MARKDOWN and HTML keep the text exactly as given.
/// Either way, text that is only whitespace clears the field.
fn normalize_text(input: &Json, max_chars: usize, is_trimmed: bool) -> Result<Option<Value>, ValueError> {
    let Json::String(text) = input else {
        return fail(format!("expected a string, got {}", describe(input)));
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    let text = if is_trimmed { text.trim() } else { text.as_str() };
    check_text(text, max_chars)?;
    Ok(Some(Value::Text(text.to_owned())))
}

fn normalize_checkbox(input: &Json) -> Result<Option<Value>, ValueError> {
    match input {
        Json::Bool(flag) => Ok(Some(Value::Bool(*flag))),
        Json::String(text) if text.trim().is_empty() => Ok(None),
        Json::String(text) if text.trim().eq_ignore_ascii_case("true") => Ok(Some(Value::Bool(true))),
        Json::String(text) if text.trim().eq_ignore_ascii_case("false") => Ok(Some(Value::Bool(false))),
        Json::Null | Json::Number(_) | Json::String(_) | Json::Array(_) | Json::Object(_) => {
            fail(format!("expected true or false, got {}", describe(input)))
        }
    }
}

/// EMAIL, URL and TELEPHONE: one string or an array of strings, each normalized by `each`.
///
/// Blank strings are skipped and duplicates (compared case-insensitively) dropped, keeping
/// the first. A field that allows several values gets a `List`; any other gets `Text` and
/// refuses more than one distinct value.
fn normalize_strings(
    field: &FieldDef,
    input: &Json,
    each: fn(&str) -> Result<String, ValueError>,
) -> Result<Option<Value>, ValueError> {
    let texts: Vec<&str> = match input {
        Json::String(text) => vec![text.as_str()],
        Json::Array(items) => match items.iter().map(Json::as_str).collect::<Option<Vec<_>>>() {
            Some(texts) => texts,
            None => {
                return fail(format!(
                    "expected a string or an array of strings, got {}",
                    describe(input)
                ));
            }
        },
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::Object(_) => {
            return fail(format!(
                "expected a string or an array of strings, got {}",
                describe(input)
            ));
        }
    };
    let mut seen = HashSet::new();
    let mut values = Vec::new();
    for text in texts {
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let value = each(text)?;
        if seen.insert(value.to_lowercase()) {
            values.push(value);
        }
    }
    if field.is_multiple() {
        return Ok((!values.is_empty()).then_some(Value::List(values)));
    }
    let mut values = values.into_iter();
    match (values.next(), values.len()) {
        (None, _) => Ok(None),
        (Some(value), 0) => Ok(Some(Value::Text(value))),
        (Some(_), more) => fail(format!("field holds one value, got {} values", more + 1)),
    }
}
