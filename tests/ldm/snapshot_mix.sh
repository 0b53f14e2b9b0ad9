#!/usr/bin/env bash
# A host whose guests were bound in another order than the manager lists them (the restore
# binds in its own order) and that keep several cores busy: a memory guest, a vdisk write in
# flight and two guests pinging each other through a vsw. Host B, restored from A's snapshot
# at 10 ms, runs 10 ms: every guest's memory checksum, console and a second snapshot equal A's
# byte for byte.
# Usage: snapshot_mix.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd || exit 1
small_primary
expect_ok ldm add-vsw net-dev=e1000g0 primary-vsw0 primary
expect_ok vfctl mkfile -n 64m /ldoms/d3.img
expect_ok ldm add-vds primary-vds0 primary
expect_ok ldm add-vdsdev /ldoms/d3.img vol3@primary-vds0
new_guest ldg2 4 256M "memory footprint=16M writes=2"
new_guest ldg3 2 128M "vdisk op=write size=16M"
expect_ok ldm add-vdisk vdisk1 vol3@primary-vds0 ldg3
vnet_ping_pair ldg4 ldg5 primary-vsw0
doms="ldg5 ldg4 ldg3 ldg2"   # bound and started in this order, listed in the other
for d in $doms; do expect_ok ldm bind $d; done
for d in $doms; do expect_out "LDom $d started" ldm start $d; done
expect_out "simulated time 10 ms" vfctl clock advance 10ms
expect_ok vfctl snapshot save "$tmp/at10.snap"
mkdir -p "$tmp/rootB/ldoms" && cp --sparse=always "$tmp/root/ldoms/d3.img" "$tmp/rootB/ldoms/"
expect_out "simulated time 20 ms" vfctl clock advance 10ms
for d in $doms; do vfctl checksum $d > "$tmp/A.$d.sum"; vfctl console $d > "$tmp/A.$d.cons"; done
expect_ok vfctl snapshot save "$tmp/A20.snap"
stop_ldmd

LDMD_STATE=$tmp/stateB LDMD_ROOT=$tmp/rootB LDMD_SOCKET=$tmp/b.sock
export LDMD_SOCKET
start_ldmd --restore "$tmp/at10.snap" || exit 1
expect_out "simulated time 20 ms" vfctl clock advance 10ms
for d in $doms; do
  vfctl checksum $d > "$tmp/B.$d.sum"
  vfctl console $d > "$tmp/B.$d.cons"
  cmp -s "$tmp/A.$d.sum" "$tmp/B.$d.sum" && cmp -s "$tmp/A.$d.cons" "$tmp/B.$d.cons"
  st=$?   # (before the message's own $(...) changes $?)
  check "$d: B's memory and console equal A's ($(cat "$tmp/B.$d.sum"))" $st
done
expect_ok vfctl snapshot save "$tmp/B20.snap"
cmp -s "$tmp/A20.snap" "$tmp/B20.snap"
st=$?
check "a snapshot of A and of B at 20 ms are the same file ($(stat -c %s "$tmp/B20.snap") bytes)" $st
finish
