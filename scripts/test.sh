#!/usr/bin/env bash
# Runs every test against the real local services (PostgreSQL 15, Azurite, s3rver), which it
# starts itself, then prints a line-coverage summary of src/ and a one-line test total.
#   scripts/test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Targets]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

eval "$(scripts/services.sh up)"
scripts/ensure-dotnet.sh

RESULTS="$ROOT/TestResults"
rm -rf "$RESULTS"
dotnet restore BackupFunctions.sln --nologo -v q
dotnet build BackupFunctions.sln --no-restore --nologo -v q -clp:ErrorsOnly
set +e
dotnet test BackupFunctions.sln --no-build --nologo \
  --settings "$ROOT/coverage.runsettings" \
  --collect:"XPlat Code Coverage" --results-directory "$RESULTS" \
  --logger "trx" --logger "console;verbosity=normal" "$@" 2>&1 | grep -vE '^\s*$|^\s+Passed ' 
rc=${PIPESTATUS[0]}
set -e
python3 scripts/test-summary.py "$RESULTS" || true
exit "$rc"
