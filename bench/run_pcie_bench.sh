#!/usr/bin/env bash
# PCIe disk throughput: the guest runtime's pcidisk workload writes SIZE bytes to the NVMe disk
# behind the I/O domain's own root complex (pci@400), reads them back and verifies them (128 KB
# commands, 1 or 4 in flight). Prints the guest's MB/s in simulated time against two ceilings
# computed from the models' named parameters for the same commands:
#   device: commands are served one at a time, each latency + the slower of its media time and
#           its link time (models/nvme.h NvmeTiming: read 80 us at 3.0 GB/s, write 20 us at
#           1.5 GB/s);
#   link:   x8 Gen1, 2.0 GB/s per direction, 24 bytes of TLP overhead per 128-byte payload
#           (hv/pcie_root_complex.h PcieLinkTiming): 1.68 GB/s;
# and against the virtual disk (vds over LDC) on the same sizes in the same run, the peer an
# engineer would weigh an I/O domain against. Also the host's wall time per simulated second.
# Usage: bench/run_pcie_bench.sh [BUILD_DIR]     (prints a Markdown table; exit 1 on failure)
set -euo pipefail
build=${1:-build}
hv=$build/bin/vfsim-hv rt=$build/firmware/vfsim-runtime
for f in "$hv" "$rt"; do [[ -x $f || -f $f ]] || { echo "missing $f (build first)" >&2; exit 2; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/lib.sh"

# The parameters (keep in step with models/nvme.h and hv/pcie_root_complex.h).
cmd=131072 link_gbps=2.0 payload=128 overhead=24
ceiling() {   # DIRECTION: MB/s of back-to-back 128 KB commands
  awk -v dir="$1" -v b=$cmd -v lg=$link_gbps -v p=$payload -v o=$overhead 'BEGIN {
    lat = dir == "read" ? 80e-6 : 20e-6; media = b / ((dir == "read" ? 3.0 : 1.5) * 1e9)
    link = (b + int((b + p - 1) / p) * o) / (lg * 1e9)
    printf "%.2f", b / (lat + (media > link ? media : link)) / 1e6 }'
}
link_ceiling=$(awk -v lg=$link_gbps -v p=$payload -v o=$overhead 'BEGIN { printf "%.2f", lg * 1e3 * p / (p + o) }')

echo "| size | in flight | direction | guest MB/s (simulated) | device ceiling MB/s | guest / device | link ceiling MB/s | vdisk MB/s (same run) | pcidisk / vdisk | host s per simulated s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for mb in 4 16; do
  for depth in 1 4; do
    rm -f "$tmp/p.img" "$tmp/v.img"
    truncate -s $((mb * 2))M "$tmp/p.img"
    t=$(best_of_3 "$hv" --image "$rt" --domain a --memory 256M --pcie pci@400 --pci-disk "pci@400=$tmp/p.img" \
          --boot-file "pcidisk size=${mb}M seed=3 depth=$depth")
    sim_ps=$(sed -n 's/^vfsim-hv: simulated time \([0-9]*\) ps$/\1/p' "$tmp/err")
    cp "$tmp/out" "$tmp/pci.out"
    best_of_3 "$hv" --image "$rt" --domain a --memory 256M --boot-file "vdisk op=write size=${mb}M seed=3 depth=$depth" \
      --vdisk "a=$tmp/v.img,size=${mb}M" >/dev/null
    cp "$tmp/out" "$tmp/vio.out"
    bytes=$((mb << 20))
    for dir in wrote "read and verified"; do
      rate=$(sed -n "s/^pcidisk: $dir $bytes bytes in [0-9]* us: \([0-9.]*\) MB\/s$/\1/p" "$tmp/pci.out")
      vrate=$(sed -n "s/^vdisk: $dir $bytes bytes in [0-9]* us: \([0-9.]*\) MB\/s$/\1/p" "$tmp/vio.out")
      [ -n "$rate" ] && [ -n "$vrate" ] || { echo "no rate for '$dir' in the output" >&2; cat "$tmp/pci.out" "$tmp/vio.out" >&2; exit 1; }
      c=$(ceiling "$([ "$dir" = wrote ] && echo write || echo read)")
      printf "| %s MB | %s | %s | %s | %s | %.2f | %s | %s | %.1f | %.1f |\n" "$mb" "$depth" "${dir%% *}" "$rate" "$c" \
        "$(awk -v a="$rate" -v b="$c" 'BEGIN{print a/b}')" "$link_ceiling" "$vrate" \
        "$(awk -v a="$rate" -v b="$vrate" 'BEGIN{print a/b}')" "$(awk -v t="$t" -v p="$sim_ps" 'BEGIN{print t/(p/1e12)}')"
    done
  done
done
