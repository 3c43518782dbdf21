//! Idempotency keys: a write sent again with the same key replays the first one's response
//! instead of running again.
//!
//! A caller first claims the key with [`Crm::claim_idempotency_key`]. The claim answers the
//! stored response when there is one; otherwise it marks the key as in flight in this
//! process until the returned [`IdempotencyGuard`] drops, and a second claim meanwhile is an
//! `IdempotencyConflict`. The write then takes the guard's [`IdempotencyEntry`], and the
//! store saves the rendered response in the write's own transaction, so that a failed write
//! leaves nothing behind and a retry runs it again. If two processes share a store, the
//! store's own check refuses the second write with the key.

use crate::Crm;
use crate::auth::Actor;
use crate::error::ServiceError;
use crmd_core::{Timestamp, WorkspaceId};
use crmd_store::{IdempotencyEntry, IdempotencyKey, StoredResponse};
use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

/// How long a stored response is replayed.
pub const IDEMPOTENCY_TTL_MILLIS: i64 = 24 * 60 * 60 * 1000;

/// Keys whose first request is running, per workspace.
pub(crate) type InFlight = Arc<Mutex<HashSet<(WorkspaceId, IdempotencyKey)>>>;

/// The outcome of claiming a key.
#[derive(Debug)]
pub enum IdempotencyClaim {
    /// A request with this key succeeded before: answer its response again.
    Replay(StoredResponse),
    /// The first request with this key: run it, passing [`IdempotencyGuard::entry`] to the write.
    Run(IdempotencyGuard),
}

/// Holds a key in flight until dropped.
#[derive(Debug)]
pub struct IdempotencyGuard {
    in_flight: InFlight,
    claimed: (WorkspaceId, IdempotencyKey),
}

impl IdempotencyGuard {
    /// What the write stores with itself: the key, its expiry, and `render`, which makes the
    /// response from the write's result inside the write's transaction.
    pub fn entry<T>(
        &self,
        render: impl FnOnce(&T) -> StoredResponse + Send + 'static,
    ) -> IdempotencyEntry<T> {
        IdempotencyEntry {
            key: self.claimed.1.clone(),
            expires_at: Timestamp(Timestamp::now().millis() + IDEMPOTENCY_TTL_MILLIS),
            render: Box::new(render),
        }
    }
}

impl Drop for IdempotencyGuard {
    fn drop(&mut self) {
        self.in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.claimed);
    }
}

impl Crm {
    /// Claims `key` for `operation` (which names the dialect, the operation and the object
    /// type, such as `lightfield:create:account`) in the actor's workspace.
    pub async fn claim_idempotency_key(
        &self,
        actor: &Actor,
        operation: &str,
        key: &str,
    ) -> Result<IdempotencyClaim, ServiceError> {
        let claimed = (
            actor.workspace,
            IdempotencyKey {
                operation: operation.to_owned(),
                key: key.to_owned(),
            },
        );
        let is_new = self
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(claimed.clone());
        if !is_new {
            return Err(ServiceError::IdempotencyConflict);
        }
        // From here on the guard releases the key, also when the lookup fails.
        let guard = IdempotencyGuard {
            in_flight: self.in_flight.clone(),
            claimed,
        };
        let stored = self
            .store
            .idempotent_response(actor.workspace, &guard.claimed.1, Timestamp::now())
            .await?;
        Ok(match stored {
            Some(response) => IdempotencyClaim::Replay(response),
            None => IdempotencyClaim::Run(guard),
        })
    }
}
