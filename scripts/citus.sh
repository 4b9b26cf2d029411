#!/usr/bin/env bash
# A Citus cluster on loopback: a coordinator and two workers (PostgreSQL 15 + PostGIS 3 + Citus
# 13.2), each in .local/citus/<node>, started (and created, and Citus built, when missing), and
# prints the connection strings as pg.sh does. The service runs on it unchanged:
#   eval "$(scripts/citus.sh)"   ->   exports GRIDSPATIAL_DB (the coordinator), GRIDSPATIAL_TEST_DB,
#                                     GRIDSPATIAL_CITUS_DB (= GRIDSPATIAL_TEST_DB: the Citus tests run)
# The migrations (Infrastructure/CitusLayout) distribute the per-township tables on it.
# Citus is not in Debian's archive: ../shared/vendor/citus/build.sh builds it from source (about
# 4 minutes); the files it installs are kept in .local/citus-build/ and restored from there next
# time, so a cached .local/ skips the build.
# Overrides: GRIDSPATIAL_CITUS_PORT (coordinator, 55600; workers the next two ports),
# GRIDSPATIAL_CITUS_DIR (.local/citus), GRIDSPATIAL_CITUS_BUILD (the build script).
# `scripts/citus.sh stop` stops the three nodes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${GRIDSPATIAL_CITUS_PORT:-55600}"
dir="${GRIDSPATIAL_CITUS_DIR:-$root/.local/citus}"
build="${GRIDSPATIAL_CITUS_BUILD:-$root/../shared/vendor/citus/build.sh}"
cache="$root/.local/citus-build"
bin=/usr/lib/postgresql/15/bin
lib=/usr/lib/postgresql/15/lib
ext=/usr/share/postgresql/15/extension
nodes=(coordinator worker1 worker2)
log() { echo "citus.sh: $*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
sql() { psql -h 127.0.0.1 -p "$1" -U postgres -d "$2" -v ON_ERROR_STOP=1 -Atqc "$3"; }

if [ "${1:-}" = stop ]; then
  for n in "${nodes[@]}"; do
    [ -f "$dir/$n/PG_VERSION" ] && as_pg "$bin/pg_ctl -D '$dir/$n' -m fast stop" >&2 || true
  done
  exit 0
fi

#-- PostgreSQL 15 + PostGIS as pg.sh installs them.
if [ ! -x "$bin/initdb" ] || [ ! -f "$ext/postgis.control" ]; then
  log "installing PostgreSQL 15 + PostGIS 3 (apt)"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2
  as_root apt-get install -y -qq postgresql-15-postgis-3 >&2
fi

#-- Citus: restored from the cache of a previous build, or built (and cached).
if [ ! -f "$lib/citus.so" ] && [ -f "$cache/files.tar" ]; then
  log "restoring Citus from $cache"
  as_root tar -xf "$cache/files.tar" -C /
fi
if [ ! -f "$lib/citus.so" ]; then
  if [ ! -x "$build" ]; then log "Citus is not installed and $build is not there"; exit 1; fi
  log "building Citus ($build, about 4 minutes)"
  mkdir -p "$cache"
  touch "$cache/.before"; sleep 1
  as_root nice -n 10 "$build" >&2
  #-- What the build installed (the library, its bitcode, the extension scripts), for next time.
  (cd / && find "${lib#/}" "${ext#/}" -newer "$cache/.before" \( -type f -o -type l \) -print0 \
     | tar --null -cf "$cache/files.tar" -T -)
  rm -f "$cache/.before"
fi

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then
  chown postgres "$dir"
  p="$dir"; while [ "$p" != / ]; do p="$(dirname "$p")"; chmod o+x "$p" 2>/dev/null || true; done
fi
i=0
for n in "${nodes[@]}"; do
  d="$dir/$n"; p=$((port + i)); i=$((i + 1))
  if [ ! -f "$d/PG_VERSION" ]; then
    log "creating $n in $d"
    as_pg "mkdir -p '$d' && $bin/initdb -D '$d' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
    #-- Eight shards per table: enough to spread over the two workers and a third one added by a
    #-- rebalance, few enough that a test database (one per test class) is created quickly.
    as_pg "cat >> '$d/postgresql.conf'" <<EOF
shared_preload_libraries = 'citus'
listen_addresses = '127.0.0.1'
port = $p
unix_socket_directories = '/tmp'
max_connections = 300
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = logical
max_prepared_transactions = 200
citus.shard_count = 8
EOF
  fi
  if ! as_pg "$bin/pg_ctl -D '$d' status" >/dev/null 2>&1; then
    log "starting $n on 127.0.0.1:$p"
    if ! as_pg "$bin/pg_ctl -D '$d' -w -t 60 -l '$d/server.log' start" >&2; then
      log "$n did not start (is port $p taken? set GRIDSPATIAL_CITUS_PORT); last lines of $d/server.log:"
      tail -5 "$d/server.log" >&2 || true
      exit 1
    fi
  fi
  for _ in $(seq 1 30); do sql "$p" postgres 'select 1' >/dev/null 2>&1 && break; sleep 1; done
done

#-- Each database exists on every node with Citus and PostGIS; the coordinator knows its workers.
for db in gridspatial gridspatial_test; do
  for i in 0 1 2; do
    p=$((port + i))
    sql "$p" postgres "select 1 from pg_database where datname = '$db'" | grep -q 1 || sql "$p" postgres "create database $db" >/dev/null
    #-- Only when missing: a worker that has the cluster's metadata refuses DDL, even a no-op.
    for e in citus postgis; do
      sql "$p" "$db" "select 1 from pg_extension where extname = '$e'" | grep -q 1 || sql "$p" "$db" "create extension $e" >/dev/null
    done
  done
  sql "$port" "$db" "select 1 from pg_dist_node where groupid = 0" | grep -q 1 \
    || sql "$port" "$db" "select citus_set_coordinator_host('127.0.0.1', $port)" >/dev/null
  for i in 1 2; do
    p=$((port + i))
    sql "$port" "$db" "select 1 from pg_dist_node where nodename = '127.0.0.1' and nodeport = $p" | grep -q 1 \
      || sql "$port" "$db" "select citus_add_node('127.0.0.1', $p)" >/dev/null
  done
done
log "coordinator 127.0.0.1:$port, workers $((port + 1)) and $((port + 2)) ($(sql "$port" gridspatial "select extversion from pg_extension where extname = 'citus'"))"
echo "export GRIDSPATIAL_DB='Host=127.0.0.1;Port=$port;Username=postgres;Database=gridspatial'"
echo "export GRIDSPATIAL_TEST_DB='Host=127.0.0.1;Port=$port;Username=postgres;Database=gridspatial_test'"
echo "export GRIDSPATIAL_CITUS_DB='Host=127.0.0.1;Port=$port;Username=postgres;Database=gridspatial_test'"
