-- "The current published version of a township", defined once: every reader of the current
-- partition (tiles, OGC API, codes, exports, lookups, reports) selects from these views, so a
-- change to how versions are stored changes one place. Simple views: PostgreSQL inlines them,
-- and the (township, version, geometry) indexes serve them as before.
CREATE VIEW current_partition_version AS
    SELECT v.* FROM partition_version v JOIN township_state s ON s.township_code = v.township_code AND s.current_version = v.version;

CREATE VIEW current_grid AS
    SELECT g.* FROM grid g JOIN township_state s ON s.township_code = g.township_code AND s.current_version = g.version;

CREATE VIEW current_micro_grid AS
    SELECT m.* FROM micro_grid m JOIN township_state s ON s.township_code = m.township_code AND s.current_version = m.version;

CREATE VIEW current_assignment AS
    SELECT a.* FROM assignment a JOIN township_state s ON s.township_code = a.township_code AND s.current_version = a.version;
