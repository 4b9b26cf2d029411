-- Territories stored out of line (#21). PostGIS gives geometry columns storage MAIN: a territory stays in
-- the row, so closing a row — an UPDATE that sets valid_to and drops the Web Mercator copy — wrote the kept
-- territory again into the new row version and left the old one, both copies, as free space until vacuum:
-- after 1,000 single-household edits the micro-grid table held 10 MB of rows in 36 MB of file. Stored
-- EXTERNAL (in the TOAST table, uncompressed: coordinates do not compress), a row PostgreSQL toasts (one
-- over about 2 KB: a large territory, or two copies of a middling one) keeps pointers only (shrunk towards
-- toast_tuple_target, 128 bytes), and the closing UPDATE writes a small row pointing at the same stored
-- territory. Smaller rows stay in the page as before. Bounding-box operators read a toasted territory's
-- header only. Rows written before this migration keep their layout until they are next written.
--
-- On a cluster migrated before, grid and micro_grid are already distributed and Citus does not pass
-- SET STORAGE on to the shards: the coordinator's table and every shard are then altered one by one.
-- (pg_dist_partition is read through EXECUTE: on plain PostgreSQL it does not exist, and PL/pgSQL would
-- refuse a statement naming it even in a branch never taken.)
DO $$
DECLARE
    t text;
    distributed boolean;
    alter_sql constant text := 'ALTER TABLE %s ALTER COLUMN geom SET STORAGE EXTERNAL, ALTER COLUMN geom_3857 SET STORAGE EXTERNAL, SET (toast_tuple_target = 128)';
BEGIN
    FOREACH t IN ARRAY ARRAY['grid', 'micro_grid'] LOOP
        distributed := false;
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
            EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = $1::regclass)' INTO distributed USING t;
        END IF;
        IF distributed THEN
            PERFORM set_config('citus.enable_ddl_propagation', 'off', true);
            EXECUTE format(alter_sql, quote_ident(t));
            PERFORM set_config('citus.enable_ddl_propagation', 'on', true);
            PERFORM run_command_on_shards(t, alter_sql);
        ELSE
            EXECUTE format(alter_sql, quote_ident(t));
        END IF;
    END LOOP;
END $$;
