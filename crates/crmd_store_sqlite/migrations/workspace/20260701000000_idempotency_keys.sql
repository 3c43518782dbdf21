-- Responses of idempotent writes, stored in the write's own transaction. Rows past
-- expires_at are ignored on read and deleted a few at a time by later writes.
CREATE TABLE idempotency_keys (
    operation TEXT NOT NULL,
    key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status INTEGER NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (operation, key)
);
CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at);
