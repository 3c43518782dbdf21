//! EMAIL: one address, checked for syntax, with its domain lowercased.

use super::{ValueError, describe_str, fail};
use email_address::{EmailAddress, Options};

/// Accepts a bare address with a domain that has at least two labels. Display names
/// (`Ada <ada@x.io>`) and domain literals (`ada@[10.0.0.1]`) are refused: a CRM wants the
/// address alone, reachable by name.
pub(super) fn normalize(text: &str) -> Result<String, ValueError> {
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    match EmailAddress::parse_with_options(text, options) {
        // Domains are case-insensitive; local parts may not be, so they stay as given.
        Ok(address) => Ok(format!(
            "{}@{}",
            address.local_part(),
            address.domain().to_lowercase()
        )),
        Err(_) => fail(format!("{} is not a valid email address", describe_str(text))),
    }
}
