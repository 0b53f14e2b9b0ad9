#!/usr/bin/env bash
# An I/O domain's own PCIe bus end to end: the runtime's pcidisk workload drives the NVMe
# controller behind a root complex the domain owns (vfsim-hv --pcie, --pci-disk) with the sun4v
# PCI hypercalls: config space behind the root port, a BAR in the MEM32 window, registers by
# pci_peek/poke, every queue and buffer through the IOMMU, completions by MSI-X -> event queue ->
# dev mondo. The 4 MB the guest writes must be in the host image byte for byte; a domain without
# the bus gets EINVAL for every PCI call; a DMA to DVMA never mapped fails the command, not the
# domain; two I/O domains each keep to their own bus and image; and the simulated rate stays
# below the x8 Gen1 link.
# Usage: pcidisk.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
run() { "$HV" --image "$RT" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
# holds FILE SEED BYTES: does FILE hold the pattern of SEED over BYTES, then zeros?
holds() { python3 "$(dirname "$0")/../lib/disk_pattern.py" "$1" "$2" "$3" --then-zeros; }
rate_ok() {   # the "MB/s" of a line: above 0, below the link's 2.0 GB/s
  awk '{ r = $(NF - 1) + 0; exit !(r > 0 && r < 2000) }' <<<"$1"
}

# (a) an I/O domain on a T5240 owning pci@400 enumerates, writes 4 MB, reads it back
truncate -s 8M "$tmp/a.img"
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk size=4M seed=7"
cp "$tmp/out" "$tmp/a1.out"
[ $rc = 0 ] &&
  grep -qxF 'pci: pci@400: mem32 0xca00000000+0x7fff0000, dvma 0x80000000+0x80000000, buses 2-255, 36 event queues of 128 at devino 0x18, 256 MSIs at 0x7fff0000' "$tmp/out" &&
  grep -qxF 'pci: pci@400 2:00.0 vendor 0x108e device 0x0a0f class 0x060400: root port, bus 3' "$tmp/out" &&
  grep -qxF 'pci: pci@400 3:00.0 vendor 0x108e device 0x0a0e class 0x010802' "$tmp/out" &&
  [ "$(grep -c '^pci: pci@400 3:[0-9a-f.]* vendor ' "$tmp/out")" = 1 ] &&
  grep -qxF 'pci: pci@400 3:00.0 BAR0 64-bit memory, 16 KB at bus 0x100000 (RA 0xca00100000), memory and bus master on' "$tmp/out" &&
  grep -qxF 'pci: pci@400 3:00.0 MSI-X: 2 of 8 vectors -> MSI 8.. at 0x7fff0000 -> event queue 0 (devino 0x18)' "$tmp/out" &&
  grep -qxF 'nvme: namespace 1: 16384 blocks of 512 bytes' "$tmp/out" &&
  grep -Eq '^pcidisk: wrote 4194304 bytes in [0-9]+ us: [0-9]+\.[0-9]{2} MB/s$' "$tmp/out" &&
  grep -Eq '^pcidisk: read and verified 4194304 bytes in [0-9]+ us: [0-9]+\.[0-9]{2} MB/s$' "$tmp/out" &&
  grep -Eq '^pcidisk: 72 commands, 0 errors, [1-9][0-9]* MSIs, [1-9][0-9]* interrupts, depth 4$' "$tmp/out" &&
  grep -qxF 'vfsim-runtime: pcidisk done' "$tmp/out"
check "an I/O domain owning pci@400 reads its MD node, enumerates the NVMe behind the root port, writes 4 MB and reads it back (rc=$rc)" $?
holds "$tmp/a.img" 7 4194304
check "the host image holds exactly the guest's 4 MB pattern (seed 7), then zeros" $?
grep -Eq '^nvme: controller ".+" serial ".*" firmware ".*", PCI vendor 0x108e, max transfer 128 KB, 1 namespaces$' "$tmp/out" &&
  grep -Eq '^nvme: pci@400 3:00.0: NVMe 1\.[0-9]+, CAP 0x[0-9a-f]{16}: 1024 entries a queue, doorbell stride 4, ready within 500 ms$' "$tmp/out"
check "Identify and CAP as the model declares them (MDTS 128 KB, MQES 1024, DSTRD 0, TO 500 ms)" $?

# determinism: the same run again, byte for byte
truncate -s 0 "$tmp/a.img" && truncate -s 8M "$tmp/a.img"
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk size=4M seed=7"
cmp -s "$tmp/a1.out" "$tmp/out"
check "a second run prints the same console output, byte for byte (rc=$rc)" $?

# (e) the simulated rate is below the link's ceiling (x8 Gen1: 2.0 GB/s a direction)
w=$(grep '^pcidisk: wrote ' "$tmp/a1.out") r=$(grep '^pcidisk: read and verified ' "$tmp/a1.out")
rate_ok "$w" && rate_ok "$r"
check "MB/s in simulated time stay below 2000 (${w##*: }, ${r##*: })" $?

# the same image, read only (a restart), the event queue polled instead of interrupts
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk op=verify size=4M seed=7 poll=1 depth=1"
[ $rc = 0 ] && grep -Eq '^pcidisk: read and verified 4194304 bytes in ' "$tmp/out" &&
  grep -qxF 'pci: pci@400 3:00.0 MSI-X: 2 of 8 vectors -> MSI 8.. at 0x7fff0000 -> event queue 0 (devino 0x18), polled' "$tmp/out" &&
  grep -Eq '^pcidisk: 39 commands, 0 errors, [1-9][0-9]* MSIs, 0 interrupts, depth 1$' "$tmp/out"
check "a restart reads the pattern back, polling the event queue's tail (no interrupts) (rc=$rc)" $?
# the registers by loads and stores (ASI_REAL_IO_LITTLE) instead of pci_peek/poke: the same data,
# fewer hypercalls
hcalls() { sed -n 's/.*domain a ([^)]*): exited with 0, \([0-9]*\) hypercalls.*/\1/p' "$tmp/err"; }
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk op=verify size=4M seed=7"
rc1=$rc h1=$(hcalls)
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk op=verify size=4M seed=7 mmio=1"
h2=$(hcalls)
[ $rc1 = 0 ] && [ $rc = 0 ] && grep -qxF 'pci: pci@400 3:00.0 registers by ASI_REAL_IO_LITTLE loads and stores' "$tmp/out" &&
  grep -Eq '^pcidisk: read and verified 4194304 bytes in ' "$tmp/out" && [ -n "$h1" ] && [ -n "$h2" ] && [ "$h2" -lt "$h1" ]
check "with mmio=1 the registers are reached by loads and stores: the pattern verifies with $h2 hypercalls instead of $h1 (rc=$rc)" $?
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk op=verify size=4M seed=8"
[ $rc = 1 ] && grep -q '^vfsim-runtime: error: pcidisk: byte offset 0 reads 0x' "$tmp/out"
check "verifying against another seed fails at offset 0 (rc=$rc)" $?

# (b) a second domain without the bus: every PCI call on pci@400 is refused with EINVAL, and the
#     first domain's disk still works meanwhile
truncate -s 8M "$tmp/b.img"
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/b.img" --boot-file "pcidisk size=4M seed=9" \
  --domain b --boot-file "isolation"
out=$tmp/out
[ $rc = 0 ] && grep -qxF '[a] vfsim-runtime: pcidisk done' "$out" &&
  grep -qxF '[b] isolation: pci_config_get(devhandle 0x400) -> EINVAL' "$out" &&
  grep -qxF '[b] isolation: pci_iommu_map(devhandle 0x400) -> EINVAL' "$out" &&
  grep -qxF '[b] isolation: msiq_conf(devhandle 0x400) -> EINVAL' "$out" &&
  grep -qxF '[b] isolation: pci_poke(devhandle 0x400) -> EINVAL' "$out" &&
  [ "$(grep -c '^\[b\] isolation: [a-z_]*(devhandle 0x400) -> EINVAL$' "$out")" = 28 ] &&
  grep -Eq '^\[b\] isolation: ([0-9]+) probes, \1 refused, 0 allowed$' "$out" && holds "$tmp/b.img" 9 4194304
check "a domain without the bus gets EINVAL for all 28 PCI/MSI calls on pci@400 while the owner's 4 MB verify (rc=$rc)" $?
run --platform T5240 --domain b --boot-file "pcidisk"
[ $rc = 2 ] && grep -qxF 'vfsim-runtime: error: pcidisk: the MD has no PCIe root complex (give the domain a bus, e.g. --pcie pci@400)' "$tmp/out"
check "pcidisk in a domain without a bus stops with the reason (rc=$rc)" $?
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk bus=pci@500"
[ $rc = 2 ] && grep -qxF 'vfsim-runtime: error: pcidisk: the MD has no root complex pci@500' "$tmp/out"
check "pcidisk on a bus the domain does not own stops with the reason (rc=$rc)" $?

# (c) a Read into DVMA never mapped: Data Transfer Error, and the domain goes on
truncate -s 8M "$tmp/c.img"
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/c.img" --boot-file "pcidisk size=4M seed=5 bad_dma=1"
[ $rc = 0 ] && grep -qxF 'pcidisk: unmapped DMA refused: status 0x4' "$tmp/out" &&
  grep -Eq '^pcidisk: read and verified 4194304 bytes in ' "$tmp/out" &&
  grep -Eq '^pcidisk: 73 commands, 1 errors, ' "$tmp/out" && holds "$tmp/c.img" 5 4194304
check "a Read into unmapped DVMA completes with status 0x4 and the 4 MB still verify (rc=$rc)" $?

# (d) two I/O domains at once, pci@400 and pci@500, each with its own image and seed
truncate -s 8M "$tmp/d4.img" && truncate -s 8M "$tmp/d5.img"
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/d4.img" --boot-file "pcidisk size=4M seed=21" \
  --domain b --pcie pci@500 --pci-disk "pci@500=$tmp/d5.img" --boot-file "pcidisk size=4M seed=22"
[ $rc = 0 ] && grep -qxF '[a] pci: pci@400 3:00.0 vendor 0x108e device 0x0a0e class 0x010802' "$tmp/out" &&
  grep -qxF '[b] pci: pci@500 3:00.0 vendor 0x108e device 0x0a0e class 0x010802' "$tmp/out" &&
  grep -qxF '[b] pci: pci@500: mem32 0xd200000000+0x7fff0000, dvma 0x80000000+0x80000000, buses 2-255, 36 event queues of 128 at devino 0x18, 256 MSIs at 0x7fff0000' "$tmp/out" &&
  grep -qxF '[b] pci: pci@500 3:00.0 BAR0 64-bit memory, 16 KB at bus 0x100000 (RA 0xd200100000), memory and bus master on' "$tmp/out" &&
  grep -Eq '^\[a\] pcidisk: read and verified 4194304 bytes in ' "$tmp/out" &&
  grep -Eq '^\[b\] pcidisk: read and verified 4194304 bytes in ' "$tmp/out" &&
  grep -qxF '[a] vfsim-runtime: pcidisk done' "$tmp/out" && grep -qxF '[b] vfsim-runtime: pcidisk done' "$tmp/out"
check "two I/O domains on pci@400 and pci@500 (its own MEM32 window) each write and verify 4 MB at once (rc=$rc)" $?
holds "$tmp/d4.img" 21 4194304 && holds "$tmp/d5.img" 22 4194304
check "each image holds only its own domain's pattern (seeds 21 and 22)" $?
rates=$(grep '^\[[ab]\] pcidisk: \(wrote\|read\)' "$tmp/out" | awk '{ print $(NF - 1) }' | paste -sd' ')
bad=0
for l in $rates; do rate_ok "x $l MB/s" || bad=1; done
[ "$(wc -w <<<"$rates")" = 4 ] && [ $bad = 0 ]
check "two domains at once: each write and read rate is below 2000 MB/s ($rates)" $?

# then=idle: the domain stays up once done (for a manager to stop), until --max-ms here
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk op=verify size=1M seed=7 then=idle" --max-ms 100
[ $rc = 124 ] && [ "$(tail -2 "$tmp/out")" = "vfsim-runtime: pcidisk done
vfsim-runtime: idle" ] && grep -q 'domain a (1 vCPUs, 64 MB): still running' "$tmp/err"
check "then=idle: after pcidisk done the domain idles until the run's end (rc=$rc)" $?

# info: Identify only; a size past the namespace
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk op=info"
[ $rc = 0 ] && grep -qxF 'nvme: namespace 1: 16384 blocks of 512 bytes' "$tmp/out" &&
  grep -Eq '^pcidisk: 7 commands, 0 errors, ' "$tmp/out" && ! grep -q '^pcidisk: \(wrote\|read\)' "$tmp/out"
check "op=info identifies the controller and namespace and moves no data (rc=$rc)" $?
run --platform T5240 --domain a --pcie pci@400 --pci-disk "pci@400=$tmp/a.img" --boot-file "pcidisk size=16M"
[ $rc = 2 ] && grep -qxF 'vfsim-runtime: error: pcidisk: size=16777216 must be whole blocks and fit the namespace (16384 blocks of 512 bytes)' "$tmp/out"
check "a size past the namespace is refused (rc=$rc)" $?

# a T5440's fourth root complex (CMP3): its own devhandle and MEM32 window
truncate -s 2M "$tmp/e.img"
run --platform T5440 --domain io --pcie pci@700 --pci-disk "pci@700=$tmp/e.img" --boot-file "pcidisk size=1M seed=3 bus=pci@700"
[ $rc = 0 ] && grep -qxF 'pci: pci@700 3:00.0 BAR0 64-bit memory, 16 KB at bus 0x100000 (RA 0xe200100000), memory and bus master on' "$tmp/out" &&
  grep -Eq '^pcidisk: read and verified 1048576 bytes in ' "$tmp/out" && holds "$tmp/e.img" 3 1048576
check "on a T5440, a domain owning pci@700 (window at 0xe200000000) writes and verifies 1 MB (rc=$rc)" $?
# a T5220 (one UltraSPARC T2): its only root complex is pci@0, devhandle 0
truncate -s 2M "$tmp/f.img"
run --platform T5220 --domain io --pcie pci@0 --pci-disk "pci@0=$tmp/f.img" --boot-file "pcidisk size=1M seed=4"
[ $rc = 0 ] && grep -qxF 'pci: pci@0 3:00.0 vendor 0x108e device 0x0a0e class 0x010802' "$tmp/out" &&
  grep -Eq '^pcidisk: read and verified 1048576 bytes in ' "$tmp/out" && holds "$tmp/f.img" 4 1048576
check "on a T5220, a domain owning pci@0 (devhandle 0) writes and verifies 1 MB (rc=$rc)" $?
run --platform T5240 --domain io --pcie pci@700 --boot-file "pcidisk size=1M"
[ $rc = 2 ] && grep -qxF "vfsim-hv: guest 'io': no PCIe root complex pci@700 on T5240" "$tmp/err"
check "a T5240 has no pci@700: refused with the reason (rc=$rc)" $?
finish
