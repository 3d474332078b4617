#!/usr/bin/env bash
# RPO of continuous WAL archiving under a steady write load (issue 15), not in CI.
#
# Starts a throwaway PostgreSQL 15 cluster whose archive_command is `backupctl wal push` (Release
# build) to a local directory target, with archive_timeout=60 (the setting docs/pitr.md
# recommends), writes one small row every 200 ms for --minutes, and samples pg_stat_archiver every
# 2 s. At each sample the WAL at risk is everything written after the end of the last archived
# segment, so the RPO at that instant is at most  now - last_archived_time + the push time of that
# segment  (the segment was finished before its push started). Prints the push times (from the
# cluster's log: backupctl -v prints each one), the max and p50 of the sampled RPO, and the count
# of archived segments and failures.
#
#   bench/pitr-rpo.sh [--minutes 5] [--port 56065]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MINUTES=5
PORT=${BF_PITR_BENCH_PORT:-56065}
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "usage: bench/pitr-rpo.sh [--minutes 5] [--port 56065]" >&2; exit 2 ;;
  esac
done

scripts/ensure-dotnet.sh
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 is not installed: run scripts/services.sh up first" >&2; exit 1; }
dotnet build src/BackupFunctions.Cli -c Release -v q -clp:ErrorsOnly --nologo
CLI="$ROOT/src/BackupFunctions.Cli/bin/Release/net10.0/backupctl.dll"

WORK=$(mktemp -d /tmp/bf-pitr-rpo-XXXXXX)
AS_PG=()
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); fi
cleanup() {
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet "$CLI" keys new --id rpo-key --out "$WORK/kek.json" >/dev/null
cat > "$WORK/config.json" <<EOF
{ "BackupFunctions": {
    "Source": { "ConnectionString": "Host=127.0.0.1;Port=$PORT;Username=postgres;Password=postgres;Database=postgres" },
    "Keys": { "KeyFile": "$WORK/kek.json" },
    "Targets": [ { "Name": "local", "Type": "filesystem", "Path": "$WORK/archive" } ],
    "Pitr": { "Cluster": "rpo" } } }
EOF
[ "$(id -u)" = 0 ] && chown -R postgres:postgres "$WORK"

"${AS_PG[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust --no-sync >/dev/null
cat >> "$WORK/data/postgresql.auto.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$WORK'
archive_mode = on
archive_timeout = 60
archive_command = 'dotnet $CLI wal push -v --config $WORK/config.json %p'
EOF
"${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w start >/dev/null
PSQL=("$PGBIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAt)
"${PSQL[@]}" -c "CREATE TABLE load (id bigserial PRIMARY KEY, at timestamptz DEFAULT clock_timestamp(), pad text)"

END=$(( $(date +%s) + MINUTES * 60 ))
( while [ "$(date +%s)" -lt "$END" ]; do
    "${PSQL[@]}" -c "INSERT INTO load (pad) VALUES (repeat('x', 200))" >/dev/null; sleep 0.2
  done ) &
LOADER=$!

: > "$WORK/samples"
while [ "$(date +%s)" -lt "$END" ]; do
  "${PSQL[@]}" -c "SELECT coalesce(extract(epoch FROM now() - last_archived_time), -1), archived_count, failed_count FROM pg_stat_archiver" >> "$WORK/samples"
  sleep 2
done
wait "$LOADER" || true

# backupctl -v: "…: durable on 1 target(s) (local Stored) in 812 ms"
grep -o 'durable on [0-9]* target(s) ([^)]*) in [0-9]* ms' "$WORK/server.log" | awk '{print $(NF-1)}' > "$WORK/push_ms" || true
python3 - "$WORK/samples" "$WORK/push_ms" "$MINUTES" <<'PY'
import sys, statistics
samples = [l.strip().split('|') for l in open(sys.argv[1]) if l.strip()]
push = [int(x) for x in open(sys.argv[2]) if x.strip()]
ages = [float(a) for a, _, _ in samples if float(a) >= 0]
worst_push = max(push) / 1000 if push else 0.0
archived, failed = samples[-1][1], samples[-1][2]
print(f"load: one row every 200 ms for {sys.argv[3]} min, archive_timeout=60")
print(f"segments archived: {archived}, failed pushes: {failed}")
if push:
    print(f"wal push per segment: p50 {statistics.median(push):.0f} ms, max {max(push)} ms (n={len(push)})")
if ages:
    rpo = [a + worst_push for a in ages]
    print(f"RPO (age of last archived WAL + worst push): p50 {statistics.median(rpo):.1f} s, max {max(rpo):.1f} s over {len(rpo)} samples")
PY
