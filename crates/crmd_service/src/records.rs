//! Record use cases: validation against the schema, permissions, then one store call.

use crate::Crm;
use crate::auth::{Action, Actor};
use crate::error::ServiceError;
use crmd_core::{Cardinality, HistoryEntry, ObjectType, Record, RecordId, Schema, Value};
use crmd_query::{Query, Trashed};
use crmd_store::{
    IdempotencyEntry, NewRecord, RecordChanges, RecordPage, RecordWrite, RelationshipOp, RelationshipWrite,
};
use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;
use std::sync::Arc;

/// An object type of a workspace, holding the schema it came from so that callers can
/// look up relationships and related types without another fetch.
#[derive(Debug, Clone)]
pub struct TypeRef {
    schema: Arc<Schema>,
    index: usize,
}

impl TypeRef {
    pub fn schema(&self) -> &Schema {
        &self.schema
    }
}

impl Deref for TypeRef {
    type Target = ObjectType;

    fn deref(&self) -> &ObjectType {
        &self.schema.object_types[self.index]
    }
}

/// A field value as a dialect received it.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldInput {
    /// JSON in the canonical shape (arrays, objects, numbers, booleans, strings).
    Json(serde_json::Value),
    /// A scalar encoded as text (query strings, HubSpot property values).
    Text(String),
}

/// One relationship operation as a dialect received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipInput {
    pub key: String,
    pub op: RelationshipOp,
}

/// A create or update request, in the engine's terms but not yet validated.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordInput {
    /// Field key and value, in request order. A JSON null clears the field.
    pub fields: Vec<(String, FieldInput)>,
    pub relationships: Vec<RelationshipInput>,
    /// Links the server makes on create on the caller's behalf (the author of a note),
    /// by relationship key, several ids for one key in order. Read-only relationships are
    /// allowed here; a key the request also names keeps the request's ids.
    pub server_links: Vec<(String, RecordId)>,
}

pub(crate) fn require(actor: &Actor, object_type: &ObjectType, action: Action) -> Result<(), ServiceError> {
    require_resource(actor, &object_type.scope, action)
}

fn require_resource(actor: &Actor, resource: &str, action: Action) -> Result<(), ServiceError> {
    if actor.allows(resource, action) {
        Ok(())
    } else {
        Err(ServiceError::PermissionDenied {
            scope: format!("{resource}:{}", action.as_str()),
        })
    }
}

pub(crate) fn record_not_found(object_type: &ObjectType, id: RecordId) -> ServiceError {
    ServiceError::NotFound {
        what: format!("{} {id}", object_type.slug),
    }
}

/// A store error about record `id`, naming the record when it is missing.
pub(crate) fn record_error(
    error: crmd_store::StoreError,
    object_type: &ObjectType,
    id: RecordId,
) -> ServiceError {
    if matches!(error, crmd_store::StoreError::NotFound) {
        record_not_found(object_type, id)
    } else {
        error.into()
    }
}

impl Crm {
    /// The object type with this slug in the actor's workspace.
    pub async fn object_type(&self, actor: &Actor, slug: &str) -> Result<TypeRef, ServiceError> {
        let schema = self.store.schema(actor.workspace).await?;
        let index = schema
            .object_types
            .iter()
            .position(|object_type| object_type.slug == slug)
            .ok_or_else(|| ServiceError::NotFound {
                what: format!("object type {slug:?}"),
            })?;
        Ok(TypeRef { schema, index })
    }

    /// The workspace's whole schema.
    pub async fn schema(&self, actor: &Actor) -> Result<Arc<Schema>, ServiceError> {
        Ok(self.store.schema(actor.workspace).await?)
    }

    /// Checks that the actor may `action` a permission resource (`custom_objects`) as a
    /// whole, without touching data.
    pub fn authorize_resource(
        &self,
        actor: &Actor,
        resource: &str,
        action: Action,
    ) -> Result<(), ServiceError> {
        require_resource(actor, resource, action)
    }

    /// Checks that the actor may `action` records of the type, without touching data.
    pub fn authorize(
        &self,
        actor: &Actor,
        object_type: &ObjectType,
        action: Action,
    ) -> Result<(), ServiceError> {
        require(actor, object_type, action)
    }

    pub async fn create_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        input: RecordInput,
    ) -> Result<Record, ServiceError> {
        self.create_record_idempotent(actor, object_type, input, None)
            .await
    }

    /// [`Crm::create_record`], storing the response of `idempotency` with the write.
    pub async fn create_record_idempotent(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        input: RecordInput,
        idempotency: Option<IdempotencyEntry>,
    ) -> Result<Record, ServiceError> {
        require(actor, object_type, Action::Create)?;
        let record = self.new_record(object_type, input)?;
        Ok(self
            .store
            .write_record(
                actor.workspace,
                &actor.change_actor(),
                RecordWrite::Create(record),
                idempotency,
            )
            .await?)
    }

    /// Validates a create against the schema: the record to insert.
    pub(crate) fn new_record(
        &self,
        object_type: &TypeRef,
        input: RecordInput,
    ) -> Result<NewRecord, ServiceError> {
        let fields =
            crate::pipelines::resolve_write(object_type, &input.fields, None, object_type.is_standard)?;
        let values = self.normalize_fields(object_type, &fields)?;
        let mut record = NewRecord {
            object_type: object_type.slug.clone(),
            values: BTreeMap::new(),
            ..NewRecord::default()
        };
        for (key, value) in values {
            if let Some(value) = value {
                record.values.insert(key, value);
            }
        }
        for field in &object_type.fields {
            if field.is_required && !record.values.contains_key(&field.key) {
                return Err(ServiceError::RequiredMissing {
                    key: field.key.clone(),
                    is_relationship: false,
                });
            }
        }
        self.check_relationship_limits(&input.relationships)?;
        for input in &input.relationships {
            let side = self.writable_side(object_type, &input.key)?;
            let RelationshipOp::Replace(ids) = &input.op else {
                return Err(ServiceError::InvalidRelationshipOperation {
                    key: input.key.clone(),
                    reason: "a new record takes the related ids themselves, not add or remove".into(),
                });
            };
            if side.cardinality() == Cardinality::HasOne && ids.len() > 1 {
                return Err(ServiceError::InvalidRelationshipOperation {
                    key: input.key.clone(),
                    reason: "it holds at most one record".into(),
                });
            }
            record
                .relationships
                .entry(input.key.clone())
                .or_default()
                .extend(ids.iter().copied());
        }
        let mut server_links: BTreeMap<String, Vec<RecordId>> = BTreeMap::new();
        for (key, id) in input.server_links {
            if object_type
                .schema()
                .relationship(&object_type.slug, &key)
                .is_none()
            {
                return Err(ServiceError::UnknownRelationship {
                    object_type: object_type.slug.clone(),
                    key,
                });
            }
            let ids = server_links.entry(key).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        for (key, ids) in server_links {
            record.relationships.entry(key).or_insert(ids);
        }
        for side in object_type.schema().relationships_of(&object_type.slug) {
            if side.end().is_required && record.relationships.get(side.key()).is_none_or(Vec::is_empty) {
                return Err(ServiceError::RequiredMissing {
                    key: side.key().to_owned(),
                    is_relationship: true,
                });
            }
        }
        Ok(record)
    }

    /// An active record. Trashed records answer `NotFound`.
    pub async fn get_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
    ) -> Result<Record, ServiceError> {
        require(actor, object_type, Action::Read)?;
        match self
            .store
            .get_record(actor.workspace, &object_type.slug, id)
            .await?
        {
            Some(record) if !record.is_trashed() => Ok(record),
            Some(_) | None => Err(record_not_found(object_type, id)),
        }
    }

    pub async fn update_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
        input: RecordInput,
    ) -> Result<Record, ServiceError> {
        self.update_record_idempotent(actor, object_type, id, input, None)
            .await
    }

    /// [`Crm::update_record`], storing the response of `idempotency` with the write.
    pub async fn update_record_idempotent(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
        input: RecordInput,
        idempotency: Option<IdempotencyEntry>,
    ) -> Result<Record, ServiceError> {
        require(actor, object_type, Action::Update)?;
        let write = self.update_write(actor, object_type, id, input).await?;
        self.store
            .write_record(actor.workspace, &actor.change_actor(), write, idempotency)
            .await
            .map_err(|error| record_error(error, object_type, id))
    }

    /// Validates an update against the schema (and the record's current stage): the write.
    pub(crate) async fn update_write(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
        input: RecordInput,
    ) -> Result<RecordWrite, ServiceError> {
        let current_stage = self.current_stage(actor, object_type, id, &input.fields).await?;
        let fields = crate::pipelines::resolve_write(
            object_type,
            &input.fields,
            current_stage.as_deref(),
            object_type.is_standard,
        )?;
        let values = self.normalize_fields(object_type, &fields)?;
        for (key, value) in &values {
            let is_required = object_type.field(key).is_some_and(|field| field.is_required);
            if is_required && value.is_none() {
                return Err(ServiceError::RequiredMissing {
                    key: key.clone(),
                    is_relationship: false,
                });
            }
        }
        self.check_relationship_limits(&input.relationships)?;
        let mut relationships = Vec::with_capacity(input.relationships.len());
        for input in input.relationships {
            let side = self.writable_side(object_type, &input.key)?;
            let clears_required = side.end().is_required
                && match &input.op {
                    RelationshipOp::Replace(ids) => ids.is_empty(),
                    RelationshipOp::Remove(_) => side.cardinality() == Cardinality::HasOne,
                    RelationshipOp::Add(_) => false,
                };
            if clears_required {
                return Err(ServiceError::RequiredMissing {
                    key: input.key,
                    is_relationship: true,
                });
            }
            if let RelationshipOp::Replace(ids) = &input.op
                && side.cardinality() == Cardinality::HasOne
                && ids.len() > 1
            {
                return Err(ServiceError::InvalidRelationshipOperation {
                    key: input.key,
                    reason: "it holds at most one record".into(),
                });
            }
            relationships.push(RelationshipWrite {
                key: input.key,
                op: input.op,
            });
        }
        let changes = RecordChanges {
            values: values.into_iter().collect(),
            relationships,
        };
        Ok(RecordWrite::Update {
            object_type: object_type.slug.clone(),
            id,
            changes,
        })
    }

    /// Lists records. Listing the trash needs the type's restore permission too.
    pub async fn list_records(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        query: Query,
    ) -> Result<RecordPage, ServiceError> {
        require(actor, object_type, Action::Read)?;
        if query.trashed != Trashed::Exclude {
            require(actor, object_type, Action::Restore)?;
        }
        crmd_query::check(object_type.schema(), object_type, &query, &self.limits.query)?;
        Ok(self
            .store
            .query_records(actor.workspace, &object_type.slug, &query)
            .await?)
    }

    /// Moves a record to the trash; on a trashed record it returns it unchanged.
    pub async fn trash_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
    ) -> Result<Record, ServiceError> {
        self.trash_record_idempotent(actor, object_type, id, None).await
    }

    /// [`Crm::trash_record`], storing the response of `idempotency` with the write.
    pub async fn trash_record_idempotent(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
        idempotency: Option<IdempotencyEntry>,
    ) -> Result<Record, ServiceError> {
        require(actor, object_type, Action::Delete)?;
        let write = RecordWrite::Trash {
            object_type: object_type.slug.clone(),
            id,
        };
        self.store
            .write_record(actor.workspace, &actor.change_actor(), write, idempotency)
            .await
            .map_err(|error| record_error(error, object_type, id))
    }

    /// Moves an active record to the trash; a record already in the trash answers
    /// `NotFound`, for types whose API treats a second delete as a missing record.
    pub async fn trash_active_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
    ) -> Result<Record, ServiceError> {
        require(actor, object_type, Action::Delete)?;
        match self
            .store
            .get_record(actor.workspace, &object_type.slug, id)
            .await?
        {
            Some(record) if !record.is_trashed() => self.trash_record(actor, object_type, id).await,
            Some(_) | None => Err(record_not_found(object_type, id)),
        }
    }

    /// Brings a record back from the trash; on an active record it returns it unchanged.
    pub async fn restore_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
    ) -> Result<Record, ServiceError> {
        self.restore_record_idempotent(actor, object_type, id, None).await
    }

    /// [`Crm::restore_record`], storing the response of `idempotency` with the write.
    pub async fn restore_record_idempotent(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
        idempotency: Option<IdempotencyEntry>,
    ) -> Result<Record, ServiceError> {
        require(actor, object_type, Action::Restore)?;
        let write = RecordWrite::Restore {
            object_type: object_type.slug.clone(),
            id,
        };
        self.store
            .write_record(actor.workspace, &actor.change_actor(), write, idempotency)
            .await
            .map_err(|error| record_error(error, object_type, id))
    }

    /// Deletes a record for good, active or in the trash, with its links, its field
    /// history and its values in the change log, in one transaction; the change log keeps
    /// an entry naming only the record. Needs the type's delete permission.
    pub async fn purge_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
    ) -> Result<(), ServiceError> {
        require(actor, object_type, Action::Delete)?;
        self.store
            .purge_record(actor.workspace, &actor.change_actor(), &object_type.slug, id)
            .await
            .map_err(|error| record_error(error, object_type, id))
    }

    /// Past values of one field of an active record, newest first.
    pub async fn field_history(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
        field_key: &str,
        before_seq: Option<u64>,
        limit: u32,
    ) -> Result<Vec<HistoryEntry>, ServiceError> {
        require(actor, object_type, Action::Read)?;
        if object_type.field(field_key).is_none() {
            return Err(ServiceError::UnknownField {
                object_type: object_type.slug.clone(),
                key: field_key.to_owned(),
            });
        }
        self.get_record(actor, object_type, id).await?;
        Ok(self
            .store
            .field_history(
                actor.workspace,
                &object_type.slug,
                id,
                field_key,
                before_seq,
                limit,
            )
            .await?)
    }

    /// The stage option id of a record before an update, read only when the update writes
    /// a stage of an object type with pipelines.
    async fn current_stage(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
        fields: &[(String, FieldInput)],
    ) -> Result<Option<String>, ServiceError> {
        let Some(pipelines) = crate::pipelines::Pipelines::of(object_type) else {
            return Ok(None);
        };
        if !fields.iter().any(|(key, _)| *key == pipelines.stage.key) {
            return Ok(None);
        }
        let record = self.get_record(actor, object_type, id).await?;
        Ok(match record.value(&pipelines.stage.key) {
            Some(Value::Choice(stage)) => Some(stage.clone()),
            Some(_) | None => None,
        })
    }

    /// Validates and normalizes field inputs: known, writable keys with valid values.
    fn normalize_fields(
        &self,
        object_type: &ObjectType,
        fields: &[(String, FieldInput)],
    ) -> Result<Vec<(String, Option<Value>)>, ServiceError> {
        let mut seen = BTreeSet::new();
        let mut values = Vec::with_capacity(fields.len());
        for (key, input) in fields {
            let field = object_type.field(key).ok_or_else(|| ServiceError::UnknownField {
                object_type: object_type.slug.clone(),
                key: key.clone(),
            })?;
            if field.is_read_only {
                return Err(ServiceError::ReadOnly {
                    key: key.clone(),
                    is_relationship: false,
                });
            }
            if !seen.insert(key.as_str()) {
                return Err(ServiceError::invalid_request(
                    format!("field {key:?} is given twice"),
                    Some(crate::Subject::Field(key.clone())),
                ));
            }
            let value = match input {
                FieldInput::Json(json) => crmd_core::value::normalize(field, json),
                FieldInput::Text(text) => crmd_core::value::parse_text(field, text),
            }
            .map_err(|error| ServiceError::InvalidValue {
                key: key.clone(),
                reason: error.0,
            })?;
            values.push((key.clone(), value));
        }
        Ok(values)
    }

    fn writable_side<'a>(
        &self,
        object_type: &'a TypeRef,
        key: &str,
    ) -> Result<crmd_core::RelationshipSide<'a>, ServiceError> {
        let side = object_type
            .schema()
            .relationship(&object_type.slug, key)
            .ok_or_else(|| ServiceError::UnknownRelationship {
                object_type: object_type.slug.clone(),
                key: key.to_owned(),
            })?;
        if side.end().is_read_only {
            return Err(ServiceError::ReadOnly {
                key: key.to_owned(),
                is_relationship: true,
            });
        }
        Ok(side)
    }

    fn check_relationship_limits(&self, inputs: &[RelationshipInput]) -> Result<(), ServiceError> {
        let mut ids = BTreeSet::new();
        let mut link_changes = 0;
        for input in inputs {
            let (RelationshipOp::Replace(op_ids)
            | RelationshipOp::Add(op_ids)
            | RelationshipOp::Remove(op_ids)) = &input.op;
            ids.extend(op_ids.iter().copied());
            link_changes += op_ids.len();
        }
        if ids.len() > self.limits.max_relationship_ids {
            return Err(ServiceError::RelationshipLimit {
                limit: self.limits.max_relationship_ids,
            });
        }
        if link_changes > self.limits.max_link_changes {
            return Err(ServiceError::RelationshipLimit {
                limit: self.limits.max_link_changes,
            });
        }
        Ok(())
    }
}
