#!/usr/bin/env bash
# Publishes backupctl and the self-hosted host for linux-x64, framework-dependent (the machine needs the .NET 10
# runtime with ASP.NET Core), ReadyToRun: both projects precompile when published for a runtime, which halves
# backupctl's start-up and takes about 0.9 s off the host's (docs/benchmarks.md, "Start-up").
#   scripts/publish.sh [output dir, default artifacts/publish]
# Writes <dir>/backupctl/backupctl and <dir>/host/BackupFunctions.Host; prints <dir>.
# BF_ALT_BUILD=<dir> (Directory.Build.props) keeps the build's obj/bin in a separate tree.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

OUT=${1:-"$ROOT/artifacts/publish"}
case "$OUT" in /*) ;; *) OUT="$PWD/$OUT" ;; esac

scripts/ensure-dotnet.sh >&2
export PATH="$HOME/.dotnet:$PATH"

publish() { # project output-subdir program
  rm -rf "${OUT:?}/$2"
  dotnet publish "src/$1" -c Release -r linux-x64 --self-contained false -o "$OUT/$2" --nologo -v q -clp:ErrorsOnly >&2
  if [ ! -x "$OUT/$2/$3" ]; then
    echo "publish: $2/$3 is missing from the publish output." >&2
    exit 1
  fi
}
publish BackupFunctions.Cli backupctl backupctl
publish BackupFunctions.Host host BackupFunctions.Host
echo "$OUT"
