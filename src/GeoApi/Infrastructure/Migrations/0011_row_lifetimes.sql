-- Versions as row lifetimes: a grid, micro-grid or assignment row is valid from version
-- valid_from up to, not including, valid_to (NULL = still valid). Publishing a version closes the
-- rows that changed and inserts their new content; every other row carries over untouched, so a
-- version that changes one grid writes that grid's rows only.
--
-- Invariant: the current version of a township is always its latest published version, so the
-- open rows (valid_to IS NULL) are exactly the rows of the current version. Current reads use
-- partial indexes over the open rows only, whatever the history holds; a past version v is
-- read through grid_at / micro_grid_at / assignment_at (valid_from <= v < valid_to).
--
-- The Web Mercator copy that tiles draw (geom_3857) is kept for open rows only: it is written
-- with the row and cleared when the row is closed (tiles draw the current version alone), so the
-- history holds each territory once.
--
-- Retention (`compact`) may drop the territory of a closed row (geom NULL): it keeps the digest
-- of what it dropped (geom_digest), so diffs can still tell a changed territory from an unchanged one.
DROP VIEW current_grid, current_micro_grid, current_assignment;
ALTER TABLE grid RENAME TO grid_copies;
ALTER TABLE micro_grid RENAME TO micro_grid_copies;
ALTER TABLE assignment RENAME TO assignment_copies;

CREATE TABLE grid (
    township_code   char(9) NOT NULL,
    valid_from      integer NOT NULL,
    valid_to        integer CHECK (valid_to > valid_from),
    code            char(15) NOT NULL,
    village_code    char(12) NOT NULL,
    household_count integer NOT NULL,
    pinned          boolean NOT NULL DEFAULT false,
    geom            geometry(MultiPolygon, 4326),
    geom_3857       geometry(MultiPolygon, 3857),
    geom_digest     bytea,
    CHECK (geom IS NOT NULL OR (valid_to IS NOT NULL AND geom_digest IS NOT NULL)),
    CHECK (valid_to IS NOT NULL OR geom_3857 IS NOT NULL)
);

CREATE TABLE micro_grid (
    township_code   char(9) NOT NULL,
    valid_from      integer NOT NULL,
    valid_to        integer CHECK (valid_to > valid_from),
    code            char(18) NOT NULL,
    grid_code       char(15) NOT NULL,
    village_code    char(12) NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('cluster', 'building', 'floor')),
    household_count integer NOT NULL,
    building_id     text,
    floor_from      integer,
    floor_to        integer,
    unit            text,
    pinned          boolean NOT NULL DEFAULT false,
    geom            geometry(MultiPolygon, 4326),
    geom_3857       geometry(MultiPolygon, 3857),
    geom_digest     bytea,
    CHECK (geom IS NOT NULL OR (valid_to IS NOT NULL AND geom_digest IS NOT NULL)),
    CHECK (valid_to IS NOT NULL OR geom_3857 IS NOT NULL)
);

CREATE TABLE assignment (
    township_code   char(9) NOT NULL,
    valid_from      integer NOT NULL,
    valid_to        integer CHECK (valid_to > valid_from),
    household_id    text NOT NULL,
    micro_grid_code char(18) NOT NULL,
    grid_code       char(15) NOT NULL
);

-- Full copies → lifetimes: a unit's rows of consecutive versions with identical content (every
-- stored column, the geometry compared as its exact EWKB text) become one row; a row of the
-- township's current version stays open.
WITH w AS (
    SELECT c.*, ROW(c.village_code, c.household_count, c.pinned, c.geom)::text AS content,
           lag(c.version) OVER p AS prev_version, lag(ROW(c.village_code, c.household_count, c.pinned, c.geom)::text) OVER p AS prev_content
    FROM grid_copies c WINDOW p AS (PARTITION BY c.township_code, c.code ORDER BY c.version)
), i AS (
    SELECT w.*, count(*) FILTER (WHERE prev_version IS DISTINCT FROM version - 1 OR prev_content IS DISTINCT FROM content)
                OVER (PARTITION BY township_code, code ORDER BY version) AS island
    FROM w
), r AS (
    SELECT i.*, max(version) OVER (PARTITION BY township_code, code, island) AS last FROM i
)
INSERT INTO grid (township_code, valid_from, valid_to, code, village_code, household_count, pinned, geom, geom_3857)
SELECT DISTINCT ON (r.township_code, r.code, r.island)
       r.township_code, r.version, CASE WHEN r.last = s.current_version THEN NULL ELSE r.last + 1 END,
       r.code, r.village_code, r.household_count, r.pinned, r.geom, CASE WHEN r.last = s.current_version THEN r.geom_3857 END
FROM r JOIN township_state s ON s.township_code = r.township_code
ORDER BY r.township_code, r.code, r.island, r.version;

WITH w AS (
    SELECT c.*, ROW(c.grid_code, c.village_code, c.kind, c.household_count, c.building_id, c.floor_from, c.floor_to, c.unit, c.pinned, c.geom)::text AS content,
           lag(c.version) OVER p AS prev_version,
           lag(ROW(c.grid_code, c.village_code, c.kind, c.household_count, c.building_id, c.floor_from, c.floor_to, c.unit, c.pinned, c.geom)::text) OVER p AS prev_content
    FROM micro_grid_copies c WINDOW p AS (PARTITION BY c.township_code, c.code ORDER BY c.version)
), i AS (
    SELECT w.*, count(*) FILTER (WHERE prev_version IS DISTINCT FROM version - 1 OR prev_content IS DISTINCT FROM content)
                OVER (PARTITION BY township_code, code ORDER BY version) AS island
    FROM w
), r AS (
    SELECT i.*, max(version) OVER (PARTITION BY township_code, code, island) AS last FROM i
)
INSERT INTO micro_grid (township_code, valid_from, valid_to, code, grid_code, village_code, kind, household_count, building_id, floor_from, floor_to, unit, pinned, geom, geom_3857)
SELECT DISTINCT ON (r.township_code, r.code, r.island)
       r.township_code, r.version, CASE WHEN r.last = s.current_version THEN NULL ELSE r.last + 1 END,
       r.code, r.grid_code, r.village_code, r.kind, r.household_count, r.building_id, r.floor_from, r.floor_to, r.unit, r.pinned, r.geom,
       CASE WHEN r.last = s.current_version THEN r.geom_3857 END
FROM r JOIN township_state s ON s.township_code = r.township_code
ORDER BY r.township_code, r.code, r.island, r.version;

WITH w AS (
    SELECT c.*, lag(c.version) OVER p AS prev_version,
           lag(c.micro_grid_code) OVER p AS prev_micro, lag(c.grid_code) OVER p AS prev_grid
    FROM assignment_copies c WINDOW p AS (PARTITION BY c.township_code, c.household_id ORDER BY c.version)
), i AS (
    SELECT w.*, count(*) FILTER (WHERE prev_version IS DISTINCT FROM version - 1 OR prev_micro IS DISTINCT FROM micro_grid_code OR prev_grid IS DISTINCT FROM grid_code)
                OVER (PARTITION BY township_code, household_id ORDER BY version) AS island
    FROM w
), r AS (
    SELECT i.*, max(version) OVER (PARTITION BY township_code, household_id, island) AS last FROM i
)
INSERT INTO assignment (township_code, valid_from, valid_to, household_id, micro_grid_code, grid_code)
SELECT DISTINCT ON (r.township_code, r.household_id, r.island)
       r.township_code, r.version, CASE WHEN r.last = s.current_version THEN NULL ELSE r.last + 1 END,
       r.household_id, r.micro_grid_code, r.grid_code
FROM r JOIN township_state s ON s.township_code = r.township_code
ORDER BY r.township_code, r.household_id, r.island, r.version;

DROP TABLE grid_copies, micro_grid_copies, assignment_copies;

ALTER TABLE grid ADD PRIMARY KEY (township_code, code, valid_from);
ALTER TABLE micro_grid ADD PRIMARY KEY (township_code, code, valid_from);
ALTER TABLE assignment ADD PRIMARY KEY (township_code, household_id, valid_from);
ALTER TABLE grid ADD FOREIGN KEY (township_code, valid_from) REFERENCES partition_version ON DELETE CASCADE;
ALTER TABLE micro_grid ADD FOREIGN KEY (township_code, valid_from) REFERENCES partition_version ON DELETE CASCADE;
ALTER TABLE assignment ADD FOREIGN KEY (township_code, valid_from) REFERENCES partition_version ON DELETE CASCADE;

-- The current version: one open row per unit and household, found by partial indexes that hold
-- the open rows only (lookups, OGC bbox, tiles, joins by code), however long the history.
CREATE UNIQUE INDEX grid_open_uix ON grid (township_code, code) WHERE valid_to IS NULL;
CREATE UNIQUE INDEX micro_grid_open_uix ON micro_grid (township_code, code) WHERE valid_to IS NULL;
CREATE UNIQUE INDEX assignment_open_uix ON assignment (township_code, household_id) WHERE valid_to IS NULL;
CREATE INDEX grid_open_geom_gix ON grid USING gist (geom) WHERE valid_to IS NULL;
CREATE INDEX micro_grid_open_geom_gix ON micro_grid USING gist (geom) WHERE valid_to IS NULL;
CREATE INDEX grid_open_geom_3857_gix ON grid USING gist (geom_3857) WHERE valid_to IS NULL;
CREATE INDEX micro_grid_open_geom_3857_gix ON micro_grid USING gist (geom_3857) WHERE valid_to IS NULL;
CREATE INDEX assignment_household_idx ON assignment (household_id) WHERE valid_to IS NULL;
-- Past versions: the rows of a township that started at or before the version asked for.
CREATE INDEX grid_lifetime_idx ON grid (township_code, valid_from, valid_to);
CREATE INDEX micro_grid_lifetime_idx ON micro_grid (township_code, valid_from, valid_to);
CREATE INDEX assignment_lifetime_idx ON assignment (township_code, valid_from, valid_to);

-- "The current published version of a township", still defined once; `version` is the
-- township's current version, as when every version was a full copy.
CREATE VIEW current_grid AS
    SELECT g.township_code, s.current_version AS version, g.code, g.village_code, g.household_count, g.pinned, g.geom, g.geom_3857, g.valid_from
    FROM grid g JOIN township_state s ON s.township_code = g.township_code WHERE g.valid_to IS NULL;

CREATE VIEW current_micro_grid AS
    SELECT m.township_code, s.current_version AS version, m.code, m.grid_code, m.village_code, m.kind, m.household_count,
           m.building_id, m.floor_from, m.floor_to, m.unit, m.pinned, m.geom, m.geom_3857, m.valid_from
    FROM micro_grid m JOIN township_state s ON s.township_code = m.township_code WHERE m.valid_to IS NULL;

CREATE VIEW current_assignment AS
    SELECT a.township_code, s.current_version AS version, a.household_id, a.micro_grid_code, a.grid_code, a.valid_from
    FROM assignment a JOIN township_state s ON s.township_code = a.township_code WHERE a.valid_to IS NULL;

-- "Version v of a township", defined once: simple SQL functions, inlined by the planner.
CREATE FUNCTION grid_at(char, integer) RETURNS TABLE (
    township_code char(9), version integer, code char(15), village_code char(12), household_count integer, pinned boolean,
    geom geometry, geom_digest bytea, valid_from integer, valid_to integer)
LANGUAGE sql STABLE AS $$
    SELECT g.township_code, $2, g.code, g.village_code, g.household_count, g.pinned, g.geom, g.geom_digest, g.valid_from, g.valid_to
    FROM grid g WHERE g.township_code = $1 AND g.valid_from <= $2 AND (g.valid_to IS NULL OR g.valid_to > $2)
$$;

CREATE FUNCTION micro_grid_at(char, integer) RETURNS TABLE (
    township_code char(9), version integer, code char(18), grid_code char(15), village_code char(12), kind text, household_count integer,
    building_id text, floor_from integer, floor_to integer, unit text, pinned boolean, geom geometry, geom_digest bytea, valid_from integer, valid_to integer)
LANGUAGE sql STABLE AS $$
    SELECT m.township_code, $2, m.code, m.grid_code, m.village_code, m.kind, m.household_count, m.building_id, m.floor_from, m.floor_to, m.unit,
           m.pinned, m.geom, m.geom_digest, m.valid_from, m.valid_to
    FROM micro_grid m WHERE m.township_code = $1 AND m.valid_from <= $2 AND (m.valid_to IS NULL OR m.valid_to > $2)
$$;

CREATE FUNCTION assignment_at(char, integer) RETURNS TABLE (
    township_code char(9), version integer, household_id text, micro_grid_code char(18), grid_code char(15), valid_from integer, valid_to integer)
LANGUAGE sql STABLE AS $$
    SELECT a.township_code, $2, a.household_id, a.micro_grid_code, a.grid_code, a.valid_from, a.valid_to
    FROM assignment a WHERE a.township_code = $1 AND a.valid_from <= $2 AND (a.valid_to IS NULL OR a.valid_to > $2)
$$;

-- Fresh tables have no statistics: without them the planner joins past versions badly until
-- autovacuum comes by.
ANALYZE grid;
ANALYZE micro_grid;
ANALYZE assignment;

-- Retention: when a version's territories were compacted (NULL: never).
ALTER TABLE partition_version ADD COLUMN compacted_at timestamptz;
