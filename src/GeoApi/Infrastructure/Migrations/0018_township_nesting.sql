-- Partition that nests (多网合一, issue #19 item 4): a township may ask that its grids, or only its
-- micro-grids, nest inside the units of one of its departmental layers. The choice is kept here, so
-- every later recompute (the API's, the scheduler's, the nightly full one) nests in the layer's
-- current version; removing the layer removes the choice.
CREATE TABLE township_nesting (
    township_code char(9) NOT NULL PRIMARY KEY,
    layer         text NOT NULL,
    level         text NOT NULL CHECK (level IN ('grid', 'micro_grid')),
    actor         text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
-- Not on Citus: on a cluster migrated before, dept_layer is already distributed and a local table may
-- not reference it. Without the key, a nesting whose layer is gone reads as no nesting
-- (PartitionStore joins it with the layer's current units).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        ALTER TABLE township_nesting ADD FOREIGN KEY (township_code, layer) REFERENCES dept_layer ON DELETE CASCADE;
    END IF;
END $$;

-- Crosswalks in change notifications (issue #19 item 5): when either side of a crosswalk publishes a
-- new version — the township's partition, or one of its departmental layers — the outbox gets a
-- 'crosswalk.changed' event per layer naming the crosswalk before and after; its payload is the diff
-- of the two (which units changed their comprehensive codes), built when it is dispatched.
CREATE OR REPLACE FUNCTION webhook_on_publish() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.current_version IS NOT NULL AND NEW.current_version IS DISTINCT FROM OLD.current_version
       AND EXISTS (SELECT 1 FROM subscription WHERE active) THEN
        INSERT INTO webhook_event (kind, township_code, version, previous_version)
        VALUES ('version.published', NEW.township_code, NEW.current_version, OLD.current_version);
        IF OLD.current_version IS NOT NULL THEN
            INSERT INTO webhook_event (kind, township_code, version, previous_version, detail)
            SELECT 'crosswalk.changed', NEW.township_code, NEW.current_version, OLD.current_version,
                   jsonb_build_object('layer', l.layer, 'side', 'partition',
                       'fromLayerVersion', l.current_version, 'fromPartitionVersion', OLD.current_version,
                       'toLayerVersion', l.current_version, 'toPartitionVersion', NEW.current_version)
            FROM dept_layer l WHERE l.township_code = NEW.township_code ORDER BY l.layer;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION webhook_on_dept_layer() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.current_version IS DISTINCT FROM OLD.current_version AND EXISTS (SELECT 1 FROM subscription WHERE active) THEN
        INSERT INTO webhook_event (kind, township_code, version, previous_version, detail)
        SELECT 'crosswalk.changed', NEW.township_code, s.current_version, s.current_version,
               jsonb_build_object('layer', NEW.layer, 'side', 'layer',
                   'fromLayerVersion', OLD.current_version, 'fromPartitionVersion', s.current_version,
                   'toLayerVersion', NEW.current_version, 'toPartitionVersion', s.current_version)
        FROM township_state s WHERE s.township_code = NEW.township_code AND s.current_version IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
-- Not on Citus, where CitusLayout drops the outbox triggers (and a distributed dept_layer takes none).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
        CREATE TRIGGER dept_layer_webhook AFTER UPDATE OF current_version ON dept_layer
            FOR EACH ROW EXECUTE FUNCTION webhook_on_dept_layer();
    END IF;
END $$;
