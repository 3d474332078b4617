#!/usr/bin/env bash
# Builds the durable-engine benchmark in Release and runs it against the PostgreSQL from
# scripts/services.sh (BF_PG_* variables override the defaults). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release -nologo -v q bench/BackupFunctions.Durable.Bench/BackupFunctions.Durable.Bench.csproj
dotnet bench/BackupFunctions.Durable.Bench/bin/Release/net10.0/BackupFunctions.Durable.Bench.dll
