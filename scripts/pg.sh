#!/usr/bin/env bash
# Starts (installing and creating it when missing) a local PostgreSQL 15 + PostGIS 3 cluster
# in .local/pg on 127.0.0.1, and prints the connection string. Meant to be sourced or run:
#   eval "$(scripts/pg.sh)"   ->   exports GRIDSPATIAL_DB
# Overrides: GRIDSPATIAL_PG_PORT (55432), GRIDSPATIAL_PG_DIR (.local/pg), GRIDSPATIAL_DB (skip all of this).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${GRIDSPATIAL_DB:-}" ]; then echo "export GRIDSPATIAL_DB='$GRIDSPATIAL_DB'"; exit 0; fi
port="${GRIDSPATIAL_PG_PORT:-55432}"
dir="${GRIDSPATIAL_PG_DIR:-$root/.local/pg}"
log() { echo "pg.sh: $*" >&2; }
# shellcheck source=scripts/pgnode.sh
. "$root/scripts/pgnode.sh"

pg_install
#-- (Another port: GRIDSPATIAL_PG_PORT.)
pg_node_up "$dir" "$port" "-c max_connections=200 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off"
for db in gridspatial gridspatial_test; do
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "select 1 from pg_database where datname='$db'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database $db" >&2
  fi
  psql -h 127.0.0.1 -p "$port" -U postgres -d "$db" -qc 'create extension if not exists postgis' >&2
done
echo "export GRIDSPATIAL_DB='Host=127.0.0.1;Port=$port;Username=postgres;Database=gridspatial'"
echo "export GRIDSPATIAL_TEST_DB='Host=127.0.0.1;Port=$port;Username=postgres;Database=gridspatial_test'"
