-- The fixed tables of one workspace database. Record tables ("r_<object type id>") are
-- created and altered from the schema, not here.

-- The workspace schema as JSON, one row.
CREATE TABLE _schema (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL,
    body TEXT NOT NULL
);

-- Counters the writer keeps in memory and persists in every commit group.
CREATE TABLE counters (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_record_id INTEGER NOT NULL,
    next_seq INTEGER NOT NULL
);
INSERT INTO counters (id, next_record_id, next_seq) VALUES (1, 1, 1);

-- Every record of every object type: answers "does id X exist, of which type, is it
-- trashed" in one lookup.
CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    object_type_id TEXT NOT NULL,
    trashed_at INTEGER
);
CREATE INDEX records_object_type ON records (object_type_id);

-- Relationship links, always from a record of the relationship's source end to a record
-- of its target end.
CREATE TABLE edges (
    src INTEGER NOT NULL,
    rel_id TEXT NOT NULL,
    dst INTEGER NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    created_seq INTEGER NOT NULL,
    PRIMARY KEY (src, rel_id, dst, label)
) WITHOUT ROWID;
CREATE INDEX edges_dst ON edges (dst, rel_id);

-- Claimed values of unique fields, lowercased; one row per element of a list.
CREATE TABLE unique_values (
    field_id TEXT NOT NULL,
    value TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    PRIMARY KEY (field_id, value)
) WITHOUT ROWID;
CREATE INDEX unique_values_record ON unique_values (record_id, field_id);

-- The change log: gapless, monotonic seq.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    object_type TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    op TEXT NOT NULL,
    payload TEXT NOT NULL
);

CREATE TABLE field_history (
    record_id INTEGER NOT NULL,
    field_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    value TEXT,
    is_create INTEGER NOT NULL,
    PRIMARY KEY (record_id, field_id, seq)
) WITHOUT ROWID;
