#!/usr/bin/env bash
# Load runs against the self-hosted API (not CI): bench/load.py's three phases against one host on 127.0.0.1:
#   200 concurrent POST /api/backups for one database, ~1,000 reads/s of list + status for 60 s, and 21 databases
#   (one burst database + 20) backed up at once through the same host, on scripts/services.sh's PostgreSQL.
#
#   bench/load.sh [--host-dll PATH --backupctl-dll PATH] [--burst N] [--qps Q] [--seconds S] [--rows R]
#
#   --host-dll/--backupctl-dll  use built binaries (e.g. a test project's bin/) instead of building Release ones.
#   --rows R   rows per database (default 20000: ~2 MB each, so the fan-out measures the orchestration, not pg_dump).
# Output (latency p50/p95/p99, codes, errors, throughput, host RSS) goes to stdout and .services/load/<stamp>.log.
# The databases load_* are dropped at the end; the task hub and the S3 prefix / Azure container load-<hub> stay in the
# emulators (scripts/services.sh down removes their data).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
HOST_DLL= ; CTL_DLL= ; PYARGS=() ; ROWS=20000
while [ $# -gt 0 ]; do
  case "$1" in
    --host-dll) HOST_DLL=$2; shift 2 ;;
    --backupctl-dll) CTL_DLL=$2; shift 2 ;;
    --burst|--qps|--seconds) PYARGS+=("$1" "$2"); shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    *) echo "usage: bench/load.sh [--host-dll PATH --backupctl-dll PATH] [--burst N] [--qps Q] [--seconds S] [--rows R]" >&2; exit 2 ;;
  esac
done

eval "$(scripts/services.sh up)"
L="$ROOT/.services/load"; W="$L/work"; rm -rf "$W"; mkdir -p "$W"
STAMP=$(date -u +%Y%m%dT%H%M%SZ); OUT="$L/$STAMP.log"
if [ -z "$HOST_DLL" ]; then
  dotnet build src/BackupFunctions.Host -c Release -o "$L/host" --nologo -v q -clp:ErrorsOnly >/dev/null
  dotnet build src/BackupFunctions.Cli -c Release -o "$L/cli" --nologo -v q -clp:ErrorsOnly >/dev/null
  HOST_DLL="$L/host/BackupFunctions.Host.dll"; CTL_DLL="$L/cli/backupctl.dll"
fi

export PGPASSWORD="$BF_PG_PASSWORD"
PSQL=(psql -h 127.0.0.1 -p "$BF_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q -X)
DBS=(load_burst); for i in $(seq -w 1 20); do DBS+=("load_$i"); done
for db in "${DBS[@]}" load_control; do
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
for db in "${DBS[@]}"; do
  "${PSQL[@]}" -d "$db" -c "CREATE TABLE items (id int PRIMARY KEY, name text, at timestamptz DEFAULT now()); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, $ROWS) g;"
done

KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+='); ADMIN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
HUB="load$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PORT=${BF_LOAD_HOST_PORT:-7297}
CONN="Host=127.0.0.1;Port=$BF_PG_PORT;Username=postgres;Password=$BF_PG_PASSWORD"
DBLIST=$(printf '"%s",' "${DBS[@]}"); DBLIST="[${DBLIST%,}]"
cat >"$W/backupfunctions.json" <<JSON
{ "BackupFunctions": {
    "Source": { "ConnectionString": "$CONN;Database=load_burst", "Databases": $DBLIST },
    "Keys": { "KeyFile": "$W/kek.json", "FunctionKeys": ["$KEY"], "AdminKeys": ["$ADMIN"] },
    "StagingDirectory": "$W/staging",
    "Control": { "ConnectionString": "$CONN;Database=load_control" },
    "TaskHub": { "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "HubName": "$HUB" },
    "Host": { "Urls": "http://127.0.0.1:$PORT", "RunTimers": false },
    "Targets": [
      { "Name": "local", "Type": "filesystem", "Path": "$W/local" },
      { "Name": "s3", "Type": "s3", "ServiceUrl": "$BF_S3_SERVICE_URL", "Region": "$BF_S3_REGION", "Bucket": "backups", "Prefix": "load-$HUB",
        "AccessKey": "$BF_S3_ACCESS_KEY", "SecretKey": "$BF_S3_SECRET_KEY", "ForcePathStyle": true },
      { "Name": "azure", "Type": "azureblob", "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "Container": "load-$HUB" } ] } }
JSON
chmod 600 "$W/backupfunctions.json"
ctl() { BACKUPFUNCTIONS_CONFIG="$W/backupfunctions.json" dotnet "$CTL_DLL" "$@"; }
ctl keys new --id load-key --out "$W/kek.json" >/dev/null
ctl targets init >/dev/null

BACKUPFUNCTIONS_CONFIG="$W/backupfunctions.json" dotnet "$HOST_DLL" >"$W/host.log" 2>&1 &
HOST_PID=$!
cleanup() {
  kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true
  for db in "${DBS[@]}" load_control; do "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
}
trap cleanup EXIT
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$PORT/healthz/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "http://127.0.0.1:$PORT/healthz/ready" >/dev/null || { tail -30 "$W/host.log" >&2; exit 1; }

{
  echo "# bench/load.sh $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD), host $HOST_DLL, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $ROWS rows per database"
  LOAD_KEY=$KEY LOAD_ADMIN_KEY=$ADMIN python3 bench/load.py "http://127.0.0.1:$PORT" "$HOST_PID" load_burst "$(IFS=,; echo "${DBS[*]:1}")" "${PYARGS[@]}"
} 2>&1 | tee "$OUT"
