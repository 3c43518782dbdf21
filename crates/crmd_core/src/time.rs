//! Timestamps: UTC with millisecond precision, rendered as RFC 3339 with milliseconds and `Z`.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use std::fmt;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Timestamp {
        Timestamp(Utc::now().timestamp_millis())
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 with any offset (`2026-03-16T12:00:00+02:00`) and normalizes to UTC,
    /// dropping precision below the millisecond.
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|moment| Timestamp(moment.timestamp_millis()))
    }

    /// `2026-05-01T16:00:00.000Z`.
    pub fn to_rfc3339(self) -> String {
        match Utc.timestamp_millis_opt(self.0).single() {
            Some(moment) => moment.to_rfc3339_opts(SecondsFormat::Millis, true),
            None => String::from("1970-01-01T00:00:00.000Z"),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_normalize_to_utc_millis() {
        let moment = Timestamp::parse_rfc3339("2027-01-15T09:30:00-08:00").unwrap();
        assert_eq!(moment.to_rfc3339(), "2027-01-15T17:30:00.000Z");
        let fine = Timestamp::parse_rfc3339("2026-05-01T16:00:00.123456Z").unwrap();
        assert_eq!(fine.to_rfc3339(), "2026-05-01T16:00:00.123Z");
        assert_eq!(Timestamp::parse_rfc3339("2026-05-01"), None);
    }
}
