-- The catalog: workspaces and their API keys.
-- AUTOINCREMENT so that a workspace id is never handed out twice, even after a delete:
-- the id names the workspace's database file.
CREATE TABLE workspaces (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE api_keys (
    key_id TEXT PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    secret_sha256 BLOB NOT NULL,
    -- JSON array of permission names
    scopes TEXT NOT NULL,
    label TEXT,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

CREATE INDEX api_keys_workspace ON api_keys (workspace_id);
