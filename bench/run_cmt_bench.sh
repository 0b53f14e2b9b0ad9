#!/usr/bin/env bash
# Host speed of the timed CMT machine (vfsim-bare) on a compute loop, with 1 strand, 64
# strands (one socket of a T5240, 8 per core) and 256 strands (a whole T5440), against the
# untimed user-mode runner (sparc64-run) executing the same loop in the same run.
# Usage: bench/run_cmt_bench.sh [BUILD_DIR]     (prints a Markdown table; exit 1 on failure)
set -euo pipefail
build=${1:-build}
bare=$build/bin/vfsim-bare run=$build/bin/sparc64-run
prog=$build/bench/bench_cmt_compute user=$build/bench/bench_cmt_compute_user
for f in "$bare" "$run" "$prog" "$user"; do [[ -x $f || -f $f ]] || { echo "missing $f (build first)" >&2; exit 2; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$(dirname "$0")/lib.sh"

# Untimed reference: the same loop under sparc64-run, long enough to time (50M instructions).
t_user=$(best_of_3 "$run" --stats "$user" 5000000)
n_user=$(tail -1 "$tmp/err" | sed -E 's/^instructions=([0-9]+).*/\1/')
mips_user=$(awk -v n="$n_user" -v t="$t_user" 'BEGIN{printf "%.1f", n/t/1e6}')

echo "| configuration | strands | instructions | host s | host MIPS | ns/instruction | vs untimed |"
echo "|---|---|---|---|---|---|---|"
printf "| sparc64-run (untimed) | 1 | %s | %.3f | %s | %.1f | 1.00 |\n" "$n_user" "$t_user" "$mips_user" \
  "$(awk -v n="$n_user" -v t="$t_user" 'BEGIN{print t/n*1e9}')"
declare -A nsper
for cfg in "T5240 1" "T5240 64" "T5440 256"; do
  set -- $cfg
  t=$(best_of_3 "$bare" --platform "$1" --strands "$2" --pack --stats-json "$tmp/s.json" "$prog")
  n=$(python3 -c "import json;print(sum(c['instructions'] for c in json.load(open('$tmp/s.json'))['cores']))")
  mips=$(awk -v n="$n" -v t="$t" 'BEGIN{printf "%.1f", n/t/1e6}')
  ns=$(awk -v n="$n" -v t="$t" 'BEGIN{printf "%.1f", t/n*1e9}')
  nsper[$2]=$ns
  printf "| vfsim-bare %s | %s | %s | %.3f | %s | %s | %.2f |\n" "$1" "$2" "$n" "$t" "$mips" "$ns" \
    "$(awk -v a="$mips" -v b="$mips_user" 'BEGIN{print a/b}')"
done
echo
printf "Per-instruction cost, 256 strands vs 64: %.2fx (aim: at most 2x)\n" \
  "$(awk -v a="${nsper[256]}" -v b="${nsper[64]}" 'BEGIN{print a/b}')"
