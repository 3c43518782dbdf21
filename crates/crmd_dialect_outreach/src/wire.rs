//! JSON:API documents as Outreach sends them: integer ids, camelCase members, absolute
//! links, and no top-level `jsonapi` or `links.self`.

use serde::Serialize;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

/// A success document: one resource or a collection.
#[derive(Debug, Serialize)]
pub(crate) struct Document<D> {
    pub(crate) data: D,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) included: Option<Vec<Resource>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) meta: Option<CollectionMeta>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) links: Option<PageLinks>,
}

/// `meta` of a collection asked for with `count=true`.
#[derive(Debug, Serialize)]
pub(crate) struct CollectionMeta {
    pub(crate) count: u64,
    pub(crate) count_truncated: bool,
}

/// Paging links; a link that does not apply is omitted.
#[derive(Debug, Serialize)]
pub(crate) struct PageLinks {
    pub(crate) first: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) prev: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next: Option<String>,
}

/// A resource object.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Resource {
    #[serde(rename = "type")]
    pub(crate) resource_type: String,
    pub(crate) id: u64,
    pub(crate) attributes: Map<String, Json>,
    pub(crate) relationships: BTreeMap<String, Relationship>,
    pub(crate) links: SelfLink,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct SelfLink {
    #[serde(rename = "self")]
    pub(crate) self_link: String,
}

/// A relationship object: linkage for to-one relationships, a `related` link (the target
/// collection filtered by the inverse relationship) for to-many ones.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub(crate) enum Relationship {
    ToOne { data: Option<Identifier> },
    ToMany { links: RelatedLink },
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct RelatedLink {
    pub(crate) related: String,
}

/// A resource identifier object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub(crate) struct Identifier {
    #[serde(rename = "type")]
    pub(crate) resource_type: String,
    pub(crate) id: u64,
}

/// An error document.
#[derive(Debug, Serialize)]
pub(crate) struct ErrorDocument {
    pub(crate) errors: Vec<ErrorObject>,
}

/// One error: Outreach's stable `id`, a `title`, the `detail` of this occurrence, and where
/// in the request it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ErrorObject {
    pub(crate) id: &'static str,
    pub(crate) title: &'static str,
    pub(crate) detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) source: Option<ErrorSource>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum ErrorSource {
    Pointer(String),
    Parameter(String),
}
