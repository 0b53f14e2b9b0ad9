#!/usr/bin/env bash
# Boots the guest runtime on the hypervisor like a user would with vfsim-hv: 1, 8 and 64
# vCPUs, memory in several mblocks, the three workloads, two domains side by side (each sees
# only its own memory and strands; one probing the other's physical memory gets errors and
# the other is unharmed), and bad command lines.
# Results are compared with what the host computes from the same kernels (fw_host_test).
# Usage: guest_boot.sh VFSIM_HV RUNTIME_ELF FW_HOST_TEST
set -u
HV=$1 RT=$2 HOST=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
run() { "$HV" --image "$RT" "$@" >"$tmp/out" 2>"$tmp/err"; }
lines() { grep -c "$1" "$tmp/out"; }

# --- one vCPU, compute
run --vcpus 1 --boot-file "compute iterations=2000"
rc=$?
[ $rc = 0 ] && grep -q '^md: 1 vcpus, 1 mblocks' "$tmp/out" &&
  grep -q '^md: mblock 0 base 0x8000000 size 0x4000000' "$tmp/out" &&
  [ "$(lines '^vcpu 0: compute iterations=2000 checksum=0x')" = 1 ] &&
  grep -q '^vfsim-runtime: all 1 vcpus done' "$tmp/out" &&
  grep -q 'domain primary (1 vCPUs, 64 MB): exited with 0' "$tmp/err"
check "1 vCPU boots, prints its MD summary, computes and exits with mach_exit(0) (rc=$rc)" $?
sum1=$(grep '^vcpu 0: compute' "$tmp/out" | sed 's/.*checksum=\(0x[0-9a-f]*\).*/\1/')

# --- same again: deterministic result and simulated time
run --vcpus 1 --boot-file "compute iterations=2000"
sum2=$(grep '^vcpu 0: compute' "$tmp/out" | sed 's/.*checksum=\(0x[0-9a-f]*\).*/\1/')
[ -n "$sum1" ] && [ "$sum1" = "$sum2" ]
check "the compute checksum is deterministic ($sum1)" $?

# --- eight vCPUs over two mblocks, memory workload through MMU misses
run --vcpus 8 --memory 64M,32M --boot-file "memory footprint=256K writes=50"
rc=$?
[ $rc = 0 ] && grep -q '^md: 8 vcpus, 2 mblocks' "$tmp/out" &&
  grep -q '^md: mblock 0 base 0x8000000 size 0x4000000' "$tmp/out" &&
  grep -q '^md: mblock 1 base 0x10000000 size 0x2000000' "$tmp/out" &&
  grep -q '^smp: 8 vcpus up' "$tmp/out" &&
  [ "$(lines '^vcpu [0-7]: memory footprint=262144 touched=')" = 8 ] &&
  ! grep -q ' misses=0 ' "$tmp/out"
check "8 vCPUs over 2 mblocks run the memory workload, taking MMU misses (rc=$rc)" $?

# --- every vCPU's result equals the host's computation of the same kernel
grep '^vcpu ' "$tmp/out" | sed 's/ cycles=[0-9]*$//' >"$tmp/guest"
"$HOST" --results "memory footprint=256K writes=50" 8 >"$tmp/host"
diff "$tmp/host" "$tmp/guest" >/dev/null
check "the 8 memory results match the host's computation" $?

# --- 64 vCPUs
run --vcpus 64 --memory 128M --boot-file "compute iterations=500"
rc=$?
[ $rc = 0 ] && grep -q '^md: 64 vcpus, 1 mblocks' "$tmp/out" && grep -q '^smp: 64 vcpus up' "$tmp/out" &&
  [ "$(lines '^vcpu [0-9]*: compute iterations=500 ')" = 64 ] && grep -q '^vfsim-runtime: all 64 vcpus done' "$tmp/out"
check "64 vCPUs boot and all report (rc=$rc)" $?

# --- counter: strictly increasing at the simulated rate
run --vcpus 2 --boot-file "counter rate=1000 count=10"
rc=$?
seq=$(grep '^counter ' "$tmp/out" | awk '{print $2}' | tr '\n' ' ')
[ $rc = 0 ] && [ "$seq" = "1 2 3 4 5 6 7 8 9 10 " ] && grep -q 'simulated time 1[0-9]' "$tmp/err"
check "counter prints 1..10 at 1 kHz of simulated time (rc=$rc, '$seq')" $?

# --- two domains side by side: each sees only its own strands and memory; one probes the
# other's physical memory (b's mblock lives at physical 0x40000000 + a's 64 MB) and gets
# errors, while b runs its memory workload to the same results as alone.
"$HV" --image "$RT" --domain b --vcpus 2 --memory 32M --boot-file "memory footprint=64K" >"$tmp/alone" 2>/dev/null
"$HV" --image "$RT" --domain a --vcpus 4 --memory 64M --boot-file "probe ra=0x44000000" \
  --domain b --vcpus 2 --memory 32M --boot-file "memory footprint=64K" >"$tmp/out" 2>"$tmp/err"
rc=$?
grep -q '^\[a\] md: 4 vcpus, 1 mblocks' "$tmp/out" && grep -q '^\[a\] md: mblock 0 base 0x8000000 size 0x4000000' "$tmp/out" &&
  grep -q '^\[b\] md: 2 vcpus, 1 mblocks' "$tmp/out" && grep -q '^\[b\] md: mblock 0 base 0x8000000 size 0x2000000' "$tmp/out"
check "each of two domains sees only its own vCPUs and memory in its MD" $?
for call in 'mach_desc(0x44000000) -> ENORADDR' 'cons_write(0x44000000) -> ENORADDR' \
            'cpu_qconf(dev mondo, 0x44000000) -> ENORADDR' 'cpu_start(4) -> ENOCPU' 'cpu_state(4) -> ENOCPU'; do
  grep -qF "[a] probe: $call" "$tmp/out"
  check "a probing guest: $call" $?
done
grep -q '^\[a\] vfsim-runtime: unexpected trap 0x030 data_access_exception' "$tmp/out" &&
  grep -q '^\[a\] vfsim-runtime:   fault area: d-side type 4 addr 0x44000000' "$tmp/out" &&
  ! grep -q 'isolation broken' "$tmp/out" && grep -q 'domain a (4 vCPUs, 64 MB): exited with 1' "$tmp/err"
check "its load from the other's physical address traps with fault type 4 (invalid RA)" $?
diff <(grep '^vcpu ' "$tmp/alone" | sed 's/ cycles=.*//') <(grep '^\[b\] vcpu ' "$tmp/out" | sed 's/^\[b\] //; s/ cycles=.*//') >/dev/null &&
  grep -q 'domain b (2 vCPUs, 32 MB): exited with 0' "$tmp/err" && [ $rc = 1 ]
check "the other domain is unharmed: same results as alone, exit 0 (rc=$rc)" $?

# --- bad input
run --vcpus 1 --boot-file "juggle"
rc=$?
[ $rc = 2 ] && grep -qi 'juggle' "$tmp/out"
check "an unknown workload is refused by the runtime with exit 2 (rc=$rc)" $?
run --vcpus 200
rc=$?
[ $rc = 2 ] && grep -q "200 vCPUs requested, only 128 strands free on T5240" "$tmp/err"
check "more vCPUs than strands is refused (rc=$rc)" $?
run --memory 5M
rc=$?
[ $rc = 2 ] && grep -q "not a multiple of 4 MB" "$tmp/err"
check "a memory block that is not a multiple of 4 MB is refused (rc=$rc)" $?

finish
