#!/usr/bin/env bash
# Host speed of guests on the hypervisor (vfsim-hv running the guest runtime's compute
# workload: translated fetches and accesses, interrupt checks, hypercalls) against the same
# machine running bare-metal code with real addressing (vfsim-bare), measured in the same
# run with the same number of strands. The ratio is the hypervisor's cost on the host.
# Usage: bench/run_hv_bench.sh [BUILD_DIR]     (prints a Markdown table; exit 1 on failure)
set -euo pipefail
build=${1:-build}
hv=$build/bin/vfsim-hv bare=$build/bin/vfsim-bare
rt=$build/firmware/vfsim-runtime prog=$build/bench/bench_cmt_compute
for f in "$hv" "$bare" "$rt" "$prog"; do [[ -x $f || -f $f ]] || { echo "missing $f (build first)" >&2; exit 2; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source "$(dirname "$0")/lib.sh"
insns() { python3 -c "import json;print(sum(c['instructions'] for c in json.load(open('$1'))['cores']))"; }

echo "| configuration | strands | instructions | host s | host MIPS | vs bare |"
echo "|---|---|---|---|---|---|"
for n in 8 64; do
  iters=60000   # about 1M instructions per vCPU, as the bare loop runs per strand
  t_b=$(best_of_3 "$bare" --platform T5240 --strands "$n" --pack --stats-json "$tmp/b.json" "$prog")
  i_b=$(insns "$tmp/b.json")
  m_b=$(awk -v n="$i_b" -v t="$t_b" 'BEGIN{printf "%.1f", n/t/1e6}')
  t_h=$(best_of_3 "$hv" --platform T5240 --vcpus "$n" --memory 256M --boot-file "compute iterations=$iters" \
          --image "$rt" --stats-json "$tmp/h.json")
  i_h=$(insns "$tmp/h.json")
  m_h=$(awk -v n="$i_h" -v t="$t_h" 'BEGIN{printf "%.1f", n/t/1e6}')
  printf "| vfsim-bare, bare compute loop | %s | %s | %.3f | %s | 1.00 |\n" "$n" "$i_b" "$t_b" "$m_b"
  printf "| vfsim-hv, guest runtime compute | %s | %s | %.3f | %s | %.2f |\n" "$n" "$i_h" "$t_h" "$m_h" \
    "$(awk -v a="$m_h" -v b="$m_b" 'BEGIN{print a/b}')"
done
