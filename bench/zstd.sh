#!/usr/bin/env bash
# zstd port (ZstdSharp) against native libzstd (ZstdNet) on a real plain dump (issue 17): one stream, 4 MiB blocks
# on N threads (the encoder's way), and libzstd's own worker threads. CPU time is the process's user+sys from
# /proc/self/stat; the load average is printed beside each row. Prints a table; asserts nothing; not run in CI.
#
#   bench/zstd.sh [plain-dump-file] [level] [repeats]
#
# Without a file it dumps bench/pipeline.sh's database (pg_dump -Fc -Z0) to /dev/shm.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/ensure-dotnet.sh
FILE=${1:-}
[ $# -gt 0 ] && shift
if [ -z "$FILE" ]; then
  services_env=$(scripts/services.sh up) || exit 1
  eval "$services_env"
  FILE=$(mktemp -p /dev/shm bf-plain-XXXXXX.dump)
  trap 'rm -f "$FILE"' EXIT
  DB=${BF_BENCH_DATABASE:-bf_pipeline_bench}
  export PGPASSWORD=$BF_PG_PASSWORD
  PSQL=(psql -h 127.0.0.1 -p "$BF_PG_PORT" -U "$BF_PG_USER" -v ON_ERROR_STOP=1 -q -X)
  if ! "${PSQL[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
    "${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
    pgbench -h 127.0.0.1 -p "$BF_PG_PORT" -U "$BF_PG_USER" -i -q -s 5 "$DB" >/dev/null 2>&1
    "${PSQL[@]}" -d "$DB" -v scale=100 -f bench/mixed-schema.sql >/dev/null
  fi
  pg_dump -h 127.0.0.1 -p "$BF_PG_PORT" -U "$BF_PG_USER" -Fc -Z0 -d "$DB" >"$FILE"
fi
dotnet build -c Release -nologo -v q -clp:ErrorsOnly bench/BackupFunctions.Zstd.Bench/BackupFunctions.Zstd.Bench.csproj >/dev/null
dotnet bench/BackupFunctions.Zstd.Bench/bin/Release/net10.0/BackupFunctions.Zstd.Bench.dll "$FILE" "$@"
