-- Buildings as a reference layer of the viewer's map (vector tiles are cut from Web Mercator, as
-- for every other layer): the footprint in EPSG:3857, kept by PostgreSQL, and its index.
ALTER TABLE building ADD COLUMN geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX building_geom_3857_gix ON building USING gist (geom_3857);
