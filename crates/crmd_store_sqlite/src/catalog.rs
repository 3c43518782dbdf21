//! The catalog database: workspaces and API keys.

use crate::error::{InternalError, SqliteResultExt};
use crmd_core::{Timestamp, WorkspaceId};
use crmd_store::{ApiKey, NewApiKey, StoreError, StoreResult, Workspace};
use rusqlite::{Connection, OptionalExtension, Row, params};

fn workspace_from_row(row: &Row<'_>) -> rusqlite::Result<Workspace> {
    Ok(Workspace {
        id: WorkspaceId(row.get(0)?),
        name: row.get(1)?,
        created_at: Timestamp(row.get(2)?),
    })
}

pub(crate) fn workspace_by_name(connection: &Connection, name: &str) -> StoreResult<Option<Workspace>> {
    connection
        .prepare_cached("SELECT id, name, created_at FROM workspaces WHERE name = ?1")
        .store()?
        .query_row([name], workspace_from_row)
        .optional()
        .store()
}

pub(crate) fn workspace_exists(connection: &Connection, id: WorkspaceId) -> StoreResult<bool> {
    connection
        .prepare_cached("SELECT 1 FROM workspaces WHERE id = ?1")
        .store()?
        .query_row([id.0], |_| Ok(()))
        .optional()
        .store()
        .map(|found| found.is_some())
}

pub(crate) fn list_workspaces(connection: &Connection) -> StoreResult<Vec<Workspace>> {
    connection
        .prepare_cached("SELECT id, name, created_at FROM workspaces ORDER BY id")
        .store()?
        .query_map([], workspace_from_row)
        .store()?
        .collect::<Result<_, _>>()
        .store()
}

/// Inserts the workspace row inside the caller's transaction.
pub(crate) fn insert_workspace(
    connection: &Connection,
    name: &str,
    created_at: Timestamp,
) -> StoreResult<Workspace> {
    if workspace_by_name(connection, name)?.is_some() {
        return Err(StoreError::Conflict(format!("workspace {name:?} already exists")));
    }
    connection
        .prepare_cached("INSERT INTO workspaces (name, created_at) VALUES (?1, ?2)")
        .store()?
        .execute(params![name, created_at.millis()])
        .store()?;
    Ok(Workspace {
        id: WorkspaceId(connection.last_insert_rowid()),
        name: name.to_owned(),
        created_at,
    })
}

fn api_key_from_row(row: &Row<'_>) -> rusqlite::Result<(ApiKey, String)> {
    let secret: Vec<u8> = row.get(2)?;
    let mut secret_sha256 = [0_u8; 32];
    if secret.len() == 32 {
        secret_sha256.copy_from_slice(&secret);
    }
    Ok((
        ApiKey {
            key_id: row.get(0)?,
            workspace: WorkspaceId(row.get(1)?),
            secret_sha256,
            scopes: Vec::new(),
            label: row.get(4)?,
            created_at: Timestamp(row.get(5)?),
            revoked_at: row.get::<_, Option<i64>>(6)?.map(Timestamp),
        },
        row.get(3)?,
    ))
}

fn with_scopes((mut key, scopes): (ApiKey, String)) -> StoreResult<ApiKey> {
    key.scopes = serde_json::from_str(&scopes)
        .map_err(|error| InternalError::Corrupt(format!("scopes of key {:?}: {error}", key.key_id)))?;
    Ok(key)
}

const API_KEY_COLUMNS: &str = "key_id, workspace_id, secret_sha256, scopes, label, created_at, revoked_at";

pub(crate) fn api_key(connection: &Connection, key_id: &str) -> StoreResult<Option<ApiKey>> {
    let row = connection
        .prepare_cached(&format!(
            "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE key_id = ?1"
        ))
        .store()?
        .query_row([key_id], api_key_from_row)
        .optional()
        .store()?;
    row.map(with_scopes).transpose()
}

pub(crate) fn list_api_keys(
    connection: &Connection,
    workspace: Option<WorkspaceId>,
) -> StoreResult<Vec<ApiKey>> {
    let rows: Vec<(ApiKey, String)> = match workspace {
        Some(workspace) => connection
            .prepare_cached(&format!(
                "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE workspace_id = ?1 ORDER BY rowid"
            ))
            .store()?
            .query_map([workspace.0], api_key_from_row)
            .store()?
            .collect::<Result<_, _>>()
            .store()?,
        None => connection
            .prepare_cached(&format!("SELECT {API_KEY_COLUMNS} FROM api_keys ORDER BY rowid"))
            .store()?
            .query_map([], api_key_from_row)
            .store()?
            .collect::<Result<_, _>>()
            .store()?,
    };
    rows.into_iter().map(with_scopes).collect()
}

pub(crate) fn create_api_key(
    connection: &Connection,
    key: NewApiKey,
    created_at: Timestamp,
) -> StoreResult<ApiKey> {
    connection.execute_batch("BEGIN IMMEDIATE").store()?;
    let result = insert_api_key(connection, &key, created_at);
    match result {
        Ok(()) => connection.execute_batch("COMMIT").store()?,
        Err(error) => {
            let _ = connection.execute_batch("ROLLBACK");
            return Err(error);
        }
    }
    Ok(ApiKey {
        key_id: key.key_id,
        workspace: key.workspace,
        secret_sha256: key.secret_sha256,
        scopes: key.scopes,
        label: key.label,
        created_at,
        revoked_at: None,
    })
}

fn insert_api_key(connection: &Connection, key: &NewApiKey, created_at: Timestamp) -> StoreResult<()> {
    if !workspace_exists(connection, key.workspace)? {
        return Err(StoreError::WorkspaceNotFound(key.workspace.to_string()));
    }
    if api_key(connection, &key.key_id)?.is_some() {
        return Err(StoreError::Conflict(format!(
            "api key {:?} already exists",
            key.key_id
        )));
    }
    connection
        .prepare_cached(&format!(
            "INSERT INTO api_keys ({API_KEY_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)"
        ))
        .store()?
        .execute(params![
            key.key_id,
            key.workspace.0,
            key.secret_sha256.as_slice(),
            serde_json::Value::from(key.scopes.clone()).to_string(),
            key.label,
            created_at.millis()
        ])
        .store()?;
    Ok(())
}

pub(crate) fn revoke_api_key(connection: &Connection, key_id: &str, at: Timestamp) -> StoreResult<bool> {
    connection
        .prepare_cached("UPDATE api_keys SET revoked_at = ?1 WHERE key_id = ?2 AND revoked_at IS NULL")
        .store()?
        .execute(params![at.millis(), key_id])
        .store()
        .map(|changed| changed > 0)
}
