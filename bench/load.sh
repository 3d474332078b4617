#!/usr/bin/env bash
# Load runs against the self-hosted API (not CI): three phases (tick and burst by bench/load.py, reads by
# bench/BackupFunctions.Load.Bench) against TWO Release host processes
# on 127.0.0.1 that share one task hub and one control database, over TWO PostgreSQL servers (the sources on
# scripts/services.sh's server; the control database, with the catalog and the admission slots, on a second server
# this script starts with initdb on a port of its own):
#   one schedule tick of the full backup over 20 databases (both hosts run the timers: whichever claims a unit
#   starts it, and either host's workers run its activities), 200 concurrent POST /api/backups for one database
#   spread over both hosts (the per-database admission limit admits Admission:MaxRunsPerDatabase, 2, and answers
#   429 + Retry-After to the rest), and 1,000 reads/s of list + status for 60 s spread over both hosts.
#
#   bench/load.sh [--only reads] [--host-dll PATH --backupctl-dll PATH] [--burst N] [--qps Q] [--seconds S]
#                 [--connections C] [--rows R]
#
#   --only reads  skip the tick and the burst: start one backup, wait for it to end, then run only the reads phase
#                 (about 2 minutes with the build; what the 1,000 reads/s line of docs/reliability.md is measured with).
#   --host-dll/--backupctl-dll  use built binaries (e.g. a test project's bin/) instead of building Release ones.
#   --qps Q --seconds S --connections C  the reads phase: Q requests/s (default 1000) for S s (default 60) after a
#                 5 s warm-up, on at most C kept-alive connections in all (default 64), by bench/BackupFunctions.Load.Bench
#                 (bf-load-reads: open loop, .NET HttpClient), alternating GET /api/backups?limit=20 (a catalog query
#                 in the control database) and GET /runtime/webhooks/durabletask/instances/{id} (a status read from
#                 the task hub in Azurite) over both hosts; it prints answers/s, codes, errors, p50/p95/p99/max and the
#                 CPU each server process used per answer.
#   --rows R   rows per database (default 20000: ~2 MB each, so the fan-out measures the orchestration, not pg_dump).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
HOST_DLL= ; CTL_DLL= ; PYARGS=() ; ROWS=20000 ; ONLY= ; QPS=1000 ; SECONDS_=60 ; CONNECTIONS=64
while [ $# -gt 0 ]; do
  case "$1" in
    --host-dll) HOST_DLL=$2; shift 2 ;;
    --backupctl-dll) CTL_DLL=$2; shift 2 ;;
    --burst) PYARGS+=("$1" "$2"); shift 2 ;;
    --qps) QPS=$2; shift 2 ;;
    --seconds) SECONDS_=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --only) [ "$2" = reads ] || { echo "--only takes 'reads'" >&2; exit 2; }; ONLY=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    *) echo "usage: bench/load.sh [--only reads] [--host-dll PATH --backupctl-dll PATH] [--burst N] [--qps Q] [--seconds S] [--connections C] [--rows R]" >&2; exit 2 ;;
  esac
done

services_env=$(scripts/services.sh up) || exit 1
eval "$services_env"
L="$ROOT/.services/load"; W="$L/work"; rm -rf "$W"; mkdir -p "$W"
STAMP=$(date -u +%Y%m%dT%H%M%SZ); OUT="$L/$STAMP.log"
if [ -z "$HOST_DLL" ]; then
  dotnet build src/BackupFunctions.Host -c Release -o "$L/host" --nologo -v q -clp:ErrorsOnly >/dev/null
  dotnet build src/BackupFunctions.Cli -c Release -o "$L/cli" --nologo -v q -clp:ErrorsOnly >/dev/null
  HOST_DLL="$L/host/BackupFunctions.Host.dll"; CTL_DLL="$L/cli/backupctl.dll"
fi
dotnet build bench/BackupFunctions.Load.Bench -c Release -o "$L/reads-client" --nologo -v q -clp:ErrorsOnly >/dev/null

export PGPASSWORD="$BF_PG_PASSWORD" PGOPTIONS="-c client_min_messages=warning"
PSQL=(psql -h 127.0.0.1 -p "$BF_PG_PORT" -U postgres -v ON_ERROR_STOP=1 -q -X)
# The second PostgreSQL server, for the control database: a throwaway cluster of the same version. PostgreSQL will not
# run as root, so as root it runs as the postgres user, in a directory under /tmp that user can reach.
PG2_PORT=${BF_LOAD_PG2_PORT:-$((BF_PG_PORT + 11))}
PG2=$(mktemp -d /tmp/bf-load-pg2-XXXXXX)
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
printf '%s\n' "$BF_PG_PASSWORD" >"$PG2/pw"
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$PG2"
as_postgres "$BF_PG_BIN/initdb" -D "$PG2/data" -U postgres --pwfile="$PG2/pw" --auth-host=scram-sha-256 --auth-local=trust >/dev/null
rm -f "$PG2/pw"
as_postgres "$BF_PG_BIN/pg_ctl" -D "$PG2/data" -l "$PG2/server.log" -w \
  -o "-p $PG2_PORT -c listen_addresses=127.0.0.1 -k $PG2 -c max_connections=300" start >/dev/null
trap 'as_postgres "$BF_PG_BIN/pg_ctl" -D "$PG2/data" -m fast -w stop >/dev/null 2>&1; rm -rf "$PG2"' EXIT
PSQL2=(psql -h 127.0.0.1 -p "$PG2_PORT" -U postgres -v ON_ERROR_STOP=1 -q -X)
"${PSQL2[@]}" -d postgres -c "CREATE DATABASE load_control"
DBS=(load_burst); [ -n "$ONLY" ] || for i in $(seq -w 1 20); do DBS+=("load_$i"); done
for db in "${DBS[@]}"; do
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
done
for db in "${DBS[@]}"; do
  "${PSQL[@]}" -d "$db" -c "CREATE TABLE items (id int PRIMARY KEY, name text, at timestamptz DEFAULT now()); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, $ROWS) g;"
done

KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+='); ADMIN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
HUB="load$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PORT=${BF_LOAD_HOST_PORT:-7297}; PORT2=$((PORT + 1))
CONN="Host=127.0.0.1;Port=$BF_PG_PORT;Username=postgres;Password=$BF_PG_PASSWORD"
CONN2="Host=127.0.0.1;Port=$PG2_PORT;Username=postgres;Password=$BF_PG_PASSWORD"
# The schedule covers the 20 databases; load_burst (the connection string's own) is for the manual burst only.
DBLIST=$(printf '"%s",' "${DBS[@]:1}"); DBLIST="[${DBLIST%,}]"; [ -z "$ONLY" ] || DBLIST='["load_burst"]'
# One due time of the full-backup schedule, far enough ahead for both hosts to be up (a first-ever due time missed
# while no host ran is not made up); every other schedule is off.
DUE_EPOCH=$(( $(date +%s) + ${BF_LOAD_TICK_AFTER:-150} ))
TICK_DUE=$(date -u -d "@$DUE_EPOCH" +%Y%m%dT%H%M%SZ)
TICK_CRON="$(date -u -d "@$DUE_EPOCH" '+%-S %-M %-H') * * *"
SCHEDULES='"FullBackup": { "Cron": "'"$TICK_CRON"'", "RunMissedOnStartup": false }'
[ -z "$ONLY" ] || SCHEDULES='"FullBackup": { "Enabled": false }'
for s in TenantBackup FilesBackup IntegrityCheck Retention TestRestore BaseBackup WalArchivingCheck; do SCHEDULES+=', "'$s'": { "Enabled": false }'; done
cat >"$W/backupfunctions.json" <<JSON
{ "BackupFunctions": {
    "Source": { "ConnectionString": "$CONN;Database=load_burst", "Databases": $DBLIST },
    "Keys": { "KeyFile": "$W/kek.json", "FunctionKeys": ["$KEY"], "AdminKeys": ["$ADMIN"] },
    "StagingDirectory": "$W/staging",
    "Control": { "ConnectionString": "$CONN2;Database=load_control;Maximum Pool Size=100" },
    "TaskHub": { "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "HubName": "$HUB" },
    "Host": { "Urls": "http://127.0.0.1:$PORT", "RunTimers": true },
    "Schedules": { $SCHEDULES },
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

# Two host processes, same settings but the port, each with its own staging directory (as on two machines).
BACKUPFUNCTIONS_CONFIG="$W/backupfunctions.json" dotnet "$HOST_DLL" >"$W/host1.log" 2>&1 &
HOST_PID=$!
BACKUPFUNCTIONS_CONFIG="$W/backupfunctions.json" BackupFunctions__Host__Urls="http://127.0.0.1:$PORT2" \
  BackupFunctions__StagingDirectory="$W/staging2" dotnet "$HOST_DLL" >"$W/host2.log" 2>&1 &
HOST2_PID=$!
cleanup() {
  kill "$HOST_PID" "$HOST2_PID" 2>/dev/null || true; wait "$HOST_PID" "$HOST2_PID" 2>/dev/null || true
  for db in "${DBS[@]}"; do "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true; done
  as_postgres "$BF_PG_BIN/pg_ctl" -D "$PG2/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG2"
}
trap cleanup EXIT
for p in "$PORT" "$PORT2"; do
  for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$p/healthz/ready" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fs "http://127.0.0.1:$p/healthz/ready" >/dev/null || { tail -30 "$W"/host*.log >&2; exit 1; }
done
[ -n "$ONLY" ] || [ "$(date +%s)" -lt "$DUE_EPOCH" ] || { echo "the hosts were ready after the tick's due time; raise BF_LOAD_TICK_AFTER" >&2; exit 1; }

# The reads phase: bf-load-reads against both hosts, polling the instance $1 and listing the catalog.
reads() {
  local inst path
  inst=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1")
  path="/runtime/webhooks/durabletask/instances/$inst"
  echo "reads: status of instance $1 ($(curl -s -o /dev/null -w '%{http_code}' -H "x-functions-key: $KEY" "http://127.0.0.1:$PORT$path"))" \
    "and the catalog's newest 20 of $("${PSQL2[@]}" -d load_control -tAc 'SELECT count(*) FROM bf_catalog.backups') backups"
  LOAD_KEY=$KEY dotnet "$L/reads-client/bf-load-reads.dll" --hosts "http://127.0.0.1:$PORT,http://127.0.0.1:$PORT2" \
    --path "/api/backups?limit=20" --path "$path" --rate "$QPS" --seconds "$SECONDS_" --warmup 5 --connections "$CONNECTIONS" \
    --cpu "host1=$HOST_PID" --cpu "host2=$HOST2_PID" --cpu "azurite=$(cat "$ROOT/.services/azurite.pid")" \
    --cpu "control-postgres=$(head -1 "$PG2/data/postmaster.pid")"
}

{
  echo "# bench/load.sh${ONLY:+ --only $ONLY} $(date -u '+%Y-%m-%d %H:%M UTC'), $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src bench || echo '+uncommitted'), 2 hosts $HOST_DLL, sources on :$BF_PG_PORT, control on :$PG2_PORT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $ROWS rows per database"
  if [ -n "$ONLY" ]; then
    # One backup to poll and to list: started, then followed to its end (bounded: 300 s).
    ID=$(curl -fsS -X POST -H "x-functions-key: $KEY" -H 'Content-Type: application/json' \
      -d '{"kind":"full","database":"load_burst"}' "http://127.0.0.1:$PORT/api/backups" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])')
    for _ in $(seq 1 300); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' -H "x-functions-key: $KEY" "http://127.0.0.1:$PORT/runtime/webhooks/durabletask/instances/$ID")" = 200 ] && break
      sleep 1
    done
    reads "$ID"
  else
    LOAD_KEY=$KEY LOAD_ADMIN_KEY=$ADMIN LOAD_STATUS_FILE="$W/status-instance" python3 bench/load.py \
      "http://127.0.0.1:$PORT,http://127.0.0.1:$PORT2" "$HOST_PID,$HOST2_PID" \
      load_burst "$(IFS=,; echo "${DBS[*]:1}")" "$TICK_DUE" --seconds 0 "${PYARGS[@]}"
    reads "$(cat "$W/status-instance")"
    # Which host started which unit of the tick (event 1402), and how the activities split between the two.
    for n in 1 2; do
      echo "host$n: started $(grep -c '\[1402\]' "$W/host$n.log" || true) scheduled unit(s); admission refusals logged $(grep -c '\[1202\]' "$W/host$n.log" || true)"
    done
  fi
} 2>&1 | tee "$OUT"
