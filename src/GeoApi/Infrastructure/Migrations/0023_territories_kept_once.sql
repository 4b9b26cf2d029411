-- A unit whose households changed and whose land did not is a new row holding the same territory: in 450 edits
-- of bench recompute nine grid rows in ten (2.9 of 3.2 MB) and half of the cluster rows were that (#21). Such a
-- row names in `geom_from` the valid_from of the row of its code that holds the territory (the row it replaced,
-- or the one that one named): while open it keeps its own copy, and it drops it when it closes (digest kept),
-- as a floor run sharing its lead's territory does (0022). A holder names none itself, so a past version reads
-- the territory with one more lookup by key; retention keeps a holder's territory while a row it still serves
-- is kept (VersionCompactor).
ALTER TABLE grid ADD COLUMN geom_from integer;
ALTER TABLE micro_grid ADD COLUMN geom_from integer;

CREATE OR REPLACE FUNCTION grid_at(char, integer) RETURNS TABLE (
    township_code char(9), version integer, code char(15), village_code char(12), household_count integer, pinned boolean,
    geom geometry, geom_digest bytea, valid_from integer, valid_to integer)
LANGUAGE sql STABLE AS $$
    SELECT g.township_code, $2, g.code, g.village_code, g.household_count, g.pinned,
           coalesce(g.geom, (SELECT h.geom FROM grid h WHERE h.township_code = $1 AND h.code = g.code AND h.valid_from = g.geom_from)),
           g.geom_digest, g.valid_from, g.valid_to
    FROM grid g WHERE g.township_code = $1 AND g.valid_from <= $2 AND (g.valid_to IS NULL OR g.valid_to > $2)
$$;

CREATE OR REPLACE FUNCTION micro_grid_at(char, integer) RETURNS TABLE (
    township_code char(9), version integer, code char(18), grid_code char(15), village_code char(12), kind text, household_count integer,
    building_id text, floor_from integer, floor_to integer, unit text, pinned boolean, geom geometry, geom_digest bytea, valid_from integer, valid_to integer)
LANGUAGE sql STABLE AS $$
    SELECT m.township_code, $2, m.code, m.grid_code, m.village_code, m.kind, m.household_count, m.building_id, m.floor_from, m.floor_to, m.unit,
           m.pinned,
           coalesce(m.geom,
                    (SELECT coalesce(l.geom, (SELECT h.geom FROM micro_grid h WHERE h.township_code = $1 AND h.code = l.code AND h.valid_from = l.geom_from))
                     FROM micro_grid l WHERE l.township_code = $1 AND l.code = m.shares AND l.valid_from <= $2 AND (l.valid_to IS NULL OR l.valid_to > $2)),
                    (SELECT h.geom FROM micro_grid h WHERE h.township_code = $1 AND h.code = m.code AND h.valid_from = m.geom_from)),
           m.geom_digest, m.valid_from, m.valid_to
    FROM micro_grid m WHERE m.township_code = $1 AND m.valid_from <= $2 AND (m.valid_to IS NULL OR m.valid_to > $2)
$$;
