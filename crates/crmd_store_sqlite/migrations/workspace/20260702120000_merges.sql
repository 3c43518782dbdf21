-- Merges of two records: the primary absorbed the duplicate, which went to the trash.
-- `seq` is the change-log entry of the primary's merge change.
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    object_type TEXT NOT NULL,
    primary_id INTEGER NOT NULL,
    duplicate_id INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
