#!/usr/bin/env python3
"""Starts work on the host (POST, expects 202 + statusQueryGetUri) and follows the status URL the
Durable Functions way until the orchestration ends, printing each step of its custom status.
usage: follow-orchestration.py URL KEY JSON_BODY [OUTPUT_FIELD]
Prints OUTPUT_FIELD of the output on stdout (if given); progress goes to stderr. Exit 1 unless Completed."""
import json, sys, time, urllib.request, urllib.error

url, key, body = sys.argv[1], sys.argv[2], sys.argv[3]
field = sys.argv[4] if len(sys.argv) > 4 else None
log = lambda *a: print(*a, file=sys.stderr, flush=True)

req = urllib.request.Request(url, data=body.encode(), method="POST",
                             headers={"Content-Type": "application/json", "x-functions-key": key})
try:
    with urllib.request.urlopen(req) as r:
        started = json.load(r)
        status_code = r.status
except urllib.error.HTTPError as e:
    log(f"{url}: HTTP {e.code}: {e.read().decode(errors='replace')}")
    sys.exit(1)
log(f"  {status_code} Accepted: instance {started['id']}")
log(f"  statusQueryGetUri: {started['statusQueryGetUri']}")

last = None
while True:
    req = urllib.request.Request(started["statusQueryGetUri"], headers={"x-functions-key": key})
    try:
        with urllib.request.urlopen(req) as r:
            code, status = r.status, json.load(r)
    except urllib.error.HTTPError as e:
        code, status = e.code, json.loads(e.read() or b"{}")
    custom = status.get("customStatus")
    step = json.dumps(custom, separators=(",", ":")) if custom is not None else None
    if step != last:
        log(f"  [{status.get('runtimeStatus')}] {step}")
        last = step
    if status.get("runtimeStatus") in ("Completed", "Failed", "Terminated"):
        break
    time.sleep(1)

out = status.get("output")
log(f"  HTTP {code}, runtimeStatus {status['runtimeStatus']}")
log("  output: " + json.dumps(out, indent=2).replace("\n", "\n  "))
if status["runtimeStatus"] != "Completed":
    sys.exit(1)
if field:
    print(out[field])
