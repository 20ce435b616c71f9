#!/usr/bin/env python3
"""Coverage of the GCP price verification doc.

Runs `ARCHGEN cost examples/<name>/archgen.yaml --provider gcp --env prod --format json` for
every example and sums the monthly cost of the lines whose us-central1 row in
docs/price-verification/gcp.md is verified or corrected, over the prod total.
Usage (from the repository root): python3 scripts/price-coverage-gcp.py [--bin ARCHGEN] [DOC] [-v]
ARCHGEN defaults to target/release/archgen.
"""
import json, glob, os, subprocess, sys, re
from collections import defaultdict

args = sys.argv[1:]
binary = 'target/release/archgen'
if '--bin' in args:
    i = args.index('--bin')
    binary = args[i + 1]
    del args[i:i + 2]
doc = next((a for a in args if not a.startswith('-')), 'docs/price-verification/gcp.md')
verbose = '-v' in sys.argv

status = {}  # (function, line) -> status for us-central1 (first table wins; batch table overrides only if not present)
for ln in open(doc):
    if not ln.startswith('| '):
        continue
    cells = [c.strip() for c in ln.strip().strip('|').split(' | ')]
    if len(cells) < 7 or cells[2] != 'us-central1':
        continue
    key = (cells[0], cells[1])
    status.setdefault(key, cells[5])

tot = 0.0
cov = 0.0
missing = defaultdict(float)
uncovered = defaultdict(float)
for spec in sorted(glob.glob('examples/*/archgen.yaml')):
    out = subprocess.run([binary, 'cost', spec, '--provider', 'gcp', '--env', 'prod', '--format', 'json'],
                         capture_output=True, text=True, check=True).stdout
    for sheet in json.loads(out):
        tot += sheet['total']
        for c in sheet['components']:
            for l in c['lines']:
                key = (c['function'], l['name'])
                st = status.get(key)
                if st in ('verified', 'corrected'):
                    cov += l['monthly']
                elif st is None:
                    missing[key] += l['monthly']
                else:
                    uncovered[(key, st)] += l['monthly']
print(f"covered ${cov:,.2f} of ${tot:,.2f} = {100*cov/tot:.1f}%")
if verbose:
    print('-- lines with no us-central1 row in the doc:')
    for k, v in sorted(missing.items(), key=lambda x: -x[1]):
        print(f"  {v:12,.2f}  {k}")
    print('-- uncovered lines by money:')
    for k, v in sorted(uncovered.items(), key=lambda x: -x[1]):
        print(f"  {v:12,.2f}  {k}")
