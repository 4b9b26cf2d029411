-- Units (单元): a large building whose households name their unit is split by unit first, so a
-- floor micro-grid carries the unit it belongs to (null for clusters, buildings and floor runs of
-- buildings without units). Households have stored `unit` since 0001. Additive: existing
-- versions keep their rows, with no unit.
ALTER TABLE micro_grid ADD COLUMN unit text;

-- The view was expanded when it was made (m.*): made again, it shows the new column too.
CREATE OR REPLACE VIEW current_micro_grid AS
    SELECT m.* FROM micro_grid m JOIN township_state s ON s.township_code = m.township_code AND s.current_version = m.version;
