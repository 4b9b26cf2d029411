-- A floor run that shares its lead's territory (0022) keeps no Web Mercator copy while open (#21): the
-- tiles draw it with its lead's (TileLayer's micro-grid layers join each open row to the row holding its
-- drawn territory: its lead's, or its own), and current_micro_grid gives it the lead's. A tower's floor runs
-- were most of what an edit wrote and freed: after 1,000 edits, 10,128 closed floor-run rows, each with two
-- copies of the tower's land written while it was open; the lon/lat copy stays (lookups, OGC, exports read
-- it through the partial GiST index of the open rows).
DO $$
DECLARE c text;
BEGIN
    SELECT conname INTO c FROM pg_constraint
    WHERE conrelid = 'micro_grid'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%geom_3857 IS NOT NULL%';
    IF c IS NOT NULL THEN EXECUTE format('ALTER TABLE micro_grid DROP CONSTRAINT %I', c); END IF;
END $$;
ALTER TABLE micro_grid ADD CONSTRAINT micro_grid_open_drawn CHECK (valid_to IS NOT NULL OR geom_3857 IS NOT NULL OR shares IS NOT NULL);
UPDATE micro_grid SET geom_3857 = NULL WHERE valid_to IS NULL AND shares IS NOT NULL;

-- The open rows drawn with the row of each code: themselves, or (floor runs) their lead.
CREATE INDEX micro_grid_open_drawn_idx ON micro_grid (township_code, (coalesce(shares, code))) WHERE valid_to IS NULL;

CREATE OR REPLACE VIEW current_micro_grid AS
    SELECT m.township_code, s.current_version AS version, m.code, m.grid_code, m.village_code, m.kind, m.household_count,
           m.building_id, m.floor_from, m.floor_to, m.unit, m.pinned, m.geom, coalesce(m.geom_3857, lead.geom_3857) AS geom_3857, m.valid_from
    FROM micro_grid m JOIN township_state s ON s.township_code = m.township_code
    LEFT JOIN micro_grid lead ON lead.township_code = m.township_code AND lead.code = m.shares AND lead.valid_to IS NULL
    WHERE m.valid_to IS NULL;
