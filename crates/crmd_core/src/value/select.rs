//! SINGLE_SELECT and MULTI_SELECT: option ids, given as ids or labels.

use super::{Json, Value, ValueError, describe, describe_str, fail};
use crate::schema::{FieldDef, SelectOption};
use std::collections::HashSet;

/// How many option labels an "is not an option" message lists.
const MAX_LISTED_OPTIONS: usize = 20;

pub(super) fn normalize_single(field: &FieldDef, input: &Json) -> Result<Option<Value>, ValueError> {
    let Json::String(text) = input else {
        return fail(format!("expected an option id or label, got {}", describe(input)));
    };
    if text.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(Value::Choice(resolve(field, text)?.id.clone())))
}

/// An array of ids or labels (or one string). The result holds each option once, in the
/// field's option order.
pub(super) fn normalize_multi(field: &FieldDef, input: &Json) -> Result<Option<Value>, ValueError> {
    let texts: Vec<&str> = match input {
        Json::String(text) => vec![text.as_str()],
        Json::Array(items) => match items.iter().map(Json::as_str).collect::<Option<Vec<_>>>() {
            Some(texts) => texts,
            None => return fail(format!("expected an array of strings, got {}", describe(input))),
        },
        Json::Null | Json::Bool(_) | Json::Number(_) | Json::Object(_) => {
            return fail(format!("expected an array of strings, got {}", describe(input)));
        }
    };
    let mut chosen = HashSet::new();
    for text in texts.into_iter().filter(|text| !text.trim().is_empty()) {
        chosen.insert(resolve(field, text)?.id.as_str());
    }
    let ids: Vec<String> = field
        .config
        .options
        .iter()
        .filter(|option| chosen.contains(option.id.as_str()))
        .map(|option| option.id.clone())
        .collect();
    Ok((!ids.is_empty()).then_some(Value::Choices(ids)))
}

/// Finds an option by exact id, else by label compared case-insensitively with whitespace
/// collapsed. A label shared by several options (stages of different pipelines) is refused.
fn resolve<'a>(field: &'a FieldDef, text: &str) -> Result<&'a SelectOption, ValueError> {
    if let Some(option) = field.option(text).or_else(|| field.option(text.trim())) {
        return Ok(option);
    }
    let wanted = fold_label(text);
    let mut matches = field
        .config
        .options
        .iter()
        .filter(|option| fold_label(&option.label) == wanted);
    match (matches.next(), matches.count()) {
        (Some(option), 0) => Ok(option),
        (Some(_), others) => fail(format!(
            "ambiguous option label {}: {} options have it; use an option id",
            describe_str(text.trim()),
            others + 1
        )),
        (None, _) => fail(format!(
            "{} is not an option; {}",
            describe_str(text.trim()),
            list_options(field)
        )),
    }
}

fn fold_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn list_options(field: &FieldDef) -> String {
    let options = &field.config.options;
    if options.is_empty() {
        return "the field has no options".to_owned();
    }
    let mut listed: Vec<&str> = options
        .iter()
        .take(MAX_LISTED_OPTIONS)
        .map(|option| option.label.as_str())
        .collect();
    let more = options.len().saturating_sub(MAX_LISTED_OPTIONS);
    let more = (more > 0).then(|| format!("and {more} more"));
    listed.extend(more.as_deref());
    format!("options are: {}", listed.join(", "))
}
