#!/usr/bin/env bash
# Guests' virtual networks through the manager: a vsw on the control domain, a vnet in each
# of two guests (MACs from ldm's range), the guests' runtimes ping each other's MAC through
# the switch; ldmd --vsw-pcap captures the switched frames for tshark. A vnet added to a
# bound domain gets its channel at once, one removed loses it.
# Usage: vnet.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd --vsw-pcap "$tmp" || exit 1
small_primary
expect_ok ldm add-vsw net-dev=e1000g0 primary-vsw0 primary
for i in 1 2; do
  new_guest ldg$i 1 256M
  expect_ok ldm add-vnet vnet1 primary-vsw0 ldg$i
done
mac2=$(ldm list-bindings -p ldg2 | sed -n 's/^VNET|.*|mac-addr=\([0-9a-f:]*\)|.*/\1/p')
[[ $mac2 =~ ^00:14:4f:f[89ab](:[0-9a-f]{2}){2}$ ]]
check "ldg2's vnet has a MAC in the LDoms range ($mac2)" $?
expect_ok ldm set-var "boot-file=vnet-ping role=server count=100" ldg2
expect_ok ldm set-var "boot-file=vnet-ping role=client peer=$mac2 count=100 size=128" ldg1
expect_ok ldm bind ldg1
expect_ok ldm bind ldg2
expect_out "LDom ldg2 started" ldm start ldg2
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 50ms >/dev/null
run vfctl console ldg1
grep -Eq '^vnet-ping: count=100 size=128 ok=100 lost=0 stale=0 probes=[0-9]+ rtt_avg_ns=[1-9][0-9]* ' "$tmp/out"
verify "ldg1 pings ldg2's MAC 100 times through primary-vsw0, nothing lost" $?
run vfctl console ldg2
grep -q '^vnet-ping: server echoed 100 frames' "$tmp/out"
verify "ldg2 echoed the 100 frames" $?
ldm list ldg1 ldg2 | grep -c ' bound ' | grep -qx 2
check "both domains are bound again once their runtimes finished" $?
n=$(tshark -r "$tmp/primary-vsw0.pcap" -Y "eth.type == 0x88b5 && eth.dst == $mac2" 2>/dev/null | wc -l)
[ "$n" -ge 101 ]
check "tshark reads the switch's capture: $n frames to ldg2 (100 pings and the probes)" $?

# live: a second vnet for bound ldg2, then removed; one on a switch that does not exist
expect_ok ldm add-vnet vnet2 primary-vsw0 ldg2
run ldm list -o network ldg2
grep -q '^    vnet2 ' "$tmp/out"
verify "the vnet added to bound ldg2 is listed" $?
expect_ok ldm rm-vnet vnet2 ldg2
expect_fail "Service nosuch-vsw does not exist" ldm add-vnet vnet3 nosuch-vsw ldg2
expect_ok ldm set-var "boot-file=vnet-ping role=server count=10" ldg2
expect_ok ldm set-var "boot-file=vnet-ping role=client peer=$mac2 count=10" ldg1
expect_out "LDom ldg2 started" ldm start ldg2
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 20ms >/dev/null
run vfctl console ldg1
grep -q '^vnet-ping: count=10 size=64 ok=10 lost=0' "$tmp/out"
verify "after the live add and remove the two domains ping again" $?
stop_ldmd
finish
