#!/usr/bin/env bash
# The self-hosted engine (the Durable Task Framework's Azure Storage backend behind the host's in-process gRPC
# sidecar) on the Azurite of scripts/services.sh: a fan-out of 1,000 activities (activities/s), a chain of 50
# (p50/p99 per step) and 200 short orchestrations started at once (orchestrations/s), with one host process and with
# two (the second is the same program in worker mode, on the same task hub). Prints a Markdown table; asserts nothing.
#
#   bench/durable.sh                    # the issue's three workloads, tuned settings, 1 and 2 hosts
#   bench/durable.sh --plan levers      # one setting at a time (polling, activities, partitions, extended sessions)
#   bench/durable.sh --plan all         # both
#   bench/durable.sh --case "name=x;hosts=2;polling-ms=100;max-activities=100;partitions=4;scenarios=chain,fanout"
#   (more options at the top of bench/BackupFunctions.TaskHub.Bench/Program.cs: --fanout, --chain, --chains, --burst ...)
#
# Each case gets a task hub of its own (a fresh name), deleted at the end. Progress goes to stderr, the table to
# stdout. Figures on a shared 2-core machine depend on its load: the table prints the load average beside each row,
# and the Azurite round trip measured just before each case.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/ensure-dotnet.sh
services_env=$(scripts/services.sh up) || exit 1
eval "$services_env"
OUT=${BF_BENCH_OUT:-/tmp/bf-bench-out}
echo "building bench/BackupFunctions.TaskHub.Bench (Release) into $OUT" >&2
dotnet build -c Release -nologo -v q -clp:ErrorsOnly -o "$OUT" \
  bench/BackupFunctions.TaskHub.Bench/BackupFunctions.TaskHub.Bench.csproj >/dev/null
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')" >&2
# Run from the output folder so the second host process finds the same build.
cd "$OUT"
exec dotnet "$OUT/BackupFunctions.TaskHub.Bench.dll" "$@"
