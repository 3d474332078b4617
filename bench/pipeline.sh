#!/usr/bin/env bash
# Encoder throughput per zstd level and thread count, on a real plain dump (issue 6: "compression
# level chosen by measurement"). Prints a table; asserts nothing.
#
#   bench/pipeline.sh [plain-dump-file] [level:threads ...]
#
# Without a file it dumps the sample database of scripts/services.sh (pg_dump -Fc -Z0) to /dev/shm.
# The dump is fed through `dd bs=4096`, which writes into the pipe in the same 4 KiB pieces as pg_dump.
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
echo "plain dump: $FILE ($(numfmt --to=iec "$(stat -c %s "$FILE")")B), $(nproc) cores" >&2
dotnet build -c Release -nologo -v q -clp:ErrorsOnly bench/BackupFunctions.Pipeline.Bench/BackupFunctions.Pipeline.Bench.csproj >/dev/null
dotnet bench/BackupFunctions.Pipeline.Bench/bin/Release/net10.0/BackupFunctions.Pipeline.Bench.dll "$FILE" "$@"
