-- Every version is kept, so a spatial search of the current version must not scan the history:
-- lead with (township_code, version), as the tile indexes do (PostGIS lookups, OGC items).
CREATE INDEX micro_grid_version_geom_gix ON micro_grid USING gist (township_code, version, geom);
CREATE INDEX grid_version_geom_gix ON grid USING gist (township_code, version, geom);
