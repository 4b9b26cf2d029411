-- GridSpatial schema. Every table carries township_code (county_code for counties) so the
-- database can be sharded by it (Citus: distribution column township_code; county and
-- township boundaries as reference tables). Geometry is EPSG:4326 lon/lat.
CREATE EXTENSION IF NOT EXISTS postgis;

CREATE TABLE county (
    code        char(6) PRIMARY KEY CHECK (code ~ '^[0-9]{6}$'),
    name        text NOT NULL,
    geom        geometry(MultiPolygon, 4326),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX county_geom_gix ON county USING gist (geom);

CREATE TABLE township (
    code         char(9) PRIMARY KEY CHECK (code ~ '^[0-9]{9}$'),
    county_code  char(6) NOT NULL,
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('subdistrict', 'town', 'township', 'other')),
    urban        boolean NOT NULL,
    geom         geometry(MultiPolygon, 4326) NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX township_geom_gix ON township USING gist (geom);
CREATE INDEX township_county_idx ON township (county_code);

CREATE TABLE village (
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    code          char(12) NOT NULL CHECK (code ~ '^[0-9]{12}$'),
    name          text NOT NULL,
    urban         boolean NOT NULL,
    geom          geometry(MultiPolygon, 4326) NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, code),
    CHECK (left(code, 9) = township_code)
);
CREATE INDEX village_geom_gix ON village USING gist (geom);

CREATE TABLE building (
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    id            text NOT NULL,
    floors        integer CHECK (floors BETWEEN 1 AND 200),
    use           text,
    properties    jsonb NOT NULL DEFAULT '{}',
    geom          geometry(MultiPolygon, 4326) NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, id)
);
CREATE INDEX building_geom_gix ON building USING gist (geom);

-- Household ids are unique across the whole service; township_code stays in the key for sharding.
CREATE TABLE household (
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    id            text NOT NULL,
    building_id   text,
    floor         integer CHECK (floor BETWEEN -10 AND 200),
    unit          text,
    room          text,
    address       text,
    persons       integer CHECK (persons BETWEEN 0 AND 1000),
    properties    jsonb NOT NULL DEFAULT '{}',
    geom          geometry(Point, 4326) NOT NULL,
    row_version   integer NOT NULL DEFAULT 1,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, id)
);
CREATE UNIQUE INDEX household_id_uix ON household (id);
CREATE INDEX household_geom_gix ON household USING gist (geom);

CREATE TABLE barrier (
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    id            text NOT NULL,
    kind          text NOT NULL DEFAULT 'road',
    name          text,
    properties    jsonb NOT NULL DEFAULT '{}',
    geom          geometry(MultiLineString, 4326) NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, id)
);
CREATE INDEX barrier_geom_gix ON barrier USING gist (geom);

-- Per township: the published version and the data version (bumped by every household change
-- in the same transaction; a recompute publishes only if the data version it read is current).
CREATE TABLE township_state (
    township_code   char(9) PRIMARY KEY REFERENCES township (code) ON DELETE CASCADE,
    current_version integer,
    data_version    bigint NOT NULL DEFAULT 0,
    dirty_since     timestamptz,
    last_change_at  timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partition_version (
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    version       integer NOT NULL,
    data_version  bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    author        text NOT NULL,
    reason        text NOT NULL,
    report        jsonb NOT NULL,
    PRIMARY KEY (township_code, version)
);

CREATE TABLE grid (
    township_code   char(9) NOT NULL,
    version         integer NOT NULL,
    code            char(15) NOT NULL,
    village_code    char(12) NOT NULL,
    household_count integer NOT NULL,
    geom            geometry(MultiPolygon, 4326) NOT NULL,
    PRIMARY KEY (township_code, version, code),
    FOREIGN KEY (township_code, version) REFERENCES partition_version ON DELETE CASCADE
);
CREATE INDEX grid_geom_gix ON grid USING gist (geom);

CREATE TABLE micro_grid (
    township_code   char(9) NOT NULL,
    version         integer NOT NULL,
    code            char(18) NOT NULL,
    grid_code       char(15) NOT NULL,
    village_code    char(12) NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('cluster', 'building', 'floor')),
    household_count integer NOT NULL,
    building_id     text,
    floor_from      integer,
    floor_to        integer,
    pinned          boolean NOT NULL DEFAULT false,
    geom            geometry(MultiPolygon, 4326) NOT NULL,
    PRIMARY KEY (township_code, version, code),
    FOREIGN KEY (township_code, version) REFERENCES partition_version ON DELETE CASCADE
);
CREATE INDEX micro_grid_geom_gix ON micro_grid USING gist (geom);

CREATE TABLE assignment (
    township_code   char(9) NOT NULL,
    version         integer NOT NULL,
    household_id    text NOT NULL,
    micro_grid_code char(18) NOT NULL,
    grid_code       char(15) NOT NULL,
    PRIMARY KEY (township_code, version, household_id),
    FOREIGN KEY (township_code, version) REFERENCES partition_version ON DELETE CASCADE
);
CREATE INDEX assignment_household_idx ON assignment (household_id);

-- Every code ever issued, with its life and where it came from and went to.
CREATE TABLE code_registry (
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    code          varchar(18) NOT NULL,
    level         text NOT NULL CHECK (level IN ('grid', 'micro_grid')),
    parent        varchar(15),
    valid_from    integer NOT NULL,
    valid_to      integer,
    predecessors  text[] NOT NULL DEFAULT '{}',
    successors    text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (township_code, code)
);

CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    township_code  char(9),
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL,
    action         text NOT NULL,
    entity         text NOT NULL,
    entity_id      text,
    before_version integer,
    after_version  integer,
    detail         jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_township_idx ON audit_log (township_code, at);
