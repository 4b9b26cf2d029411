#!/usr/bin/env bash
# Load on loopback, bounded in time: wrk sends point lookups to the API for --seconds (default
# 15), alone and then while the largest partitioned township is recomputed again and again in
# the same process; prints p50/p99 of both. Needs wrk (installed when missing, as root) and a
# partitioned township (scripts/run.sh leaves the sample one).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
command -v wrk >/dev/null 2>&1 || { [ "$(id -u)" = 0 ] && apt-get install -y -qq wrk >&2; }
if [ -z "${GRIDSPATIAL_DB:-}" ]; then pg_env="$(scripts/pg.sh)" || exit 1; eval "$pg_env"; fi
export GRIDSPATIAL_DB
exec scripts/gridspatial bench load "$@"
