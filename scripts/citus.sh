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
# `scripts/citus.sh stop` stops every node (the third worker too).
# `scripts/citus.sh worker3` starts a third worker (created when missing) on the port after the
# second worker's and prints that port; it joins no database: the rebalance test
# (Features/Citus/CitusRebalanceTests) adds it to its own and stops it with `scripts/citus.sh worker3 stop`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${GRIDSPATIAL_CITUS_PORT:-55600}"
dir="${GRIDSPATIAL_CITUS_DIR:-$root/.local/citus}"
build="${GRIDSPATIAL_CITUS_BUILD:-$root/../shared/vendor/citus/build.sh}"
cache="$root/.local/citus-build"
lib=/usr/lib/postgresql/15/lib
ext=/usr/share/postgresql/15/extension
nodes=(coordinator worker1 worker2)
log() { echo "citus.sh: $*" >&2; }
# shellcheck source=scripts/pgnode.sh
. "$root/scripts/pgnode.sh"
sql() { psql -h 127.0.0.1 -p "$1" -U postgres -d "$2" -v ON_ERROR_STOP=1 -Atqc "$3"; }
#-- Eight shards per table: enough to spread over the two workers and a third one added by a
#-- rebalance, few enough that a test database (one per test class) is created quickly. Logical
#-- WAL: shards move by logical replication, so writes go on while they are copied.
conf="shared_preload_libraries = 'citus'
unix_socket_directories = '/tmp'
max_connections = 300
shared_buffers = 128MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = logical
max_prepared_transactions = 200
citus.shard_count = 8"
#-- Node i (0 the coordinator, 3 the third worker): its folder and port.
node_up() { pg_node_up "$dir/$1" "$((port + $2))" "" "$conf"; }

case "${1:-}" in
  stop)
    for n in "${nodes[@]}" worker3; do pg_node_down "$dir/$n" || true; done
    exit 0 ;;
  worker3)
    if [ "${2:-}" = stop ]; then pg_node_down "$dir/worker3"; exit 0; fi
    node_up worker3 3
    echo "$((port + 3))"
    exit 0 ;;
esac

pg_install

#-- Citus: restored from the cache of a previous build, or built (and cached).
if [ ! -f "$lib/citus.so" ] && [ -f "$cache/files.tar" ]; then
  log "restoring Citus from $cache"
  pg_as_root tar -xf "$cache/files.tar" -C /
fi
if [ ! -f "$lib/citus.so" ]; then
  if [ ! -x "$build" ]; then log "Citus is not installed and $build is not there"; exit 1; fi
  log "building Citus ($build, about 4 minutes)"
  mkdir -p "$cache"
  touch "$cache/.before"; sleep 1
  pg_as_root nice -n 10 "$build" >&2
  #-- What the build installed (the library, its bitcode, the extension scripts), for next time.
  (cd / && find "${lib#/}" "${ext#/}" -newer "$cache/.before" \( -type f -o -type l \) -print0 \
     | tar --null -cf "$cache/files.tar" -T -)
  rm -f "$cache/.before"
fi

i=0
for n in "${nodes[@]}"; do node_up "$n" "$i"; i=$((i + 1)); done

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
