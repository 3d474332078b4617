#!/usr/bin/env bash
# The main job, end to end on this machine: start the services, create a sample database with
# realistic data, start the host, trigger a full backup over HTTP (a durable orchestration that
# dumps, uploads to all three targets at once and verifies every copy), follow its status URL,
# run a test restore the same way, then restore with backupctl into a new database and compare
# the row counts with psql.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# A failed start must stop here: `eval "$(...)"` alone would hide its exit status.
services_env=$(scripts/services.sh up)
eval "$services_env"
scripts/ensure-dotnet.sh

DEMO="$ROOT/.services/demo"
mkdir -p "$DEMO"
echo "== building backupctl and the host"
dotnet build src/BackupFunctions.Cli -c Release -o "$DEMO/bin" --nologo -v q -clp:ErrorsOnly >/dev/null
dotnet build src/BackupFunctions.Host -c Release -o "$DEMO/host" --nologo -v q -clp:ErrorsOnly >/dev/null
backupctl() { dotnet "$DEMO/bin/backupctl.dll" --config "$DEMO/backupfunctions.json" "$@"; }

export PGPASSWORD="$BF_PG_PASSWORD"
PSQL=(psql -h "$BF_PG_HOST" -p "$BF_PG_PORT" -U "$BF_PG_USER" -v ON_ERROR_STOP=1 -q)
SOURCE=demo_source
RESTORED=demo_restored_$(date -u +%Y%m%d%H%M%S)

echo "== creating the sample database '$SOURCE'"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $SOURCE WITH (FORCE)" -c "CREATE DATABASE $SOURCE"
"${PSQL[@]}" -d "$SOURCE" -f scripts/sample-db.sql
CONTROL=demo_control
"${PSQL[@]}" -d postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$CONTROL'" | grep -q 1 || "${PSQL[@]}" -d postgres -c "CREATE DATABASE $CONTROL"
[ -f "$DEMO/keys.env" ] || printf 'FUNCTION_KEY=%s\nADMIN_KEY=%s\n' "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" "$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" >"$DEMO/keys.env"
chmod 600 "$DEMO/keys.env"
# shellcheck disable=SC1091
. "$DEMO/keys.env"
HOST_URL=http://127.0.0.1:${BF_DEMO_PORT:-7181}

cat >"$DEMO/backupfunctions.json" <<JSON
{
  "BackupFunctions": {
    "Source": { "ConnectionString": "$BF_PG_CONNECTION;Database=$SOURCE" },
    "Keys": { "KeyFile": "$DEMO/kek.json", "FunctionKeys": ["$FUNCTION_KEY"], "AdminKeys": ["$ADMIN_KEY"] },
    "StagingDirectory": "$DEMO/staging",
    "Control": { "ConnectionString": "$BF_PG_CONNECTION;Database=$CONTROL" },
    "Host": { "Urls": "$HOST_URL", "RunTimers": false },
    "TaskHub": { "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "HubName": "demo", "MaxQueuePollingInterval": "00:00:00.100" },
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

echo "== starting the host on $HOST_URL"
BACKUPFUNCTIONS_CONFIG="$DEMO/backupfunctions.json" nohup dotnet "$DEMO/host/BackupFunctions.Host.dll" >"$DEMO/host.log" 2>&1 &
HOST_PID=$!
trap 'kill $HOST_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -fs "$HOST_URL/healthz/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$HOST_URL/healthz/ready" >/dev/null || { echo "host did not become ready; see $DEMO/host.log" >&2; tail -20 "$DEMO/host.log" >&2; exit 1; }

echo "== POST /api/backups: a full backup of '$SOURCE' to every target, as a durable orchestration"
BACKUP_ID=$(scripts/follow-orchestration.py "$HOST_URL/api/backups" "$FUNCTION_KEY" "{\"kind\":\"full\",\"database\":\"$SOURCE\"}" backupId)
echo "== POST /api/restores (test): restore $BACKUP_ID into a scratch database, compare with the manifest, drop it"
scripts/follow-orchestration.py "$HOST_URL/api/restores" "$ADMIN_KEY" "{\"backupId\":\"$BACKUP_ID\",\"test\":true}" >/dev/null

echo "== verify every copy"
backupctl verify latest --database "$SOURCE"
echo "== restore into '$RESTORED'"
# The password comes from an environment variable, not from --to, where ps and the shell history would show it.
backupctl restore latest --database "$SOURCE" --password-env BF_PG_PASSWORD \
  --to "Host=$BF_PG_HOST;Port=$BF_PG_PORT;Username=$BF_PG_USER;Database=$RESTORED"

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
