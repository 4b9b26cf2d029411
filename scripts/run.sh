#!/usr/bin/env bash
# The main job: a local PostGIS (installed and started when missing), the schema, the sample
# township imported and partitioned, and the API with the viewer on http://127.0.0.1:5080
# until Ctrl-C. Running it again reuses the cluster and the data.
# Environment: GRIDSPATIAL_URL (http://127.0.0.1:5080), GRIDSPATIAL_DB (connection string),
# GRIDSPATIAL_PG_PORT (55432).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GRIDSPATIAL_DB:-}" ]; then eval "$(scripts/pg.sh)"; fi
export GRIDSPATIAL_DB
sample=530627118
# Upsert by id: a second run changes nothing and the recompute below publishes nothing new.
scripts/gridspatial import --dir data/sample
scripts/gridspatial recompute --township "$sample" --reason "sample data"
echo "run.sh: serving on ${GRIDSPATIAL_URL:-http://127.0.0.1:5080} (API docs at /docs, health at /health); Ctrl-C stops"
exec scripts/gridspatial serve
