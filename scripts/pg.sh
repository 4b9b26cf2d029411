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
bin=/usr/lib/postgresql/15/bin
log() { echo "pg.sh: $*" >&2; }

if [ ! -x "$bin/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
  log "installing PostgreSQL 15 + PostGIS 3 (apt)"
  export DEBIAN_FRONTEND=noninteractive
  sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  sudo_ apt-get update -qq >&2
  sudo_ apt-get install -y -qq postgresql-15-postgis-3 >&2
fi

as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  # The postgres user must reach the folder: every parent needs o+x.
  p="$dir"; while [ "$p" != / ]; do p="$(dirname "$p")"; chmod o+x "$p" 2>/dev/null || true; done
fi
if [ ! -f "$dir/PG_VERSION" ]; then
  log "creating cluster in $dir"
  as_pg "$bin/initdb -D '$dir' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
fi
if ! as_pg "$bin/pg_ctl -D '$dir' status" >/dev/null 2>&1; then
  log "starting PostgreSQL on 127.0.0.1:$port"
  if ! as_pg "$bin/pg_ctl -D '$dir' -w -t 60 -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB -c fsync=off -c synchronous_commit=off\" -l '$dir/server.log' start" >&2; then
    log "PostgreSQL did not start (is port $port taken? set GRIDSPATIAL_PG_PORT); last lines of $dir/server.log:"
    tail -5 "$dir/server.log" >&2 || true
    exit 1
  fi
fi
for _ in $(seq 1 30); do
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1 && break
  sleep 1
done
#-- A server started before apt upgraded PostgreSQL (another package pulling a new minor release)
#-- runs the old binary but loads the new libraries: "could not load library plpgsql.so: undefined
#-- symbol". Restart it on the installed binary.
running="$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc 'show server_version' 2>/dev/null | cut -d' ' -f1 || true)"
installed="$("$bin/postgres" --version | awk '{print $3}')"
if [ -n "$running" ] && [ "$running" != "$installed" ]; then
  log "the server runs PostgreSQL $running but $installed is installed: restarting it"
  as_pg "$bin/pg_ctl -D '$dir' restart -m fast -w -t 60" >&2
fi
for db in gridspatial gridspatial_test; do
  if ! psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc "select 1 from pg_database where datname='$db'" | grep -q 1; then
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "create database $db" >&2
  fi
  psql -h 127.0.0.1 -p "$port" -U postgres -d "$db" -qc 'create extension if not exists postgis' >&2
done
echo "export GRIDSPATIAL_DB='Host=127.0.0.1;Port=$port;Username=postgres;Database=gridspatial'"
echo "export GRIDSPATIAL_TEST_DB='Host=127.0.0.1;Port=$port;Username=postgres;Database=gridspatial_test'"
