#!/usr/bin/env bash
# Backup peak memory vs database size (issue 2's acceptance: "the backup's peak memory does not
# grow with database size").
#
# Makes databases on the local services: the sample database (scripts/sample-db.sql, about 20 MB
# of plain dump) and larger ones (the sample plus F-1 copies of every table, so F times the data),
# then runs `backupctl backup` (Release build) of each to all three targets under /usr/bin/time -v
# and prints: plain dump size (rawBytes from the manifest), stored size, wall seconds, throughput
# and peak RSS. Each database is backed up twice: with the runtime's defaults, and with the GC heap
# capped (DOTNET_GCHeapHardLimit), which shows what the backup actually needs rather than how far
# the GC lets the heap grow on a machine with memory to spare. The figures are appended, dated, to
# the "Backup peak memory vs database size" section of docs/benchmarks.md.
#
#   bench/memory.sh [--factors "1 10 30"] [--heap-cap-mib 128] [--no-docs]
#
# Peak RSS is /usr/bin/time's "Maximum resident set size": the largest single process among
# backupctl and the children it waited for (pg_dump), not their sum.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

FACTORS="1 10 30"
HEAP_CAP_MIB=128
WRITE_DOCS=1
while [ $# -gt 0 ]; do
  case "$1" in
    --factors) FACTORS=$2; shift 2 ;;
    --heap-cap-mib) HEAP_CAP_MIB=$2; shift 2 ;;
    --no-docs) WRITE_DOCS=0; shift ;;
    *) echo "usage: bench/memory.sh [--factors \"1 10 30\"] [--heap-cap-mib 128 (0: no capped runs)] [--no-docs]" >&2; exit 2 ;;
  esac
done

services_env=$(scripts/services.sh up) || exit 1
eval "$services_env"
scripts/ensure-dotnet.sh
if [ ! -x /usr/bin/time ]; then
  apt-get install -y -q time >/dev/null
fi

WORK="$ROOT/.services/bench-memory"
mkdir -p "$WORK"
echo "== building backupctl (Release)" >&2
dotnet build src/BackupFunctions.Cli -c Release -o "$WORK/bin" --nologo -v q -clp:ErrorsOnly >/dev/null
backupctl() { dotnet "$WORK/bin/backupctl.dll" --config "$WORK/backupfunctions.json" "$@"; }

export PGPASSWORD="$BF_PG_PASSWORD"
PSQL=(psql -h "$BF_PG_HOST" -p "$BF_PG_PORT" -U "$BF_PG_USER" -v ON_ERROR_STOP=1 -q -X)

make_db() { # name copies
  local marker="bench/memory.sh: sample + $2 copies"
  if [ "$("${PSQL[@]}" -At -d postgres -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$1'")" = "$marker" ]; then
    echo "== reusing '$1' ($marker)" >&2
    return
  fi
  echo "== creating '$1' (sample database + $2 copies of every table)" >&2
  "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" -c "CREATE DATABASE $1"
  "${PSQL[@]}" -d "$1" -f scripts/sample-db.sql
  if [ "$2" -gt 0 ]; then
    # Plain copies (CREATE TABLE AS) multiply the data, so the dump grows by the same factor.
    "${PSQL[@]}" -d "$1" <<SQL
DO \$\$
DECLARE t record; i int;
BEGIN
  FOR i IN 1..$2 LOOP
    EXECUTE format('CREATE SCHEMA copy_%s', i);
    FOR t IN SELECT schemaname, relname FROM pg_stat_user_tables WHERE schemaname NOT LIKE 'copy\_%' LOOP
      EXECUTE format('CREATE TABLE %I.%I AS TABLE %I.%I', 'copy_' || i, t.schemaname || '_' || t.relname, t.schemaname, t.relname);
    END LOOP;
  END LOOP;
END \$\$;
SQL
  fi
  "${PSQL[@]}" -d postgres -c "COMMENT ON DATABASE $1 IS '$marker'"
}
for f in $FACTORS; do make_db "bench_mem_${f}x" $((f - 1)); done

# Every run writes a new backup id; the bench keeps its own directory, S3 prefix and container.
cat >"$WORK/backupfunctions.json" <<JSON
{
  "BackupFunctions": {
    "Source": { "ConnectionString": "$BF_PG_CONNECTION;Database=postgres" },
    "Keys": { "KeyFile": "$WORK/kek.json" },
    "StagingDirectory": "$WORK/staging",
    "Targets": [
      { "Name": "local", "Type": "filesystem", "Path": "$WORK/local-backups" },
      { "Name": "s3", "Type": "s3", "ServiceUrl": "$BF_S3_SERVICE_URL", "Region": "$BF_S3_REGION", "Bucket": "backups", "Prefix": "bench-memory",
        "AccessKey": "$BF_S3_ACCESS_KEY", "SecretKey": "$BF_S3_SECRET_KEY", "ForcePathStyle": true },
      { "Name": "azure", "Type": "azureblob", "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "Container": "bench-memory" }
    ]
  }
}
JSON
chmod 600 "$WORK/backupfunctions.json"
[ -f "$WORK/kek.json" ] || backupctl keys new --id bench-key --out "$WORK/kek.json" >/dev/null
backupctl targets init >/dev/null

ROWS=()
CAPS=(default)
[ "$HEAP_CAP_MIB" -gt 0 ] && CAPS+=("$HEAP_CAP_MIB")
for f in $FACTORS; do
  db=bench_mem_${f}x
  for cap in "${CAPS[@]}"; do
    echo "== backup of '$db' to local, s3 and azure (GC heap: $cap)" >&2
    if [ "$cap" = default ]; then limit=(); heap="default"; else limit=(env "DOTNET_GCHeapHardLimit=$(printf '0x%X' $((cap * 1048576)))"); heap="capped at $cap MiB"; fi
    rc=0
    "${limit[@]}" /usr/bin/time -v -o "$WORK/time.txt" dotnet "$WORK/bin/backupctl.dll" --config "$WORK/backupfunctions.json" \
      backup --database "$db" --json >"$WORK/result.json" || rc=$?
    read -r raw stored status < <(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
m = r.get("manifest") or {}
print(m.get("rawBytes", 0), m.get("storedBytes", 0), r.get("status") or ("failed: " + r.get("error", "?")).replace(" ", "_")[:60])' "$WORK/result.json")
    if [ "$cap" = default ] && [ "$status" != succeeded ]; then
      echo "backup of $db exited $rc ($status); see $WORK/result.json" >&2; exit 1
    fi
    [ "$raw" -gt 0 ] && SIZE[$f]=$raw && STORED[$f]=$stored
    raw=${SIZE[$f]:-0}; stored=${STORED[$f]:-0}
    rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
    wall=$(awk -F': ' '/Elapsed \(wall clock\) time/ {print $2}' "$WORK/time.txt" |
      awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    ROWS+=("$(awk -v db="$db" -v raw="$raw" -v stored="$stored" -v wall="$wall" -v rss="$rss_kb" -v heap="$heap" -v status="${status//_/ }" 'BEGIN {
      printf "| %s | %.1f MiB | %.1f MiB | %s | %.1f | %.1f | %.0f MiB | %s |", db, raw/1048576, stored/1048576, heap, wall, raw/1e6/wall, rss/1024, status }')")
  done
done

HEADER="| database | plain dump (rawBytes) | stored | GC heap | wall s | throughput MB/s | peak RSS | result |
|---|---:|---:|---|---:|---:|---:|---|"
TABLE="$HEADER"
for r in "${ROWS[@]}"; do TABLE+=$'\n'"$r"; done
echo
echo "$TABLE"

if [ "$WRITE_DOCS" = 1 ]; then
  DOC="$ROOT/docs/benchmarks.md"
  SECTION="## Backup peak memory vs database size"
  ENTRY="### $(date -u '+%Y-%m-%d %H:%M UTC') — $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), PostgreSQL $("${PSQL[@]}" -At -d postgres -c 'SHOW server_version' | cut -d' ' -f1), backupctl Release, \`bench/memory.sh --factors \"$FACTORS\" --heap-cap-mib $HEAP_CAP_MIB\`

$TABLE"
  [ -f "$DOC" ] || printf '# Benchmarks\n\nKept out of CI; each section says how to rerun it.\n' >"$DOC"
  if ! grep -qxF "$SECTION" "$DOC"; then
    printf '\n%s\n\n%s\n' "$SECTION" "\`bench/memory.sh\` backs up the sample database (about 20 MB of plain dump) and copies of it scaled up (the sample plus N-1 copies of every table) to all three targets (local disk, s3rver, Azurite) with \`backupctl backup\` (Release) under \`/usr/bin/time -v\`, once with the runtime's defaults and once with the GC heap capped (\`DOTNET_GCHeapHardLimit\`). The pipeline streams: pg_dump → zstd → AES-GCM in 1 MiB chunks → SHA-256 into a staging file, then every upload reads that file in pooled parts, at most (UploadParallelism + 1) × PartSize = 5 × 8 MiB per cloud target. Peak RSS is the largest single process (backupctl or pg_dump). A backup that completes under the same heap cap at every size needs no more memory for a bigger database; the uncapped RSS also shows how far the GC lets the heap grow when the machine has memory to spare." >>"$DOC"
  fi
  # Insert at the end of this section (before the next "## " heading, if any), leaving other sections as they are.
  ENTRY="$ENTRY" SECTION="$SECTION" python3 - "$DOC" <<'PY'
import os, sys
path = sys.argv[1]
lines = open(path, encoding="utf-8").read().split("\n")
start = lines.index(os.environ["SECTION"])
end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
while end > start + 1 and lines[end - 1].strip() == "":
    end -= 1
lines[end:end] = [""] + os.environ["ENTRY"].split("\n")
open(path, "w", encoding="utf-8").write("\n".join(lines).rstrip("\n") + "\n")
PY
  echo "appended to $DOC" >&2
fi
