//! crmd's use cases. Dialects, the console and the CLI reach data only through [`Crm`]:
//! it authenticates keys, checks permissions, validates and normalizes every write against
//! the schema, and calls the store.

pub mod auth;
mod batch;
mod error;
mod idempotency;
mod merge;
pub mod pipelines;
mod records;
pub mod schema_file;
mod workspaces;

pub use auth::{Action, Actor};
pub use batch::BatchWrite;
pub use crmd_query::Limits as QueryLimits;
pub use crmd_store::{
    BatchMode, IdempotencyEntry, MergeOutcome, RecordPage, RelationshipOp, Store, StoredResponse, Workspace,
};
pub use error::{ServiceError, StageCandidate, StageCandidates, Subject};
pub use idempotency::{IDEMPOTENCY_TTL_MILLIS, IdempotencyClaim, IdempotencyGuard};
pub use merge::{MergeInput, Resolution};
pub use records::{FieldInput, RecordInput, RelationshipInput, TypeRef};
pub use workspaces::{CreatedKey, DEFAULT_WORKSPACE, SchemaPlan};

use std::sync::Arc;

/// Bounds the service enforces on every request, whatever the dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceLimits {
    /// Distinct record ids one write may name across all its relationships.
    pub max_relationship_ids: usize,
    /// Links one write may add or remove across all its relationships.
    pub max_link_changes: usize,
    pub query: crmd_query::Limits,
}

impl Default for ServiceLimits {
    fn default() -> Self {
        ServiceLimits {
            max_relationship_ids: 25,
            max_link_changes: 25,
            query: crmd_query::Limits::default(),
        }
    }
}

/// The engine's front door.
#[derive(Clone)]
pub struct Crm {
    store: Arc<dyn Store>,
    limits: ServiceLimits,
    in_flight: idempotency::InFlight,
}

impl Crm {
    pub fn new(store: Arc<dyn Store>, limits: ServiceLimits) -> Crm {
        Crm {
            store,
            limits,
            in_flight: idempotency::InFlight::default(),
        }
    }

    pub fn limits(&self) -> &ServiceLimits {
        &self.limits
    }

    /// Stops accepting writes and finishes the ones in flight.
    pub async fn shutdown(&self) {
        self.store.shutdown().await;
    }
}
