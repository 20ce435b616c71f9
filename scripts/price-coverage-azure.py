#!/usr/bin/env python3
"""Share of the Azure prod totals of the 13 examples carried by verified or corrected lines.

Usage (from the repository root): python3 scripts/price-coverage-azure.py [DOC] [ARCHGEN] [-v]
(DOC defaults to docs/price-verification/azure.md, ARCHGEN to target/release/archgen.)
Runs `ARCHGEN cost examples/<name>/archgen.yaml --provider azure --env prod --format json` for each
example, matches every priced line (monthly > 0) to the line-by-line table of DOC by
(function, line name without the trailing "[attr=...]" part, region), and sums the monthly amounts of
lines whose status starts with "verified" or "corrected". The batch_compute pool-node lines are matched
to the separate "Lines added after this pass" table by vm size (status "eastus verified ...").
"""
import json, re, subprocess, sys, glob, os, collections

ARGS = [a for a in sys.argv[1:] if not a.startswith("-")]
DOC = ARGS[0] if len(ARGS) > 0 else "docs/price-verification/azure.md"
BIN = ARGS[1] if len(ARGS) > 1 else "target/release/archgen"
EX = "examples"

rows = collections.defaultdict(list)   # (function, base line, region) -> [(attrs, status)]
batch = {}                              # vm size -> status text
section = None
for line in open(DOC):
    if line.startswith("## "):
        section = line.strip()
    if not line.startswith("| ") or line.startswith("| ---") or line.startswith("| function"):
        continue
    cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
    if section == "## Line by line" and len(cells) >= 7:
        fn, name, region, _old, _pub, status = cells[:6]
        m = re.match(r"^(.*?)(?: \[(.*)\])?$", name)
        rows[(fn, m.group(1), region)].append((m.group(2) or "", status))
    elif section and section.startswith("## Lines added") and len(cells) >= 6 and cells[0] == "batch_compute":
        batch[cells[1]] = cells[4]

def covered(status):
    return status.startswith("verified") or status.startswith("corrected")

total = cov = 0.0
unmatched = []
per_status = collections.Counter()
unver = collections.Counter()
for ex in sorted(os.listdir(EX)):
    y = os.path.join(EX, ex, "archgen.yaml")
    if not os.path.exists(y):
        continue
    out = subprocess.run([BIN, "cost", y, "--provider", "azure", "--env", "prod", "--format", "json"],
                         capture_output=True, text=True, check=True).stdout
    for est in json.loads(out):
        region = est["region"]
        for c in est["components"]:
            for l in c["lines"]:
                amt = l.get("monthly", 0.0)
                if not amt:
                    continue
                total += amt
                fn, name = c["function"], l["name"]
                st = None
                if fn == "batch_compute":
                    m = re.search(r"(Standard_\w+)", name)
                    st = batch.get(m.group(1)) if m else None
                    ok = st is not None and st.startswith(region + " verified")
                else:
                    cand = rows.get((fn, name, region))
                    if cand:
                        sts = {s for _a, s in cand}
                        # rows sharing a base name differ only by attributes; all must agree
                        ok = all(covered(s) for s in sts)
                        st = "/".join(sorted(sts))
                    else:
                        ok = False
                if st is None:
                    unmatched.append((ex, fn, name, amt))
                per_status[ok] += amt
                if ok:
                    cov += amt
                else:
                    unver[(fn, name, region)] += amt

print(f"total prod (13 examples): {total:,.2f}")
print(f"verified or corrected:    {cov:,.2f}  = {100*cov/total:.1f}%")
print(f"unmatched lines: {len(unmatched)}")
for u in unmatched:
    print("  UNMATCHED", u)
if "-v" in sys.argv:
    for k, v in unver.most_common(40):
        print(f"  {v:12,.2f}  {k}")
