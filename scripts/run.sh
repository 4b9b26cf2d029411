#!/usr/bin/env bash
# The main job: a local PostGIS (installed and started when missing), the schema, the sample
# township imported and partitioned, and the API with the viewer on http://127.0.0.1:5080
# beside a worker process that runs the recomputes (the production layout: a recompute's
# collections never pause the API's lookups), until Ctrl-C stops both. Running it again
# reuses the cluster and the data; the worker's log is .local/worker.log.
# Environment: GRIDSPATIAL_URL (http://127.0.0.1:5080), GRIDSPATIAL_DB (connection string),
# GRIDSPATIAL_PG_PORT (55432), GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY (the first administrator key;
# when unset, one is generated once into .local/admin.key and printed).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GRIDSPATIAL_DB:-}" ]; then pg_env="$(scripts/pg.sh)" || exit 1; eval "$pg_env"; fi
export GRIDSPATIAL_DB
sample=530627118
# Upsert by id: a second run changes nothing and the recompute below publishes nothing new.
scripts/gridspatial import --dir data/sample
scripts/gridspatial recompute --township "$sample" --reason "sample data"
if [ -z "${GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY:-}" ]; then
  mkdir -p .local
  [ -s .local/admin.key ] || (umask 077; echo "gs_local_$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" > .local/admin.key)
  GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY="$(cat .local/admin.key)"
fi
export GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY
url="${GRIDSPATIAL_URL:-http://127.0.0.1:5080}"
cat <<EOT
run.sh: serving on $url; Ctrl-C stops.
  administrator key (set GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY to choose your own): $GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY
  viewer:   $url/?key=$GRIDSPATIAL_BOOTSTRAP_ADMIN_KEY&township=$sample
  API:      curl -H "X-Api-Key: \$KEY" $url/api/townships     (docs at /docs, health at /health)
  jobs:     a worker process (log: .local/worker.log) runs the recomputes
  new keys: scripts/gridspatial keys create --name NAME --role viewer|integrator|editor|admin [--jurisdiction 530627]
EOT
mkdir -p .local
scripts/gridspatial worker >> .local/worker.log 2>&1 &
worker=$!
scripts/gridspatial serve --Hangfire:Server=false &
api=$!
# Ctrl-C or a TERM stops both (each shuts down cleanly); so does either one ending on its own.
trap 'kill -TERM "$api" "$worker" 2>/dev/null; wait "$api" "$worker" 2>/dev/null || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
wait -n "$api" "$worker"
