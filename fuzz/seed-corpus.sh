#!/usr/bin/env bash
# Seeds fuzz/corpus/generate_bytes/ with every example spec and every invalid fixture.
# The copies are not committed (fuzz/corpus is ignored); rerun after adding examples.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
corpus="$root/fuzz/corpus/generate_bytes"
mkdir -p "$corpus"
count=0
for spec in "$root"/examples/*/archgen.yaml; do
  cp "$spec" "$corpus/example-$(basename "$(dirname "$spec")").yaml"
  count=$((count + 1))
done
for spec in "$root"/tests/fixtures/invalid/*.yaml; do
  cp "$spec" "$corpus/invalid-$(basename "$spec")"
  count=$((count + 1))
done
echo "seeded $count files into ${corpus#"$root"/}"
