//! Rules HubSpot's objects add to crmd's standard model on create.
//!
//! HubSpot notes have no title, while crmd's note title is required: a note created
//! through HubSpot without `crmd_title` takes the first line of its body (`hs_note_body`),
//! cut to 200 characters, or `Note` when it has no body.

use crmd_core::ObjectType;
use crmd_service::{FieldInput, RecordInput};

/// The longest title a note takes from its body, in characters.
const MAX_DERIVED_TITLE_CHARS: usize = 200;

/// Fills in what crmd requires and HubSpot does not have.
pub(crate) fn prepare_create(object_type: &ObjectType, input: &mut RecordInput) {
    if object_type.is_standard && object_type.slug == "note" {
        let has_title = input.fields.iter().any(|(key, _)| key == "$title");
        if !has_title {
            let body = input
                .fields
                .iter()
                .find_map(|(key, value)| match (key.as_str(), value) {
                    ("$content", FieldInput::Text(text)) => Some(text.as_str()),
                    _ => None,
                });
            input
                .fields
                .push(("$title".to_owned(), FieldInput::Text(note_title(body))));
        }
    }
}

/// The first non-blank line of a note's body, without Markdown heading marks.
fn note_title(body: Option<&str>) -> String {
    let line = body
        .unwrap_or_default()
        .lines()
        .map(|line| line.trim().trim_start_matches('#').trim())
        .find(|line| !line.is_empty());
    match line {
        Some(line) => line.chars().take(MAX_DERIVED_TITLE_CHARS).collect(),
        None => "Note".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_title_is_the_first_line_of_its_body() {
        assert_eq!(note_title(Some("\n## Call recap\nIt went well")), "Call recap");
        assert_eq!(note_title(Some("   ")), "Note");
        assert_eq!(note_title(None), "Note");
        assert_eq!(note_title(Some(&"x".repeat(300))).len(), 200);
    }
}
