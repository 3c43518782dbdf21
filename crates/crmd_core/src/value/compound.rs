//! ADDRESS and FULL_NAME: objects of named parts, keyed as on the wire (camelCase).

use super::{
    Address, FullName, Json, MAX_TEXT_CHARS, Value, ValueError, check_text, describe, describe_str, fail,
};
use celes::Country;

const ADDRESS_PARTS: &str = "street, street2, city, state, postalCode, country, latitude, longitude";

pub(super) fn normalize_address(input: &Json) -> Result<Option<Value>, ValueError> {
    let Json::Object(parts) = input else {
        return fail(format!("expected an address object, got {}", describe(input)));
    };
    let mut address = Address::default();
    for (key, part) in parts {
        match key.as_str() {
            "street" => address.street = text_part(key, part)?,
            "street2" => address.street2 = text_part(key, part)?,
            "city" => address.city = text_part(key, part)?,
            "state" => address.state = text_part(key, part)?,
            "postalCode" => address.postal_code = text_part(key, part)?,
            "country" => {
                address.country = match text_part(key, part)? {
                    Some(country) => Some(country_code(&country)?),
                    None => None,
                }
            }
            "latitude" => address.latitude = coordinate(key, part, 90.0)?,
            "longitude" => address.longitude = coordinate(key, part, 180.0)?,
            unknown => {
                return fail(format!(
                    "unknown address part {}; parts are {ADDRESS_PARTS}",
                    describe_str(unknown)
                ));
            }
        }
    }
    Ok((!address.is_empty()).then_some(Value::Address(address)))
}

/// An ISO 3166-1 alpha-2 code, from an alpha-2 or alpha-3 code or an English country name.
fn country_code(text: &str) -> Result<String, ValueError> {
    let is_letters = text.chars().all(|char| char.is_ascii_alphabetic());
    let by_code = match text.len() {
        // "UK" is reserved in ISO 3166-1 for the United Kingdom, whose code is GB.
        2 if is_letters && text.eq_ignore_ascii_case("uk") => Country::from_alpha2("GB").ok(),
        2 if is_letters => Country::from_alpha2(text).ok(),
        3 if is_letters => Country::from_alpha3(text).ok(),
        _ => None,
    };
    // celes keys names lowercase without spaces or punctuation: "unitedstatesofamerica".
    let compact: String = text
        .chars()
        .filter(|char| char.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    let by_name = || {
        let without_the = compact.strip_prefix("the").unwrap_or(&compact);
        [compact.as_str(), without_the].into_iter().find_map(|name| {
            Country::from_name(name)
                .or_else(|_| Country::from_alias(name))
                .ok()
        })
    };
    match by_code.or_else(by_name) {
        Some(country) => Ok(country.alpha2.to_owned()),
        None => fail(format!(
            "{} is not a country; expected an ISO 3166-1 alpha-2 code such as US",
            describe_str(text)
        )),
    }
}

fn coordinate(key: &str, part: &Json, limit: f64) -> Result<Option<f64>, ValueError> {
    let degrees = match part {
        Json::Null => return Ok(None),
        Json::Number(number) => number.as_f64(),
        Json::Bool(_) | Json::String(_) | Json::Array(_) | Json::Object(_) => None,
    };
    match degrees {
        Some(degrees) if degrees.is_finite() && (-limit..=limit).contains(&degrees) => Ok(Some(degrees)),
        Some(_) => fail(format!(
            "{key} {} is out of range -{limit} to {limit}",
            describe(part)
        )),
        None => fail(format!("{key} must be a number, got {}", describe(part))),
    }
}

pub(super) fn normalize_full_name(input: &Json) -> Result<Option<Value>, ValueError> {
    let name = match input {
        Json::Object(parts) => {
            let mut name = FullName::default();
            for (key, part) in parts {
                match key.as_str() {
                    "firstName" => name.first_name = text_part(key, part)?,
                    "lastName" => name.last_name = text_part(key, part)?,
                    unknown => {
                        return fail(format!(
                            "unknown full name part {}; parts are firstName, lastName",
                            describe_str(unknown)
                        ));
                    }
                }
            }
            name
        }
        Json::String(text) => split_name(text)?,
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::Array(_) => {
            return fail(format!(
                "expected a full name object or a string, got {}",
                describe(input)
            ));
        }
    };
    Ok((name != FullName::default()).then_some(Value::FullName(name)))
}

/// "Ada King Lovelace" is first name "Ada King", last name "Lovelace"; one word is a first name.
fn split_name(text: &str) -> Result<FullName, ValueError> {
    let text = text.trim();
    check_text(text, MAX_TEXT_CHARS)?;
    let (first, last) = match text.rsplit_once(char::is_whitespace) {
        Some((first, last)) => (first.trim_end(), Some(last)),
        None => (text, None),
    };
    let non_empty = |part: &str| (!part.is_empty()).then(|| part.to_owned());
    Ok(FullName {
        first_name: non_empty(first),
        last_name: last.and_then(non_empty),
    })
}

/// A string part: trimmed, and `None` when blank or null.
fn text_part(key: &str, part: &Json) -> Result<Option<String>, ValueError> {
    match part {
        Json::Null => Ok(None),
        Json::String(text) if text.trim().is_empty() => Ok(None),
        Json::String(text) => {
            let text = text.trim();
            check_text(text, MAX_TEXT_CHARS)?;
            Ok(Some(text.to_owned()))
        }
        Json::Bool(_) | Json::Number(_) | Json::Array(_) | Json::Object(_) => {
            fail(format!("{key} must be a string, got {}", describe(part)))
        }
    }
}

impl Address {
    /// The canonical JSON form, the one `normalize` reads: every key, null for a missing part.
    pub fn to_json(&self) -> Json {
        let mut object = serde_json::Map::new();
        let parts = [
            ("street", &self.street),
            ("street2", &self.street2),
            ("city", &self.city),
            ("state", &self.state),
            ("postalCode", &self.postal_code),
            ("country", &self.country),
        ];
        for (key, part) in parts {
            object.insert(key.to_owned(), part.clone().map_or(Json::Null, Json::String));
        }
        object.insert("latitude".to_owned(), super::float_to_json(self.latitude));
        object.insert("longitude".to_owned(), super::float_to_json(self.longitude));
        Json::Object(object)
    }
}

impl FullName {
    /// The canonical JSON form, the one `normalize` reads: `{firstName, lastName}`.
    pub fn to_json(&self) -> Json {
        serde_json::json!({"firstName": self.first_name, "lastName": self.last_name})
    }
}
