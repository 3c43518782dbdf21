//! Identifiers of records and workspaces.

use std::fmt;
use std::str::FromStr;

/// The largest record id: ids stay below 2^53 so that JavaScript clients read them exactly.
pub const MAX_RECORD_ID: u64 = (1 << 53) - 1;

/// A record id: a sequential integer per workspace, shared by every object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId(pub u64);

impl RecordId {
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for RecordId {
    type Err = InvalidRecordId;

    /// Parses the decimal form. Leading zeros, signs and values over 2^53 - 1 are refused,
    /// so that one record has exactly one spelling.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let is_canonical = !text.is_empty()
            && text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'));
        if !is_canonical {
            return Err(InvalidRecordId);
        }
        match text.parse::<u64>() {
            Ok(id) if (1..=MAX_RECORD_ID).contains(&id) => Ok(RecordId(id)),
            _ => Err(InvalidRecordId),
        }
    }
}

/// A string that is not a record id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a record id")]
pub struct InvalidRecordId;

/// A workspace (tenant) id, internal to crmd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkspaceId(pub i64);

impl fmt::Display for WorkspaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_have_one_spelling() {
        assert_eq!("42".parse::<RecordId>(), Ok(RecordId(42)));
        assert_eq!(
            "9007199254740991".parse::<RecordId>(),
            Ok(RecordId(MAX_RECORD_ID))
        );
        for bad in [
            "",
            "0",
            "042",
            "-1",
            "+1",
            "1.0",
            "9007199254740992",
            "acc_1",
            " 1",
        ] {
            assert_eq!(bad.parse::<RecordId>(), Err(InvalidRecordId), "{bad:?}");
        }
    }
}
