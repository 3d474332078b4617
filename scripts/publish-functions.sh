#!/usr/bin/env bash
# Publishes the Azure Functions app (src/BackupFunctions.Functions) for linux-x64, framework-dependent, and zips the
# publish folder into a zip-deployable package. Prints the zip's path.
#   scripts/publish-functions.sh [zip path, default artifacts/functionapp.zip]
# BF_ALT_BUILD=<dir> (Directory.Build.props) keeps the build's obj/bin in a separate tree.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

ZIP=${1:-"$ROOT/artifacts/functionapp.zip"}
case "$ZIP" in /*) ;; *) ZIP="$PWD/$ZIP" ;; esac
mkdir -p "$(dirname "$ZIP")"

OUT=$(mktemp -d "${TMPDIR:-/tmp}/bf-functionapp.XXXXXX")
trap 'rm -rf "$OUT"' EXIT

scripts/ensure-dotnet.sh >&2

dotnet publish src/BackupFunctions.Functions -c Release -r linux-x64 --self-contained false \
  -o "$OUT" --nologo -v q -clp:ErrorsOnly >&2

for required in functions.metadata host.json BackupFunctions.Functions.dll; do
  if [ ! -f "$OUT/$required" ]; then
    echo "publish-functions: $required is missing from the publish output; the package would not run." >&2
    exit 1
  fi
done

# python3 is on every Debian machine this builds on; `zip` often is not. Entry names are relative to the app root
# (host.json at the top), as zip deploy expects; file modes are kept.
rm -f "$ZIP"
python3 - "$OUT" "$ZIP" <<'PY'
import os, sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(dst + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
    for root, dirs, files in os.walk(src):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            z.write(path, os.path.relpath(path, src))
os.replace(dst + ".tmp", dst)
PY
echo "$ZIP"
