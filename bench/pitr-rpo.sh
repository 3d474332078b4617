#!/usr/bin/env bash
# RPO of continuous WAL archiving under a steady write load (issue 15), not in CI.
#
# Starts a throwaway PostgreSQL 15 cluster whose archive_command is `backupctl wal push` (Release
# build) to a local directory target, with archive_timeout=60 (the setting docs/pitr.md
# recommends), writes one small row every 200 ms for --minutes, and samples pg_stat_archiver every
# 2 s. Each row records the WAL insert position it was written at, so at each sample the committed
# rows at risk are exactly those written after the end of the last archived segment: the sample
# counts them and takes the age of the oldest, which is the data a loss of the server at that
# instant would lose (the RPO, measured, not estimated). Prints the push times (from the
# cluster's log: backupctl -v prints each one), the max and p50 of the rows and seconds at risk,
# and the count of archived segments and failures.
#
#   bench/pitr-rpo.sh [--minutes 5] [--port 56065] [--cli path/to/backupctl.dll]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

MINUTES=5
PORT=${BF_PITR_BENCH_PORT:-56065}
CLI=
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) MINUTES=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    --cli) CLI=$(readlink -f "$2"); shift 2 ;;
    *) echo "usage: bench/pitr-rpo.sh [--minutes 5] [--port 56065] [--cli backupctl.dll]" >&2; exit 2 ;;
  esac
done

scripts/ensure-dotnet.sh
PGBIN=/usr/lib/postgresql/15/bin
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL 15 is not installed: run scripts/services.sh up first" >&2; exit 1; }
if [ -z "$CLI" ]; then
  dotnet build src/BackupFunctions.Cli -c Release -v q -clp:ErrorsOnly --nologo
  CLI="$ROOT/src/BackupFunctions.Cli/bin/Release/net10.0/backupctl.dll"
fi
# archive_command runs as postgres: the build must be readable (and its directory enterable) by that user.
[ -r "$CLI" ] || { echo "$CLI is not there" >&2; exit 1; }

WORK=$(mktemp -d /tmp/bf-pitr-rpo-XXXXXX)
AS_PG=()
if [ "$(id -u)" = 0 ]; then AS_PG=(runuser -u postgres --); fi
cleanup() {
  "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
  # BF_PITR_BENCH_LOG=file keeps the server log (archive_command's output) for a look afterwards.
  if [ -n "${BF_PITR_BENCH_LOG:-}" ]; then cp "$WORK/server.log" "$BF_PITR_BENCH_LOG" || true; fi
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
# Seen on PostgreSQL 15.18 here: the checkpointer's first sleep after start-up is computed while the server is
# still starting, so it ignores archive_timeout and lasts checkpoint_timeout (5 min): no timed switch until then.
# A reload wakes it; from then on archive_timeout is kept. A long-running server is past this; the bench is not.
"${PSQL[@]}" -c "SELECT pg_reload_conf()" >/dev/null
"${PSQL[@]}" -c "CREATE TABLE load (id bigserial PRIMARY KEY, at timestamptz DEFAULT clock_timestamp(), lsn pg_lsn DEFAULT pg_current_wal_insert_lsn(), pad text)"

END=$(( $(date +%s) + MINUTES * 60 ))
( while [ "$(date +%s)" -lt "$END" ]; do
    "${PSQL[@]}" -c "INSERT INTO load (pad) VALUES (repeat('x', 200))" >/dev/null; sleep 0.2
  done ) &
LOADER=$!

: > "$WORK/samples"
while [ "$(date +%s)" -lt "$END" ]; do
  # The end of the last archived segment (16 MiB segments): log * 2^32 + (segment + 1) * 2^24.
  "${PSQL[@]}" -c "WITH a AS (SELECT last_archived_wal w, archived_count, failed_count FROM pg_stat_archiver),
    e AS (SELECT CASE WHEN w IS NULL THEN '0/0'::pg_lsn ELSE '0/0'::pg_lsn
            + (('x' || substr(w, 9, 8))::bit(32)::bigint * 4294967296 + (('x' || substr(w, 17, 8))::bit(32)::bigint + 1) * 16777216)::numeric END AS end_lsn,
          archived_count, failed_count FROM a)
    SELECT count(l.id), coalesce(extract(epoch FROM clock_timestamp() - min(l.at)), 0), e.archived_count, e.failed_count
    FROM e LEFT JOIN load l ON l.lsn >= e.end_lsn GROUP BY e.archived_count, e.failed_count" >> "$WORK/samples"
  sleep 2
done
wait "$LOADER" || true

# backupctl -v: "…: durable on 1 target(s) (local Stored) in 812 ms"
grep -o 'durable on [0-9]* target(s) ([^)]*) in [0-9]* ms' "$WORK/server.log" | awk '{print $(NF-1)}' > "$WORK/push_ms" || true
python3 - "$WORK/samples" "$WORK/push_ms" "$MINUTES" <<'PY'
import sys, statistics
samples = [l.strip().split('|') for l in open(sys.argv[1]) if l.strip()]
push = [int(x) for x in open(sys.argv[2]) if x.strip()]
rows = [int(r) for r, _, _, _ in samples]
secs = [float(s) for _, s, _, _ in samples]
archived, failed = samples[-1][2], samples[-1][3]
print(f"load: one row every 200 ms for {sys.argv[3]} min, archive_timeout=60, {len(samples)} samples every 2 s")
print(f"segments archived: {archived}, failed pushes: {failed}")
if push:
    print(f"wal push per segment: p50 {statistics.median(push):.0f} ms, max {max(push)} ms (n={len(push)})")
print(f"committed rows not yet archived: p50 {statistics.median(rows):.0f}, max {max(rows)}")
print(f"RPO (age of the oldest committed row not yet archived): p50 {statistics.median(secs):.1f} s, max {max(secs):.1f} s")
PY
