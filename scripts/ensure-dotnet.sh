#!/usr/bin/env bash
# The .NET 10 SDK ships with this kind of machine; fail with a clear message where it does not.
set -euo pipefail
if ! command -v dotnet >/dev/null; then
  echo "dotnet SDK not found: install the .NET 10 SDK (https://dot.net) and re-run" >&2
  exit 1
fi
major=$(dotnet --version | cut -d. -f1)
if [ "$major" -lt 10 ]; then
  echo "dotnet SDK $(dotnet --version) found; .NET 10 or newer is required" >&2
  exit 1
fi
