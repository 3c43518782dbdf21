-- Purging a record scrubs the values from its change-log entries and follows the merges it
-- took part in: both look a record up by id.
CREATE INDEX changes_record ON changes (record_id, seq);
CREATE INDEX merges_primary ON merges (primary_id);
CREATE INDEX merges_duplicate ON merges (duplicate_id);
