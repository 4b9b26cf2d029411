-- Vector tiles are cut in Web Mercator: keep a stored EPSG:3857 copy of every geometry a tile
-- layer draws (ST_Transform is immutable, so these are generated columns that can never drift),
-- indexed for the tile envelope test.
ALTER TABLE township ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE village ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE grid ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE micro_grid ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
ALTER TABLE household ADD COLUMN geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX township_geom_3857_gix ON township USING gist (geom_3857);
CREATE INDEX village_geom_3857_gix ON village USING gist (geom_3857);
-- Grids and micro-grids keep every version: a tile asks for the current version of the few
-- townships under it, so the index leads with (township_code, version) (btree_gist).
CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE INDEX grid_version_geom_3857_gix ON grid USING gist (township_code, version, geom_3857);
CREATE INDEX micro_grid_version_geom_3857_gix ON micro_grid USING gist (township_code, version, geom_3857);
CREATE INDEX household_geom_3857_gix ON household USING gist (geom_3857);

-- Staff can pin grids as well as micro-grids: a pinned unit is left as drawn by recomputes.
ALTER TABLE grid ADD COLUMN pinned boolean NOT NULL DEFAULT false;
