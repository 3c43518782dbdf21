//! TELEPHONE: E.164, with an optional `;ext=` extension.

use super::{ValueError, describe_str, fail};
use phonenumber::{Mode, country};
use std::fmt::Write as _;

/// Extension markers, longest first so that `ext.` is not read as `.` after `ext`.
const EXTENSION_MARKERS: [&str; 7] = [";ext=", "extension", "ext.", "ext:", "ext", "x", "#"];
const MAX_EXTENSION_DIGITS: usize = 10;
/// E.164 allows 15 digits; a few more leave room for an international call prefix (`011`).
const MAX_DIGITS: usize = 18;

/// A number with a leading `+` must be valid for its country code. A number without one is
/// read as a US number and must be valid as that. Extensions written `x100`, `ext 100`,
/// `ext. 100`, `ext:100`, `#100` or `;ext=100` at the end become `;ext=100`.
pub(super) fn normalize(text: &str) -> Result<String, ValueError> {
    let invalid = || fail(format!("{} is not a valid telephone number", describe_str(text)));
    let (number, extension) = split_extension(text);
    // The parser accepts letters (vanity numbers) and many separators; only plain digits
    // and common punctuation are taken, so that what is stored is what was meant.
    let body = number.strip_prefix('+').unwrap_or(number);
    let is_plain = body
        .chars()
        .all(|char| char.is_ascii_digit() || matches!(char, ' ' | '-' | '.' | '(' | ')' | '/'));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    if !is_plain || digits == 0 || digits > MAX_DIGITS {
        return invalid();
    }
    let has_country_code = number.starts_with('+');
    let region = if has_country_code { None } else { Some(country::US) };
    let parsed = match phonenumber::parse(region, number) {
        Ok(parsed) if phonenumber::is_valid(&parsed) => parsed,
        Ok(_) | Err(_) if !has_country_code => {
            return fail(format!(
                "{} is not a valid telephone number; numbers outside the US need a leading + and their country code",
                describe_str(text)
            ));
        }
        Ok(_) | Err(_) => return invalid(),
    };
    let mut normalized = String::new();
    if write!(normalized, "{}", parsed.format().mode(Mode::E164)).is_err() {
        return invalid();
    }
    if let Some(extension) = extension {
        normalized.push_str(";ext=");
        normalized.push_str(extension);
    }
    Ok(normalized)
}

/// Splits a trailing extension (`x12`, `ext. 12`, `#12`, `;ext=12`) off a number.
fn split_extension(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    let digits_start = text.trim_end_matches(|char: char| char.is_ascii_digit()).len();
    let extension = &text[digits_start..];
    if extension.is_empty() || extension.len() > MAX_EXTENSION_DIGITS {
        return (text, None);
    }
    let before = text[..digits_start].trim_end();
    for marker in EXTENSION_MARKERS {
        let Some(marker_start) = before.len().checked_sub(marker.len()) else {
            continue;
        };
        let is_marker = before
            .get(marker_start..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case(marker));
        if !is_marker {
            continue;
        }
        let number = before[..marker_start].trim_end();
        if number.ends_with(|char: char| char.is_ascii_digit() || char == ')') {
            return (number, Some(extension));
        }
    }
    (text, None)
}
