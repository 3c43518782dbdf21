//! The storage encoding of values as JSON, shared by every backend for compound values,
//! field history and the change log.
//!
//! | variant | JSON |
//! |---|---|
//! | `Text`, `Choice` | string |
//! | `Number` | string holding the exact decimal (`"1250.5"`), so no precision is lost |
//! | `Bool` | `true` / `false` |
//! | `Datetime` | RFC 3339 string with milliseconds and `Z` |
//! | `Date` | `"YYYY-MM-DD"` |
//! | `Choices`, `List` | array of strings |
//! | `Address` | object with `street`, `street2`, `city`, `state`, `postal_code`, `country`, `latitude`, `longitude`; unset parts are left out |
//! | `FullName` | object with `first_name`, `last_name`; unset parts are left out |
//!
//! Decoding needs the field's type, because several variants share a JSON shape.
//! It is lenient where that costs nothing (a number may also be a JSON number, a datetime
//! may also be epoch milliseconds) and answers `None` for anything it cannot read.

use chrono::NaiveDate;
use crmd_core::{Address, FieldType, FullName, Timestamp, Value};
use rust_decimal::Decimal;
use serde_json::{Map, Value as Json};
use std::str::FromStr;

/// Encodes a value in the storage JSON encoding.
pub fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Text(text) | Value::Choice(text) => Json::String(text.clone()),
        Value::Number(number) => Json::String(number.normalize().to_string()),
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Datetime(moment) => Json::String(moment.to_rfc3339()),
        Value::Date(day) => Json::String(day.format("%Y-%m-%d").to_string()),
        Value::Choices(items) | Value::List(items) => {
            Json::Array(items.iter().cloned().map(Json::String).collect())
        }
        Value::Address(address) => address_to_json(address),
        Value::FullName(name) => full_name_to_json(name),
    }
}

/// Decodes a value of a field of `field_type` (holding a list when `is_multiple`).
/// `None` for JSON `null` and for JSON that is not a value of that type.
pub fn value_from_json(field_type: FieldType, is_multiple: bool, json: &Json) -> Option<Value> {
    if json.is_null() {
        return None;
    }
    match field_type {
        FieldType::Text | FieldType::Markdown | FieldType::Html | FieldType::SocialHandle => {
            json.as_str().map(|text| Value::Text(text.to_owned()))
        }
        FieldType::Email | FieldType::Url | FieldType::Telephone => {
            if is_multiple {
                string_list(json).map(Value::List)
            } else {
                json.as_str().map(|text| Value::Text(text.to_owned()))
            }
        }
        FieldType::Number | FieldType::Currency => decimal_from_json(json).map(Value::Number),
        FieldType::Checkbox => json.as_bool().map(Value::Bool),
        FieldType::Datetime => match json {
            Json::String(text) => Timestamp::parse_rfc3339(text).map(Value::Datetime),
            Json::Number(number) => number.as_i64().map(|millis| Value::Datetime(Timestamp(millis))),
            Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_) => None,
        },
        FieldType::Date => json
            .as_str()
            .and_then(|text| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
            .map(Value::Date),
        FieldType::SingleSelect => json.as_str().map(|id| Value::Choice(id.to_owned())),
        FieldType::MultiSelect => string_list(json).map(Value::Choices),
        FieldType::Address => json
            .as_object()
            .map(|object| Value::Address(address_from_json(object))),
        FieldType::FullName => json
            .as_object()
            .map(|object| Value::FullName(full_name_from_json(object))),
    }
}

fn string_list(json: &Json) -> Option<Vec<String>> {
    json.as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

fn decimal_from_json(json: &Json) -> Option<Decimal> {
    match json {
        Json::String(text) => Decimal::from_str(text)
            .or_else(|_| Decimal::from_scientific(text))
            .ok(),
        Json::Number(number) => {
            let text = number.to_string();
            Decimal::from_str(&text)
                .or_else(|_| Decimal::from_scientific(&text))
                .ok()
        }
        Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_) => None,
    }
}

fn put_text(object: &mut Map<String, Json>, key: &str, part: &Option<String>) {
    if let Some(text) = part {
        object.insert(key.to_owned(), Json::String(text.clone()));
    }
}

fn put_number(object: &mut Map<String, Json>, key: &str, part: Option<f64>) {
    if let Some(number) = part.and_then(serde_json::Number::from_f64) {
        object.insert(key.to_owned(), Json::Number(number));
    }
}

fn get_text(object: &Map<String, Json>, key: &str) -> Option<String> {
    object.get(key).and_then(Json::as_str).map(str::to_owned)
}

fn address_to_json(address: &Address) -> Json {
    let mut object = Map::new();
    put_text(&mut object, "street", &address.street);
    put_text(&mut object, "street2", &address.street2);
    put_text(&mut object, "city", &address.city);
    put_text(&mut object, "state", &address.state);
    put_text(&mut object, "postal_code", &address.postal_code);
    put_text(&mut object, "country", &address.country);
    put_number(&mut object, "latitude", address.latitude);
    put_number(&mut object, "longitude", address.longitude);
    Json::Object(object)
}

fn address_from_json(object: &Map<String, Json>) -> Address {
    Address {
        street: get_text(object, "street"),
        street2: get_text(object, "street2"),
        city: get_text(object, "city"),
        state: get_text(object, "state"),
        postal_code: get_text(object, "postal_code"),
        country: get_text(object, "country"),
        latitude: object.get("latitude").and_then(Json::as_f64),
        longitude: object.get("longitude").and_then(Json::as_f64),
    }
}

fn full_name_to_json(name: &FullName) -> Json {
    let mut object = Map::new();
    put_text(&mut object, "first_name", &name.first_name);
    put_text(&mut object, "last_name", &name.last_name);
    Json::Object(object)
}

fn full_name_from_json(object: &Map<String, Json>) -> FullName {
    FullName {
        first_name: get_text(object, "first_name"),
        last_name: get_text(object, "last_name"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[track_caller]
    fn check_round_trip(field_type: FieldType, is_multiple: bool, value: Value, expected_json: Json) {
        let encoded = value_to_json(&value);
        assert_eq!(encoded, expected_json, "encoding of {value:?}");
        assert_eq!(
            value_from_json(field_type, is_multiple, &encoded),
            Some(value),
            "decoding of {encoded}"
        );
    }

    #[test]
    fn every_type_round_trips() {
        check_round_trip(FieldType::Text, false, Value::Text("Acme".into()), json!("Acme"));
        check_round_trip(
            FieldType::Markdown,
            false,
            Value::Text("# Hi\n*there*".into()),
            json!("# Hi\n*there*"),
        );
        check_round_trip(
            FieldType::Html,
            false,
            Value::Text("<p>x</p>".into()),
            json!("<p>x</p>"),
        );
        check_round_trip(
            FieldType::SocialHandle,
            false,
            Value::Text("https://x.com/acme".into()),
            json!("https://x.com/acme"),
        );
        check_round_trip(
            FieldType::Email,
            false,
            Value::Text("a@b.co".into()),
            json!("a@b.co"),
        );
        check_round_trip(
            FieldType::Email,
            true,
            Value::List(vec!["a@b.co".into(), "c@d.co".into()]),
            json!(["a@b.co", "c@d.co"]),
        );
        check_round_trip(FieldType::Telephone, true, Value::List(vec![]), json!([]));
        check_round_trip(
            FieldType::Url,
            false,
            Value::Text("https://acme.com/".into()),
            json!("https://acme.com/"),
        );
        check_round_trip(
            FieldType::Number,
            false,
            Value::Number(Decimal::new(-12505, 1)),
            json!("-1250.5"),
        );
        check_round_trip(
            FieldType::Currency,
            false,
            Value::Number(Decimal::from_str("79228162514264337593543950335").unwrap()),
            json!("79228162514264337593543950335"),
        );
        check_round_trip(FieldType::Checkbox, false, Value::Bool(false), json!(false));
        check_round_trip(
            FieldType::Datetime,
            false,
            Value::Datetime(Timestamp(1_767_225_600_123)),
            json!("2026-01-01T00:00:00.123Z"),
        );
        check_round_trip(
            FieldType::Date,
            false,
            Value::Date(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()),
            json!("2026-02-28"),
        );
        check_round_trip(
            FieldType::SingleSelect,
            false,
            Value::Choice("opt_1".into()),
            json!("opt_1"),
        );
        check_round_trip(
            FieldType::MultiSelect,
            false,
            Value::Choices(vec!["opt_1".into(), "opt_2".into()]),
            json!(["opt_1", "opt_2"]),
        );
        check_round_trip(
            FieldType::Address,
            false,
            Value::Address(Address {
                street: Some("1 Main St".into()),
                city: Some("Springfield".into()),
                country: Some("US".into()),
                latitude: Some(39.78),
                longitude: Some(-89.65),
                ..Address::default()
            }),
            json!({"street": "1 Main St", "city": "Springfield", "country": "US", "latitude": 39.78, "longitude": -89.65}),
        );
        check_round_trip(
            FieldType::Address,
            false,
            Value::Address(Address::default()),
            json!({}),
        );
        check_round_trip(
            FieldType::FullName,
            false,
            Value::FullName(FullName {
                first_name: Some("Ada".into()),
                last_name: None,
            }),
            json!({"first_name": "Ada"}),
        );
    }

    #[test]
    fn numbers_keep_their_value_and_drop_trailing_zeros() {
        assert_eq!(value_to_json(&Value::Number(Decimal::new(1500, 2))), json!("15"));
        assert_eq!(
            value_to_json(&Value::Number(Decimal::new(1, 28))),
            json!("0.0000000000000000000000000001")
        );
        assert_eq!(
            value_from_json(FieldType::Number, false, &json!(2.5)),
            Some(Value::Number(Decimal::new(25, 1)))
        );
        assert_eq!(
            value_from_json(FieldType::Number, false, &json!(7)),
            Some(Value::Number(Decimal::from(7)))
        );
        assert_eq!(
            value_from_json(FieldType::Number, false, &json!("1e3")),
            Some(Value::Number(Decimal::from(1000)))
        );
    }

    #[test]
    fn lenient_where_it_costs_nothing() {
        assert_eq!(
            value_from_json(FieldType::Datetime, false, &json!(1_767_225_600_123_i64)),
            Some(Value::Datetime(Timestamp(1_767_225_600_123)))
        );
    }

    #[test]
    fn null_and_wrong_shapes_decode_to_none() {
        assert_eq!(value_from_json(FieldType::Text, false, &Json::Null), None);
        assert_eq!(value_from_json(FieldType::Text, false, &json!(5)), None);
        assert_eq!(value_from_json(FieldType::Email, true, &json!("a@b.co")), None);
        assert_eq!(
            value_from_json(FieldType::MultiSelect, false, &json!(["a", 1])),
            None
        );
        assert_eq!(value_from_json(FieldType::Checkbox, false, &json!("true")), None);
        assert_eq!(value_from_json(FieldType::Number, false, &json!("twelve")), None);
        assert_eq!(
            value_from_json(FieldType::Date, false, &json!("2026-02-30")),
            None
        );
        assert_eq!(
            value_from_json(FieldType::Datetime, false, &json!("yesterday")),
            None
        );
        assert_eq!(
            value_from_json(FieldType::Address, false, &json!("1 Main St")),
            None
        );
    }
}
