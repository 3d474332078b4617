#!/usr/bin/env bash
# Local services for development, tests and the README's demo, on 127.0.0.1 only:
#   PostgreSQL 15, Azurite (blob, queue and table: the targets and the Durable Task Framework's
#   task hub) and an S3 server (@20minutes/s3rver). npm also installs the
#   server binaries of PostgreSQL 16, 17 and 18 (scripts/services/node_modules/pg1N/native/bin),
#   which the version-skew tests start on their own; `up` does not start them.
# Idempotent: `up` installs what is missing (apt, npm ci), starts what is not running, and
# leaves running services alone. Works as root on a fresh Debian machine.
#
#   scripts/services.sh up|down|status|env
#
# `env` prints `export` lines; `eval "$(scripts/services.sh env)"` sets them in a shell.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE="$ROOT/.services"
NODE_DIR="$ROOT/scripts/services"

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PG_PORT="${BF_PG_PORT:-55432}"
PG_PASSWORD="${BF_PG_PASSWORD:-postgres}"
AZURITE_PORT="${BF_AZURITE_PORT:-10000}"
AZURITE_QUEUE_PORT="${BF_AZURITE_QUEUE_PORT:-$((AZURITE_PORT + 1))}"
AZURITE_TABLE_PORT="${BF_AZURITE_TABLE_PORT:-$((AZURITE_PORT + 2))}"
S3_PORT="${BF_S3_PORT:-4569}"
# The well-known Azurite development account key: public, not a secret.
AZURITE_KEY='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

log() { printf '[services] %s\n' "$*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_port() { # port name seconds
  local i
  for ((i = 0; i < $3 * 10; i++)); do port_open "$1" && return 0; sleep 0.1; done
  log "$2 did not open port $1 within $3 s; see $STATE/logs"
  return 1
}

apt_install() {
  log "installing with apt: $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || true
  apt-get install -y -qq "$@" >/dev/null
}

ensure_packages() {
  local want=()
  [ -x "$PG_BIN/initdb" ] || want+=("postgresql-$PG_VERSION" "postgresql-client-$PG_VERSION")
  command -v node >/dev/null || want+=(nodejs)
  command -v npm >/dev/null || want+=(npm)
  # Debian's headless Chromium: the dashboard's browser tests drive it through Playwright (docs/dashboard.md).
  [ -x /usr/bin/chromium ] || want+=(chromium)
  if [ ${#want[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { log "missing ${want[*]}; run as root to install"; exit 1; }
    apt_install "${want[@]}"
  fi
  # Debian's package starts a cluster of its own on 5432; ours is separate and does not need it.
}

ensure_node_modules() {
  local stamp="$NODE_DIR/node_modules/.lock-hash" want
  want=$(sha256sum "$NODE_DIR/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "npm ci (azurite, s3rver, PostgreSQL 16-18 servers for the version tests)"
    (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" >"$stamp"
  fi
}

# The postgres user must be able to reach its data directory. A clone under a private home
# (e.g. /root) is not traversable, so the data then lives in /tmp and .services/pg links to it.
pg_dir() {
  mkdir -p "$STATE"
  if [ -L "$STATE/pg" ] || [ -d "$STATE/pg" ]; then echo "$STATE/pg"; return; fi
  mkdir -p "$STATE/pg"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$STATE/pg"; then
    rmdir "$STATE/pg"
    local alt="/tmp/backupfunctions-pg-$(echo "$ROOT" | sha256sum | cut -c1-12)"
    mkdir -p "$alt"
    ln -s "$alt" "$STATE/pg"
  fi
  echo "$STATE/pg"
}

pg_up() {
  local dir data sock
  dir=$(pg_dir); data="$dir/data"; sock="$dir/sock"
  mkdir -p "$sock"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$(readlink -f "$dir")"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initdb $data"
    local pw; pw=$(mktemp); echo "$PG_PASSWORD" >"$pw"
    [ "$(id -u)" = 0 ] && chown postgres "$pw"
    as_postgres "$PG_BIN/initdb" -D "$data" -U postgres --pwfile="$pw" -A scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 || { cat "$STATE/initdb.log" >&2; exit 1; }
    rm -f "$pw"
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
max_connections = 300
shared_buffers = 256MB
max_wal_size = 4GB
EOF
  fi
  if as_postgres "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then return; fi
  log "starting PostgreSQL $PG_VERSION on 127.0.0.1:$PG_PORT"
  # The port on the command line wins over the one written at initdb: BF_PG_PORT may change later.
  as_postgres "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -o "-p $PG_PORT" -w -t 60 start >/dev/null
}

pg_down() {
  local data="$STATE/pg/data"
  [ -f "$data/PG_VERSION" ] || return 0
  as_postgres "$PG_BIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

start_bg() { # name port command...
  local name=$1 port=$2; shift 2
  if port_open "$port"; then return; fi
  mkdir -p "$STATE/logs"
  log "starting $name on 127.0.0.1:$port"
  setsid nohup "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/$name.pid"
  wait_port "$port" "$name" 60
}

stop_bg() {
  local pidf="$STATE/$1.pid"
  [ -f "$pidf" ] || return 0
  kill -- "-$(cat "$pidf")" 2>/dev/null || kill "$(cat "$pidf")" 2>/dev/null || true
  rm -f "$pidf"
}

azurite_up() {
  mkdir -p "$STATE/azurite"
  # All three services: the task hub needs queues (work items) and tables (history, instances) beside blobs.
  start_bg azurite "$AZURITE_PORT" "$NODE_DIR/node_modules/.bin/azurite" \
    --blobHost 127.0.0.1 --blobPort "$AZURITE_PORT" \
    --queueHost 127.0.0.1 --queuePort "$AZURITE_QUEUE_PORT" \
    --tableHost 127.0.0.1 --tablePort "$AZURITE_TABLE_PORT" \
    --location "$STATE/azurite" \
    --skipApiVersionCheck --disableTelemetry --silent --loose
  wait_port "$AZURITE_QUEUE_PORT" azurite-queue 30
  wait_port "$AZURITE_TABLE_PORT" azurite-table 30
}

s3_up() {
  mkdir -p "$STATE/s3"
  start_bg s3rver "$S3_PORT" node --openssl-legacy-provider "$NODE_DIR/s3rver-launch.js" "$STATE/s3" "$S3_PORT"
}

print_env() {
  cat <<EOF
export BF_PG_HOST=127.0.0.1
export BF_PG_PORT=$PG_PORT
export BF_PG_USER=postgres
export BF_PG_PASSWORD=$PG_PASSWORD
export BF_PG_BIN=$PG_BIN
export BF_PG_CONNECTION='Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=$PG_PASSWORD'
export BF_AZURITE_CONNECTION_STRING='DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$AZURITE_KEY;BlobEndpoint=http://127.0.0.1:$AZURITE_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1;'
export BF_S3_SERVICE_URL=http://127.0.0.1:$S3_PORT
export BF_S3_ACCESS_KEY=S3RVER
export BF_S3_SECRET_KEY=S3RVER
export BF_S3_REGION=us-east-1
EOF
}

status() {
  local rc=0
  if [ -f "$STATE/pg/data/PG_VERSION" ] && as_postgres "$PG_BIN/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then
    echo "postgresql  up    127.0.0.1:$PG_PORT"; else echo "postgresql  down"; rc=1; fi
  if port_open "$AZURITE_PORT" && port_open "$AZURITE_QUEUE_PORT" && port_open "$AZURITE_TABLE_PORT"; then
    echo "azurite     up    127.0.0.1:$AZURITE_PORT (blob), $AZURITE_QUEUE_PORT (queue), $AZURITE_TABLE_PORT (table)"
  else echo "azurite     down (or only part of it)"; rc=1; fi
  if port_open "$S3_PORT"; then echo "s3rver      up    127.0.0.1:$S3_PORT"; else echo "s3rver      down"; rc=1; fi
  return $rc
}

case "${1:-}" in
  up)
    ensure_packages
    ensure_node_modules
    pg_up
    azurite_up
    s3_up
    status >&2
    print_env
    ;;
  down)
    stop_bg s3rver
    stop_bg azurite
    pg_down
    log "stopped"
    ;;
  status) status ;;
  env) print_env ;;
  *)
    echo "usage: $0 up|down|status|env" >&2
    exit 2
    ;;
esac
