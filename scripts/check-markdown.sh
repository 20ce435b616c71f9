#!/usr/bin/env bash
# Lints the Markdown of a generated output directory with markdownlint-cli2 (pinned), using the
# repository's .markdownlint-cli2.jsonc. Installs the linter into a cache directory on first use.
#   scripts/check-markdown.sh DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${1:?usage: scripts/check-markdown.sh DIR}"
version=0.20.0
prefix="${XDG_CACHE_HOME:-$HOME/.cache}/archgen-markdownlint-$version"
bin="$prefix/node_modules/.bin/markdownlint-cli2"
if [ ! -x "$bin" ]; then
  mkdir -p "$prefix"
  npm install --no-audit --no-fund --loglevel=error --prefix "$prefix" "markdownlint-cli2@$version" >&2
fi
cd "$dir"
"$bin" --config "$root/.markdownlint-cli2.jsonc" "**/*.md"
