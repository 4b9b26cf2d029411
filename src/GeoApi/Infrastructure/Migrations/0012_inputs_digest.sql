-- What each version was computed from besides its households (InputsDigest: township and village
-- boundaries, buildings, barriers, streets, options). A recompute recomputes only the grids whose
-- households changed while the current version's digest is the inputs' own; a version without one
-- (published before this migration) makes the next recompute a whole one. Additive.
ALTER TABLE partition_version ADD COLUMN inputs_digest text;
