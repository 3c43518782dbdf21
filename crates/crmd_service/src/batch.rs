//! Batches of writes to one object type: permission once, validation per input, then one
//! store call that commits every valid input in one transaction.

use crate::Crm;
use crate::auth::{Action, Actor};
use crate::error::ServiceError;
use crate::records::{RecordInput, TypeRef, record_error, require};
use crmd_core::{Record, RecordId};
use crmd_store::{BatchMode, RecordWrite, StoreError};

/// One input of a batch, as a dialect received it.
#[derive(Debug, Clone, PartialEq)]
pub enum BatchWrite {
    Create(RecordInput),
    Update {
        id: RecordId,
        input: RecordInput,
    },
    /// Moves the record to the trash; on a trashed record it changes nothing.
    Trash(RecordId),
    /// Brings the record back from the trash; on an active record it changes nothing.
    Restore(RecordId),
}

impl BatchWrite {
    fn action(&self) -> Action {
        match self {
            BatchWrite::Create(_) => Action::Create,
            BatchWrite::Update { .. } => Action::Update,
            BatchWrite::Trash(_) => Action::Delete,
            BatchWrite::Restore(_) => Action::Restore,
        }
    }

    fn id(&self) -> Option<RecordId> {
        match self {
            BatchWrite::Create(_) => None,
            BatchWrite::Update { id, .. } | BatchWrite::Trash(id) | BatchWrite::Restore(id) => Some(*id),
        }
    }
}

impl Crm {
    /// Runs `inputs` against records of one type in one transaction and one commit.
    ///
    /// The actor needs every permission the inputs call for; a missing one refuses the whole
    /// batch. Each input is validated on its own. With [`BatchMode::EachInput`] an input that
    /// fails validation or writing gets its own error and the others commit; the answer
    /// holds one result per input, in input order (creates get ids in that order). With
    /// [`BatchMode::AllOrNothing`] the first failing input's error is the answer and nothing
    /// is written.
    pub async fn write_records(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        inputs: Vec<BatchWrite>,
        mode: BatchMode,
    ) -> Result<Vec<Result<Record, ServiceError>>, ServiceError> {
        for action in [Action::Create, Action::Update, Action::Delete, Action::Restore] {
            if inputs.iter().any(|input| input.action() == action) {
                require(actor, object_type, action)?;
            }
        }
        let mut results: Vec<Option<Result<Record, ServiceError>>> = Vec::with_capacity(inputs.len());
        let mut writes = Vec::with_capacity(inputs.len());
        let mut ids = Vec::with_capacity(inputs.len());
        for input in inputs {
            let id = input.id();
            let write = self.prepare_write(actor, object_type, input).await;
            match write {
                Ok(write) => {
                    writes.push(write);
                    ids.push(id);
                    results.push(None);
                }
                Err(error) if mode == BatchMode::AllOrNothing => return Err(error),
                Err(error) => results.push(Some(Err(error))),
            }
        }
        let stored = if writes.is_empty() {
            Vec::new()
        } else {
            self.store
                .write_records(actor.workspace, &actor.change_actor(), writes, mode)
                .await
                .map_err(|error| match ids.first() {
                    Some(Some(id)) if ids.len() == 1 => record_error(error, object_type, *id),
                    Some(_) | None => error.into(),
                })?
        };
        let mut stored = stored.into_iter().zip(ids);
        Ok(results
            .into_iter()
            .map(|slot| match slot {
                Some(failed) => failed,
                None => match stored.next() {
                    Some((Ok(record), _)) => Ok(record),
                    Some((Err(error), Some(id))) => Err(record_error(error, object_type, id)),
                    Some((Err(error), None)) => Err(error.into()),
                    None => Err(ServiceError::from(StoreError::backend(std::io::Error::other(
                        "the store answered fewer results than inputs",
                    )))),
                },
            })
            .collect())
    }

    /// Validates one input of a batch against the schema: the store write.
    async fn prepare_write(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        input: BatchWrite,
    ) -> Result<RecordWrite, ServiceError> {
        match input {
            BatchWrite::Create(input) => self.new_record(object_type, input).map(RecordWrite::Create),
            BatchWrite::Update { id, input } => self.update_write(actor, object_type, id, input).await,
            BatchWrite::Trash(id) => Ok(RecordWrite::Trash {
                object_type: object_type.slug.clone(),
                id,
            }),
            BatchWrite::Restore(id) => Ok(RecordWrite::Restore {
                object_type: object_type.slug.clone(),
                id,
            }),
        }
    }

    /// Runs groups of writes, to records of any types, in one transaction and one commit.
    ///
    /// Each group commits or fails whole: a write of a group that fails validation or
    /// writing fails its group, which leaves no trace and gets that write's error, while
    /// the other groups commit. The actor needs every permission the writes call for; a
    /// missing one refuses the whole batch. The answer holds one result per group, in
    /// group order, with one record per write.
    pub async fn write_record_groups(
        &self,
        actor: &Actor,
        groups: Vec<Vec<(TypeRef, BatchWrite)>>,
    ) -> Result<Vec<Result<Vec<Record>, ServiceError>>, ServiceError> {
        for (object_type, input) in groups.iter().flatten() {
            require(actor, object_type, input.action())?;
        }
        let mut results: Vec<Option<Result<Vec<Record>, ServiceError>>> = Vec::with_capacity(groups.len());
        let mut store_groups = Vec::with_capacity(groups.len());
        // Per stored group, the type and id of each write, to name a missing record.
        let mut subjects: Vec<Vec<(TypeRef, Option<RecordId>)>> = Vec::with_capacity(groups.len());
        for group in groups {
            let mut writes = Vec::with_capacity(group.len());
            let mut named = Vec::with_capacity(group.len());
            let mut failed = None;
            for (object_type, input) in group {
                let id = input.id();
                match self.prepare_write(actor, &object_type, input).await {
                    Ok(write) => {
                        writes.push(write);
                        named.push((object_type, id));
                    }
                    Err(error) => {
                        failed = Some(error);
                        break;
                    }
                }
            }
            match failed {
                Some(error) => results.push(Some(Err(error))),
                // A group with nothing to write commits nothing: no transaction for it.
                None if writes.is_empty() => results.push(Some(Ok(Vec::new()))),
                None => {
                    store_groups.push(writes);
                    subjects.push(named);
                    results.push(None);
                }
            }
        }
        let stored = if store_groups.is_empty() {
            Vec::new()
        } else {
            self.store
                .write_record_groups(actor.workspace, &actor.change_actor(), store_groups)
                .await?
        };
        let mut stored = stored.into_iter().zip(subjects);
        Ok(results
            .into_iter()
            .map(|slot| match slot {
                Some(failed) => failed,
                None => match stored.next() {
                    Some((Ok(records), _)) => Ok(records),
                    Some((Err(error), named)) => Err(group_error(error, &named)),
                    None => Err(ServiceError::from(StoreError::backend(std::io::Error::other(
                        "the store answered fewer results than groups",
                    )))),
                },
            })
            .collect())
    }
}

/// A store error of a group: a missing record is named when the group wrote one record.
fn group_error(error: StoreError, named: &[(TypeRef, Option<RecordId>)]) -> ServiceError {
    let mut existing = named
        .iter()
        .filter_map(|(object_type, id)| id.map(|id| (object_type, id)));
    match (existing.next(), existing.next()) {
        (Some((object_type, id)), None) => record_error(error, object_type, id),
        (Some(_), Some(_)) | (None, _) => error.into(),
    }
}
