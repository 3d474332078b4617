#!/usr/bin/env bash
# Paired restores of bench_300mb into a new database: `backupctl restore latest` for two or more backupctl builds,
# alternated round by round, with `pg_restore -j2` of a local `pg_dump -Fc -Z0` file as the reference (issue 17's
# restore row; docs/benchmarks.md, session 12).
#
#   bench/restore-paired.sh [--rounds N] [--db NAME] DIR_WITH_backupctl [DIR ...]
#
# Reuses what bench/run.sh left (run `bench/run.sh --size small --only bench_300mb` once first): the loaded cluster,
# its key file and settings. Each build restores the backup that the first build makes here, to the local target.
# Wall and CPU (user+sys of the command and its children: pg_restore included, the server not) per run, and the
# server's CPU (the postmaster's reaped children, /proc/<pid>/stat) beside them, with the 1-minute load average.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=3
DB=bench_300mb
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --db) DB=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: bench/restore-paired.sh [--rounds N] [--db NAME] DIR_WITH_backupctl [DIR ...]" >&2; exit 2; }
BUILDS=("$@")
BENCH="$ROOT/.services/bench"
W="$BENCH/work"
CFG="$W/backupfunctions.json"
CLUSTER="$BENCH/clusters/$DB"
[ -f "$CFG" ] && [ -f "$CLUSTER/data/PG_VERSION" ] || { echo "run bench/run.sh for $DB once first" >&2; exit 1; }
PORT=${BF_BENCH_PG_PORT:-55499}
PG_BIN=/usr/lib/postgresql/15/bin
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CLUSTER/data" status >/dev/null 2>&1 ||
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -l "$CLUSTER/server.log" -w -t 120 start >/dev/null
trap 'runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$CLUSTER/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$W/local-backups" "$W/staging" "$W/paired.dump"' EXIT
export PGPASSWORD=postgres
PSQL=(psql -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qAtX)
CONN="Host=127.0.0.1;Port=$PORT;Username=postgres;Password=postgres"

server_cpu() { # the postmaster's children's user+sys so far, in seconds
  local pid; pid=$(head -1 "$CLUSTER/data/postmaster.pid")
  awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15 + $16 + $17) / hz }' "/proc/$pid/stat"
}
measure() { # label command...
  "${PSQL[@]}" -c "DROP DATABASE IF EXISTS ${DB}_r"
  # This VM pages out what is not touched for a moment (DAMON; bench/run.sh's warm): every side starts with the
  # database's files, the dump, the backup and the binaries in memory.
  cat "$CLUSTER/data/base"/*/* "$W/paired.dump" >/dev/null 2>&1 || true
  for build in "${BUILDS[@]}"; do cat "$build"/* >/dev/null 2>&1 || true; done
  find "$W/local-backups" -type f -exec cat {} + >/dev/null 2>&1 || true
  local before; before=$(server_cpu)
  /usr/bin/time -f '%e %U %S' -o "$W/time.pair" "$@" >/dev/null 2>"$W/stderr.pair" || { echo "$LABEL failed:" >&2; cat "$W/stderr.pair" >&2; exit 1; }
  read -r wall user sys <"$W/time.pair"
  printf '%-28s wall %6.2f s  cpu %5.2f s  server cpu %5.2f s  load %s\n' "$LABEL" "$wall" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(awk -v a="$before" -v b="$(server_cpu)" 'BEGIN { print b - a }')" \
    "$(cut -d' ' -f1 /proc/loadavg)"
}

rm -rf "$W/local-backups" "$W/staging"
"$1/backupctl" --config "$CFG" backup --database "$DB" --targets local --json >/dev/null
pg_dump -h 127.0.0.1 -p "$PORT" -U postgres -Fc -Z0 -f "$W/paired.dump" "$DB"
for ((r = 1; r <= ROUNDS; r++)); do
  echo "== round $r"
  LABEL="pg_restore -j2" measure bash -c "createdb -h 127.0.0.1 -p $PORT -U postgres ${DB}_r && pg_restore -h 127.0.0.1 -p $PORT -U postgres -d ${DB}_r -j 2 --exit-on-error '$W/paired.dump'"
  for dir in "$@"; do
    LABEL="$(basename "$dir")" measure "$dir/backupctl" --config "$CFG" restore latest --database "$DB" --to "$CONN;Database=${DB}_r" --json
  done
done
"${PSQL[@]}" -c "DROP DATABASE IF EXISTS ${DB}_r"
