#!/usr/bin/env bash
# The isolation suite (docs/reliability.md): guest a runs the `isolation` workload, which
# names what is not its own through every hypercall and ASI it can use (another guest's
# memory, the end of its own, strands, channels, crypto units, interrupts, the PCI API,
# hyperprivileged ASIs); guest b runs `guard`, which fills 1 MB with a pattern and checks it
# every millisecond while a probes it. Every probe must be refused with the sun4v error (or
# trap), b's memory must not change, and the host must be unharmed. A control run aims the
# suite at a's own memory and must report what it was allowed (so the suite can fail).
# Usage: isolation.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"

attack() {   # OUT_PREFIX RA [GUARD_CHECKS]
  "$HV" --image "$RT" --domain a --vcpus 4 --memory 64M --crypto 0 --boot-file "isolation ra=$2 wait=5" \
    --domain b --strands 8,9 --memory 32M --crypto 1 --boot-file "guard footprint=1M count=${3:-40}" \
    --connect a,b --vsw sw0 --vnet a --vnet b --vdisk "a=$tmp/a.img,size=1M" >"$1.out" 2>"$1.err"
}
# b's mblock is at physical 0x40000000 + a's 64 MB: its guard buffer (where a first run
# shows it) is the address a aims at
attack "$tmp/where" 0x40000000 1
buf=$(sed -n 's/^\[b\] guard: 1048576 bytes at \(0x[0-9a-f]*\),.*/\1/p' "$tmp/where.out")
target=$(printf '0x%x' $((0x44000000 + buf - 0x8000000)))
attack "$tmp/r1" "$target"
rc=$?
out=$tmp/r1.out
summary=$(grep '^\[a\] isolation: [0-9]* probes' "$out")
n=$(sed 's/.*isolation: \([0-9]*\) probes.*/\1/' <<<"$summary")
[ $rc = 0 ] && [ -n "$n" ] && [ "$n" -ge 300 ] && [ "$summary" = "[a] isolation: $n probes, $n refused, 0 allowed" ] &&
  ! grep -q ALLOWED "$out" && [ "$(grep -c '^\[a\] isolation: .* -> ' "$out")" = "$n" ] &&
  grep -qxF '[a] isolation: pci api 1.0 negotiated; the calls below name root complexes this domain does not own' "$out" &&
  [ "$(grep -c '^\[a\] isolation: \(pci\|msi\|msg\)[a-z_]*(devhandle 0x[4-7]00) -> EINVAL$' "$out")" = 112 ]
check "every one of the $n probes is refused ($summary, rc=$rc)" $?

# what each kind of probe gets (exact lines)
while IFS= read -r line; do
  grep -qxF "[a] isolation: $line" "$out"
  check "$line" $?
done <<'LINES'
mach_desc(another guest's memory) -> ENORADDR
cons_read(another guest's memory) -> ENORADDR
cpu_qconf(resumable error, past the end) -> ENORADDR
mmu_map_perm_addr(tte -> another guest's memory) -> ENORADDR
mmu_map_addr(tte -> near 2^64) -> ENORADDR
mmu_tsb_ctxnon0(a TSB at another guest's memory) -> ENORADDR
cpu_set_rtba(another guest's memory) -> ENORADDR
ncs_qconf(cwq at another guest's memory) -> ENORADDR
mem_scrub(wrapping past 2^64) -> ENORADDR
mach_desc(64 bytes before the end, 1 MB) -> ENORADDR
ldxa [another guest's memory] ASI_REAL -> trap 0x030 type 4
stxa [another guest's memory] ASI_REAL_LITTLE -> trap 0x030 type 4
ldx through a TSB entry -> another guest's memory -> trap 0x030 type 4
stx through a TSB entry -> past the end -> trap 0x030 type 4
cpu_start(vcpu 4) -> ENOCPU
cpu_mondo_send(to vcpu 63) -> ENOCPU
ldc_tx_qconf(channel 3) -> ECHANNEL
ldc_copy(channel 18446744073709551615) -> ECHANNEL
ldc_copy in(channel 0, cookie 0x0) -> ENOMAP
ldc_mapin(channel 0, cookie 0x2000) -> ENOMAP
ncs_gethead(core 1 cwq) -> EINVAL
ncs_qconf(unconfigure core 1 mau) -> EINVAL
vintr_settarget(0x300, 0x7ff, vcpu 0) -> ENOINTR
intr_settarget(sysino 0x3f) -> ENOTSUPPORTED
pci_config_get(devhandle 0x400) -> EINVAL
pci_iommu_map(devhandle 0x400) -> EINVAL
pci_peek(devhandle 0x500) -> EINVAL
pci_peek(devhandle 0x700) -> EINVAL
msiq_conf(devhandle 0x400) -> EINVAL
msiq_conf(devhandle 0x600) -> EINVAL
msi_setmsiq(devhandle 0x500) -> EINVAL
msi_setmsiq(devhandle 0x700) -> EINVAL
msg_setvalid(devhandle 0x700) -> EINVAL
ldxa [0] ASI 0x4f (hyperprivileged scratchpad) -> trap 0x037
stxa [0] ASI 0x30 (hyperprivileged) -> trap 0x037
stxa cpu mondo tail (read-only to the guest) -> trap 0x030 type 10
LINES

# the victim: armed before the first probe, unchanged after the last, same as alone
"$HV" --image "$RT" --domain b --strands 8,9 --memory 32M --boot-file "guard footprint=1M count=40" >"$tmp/alone" 2>/dev/null
sum=$(sed -n 's/^guard: 1048576 bytes at 0x[0-9a-f]*, checksum \(0x[0-9a-f]*\)$/\1/p' "$tmp/alone")
first=$(grep -n '^\[a\] isolation: ' "$out" | head -1 | cut -d: -f1)
armed=$(grep -n "^\[b\] guard: 1048576 bytes at $buf, checksum $sum\$" "$out" | cut -d: -f1)   # at the probed address
last=$(grep -n '^\[a\] isolation: [0-9]* probes' "$out" | cut -d: -f1)
held=$(grep -n "^\[b\] guard: 40 checks over 40 ms, checksum $sum unchanged\$" "$out" | cut -d: -f1)
[ -n "$sum" ] && [ -n "$armed" ] && [ -n "$held" ] && [ "$armed" -lt "$first" ] && [ "$last" -lt "$held" ]
check "b's 1 MB keeps checksum $sum (as alone) from before the first probe to after the last (lines $armed < $first, $last < $held)" $?

grep -q 'domain a (4 vCPUs, 64 MB): exited with 0' "$tmp/r1.err" && grep -q 'domain b (2 vCPUs, 32 MB): exited with 0' "$tmp/r1.err" &&
  grep -q 'vdisk a/ch1 .*0 errors$' "$tmp/r1.err" && ! grep -q 'errors=[1-9]' "$tmp/r1.err"
check "the host is unharmed: both domains exit 0, the disk and switch report no errors" $?

attack "$tmp/r2" "$target"
cmp -s <(grep '^\[a\]' "$tmp/r1.out") <(grep '^\[a\]' "$tmp/r2.out")
check "a second run probes the same and gets the same answers, byte for byte" $?

# control: aimed at a's own memory (0x8100000), the suite reports what it was allowed
attack "$tmp/c" 0x8100000
rc=$?
grep -qxF "[a] isolation: mach_desc(another guest's memory) -> EOK ALLOWED" "$tmp/c.out" &&
  grep -qxF "[a] isolation: ldxa [another guest's memory] ASI_REAL -> no trap ALLOWED" "$tmp/c.out" &&
  grep -Eq '^\[a\] isolation: [0-9]+ probes, [0-9]+ refused, [1-9][0-9]* allowed$' "$tmp/c.out" && [ $rc = 3 ]
check "control: probes of a's own memory are reported ALLOWED and the guest exits 3 (rc=$rc)" $?

# bad input
"$HV" --image "$RT" --boot-file "isolation wait=60001" >"$tmp/bad" 2>&1
rc=$?
[ $rc = 2 ] && grep -q 'isolation: wait must be 0..60000 ms' "$tmp/bad"
check "isolation with wait above a minute is refused (rc=$rc)" $?
"$HV" --image "$RT" --boot-file "guard footprint=12" >"$tmp/bad" 2>&1
rc=$?
[ $rc = 2 ] && grep -q 'guard: footprint must be a multiple of 8 bytes' "$tmp/bad"
check "guard with a footprint not a multiple of 8 is refused (rc=$rc)" $?
finish
