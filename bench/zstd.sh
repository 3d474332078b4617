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
  source bench/plain-dump.sh
  bench_plain_dump
fi
dotnet build -c Release -nologo -v q -clp:ErrorsOnly bench/BackupFunctions.Zstd.Bench/BackupFunctions.Zstd.Bench.csproj >/dev/null
dotnet bench/BackupFunctions.Zstd.Bench/bin/Release/net10.0/BackupFunctions.Zstd.Bench.dll "$FILE" "$@"
