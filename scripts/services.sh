#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for the tests, local to this checkout.
#
#   bash scripts/services.sh start  [pg|redis]   start (idempotent: already running is fine)
#   bash scripts/services.sh stop   [pg|redis]   stop by pg_ctl / pidfile with a signal (safe twice)
#   bash scripts/services.sh status [pg|redis]   exit 0 if all asked-for services answer
#   bash scripts/services.sh env                 print export lines (eval "$(bash scripts/services.sh env)")
#   bash scripts/services.sh reset               empty both: recreate the test database, FLUSHALL Redis
#
# PostgreSQL: 127.0.0.1:54329 (TCP only, no Unix socket), data in .run/pg owned by postgres,
#             fsync/synchronous_commit off; database secure_base_test owned by role secure_base
#             (password secure_base, scram-sha-256 on 127.0.0.1). Nothing here is secret: the
#             cluster only holds test data and listens on loopback.
# Redis:      127.0.0.1:63799, no persistence, files in .run/redis.
# Override with SB_PG_PORT, SB_REDIS_PORT, SB_RUN_DIR (e.g. to run two checkouts side by side).
#
# Liveness is checked with pg_isready / redis-cli ping, never pgrep: stopped daemons can linger as
# <defunct> on these machines.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${SB_RUN_DIR:-$ROOT/.run}"
PG_PORT="${SB_PG_PORT:-54329}"
REDIS_PORT="${SB_REDIS_PORT:-63799}"
PG_DB=secure_base_test
PG_USER=secure_base
PG_PASSWORD=secure_base
PG_SUPERPASS=postgres   # superuser "postgres" over TCP; only used here to create the role/db

PG_DATA="$RUN_DIR/pg"
REDIS_DIR="$RUN_DIR/redis"
REDIS_PID="$REDIS_DIR/redis.pid"

log() { echo "services: $*"; }
die() { echo "services: $*" >&2; exit 1; }

pg_bindir() {
  # Newest installed server version; Debian 12 ships 15.
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && { echo "$d"; return 0; }
  done
  if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    pg_config --bindir; return 0
  fi
  return 1
}

# initdb and pg_ctl refuse to run as root: run them as postgres then.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

pg_alive()    { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }
redis_alive() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

pg_url() { echo "postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT/0"; }

psql_super() {
  PGPASSWORD="$PG_SUPERPASS" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_start() {
  PG_BIN="$(pg_bindir)" || die "PostgreSQL server binaries not found: run bash scripts/system-deps.sh"
  if pg_alive; then
    log "postgres already running on 127.0.0.1:$PG_PORT"
  else
    mkdir -p "$RUN_DIR"
    if [[ $EUID -eq 0 ]]; then
      # postgres must be able to reach its data dir through every parent folder.
      runuser -u postgres -- test -x "$RUN_DIR" \
        || die "user postgres cannot enter $RUN_DIR (a parent folder is not world-executable); set SB_RUN_DIR to a folder under /tmp"
    fi
    if [[ ! -s "$PG_DATA/PG_VERSION" ]]; then
      log "initdb $PG_DATA"
      rm -rf "$PG_DATA"
      mkdir -p "$PG_DATA"
      [[ $EUID -eq 0 ]] && chown postgres: "$PG_DATA"
      chmod 700 "$PG_DATA"
      local pwfile="$PG_DATA.pw"
      printf '%s\n' "$PG_SUPERPASS" >"$pwfile"
      [[ $EUID -eq 0 ]] && chown postgres: "$pwfile"
      as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile="$pwfile" \
        --auth-local=peer --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-instructions \
        >"$RUN_DIR/initdb.log" 2>&1 \
        || { rm -f "$pwfile"; cat "$RUN_DIR/initdb.log" >&2; die "initdb failed"; }
      rm -f "$pwfile"
    fi
    local logfile="$RUN_DIR/pg.log"
    touch "$logfile"
    [[ $EUID -eq 0 ]] && chown postgres: "$logfile"
    # Settings on the command line (not in postgresql.conf) so that SB_PG_PORT always applies.
    # unix_socket_directories='' : TCP only, no dependence on /var/run/postgresql or path length.
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$logfile" -w -t 60 -s start \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -c unix_socket_directories='' \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
          -c max_connections=200" \
      || { tail -n 30 "$logfile" >&2; die "PostgreSQL did not start (log: $logfile)"; }
    local i
    for i in $(seq 1 50); do pg_alive && break; sleep 0.1; done
    pg_alive || { tail -n 30 "$logfile" >&2; die "PostgreSQL does not answer on 127.0.0.1:$PG_PORT"; }
    log "postgres started on 127.0.0.1:$PG_PORT"
  fi
  # Role and database (idempotent).
  if [[ "$(psql_super -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]]; then
    psql_super -c "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD'"
  fi
  if [[ "$(psql_super -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]]; then
    psql_super -c "CREATE DATABASE $PG_DB OWNER $PG_USER ENCODING 'UTF8' TEMPLATE template0"
  fi
}

pg_stop() {
  PG_BIN="$(pg_bindir)" || { log "postgres not installed: nothing to stop"; return 0; }
  if [[ ! -f "$PG_DATA/postmaster.pid" ]]; then
    pg_alive && log "warning: something answers on 127.0.0.1:$PG_PORT but it is not $PG_DATA; left alone"
    log "postgres not running"
    return 0
  fi
  # -m fast: SIGINT to the postmaster: roll back open sessions and shut down cleanly. (-m smart,
  # i.e. SIGTERM, would wait forever for a test's leftover connection.) Fall back to immediate.
  if as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 20 -s stop 2>/dev/null \
     || as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 10 -s stop 2>/dev/null; then
    log "postgres stopped"
  elif pg_alive; then
    die "postgres did not stop (log: $RUN_DIR/pg.log)"
  else
    log "postgres not running"
  fi
}

redis_start() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found: run bash scripts/system-deps.sh"
  if redis_alive; then
    log "redis already running on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  mkdir -p "$REDIS_DIR"
  rm -f "$REDIS_PID"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --save '' --appendonly no --dir "$REDIS_DIR" \
    --pidfile "$REDIS_PID" --logfile "$REDIS_DIR/redis.log" >/dev/null
  local i
  for i in $(seq 1 100); do redis_alive && break; sleep 0.05; done
  redis_alive || { tail -n 20 "$REDIS_DIR/redis.log" >&2; die "Redis does not answer on 127.0.0.1:$REDIS_PORT"; }
  log "redis started on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  local pid=""
  [[ -s "$REDIS_PID" ]] && pid="$(cat "$REDIS_PID")"
  if [[ -z "$pid" ]]; then
    redis_alive && log "warning: something answers on 127.0.0.1:$REDIS_PORT without our pidfile; left alone"
    log "redis not running"
    return 0
  fi
  if redis_alive && kill -TERM "$pid" 2>/dev/null; then
    local i
    for i in $(seq 1 100); do redis_alive || break; sleep 0.05; done
    redis_alive && die "redis (pid $pid) did not stop"
    log "redis stopped"
  else
    log "redis not running"
  fi
  rm -f "$REDIS_PID"
}

status() {
  local which="$1" rc=0
  if [[ "$which" != redis ]]; then
    if PG_BIN="$(pg_bindir)" && pg_alive; then
      log "postgres up   127.0.0.1:$PG_PORT  ($PG_DATA)"
    else
      log "postgres down (127.0.0.1:$PG_PORT)"; rc=3
    fi
  fi
  if [[ "$which" != pg ]]; then
    if redis_alive; then
      log "redis    up   127.0.0.1:$REDIS_PORT  ($REDIS_DIR)"
    else
      log "redis    down (127.0.0.1:$REDIS_PORT)"; rc=3
    fi
  fi
  return $rc
}

cmd="${1-}"
which="${2-all}"
case "$which" in all|pg|redis) ;; *) die "unknown service '$which' (pg|redis)";; esac

case "$cmd" in
  start)
    if [[ "$which" != redis ]]; then pg_start; fi
    if [[ "$which" != pg ]]; then redis_start; fi
    ;;
  stop)
    # Redis first: it is quick, and a failed postgres stop should not keep Redis running.
    if [[ "$which" != pg ]]; then redis_stop; fi
    if [[ "$which" != redis ]]; then pg_stop; fi
    ;;
  status)
    status "$which"
    ;;
  reset)
    PG_BIN="$(pg_bindir)" || die "PostgreSQL server binaries not found"
    pg_alive || die "postgres is not running (bash scripts/services.sh start)"
    redis_alive || die "redis is not running (bash scripts/services.sh start)"
    psql_super -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
    psql_super -c "CREATE DATABASE $PG_DB OWNER $PG_USER ENCODING 'UTF8' TEMPLATE template0"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null
    log "reset: database $PG_DB recreated, redis flushed"
    ;;
  env)
    echo "export SB_TEST_POSTGRES_URL=$(pg_url)"
    echo "export SB_TEST_REDIS_URL=$(redis_url)"
    ;;
  *)
    echo "usage: $0 start|stop|status [pg|redis] | reset | env" >&2
    exit 2
    ;;
esac
exit 0
