-- Floor runs of one building share one territory: a tower's land was stored again with each of its
-- 30-60 floor runs whenever it changed, most of what 1,000 edits wrote (#21). A micro-grid whose
-- territory is exactly another's of the same version (the other, its lead, has the smallest code of
-- them) names that lead in `shares`. While its row is open it keeps its own copy (current reads,
-- lookups and tiles read open rows as before, through the same indexes); when the row closes the copy
-- goes (geom NULL, its digest kept in geom_digest) and a past version reads the lead's row alive at that
-- version, which holds the same territory: a row's content includes `shares`, so while a follower's row
-- lives its lead is the same code with the same territory, and a lead names no lead itself.
-- Rows written before keep their copies (shares NULL).
ALTER TABLE micro_grid ADD COLUMN shares char(18);

CREATE OR REPLACE FUNCTION micro_grid_at(char, integer) RETURNS TABLE (
    township_code char(9), version integer, code char(18), grid_code char(15), village_code char(12), kind text, household_count integer,
    building_id text, floor_from integer, floor_to integer, unit text, pinned boolean, geom geometry, geom_digest bytea, valid_from integer, valid_to integer)
LANGUAGE sql STABLE AS $$
    SELECT m.township_code, $2, m.code, m.grid_code, m.village_code, m.kind, m.household_count, m.building_id, m.floor_from, m.floor_to, m.unit,
           m.pinned,
           coalesce(m.geom, (SELECT l.geom FROM micro_grid l WHERE l.township_code = $1 AND l.code = m.shares AND l.valid_from <= $2 AND (l.valid_to IS NULL OR l.valid_to > $2))),
           m.geom_digest, m.valid_from, m.valid_to
    FROM micro_grid m WHERE m.township_code = $1 AND m.valid_from <= $2 AND (m.valid_to IS NULL OR m.valid_to > $2)
$$;
