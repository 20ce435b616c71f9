#!/usr/bin/env bash
# Benchmark: full `archgen generate` (all three providers, every artifact) on synthetic specs of
# N components cycling through the catalog (fleet-wide functions once); prints per N the median
# wall time, time per component, median CPU time (user + system), and the median and largest peak
# RSS over every run,
# into a fresh directory and again into the directory it generated (the everyday regenerate).
#
#   scripts/bench.sh [N ...]          default: 10 100 1000; runs per N: BENCH_RUNS (default 5)
#
# Uses target/release/archgen (build it first: cargo build --release) and GNU time.
set -euo pipefail
[ -n "${EPOCHREALTIME:-}" ] || { echo "needs bash 5 (EPOCHREALTIME)" >&2; exit 2; }
cd "$(dirname "$0")/.."
bin="${ARCHGEN_BIN:-target/release/archgen}"
runs="${BENCH_RUNS:-5}"
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
[ -n "${BENCH_KEEP:-}" ] && trap - EXIT && echo "work dir: $work" >&2

# Functions that stand alone (no parent, no required connection) on every provider.
mapfile -t functions < <(python3 - <<'PY'
import re
text = open("catalogs/functions.yaml").read()
blocks = re.split(r"\n  (?=[a-z_]+:\n)", text.split("functions:\n", 1)[1])
ok = []
for b in blocks:
    name = b.split(":", 1)[0].strip()
    if "parents:" in b or "requires:" in b or "secondary_region: true" in b:
        continue
    ok.append(name)
print("\n".join(ok))
PY
)
# Fleet-wide functions render something for every other component (alarms, diagnostic
# settings, DDoS plans): a spec has one of each, so they appear once, not every cycle (cycling
# them would make the output itself grow with N^2).
fleet=(metric_alerting observability_metrics_logs ddos_protection)
mapfile -t functions < <(printf '%s\n' "${functions[@]}" | grep -vxF -f <(printf '%s\n' "${fleet[@]}"))

spec_for() { # N -> spec text
  local n="$1" i f
  printf 'name: bench\nproviders:\n  aws: { region: us-east-1 }\n  azure: { region: eastus }\n'
  printf '  gcp: { region: us-central1, project: bench-project-1 }\n'
  printf 'environments:\n  dev: { size: small }\n  prod: { size: medium }\ncomponents:\n'
  for ((i = 0; i < n; i++)); do
    if ((i < ${#fleet[@]})); then f="${fleet[i]}"; else f="${functions[(i - ${#fleet[@]}) % ${#functions[@]}]}"; fi
    printf '  - { id: c%d, function: %s }\n' "$i" "$f"
  done
  printf 'connections:\n'
  for ((i = 1; i < n; i++)); do
    printf '  - { from: c%d, to: c%d }\n' "$((i - 1))" "$i"
  done
}

# Runs a command under GNU time (peak RSS into $work/time) and prints its wall time in seconds,
# to the microsecond (bash's EPOCHREALTIME; GNU time's own %e has 10 ms steps).
timed() {
  local start end
  start=$EPOCHREALTIME
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" 2>/dev/null
  end=$EPOCHREALTIME
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '%8s %11s %14s %9s %13s %10s %7s %10s\n' N "median (s)" "per comp (ms)" "cpu (s)" "RSS med (MB)" "max (MB)" files "regen (s)"
[ "$#" -gt 0 ] || set -- 10 100 1000
for n in "$@"; do
  spec="$work/bench-$n.yaml"
  spec_for "$n" >"$spec"
  times=()
  cpus=()
  rss=()
  files=0
  for ((r = 0; r < runs; r++)); do
    out="$work/out-$n"
    rm -rf "$out"
    secs=$(timed "$bin" generate "$spec" -o "$out" --quiet)
    read -r _ kb user sys <"$work/time"
    times+=("$secs")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
    rss+=("$kb")
    files=$(find "$out" -type f | wc -l)
  done
  # Regenerate: the same spec into the tree just generated (unchanged files).
  regen=()
  for ((r = 0; r < runs; r++)); do
    secs=$(timed "$bin" generate "$spec" -o "$out" --quiet)
    read -r _ kb _ _ <"$work/time"
    regen+=("$secs")
    rss+=("$kb")
  done
  median_s=$(printf '%s\n' "${times[@]}" | median)
  regen_s=$(printf '%s\n' "${regen[@]}" | median)
  cpu_s=$(printf '%s\n' "${cpus[@]}" | median)
  rss_med=$(printf '%s\n' "${rss[@]}" | median)
  rss_max=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
  per=$(awk -v m="$median_s" -v n="$n" 'BEGIN {printf "%.2f", m * 1000 / n}')
  printf '%8s %11s %14s %9s %13s %10s %7s %10s\n' "$n" "$median_s" "$per" "$cpu_s" \
    "$((rss_med / 1024))" "$((rss_max / 1024))" "$files" "$regen_s"
done
