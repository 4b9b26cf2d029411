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
