#!/usr/bin/env bash
# The main job, end to end on this machine: start the services, create a sample database with
# realistic data, back it up to all three targets (local disk, S3, Azure Blob) at once, verify
# every copy by reading it back, restore into a new database, and compare the row counts.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

eval "$(scripts/services.sh up)"
scripts/ensure-dotnet.sh

DEMO="$ROOT/.services/demo"
mkdir -p "$DEMO"
echo "== building backupctl"
dotnet build src/BackupFunctions.Cli -c Release -o "$DEMO/bin" --nologo -v q -clp:ErrorsOnly >/dev/null
backupctl() { dotnet "$DEMO/bin/backupctl.dll" --config "$DEMO/backupfunctions.json" "$@"; }

export PGPASSWORD="$BF_PG_PASSWORD"
PSQL=(psql -h "$BF_PG_HOST" -p "$BF_PG_PORT" -U "$BF_PG_USER" -v ON_ERROR_STOP=1 -q)
SOURCE=demo_source
RESTORED=demo_restored_$(date -u +%Y%m%d%H%M%S)

echo "== creating the sample database '$SOURCE'"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $SOURCE WITH (FORCE)" -c "CREATE DATABASE $SOURCE"
"${PSQL[@]}" -d "$SOURCE" -f scripts/sample-db.sql

cat >"$DEMO/backupfunctions.json" <<JSON
{
  "BackupFunctions": {
    "Source": { "ConnectionString": "$BF_PG_CONNECTION;Database=$SOURCE" },
    "Keys": { "KeyFile": "$DEMO/kek.json" },
    "StagingDirectory": "$DEMO/staging",
    "Targets": [
      { "Name": "local", "Type": "filesystem", "Path": "$DEMO/local-backups" },
      { "Name": "s3", "Type": "s3", "ServiceUrl": "$BF_S3_SERVICE_URL", "Region": "$BF_S3_REGION", "Bucket": "backups",
        "AccessKey": "$BF_S3_ACCESS_KEY", "SecretKey": "$BF_S3_SECRET_KEY", "ForcePathStyle": true },
      { "Name": "azure", "Type": "azureblob", "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "Container": "backups" }
    ]
  }
}
JSON
chmod 600 "$DEMO/backupfunctions.json"
[ -f "$DEMO/kek.json" ] || backupctl keys new --id demo-key --out "$DEMO/kek.json"
backupctl targets init

echo "== backup to every target"
backupctl backup --database "$SOURCE"
echo "== verify every copy"
backupctl verify latest --database "$SOURCE"
echo "== restore into '$RESTORED'"
backupctl restore latest --database "$SOURCE" --to "$BF_PG_CONNECTION;Database=$RESTORED"

echo "== where the copies are"
backupctl list --database "$SOURCE"
echo "  local:  $DEMO/local-backups/backups/$SOURCE/"
echo "  s3:     $BF_S3_SERVICE_URL/backups/backups/$SOURCE/  (files under .services/s3/backups)"
echo "  azure:  container 'backups' in Azurite ($ROOT/.services/azurite)"

echo "== row counts, source vs restored (psql, independent of backupctl)"
count_sql="SELECT string_agg(format('%s.%s=%s', schemaname, relname, (xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.%I', schemaname, relname), false, true, '')))[1]::text), ' ' ORDER BY schemaname, relname) FROM pg_stat_user_tables"
src=$("${PSQL[@]}" -At -d "$SOURCE" -c "$count_sql")
dst=$("${PSQL[@]}" -At -d "$RESTORED" -c "$count_sql")
echo "$src" | tr ' ' '\n' | sed 's/^/  source:   /'
if [ "$src" = "$dst" ]; then
  echo "RESULT: restored database '$RESTORED' has the same tables and row counts as '$SOURCE'."
else
  echo "$dst" | tr ' ' '\n' | sed 's/^/  restored: /'
  echo "RESULT: MISMATCH between '$SOURCE' and '$RESTORED'" >&2
  exit 1
fi
