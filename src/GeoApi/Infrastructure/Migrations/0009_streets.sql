-- Streets: lanes, residential streets, tracks, paths and ditches. Soft guides that grid borders
-- prefer to follow (DESIGN §1); unlike barriers they never block a cluster. Stored like barriers,
-- with Web Mercator copies of both for vector tiles.
CREATE TABLE street (
    township_code char(9) NOT NULL REFERENCES township (code) ON DELETE CASCADE,
    id            text NOT NULL,
    kind          text NOT NULL DEFAULT 'street',
    name          text,
    properties    jsonb NOT NULL DEFAULT '{}',
    geom          geometry(MultiLineString, 4326) NOT NULL,
    geom_3857     geometry(MultiLineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (township_code, id)
);
CREATE INDEX street_geom_gix ON street USING gist (geom);
CREATE INDEX street_geom_3857_gix ON street USING gist (geom_3857);

ALTER TABLE barrier ADD COLUMN geom_3857 geometry(MultiLineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED;
CREATE INDEX barrier_geom_3857_gix ON barrier USING gist (geom_3857);
