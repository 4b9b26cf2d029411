-- A floor run that shares its lead's territory (0022) keeps no Web Mercator copy while open (#21): the tiles
-- draw it with its lead's (TileLayer's micro-grid layers join each open row to the row holding its drawn
-- territory: its lead's, or its own). A tower's floor runs were most of what an edit wrote and freed: after
-- 1,000 edits, 10,128 closed floor-run rows, each having held two copies of the tower's land while open. The
-- lon/lat copy stays (lookups, OGC, exports read it through the partial GiST index of the open rows), and
-- nothing else reads an open row's Web Mercator copy: current_micro_grid passes it through as stored (a join
-- there to the lead's row cost every reader of the view, badly while a new township had no statistics).
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
