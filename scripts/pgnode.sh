# Sourced by pg.sh and citus.sh: one local PostgreSQL 15 + PostGIS 3 server (a "node") on
# 127.0.0.1, installed, created and started when missing. Not run on its own.
#   pg_install                     installs PostgreSQL 15 + PostGIS 3 (apt) when missing
#   pg_node_up DIR PORT [OPTIONS [CONF]]
#                                  creates DIR (initdb, then the lines CONF appended to its
#                                  postgresql.conf), starts it on PORT (OPTIONS: more server
#                                  options, as pg_ctl -o takes them), waits until it answers and
#                                  restarts it when it runs an older binary than the installed one
#   pg_node_down DIR               stops it (nothing when it is not there or not running)
# The caller defines log() (its own prefix) and set -euo pipefail.
pg_bin=/usr/lib/postgresql/15/bin
pg_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
pg_as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

pg_install() {
  if [ ! -x "$pg_bin/initdb" ] || [ ! -f /usr/share/postgresql/15/extension/postgis.control ]; then
    log "installing PostgreSQL 15 + PostGIS 3 (apt)"
    export DEBIAN_FRONTEND=noninteractive
    pg_as_root apt-get update -qq >&2
    pg_as_root apt-get install -y -qq postgresql-15-postgis-3 >&2
  fi
}

pg_node_up() {
  local d="$1" port="$2" options="${3:-}" conf="${4:-}"
  mkdir -p "$d"
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$d"
    #-- The postgres user must reach the folder: every parent needs o+x.
    local p="$d"; while [ "$p" != / ]; do p="$(dirname "$p")"; chmod o+x "$p" 2>/dev/null || true; done
  fi
  if [ ! -f "$d/PG_VERSION" ]; then
    log "creating a cluster in $d"
    pg_as_pg "$pg_bin/initdb -D '$d' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
    [ -z "$conf" ] || printf '%s\n' "$conf" | pg_as_pg "cat >> '$d/postgresql.conf'"
  fi
  if ! pg_as_pg "$pg_bin/pg_ctl -D '$d' status" >/dev/null 2>&1; then
    log "starting $d on 127.0.0.1:$port"
    if ! pg_as_pg "$pg_bin/pg_ctl -D '$d' -w -t 60 -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 $options\" -l '$d/server.log' start" >&2; then
      log "$d did not start (is port $port taken?); last lines of $d/server.log:"
      tail -5 "$d/server.log" >&2 || true
      return 1
    fi
  fi
  local _
  for _ in $(seq 1 30); do
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1 && break
    sleep 1
  done
  #-- A server started before apt upgraded PostgreSQL (another package, or building Citus, pulling
  #-- a new minor release) runs the old binary but loads the new libraries: "could not load library
  #-- plpgsql.so: undefined symbol". Restart it on the installed binary.
  local running installed
  running="$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atqc 'show server_version' 2>/dev/null | cut -d' ' -f1 || true)"
  installed="$("$pg_bin/postgres" --version | awk '{print $3}')"
  if [ -n "$running" ] && [ "$running" != "$installed" ]; then
    log "$d runs PostgreSQL $running but $installed is installed: restarting it"
    pg_as_pg "$pg_bin/pg_ctl -D '$d' restart -m fast -w -t 60" >&2
  fi
}

pg_node_down() {
  local d="$1"
  [ -f "$d/PG_VERSION" ] || return 0
  pg_as_pg "$pg_bin/pg_ctl -D '$d' status" >/dev/null 2>&1 || return 0
  pg_as_pg "$pg_bin/pg_ctl -D '$d' -m fast -w stop" >&2
}
