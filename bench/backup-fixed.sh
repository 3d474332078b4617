#!/usr/bin/env bash
# Paired runs of `backupctl backup` of bench_300mb: one target (local) and three (local + S3 + Azure), for two or more
# backupctl builds alternated round by round, with pg_dump -Fc -Z0 > /dev/null as the reference (issue 17's fixed cost
# and three-target rows; docs/benchmarks.md, session 10).
#
#   bench/backup-fixed.sh [--rounds N] DIR_WITH_backupctl [DIR ...]
#
# It reuses what bench/run.sh left: the loaded cluster under .services/bench/clusters/bench_300mb (run
# `bench/run.sh --size small --only bench_300mb` once first), its key file and settings (.services/bench/work), and the
# emulators of scripts/services.sh (same BF_* port variables). CPU is user+sys of backupctl and its children (pg_dump),
# from /usr/bin/time; the emulators' CPU is not counted. Each line has the 1-minute load average beside it.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=3
[ "${1:-}" = --rounds ] && { ROUNDS=$2; shift 2; }
[ $# -ge 1 ] || { echo "usage: bench/backup-fixed.sh [--rounds N] DIR_WITH_backupctl [DIR ...]" >&2; exit 2; }
BENCH="$ROOT/.services/bench"
W="$BENCH/work"
CFG="$W/backupfunctions.json"
DATA="$BENCH/clusters/bench_300mb/data"
[ -f "$CFG" ] && [ -f "$DATA/PG_VERSION" ] || { echo "run bench/run.sh --size small --only bench_300mb once first" >&2; exit 1; }
eval "$(scripts/services.sh up)"
PORT=${BF_BENCH_PG_PORT:-55499}
PG_BIN=/usr/lib/postgresql/15/bin
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA" -l "$BENCH/clusters/bench_300mb/server.log" -w -t 120 start >/dev/null
trap 'runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$W/local-backups" "$W/staging"' EXIT
export PGPASSWORD=postgres

measure() { # label command...
  /usr/bin/time -f '%e %U %S' -o "$W/time.pair" "$@" >/dev/null 2>"$W/stderr.pair" || { echo "$LABEL failed:" >&2; cat "$W/stderr.pair" >&2; exit 1; }
  read -r wall user sys <"$W/time.pair"
  printf '%-40s wall %6.2f s  cpu %5.2f s  load %s\n' "$LABEL" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(cut -d' ' -f1 /proc/loadavg)"
}
pg_dump -h 127.0.0.1 -p "$PORT" -U postgres -Fc -Z0 bench_300mb >/dev/null # warm the page cache
for ((r = 1; r <= ROUNDS; r++)); do
  echo "== round $r"
  LABEL="pg_dump -Fc -Z0 > /dev/null" measure bash -c "pg_dump -h 127.0.0.1 -p $PORT -U postgres -Fc -Z0 bench_300mb > /dev/null"
  for dir in "$@"; do
    for targets in local local,s3,azure; do
      rm -rf "$W/local-backups" "$W/staging"
      LABEL="$(basename "$dir") $targets" measure "$dir/backupctl" --config "$CFG" backup --database bench_300mb --targets "$targets" --json
    done
  done
done
