#!/usr/bin/env bash
# Virtual disk throughput: the guest runtime's vdisk workload writes, flushes and reads back
# SIZE bytes through the vds model (128 KB requests, 1 or 4 in flight). Prints the guest's
# MB/s in simulated time against the disk model's ceiling for the same requests (the
# formula: 60 us per request + bytes at 150 MB/s, VirtualDiskServer::Timing), and the
# host's wall time against the simulated time it covered.
# Usage: bench/run_vio_bench.sh [BUILD_DIR]     (prints a Markdown table; exit 1 on failure)
set -euo pipefail
build=${1:-build}
hv=$build/bin/vfsim-hv rt=$build/firmware/vfsim-runtime
for f in "$hv" "$rt"; do [[ -x $f || -f $f ]] || { echo "missing $f (build first)" >&2; exit 2; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib.sh"

echo "| size | in flight | direction | guest MB/s (simulated) | model ceiling MB/s | guest / ceiling | simulated ms | host s | host s per simulated s |"
echo "|---|---|---|---|---|---|---|---|---|"
for mb in 4 16; do
  for depth in 1 4; do
    rm -f "$tmp/d.img"
    t=$(best_of_3 "$hv" --image "$rt" --domain a --memory 128M --boot-file "vdisk op=write size=${mb}M seed=3 depth=$depth" \
          --vdisk "a=$tmp/d.img,size=${mb}M")
    sim_ps=$(sed -n 's/^vfsim-hv: simulated time \([0-9]*\) ps$/\1/p' "$tmp/err")
    bytes=$((mb << 20)) reqs=$(((mb << 20) / 131072))
    ceiling=$(awk -v b="$bytes" -v n="$reqs" 'BEGIN{printf "%.2f", b / (n * 60e-6 + b / 150e6) / 1e6}')
    for dir in wrote "read and verified"; do
      rate=$(sed -n "s/^vdisk: $dir $bytes bytes in [0-9]* us: \([0-9.]*\) MB\/s$/\1/p" "$tmp/out")
      [ -n "$rate" ] || { echo "no rate for '$dir' in the output" >&2; cat "$tmp/out" >&2; exit 1; }
      printf "| %s MB | %s | %s | %s | %s | %.2f | %.1f | %.2f | %.1f |\n" "$mb" "$depth" "${dir%% *}" "$rate" "$ceiling" \
        "$(awk -v a="$rate" -v b="$ceiling" 'BEGIN{print a/b}')" "$(awk -v p="$sim_ps" 'BEGIN{print p/1e9}')" "$t" \
        "$(awk -v t="$t" -v p="$sim_ps" 'BEGIN{print t/(p/1e12)}')"
    done
  done
done
