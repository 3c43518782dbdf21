-- Full-text search: one row per record (rowid = record id) with the words of its text
-- values. Contentless: the words are indexed, the text itself stays in the record tables.
CREATE VIRTUAL TABLE search_text USING fts5(
    body,
    content = '',
    contentless_delete = 1,
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Whether the index still has to be filled from the records already stored (done once,
-- in Rust, when the workspace opens: record tables follow the schema).
CREATE TABLE search_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pending INTEGER NOT NULL
);
INSERT INTO search_state (id, pending) VALUES (1, 1);
