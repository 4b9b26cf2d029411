-- Departmental layers (多网合一, issue #19): other departments' grids (urban management unit
-- grids, police beats, fire, health, …) imported per township as named polygon layers with their
-- own codes and names. Every import is a new version of the layer (the whole layer, as the
-- department sent it); the layer's current version is the one tiles, OGC and crosswalks read.
CREATE TABLE dept_layer (
    township_code   char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    layer           text NOT NULL CHECK (layer ~ '^[a-z][a-z0-9_-]{0,39}$'),
    title           text,
    current_version integer NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, layer)
);

CREATE TABLE dept_layer_version (
    township_code char(9) NOT NULL,
    layer         text NOT NULL,
    version       integer NOT NULL,
    units         integer NOT NULL,
    actor         text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, layer, version),
    FOREIGN KEY (township_code, layer) REFERENCES dept_layer ON DELETE CASCADE
);

CREATE TABLE dept_unit (
    township_code char(9) NOT NULL,
    layer         text NOT NULL,
    version       integer NOT NULL,
    code          text NOT NULL,
    name          text,
    properties    jsonb NOT NULL DEFAULT '{}',
    geom          geometry(MultiPolygon, 4326) NOT NULL,
    geom_3857     geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, layer, version, code),
    FOREIGN KEY (township_code, layer, version) REFERENCES dept_layer_version ON DELETE CASCADE
);
CREATE INDEX dept_unit_geom_gix ON dept_unit USING gist (geom);
CREATE INDEX dept_unit_geom_3857_gix ON dept_unit USING gist (geom_3857);

-- "The current version of a departmental layer", defined once.
CREATE VIEW current_dept_unit AS
    SELECT u.township_code, u.layer, u.version, l.title, u.code, u.name, u.properties, u.geom, u.geom_3857, u.updated_at
    FROM dept_unit u JOIN dept_layer l ON l.township_code = u.township_code AND l.layer = u.layer AND l.current_version = u.version;

-- The township's metric CRS in SQL, as Partitioner/Projection/MetricProjection defines it: the
-- CGCS2000 3-degree Gauss–Krüger zone whose central meridian is nearest the centre of the
-- township's extent (GRS 80, which CGCS2000's ellipsoid equals to well under a millimetre), for
-- any longitude (Liechtenstein's CM 9E too, which EPSG has no code for): SRID 990060 + CM / 3.
-- Crosswalks and fit reports project both sides into it first and intersect and measure there,
-- so the pieces of a unit add up to the unit exactly, as the quality report's figures do (areas of
-- lon/lat pieces on the ellipsoid do not: each piece's edges become geodesics). Registered SRIDs,
-- not proj strings: PostGIS caches a transform per SRID (15 µs a point here, against 40 ms).
INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, proj4text)
SELECT 990000 + z, 'GRIDSPATIAL', 990000 + z,
       format('+proj=tmerc +lat_0=0 +lon_0=%s +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs', -180 + 3 * z)
FROM generate_series(0, 120) z
ON CONFLICT (srid) DO NOTHING;

CREATE FUNCTION township_metric_srid(township geometry) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 990060 + round((ST_XMin($1) + ST_XMax($1)) / 6)::integer
$$;
