-- Which township holds household id X: the one question asked by id alone (GET/PUT/PATCH/DELETE
-- /api/households/{id}, its /grid, an import's check that an id is not another township's).
-- household is keyed (township_code, id) so it shards by township; on Citus that question asked every
-- shard, and Citus refuses the service-wide unique index on id (CitusLayout drops household_id_uix), so
-- two townships could take one id there. The locator is keyed by id alone (on Citus distributed by id:
-- one shard answers) and its primary key keeps ids unique across the service on both databases.
-- The service writes it in the transaction that adds or deletes the household (LayerImporter,
-- HouseholdEndpoints); ids never move between townships.
CREATE TABLE household_locator (
    id            text PRIMARY KEY,
    township_code char(9) NOT NULL
);
-- On a Citus cluster ids were unique per township only (household_id_uix was dropped there): an id held by
-- several townships is located in the first by code, and the others are named in a warning.
INSERT INTO household_locator (id, township_code) SELECT id, township_code FROM household ORDER BY id, township_code
ON CONFLICT (id) DO NOTHING;
DO $$
DECLARE
    twice text;
BEGIN
    SELECT string_agg(id, ', ' ORDER BY id) INTO twice
    FROM (SELECT id FROM household GROUP BY id HAVING count(*) > 1 ORDER BY id LIMIT 20) d;
    IF twice IS NOT NULL THEN
        RAISE WARNING 'household ids held by more than one township (each located in the first by code): %', twice;
    END IF;
END $$;
CREATE INDEX household_locator_township_idx ON household_locator (township_code);

-- A deleted township takes its ids with it. On a cluster migrated before, township is already a
-- reference table and a local table may not reference it; there CitusLayout adds the key once the
-- locator is distributed. On a new cluster township is still local here; CitusLayout re-adds the key
-- once both ends are placed.
DO $$
DECLARE
    placed boolean := false;
BEGIN
    IF to_regclass('pg_dist_partition') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = ''township''::regclass)' INTO placed;
    END IF;
    IF NOT placed THEN
        ALTER TABLE household_locator ADD FOREIGN KEY (township_code) REFERENCES township (code) ON DELETE CASCADE;
    END IF;
END $$;
