#!/usr/bin/env bash
# Host memory over repeated backups: one long-lived Release host, N full backups of one database in a
# row (POST /api/backups, followed to the end), the host's VmHWM and VmRSS after each, and where its
# resident memory sits at the end (smaps_rollup, then the mappings by RSS, and what grew since idle).
#
#   bench/host-memory.sh [--db NAME] [--count N] [--commit REF | --worktree] [--publish] [--keep] [--gcdump] [VAR=VALUE ...]
#
#   --db NAME   the database to back up (default bench_1gb). When .services/bench/clusters/NAME exists
#               (loaded by `bench/run.sh --size default|large`), that throwaway cluster is used, started
#               on BF_HM_PG_PORT (default 55498) if it is not already running, and stopped again at the
#               end if this script started it. Otherwise NAME is a database on scripts/services.sh's server.
#   --count N   backups in a row (default 5).
#   --commit REF  build the host at REF (default HEAD, as bench/run.sh), to compare variants on one build.
#   --worktree  build the host from the working tree instead.
#   --publish   run the host as scripts/publish.sh ships it (dotnet publish -r linux-x64: ReadyToRun) instead of a
#               plain Release build; precompiled code is file-mapped rather than JIT-compiled into memfd:doublemapper.
#   --keep      keep the copies in the targets (by default the local directory, the S3 prefix
#               "host-memory" and the Azure container "host-memory" are removed at the end).
#   --gcdump    after the last backup (and after its smaps snapshot, so the figures above are untouched), take a
#               heap dump with dotnet-gcdump (BF_HM_GCDUMP_TOOL, default dotnet-gcdump on PATH) and print the
#               largest types by size: which managed objects the end-of-run heap holds (it forces a full GC).
#   VAR=VALUE   set in the host's environment only, to compare variants, e.g.
#               MALLOC_ARENA_MAX=2 DOTNET_EnableWriteXorExecute=0 DOTNET_TieredPGO=0 DOTNET_GCConserveMemory=5
#
# Targets, keys and the host are configured as in bench/run.sh (local + s3rver + Azurite, the bench
# key file .services/bench/kek.json), but under their own prefix, container and port (BF_HM_HOST_PORT,
# default 7198) so a bench/run.sh at the same time does not collide. Output: one line per backup, then
# the breakdown; the same goes to .services/host-memory/<timestamp>.log.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

DB=bench_1gb
COUNT=5
WORKTREE=0
REF=HEAD
KEEP=0
GCDUMP=0
PUBLISH=0
EXTRA_ENV=()
while [ $# -gt 0 ]; do
  case "$1" in
    --db) DB=$2; shift 2 ;;
    --count) COUNT=$2; shift 2 ;;
    --worktree) WORKTREE=1; shift ;;
    --commit) REF=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --gcdump) GCDUMP=1; shift ;;
    --publish) PUBLISH=1; shift ;;
    [A-Za-z_]*=*) EXTRA_ENV+=("$1"); shift ;;
    *) echo "usage: bench/host-memory.sh [--db NAME] [--count N] [--commit REF | --worktree] [--publish] [--keep] [--gcdump] [VAR=VALUE ...]" >&2; exit 2 ;;
  esac
done

SERVICES_ENV=$(scripts/services.sh up) || { echo "scripts/services.sh up failed; see above" >&2; exit 1; }
eval "$SERVICES_ENV"
scripts/ensure-dotnet.sh

PG_BIN=/usr/lib/postgresql/15/bin
export PATH="$PG_BIN:$PATH"
BENCH="$ROOT/.services/bench"
HM="$ROOT/.services/host-memory"
W="$HM/work"
mkdir -p "$HM"; rm -rf "$W"; mkdir -p "$W"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$HM/$STAMP.log"
say() { echo "$*" | tee -a "$OUT"; }
as_pg() { runuser -u postgres -- "$@"; }
export PGPASSWORD=postgres

HOST_PID=
STARTED_DATA=
cleanup() {
  if [ -n "$HOST_PID" ]; then kill "$HOST_PID" 2>/dev/null || true; wait "$HOST_PID" 2>/dev/null || true; fi
  [ -n "$STARTED_DATA" ] && as_pg "$PG_BIN/pg_ctl" -D "$STARTED_DATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$W/local-backups" "$W/staging"
  if [ "$KEEP" = 0 ]; then
    rm -rf "$ROOT/.services/s3/backups/host-memory"
    delete_azure_container host-memory || true
  fi
}
trap cleanup EXIT

# Azurite container removal (SharedKey over REST; the account key is Azurite's public development key).
delete_azure_container() {
  BF_AZ="$BF_AZURITE_CONNECTION_STRING" python3 - "$1" <<'PY'
import base64, hashlib, hmac, os, sys, urllib.request, urllib.error
from email.utils import formatdate
cs = dict(p.split("=", 1) for p in os.environ["BF_AZ"].strip(";").split(";"))
acct, key, ep = cs["AccountName"], base64.b64decode(cs["AccountKey"]), cs["BlobEndpoint"].rstrip("/")
name = sys.argv[1]
date, ver = formatdate(usegmt=True), "2021-08-06"
canon_headers = f"x-ms-date:{date}\nx-ms-version:{ver}\n"
canon_res = f"/{acct}/{acct}/{name}\nrestype:container"
sts = "DELETE\n" + "\n" * 11 + canon_headers + canon_res
sig = base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha256).digest()).decode()
req = urllib.request.Request(f"{ep}/{name}?restype=container", method="DELETE",
    headers={"x-ms-date": date, "x-ms-version": ver, "Authorization": f"SharedKey {acct}:{sig}"})
try:
    urllib.request.urlopen(req).close()
except urllib.error.HTTPError as e:
    if e.code != 404: print(f"azurite: deleting container {name}: HTTP {e.code}", file=sys.stderr)
PY
}

# ---- the database ------------------------------------------------------------------------------
if [ -d "$BENCH/clusters/$DB" ]; then
  CL=$(readlink -f "$BENCH/clusters")
  data="$CL/$DB/data"; sock="$CL/$DB/sock"
  [ -f "$CL/$DB/loaded" ] || { echo "$DB's cluster is not loaded; run bench/run.sh first" >&2; exit 1; }
  if as_pg "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    PORT=$(sed -n 4p "$data/postmaster.pid")
    echo "== $DB: its cluster is already running on port $PORT; using it as it is" >&2
  else
    PORT=${BF_HM_PG_PORT:-55498}
    if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then echo "port $PORT is in use; set BF_HM_PG_PORT" >&2; exit 1; fi
    mkdir -p "$sock"; chown postgres:postgres "$sock"
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$CL/$DB/server.log" -o "-p $PORT" -w -t 120 start >/dev/null
    STARTED_DATA=$data
  fi
  CONN="Host=127.0.0.1;Port=$PORT;Username=postgres;Password=postgres"
  CONTROL_DB=bench_control
else
  PORT=$BF_PG_PORT
  CONN="$BF_PG_CONNECTION"
  export PGPASSWORD="$BF_PG_PASSWORD"
  CONTROL_DB=host_memory_control
fi
PSQL=(psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q -X)
"${PSQL[@]}" -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 || { echo "no database '$DB' on port $PORT" >&2; exit 1; }
"${PSQL[@]}" -At -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$CONTROL_DB'" | grep -q 1 ||
  "${PSQL[@]}" -d postgres -c "CREATE DATABASE $CONTROL_DB"
DBSIZE=$("${PSQL[@]}" -At -d postgres -c "SELECT pg_database_size('$DB')")

# ---- build (HEAD by default, as bench/run.sh does) -----------------------------------------------
git rev-parse --verify -q "$REF^{commit}" >/dev/null || { echo "--commit: no commit '$REF'" >&2; exit 2; }
if [ "$WORKTREE" = 1 ]; then
  COMMIT="$(git rev-parse --short HEAD) + working tree"
  SRC="$ROOT"
else
  COMMIT=$(git rev-parse --short "$REF")
  rm -rf "$HM/src.new"; mkdir -p "$HM/src.new"
  git archive "$COMMIT" src Directory.Build.props Directory.Packages.props host.json | tar -x -C "$HM/src.new"
  if [ -d "$HM/src" ] && diff -rq "$HM/src.new" "$HM/src" -x bin -x obj >/dev/null 2>&1; then rm -rf "$HM/src.new"
  else rm -rf "$HM/src"; mv "$HM/src.new" "$HM/src"; fi
  SRC="$HM/src"
fi
echo "== building backupctl and the host (Release) at $COMMIT" >&2
dotnet build "$SRC/src/BackupFunctions.Cli" -c Release -o "$HM/bin" --nologo -v q -clp:ErrorsOnly >&2
if [ "$PUBLISH" = 1 ]; then
  rm -rf "$HM/host"
  dotnet publish "$SRC/src/BackupFunctions.Host" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
    -o "$HM/host" --nologo -v q -clp:ErrorsOnly >&2
  BUILD_KIND="published ReadyToRun"
else
  dotnet build "$SRC/src/BackupFunctions.Host" -c Release -o "$HM/host" --nologo -v q -clp:ErrorsOnly >&2
  BUILD_KIND="Release build"
fi

# ---- targets, keys, host (as bench/run.sh) -------------------------------------------------------
FUNCTION_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
HOST_URL=http://127.0.0.1:${BF_HM_HOST_PORT:-7198}
cat >"$W/backupfunctions.json" <<JSON
{
  "BackupFunctions": {
    "Source": { "ConnectionString": "$CONN;Database=$DB" },
    "Keys": { "KeyFile": "$BENCH/kek.json", "FunctionKeys": ["$FUNCTION_KEY"], "AdminKeys": ["$FUNCTION_KEY"] },
    "StagingDirectory": "$W/staging",
    "Control": { "ConnectionString": "$CONN;Database=$CONTROL_DB" },
    "TaskHub": { "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "HubName": "hostmemory" },
    "Host": { "Urls": "$HOST_URL", "RunTimers": false },
    "Targets": [
      { "Name": "local", "Type": "filesystem", "Path": "$W/local-backups" },
      { "Name": "s3", "Type": "s3", "ServiceUrl": "$BF_S3_SERVICE_URL", "Region": "$BF_S3_REGION", "Bucket": "backups", "Prefix": "host-memory",
        "AccessKey": "$BF_S3_ACCESS_KEY", "SecretKey": "$BF_S3_SECRET_KEY", "ForcePathStyle": true },
      { "Name": "azure", "Type": "azureblob", "ConnectionString": "$BF_AZURITE_CONNECTION_STRING", "Container": "host-memory" }
    ]
  }
}
JSON
chmod 600 "$W/backupfunctions.json"
backupctl() { dotnet "$HM/bin/backupctl.dll" --config "$W/backupfunctions.json" "$@"; }
mkdir -p "$BENCH"
[ -f "$BENCH/kek.json" ] || backupctl keys new --id bench-key --out "$BENCH/kek.json" >/dev/null
backupctl targets init >/dev/null

if (exec 3<>"/dev/tcp/127.0.0.1/${HOST_URL##*:}") 2>/dev/null; then echo "port ${HOST_URL##*:} is in use; set BF_HM_HOST_PORT" >&2; exit 1; fi
env "${EXTRA_ENV[@]}" BACKUPFUNCTIONS_CONFIG="$W/backupfunctions.json" nohup dotnet "$HM/host/BackupFunctions.Host.dll" >"$W/host.log" 2>&1 &
HOST_PID=$!
for _ in $(seq 1 240); do curl -fs "$HOST_URL/healthz/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$HOST_URL/healthz/ready" >/dev/null || { echo "host did not become ready; see $W/host.log" >&2; tail -20 "$W/host.log" >&2; exit 1; }

kib() { awk -v k="$1" '/^'"$1"':/ {print $2}' "/proc/$HOST_PID/status"; }
mib() { awk -v v="$1" 'BEGIN { printf "%.0f", v / 1024 }'; }
# smaps aggregated by mapping name (anonymous mappings: [anon]; the GC's and the runtime's reservations are anonymous)
smaps_by_name() { # file -> "rss_kib anon_kib count name" lines, biggest first
  awk '
    /^[0-9a-f]+-[0-9a-f]+ / { n = (NF >= 6) ? $6 : "[anon]"; for (i = 7; i <= NF; i++) n = n " " $i; cnt[n]++; next }
    /^Rss:/ { rss[n] += $2; next }
    /^Anonymous:/ { an[n] += $2; next }
    END { for (k in rss) printf "%d %d %d %s\n", rss[k], an[k], cnt[k], k }' "$1" | sort -k1,1nr
}
cpu_s() { awk '{ printf "%.2f", ($14 + $15 + $16 + $17) / 100 }' "/proc/$HOST_PID/stat"; }  # host + waited-for children (pg_dump), CLK_TCK 100
# The resident memory's three growing parts, MiB: GC regions (4 MiB-aligned anonymous rw), glibc malloc arenas
# (64 MiB-aligned heaps), JIT-compiled code (memfd:doublemapper). The same heuristic as the end-of-run table below.
parts() {
  python3 - "/proc/$HOST_PID/smaps" <<'PY'
import re, sys
maps = []
for line in open(sys.argv[1]):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
    if m: maps.append([int(m[1], 16), int(m[2], 16), m[3], m[4].strip(), 0])
    elif line.startswith("Rss:"): maps[-1][4] = int(line.split()[1])
MB = 1 << 20
gc = arena = jit = 0
for i, (start, end, perms, name, rss) in enumerate(maps):
    if "doublemapper" in name: jit += rss; continue
    if name or "w" not in perms: continue
    nxt = maps[i + 1] if i + 1 < len(maps) else None
    tail = nxt[1] - nxt[0] if nxt and nxt[0] == end and not nxt[3] and nxt[2].startswith("---") else 0
    if start % (64 * MB) == 0 and end - start + tail == 64 * MB: arena += rss
    elif start % (4 * MB) == 0: gc += rss
print(f"{gc / 1024:.0f} {arena / 1024:.0f} {jit / 1024:.0f}")
PY
}
snap() { cp "/proc/$HOST_PID/smaps" "$W/smaps.$1"; cp "/proc/$HOST_PID/smaps_rollup" "$W/smaps_rollup.$1"; }

say "# bench/host-memory.sh $(date -u '+%Y-%m-%d %H:%M UTC'), host $BUILD_KIND at $COMMIT, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "# database $DB ($(numfmt --to=iec "$DBSIZE")B on disk), $COUNT backups to local + S3 + Azure, host env: ${EXTRA_ENV[*]:-(defaults)}"
snap idle
say "$(printf '%-8s %8s %7s %9s %9s %9s %9s %5s %6s %5s %8s %7s  %s' backup wall_s cpu_s VmHWM_MiB VmRSS_MiB RssAnon RssFile GC malloc JIT Threads status backupId)"
read -r gc arena jit <<<"$(parts)"
say "$(printf '%-8s %8s %7s %9s %9s %9s %9s %5s %6s %5s %8s %7s' idle - - "$(mib "$(kib VmHWM)")" "$(mib "$(kib VmRSS)")" "$(mib "$(kib RssAnon)")" "$(mib "$(kib RssFile)")" "$gc" "$arena" "$jit" "$(kib Threads)" -)"
HWMS=()
for ((i = 1; i <= COUNT; i++)); do
  t0=$(date +%s.%N); c0=$(cpu_s)
  if id=$(scripts/follow-orchestration.py "$HOST_URL/api/backups" "$FUNCTION_KEY" "{\"kind\":\"full\",\"database\":\"$DB\"}" backupId 2>>"$W/follow.log"); then st=ok; else st=FAILED; id=-; fi
  t1=$(date +%s.%N); c1=$(cpu_s)
  hwm=$(kib VmHWM); HWMS+=("$(mib "$hwm")")
  read -r gc arena jit <<<"$(parts)"
  say "$(printf '%-8s %8.1f %7.1f %9s %9s %9s %9s %5s %6s %5s %8s %7s  %s' "$i" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')" "$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}')" "$(mib "$hwm")" "$(mib "$(kib VmRSS)")" "$(mib "$(kib RssAnon)")" "$(mib "$(kib RssFile)")" "$gc" "$arena" "$jit" "$(kib Threads)" "$st" "$id")"
  [ "$st" = ok ] || { tail -30 "$W/follow.log" >&2; tail -30 "$W/host.log" >&2; }
  rm -rf "$W/local-backups"   # the local copies would only fill the disk; the host is what is measured
done
snap end
PEAK_KIB=$(kib VmHWM)   # before the heap dump, whose own work would raise it
if [ "$GCDUMP" = 1 ]; then
  "${BF_HM_GCDUMP_TOOL:-dotnet-gcdump}" collect -p "$HOST_PID" -o "$W/end.gcdump" >/dev/null
  say ""
  say "## managed heap at the end, largest types (dotnet-gcdump, after its full GC)"
  "${BF_HM_GCDUMP_TOOL:-dotnet-gcdump}" report "$W/end.gcdump" | head -25 | tee -a "$OUT"
fi

say ""
say "VmHWM MiB after each backup: ${HWMS[*]} (peak $(mib "$PEAK_KIB") MiB = $(awk -v k="$PEAK_KIB" 'BEGIN{printf "%.0f", k*1024/1e6}') MB)"
# The host compacts its heap and trims malloc when it goes idle after work (Host:ReleaseMemoryWhenIdle, event 1300);
# back-to-back backups leave it about a second for that, so say how often it happened.
say "memory given back when idle (event 1300): $(grep -c 'Idle after work' "$W/host.log" || true) times; $(grep 'Idle after work' "$W/host.log" | sed 's/.*(working set \(.*\))/\1/' | paste -sd, - || true)"
say ""
say "## smaps_rollup (kB): idle → end"
paste "$W/smaps_rollup.idle" "$W/smaps_rollup.end" | awk '$1 ~ /^(Rss|Pss_Anon|Pss_File|Anonymous|Private_Dirty|Private_Clean|Shared_Clean|Swap):$/ {printf "  %-15s %9d → %9d  (%+d)\n", $1, $2, $5, $5 - $2}' | tee -a "$OUT"
say ""
say "## top mappings by RSS at the end (grouped by name; MiB)"
say "$(printf '  %8s %8s %6s  %s' rss anon count name)"
smaps_by_name "$W/smaps.end" | awk 'NR <= 15' | awk '{n=$4; for(i=5;i<=NF;i++) n=n" "$i; printf "  %8.1f %8.1f %6d  %s\n", $1/1024, $2/1024, $3, n}' | tee -a "$OUT"
say ""
say "## largest single mappings at the end (MiB RSS, MiB size, range, perms, name)"
awk '/^[0-9a-f]+-[0-9a-f]+ / { r = $1; p = $2; n = (NF >= 6) ? $6 : "[anon]"; next }
     /^Size:/ { sz = $2; next } /^Rss:/ { if ($2 > 0) printf "%d %d %s %s %s\n", $2, sz, r, p, n }' "$W/smaps.end" |
  sort -k1,1nr | awk 'NR <= 12 {printf "  %8.1f %8.1f  %s %s %s\n", $1/1024, $2/1024, $3, $4, $5}' | tee -a "$OUT"
say ""
say "## what grew from idle to the end (by name; MiB RSS)"
join -t'|' -a2 -e0 -o '0,1.2,2.2' \
  <(smaps_by_name "$W/smaps.idle" | awk '{n=$4; for(i=5;i<=NF;i++) n=n" "$i; print n "|" $1}' | sort -t'|' -k1,1) \
  <(smaps_by_name "$W/smaps.end" | awk '{n=$4; for(i=5;i<=NF;i++) n=n" "$i; print n "|" $1}' | sort -t'|' -k1,1) |
  awk -F'|' '{d = $3 - $2; if (d > 1024 || d < -1024) printf "%d|%s|%d|%d\n", d, $1, $2, $3}' | sort -t'|' -k1,1nr |
  awk -F'|' '{printf "  %+8.1f  (%7.1f → %7.1f)  %s\n", $1/1024, $3/1024, $4/1024, $2}' | tee -a "$OUT"
# Anonymous memory by likely owner. A glibc malloc arena (other than the main [heap]) is a 64 MiB-aligned
# reservation whose used part is rw-p; the GC's regions are 4 MiB-aligned pieces of its one big reservation.
# A heuristic from addresses and sizes, not an attribution the runtime reports.
say ""
say "## anonymous rw memory by likely owner (idle → end, MiB RSS)"
anon_classes() {
  python3 - "$1" <<'PY'
import re, sys
maps = []  # [start, end, perms, name, rss_kb]
for line in open(sys.argv[1]):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
    if m: maps.append([int(m[1], 16), int(m[2], 16), m[3], m[4].strip(), 0])
    elif line.startswith("Rss:"): maps[-1][4] = int(line.split()[1])
cls = {}
MB = 1 << 20
for i, (start, end, perms, name, rss) in enumerate(maps):
    if name or "w" not in perms: continue
    nxt = maps[i + 1] if i + 1 < len(maps) else None
    tail = nxt[1] - nxt[0] if nxt and nxt[0] == end and not nxt[3] and nxt[2].startswith("---") else 0
    if start % (64 * MB) == 0 and end - start + tail == 64 * MB: c = "glibc malloc arenas (64 MiB-aligned heaps)"
    elif start % (4 * MB) == 0: c = "GC regions and other 4 MiB-aligned"
    elif end - start <= 8 * MB + 8192: c = "other <= 8 MiB (thread stacks, runtime)"
    else: c = "other > 8 MiB"
    k = cls.setdefault(c, [0, 0]); k[0] += 1; k[1] += rss
for k, (n, kb) in sorted(cls.items()): print(f"{k}|{n}|{kb}")
PY
}
join -t'|' -a1 -a2 -e0 -o '0,1.2,1.3,2.2,2.3' <(anon_classes "$W/smaps.idle" | sort) <(anon_classes "$W/smaps.end" | sort) |
  awk -F'|' '{printf "  %-55s %4d → %4d mappings  %7.1f → %7.1f MiB\n", $1, $2, $4, $3/1024, $5/1024}' | tee -a "$OUT"
echo "log: $OUT; smaps: $W/smaps.{idle,end}" >&2
