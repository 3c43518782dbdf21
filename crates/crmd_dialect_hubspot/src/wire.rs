//! HubSpot's JSON shapes, named and cased as HubSpot's SDK models them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `SimplePublicObject` and `SimplePublicObjectWithAssociations` (batch upsert adds `new`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SimplePublicObject {
    pub(crate) id: String,
    pub(crate) properties: BTreeMap<String, Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) properties_with_history: Option<BTreeMap<String, Vec<ValueWithTimestamp>>>,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) archived: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) archived_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) object_write_trace_id: Option<String>,
    /// Batch upsert only: whether the input created the record.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) new: Option<bool>,
    /// Reads with `associations`: the associated ids by requested type name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) associations: Option<BTreeMap<String, AssociatedIds>>,
}

/// The associated records of one type embedded in an object read.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssociatedIds {
    pub(crate) results: Vec<AssociatedId>,
}

/// One (record, association type) pair of an embedded read; `type` is the v3 name.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssociatedId {
    pub(crate) id: String,
    pub(crate) r#type: String,
}

/// `AssociationSpec`: one association type of a write.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct AssociationSpec {
    pub(crate) association_category: String,
    /// A number; the SDKs send one, raw callers sometimes a string.
    pub(crate) association_type_id: serde_json::Value,
}

/// A record reference `{"id": "…"}`; the id may arrive as a number or a string.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ObjectRef {
    pub(crate) id: serde_json::Value,
}

/// One association of a create: `{"to": {"id"}, "types": [...]}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssociationInput {
    pub(crate) to: ObjectRef,
    pub(crate) types: Vec<AssociationSpec>,
}

/// `MultiAssociatedObjectWithLabel`: one associated record with every type linking it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssociatedObject {
    pub(crate) to_object_id: u64,
    pub(crate) association_types: Vec<AssociationTypeOut>,
}

/// `AssociationSpecWithLabel`, also the items of the labels API.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssociationTypeOut {
    pub(crate) category: &'static str,
    pub(crate) type_id: u64,
    pub(crate) label: Option<String>,
}

/// The v4 list of a record's associations of one type.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssociatedCollection {
    pub(crate) results: Vec<AssociatedObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) paging: Option<Paging>,
}

/// `LabelsBetweenObjectPair`: the answer of a labelled association write.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LabelsBetweenObjectPair {
    pub(crate) from_object_type_id: String,
    pub(crate) from_object_id: u64,
    pub(crate) to_object_type_id: String,
    pub(crate) to_object_id: u64,
    pub(crate) labels: Vec<String>,
}

/// `PublicDefaultAssociation`: one direction of a default association.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DefaultAssociation {
    pub(crate) from: IdOut,
    pub(crate) to: IdOut,
    pub(crate) association_spec: AssociationSpecOut,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssociationSpecOut {
    pub(crate) association_category: &'static str,
    pub(crate) association_type_id: u64,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct IdOut {
    pub(crate) id: String,
}

/// A batch answer of the associations API; `T` is the result type.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AssociationBatch<T> {
    pub(crate) status: &'static str,
    pub(crate) results: Vec<T>,
    pub(crate) started_at: String,
    pub(crate) completed_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) num_errors: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) errors: Option<Vec<StandardError>>,
}

/// One result of a v4 batch read: a from-record and its associated records.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssociationsOf {
    pub(crate) from: IdOut,
    pub(crate) to: Vec<AssociatedObject>,
}

/// `PublicAssociation`: one association of the v3 API, named by its v3 type name.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct V3Association {
    pub(crate) from: IdOut,
    pub(crate) to: IdOut,
    pub(crate) r#type: String,
}

/// `PublicAssociationMulti`: one result of a v3 batch read, one entry per (record, type).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct V3AssociationsOf {
    pub(crate) from: IdOut,
    pub(crate) to: Vec<AssociatedId>,
}

/// One association type of the v3 types API; the id is the typeId as text.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct V3AssociationType {
    pub(crate) id: String,
    pub(crate) name: String,
}

/// The v3 association types of a pair of object types.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct V3AssociationTypes {
    pub(crate) results: Vec<V3AssociationType>,
}

/// `CollectionResponseAssociatedIdForwardPaging`: a record's associations of one type in
/// the v3 per-object API.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssociatedIdCollection {
    pub(crate) results: Vec<AssociatedId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) paging: Option<Paging>,
}

/// The labels of a pair of object types.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AssociationLabels {
    pub(crate) results: Vec<AssociationTypeOut>,
}

/// One past value of a property.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ValueWithTimestamp {
    pub(crate) value: String,
    pub(crate) timestamp: String,
    pub(crate) source_type: &'static str,
}

/// A list page; `paging` only when there is a next page.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Collection {
    pub(crate) results: Vec<SimplePublicObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) paging: Option<Paging>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Paging {
    pub(crate) next: NextPage,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct NextPage {
    pub(crate) after: String,
}

/// `BatchResponseSimplePublicObject` and its `…WithErrors` form.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BatchResponse {
    pub(crate) status: &'static str,
    pub(crate) results: Vec<SimplePublicObject>,
    pub(crate) started_at: String,
    pub(crate) completed_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) num_errors: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) errors: Option<Vec<StandardError>>,
}

/// One failed group of batch inputs.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct StandardError {
    pub(crate) status: &'static str,
    pub(crate) category: &'static str,
    pub(crate) message: String,
    pub(crate) context: BTreeMap<String, Vec<String>>,
    pub(crate) errors: Vec<ErrorDetail>,
    pub(crate) links: BTreeMap<String, String>,
}

/// The error body of every failed request.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorBody {
    pub(crate) status: &'static str,
    pub(crate) message: String,
    pub(crate) correlation_id: String,
    pub(crate) category: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) errors: Vec<ErrorDetail>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) context: BTreeMap<String, Vec<String>>,
}

/// `ErrorDetail`: one problem of an error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorDetail {
    pub(crate) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) r#in: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) context: Option<BTreeMap<String, Vec<String>>>,
}

/// The body of a 429: HubSpot names the limit with `errorType` and `policyName`; crmd
/// adds `category`, which the SDKs' `Error` model requires.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RateLimitBody {
    pub(crate) status: &'static str,
    pub(crate) message: &'static str,
    pub(crate) error_type: &'static str,
    pub(crate) correlation_id: String,
    pub(crate) policy_name: &'static str,
    pub(crate) group_name: &'static str,
    pub(crate) category: &'static str,
}

/// `SimplePublicObjectInputForCreate` and `SimplePublicObjectInput`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ObjectInput {
    #[serde(default)]
    pub(crate) properties: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub(crate) associations: Option<Vec<serde_json::Value>>,
    /// Batch inputs: the record id, or a unique value with `idProperty`.
    #[serde(default)]
    pub(crate) id: Option<serde_json::Value>,
    #[serde(default)]
    pub(crate) id_property: Option<String>,
    #[serde(default)]
    pub(crate) object_write_trace_id: Option<String>,
}

/// The body of every batch endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct BatchInput {
    pub(crate) inputs: Vec<serde_json::Value>,
    #[serde(default)]
    pub(crate) properties: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) properties_with_history: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) id_property: Option<String>,
}

/// `PublicObjectSearchRequest`. Every key is optional; unknown keys are ignored. `limit`
/// and `after` take numbers or strings, and `sorts` objects or strings, hence `Json`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchRequest {
    #[serde(default)]
    pub(crate) query: Option<String>,
    #[serde(default)]
    pub(crate) filter_groups: Option<Vec<FilterGroup>>,
    /// The top-level list of older guides: one more group.
    #[serde(default)]
    pub(crate) filters: Option<Vec<SearchFilter>>,
    #[serde(default)]
    pub(crate) sorts: Option<Vec<serde_json::Value>>,
    #[serde(default)]
    pub(crate) properties: Option<Vec<String>>,
    #[serde(default)]
    pub(crate) limit: Option<serde_json::Value>,
    #[serde(default)]
    pub(crate) after: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct FilterGroup {
    #[serde(default)]
    pub(crate) filters: Vec<SearchFilter>,
}

/// `Filter`: `{propertyName, operator, value?, highValue?, values?}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SearchFilter {
    pub(crate) property_name: String,
    pub(crate) operator: String,
    #[serde(default)]
    pub(crate) value: Option<serde_json::Value>,
    #[serde(default)]
    pub(crate) high_value: Option<serde_json::Value>,
    #[serde(default)]
    pub(crate) values: Option<Vec<serde_json::Value>>,
}

/// `CollectionResponseWithTotalSimplePublicObjectForwardPaging`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct CollectionWithTotal {
    pub(crate) total: u64,
    pub(crate) results: Vec<SimplePublicObject>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) paging: Option<Paging>,
}

/// `PublicOwner`: a crmd member as a HubSpot owner.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Owner {
    pub(crate) id: String,
    pub(crate) email: Option<String>,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    /// `null` for an archived owner, as HubSpot does; `userIdIncludingInactive` keeps it.
    pub(crate) user_id: Option<u64>,
    pub(crate) user_id_including_inactive: u64,
    pub(crate) r#type: &'static str,
    pub(crate) created_at: String,
    pub(crate) updated_at: String,
    pub(crate) archived: bool,
    pub(crate) teams: Vec<serde_json::Value>,
}

/// `CollectionResponsePublicOwnerForwardPaging`.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct OwnerCollection {
    pub(crate) results: Vec<Owner>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) paging: Option<Paging>,
}
