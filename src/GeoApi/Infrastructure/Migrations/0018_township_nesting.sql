-- Partition that nests (多网合一, issue #19 item 4): a township may ask that its grids, or only its
-- micro-grids, nest inside the units of one of its departmental layers. The choice is kept here, so
-- every later recompute (the API's, the scheduler's, the nightly full one) nests in the layer's
-- current version; removing the layer removes the choice.
CREATE TABLE township_nesting (
    township_code char(9) NOT NULL PRIMARY KEY,
    layer         text NOT NULL,
    level         text NOT NULL CHECK (level IN ('grid', 'micro_grid')),
    actor         text NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (township_code, layer) REFERENCES dept_layer ON DELETE CASCADE
);
