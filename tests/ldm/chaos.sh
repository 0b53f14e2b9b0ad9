#!/usr/bin/env bash
# A misbehaving guest under ldmd (docs/reliability.md "Guest-side chaos"): ldg1 runs the
# chaos workload with its Domain Services agent off, so its junk packets go to ldmd's own DS
# service too, besides the vds, the vsw and its console; ldg2 and ldg3 ping each other on
# the same switch and ldg4 writes and verifies its disk on the same vds. ldmd must keep
# serving, the others must finish as usual, and ldg1's console (random bytes, not UTF-8)
# must come back through vfctl.
# Usage: chaos.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd --hv-trace "$tmp/trace" || exit 1
small_primary
expect_ok ldm add-vds primary-vds0 primary
expect_ok ldm add-vsw net-dev=e1000g0 primary-vsw0 primary
for d in ldg1 ldg4; do
  expect_ok vfctl mkfile -n 8m /ldoms/$d/disk0.img
  expect_ok ldm add-vdsdev /ldoms/$d/disk0.img vol-$d@primary-vds0
done
new_guest ldg1 2 256M "chaos seed=3 count=2000 ds=off"
expect_ok ldm add-vnet vnet1 primary-vsw0 ldg1
expect_ok ldm add-vdisk vdisk1 vol-ldg1@primary-vds0 ldg1
vnet_ping_pair ldg2 ldg3 primary-vsw0
mac3=$(ldm list-bindings -p ldg3 | sed -n 's/^VNET|.*|mac-addr=\([0-9a-f:]*\)|.*/\1/p')
expect_ok ldm set-var "boot-file=vnet-ping role=server count=500" ldg3
expect_ok ldm set-var "boot-file=vnet-ping role=client peer=$mac3 count=500 size=128" ldg2
new_guest ldg4 1 128M "vdisk op=write size=2M seed=5"
expect_ok ldm add-vdisk vdisk1 vol-ldg4@primary-vds0 ldg4
for d in ldg1 ldg2 ldg3 ldg4; do expect_ok ldm bind $d; done
for d in ldg3 ldg1 ldg2 ldg4; do expect_out "LDom $d started" ldm start $d; done
vfctl clock advance 2s >/dev/null

run vfctl console ldg1
cp "$tmp/out" "$tmp/ldg1.console"
grep -aq '^chaos: seed 3, 2000 rounds; vnet up, vdisk up, 1 raw channels$' "$tmp/out" &&
  grep -aq '^chaos: done, the guest is still running$' "$tmp/out"
verify "ldg1 ran its 2000 rounds of chaos (junk on its DS channel too) and ended on its own" $?
LC_ALL=C grep -aq '[^ -~[:space:]]' "$tmp/out"
check "its console came back through vfctl with the bytes that are not text" $?
run vfctl console ldg2
grep -q '^vnet-ping: count=500 size=128 ok=500 lost=0 stale=0 ' "$tmp/out"
verify "ldg2 pinged ldg3 500 times on the switch ldg1 abused, nothing lost" $?
run vfctl console ldg4
grep -q '^vdisk: read and verified 2097152 bytes in ' "$tmp/out" && grep -q '^vdisk: 33 requests, 0 errors, 0 resets$' "$tmp/out"
verify "ldg4 wrote and verified 2 MB on the disk server ldg1 abused" $?
run ldm list
[ $rc = 0 ] && [ "$(grep -cE '^ldg[1-4] +bound ' "$tmp/out")" = 4 ] && kill -0 "$ldmd_pid"
verify "ldmd still serves: ldm list shows the four domains bound again once their runtimes ended" $?
expect_out "LDom ldg2 started" ldm start ldg2
expect_ok ldm stop-domain -f ldg2
stop_ldmd
# the raw channel is the DS one (neither the vnet's nor the vdisk's): the hypervisor's trace
# shows ldg1's packets on it to ldmd
vnet_ch=$(sed -n 's/^vnet: channel \([0-9]*\): .*/\1/p' "$tmp/ldg1.console")
disk_ch=$(sed -n 's/^vdisk: channel \([0-9]*\): .*/\1/p' "$tmp/ldg1.console")
ds_ch=$(for ch in 0 1 2; do [ "$ch" != "$vnet_ch" ] && [ "$ch" != "$disk_ch" ] && echo $ch; done)
n=$(grep -c " ldc  ldg1/ch$ds_ch -> service " "$tmp/trace")
[ -n "$vnet_ch" ] && [ -n "$disk_ch" ] && [ "$n" -ge 50 ]
check "ldmd's DS service took $n junk packets on ldg1's channel $ds_ch and kept serving" $?
finish
