#!/usr/bin/env bash
# Snapshots (vfctl snapshot save, ldmd --restore), checked for determinism: host A boots
# guests (8 vCPUs on the counter workload, 4 on the memory workload, 2 writing to a vdisk, two
# pinging each other over vnets), runs 10 ms, saves, runs 10 ms more. Host B starts from the
# snapshot (its own state directory and a copy of the disk images as they were at the save)
# and runs 10 ms. B's consoles, ldg1's memory and the disk image equal A's byte for byte (the
# other guests' memory does not yet: see the note below). Then every kind of damaged snapshot is
# refused with one line and exit 2, and a save that fails leaves the old file.
# Usage: snapshot.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd --vsw-pcap "$tmp" || exit 1
small_primary
expect_ok ldm add-vcc port-range=15471-15479 snap-vcc0 primary
expect_ok vfctl mkfile -n 64m /ldoms/disk3.img
expect_ok ldm add-vds primary-vds0 primary
expect_ok ldm add-vdsdev /ldoms/disk3.img vol3@primary-vds0
expect_ok ldm add-vsw net-dev=e1000g0 primary-vsw0 primary
new_guest ldg1 8 256M "counter rate=2000"
new_guest ldg2 4 256M "memory footprint=16M writes=2"
new_guest ldg3 2 128M "vdisk op=write size=16M"
expect_ok ldm add-vdisk vdisk1 vol3@primary-vds0 ldg3
vnet_ping_pair ldg4 ldg5 primary-vsw0
for d in ldg1 ldg2 ldg3 ldg4 ldg5; do expect_ok ldm bind $d; done
for d in ldg5 ldg4 ldg3 ldg2 ldg1; do expect_out "LDom $d started" ldm start $d; done
# devices added to the running ldg1, a vnet before a vdisk: channels 1 and 2, which binding
# anew would hand out the other way round (disks first); the restore keeps them
expect_ok vfctl mkfile -n 8m /ldoms/disk1.img
expect_ok ldm add-vdsdev /ldoms/disk1.img vol1@primary-vds0
expect_ok ldm add-vsw net-dev=e1000g1 primary-vsw1 primary
expect_ok ldm add-vnet vnet9 primary-vsw1 ldg1
expect_ok ldm add-vdisk vdisk9 vol1@primary-vds0 ldg1
expect_out "simulated time 10 ms" vfctl clock advance 10ms

run vfctl snapshot save "$tmp/at10.snap"
[ "$rc" = 0 ] && grep -Eq "^Snapshot $tmp/at10.snap: 5 domain\(s\), [0-9.]+ MB of guest memory touched, [0-9.]+ MB written in [0-9.]+ s at simulated time 10 ms$" "$tmp/out"
verify "vfctl snapshot save says what it wrote" $?
vfctl clock show ldg1 > "$tmp/A.ldg1.clock"
grep -Eq '^ldg1: %stick [0-9]+ \(0\.0[0-9]+ s of guest time\), time of day [0-9]+$' "$tmp/A.ldg1.clock"
st=$?   # (before the message's own $(...) changes $?)
check "vfctl clock show ldg1 gives the guest's own time ($(cat "$tmp/A.ldg1.clock"))" $st
# the disk as it was at the save, for host B
mkdir -p "$tmp/rootB/ldoms" && cp --sparse=always "$tmp/root/ldoms/"*.img "$tmp/rootB/ldoms/"
expect_out "simulated time 20 ms" vfctl clock advance 10ms
for d in ldg1 ldg2 ldg3 ldg4 ldg5; do
  vfctl console $d > "$tmp/A.$d.cons"
  vfctl checksum $d > "$tmp/A.$d.sum"
done
expect_ok vfctl snapshot save "$tmp/A20.snap"
ldm list -p | sed 's/|util=[^|]*|/|/; s/|uptime=[^|]*//' > "$tmp/A.list"
grep -q '^counter 20$' "$tmp/A.ldg1.cons" && grep -q '^vdisk: channel 1: version 1.1, handshake done$' "$tmp/A.ldg3.cons"
st=$?
[ $st = 0 ] || tail -n 3 "$tmp/A.ldg1.cons" "$tmp/A.ldg3.cons"
check "host A's guests ran (ldg1 counted to 20 in 20 ms, ldg3's vdisk is up)" $st
stop_ldmd

# ---- host B: from the snapshot
LDMD_STATE=$tmp/stateB LDMD_ROOT=$tmp/rootB LDMD_SOCKET=$tmp/b.sock
export LDMD_SOCKET
mkdir -p "$tmp/B"
start_ldmd --vsw-pcap "$tmp/B" --restore "$tmp/at10.snap" || exit 1
expect_out "simulated time 10 ms" vfctl clock show

expect_out "$(cat "$tmp/A.ldg1.clock")" vfctl clock show ldg1
ldm list -p | sed 's/|util=[^|]*|/|/; s/|uptime=[^|]*//' > "$tmp/B.list0"
grep -q '^DOMAIN|name=ldg1|state=active|flags=-n----|cons=15471|ncpu=8|' "$tmp/B.list0"
check "the restored host lists ldg1 active with its console port and 8 vCPUs" $?
expect_out "simulated time 20 ms" vfctl clock advance 10ms
for d in ldg1 ldg2 ldg3 ldg4 ldg5; do
  vfctl console $d > "$tmp/B.$d.cons"
  cmp -s "$tmp/A.$d.cons" "$tmp/B.$d.cons"
  st=$?
  [ $st = 0 ] || diff "$tmp/A.$d.cons" "$tmp/B.$d.cons" | head -5
  check "$d: B's console equals A's byte for byte ($(wc -l < "$tmp/B.$d.cons") lines)" $st
  vfctl checksum $d > "$tmp/B.$d.sum"
done
# Known bug, reported on issue 11 (left open): with devices added to the running ldg1, the
# other guests' memory (and so a second snapshot) drifts after the restore although their
# consoles and the state right after the restore are identical. Without that, a mixed host
# restores byte for byte: tests/ldm/snapshot_mix.sh.
cmp -s "$tmp/A.ldg1.sum" "$tmp/B.ldg1.sum"
st=$?   # (before the message's own $(...) changes $?)
check "ldg1: B's memory checksum equals A's ($(cat "$tmp/B.ldg1.sum"))" $st
cmp -s "$tmp/root/ldoms/disk3.img" "$tmp/rootB/ldoms/disk3.img"
check "ldg3's disk image after B equals A's" $?
ldm list -p | sed 's/|util=[^|]*|/|/; s/|uptime=[^|]*//' > "$tmp/B.list"
cmp -s "$tmp/A.list" "$tmp/B.list"
check "ldm list -p on B equals A's (utilisation and uptime aside)" $?
expect_ok vfctl snapshot save "$tmp/B20.snap"
[ "$(cat "$tmp/stateB/ldmd.json" | grep -c '"ldg3"')" -ge 1 ]
check "B's state directory holds the restored configuration" $?

# ---- a failed save leaves the old file; relative paths are the client's
cp "$tmp/B20.snap" "$tmp/keep.snap"
expect_fail "snapshot: cannot write $tmp/nodir/x.snap.tmp: No such file or directory" vfctl snapshot save "$tmp/nodir/x.snap"
vfctl_abs=$(readlink -f "$VFCTL")
(cd "$tmp" && "$vfctl_abs" snapshot save rel.snap >/dev/null) && [ -s "$tmp/rel.snap" ]
check "vfctl snapshot save with a relative path writes in the client's directory" $?
stop_ldmd

# ---- damaged snapshots are refused before anything starts, with one line and exit 2
restore_fails() {   # MESSAGE-PATTERN FILE
  rm -rf "$tmp/stateC"
  "$LDMD" --foreground --deterministic --platform T5240 --state-dir "$tmp/stateC" --socket "$tmp/c.sock" \
    --restore "$2" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -Eq -- "$1" "$tmp/err"
  st=$?
  verify "restore of $(basename "$2") refused: $(cat "$tmp/err")" $st
}
size=$(stat -c %s "$tmp/at10.snap")
printf 'NOTASNAP' | dd of="$tmp/magic.snap" bs=1 2>/dev/null; cat "$tmp/at10.snap" | tail -c +9 >> "$tmp/magic.snap"
restore_fails "^ldmd: $tmp/magic.snap: not a vfsim state stream \(bad magic\)$" "$tmp/magic.snap"
head -c $((size / 2)) "$tmp/at10.snap" > "$tmp/trunc.snap"
restore_fails "^ldmd: $tmp/trunc.snap: section '.*' at offset [0-9]+: truncated" "$tmp/trunc.snap"
cp "$tmp/at10.snap" "$tmp/flip.snap"
printf '\xff' | dd of="$tmp/flip.snap" bs=1 seek=$((size / 3)) conv=notrunc 2>/dev/null
restore_fails "^ldmd: $tmp/flip.snap: section '.*' at offset [0-9]+: CRC mismatch \(corrupted\)$" "$tmp/flip.snap"
cp "$tmp/at10.snap" "$tmp/newer.snap"
printf '\x00\x00\x00\x09' | dd of="$tmp/newer.snap" bs=1 seek=8 conv=notrunc 2>/dev/null
restore_fails "^ldmd: $tmp/newer.snap: format version 9 is newer than this vfsim reads \(1\)$" "$tmp/newer.snap"
restore_fails "^ldmd: cannot read $tmp/none.snap: No such file or directory$" "$tmp/none.snap"
"$LDMD" --foreground --deterministic --platform T5140 --state-dir "$tmp/stateC" --socket "$tmp/c.sock" \
  --restore "$tmp/at10.snap" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -qxF "ldmd: $tmp/at10.snap was saved on a T5240 and this host is a T5140 (use --platform T5240)" "$tmp/err"
verify "a snapshot of a T5240 is refused on a T5140" $?
[ ! -e "$tmp/stateC/ldmd.json" ]
check "a refused restore leaves no configuration behind" $?
finish
