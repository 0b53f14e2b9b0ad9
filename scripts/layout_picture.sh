#!/usr/bin/env bash
# The picture in docs/layout.md, made from a real host: a deterministic ldmd on a T5240 with
# the control domain cut to one core and 4G, its vds, vsw and vcc, and three guests: ldg1 (4
# vCPUs, a crypto unit, 1G, a vdisk and a vnet), ldg2 (4 vCPUs on ldg1's core, memory placed
# on socket 1 with mblock=, a vnet), ldg3 (a whole core, 2G, the bus pci@500); all bound.
# `vfctl layout` draws it (docs/img/layout-t5240.svg and .png) and prints its summary.
# Usage: scripts/layout_picture.sh [BUILD_DIR] [OUT_DIR]   (default build, docs/img)
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../build}" && pwd)
out=$(mkdir -p "${2:-$here/../docs/img}" && cd "${2:-$here/../docs/img}" && pwd)
source "$here/../tests/ldm/lib.sh" "$build/bin/ldmd" "$build/bin/ldm" "$build/bin/vfctl" >/dev/null
start_ldmd || exit 1
step() { "$@" >"$tmp/out" 2>&1 || { echo "failed: $*"; cat "$tmp/out"; exit 1; }; }
step ldm remove-io pci@500 primary
small_primary
step ldm add-vds primary-vds0 primary
step ldm add-vsw primary-vsw0 primary
step ldm add-vcc port-range=15881-15889 primary-vcc0 primary
disk_image /ldoms/ldg1.img 64M
step ldm add-vdsdev /ldoms/ldg1.img vol1@primary-vds0
for g in "ldg1 4 1G" "ldg2 4 256M" "ldg3 8 2G"; do
  set -- $g
  step ldm add-domain "$1"
  step ldm add-vcpu "$2" "$1"
done
step ldm add-mau 1 ldg1
step ldm add-memory 1G ldg1
step ldm add-vdisk vdisk1 vol1@primary-vds0 ldg1
step ldm add-vnet vnet1 primary-vsw0 ldg1
step ldm add-memory mblock=0x1c0000000:256M ldg2
step ldm add-vnet vnet1 primary-vsw0 ldg2
step ldm add-memory 2G ldg3
step ldm add-io pci@500 ldg3
step ldm add-vnet vnet1 primary-vsw0 ldg3
for g in ldg1 ldg2 ldg3; do step ldm bind $g; done
vfctl layout --svg "$out/layout-t5240.svg" >/dev/null || exit 1
vfctl layout --png "$out/layout-t5240.png" >/dev/null || exit 1
vfctl layout
echo "wrote $out/layout-t5240.svg, $out/layout-t5240.png"
