#!/usr/bin/env bash
# Start-up cost of backupctl and of the self-hosted host, JIT against ReadyToRun (issue 17).
#
# Publishes both twice (Release, linux-x64, framework-dependent): once as plain IL, once with
# PublishReadyToRun, then times each RUNS times:
#   - `backupctl --version` and `backupctl list --help` (wall and CPU of the process);
#   - the host from exec to its first 200 on /healthz/live (wall).
# Prints medians side by side with the load average. Not part of CI.
#
#   bench/startup.sh            # RUNS=15
#   RUNS=30 bench/startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${RUNS:-15}"
OUT="${BF_STARTUP_OUT:-/tmp/bf-startup}"
scripts/ensure-dotnet.sh >/dev/null
export PATH="$HOME/.dotnet:$PATH"

publish() { # project name variant extra-args...
  local project="$1" name="$2" variant="$3"; shift 3
  dotnet publish "$project" -c Release -r linux-x64 --self-contained false -v q -nologo \
    -o "$OUT/$name-$variant" "$@" >/dev/null
}

echo "publishing (this is the slow part; BF_STARTUP_NO_PUBLISH=1 reuses $OUT)..."
for variant in jit r2r; do
  [ -n "${BF_STARTUP_NO_PUBLISH:-}" ] && break
  extra=()
  [ "$variant" = r2r ] && extra=(-p:PublishReadyToRun=true)
  publish src/BackupFunctions.Cli backupctl "$variant" "${extra[@]}"
  publish src/BackupFunctions.Host host "$variant" "${extra[@]}"
done

# Median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# Wall and CPU seconds of one command, as "wall cpu".
timed() {
  local t0 t1 s
  t0=$(date +%s.%N)
  /usr/bin/time -o "$OUT/cpu" -f '%U %S' "$@" >/dev/null 2>&1
  t1=$(date +%s.%N)
  s=$(tail -1 "$OUT/cpu")
  awk -v a="$t0" -v b="$t1" -v s="$s" 'BEGIN {split(s, p, " "); printf "%.3f %.3f\n", b - a, p[1] + p[2]}'
}

cli_row() { # label args...
  local label="$1"; shift
  for variant in jit r2r; do
    : >"$OUT/samples"
    timed "$OUT/backupctl-$variant/backupctl" "$@" >/dev/null # warm the page cache
    for _ in $(seq "$RUNS"); do timed "$OUT/backupctl-$variant/backupctl" "$@" >>"$OUT/samples"; done
    printf '%-28s %-4s wall %6.3f s  cpu %6.3f s\n' "$label" "$variant" \
      "$(cut -d' ' -f1 "$OUT/samples" | median)" "$(cut -d' ' -f2 "$OUT/samples" | median)"
  done
}

host_row() {
  local port=$((20000 + RANDOM % 20000))
  for variant in jit r2r; do
    : >"$OUT/samples"
    for _ in $(seq "$RUNS"); do
      local t0 t1 pid
      t0=$(date +%s.%N)
      BackupFunctions__Host__Urls="http://127.0.0.1:$port" \
        BackupFunctions__Host__RunTimers=false \
        BackupFunctions__Control__ConnectionString="$BF_PG_CONNECTION;Password=$BF_PG_PASSWORD;Database=bf_startup" \
        BackupFunctions__TaskHub__ConnectionString="$BF_AZURITE_CONNECTION_STRING" \
        BackupFunctions__TaskHub__HubName="bfstartup$variant" \
        BackupFunctions__Keys__FunctionKeys__0="startup-bench-function-key-0123456789" \
        BackupFunctions__Keys__AdminKeys__0="startup-bench-admin-key-0123456789ab" \
        BackupFunctions__Source__ConnectionString="$BF_PG_CONNECTION;Database=postgres" \
        BackupFunctions__Targets__0__Name=local BackupFunctions__Targets__0__Type=filesystem \
        BackupFunctions__Targets__0__Path="$OUT/target" BackupFunctions__Targets__0__CreateIfMissing=true \
        BackupFunctions__Keys__FromEnvironment=true BackupFunctions__Keys__CurrentKeyId=bench BF_KEK_bench="$KEK" \
        "$OUT/host-$variant/BackupFunctions.Host" >"$OUT/host-$variant.log" 2>&1 &
      pid=$!
      for _ in $(seq 600); do
        curl -fs -o /dev/null "http://127.0.0.1:$port/healthz/live" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.02
      done
      t1=$(date +%s.%N)
      if kill -0 "$pid" 2>/dev/null; then
        awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", b - a}' >>"$OUT/samples"
        kill "$pid"; wait "$pid" 2>/dev/null || true
      else
        echo "host ($variant) exited before it answered: see $OUT/host-$variant.log" >&2
        return 1
      fi
    done
    printf '%-28s %-4s wall %6.3f s\n' "host to /healthz/live" "$variant" "$(median <"$OUT/samples")"
  done
}

# The host needs its control database and task hub to start: the repo's own services.
# A failed start must stop here: `eval "$(...)"` alone would hide its exit status.
services_env=$(scripts/services.sh up)
eval "$services_env"
PGPASSWORD="$BF_PG_PASSWORD" "$BF_PG_BIN/psql" -h "$BF_PG_HOST" -p "$BF_PG_PORT" -U "$BF_PG_USER" -d postgres -qc "CREATE DATABASE bf_startup" 2>/dev/null || true

# A throw-away key-encryption key for the host's start-up checks; nothing is encrypted with it.
KEK=$(head -c 32 /dev/urandom | base64)

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs each, medians"
cli_row "backupctl --version" --version
cli_row "backupctl list --help" list --help
host_row || true
printf 'size: backupctl jit %s, r2r %s; host jit %s, r2r %s\n' \
  "$(du -sh "$OUT/backupctl-jit" | cut -f1)" "$(du -sh "$OUT/backupctl-r2r" | cut -f1)" \
  "$(du -sh "$OUT/host-jit" | cut -f1)" "$(du -sh "$OUT/host-r2r" | cut -f1)"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
