#!/usr/bin/env bash
# Publishes backupctl and the self-hosted host for linux-x64, both precompiled (ReadyToRun):
#   - backupctl self-contained, in one composite image with the .NET runtime (its project says so for any runtime
#     identifier): a database server that runs `backupctl wal push` needs no .NET installed, and the image also holds
#     the generic code a framework-dependent one cannot, about 3,000 fewer methods JIT-compiled in a backup to three
#     targets (docs/benchmarks.md, session 12);
#   - the host framework-dependent (the machine needs the .NET 10 runtime with ASP.NET Core): a long-lived process,
#     whose memory a 135 MB composite image would grow for little.
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

publish() { # project output-subdir program [extra publish arguments]
  rm -rf "${OUT:?}/$2"
  dotnet publish "src/$1" -c Release -r linux-x64 -o "$OUT/$2" --nologo -v q -clp:ErrorsOnly "${@:4}" >&2
  if [ ! -x "$OUT/$2/$3" ]; then
    echo "publish: $2/$3 is missing from the publish output." >&2
    exit 1
  fi
}
publish BackupFunctions.Cli backupctl backupctl
publish BackupFunctions.Host host BackupFunctions.Host --self-contained false
echo "$OUT"
