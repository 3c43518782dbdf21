//! The data folder: opening the store, the lock a running server holds, and the first-start
//! initialization (default workspace and its key file).

use crate::config::{Config, Durability};
use anyhow::Context;
use crmd_service::{Crm, DEFAULT_WORKSPACE, ServiceError, ServiceLimits};
use crmd_store_sqlite::{SqliteOptions, SqliteStore};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Opens the store of the configured data folder.
pub(crate) fn open(config: &Config) -> anyhow::Result<Crm> {
    let options = SqliteOptions {
        durability: match config.storage.durability {
            Durability::Full => crmd_store_sqlite::Durability::Full,
            Durability::Relaxed => crmd_store_sqlite::Durability::Relaxed,
        },
        read_connections: config.storage.read_connections.max(1),
    };
    let store = SqliteStore::open(&config.storage.data, options)
        .with_context(|| format!("cannot open the data folder {}", config.storage.data.display()))?;
    let limits = ServiceLimits {
        max_relationship_ids: config.limits.max_relationship_ids,
        max_link_changes: config.limits.max_link_changes,
        query: crmd_query_limits(config),
    };
    Ok(Crm::new(Arc::new(store), limits))
}

fn crmd_query_limits(config: &Config) -> crmd_service::QueryLimits {
    crmd_service::QueryLimits {
        max_conditions: config.limits.max_filter_conditions,
        max_depth: config.limits.max_filter_depth,
        ..crmd_service::QueryLimits::default()
    }
}

/// A data folder held exclusively by this process until dropped.
pub(crate) struct DataFolder {
    path: PathBuf,
    _lock: File,
}

impl DataFolder {
    /// Takes the folder's lock, creating the folder if needed. Fails when another crmd
    /// process holds it.
    pub(crate) fn lock(path: &Path) -> anyhow::Result<DataFolder> {
        std::fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))?;
        let lock_path = path.join("crmd.lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .with_context(|| format!("cannot open {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => Ok(DataFolder {
                path: path.to_owned(),
                _lock: lock,
            }),
            Err(_) => anyhow::bail!("another crmd process is using {}", path.display()),
        }
    }

    pub(crate) fn key_file(&self) -> PathBuf {
        self.path.join("default.key")
    }

    /// Creates the default workspace when the folder is new. With `create_key`, also gives
    /// it a full-access key when it has none, writes the key to `default.key` and returns it.
    pub(crate) async fn initialize(&self, crm: &Crm, create_key: bool) -> anyhow::Result<Option<String>> {
        let workspace = match crm.workspace(DEFAULT_WORKSPACE).await {
            Ok(workspace) => workspace,
            Err(ServiceError::NotFound { .. }) => crm.create_workspace(DEFAULT_WORKSPACE).await?,
            Err(other) => return Err(other.into()),
        };
        if !create_key {
            return Ok(None);
        }
        let has_key = crm
            .list_keys(Some(workspace.id))
            .await?
            .iter()
            .any(|key| key.revoked_at.is_none());
        if has_key {
            return Ok(None);
        }
        let key = crm
            .create_key(workspace.id, Vec::new(), Some("default".into()))
            .await?;
        write_private_file(&self.key_file(), &format!("{}\n", key.text))?;
        Ok(Some(key.text))
    }
}

/// Writes a file readable only by its owner: temp file, fsync, rename, fsync the folder.
fn write_private_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let temporary = path.with_extension("tmp");
    let mut options = OpenOptions::new();
    options.create(true).write(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&temporary)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    if let Some(folder) = path.parent() {
        File::open(folder)?.sync_all()?;
    }
    Ok(())
}
