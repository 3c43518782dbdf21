//! Workspaces, API keys and schema changes: what the operator manages.

use crate::Crm;
use crate::auth::{self, Action, Actor};
use crate::error::ServiceError;
use crate::schema_file::{self, SchemaChange, SchemaFile};
use crmd_core::{RecordId, Schema, Value, WorkspaceId};
use crmd_store::{ApiKey, NewApiKey, NewRecord, Workspace};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The workspace `crmd serve` creates on first start.
pub const DEFAULT_WORKSPACE: &str = "default";

/// A key just created: the full text is shown once and never stored.
pub struct CreatedKey {
    pub text: String,
    pub key: ApiKey,
}

/// A schema change, computed but not applied yet.
pub struct SchemaPlan {
    pub workspace: WorkspaceId,
    pub current: Arc<Schema>,
    pub proposed: Schema,
    pub changes: Vec<SchemaChange>,
}

impl SchemaPlan {
    pub fn is_destructive(&self) -> bool {
        self.changes.iter().any(|change| change.is_destructive)
    }
}

impl Crm {
    /// Creates a workspace with the standard model and its first member, the owner.
    pub async fn create_workspace(&self, name: &str) -> Result<Workspace, ServiceError> {
        let name = name.trim();
        let is_valid = !name.is_empty()
            && name.len() <= 63
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !is_valid {
            return Err(ServiceError::invalid_request(
                format!("workspace name {name:?} must be 1 to 63 letters, digits, `-` or `_`"),
                None,
            ));
        }
        let schema = schema_file::resolve(
            &schema_file::standard()?,
            &SchemaFile::default(),
            &Schema::default(),
        )?;
        let workspace = self.store.create_workspace(name, schema).await?;
        let mut values = BTreeMap::new();
        values.insert(
            "$email".to_owned(),
            Value::Text(format!("owner@{name}.crmd.local").to_ascii_lowercase()),
        );
        values.insert(
            "$name".to_owned(),
            Value::FullName(crmd_core::FullName {
                first_name: Some("Workspace".into()),
                last_name: Some("Owner".into()),
            }),
        );
        values.insert("$role".to_owned(), Value::Text("ADMIN".into()));
        let owner = NewRecord {
            object_type: "member".into(),
            values,
            ..NewRecord::default()
        };
        self.store.create_record(workspace.id, "system", owner).await?;
        Ok(workspace)
    }

    pub async fn workspace(&self, name: &str) -> Result<Workspace, ServiceError> {
        self.store
            .workspace_by_name(name)
            .await?
            .ok_or_else(|| ServiceError::NotFound {
                what: format!("workspace {name:?}"),
            })
    }

    pub async fn list_workspaces(&self) -> Result<Vec<Workspace>, ServiceError> {
        Ok(self.store.list_workspaces().await?)
    }

    /// The permission resources a scope may name in `workspace`.
    pub async fn scope_resources(&self, workspace: WorkspaceId) -> Result<Vec<String>, ServiceError> {
        let schema = self.store.schema(workspace).await?;
        let mut resources: Vec<String> = schema
            .object_types
            .iter()
            .map(|object_type| object_type.scope.clone())
            .collect();
        resources.extend(
            auth::EXTRA_RESOURCES
                .iter()
                .map(|resource| (*resource).to_owned()),
        );
        resources.sort();
        resources.dedup();
        Ok(resources)
    }

    /// Creates an API key for `workspace`. An empty scope list grants every permission.
    pub async fn create_key(
        &self,
        workspace: WorkspaceId,
        scopes: Vec<String>,
        label: Option<String>,
    ) -> Result<CreatedKey, ServiceError> {
        let resources = self.scope_resources(workspace).await?;
        if let Some(bad) = scopes
            .iter()
            .find(|scope| !auth::is_valid_scope(scope, &resources))
        {
            let actions: Vec<&str> = Action::ALL.iter().map(|action| action.as_str()).collect();
            return Err(ServiceError::invalid_request(
                format!(
                    "unknown scope {bad:?}; scopes are <resource>:<action> with a resource among {} and an action among {}",
                    resources.join(", "),
                    actions.join(", ")
                ),
                None,
            ));
        }
        let generated = auth::generate_key();
        let key = self
            .store
            .create_api_key(NewApiKey {
                key_id: generated.key_id,
                workspace,
                secret_sha256: generated.secret_sha256,
                scopes,
                label,
            })
            .await?;
        Ok(CreatedKey {
            text: generated.text,
            key,
        })
    }

    pub async fn list_keys(&self, workspace: Option<WorkspaceId>) -> Result<Vec<ApiKey>, ServiceError> {
        Ok(self.store.list_api_keys(workspace).await?)
    }

    /// Revokes a key by its id or by its full text.
    pub async fn revoke_key(&self, key: &str) -> Result<(), ServiceError> {
        let key_id = auth::split_key(key).map_or(key, |(key_id, _)| key_id);
        if self.store.revoke_api_key(key_id).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound {
                what: format!("active key {key_id:?}"),
            })
        }
    }

    /// Resolves a bearer token to the calling workspace and its permissions.
    pub async fn authenticate(&self, token: &str) -> Result<Actor, ServiceError> {
        let (key_id, secret) = auth::split_key(token.trim()).ok_or(ServiceError::Unauthenticated)?;
        let key = self
            .store
            .api_key(key_id)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        if key.revoked_at.is_some() || !auth::secret_matches(secret, &key.secret_sha256) {
            return Err(ServiceError::Unauthenticated);
        }
        Ok(Actor {
            workspace: key.workspace,
            key_id: key.key_id,
            scopes: key.scopes,
        })
    }

    /// The owner member of a workspace: the first member record.
    pub async fn owner_member(&self, workspace: WorkspaceId) -> Result<Option<RecordId>, ServiceError> {
        let query = crmd_query::Query {
            sort: vec![crmd_query::SortKey {
                target: crmd_query::Target::Id,
                is_descending: false,
            }],
            ..crmd_query::Query::newest_first(1)
        };
        let page = self.store.query_records(workspace, "member", &query).await?;
        Ok(page.records.first().map(|record| record.id))
    }

    /// The workspace's schema as a file of its custom parts.
    pub async fn export_schema(&self, workspace: WorkspaceId) -> Result<SchemaFile, ServiceError> {
        Ok(schema_file::export(&*self.store.schema(workspace).await?))
    }

    /// Computes what applying `file` would change.
    pub async fn plan_schema(
        &self,
        workspace: WorkspaceId,
        file: &SchemaFile,
    ) -> Result<SchemaPlan, ServiceError> {
        let current = self.store.schema(workspace).await?;
        let proposed = schema_file::resolve(&schema_file::standard()?, file, &current)?;
        let changes = schema_file::diff(&current, &proposed);
        Ok(SchemaPlan {
            workspace,
            current,
            proposed,
            changes,
        })
    }

    /// Applies a plan. Destructive changes need `allow_destructive`.
    pub async fn apply_schema(
        &self,
        plan: SchemaPlan,
        allow_destructive: bool,
    ) -> Result<Arc<Schema>, ServiceError> {
        if plan.is_destructive() && !allow_destructive {
            let destructive = plan
                .changes
                .iter()
                .filter(|change| change.is_destructive)
                .map(|change| change.description.clone())
                .collect();
            return Err(ServiceError::DestructiveSchemaChange(destructive));
        }
        if plan.changes.is_empty() {
            return Ok(plan.current);
        }
        Ok(self.store.apply_schema(plan.workspace, plan.proposed).await?)
    }
}
