//! NUMBER and CURRENCY: exact decimals with a bounded number of decimal places.

use super::{Json, Value, ValueError, describe, describe_str, fail};
use crate::field_type::FieldType;
use crate::schema::FieldDef;
use iso_currency::Currency;
use rust_decimal::Decimal;

/// The largest absolute NUMBER: the largest integer a JavaScript number holds exactly.
const MAX_NUMBER: u64 = 9_007_199_254_740_991;
/// The largest absolute CURRENCY amount, so that amounts scaled by 10^4 fit in an i64.
const MAX_AMOUNT: u64 = 900_000_000_000_000;
/// The most decimal places any amount keeps (the scale stores use).
const MAX_AMOUNT_PLACES: u32 = 4;

/// The bounds a field's numbers must keep.
struct Bounds {
    max_places: u32,
    max_abs: u64,
    /// How messages name the field's numbers: "numbers", "USD amounts".
    noun: String,
}

impl Bounds {
    fn of(field: &FieldDef) -> Bounds {
        if field.field_type != FieldType::Currency {
            return Bounds {
                max_places: 2,
                max_abs: MAX_NUMBER,
                noun: "numbers".into(),
            };
        }
        let Some(code) = field
            .config
            .currency
            .as_deref()
            .map(str::trim)
            .filter(|code| !code.is_empty())
        else {
            return Bounds {
                max_places: 2,
                max_abs: MAX_AMOUNT,
                noun: "amounts".into(),
            };
        };
        let code = code.to_ascii_uppercase();
        // Currencies without minor units in ISO 4217 (gold, special drawing rights) and
        // unknown codes get the usual 2.
        let max_places = Currency::from_code(&code)
            .and_then(Currency::exponent)
            .map_or(2, |exponent| u32::from(exponent).min(MAX_AMOUNT_PLACES));
        Bounds {
            max_places,
            max_abs: MAX_AMOUNT,
            noun: format!("{code} amounts"),
        }
    }
}

pub(super) fn normalize(field: &FieldDef, input: &Json) -> Result<Option<Value>, ValueError> {
    let (text, shown) = match input {
        Json::Number(number) => (number.to_string(), number.to_string()),
        Json::String(text) if text.trim().is_empty() => return Ok(None),
        Json::String(text) => (text.trim().to_owned(), describe_str(text)),
        Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_) => {
            return fail(format!("expected a number, got {}", describe(input)));
        }
    };
    let bounds = Bounds::of(field);
    let Some(number) = ParsedDecimal::parse(&text) else {
        return fail(format!("{shown} is not a number"));
    };
    match number.to_decimal(&bounds) {
        Ok(decimal) => Ok(Some(Value::Number(decimal))),
        Err(Refusal::OutOfRange) => fail(format!(
            "{shown} is out of range: {} are at most {} in absolute value",
            bounds.noun, bounds.max_abs
        )),
        Err(Refusal::TooManyPlaces) => {
            let allowed = match bounds.max_places {
                0 => "no decimal places".to_owned(),
                1 => "at most 1 decimal place".to_owned(),
                places => format!("at most {places} decimal places"),
            };
            fail(format!(
                "{shown} has too many decimal places: {} have {allowed}",
                bounds.noun
            ))
        }
    }
}

enum Refusal {
    OutOfRange,
    TooManyPlaces,
}

/// A decimal in the JSON number syntax (with a leading `+` and bare `.5` or `5.` also
/// allowed), as significant digits times a power of ten.
///
/// Parsing the digits ourselves keeps the value exact: no float rounding, and no silent
/// rounding of digits beyond `Decimal`'s precision.
#[derive(Debug)]
struct ParsedDecimal {
    is_negative: bool,
    /// Without leading or trailing zeros; empty for zero.
    digits: Vec<u8>,
    /// The value is `digits × 10^exponent`.
    exponent: i64,
}

impl ParsedDecimal {
    fn parse(text: &str) -> Option<ParsedDecimal> {
        let bytes = text.as_bytes();
        let mut at = 0;
        let is_negative = match bytes.first() {
            Some(b'-') => {
                at += 1;
                true
            }
            Some(b'+') => {
                at += 1;
                false
            }
            Some(_) | None => false,
        };
        let integer_start = at;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
        let integer = &bytes[integer_start..at];
        let mut fraction: &[u8] = &[];
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let fraction_start = at;
            while bytes.get(at).is_some_and(u8::is_ascii_digit) {
                at += 1;
            }
            fraction = &bytes[fraction_start..at];
        }
        if integer.is_empty() && fraction.is_empty() {
            return None;
        }
        let mut exponent: i64 = 0;
        if matches!(bytes.get(at), Some(b'e' | b'E')) {
            at += 1;
            let is_exponent_negative = match bytes.get(at) {
                Some(b'-') => {
                    at += 1;
                    true
                }
                Some(b'+') => {
                    at += 1;
                    false
                }
                Some(_) | None => false,
            };
            let exponent_start = at;
            while let Some(digit) = bytes.get(at).filter(|byte| byte.is_ascii_digit()) {
                // Saturates far beyond any exponent that could be in range.
                exponent = (exponent * 10 + i64::from(digit - b'0')).min(1_000_000_000);
                at += 1;
            }
            if at == exponent_start {
                return None;
            }
            if is_exponent_negative {
                exponent = -exponent;
            }
        }
        if at != bytes.len() {
            return None;
        }
        let mut digits: Vec<u8> = integer.iter().chain(fraction).map(|digit| digit - b'0').collect();
        exponent -= i64::try_from(fraction.len()).ok()?;
        let leading_zeros = digits.iter().take_while(|digit| **digit == 0).count();
        digits.drain(..leading_zeros);
        while digits.last() == Some(&0) {
            digits.pop();
            exponent += 1;
        }
        Some(ParsedDecimal {
            is_negative,
            digits,
            exponent,
        })
    }

    fn to_decimal(&self, bounds: &Bounds) -> Result<Decimal, Refusal> {
        if self.digits.is_empty() {
            return Ok(Decimal::ZERO);
        }
        let length = i64::try_from(self.digits.len()).map_err(|_| Refusal::OutOfRange)?;
        // Both bounds are below 10^16, so a value with more integer digits is out of range.
        if length + self.exponent > 16 {
            return Err(Refusal::OutOfRange);
        }
        let places = (-self.exponent).max(0);
        if places > i64::from(bounds.max_places) {
            return Err(Refusal::TooManyPlaces);
        }
        // At most 16 integer digits and 4 decimal places: the mantissa fits easily.
        let mut mantissa: i128 = 0;
        for digit in &self.digits {
            mantissa = mantissa * 10 + i128::from(*digit);
        }
        for _ in 0..self.exponent.max(0) {
            mantissa *= 10;
        }
        if self.is_negative {
            mantissa = -mantissa;
        }
        let scale = u32::try_from(places).map_err(|_| Refusal::TooManyPlaces)?;
        let decimal = Decimal::try_from_i128_with_scale(mantissa, scale).map_err(|_| Refusal::OutOfRange)?;
        if decimal.abs() > Decimal::from(bounds.max_abs) {
            return Err(Refusal::OutOfRange);
        }
        Ok(decimal.normalize())
    }
}
