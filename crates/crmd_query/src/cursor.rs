//! Keyset cursors: the sort-key values and id of the last row of a page, opaque to clients.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use crmd_core::RecordId;

/// The position after which the next page starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    /// The last row's value for each sort key, in the store's JSON encoding.
    pub sort_values: Vec<serde_json::Value>,
    pub last_id: RecordId,
}

impl Cursor {
    /// Base64url of a JSON array `[last_id, sort values…]`.
    pub fn encode(&self) -> String {
        let mut items = Vec::with_capacity(self.sort_values.len() + 1);
        items.push(serde_json::Value::from(self.last_id.get()));
        items.extend(self.sort_values.iter().cloned());
        URL_SAFE_NO_PAD.encode(serde_json::Value::Array(items).to_string())
    }

    pub fn decode(text: &str) -> Option<Cursor> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()?;
        let serde_json::Value::Array(mut items) = serde_json::from_slice(&bytes).ok()? else {
            return None;
        };
        if items.is_empty() {
            return None;
        }
        let last_id = items.remove(0).as_u64().map(RecordId)?;
        Some(Cursor {
            sort_values: items,
            last_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = Cursor {
            sort_values: vec![serde_json::json!("Acme"), serde_json::json!(null)],
            last_id: RecordId(7),
        };
        assert_eq!(Cursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(Cursor::decode("not a cursor"), None);
        assert_eq!(Cursor::decode(&URL_SAFE_NO_PAD.encode("[]")), None);
    }
}
