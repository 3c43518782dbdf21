//! HubSpot properties ⇄ crmd values, in both directions.
//!
//! Every property value is a string on the wire: numbers in plain decimal, checkboxes
//! `true`/`false`, datetimes in RFC 3339 UTC with milliseconds, dates `YYYY-MM-DD`, selects
//! their option id, multi-selects and multi-valued emails, phones and URLs `;`-joined, and
//! a custom ADDRESS field a JSON object. On input, `""` and `null` clear a value, and JSON
//! numbers and booleans are taken as their text.
//!
//! A relationship property (`hubspot_owner_id`) reads the related record's id and writes
//! the relationship; a pipeline property reads the pipeline of the record's stage; a line
//! item's `amount` is calculated from its quantity, price and discount.

use crate::error::{ApiError, PropertyProblem};
use crate::properties::{
    AddressPart, Catalog, LINE_ITEM_DISCOUNT, LINE_ITEM_DISCOUNT_PERCENTAGE, LINE_ITEM_PRICE,
    LINE_ITEM_QUANTITY, NamePart, Source,
};
use crate::wire;
use crmd_core::{Address, FieldDef, FieldType, Record, RecordId, Value};
use crmd_service::{FieldInput, RecordInput, RelationshipInput, RelationshipOp};
use rust_decimal::Decimal;
use serde_json::{Map, Value as Json, json};
use std::collections::BTreeMap;

/// Which properties a read returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// The type's default set (no `properties` parameter).
    Default,
    /// The named ones that exist, plus the system properties.
    Named(Vec<String>),
    /// Every property with a value, plus the system properties (create and update answers).
    Set,
}

impl Selection {
    /// `properties` as a read received it: absent or empty means the default set.
    pub(crate) fn from_names(names: Option<Vec<String>>) -> Selection {
        match names {
            Some(names) if !names.is_empty() => Selection::Named(names),
            Some(_) | None => Selection::Default,
        }
    }
}

/// A record as HubSpot shows it, without `propertiesWithHistory`.
pub(crate) fn object(catalog: &Catalog, record: &Record, selection: &Selection) -> wire::SimplePublicObject {
    let mut properties = BTreeMap::new();
    match selection {
        Selection::Default => {
            for name in catalog.default_names() {
                if let Some(source) = catalog.property(name) {
                    properties.insert(name.to_owned(), read(record, source));
                }
            }
        }
        Selection::Named(names) => {
            for (name, source) in catalog.properties() {
                if source.is_system() || names.iter().any(|wanted| wanted == name) {
                    properties.insert(name.to_owned(), read(record, source));
                }
            }
        }
        Selection::Set => {
            for (name, source) in catalog.properties() {
                if let Some(value) = read(record, source) {
                    properties.insert(name.to_owned(), Some(value));
                }
            }
        }
    }
    wire::SimplePublicObject {
        id: record.id.to_string(),
        properties,
        properties_with_history: None,
        created_at: record.created_at.to_rfc3339(),
        updated_at: record.updated_at.to_rfc3339(),
        archived: record.is_trashed(),
        archived_at: record.trashed_at.map(|moment| moment.to_rfc3339()),
        object_write_trace_id: None,
        new: None,
        associations: None,
    }
}

/// The value of one property of a record, as a string.
pub(crate) fn read(record: &Record, source: &Source) -> Option<String> {
    match source {
        Source::Id => Some(record.id.to_string()),
        Source::CreatedAt => Some(record.created_at.to_rfc3339()),
        Source::UpdatedAt => Some(record.updated_at.to_rfc3339()),
        Source::Field(key) => record.value(key).map(value_text),
        Source::NamePart(key, part) => match record.value(key)? {
            Value::FullName(name) => match part {
                NamePart::First => name.first_name.clone(),
                NamePart::Last => name.last_name.clone(),
            },
            Value::Text(_)
            | Value::Number(_)
            | Value::Bool(_)
            | Value::Datetime(_)
            | Value::Date(_)
            | Value::Choice(_)
            | Value::Choices(_)
            | Value::List(_)
            | Value::Address(_) => None,
        },
        Source::AddressPart(key, part) => match record.value(key)? {
            Value::Address(address) => address_part(address, *part).clone(),
            Value::Text(_)
            | Value::Number(_)
            | Value::Bool(_)
            | Value::Datetime(_)
            | Value::Date(_)
            | Value::Choice(_)
            | Value::Choices(_)
            | Value::List(_)
            | Value::FullName(_) => None,
        },
        Source::Related(key) => {
            let ids = record.related(key);
            (!ids.is_empty()).then(|| ids.iter().map(RecordId::to_string).collect::<Vec<_>>().join(";"))
        }
        Source::Pipeline {
            stage_key, parents, ..
        } => match record.value(stage_key)? {
            Value::Choice(stage) => parents
                .iter()
                .find(|(known, _)| known == stage)
                .map(|(_, pipeline)| pipeline.clone()),
            Value::Text(_)
            | Value::Number(_)
            | Value::Bool(_)
            | Value::Datetime(_)
            | Value::Date(_)
            | Value::Choices(_)
            | Value::List(_)
            | Value::Address(_)
            | Value::FullName(_) => None,
        },
        Source::LineItemAmount => line_item_amount(record).map(|amount| amount.normalize().to_string()),
    }
}

/// A line item's net price: `quantity` × `price`, less the discount percentage when it is
/// set, else less `quantity` × the unit `discount`. `None` without a quantity and a price.
fn line_item_amount(record: &Record) -> Option<Decimal> {
    let number = |key: &str| match record.value(key) {
        Some(Value::Number(number)) => Some(*number),
        Some(_) | None => None,
    };
    let quantity = number(LINE_ITEM_QUANTITY)?;
    let price = number(LINE_ITEM_PRICE)?;
    let gross = quantity.checked_mul(price)?;
    if let Some(percentage) = number(LINE_ITEM_DISCOUNT_PERCENTAGE) {
        let kept = Decimal::ONE_HUNDRED.checked_sub(percentage)?;
        return gross.checked_mul(kept)?.checked_div(Decimal::ONE_HUNDRED);
    }
    match number(LINE_ITEM_DISCOUNT) {
        Some(discount) => gross.checked_sub(quantity.checked_mul(discount)?),
        None => Some(gross),
    }
}

fn address_part(address: &Address, part: AddressPart) -> &Option<String> {
    match part {
        AddressPart::Street => &address.street,
        AddressPart::Street2 => &address.street2,
        AddressPart::City => &address.city,
        AddressPart::State => &address.state,
        AddressPart::PostalCode => &address.postal_code,
        AddressPart::Country => &address.country,
    }
}

/// A whole value as a HubSpot property string.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Number(number) => number.normalize().to_string(),
        Value::Bool(flag) => flag.to_string(),
        Value::Datetime(moment) => moment.to_rfc3339(),
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        Value::Choice(id) => id.clone(),
        Value::Choices(ids) => ids.join(";"),
        Value::List(items) => items.join(";"),
        Value::Address(address) => address_json(address).to_string(),
        // A custom FULL_NAME field is one property: the name as people write it.
        Value::FullName(name) => name.display(),
    }
}

/// An address in crmd's canonical JSON shape, set parts only.
fn address_json(address: &Address) -> Json {
    let mut object = Map::new();
    for part in [
        AddressPart::Street,
        AddressPart::Street2,
        AddressPart::City,
        AddressPart::State,
        AddressPart::PostalCode,
        AddressPart::Country,
    ] {
        if let Some(text) = address_part(address, part) {
            object.insert(part.key().to_owned(), json!(text));
        }
    }
    if let Some(latitude) = address.latitude {
        object.insert("latitude".to_owned(), json!(latitude));
    }
    if let Some(longitude) = address.longitude {
        object.insert("longitude".to_owned(), json!(longitude));
    }
    Json::Object(object)
}

/// A property value as text: strings as they are, numbers and booleans as their JSON text,
/// `null` as `""` (which clears).
fn property_text(name: &str, value: &Json) -> Result<String, PropertyProblem> {
    match value {
        Json::Null => Ok(String::new()),
        Json::String(text) => Ok(text.clone()),
        Json::Number(number) => Ok(number.to_string()),
        Json::Bool(flag) => Ok(flag.to_string()),
        Json::Array(_) | Json::Object(_) => Err(PropertyProblem {
            name: name.to_owned(),
            code: "INVALID_PROPERTY_VALUE",
            message: format!("Property \"{name}\" takes a string value, got {value}"),
        }),
    }
}

/// A create (`current` is `None`) or update from HubSpot `properties`. Parts of a compound
/// value (`firstname`, `city`) merge into the record's current value.
pub(crate) fn record_input(
    catalog: &Catalog,
    properties: &Map<String, Json>,
    current: Option<&Record>,
) -> Result<RecordInput, ApiError> {
    let mut problems = Vec::new();
    let mut fields: Vec<(String, FieldInput)> = Vec::new();
    let mut input = RecordInput::default();
    // Compound values being assembled, by field key.
    let mut compounds: BTreeMap<String, Map<String, Json>> = BTreeMap::new();
    for (name, value) in properties {
        let Some(source) = catalog.property(name) else {
            problems.push(PropertyProblem {
                name: name.clone(),
                code: "PROPERTY_DOESNT_EXIST",
                message: format!("Property \"{name}\" does not exist"),
            });
            continue;
        };
        if let Source::Related(key) = source {
            match related_input(catalog, name, key, value, current.is_none()) {
                Ok(Link::Request(link)) => input.relationships.push(link),
                Ok(Link::Server(id)) => input.server_links.push((key.clone(), id)),
                Ok(Link::Nothing) => {}
                Err(problem) => problems.push(problem),
            }
            continue;
        }
        let Some(field) = source
            .field_key()
            .and_then(|key| catalog.object_type().field(key))
        else {
            problems.push(read_only(name));
            continue;
        };
        if field.is_read_only {
            problems.push(read_only(name));
            continue;
        }
        let text = match property_text(name, value) {
            Ok(text) => text,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        match source {
            Source::Field(key) | Source::Pipeline { key, .. } => {
                if field.field_type == FieldType::Date
                    && let Some(problem) = not_midnight(name, &text)
                {
                    problems.push(problem);
                    continue;
                }
                fields.push((key.clone(), field_input(field, text)));
            }
            Source::NamePart(key, part) => {
                let parts = compounds
                    .entry(key.clone())
                    .or_insert_with(|| current_parts(current, key));
                let part_key = match part {
                    NamePart::First => "firstName",
                    NamePart::Last => "lastName",
                };
                parts.insert(part_key.to_owned(), json!(text));
            }
            Source::AddressPart(key, part) => {
                let parts = compounds
                    .entry(key.clone())
                    .or_insert_with(|| current_parts(current, key));
                parts.insert(part.key().to_owned(), json!(text));
            }
            Source::Id
            | Source::CreatedAt
            | Source::UpdatedAt
            | Source::Related(_)
            | Source::LineItemAmount => problems.push(read_only(name)),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::invalid_properties(problems));
    }
    for (key, parts) in compounds {
        let is_blank = parts
            .values()
            .all(|part| part.is_null() || part.as_str().is_some_and(|text| text.trim().is_empty()));
        let value = if is_blank { Json::Null } else { Json::Object(parts) };
        fields.push((key, FieldInput::Json(value)));
    }
    input.fields = fields;
    Ok(input)
}

/// How a relationship property's value is written.
enum Link {
    /// A relationship operation of the request.
    Request(RelationshipInput),
    /// A link the server makes on create, for a relationship end that is read-only in
    /// crmd (a note's author): allowed on creates only.
    Server(RecordId),
    /// A cleared value on a create: nothing to write.
    Nothing,
}

/// The write of a relationship property (`hubspot_owner_id`): a record id, or `""` / `null`
/// to clear it.
fn related_input(
    catalog: &Catalog,
    name: &str,
    key: &str,
    value: &Json,
    is_create: bool,
) -> Result<Link, PropertyProblem> {
    let text = property_text(name, value)?;
    let text = text.trim();
    let invalid = || {
        let is_owner = name == OWNER_PROPERTY;
        PropertyProblem {
            name: name.to_owned(),
            code: if is_owner {
                "INVALID_OWNER_ID"
            } else {
                "INVALID_PROPERTY_VALUE"
            },
            message: if is_owner {
                format!("{text} is not a valid owner id")
            } else {
                format!("{text} is not a valid record id for \"{name}\"")
            },
        }
    };
    let id = if text.is_empty() {
        None
    } else {
        Some(crate::handlers::parse_record_id(text).ok_or_else(invalid)?)
    };
    let object_type = catalog.object_type();
    let is_read_only = object_type
        .schema()
        .relationship(&object_type.slug, key)
        .is_none_or(|side| side.end().is_read_only);
    match (is_read_only, is_create, id) {
        (false, _, id) => Ok(Link::Request(RelationshipInput {
            key: key.to_owned(),
            op: RelationshipOp::Replace(id.into_iter().collect()),
        })),
        (true, true, Some(id)) => Ok(Link::Server(id)),
        (true, true, None) => Ok(Link::Nothing),
        (true, false, _) => Err(PropertyProblem {
            name: name.to_owned(),
            code: "READ_ONLY_VALUE",
            message: format!(
                "\"{name}\" of a {} is set when it is created and cannot be changed",
                catalog.singular_label().to_lowercase()
            ),
        }),
    }
}

/// HubSpot's owner property.
pub(crate) const OWNER_PROPERTY: &str = "hubspot_owner_id";

/// A crmd member as a HubSpot owner. The owner's `id` and `userId` are both the member's
/// record id, so that an owner id written to `hubspot_owner_id` names the member.
pub(crate) fn owner(member: &Record) -> wire::Owner {
    let (first_name, last_name) = match member.value("$name") {
        Some(Value::FullName(name)) => (name.first_name.clone(), name.last_name.clone()),
        Some(_) | None => (None, None),
    };
    let id = member.id.get();
    wire::Owner {
        id: id.to_string(),
        email: member.value("$email").map(value_text),
        first_name,
        last_name,
        user_id: (!member.is_trashed()).then_some(id),
        user_id_including_inactive: id,
        r#type: "PERSON",
        created_at: member.created_at.to_rfc3339(),
        updated_at: member.updated_at.to_rfc3339(),
        archived: member.is_trashed(),
        teams: Vec::new(),
    }
}

/// HubSpot's refusal of a date given as epoch milliseconds that are not at midnight UTC:
/// `1496643178000 is at 6:12:58.0 UTC, not midnight!` (the time without zero padding).
fn not_midnight(name: &str, text: &str) -> Option<PropertyProblem> {
    const DAY_MILLIS: i64 = 86_400_000;
    let millis: i64 = text.trim().parse().ok()?;
    let of_day = millis.rem_euclid(DAY_MILLIS);
    if of_day == 0 {
        return None;
    }
    let (hours, minutes) = (of_day / 3_600_000, of_day / 60_000 % 60);
    let (seconds, fraction) = (of_day / 1000 % 60, of_day % 1000);
    Some(PropertyProblem {
        name: name.to_owned(),
        code: "INVALID_DATE",
        message: format!(
            "{} is at {hours}:{minutes}:{seconds}.{fraction} UTC, not midnight!",
            text.trim()
        ),
    })
}

fn read_only(name: &str) -> PropertyProblem {
    PropertyProblem {
        name: name.to_owned(),
        code: "READ_ONLY_VALUE",
        message: format!("\"{name}\" is a read only property; its value cannot be set."),
    }
}

/// A whole field's input from its property text. Multi-valued emails, phones and URLs
/// take a `;`-joined list.
fn field_input(field: &FieldDef, text: String) -> FieldInput {
    if field.field_type != FieldType::MultiSelect && field.is_multiple() {
        let items: Vec<Json> = text
            .split(';')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(Json::from)
            .collect();
        return FieldInput::Json(if items.is_empty() {
            Json::Null
        } else {
            Json::Array(items)
        });
    }
    FieldInput::Text(text)
}

/// The current parts of a compound value, in crmd's canonical JSON shape.
fn current_parts(current: Option<&Record>, key: &str) -> Map<String, Json> {
    match current.and_then(|record| record.value(key)) {
        Some(Value::FullName(name)) => {
            let mut parts = Map::new();
            if let Some(first) = &name.first_name {
                parts.insert("firstName".to_owned(), json!(first));
            }
            if let Some(last) = &name.last_name {
                parts.insert("lastName".to_owned(), json!(last));
            }
            parts
        }
        Some(Value::Address(address)) => match address_json(address) {
            Json::Object(parts) => parts,
            Json::Null | Json::Bool(_) | Json::Number(_) | Json::String(_) | Json::Array(_) => Map::new(),
        },
        Some(
            Value::Text(_)
            | Value::Number(_)
            | Value::Bool(_)
            | Value::Datetime(_)
            | Value::Date(_)
            | Value::Choice(_)
            | Value::Choices(_)
            | Value::List(_),
        )
        | None => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_items_amount_needs_a_quantity_and_a_price() {
        let item = |values: &[(&str, &str)]| Record {
            values: values
                .iter()
                .map(|(key, number)| ((*key).to_owned(), Value::Number(number.parse().unwrap())))
                .collect(),
            id: RecordId(1),
            object_type: "line_item".to_owned(),
            relationships: BTreeMap::new(),
            created_at: crmd_core::Timestamp(0),
            updated_at: crmd_core::Timestamp(0),
            trashed_at: None,
            external_id: None,
        };
        let amount = |values: &[(&str, &str)]| {
            line_item_amount(&item(values)).map(|amount| amount.normalize().to_string())
        };
        assert_eq!(
            amount(&[("$quantity", "2"), ("$price", "9.99")]).as_deref(),
            Some("19.98")
        );
        assert_eq!(
            amount(&[("$quantity", "2"), ("$price", "10"), ("$discount", "1.5")]).as_deref(),
            Some("17")
        );
        assert_eq!(
            amount(&[
                ("$quantity", "4"),
                ("$price", "10"),
                ("$discount", "1"),
                ("$discountPercentage", "25")
            ])
            .as_deref(),
            Some("30"),
            "the percentage wins over the unit discount"
        );
        assert_eq!(amount(&[("$price", "10")]), None);
        assert_eq!(amount(&[("$quantity", "1")]), None);
    }

    #[test]
    fn dates_off_midnight_are_refused_in_hubspot_words() {
        let message = |text: &str| not_midnight("day", text).map(|problem| problem.message);
        assert_eq!(
            message("1496643178000").as_deref(),
            Some("1496643178000 is at 6:12:58.0 UTC, not midnight!")
        );
        assert_eq!(message("1430438400000"), None);
        assert_eq!(message("2015-05-01"), None);
        assert_eq!(
            message("14400000").as_deref(),
            Some("14400000 is at 4:0:0.0 UTC, not midnight!")
        );
    }
}
