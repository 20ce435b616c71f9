#!/usr/bin/env python3
"""Trim the real provider schemas to the resource types archgen's templates use.

Writes tests/provider-schemas/<provider>.json so that the conformance test
(tests/provider_schema.rs) runs where ../shared is absent. Re-run after adding a
resource type to a template or changing a pinned provider major:

    scripts/trim-provider-schemas.py [SHARED_PROVIDER_SCHEMAS_DIR]

The version used per provider is the newest stored one whose major matches the
`~> N.x` constraint in templates/terraform/*/versions.tf.tera.
"""
import json
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "..", "shared", "provider-schemas")
index = json.load(open(os.path.join(src, "index.json")))

# provider constraints from the templates
majors = {}
used = {}
for dirpath, _, files in os.walk(os.path.join(root, "templates", "terraform")):
    for f in sorted(files):
        text = open(os.path.join(dirpath, f)).read()
        for name, major in re.findall(r'(\w[\w-]*)\s*=\s*\{[^}]*?version\s*=\s*"~>\s*(\d+)', text, re.S):
            majors[name] = major
        # a block that sets `provider = google-beta` is checked against google-beta
        for m in re.finditer(r'^\s*(resource|data)\s+"([a-z0-9_]+)"[^{]*\{', text, re.M):
            kind, rtype = m.group(1), m.group(2)
            prov = rtype.split("_")[0]
            body = text[m.end():m.end() + 400]
            if prov == "google" and re.search(r'^\s*provider\s*=\s*google-beta', body, re.M):
                prov = "google-beta"
            used.setdefault(prov, {"resource": set(), "data": set()})[kind].add(rtype)

# the conformance test's own self-check uses random_password
used.setdefault("random", {"resource": set(), "data": set()})["resource"].add("random_password")

out_dir = os.path.join(root, "tests", "provider-schemas")
os.makedirs(out_dir, exist_ok=True)
for prov, kinds in sorted(used.items()):
    name = prov
    versions = index.get(name)
    if not versions:
        print(f"skip {prov}: no stored schema", file=sys.stderr)
        continue
    major = majors.get(name) or (majors.get("google") if name == "google-beta" else None)
    candidates = [v for v in versions if major is None or v["version"].split(".")[0] == major]
    candidates.sort(key=lambda v: [int(x) for x in v["version"].split(".")], reverse=True)
    chosen = candidates[0] if candidates else versions[0]
    data = json.load(open(os.path.join(src, chosen["file"])))
    trimmed = {
        "provider": name,
        "provider_version": data["provider_version"],
        "package": data["package"],
        "provider_config": data["provider_config"],
        "resources": {t: data["resources"][t] for t in sorted(kinds["resource"]) if t in data["resources"]},
        "data_sources": {t: data["data_sources"][t] for t in sorted(kinds["data"]) if t in data["data_sources"]},
    }
    missing = sorted((kinds["resource"] - set(data["resources"])) | (kinds["data"] - set(data["data_sources"])))
    trimmed["unknown_types"] = missing
    with open(os.path.join(out_dir, f"{name}.json"), "w") as fh:
        json.dump(trimmed, fh, indent=1, sort_keys=True)
        fh.write("\n")
    print(f"{name} {chosen['version']}: {len(trimmed['resources'])} resources, {len(trimmed['data_sources'])} data sources, {len(missing)} unknown")
