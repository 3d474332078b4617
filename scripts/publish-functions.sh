#!/usr/bin/env bash
# Publishes the Azure Functions app (src/BackupFunctions.Functions) for linux-x64, framework-dependent and ReadyToRun, and zips the
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

# ReadyToRun: the project precompiles when published for a runtime (its PublishReadyToRun), for a shorter cold start.
dotnet publish src/BackupFunctions.Functions -c Release -r linux-x64 --self-contained false \
  -o "$OUT" --nologo -v q -clp:ErrorsOnly >&2

for required in functions.metadata host.json BackupFunctions.Functions.dll; do
  if [ ! -f "$OUT/$required" ]; then
    echo "publish-functions: $required is missing from the publish output; the package would not run." >&2
    exit 1
  fi
done

# The Function App's plan has no apt: the package brings the PostgreSQL client programs of every major installed here
# (/usr/lib/postgresql/<major>/bin), as pgsql/<major>/bin, the layout the client locator knows. Each program is a small
# wrapper that runs the real binary (pgsql/<major>/libexec) with the libraries it was linked against (pgsql/lib), so it
# needs nothing from the app image but the C library. Point Source:PgBinDirectory at /home/site/wwwroot/pgsql/<major>/bin.
bundle_pg_client() {
  local root=$1 found=0 major bin tool lib
  for bin in /usr/lib/postgresql/*/bin; do
    [ -x "$bin/pg_dump" ] || continue
    major=$(basename "$(dirname "$bin")")
    mkdir -p "$root/pgsql/$major/bin" "$root/pgsql/$major/libexec" "$root/pgsql/lib"
    for tool in pg_dump pg_restore pg_dumpall psql pg_basebackup; do
      [ -x "$bin/$tool" ] || continue
      cp "$bin/$tool" "$root/pgsql/$major/libexec/$tool"
      printf '#!/bin/sh\nhere=$(dirname "$0")\nLD_LIBRARY_PATH="$here/../../lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "$here/../libexec/%s" "$@"\n' "$tool" \
        > "$root/pgsql/$major/bin/$tool"
      chmod 0755 "$root/pgsql/$major/bin/$tool"
      # Every shared library but the C library's own (libc, libm, the loader...), which must match the image's kernel ABI.
      ldd "$bin/$tool" | awk '$3 ~ /^\// {print $3}' | while read -r lib; do
        case "$(basename "$lib")" in libc.so*|libm.so*|libdl.so*|libpthread.so*|librt.so*|libresolv.so*|ld-linux*) continue ;; esac
        cp -L -n "$lib" "$root/pgsql/lib/"
      done
    done
    found=1
  done
  if [ "$found" = 0 ]; then
    echo "publish-functions: no PostgreSQL client under /usr/lib/postgresql/*/bin to bundle; the app could not run pg_dump." >&2
    exit 1
  fi
}
bundle_pg_client "$OUT"

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
