//! API keys kept in memory between requests, dropped whenever the catalog changes.
//!
//! Reading a key from the catalog costs a SQLite read transaction, whose shared-memory
//! locks are system calls; a request needs its key every time. The catalog may be changed
//! by another process (`crmd keys revoke` while the server runs), so the cache is checked
//! against a fingerprint of the catalog's files (inode, size and modification time of the
//! database and its write-ahead log) on every lookup: every commit appends to the log and
//! changes it, so a revocation takes effect at the next request.

use crmd_store::ApiKey;
use parking_lot::RwLock;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Entries kept at most; past that the cache starts over.
const MAX_ENTRIES: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileState {
    inode: u64,
    len: u64,
    modified: Option<SystemTime>,
}

pub(crate) type Fingerprint = [Option<FileState>; 2];

pub(crate) struct KeyCache {
    files: [PathBuf; 2],
    state: RwLock<(Fingerprint, HashMap<String, Option<ApiKey>>)>,
}

impl KeyCache {
    pub(crate) fn new(catalog: &Path) -> KeyCache {
        let mut wal = catalog.as_os_str().to_owned();
        wal.push("-wal");
        KeyCache {
            files: [catalog.to_owned(), PathBuf::from(wal)],
            state: RwLock::new(([None, None], HashMap::new())),
        }
    }

    /// The catalog's fingerprint now; take it before reading the catalog.
    pub(crate) fn fingerprint(&self) -> Fingerprint {
        self.files.each_ref().map(|path| file_state(path))
    }

    /// The cached lookup of `key_id`, if the catalog has not changed since it was cached.
    pub(crate) fn get(&self, key_id: &str, now: &Fingerprint) -> Option<Option<ApiKey>> {
        let state = self.state.read();
        if state.0 != *now || now.iter().all(Option::is_none) {
            return None;
        }
        state.1.get(key_id).cloned()
    }

    /// Remembers a lookup made after `fingerprint` was taken.
    pub(crate) fn put(&self, key_id: &str, key: Option<ApiKey>, fingerprint: Fingerprint) {
        let mut state = self.state.write();
        if state.0 != fingerprint || state.1.len() >= MAX_ENTRIES {
            state.1.clear();
            state.0 = fingerprint;
        }
        state.1.insert(key_id.to_owned(), key);
    }
}

#[cfg(unix)]
fn file_state(path: &Path) -> Option<FileState> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).ok()?;
    Some(FileState {
        inode: metadata.ino(),
        len: metadata.len(),
        modified: metadata.modified().ok(),
    })
}

#[cfg(not(unix))]
fn file_state(path: &Path) -> Option<FileState> {
    let metadata = std::fs::metadata(path).ok()?;
    Some(FileState {
        inode: 0,
        len: metadata.len(),
        modified: metadata.modified().ok(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crmd_core::{Timestamp, WorkspaceId};
    use std::io::Write;

    fn key(id: &str) -> ApiKey {
        ApiKey {
            key_id: id.into(),
            workspace: WorkspaceId(1),
            secret_sha256: [0; 32],
            scopes: vec![],
            label: None,
            created_at: Timestamp(0),
            revoked_at: None,
        }
    }

    #[test]
    fn a_lookup_is_served_until_the_catalog_changes() {
        let folder = tempfile::tempdir().unwrap();
        let catalog = folder.path().join("catalog.db");
        std::fs::write(&catalog, b"db").unwrap();
        let cache = KeyCache::new(&catalog);
        let before = cache.fingerprint();
        assert_eq!(cache.get("k1", &before), None, "nothing cached yet");
        cache.put("k1", Some(key("k1")), before);
        cache.put("nobody", None, before);
        assert_eq!(cache.get("k1", &cache.fingerprint()), Some(Some(key("k1"))));
        assert_eq!(
            cache.get("nobody", &cache.fingerprint()),
            Some(None),
            "misses are cached too"
        );

        let mut wal = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(folder.path().join("catalog.db-wal"))
            .unwrap();
        wal.write_all(b"frame").unwrap();
        assert_eq!(
            cache.get("k1", &cache.fingerprint()),
            None,
            "a new log entry drops the cache"
        );
        let after = cache.fingerprint();
        cache.put("k1", None, after);
        wal.write_all(b"another frame").unwrap();
        assert_eq!(
            cache.get("k1", &cache.fingerprint()),
            None,
            "every commit grows the log"
        );
    }
}
