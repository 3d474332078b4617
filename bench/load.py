#!/usr/bin/env python3
"""Load against a running BackupFunctions host on 127.0.0.1 (started by bench/load.sh). Three phases, each bounded:
  burst   N concurrent POST /api/backups for one database (default 200); the accepted ones are then terminated
  reads   GET /api/backups and the status URL of one instance at a target rate (default 1000/s) for a while (60 s)
  fanout  one POST /api/backups per database, all at once, followed to the end
Prints latency p50/p95/p99/max, status codes, errors, throughput, and the host's VmRSS/VmHWM after each phase.
usage: LOAD_KEY=… LOAD_ADMIN_KEY=… load.py BASE_URL HOST_PID BURST_DB FANOUT_DBS(comma) [--burst N] [--qps Q] [--seconds S]
(the keys come from the environment, so they are not in the process list)"""
import argparse, http.client, json, os, statistics, sys, threading, time, urllib.parse
from concurrent.futures import ThreadPoolExecutor

p = argparse.ArgumentParser()
for a in ("base", "pid", "burst_db", "fanout_dbs"): p.add_argument(a)
p.add_argument("--burst", type=int, default=200)
p.add_argument("--qps", type=int, default=1000)
p.add_argument("--seconds", type=int, default=60)
p.add_argument("--workers", type=int, default=32)
args = p.parse_args()
args.key, args.admin = os.environ["LOAD_KEY"], os.environ["LOAD_ADMIN_KEY"]
u = urllib.parse.urlparse(args.base)
HOST, PORT = u.hostname, u.port
assert HOST == "127.0.0.1", "loopback only"

def conn(): return http.client.HTTPConnection(HOST, PORT, timeout=60)

def call(c, method, path, body=None, key=None):
    headers = {"x-functions-key": key or args.key}
    if body is not None: headers["Content-Type"] = "application/json"
    t = time.perf_counter()
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse(); data = r.read()
    return r.status, (time.perf_counter() - t) * 1000, data

def mem():
    f = dict(l.split(":", 1) for l in open(f"/proc/{args.pid}/status").read().splitlines() if ":" in l)
    return f"VmRSS {int(f['VmRSS'].split()[0]) // 1024} MiB, VmHWM {int(f['VmHWM'].split()[0]) // 1024} MiB, threads {f['Threads'].strip()}"

def pct(xs, q): return sorted(xs)[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))] if xs else float("nan")

def report(name, lat, codes, errors, wall):
    n = sum(codes.values())
    print(f"{name}: {n} responses in {wall:.1f} s ({n / wall:.0f}/s), codes {dict(sorted(codes.items()))}, errors {errors}")
    if lat: print(f"  latency ms: p50 {pct(lat, 50):.1f}  p95 {pct(lat, 95):.1f}  p99 {pct(lat, 99):.1f}  max {max(lat):.1f}  mean {statistics.mean(lat):.1f}")
    print(f"  host: {mem()}", flush=True)

print(f"host before: {mem()}", flush=True)

# ---- burst: N concurrent starts for one database, each on its own connection, released together ----
gate = threading.Barrier(args.burst)
def start_one(_):
    c = conn(); c.connect(); gate.wait()
    try: return call(c, "POST", "/api/backups", {"kind": "full", "database": args.burst_db})
    except Exception as e: return (None, 0.0, str(e).encode())
    finally: c.close()
t0 = time.perf_counter()
with ThreadPoolExecutor(args.burst) as ex: res = list(ex.map(start_one, range(args.burst)))
wall = time.perf_counter() - t0
codes = {}; lat = []; errors = 0; ids = []
for st, ms, data in res:
    if st is None: errors += 1; continue
    codes[st] = codes.get(st, 0) + 1; lat.append(ms)
    if st == 202: ids.append(json.loads(data)["id"])
report(f"burst ({args.burst} concurrent POST /api/backups, database {args.burst_db})", lat, codes, errors, wall)
others = [d for st, _, d in res if st not in (202, None)]
if others: print(f"  first non-202 body: {others[0][:300].decode(errors='replace')}")
status_path = f"/runtime/webhooks/durabletask/instances/{urllib.parse.quote(ids[0])}" if ids else None
c = conn(); term = 0
for i in ids[1:]:   # keep the first to finish (the reads query it); stop the rest so they do not load the machine
    st, _, _ = call(c, "POST", f"/runtime/webhooks/durabletask/instances/{urllib.parse.quote(i)}/terminate?reason=load-test", key=args.admin)
    term += st in (200, 202, 410)
print(f"  terminated {term} of {len(ids) - 1} accepted extra runs", flush=True)

# ---- reads: open-loop pacing at --qps over --workers kept-alive connections ----
lat, codes, errors, lock = [], {}, 0, threading.Lock()
deadline = time.perf_counter() + args.seconds
interval = args.workers / args.qps
def reader(w):
    global errors
    c = conn(); nxt = time.perf_counter() + w * interval / args.workers; k = w
    mine, mycodes, myerr = [], {}, 0
    while nxt < deadline and time.perf_counter() < deadline:  # a worker that fell behind its schedule stops at the deadline too
        d = nxt - time.perf_counter()
        if d > 0: time.sleep(d)
        path = "/api/backups?limit=20" if (k % 2 == 0 or not status_path) else status_path
        try:
            st, ms, _ = call(c, "GET", path); mine.append(ms); mycodes[st] = mycodes.get(st, 0) + 1
        except Exception:
            myerr += 1; c.close(); c = conn()
        k += 1; nxt += interval
    with lock:
        lat.extend(mine); errors += myerr
        for s, n in mycodes.items(): codes[s] = codes.get(s, 0) + n
t0 = time.perf_counter()
ts = [threading.Thread(target=reader, args=(w,)) for w in range(args.workers)]
for t in ts: t.start()
for t in ts: t.join()
report(f"reads (target {args.qps}/s for {args.seconds} s: GET /api/backups?limit=20 and an instance status, alternating)", lat, codes, errors, time.perf_counter() - t0)

# ---- fanout: one backup per database, all at once, followed to the end ----
dbs = args.fanout_dbs.split(",")
def backup(db):
    c = conn(); t = time.perf_counter()
    st, ms, data = call(c, "POST", "/api/backups", {"kind": "full", "database": db})
    if st != 202: return db, f"HTTP {st}", 0.0
    path = urllib.parse.urlparse(json.loads(data)["statusQueryGetUri"]).path
    while True:
        time.sleep(1)
        _, _, body = call(c, "GET", path)
        s = json.loads(body)
        if s.get("runtimeStatus") in ("Completed", "Failed", "Terminated"):
            out = s.get("output") or {}
            return db, (out.get("status") if isinstance(out, dict) else None) or s["runtimeStatus"], time.perf_counter() - t
t0 = time.perf_counter()
with ThreadPoolExecutor(len(dbs)) as ex: runs = list(ex.map(backup, dbs))
wall = time.perf_counter() - t0
durs = [d for _, _, d in runs if d > 0]
outcomes = {}
for _, s, _ in runs: outcomes[s] = outcomes.get(s, 0) + 1
print(f"fanout ({len(dbs)} databases at once): all ended in {wall:.1f} s, outcomes {outcomes}")
if durs: print(f"  per backup s: p50 {pct(durs, 50):.1f}  p95 {pct(durs, 95):.1f}  max {max(durs):.1f}")
print(f"  host: {mem()}", flush=True)
