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
  source bench/plain-dump.sh
  bench_plain_dump
fi
echo "plain dump: $FILE ($(numfmt --to=iec "$(stat -c %s "$FILE")")B), $(nproc) cores" >&2
dotnet build -c Release -nologo -v q -clp:ErrorsOnly bench/BackupFunctions.Pipeline.Bench/BackupFunctions.Pipeline.Bench.csproj >/dev/null
dotnet bench/BackupFunctions.Pipeline.Bench/bin/Release/net10.0/BackupFunctions.Pipeline.Bench.dll "$FILE" "$@"
