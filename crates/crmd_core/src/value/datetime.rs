//! DATETIME (an instant, stored as UTC milliseconds) and DATE (a calendar day).

use super::{Json, Value, ValueError, describe, describe_str, fail};
use crate::time::Timestamp;
use chrono::{DateTime, NaiveDate};

/// 0000-01-01T00:00:00Z: RFC 3339 has four-digit years.
const MIN_MILLIS: i64 = -62_167_219_200_000;
/// 9999-12-31T23:59:59.999Z.
const MAX_MILLIS: i64 = 253_402_300_799_999;
const MILLIS_PER_DAY: i64 = 86_400_000;

/// An RFC 3339 string with an offset, or integer epoch milliseconds.
pub(super) fn normalize_datetime(input: &Json) -> Result<Option<Value>, ValueError> {
    match input {
        Json::String(text) if text.trim().is_empty() => Ok(None),
        Json::String(text) => match Timestamp::parse_rfc3339(text) {
            Some(moment) => Ok(Some(Value::Datetime(moment))),
            None => fail(format!(
                "{} is not a date-time: expected an RFC 3339 date-time with an offset, such as 2026-03-16T12:00:00Z",
                describe_str(text)
            )),
        },
        Json::Number(_) => epoch(input).map(|moment| Some(Value::Datetime(moment))),
        Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_) => fail(format!(
            "expected an RFC 3339 date-time string or epoch milliseconds, got {}",
            describe(input)
        )),
    }
}

/// `YYYY-MM-DD`, or an instant exactly at midnight UTC (RFC 3339 or epoch milliseconds).
pub(super) fn normalize_date(input: &Json) -> Result<Option<Value>, ValueError> {
    let moment = match input {
        Json::String(text) if text.trim().is_empty() => return Ok(None),
        Json::String(text) => {
            let text = text.trim();
            if let Some((year, month, day)) = split_iso_date(text) {
                return match NaiveDate::from_ymd_opt(year, month, day) {
                    Some(date) => Ok(Some(Value::Date(date))),
                    None => fail(format!("{} is not a valid date", describe_str(text))),
                };
            }
            match Timestamp::parse_rfc3339(text) {
                Some(moment) => moment,
                None => {
                    return fail(format!(
                        "{} is not a date: expected YYYY-MM-DD, such as 2026-03-16",
                        describe_str(text)
                    ));
                }
            }
        }
        Json::Number(_) => epoch(input)?,
        Json::Null | Json::Bool(_) | Json::Array(_) | Json::Object(_) => {
            return fail(format!(
                "expected a YYYY-MM-DD date string or epoch milliseconds, got {}",
                describe(input)
            ));
        }
    };
    if moment.millis().rem_euclid(MILLIS_PER_DAY) != 0 {
        return fail(format!("{} is not at midnight UTC", describe(input)));
    }
    match DateTime::from_timestamp_millis(moment.millis()) {
        Some(midnight) => Ok(Some(Value::Date(midnight.date_naive()))),
        None => fail(format!("{} is not a valid date", describe(input))),
    }
}

/// Whole epoch milliseconds within the years 0000 to 9999. A float without a fraction
/// (`1773662400000.0`) counts as whole.
fn epoch(input: &Json) -> Result<Timestamp, ValueError> {
    let Some(number) = input.as_f64().filter(|number| number.fract() == 0.0) else {
        return fail(format!(
            "{} is not a whole number of epoch milliseconds",
            describe(input)
        ));
    };
    // `as` saturates, and a saturated value is out of range anyway.
    let millis = input.as_i64().unwrap_or(number as i64);
    if !(MIN_MILLIS..=MAX_MILLIS).contains(&millis) {
        return fail(format!(
            "{} epoch milliseconds is outside the years 0000 to 9999",
            describe(input)
        ));
    }
    Ok(Timestamp(millis))
}

/// The parts of exactly `YYYY-MM-DD`, digits only.
fn split_iso_date(text: &str) -> Option<(i32, u32, u32)> {
    let bytes = text.as_bytes();
    let is_shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(at, byte)| at == 4 || at == 7 || byte.is_ascii_digit());
    if !is_shaped {
        return None;
    }
    Some((
        text.get(0..4)?.parse().ok()?,
        text.get(5..7)?.parse().ok()?,
        text.get(8..10)?.parse().ok()?,
    ))
}
