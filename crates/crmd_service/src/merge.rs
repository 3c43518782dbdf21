//! Merging two records of one object type: permissions, the merge rules, and the values
//! the primary ends up with; then one store call does the whole merge in one transaction.

use crate::Crm;
use crate::auth::{Action, Actor};
use crate::error::ServiceError;
use crate::records::{FieldInput, TypeRef, record_not_found, require};
use crmd_core::{Cardinality, FieldDef, FieldType, Merge, Record, RecordId, Value};
use crmd_store::{IdempotencyEntry, MergeOutcome, MergeRecords};
use std::collections::BTreeMap;

/// How one field of the primary is resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Keep the primary's value, set or not.
    Primary,
    /// Take the duplicate's value, set or not.
    Duplicate,
    /// Write this value, validated like any write of the field.
    Value(FieldInput),
}

/// A merge request, in the engine's terms but not yet validated.
#[derive(Debug, Clone, PartialEq)]
pub struct MergeInput {
    /// The record that stays.
    pub primary: RecordId,
    /// The record folded into the primary and moved to the trash.
    pub duplicate: RecordId,
    /// By field key as given (with or without the leading `$`), in request order.
    pub resolutions: Vec<(String, Resolution)>,
    /// Multi-select fields without a resolution take the union of both records' options
    /// instead of the primary's.
    pub multi_select_union: bool,
}

/// The field a resolution names: its key as written, or with the leading `$` added or
/// removed.
fn resolution_field<'a>(object_type: &'a TypeRef, key: &str) -> Option<&'a FieldDef> {
    object_type.field(key).or_else(|| match key.strip_prefix('$') {
        Some(bare) => object_type.field(bare),
        None => object_type.field(&format!("${key}")),
    })
}

fn in_resolution(key: &str, error: ServiceError) -> ServiceError {
    ServiceError::InResolution {
        key: key.to_owned(),
        error: Box::new(error),
    }
}

/// Options of both values, in the field's option order (unknown ids last, as found).
fn union_of_choices(field: &FieldDef, primary: &[String], duplicate: &[String]) -> Vec<String> {
    let mut ids: Vec<String> = primary.to_vec();
    for id in duplicate {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let position = |id: &String| {
        field
            .config
            .options
            .iter()
            .position(|option| option.id == *id)
            .unwrap_or(usize::MAX)
    };
    ids.sort_by_key(position);
    ids
}

/// The value a field without a resolution ends up with: the primary's when set, else the
/// duplicate's; multi-selects take the union of both when asked to.
fn default_value(
    field: &FieldDef,
    primary: &Record,
    duplicate: &Record,
    multi_select_union: bool,
) -> Option<Value> {
    let (mine, theirs) = (primary.value(&field.key), duplicate.value(&field.key));
    if field.field_type == FieldType::MultiSelect
        && multi_select_union
        && let (Some(Value::Choices(mine)), Some(Value::Choices(theirs))) = (mine, theirs)
    {
        return Some(Value::Choices(union_of_choices(field, mine, theirs)));
    }
    mine.or(theirs).cloned()
}

impl Crm {
    /// Merges `input.duplicate` into `input.primary`, both active records of the type.
    /// Needs the type's update and delete permissions.
    pub async fn merge_records(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        input: MergeInput,
        idempotency: Option<IdempotencyEntry<MergeOutcome>>,
    ) -> Result<MergeOutcome, ServiceError> {
        require(actor, object_type, Action::Update)?;
        require(actor, object_type, Action::Delete)?;
        if input.primary == input.duplicate {
            return Err(ServiceError::SelfMerge { id: input.primary });
        }

        let mut resolutions: BTreeMap<&str, (&str, &Resolution)> = BTreeMap::new();
        for (key, resolution) in &input.resolutions {
            let field = resolution_field(object_type, key).ok_or_else(|| {
                in_resolution(
                    key,
                    ServiceError::UnknownField {
                        object_type: object_type.slug.clone(),
                        key: key.clone(),
                    },
                )
            })?;
            if field.is_read_only {
                return Err(in_resolution(
                    key,
                    ServiceError::ReadOnly {
                        key: field.key.clone(),
                        is_relationship: false,
                    },
                ));
            }
            if resolutions
                .insert(field.key.as_str(), (key.as_str(), resolution))
                .is_some()
            {
                return Err(in_resolution(
                    key,
                    ServiceError::invalid_request(format!("field {:?} is resolved twice", field.key), None),
                ));
            }
        }

        let primary = self.active_record(actor, object_type, input.primary).await?;
        let duplicate = self.active_record(actor, object_type, input.duplicate).await?;
        for side in object_type.schema().relationships_of(&object_type.slug) {
            let end = side.end();
            if end.is_required && end.cardinality == Cardinality::HasOne {
                let key = side.key();
                let (mut mine, mut theirs) = (primary.related(key).to_vec(), duplicate.related(key).to_vec());
                mine.sort_unstable();
                theirs.sort_unstable();
                if mine != theirs {
                    return Err(ServiceError::MergeNotAllowed {
                        key: key.to_owned(),
                        object_type: object_type.slug.clone(),
                    });
                }
            }
        }

        let mut values = BTreeMap::new();
        for field in &object_type.fields {
            let value = match resolutions.get(field.key.as_str()) {
                Some((_, Resolution::Primary)) => continue,
                Some((key, Resolution::Duplicate)) => {
                    let value = duplicate.value(&field.key).cloned();
                    check_required(field, key, value.as_ref())?;
                    value
                }
                Some((key, Resolution::Value(input))) => {
                    let value = match input {
                        FieldInput::Json(json) => crmd_core::value::normalize(field, json),
                        FieldInput::Text(text) => crmd_core::value::parse_text(field, text),
                    }
                    .map_err(|error| {
                        in_resolution(
                            key,
                            ServiceError::InvalidValue {
                                key: field.key.clone(),
                                reason: error.0,
                            },
                        )
                    })?;
                    check_required(field, key, value.as_ref())?;
                    value
                }
                // Read-only fields are the system's; a merge leaves the primary's alone.
                None if field.is_read_only => continue,
                None => default_value(field, &primary, &duplicate, input.multi_select_union),
            };
            if primary.value(&field.key) != value.as_ref() {
                values.insert(field.key.clone(), value);
            }
        }

        let merge = MergeRecords {
            object_type: object_type.slug.clone(),
            primary: input.primary,
            duplicate: input.duplicate,
            values,
        };
        self.store
            .merge_records(actor.workspace, &actor.change_actor(), merge, idempotency)
            .await
            .map_err(|error| {
                if matches!(error, crmd_store::StoreError::NotFound) {
                    return record_not_found(object_type, input.duplicate);
                }
                if let crmd_store::StoreError::UniqueViolation { field, existing } = &error {
                    let key = resolutions
                        .get(field.as_str())
                        .map_or_else(|| field.clone(), |(given, _)| (*given).to_owned());
                    return in_resolution(
                        &key,
                        ServiceError::UniqueViolation {
                            key: field.clone(),
                            existing: *existing,
                        },
                    );
                }
                error.into()
            })
    }

    /// A merge of the actor's workspace. Needs the read permission of the merged type.
    pub async fn get_merge(&self, actor: &Actor, id: u64) -> Result<Merge, ServiceError> {
        let not_found = || ServiceError::NotFound {
            what: format!("merge {id}"),
        };
        let merge = self
            .store
            .get_merge(actor.workspace, id)
            .await?
            .ok_or_else(not_found)?;
        let object_type = self
            .object_type(actor, &merge.object_type)
            .await
            .map_err(|_| not_found())?;
        require(actor, &object_type, Action::Read)?;
        Ok(merge)
    }

    /// The active record that a record merged away now lives on: the primary it was
    /// merged into, followed through later merges of that primary. `None` when the record
    /// was never merged away, or when the survivor is no longer active. Needs the type's
    /// read permission.
    pub async fn merged_into(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
    ) -> Result<Option<Record>, ServiceError> {
        /// Merges followed at most; a longer chain answers as not merged.
        const MAX_CHAIN: usize = 100;
        require(actor, object_type, Action::Read)?;
        let mut current = id;
        for _ in 0..MAX_CHAIN {
            let merges = self.store.merges_of(actor.workspace, current).await?;
            let Some(merge) = merges
                .into_iter()
                .rev()
                .find(|merge| merge.duplicate == current && merge.object_type == object_type.slug)
            else {
                if current == id {
                    return Ok(None);
                }
                return match self
                    .store
                    .get_record(actor.workspace, &object_type.slug, current)
                    .await?
                {
                    Some(record) if !record.is_trashed() => Ok(Some(record)),
                    Some(_) | None => Ok(None),
                };
            };
            current = merge.primary;
        }
        Ok(None)
    }

    async fn active_record(
        &self,
        actor: &Actor,
        object_type: &TypeRef,
        id: RecordId,
    ) -> Result<Record, ServiceError> {
        match self
            .store
            .get_record(actor.workspace, &object_type.slug, id)
            .await?
        {
            Some(record) if !record.is_trashed() => Ok(record),
            Some(_) | None => Err(record_not_found(object_type, id)),
        }
    }
}

fn check_required(field: &FieldDef, key: &str, value: Option<&Value>) -> Result<(), ServiceError> {
    if field.is_required && value.is_none() {
        return Err(in_resolution(
            key,
            ServiceError::RequiredMissing {
                key: field.key.clone(),
                is_relationship: false,
            },
        ));
    }
    Ok(())
}
