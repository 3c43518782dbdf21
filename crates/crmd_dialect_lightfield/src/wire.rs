//! Lightfield's response bodies, named and cased the way Lightfield does (camelCase).
//!
//! Request bodies are read as `serde_json::Value` and taken apart in `convert`, so that
//! every mistake in them gets an error that names the offending key.

use serde::Serialize;
use serde::ser::SerializeMap;

/// A JSON object that keeps its keys in the order they were pushed (definition order),
/// which reads better than alphabetical order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OrderedMap<T>(pub(crate) Vec<(String, T)>);

impl<T> Default for OrderedMap<T> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<T> OrderedMap<T> {
    pub(crate) fn push(&mut self, key: impl Into<String>, value: T) {
        self.0.push((key.into(), value));
    }
}

impl<T: Serialize> Serialize for OrderedMap<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// The record envelope of accounts, contacts, opportunities, notes, tasks, meetings,
/// members and custom objects.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Record {
    pub(crate) id: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: Option<String>,
    pub(crate) http_link: Option<String>,
    pub(crate) external_id: Option<String>,
    pub(crate) fields: OrderedMap<FieldValue>,
    pub(crate) relationships: OrderedMap<RelationshipValue>,
    /// Meetings only: the caller's access, `"FULL"` or `"METADATA"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) access_level: Option<&'static str>,
    /// Meetings only: always `"meeting"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) object_type: Option<&'static str>,
}

/// What a record endpoint answers: the record envelope, or a list's envelope.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Envelope {
    Record(Record),
    List(ListRecord),
}

/// The envelope of a list (`/v1/lists`): no relationships; members are read through
/// the list's membership pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ListRecord {
    pub(crate) id: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: Option<String>,
    pub(crate) http_link: Option<String>,
    pub(crate) fields: OrderedMap<FieldValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldValue {
    pub(crate) value: serde_json::Value,
    pub(crate) value_type: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RelationshipValue {
    pub(crate) cardinality: &'static str,
    pub(crate) object_type: String,
    pub(crate) values: Vec<String>,
    /// Only on self-referential relationships.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) directions: Option<Directions<DirectionValues>>,
}

/// Both ends of a self-referential relationship, seen from one record or definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Directions<T> {
    pub(crate) as_source: T,
    pub(crate) as_destination: T,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DirectionValues {
    pub(crate) cardinality: &'static str,
    pub(crate) values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct DirectionDefinition {
    pub(crate) cardinality: &'static str,
    pub(crate) label: String,
}

/// One page of a list endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Page<T = Record> {
    /// Always `"list"`.
    pub(crate) object: &'static str,
    pub(crate) total_count: u64,
    pub(crate) data: Vec<T>,
}

/// `GET /v1/{type}/definitions`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Definitions {
    pub(crate) object_type: String,
    pub(crate) field_definitions: OrderedMap<FieldDefinition>,
    pub(crate) relationship_definitions: OrderedMap<RelationshipDefinition>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldDefinition {
    pub(crate) id: String,
    /// The key without its `$`.
    pub(crate) slug: String,
    pub(crate) system: bool,
    pub(crate) label: String,
    pub(crate) description: Option<String>,
    pub(crate) value_type: &'static str,
    pub(crate) type_configuration: TypeConfiguration,
    pub(crate) read_only: bool,
}

/// Only the keys that apply to the field's type are present; `{}` when none do.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TypeConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) handle_service: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) unique: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) multiple_values: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) options: Option<Vec<SelectOption>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) parent_field_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SelectOption {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) description: Option<String>,
    pub(crate) parent_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RelationshipDefinition {
    pub(crate) id: String,
    /// The definition slug, also accepted as a filter key (`$task-account`).
    pub(crate) slug: String,
    pub(crate) label: String,
    pub(crate) description: Option<String>,
    pub(crate) cardinality: &'static str,
    pub(crate) object_type: String,
    /// Only on self-referential relationships.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) directions: Option<Directions<DirectionDefinition>>,
}

/// `GET /v1/objects`: the custom object types. No `object` or `totalCount` here.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ObjectTypeList {
    pub(crate) data: Vec<ObjectTypeSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ObjectTypeSummary {
    pub(crate) object_type: String,
    pub(crate) label: String,
}

/// `GET …/fields/{fieldKey}/history`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldHistory {
    pub(crate) data: Vec<HistoryEntry>,
    pub(crate) has_more: bool,
    pub(crate) next_cursor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HistoryEntry {
    pub(crate) value: serde_json::Value,
    pub(crate) value_type: &'static str,
    pub(crate) display_value: String,
    pub(crate) recorded_at: String,
    pub(crate) is_create: bool,
}

/// `GET /v1/auth/validate`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthValidate {
    pub(crate) active: bool,
    /// Always `"api_key"`.
    pub(crate) token_type: &'static str,
    /// Always `"workspace"`: crmd keys belong to a workspace, not a user.
    pub(crate) subject_type: &'static str,
    /// Empty when the key has every permission.
    pub(crate) scopes: Vec<String>,
}

/// Every error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ErrorBody {
    pub(crate) error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ErrorDetail {
    #[serde(rename = "type")]
    pub(crate) kind: &'static str,
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) param: Option<String>,
    /// Members some errors add (`candidates`, `pipelineId`, `activePipelineIds`, `truncated`).
    #[serde(flatten)]
    pub(crate) extra: serde_json::Map<String, serde_json::Value>,
}

/// `POST /v1/{type}/merge`, `POST /v1/objects/{slug}/merge`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MergeResponse {
    pub(crate) merge: MergeRef,
    pub(crate) primary: Record,
    pub(crate) summary: MergeSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MergeRef {
    pub(crate) id: String,
    /// Always `"done"`: crmd merges in one transaction before answering.
    pub(crate) status: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MergeSummary {
    pub(crate) field_write_count: u64,
    pub(crate) sync_repointed_count: u64,
    pub(crate) warnings: Vec<String>,
}

/// `GET /v1/merges/{id}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Merge {
    pub(crate) id: String,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) primary_id: String,
    pub(crate) duplicate_id: String,
    pub(crate) entity_type: String,
    pub(crate) status: &'static str,
}
