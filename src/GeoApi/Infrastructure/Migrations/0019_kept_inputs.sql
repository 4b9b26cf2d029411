-- What lets a process keep a township's partition inputs between recomputes (issue #21: reading
-- 50,000 households and 24,000 building footprints was most of a recompute's load).
-- incarnation: which life of the township this is (a township deleted and imported again starts its
-- data and layer versions afresh, so those alone cannot tell its inputs from the earlier life's);
-- layers_version: bumped by every import that changes its buildings, barriers, streets or villages;
-- household_change: one row per data version, naming the household a single edit changed, or NULL
-- when any number may have changed (an import, a nesting choice): a process holding the households of
-- an earlier data version rereads only the named ones when every version since has its row.
ALTER TABLE township_state ADD COLUMN incarnation uuid, ADD COLUMN layers_version bigint NOT NULL DEFAULT 0;
-- md5, not a random uuid: Citus refuses a volatile function in an UPDATE of a distributed table.
UPDATE township_state SET incarnation = md5('gridspatial:' || township_code)::uuid WHERE incarnation IS NULL;
ALTER TABLE township_state ALTER COLUMN incarnation SET DEFAULT gen_random_uuid(), ALTER COLUMN incarnation SET NOT NULL;

CREATE TABLE household_change (
    township_code char(9) NOT NULL,
    data_version  bigint NOT NULL,
    household_id  text,
    PRIMARY KEY (township_code, data_version)
);
-- Not on Citus: on a cluster migrated before, township_state is already distributed and a local table
-- may not reference it. Without the key a deleted township's rows stay until pruned; a township imported
-- again overwrites each data version's row as it reaches it (TownshipState.MarkDirtyAsync upserts).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        ALTER TABLE household_change ADD FOREIGN KEY (township_code) REFERENCES township_state (township_code) ON DELETE CASCADE;
    END IF;
END $$;
