#!/usr/bin/env bash
# Throwaway PostgreSQL and Redis for the tests, local to this checkout.
#
#   bash scripts/services.sh start  [pg|redis]   start (idempotent: already running is fine)
#   bash scripts/services.sh stop   [pg|redis]   stop by pg_ctl / pidfile with a signal (safe twice)
#   bash scripts/services.sh status [pg|redis]   exit 0 if all asked-for services answer
#   bash scripts/services.sh env                 print export lines (eval "$(bash scripts/services.sh env)")
#   bash scripts/services.sh reset               empty both: recreate the test database, FLUSHALL Redis
#
#   bash scripts/services.sh ports               print "PG_PORT REDIS_PORT" (no service needed)
#
# The servers belong to this checkout. Their ports default to a pair derived from the checkout's
# path (a CRC32 of $ROOT: PostgreSQL 54340-54939, Redis 63810-64409, the same offset for both),
# so two checkouts on one machine do not share, reset or flush each other's servers. Who owns a
# server is checked on the server itself: PostgreSQL's `SHOW data_directory` must be this
# checkout's $PG_DATA, Redis's `CONFIG GET dir` this checkout's $REDIS_DIR. `start` fails (and
# says whose it is) when the port is taken by another server, instead of reusing it; `reset` and
# `stop` never touch a server that is not this checkout's. The owner (the checkout path) is also
# written to $PG_DATA/secure-base.owner, $REDIS_DIR/secure-base.owner and .run/services.owner.
#
# PostgreSQL: 127.0.0.1:$PG_PORT (TCP only, no Unix socket), data in .run/pg owned by postgres,
#             fsync/synchronous_commit off; database secure_base_test owned by role secure_base
#             (password secure_base, scram-sha-256 on 127.0.0.1). Nothing here is secret: the
#             cluster only holds test data and listens on loopback.
# Redis:      127.0.0.1:$REDIS_PORT, no persistence, files in .run/redis.
# Override with SB_PG_PORT, SB_REDIS_PORT, SB_RUN_DIR (bench/ does: its own ports and .run/bench).
#
# Liveness is checked with pg_isready / redis-cli ping, never pgrep: stopped daemons can linger as
# <defunct> on these machines.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${SB_RUN_DIR:-$ROOT/.run}"
# Per-checkout default ports: cksum (POSIX CRC32) is stable across machines and shells.
PORT_OFFSET=$(( $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 600 ))
PG_PORT="${SB_PG_PORT:-$((54340 + PORT_OFFSET))}"
REDIS_PORT="${SB_REDIS_PORT:-$((63810 + PORT_OFFSET))}"
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

# ---- who owns a server --------------------------------------------------------------------------
OWNER_FILE=secure-base.owner   # in each data directory: the checkout path, first line

real() { realpath -m -- "$1"; }
# Something (anything) accepts TCP connections on 127.0.0.1:PORT.
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

owner_of() {  # owner_of DIR: "checkout PATH" from the owner marker in DIR, or "another checkout"
  local f="$1/$OWNER_FILE" who=""
  [[ -r "$f" ]] && who="$(head -n 1 "$f" 2>/dev/null)"
  if [[ -n "$who" ]]; then echo "checkout $who"; else echo "another checkout"; fi
}

write_owner() {  # the markers: $PG_DATA / $REDIS_DIR /secure-base.owner and $RUN_DIR/services.owner
  printf '%s\n' "$ROOT" >"$1/$OWNER_FILE"
  printf 'checkout %s\npostgres 127.0.0.1:%s %s\nredis 127.0.0.1:%s %s\n' \
    "$ROOT" "$PG_PORT" "$PG_DATA" "$REDIS_PORT" "$REDIS_DIR" >"$RUN_DIR/services.owner"
}

# Is the PostgreSQL answering on $PG_PORT this checkout's own? Its data_directory says. If not,
# PG_OTHER describes whose it is.
PG_OTHER=""
pg_owned() {
  local dir
  if ! dir="$(psql_super -tAc 'SHOW data_directory' 2>/dev/null)" || [[ -z "$dir" ]]; then
    PG_OTHER="a PostgreSQL that is not this checkout's (it refuses this checkout's superuser login)"
    return 1
  fi
  [[ "$(real "$dir")" == "$(real "$PG_DATA")" ]] && return 0
  PG_OTHER="the PostgreSQL of $(owner_of "$dir") (data directory $dir)"
  return 1
}

# Is the Redis answering on $REDIS_PORT this checkout's own? Its working directory (CONFIG GET dir)
# says. If not, REDIS_OTHER describes whose it is.
REDIS_OTHER=""
redis_owned() {
  local dir
  dir="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config get dir 2>/dev/null | sed -n 2p)"
  if [[ -z "$dir" ]]; then
    REDIS_OTHER="a Redis that is not this checkout's (it refuses CONFIG GET dir)"
    return 1
  fi
  [[ "$(real "$dir")" == "$(real "$REDIS_DIR")" ]] && return 0
  REDIS_OTHER="the Redis of $(owner_of "$dir") (dir $dir)"
  return 1
}

# Is PID a live redis-server working in this checkout's $REDIS_DIR? (A zombie has no cwd: no.)
redis_pid_ours() {
  [[ -n "$1" && "$(cat "/proc/$1/comm" 2>/dev/null)" == redis-server* \
     && "$(readlink "/proc/$1/cwd" 2>/dev/null)" == "$(real "$REDIS_DIR")" ]]
}

# This checkout's own cluster is running (on whatever port): pg_ctl asks its postmaster.pid.
pg_running_here() {
  [[ -f "$PG_DATA/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

taken() {  # taken WHAT PORT OTHER VAR: the message for a port that another server holds
  echo "$1 port $2 is taken by $3, not this checkout's: not reusing it (stop that one, or set $4 to a free port)"
}

pg_url() { echo "postgresql+psycopg://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB"; }
redis_url() { echo "redis://127.0.0.1:$REDIS_PORT/0"; }

psql_super() {
  PGPASSWORD="$PG_SUPERPASS" PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_start() {
  PG_BIN="$(pg_bindir)" || die "PostgreSQL server binaries not found: run bash scripts/system-deps.sh"
  if pg_alive; then
    pg_owned || die "$(taken postgres "$PG_PORT" "$PG_OTHER" SB_PG_PORT)"
    log "postgres already running on 127.0.0.1:$PG_PORT"
  else
    if port_busy "$PG_PORT"; then
      die "postgres port $PG_PORT is in use by something that is not PostgreSQL: set SB_PG_PORT to a free port"
    fi
    if pg_running_here; then
      die "this checkout's postgres ($PG_DATA) is already running on port $(sed -n 4p "$PG_DATA/postmaster.pid"), not $PG_PORT: bash scripts/services.sh stop pg, then start again"
    fi
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
  write_owner "$PG_DATA"
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
  if pg_alive && ! pg_owned; then
    log "warning: port $PG_PORT is $PG_OTHER, not this checkout's: left alone"
  fi
  if [[ ! -f "$PG_DATA/postmaster.pid" ]]; then
    log "postgres not running"
    return 0
  fi
  # pg_ctl -D stops the postmaster of this checkout's own data directory only, whatever its port.
  # -m fast: SIGINT to the postmaster: roll back open sessions and shut down cleanly. (-m smart,
  # i.e. SIGTERM, would wait forever for a test's leftover connection.) Fall back to immediate.
  if as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 20 -s stop 2>/dev/null \
     || as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 10 -s stop 2>/dev/null; then
    log "postgres stopped"
  elif pg_running_here; then
    die "postgres did not stop (log: $RUN_DIR/pg.log)"
  else
    log "postgres not running"
  fi
}

redis_start() {
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found: run bash scripts/system-deps.sh"
  if redis_alive; then
    redis_owned || die "$(taken redis "$REDIS_PORT" "$REDIS_OTHER" SB_REDIS_PORT)"
    log "redis already running on 127.0.0.1:$REDIS_PORT"
    write_owner "$REDIS_DIR"
    return 0
  fi
  if port_busy "$REDIS_PORT"; then
    die "redis port $REDIS_PORT is in use by something that is not Redis: set SB_REDIS_PORT to a free port"
  fi
  if [[ -s "$REDIS_PID" ]] && redis_pid_ours "$(cat "$REDIS_PID")"; then
    die "this checkout's redis (pid $(cat "$REDIS_PID")) is already running on another port, not $REDIS_PORT: bash scripts/services.sh stop redis, then start again"
  fi
  mkdir -p "$REDIS_DIR"
  rm -f "$REDIS_PID"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --save '' --appendonly no --dir "$REDIS_DIR" \
    --pidfile "$REDIS_PID" --logfile "$REDIS_DIR/redis.log" >/dev/null
  local i
  for i in $(seq 1 100); do redis_alive && break; sleep 0.05; done
  redis_alive || { tail -n 20 "$REDIS_DIR/redis.log" >&2; die "Redis does not answer on 127.0.0.1:$REDIS_PORT"; }
  write_owner "$REDIS_DIR"
  log "redis started on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  local pid=""
  [[ -s "$REDIS_PID" ]] && pid="$(cat "$REDIS_PID")"
  if redis_alive && ! redis_owned; then
    log "warning: port $REDIS_PORT is $REDIS_OTHER, not this checkout's: left alone"
  fi
  # Only a pid that is a redis-server working in this checkout's $REDIS_DIR is signalled: a stale
  # pidfile's pid may belong to anything by now.
  if ! redis_pid_ours "$pid"; then
    log "redis not running"
    rm -f "$REDIS_PID"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for i in $(seq 1 100); do redis_pid_ours "$pid" || break; sleep 0.05; done
  redis_pid_ours "$pid" && die "redis (pid $pid) did not stop"
  log "redis stopped"
  rm -f "$REDIS_PID"
}

status() {
  local which="$1" rc=0
  if [[ "$which" != redis ]]; then
    if PG_BIN="$(pg_bindir)" && pg_alive; then
      if pg_owned; then
        log "postgres up   127.0.0.1:$PG_PORT  ($PG_DATA)"
      else
        log "postgres down (127.0.0.1:$PG_PORT is taken by $PG_OTHER)"; rc=3
      fi
    else
      log "postgres down (127.0.0.1:$PG_PORT)"; rc=3
    fi
  fi
  if [[ "$which" != pg ]]; then
    if redis_alive; then
      if redis_owned; then
        log "redis    up   127.0.0.1:$REDIS_PORT  ($REDIS_DIR)"
      else
        log "redis    down (127.0.0.1:$REDIS_PORT is taken by $REDIS_OTHER)"; rc=3
      fi
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
    pg_owned || die "refusing to reset: postgres port $PG_PORT is $PG_OTHER, not this checkout's ($PG_DATA)"
    redis_owned || die "refusing to reset: redis port $REDIS_PORT is $REDIS_OTHER, not this checkout's ($REDIS_DIR)"
    psql_super -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)"
    psql_super -c "CREATE DATABASE $PG_DB OWNER $PG_USER ENCODING 'UTF8' TEMPLATE template0"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null
    log "reset: database $PG_DB recreated, redis flushed"
    ;;
  env)
    echo "export SB_TEST_POSTGRES_URL=$(pg_url)"
    echo "export SB_TEST_REDIS_URL=$(redis_url)"
    ;;
  ports)
    echo "$PG_PORT $REDIS_PORT"
    ;;
  *)
    echo "usage: $0 start|stop|status [pg|redis] | reset | env | ports" >&2
    exit 2
    ;;
esac
exit 0
