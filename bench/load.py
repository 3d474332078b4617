#!/usr/bin/env python3
"""Load against running BackupFunctions hosts on 127.0.0.1 (started by bench/load.sh). Three phases, each bounded:
  tick    one schedule tick of the full backup over N databases (its due time is set by load.sh): waits for the
          due time, then follows each unit's instance (schedule:fullbackup:<due>:<db>) to its end
  burst   N concurrent POST /api/backups for one database (default 200), spread over the hosts; the per-database
          admission limit lets Admission:MaxRunsPerDatabase in and answers 429 + Retry-After to the rest; the
          admitted ones are then terminated, but for one
  reads   GET /api/backups and the status URL of one instance at a target rate (default 1000/s) for a while (60 s),
          spread over the hosts
Prints latency p50/p95/p99/max, status codes, errors, throughput, and each host's VmRSS/VmHWM after each phase.
usage: LOAD_KEY=… LOAD_ADMIN_KEY=… load.py BASE_URLS(comma) HOST_PIDS(comma) BURST_DB TICK_DBS(comma) TICK_DUE
       [--burst N] [--qps Q] [--seconds S]
(the keys come from the environment, so they are not in the process list)"""
import argparse, datetime, http.client, json, os, statistics, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor

p = argparse.ArgumentParser()
for a in ("bases", "pids", "burst_db", "tick_dbs", "tick_due"): p.add_argument(a)
p.add_argument("--burst", type=int, default=200)
p.add_argument("--qps", type=int, default=1000)
p.add_argument("--seconds", type=int, default=60, help="0 skips the reads phase (bench/load.sh runs bf-load-reads instead)")
p.add_argument("--workers", type=int, default=32)
args = p.parse_args()
args.key, args.admin = os.environ["LOAD_KEY"], os.environ["LOAD_ADMIN_KEY"]
HOSTS = []
for b in args.bases.split(","):
    u = urllib.parse.urlparse(b)
    assert u.hostname == "127.0.0.1", "loopback only"
    HOSTS.append((u.hostname, u.port))
PIDS = args.pids.split(",")

def conn(i=0): h, port = HOSTS[i % len(HOSTS)]; return http.client.HTTPConnection(h, port, timeout=60)

def call(c, method, path, body=None, key=None):
    headers = {"x-functions-key": key or args.key}
    if body is not None: headers["Content-Type"] = "application/json"
    t = time.perf_counter()
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse(); data = r.read()
    return r.status, (time.perf_counter() - t) * 1000, data, r.getheader("Retry-After")

def mem():
    out = []
    for pid in PIDS:
        f = dict(l.split(":", 1) for l in open(f"/proc/{pid}/status").read().splitlines() if ":" in l)
        out.append(f"pid {pid}: VmRSS {int(f['VmRSS'].split()[0]) // 1024} MiB, VmHWM {int(f['VmHWM'].split()[0]) // 1024} MiB, threads {f['Threads'].strip()}")
    return "; ".join(out)

def loadavg(): return open("/proc/loadavg").read().split()[:3]

def pct(xs, q): return sorted(xs)[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))] if xs else float("nan")

def report(name, lat, codes, errors, wall):
    n = sum(codes.values())
    print(f"{name}: {n} responses in {wall:.1f} s ({n / wall:.0f}/s), codes {dict(sorted(codes.items()))}, errors {errors}")
    if lat: print(f"  latency ms: p50 {pct(lat, 50):.1f}  p95 {pct(lat, 95):.1f}  p99 {pct(lat, 99):.1f}  max {max(lat):.1f}  mean {statistics.mean(lat):.1f}")
    print(f"  hosts: {mem()}; load average {' '.join(loadavg())}", flush=True)

print(f"hosts before: {mem()}", flush=True)

# ---- tick: the schedule's one due time over every database, followed to the end ----
due = datetime.datetime.strptime(args.tick_due, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
dbs = args.tick_dbs.split(",")
wait = (due - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
if wait > 0: print(f"tick: waiting {wait:.0f} s for the due time {args.tick_due}", flush=True); time.sleep(wait)
def follow(i_db):
    i, db = i_db
    c = conn(i); path = "/runtime/webhooks/durabletask/instances/" + urllib.parse.quote(f"schedule:fullbackup:{args.tick_due}:{db}", safe="")
    give_up = time.time() + 900
    while time.time() < give_up:
        try:
            st, _, body, _ = call(c, "GET", path)
        except Exception:
            c.close(); c = conn(i); time.sleep(1); continue
        if st == 200:
            s = json.loads(body)
            if s.get("runtimeStatus") in ("Completed", "Failed", "Terminated"):
                out = s.get("output") or {}
                created = datetime.datetime.fromisoformat(s["createdTime"].replace("Z", "+00:00"))
                updated = datetime.datetime.fromisoformat(s["lastUpdatedTime"].replace("Z", "+00:00"))
                return db, (out.get("status") if isinstance(out, dict) else None) or s["runtimeStatus"], (updated - created).total_seconds()
        time.sleep(2)
    return db, "not ended in 15 min", 0.0
t0 = time.perf_counter()
with ThreadPoolExecutor(len(dbs)) as ex: runs = list(ex.map(follow, enumerate(dbs)))
wall = time.perf_counter() - t0
durs = [d for _, _, d in runs if d > 0]
outcomes = {}
for _, s, _ in runs: outcomes[s] = outcomes.get(s, 0) + 1
print(f"tick ({len(dbs)} databases in one due time of the full-backup schedule): all ended {wall:.1f} s after the due time, outcomes {outcomes}")
if durs: print(f"  per backup s (created to ended): p50 {pct(durs, 50):.1f}  p95 {pct(durs, 95):.1f}  max {max(durs):.1f}")
print(f"  hosts: {mem()}; load average {' '.join(loadavg())}", flush=True)

# ---- burst: N concurrent starts for one database, each on its own connection, spread over the hosts, released together ----
gate = threading.Barrier(args.burst)
def start_one(i):
    c = conn(i); c.connect(); gate.wait()
    try: return call(c, "POST", "/api/backups", {"kind": "full", "database": args.burst_db})
    except Exception as e: return (None, 0.0, str(e).encode(), None)
    finally: c.close()
t0 = time.perf_counter()
with ThreadPoolExecutor(args.burst) as ex: res = list(ex.map(start_one, range(args.burst)))
wall = time.perf_counter() - t0
codes = {}; lat = []; errors = 0; ids = []; retry_after = {}
for st, ms, data, ra in res:
    if st is None: errors += 1; continue
    codes[st] = codes.get(st, 0) + 1; lat.append(ms)
    if st == 202: ids.append(json.loads(data)["id"])
    if st == 429: retry_after[ra] = retry_after.get(ra, 0) + 1
report(f"burst ({args.burst} concurrent POST /api/backups, database {args.burst_db}, over {len(HOSTS)} hosts)", lat, codes, errors, wall)
print(f"  Retry-After on the 429s: {retry_after}")
others = [d for st, _, d, _ in res if st not in (202, 429, None)]
if others: print(f"  first unexpected body: {others[0][:300].decode(errors='replace')}")
if ids and os.environ.get("LOAD_STATUS_FILE"):
    with open(os.environ["LOAD_STATUS_FILE"], "w") as f: f.write(ids[0])
status_path = f"/runtime/webhooks/durabletask/instances/{urllib.parse.quote(ids[0])}" if ids else None
c = conn(); term = 0
for i in ids[1:]:   # keep the first to finish (the reads query it); stop the rest so they do not load the machine
    st, _, _, _ = call(c, "POST", f"/runtime/webhooks/durabletask/instances/{urllib.parse.quote(i)}/terminate?reason=load-test", key=args.admin)
    term += st in (200, 202, 410)
print(f"  terminated {term} of {len(ids) - 1} admitted extra runs", flush=True)

if args.seconds <= 0: raise SystemExit(0)

# ---- reads (the Python client; bench/load.sh now uses bf-load-reads, which keeps up at 1,000/s): open-loop pacing at --qps over --workers kept-alive connections, spread over the hosts ----
lat, codes, errors, lock = [], {}, 0, threading.Lock()
deadline = time.perf_counter() + args.seconds
interval = args.workers / args.qps
def reader(w):
    global errors
    c = conn(w); nxt = time.perf_counter() + w * interval / args.workers; k = w
    mine, mycodes, myerr = [], {}, 0
    while nxt < deadline and time.perf_counter() < deadline:  # a worker that fell behind its schedule stops at the deadline too
        d = nxt - time.perf_counter()
        if d > 0: time.sleep(d)
        path = "/api/backups?limit=20" if (k % 2 == 0 or not status_path) else status_path
        try:
            st, ms, _, _ = call(c, "GET", path); mine.append(ms); mycodes[st] = mycodes.get(st, 0) + 1
        except Exception:
            myerr += 1; c.close(); c = conn(w)
        k += 1; nxt += interval
    with lock:
        lat.extend(mine); errors += myerr
        for s, n in mycodes.items(): codes[s] = codes.get(s, 0) + n
t0 = time.perf_counter()
ts = [threading.Thread(target=reader, args=(w,)) for w in range(args.workers)]
for t in ts: t.start()
for t in ts: t.join()
report(f"reads (target {args.qps}/s for {args.seconds} s over {len(HOSTS)} hosts: GET /api/backups?limit=20 and an instance status, alternating)", lat, codes, errors, time.perf_counter() - t0)
