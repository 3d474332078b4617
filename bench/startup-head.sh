#!/usr/bin/env bash
# backupctl's start-up before its first real work (issue 17, session 10): paired runs of two or more published
# backupctl builds, alternated run by run, of
#   - `backupctl --version`;
#   - `backupctl list --database D` with ONE backup in a filesystem target;
#   - the head of a backup and of a restore of a tiny database: from exec to the first PostgreSQL client program it
#     starts (pg_dump, pg_dumpall, pg_restore, psql), seen by wrappers in a bin directory of their own that log the time
#     and exec the real program. The whole command's wall time is printed beside it.
# Medians per build; each sample line has the load average. Not part of CI.
#
#   bench/startup-head.sh [--runs N] DIR_WITH_backupctl [DIR ...]
#
# Needs the PostgreSQL of scripts/services.sh (same BF_* port variables). BACKUPCTL_TRACE_STARTUP=1 on one command
# shows where its time goes step by step (docs/benchmarks.md).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RUNS=11
[ "${1:-}" = --runs ] && { RUNS=$2; shift 2; }
[ $# -ge 1 ] || { echo "usage: bench/startup-head.sh [--runs N] DIR_WITH_backupctl [DIR ...]" >&2; exit 2; }
eval "$(scripts/services.sh up)"
W="${BF_STARTUP_HEAD_DIR:-/tmp/bf-startup-head}"
rm -rf "$W"; mkdir -p "$W/pg/15/bin"
export PGPASSWORD="$BF_PG_PASSWORD"
PSQL=("$BF_PG_BIN/psql" -h "$BF_PG_HOST" -p "$BF_PG_PORT" -U "$BF_PG_USER" -qAt)
DB=bf_startup_head
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
"${PSQL[@]}" -d "$DB" -c "CREATE TABLE t(id int primary key, v text); INSERT INTO t SELECT g, md5(g::text) FROM generate_series(1, 1000) g"

# The wrappers: one line "<program> <epoch seconds>" per start, then the real program.
for tool in pg_dump pg_dumpall pg_restore psql; do
  printf '#!/bin/sh\necho "%s $(date +%%s.%%N)" >> "%s/execs"\nexec "%s/%s" "$@"\n' "$tool" "$W" "$BF_PG_BIN" "$tool" >"$W/pg/15/bin/$tool"
  chmod +x "$W/pg/15/bin/$tool"
done

first="$1/backupctl"
"$first" keys new --out "$W/kek.json" >/dev/null
config() { # file target-dir
  cat >"$1" <<JSON
{"BackupFunctions": {
  "Source": {"ConnectionString": "$BF_PG_CONNECTION;Database=$DB", "PgBinDirectory": "$W/pg/15/bin"},
  "Keys": {"KeyFile": "$W/kek.json"},
  "StagingDirectory": "$W/staging",
  "Targets": [{"Name": "local", "Type": "filesystem", "Path": "$2"}]}}
JSON
}
config "$W/list.json" "$W/list-target"
config "$W/backup.json" "$W/backup-target"
"$first" --config "$W/list.json" backup --database "$DB" >/dev/null
ID=$("$first" --config "$W/list.json" list --database "$DB" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["backups"][0]["manifest"]["backupId"])')

now() { date +%s.%N; }
# One run: prints "wall head cpu" (head: seconds to the first client program, or - when none ran; cpu: user+sys of
# backupctl and its children, from /usr/bin/time, which a loaded machine distorts less than wall time).
run() {
  : >"$W/execs"
  local t0 t1 head
  t0=$(now)
  /usr/bin/time -f '%U %S' -o "$W/cpu" "$@" >/dev/null 2>"$W/stderr" || { echo "failed: $*" >&2; cat "$W/stderr" >&2; exit 1; }
  t1=$(now)
  head=$(awk -v a="$t0" 'NR == 1 { printf "%.3f", $2 - a }' "$W/execs")
  awk -v a="$t0" -v b="$t1" -v h="${head:--}" -v c="$(tail -1 "$W/cpu")" 'BEGIN { split(c, p, " "); printf "%.3f %s %.2f\n", b - a, h, p[1] + p[2] }'
}
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for dir in "$@"; do "$dir/backupctl" --version >/dev/null; done # warm the page cache
: >"$W/samples"
for ((r = 1; r <= RUNS; r++)); do
  for dir in "$@"; do
    b="$dir/backupctl"
    name=$(basename "$dir")
    echo "$name version $(run "$b" --version) $(cut -d' ' -f1 /proc/loadavg)" >>"$W/samples"
    echo "$name list $(run "$b" --config "$W/list.json" list --database "$DB") $(cut -d' ' -f1 /proc/loadavg)" >>"$W/samples"
    rm -rf "$W/backup-target"
    echo "$name backup $(run "$b" --config "$W/backup.json" backup --database "$DB") $(cut -d' ' -f1 /proc/loadavg)" >>"$W/samples"
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ${DB}_restored"
    echo "$name restore $(run "$b" --config "$W/list.json" restore "$ID" --to "$BF_PG_CONNECTION;Database=${DB}_restored") $(cut -d' ' -f1 /proc/loadavg)" >>"$W/samples"
  done
done
cat "$W/samples"
echo "medians over $RUNS runs (wall s; head s = to the first PostgreSQL client program; cpu s = user+sys):"
for dir in "$@"; do
  name=$(basename "$dir")
  for cmd in version list backup restore; do
    grep "^$name $cmd " "$W/samples" >"$W/one" || true
    printf '%-20s %-8s wall %6.3f  head %6s  cpu %5.2f  load %s\n' "$name" "$cmd" "$(cut -d' ' -f3 "$W/one" | median)" \
      "$(cut -d' ' -f4 "$W/one" | { grep -v -- - || true; } | median)" "$(cut -d' ' -f5 "$W/one" | median)" "$(cut -d' ' -f6 "$W/one" | median)"
  done
done
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS ${DB}_restored" -c "DROP DATABASE $DB"
