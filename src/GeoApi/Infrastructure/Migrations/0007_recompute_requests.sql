-- Recompute requests coalesce per township: at most one job waits for a township at a time
-- (queued_job_id, cleared when the job starts, with the force it owes), and the last job made
-- for it is remembered so a township left dirty by a lost or failed job is picked up again.
ALTER TABLE township_state
    ADD COLUMN queued_job_id bigint,
    ADD COLUMN queued_force boolean NOT NULL DEFAULT false,
    ADD COLUMN last_job_id bigint;

-- What a version holds (units, territories, assignments) as a digest: a forced recompute that
-- computes the same partition publishes nothing new.
ALTER TABLE partition_version ADD COLUMN fingerprint bytea;
