-- Territories stored out of line (#21). PostGIS gives geometry columns storage MAIN: a territory stays
-- in the row (3 rows a page), so closing a row — an UPDATE that sets valid_to and drops the Web Mercator
-- copy — wrote the kept territory again into the new row version and left the old one, both copies, as
-- free space until vacuum: after 1,000 single-household edits the micro-grid table held 10 MB of rows in
-- 36 MB of file. Stored EXTERNAL (in the TOAST table, uncompressed: coordinates do not compress) with the
-- row kept under 128 bytes, the closing UPDATE writes a small row that points at the same territory value,
-- and only the copies that really go (the Web Mercator copy, a follower's or recounted row's territory)
-- become free space. Bounding-box operators read a territory's header only (EXTERNAL values can be
-- sliced). Rows written before this migration keep their layout until they are next written.
ALTER TABLE grid
    ALTER COLUMN geom SET STORAGE EXTERNAL,
    ALTER COLUMN geom_3857 SET STORAGE EXTERNAL,
    SET (toast_tuple_target = 128);
ALTER TABLE micro_grid
    ALTER COLUMN geom SET STORAGE EXTERNAL,
    ALTER COLUMN geom_3857 SET STORAGE EXTERNAL,
    SET (toast_tuple_target = 128);
