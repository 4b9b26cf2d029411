-- Which data version a recompute was last enqueued for, so bursts of changes coalesce into one
-- job and several processes never enqueue the same one twice.
ALTER TABLE township_state
    ADD COLUMN enqueued_data_version bigint,
    ADD COLUMN enqueued_at timestamptz;
CREATE INDEX township_state_dirty_idx ON township_state (dirty_since) WHERE dirty_since IS NOT NULL;
