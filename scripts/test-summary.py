#!/usr/bin/env python3
"""Merges the per-project cobertura reports (a line counts as covered if any test project hit it)
and the TRX results, then prints line coverage per src/ project and one 'N passed, N failed' line."""
import glob, os, sys, xml.etree.ElementTree as ET
from collections import defaultdict

results = sys.argv[1] if len(sys.argv) > 1 else "TestResults"
lines = defaultdict(dict)  # file -> line -> hits
for path in glob.glob(os.path.join(results, "**", "coverage.cobertura.xml"), recursive=True):
    root = ET.parse(path).getroot()
    sources = [s.text or "" for s in root.iter("source")]
    for cls in root.iter("class"):
        name = cls.get("filename", "")
        full = name if os.path.isabs(name) else os.path.join(sources[0] if sources else "", name)
        if "/src/" not in full or "/obj/" in full:
            continue
        for ln in cls.iter("line"):
            n = int(ln.get("number"))
            lines[full][n] = max(lines[full].get(n, 0), int(ln.get("hits", "0")))

per_project = defaultdict(lambda: [0, 0])
for f, ls in lines.items():
    proj = f.split("/src/", 1)[1].split("/", 1)[0]
    per_project[proj][0] += sum(1 for h in ls.values() if h > 0)
    per_project[proj][1] += len(ls)
if per_project:
    print("\nLine coverage of src/ (merged over all test projects):")
    tc = tt = 0
    for proj in sorted(per_project):
        c, t = per_project[proj]
        tc += c; tt += t
        print(f"  {proj:32} {100.0 * c / t:5.1f}%  ({c}/{t} lines)")
    print(f"  {'TOTAL':32} {100.0 * tc / tt:5.1f}%  ({tc}/{tt} lines)")

passed = failed = skipped = 0
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
for path in glob.glob(os.path.join(results, "**", "*.trx"), recursive=True):
    c = ET.parse(path).getroot().find(f"{ns}ResultSummary/{ns}Counters")
    if c is not None:
        passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0))
        skipped += int(c.get("notExecuted", 0))
print(f"\n{passed} passed, {failed} failed, {skipped} skipped")
