#!/usr/bin/env bash
# Guest-side chaos (docs/reliability.md): domain c runs the `chaos` workload (random
# hypercalls, random LDC packets, random console bytes, its own descriptor rings scribbled
# on, from a seed) on the same switch and disk server as healthy domains: a and b ping each
# other through the switch, d writes and verifies its disk, e guards 1 MB of its memory that
# c aims at. The simulator must not crash, the healthy domains must get what they get without
# c, and the same seed must do the same thing, byte for byte.
# Usage: chaos.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"

healthy=(--domain a --strands 8 --memory 64M --boot-file "vnet-ping role=client peer=00:14:4f:f8:00:0b count=1000"
         --domain b --strands 16 --memory 64M --boot-file "vnet-ping role=server count=1000"
         --domain d --strands 24 --memory 64M --boot-file "vdisk op=write size=2M seed=3"
         --domain e --strands 32 --memory 32M --boot-file "guard footprint=1M count=100")
run() {   # NAME SEED: with chaos (SEED) or without (SEED empty)
  rm -f "$tmp"/*.img
  local c=()
  # c aims at e's guard buffer: e's memory is at physical 0x40000000 + 64 MB x 4 (c, a, b and
  # d come first), the buffer where the run without c shows it
  [ -n "$2" ] && c=(--domain c --vcpus 2 --memory 64M --crypto 0 --boot-file "chaos seed=$2 count=2000 ra=$target"
                    --connect c,a --echo-service c --vnet c=00:14:4f:f8:00:0c --vdisk "c=$tmp/c.img,size=4M")
  "$HV" --image "$RT" "${c[@]}" "${healthy[@]}" --vsw sw0 --vnet a=00:14:4f:f8:00:0a --vnet b=00:14:4f:f8:00:0b --vdisk "d=$tmp/d.img,size=4M" \
    --max-ms 60000 >"$tmp/$1.out" 2>"$tmp/$1.err"
}
run base ""
buf=$(sed -n 's/^\[e\] guard: 1048576 bytes at \(0x[0-9a-f]*\),.*/\1/p' "$tmp/base.out")
target=$(printf '0x%x' $((0x50000000 + buf - 0x8000000)))
run c1 5
rc=$?
out=$tmp/c1.out
[ $rc = 0 ] && grep -aq '^\[c\] chaos: seed 5, 2000 rounds; vnet up, vdisk up, 2 raw channels$' "$out" &&
  grep -aq '^\[c\] chaos: done, the guest is still running$' "$out" &&
  grep -q '^vfsim-hv: domain c (2 vCPUs, 64 MB): exited with 0' "$tmp/c1.err"
check "the chaos guest runs its 2000 rounds and exits 0; so does vfsim-hv (rc=$rc)" $?
grep -aE '^\[c\] chaos: (hypercalls|packets|vnet|vdisk|descriptors)' "$out" | sed 's/^/     /'
h=$(sed -n 's/^\[c\] chaos: hypercalls \([0-9]*\) (EOK \([0-9]*\),.*/\1 \2/p' "$out")
read -r calls ok <<<"$h"
[ -n "$calls" ] && [ "$calls" -ge 500 ] && [ "$ok" -lt "$calls" ] &&
  grep -aEq '^\[c\] chaos: vnet frames [1-9][0-9]* \([1-9][0-9]* spoofed\)' "$out" &&
  grep -aEq '^\[c\] chaos: descriptors scribbled [1-9][0-9]*, VIO messages of junk [1-9][0-9]*$' "$out" &&
  grep -Eq '^vfsim-hv: vsw sw0 port c .* errors=[1-9][0-9]* spoofed=[1-9][0-9]* ' "$tmp/c1.err" &&
  grep -Eq '^vfsim-hv: vdisk c/ch[0-9]+ .* [1-9][0-9]* errors$' "$tmp/c1.err"
check "it did misbehave: $calls hypercalls ($ok accepted), spoofed frames, scribbled rings; the switch and disk server counted its errors" $?

same() { diff <(grep -a "^\[$1\] $2" "$tmp/base.out" | sed "$3") <(grep -a "^\[$1\] $2" "$out" | sed "$3") >/dev/null; }
same a 'vnet-ping: count=' 's/ rtt_.*//' && same b 'vnet-ping: server' '' &&
  grep -aq '^\[a\] vnet-ping: count=1000 size=64 ok=1000 lost=0 stale=0 ' "$out"
check "a and b ping 1000 times through the switch c abuses, nothing lost, as without c" $?
same d 'vdisk: \(read and verified\|[0-9]* requests\)' 's/ in [0-9]* us.*//' &&
  grep -aq '^\[d\] vdisk: 33 requests, 0 errors, 0 resets$' "$out"
check "d writes and verifies 2 MB on the disk server c abuses, as without c" $?
same e 'guard: ' '' && grep -aq '^\[e\] guard: 100 checks over 100 ms, checksum 0x[0-9a-f]* unchanged$' "$out"
check "e's 1 MB, which c aims at, keeps its checksum over 100 ms, as without c" $?
for p in a b; do
  grep -q "^vfsim-hv: vsw sw0 port $p (.*): up, .* errors=0 spoofed=0 " "$tmp/c1.err" || false
done
check "the healthy ports have no errors and nothing spoofed" $?
first=$(grep -an '^\[c\] chaos: seed' "$out" | cut -d: -f1)
done_c=$(grep -an '^\[c\] chaos: done' "$out" | cut -d: -f1)
ping=$(grep -an '^\[a\] vnet-ping: count=' "$out" | cut -d: -f1)
[ -n "$first" ] && [ -n "$ping" ] && [ "$first" -lt "$ping" ] && [ "$ping" -lt "$done_c" ]
check "the healthy domains ran while c misbehaved (lines $first < $ping < $done_c)" $?

run c2 5
cmp -s <(grep -a '^\[c\]' "$tmp/c1.out") <(grep -a '^\[c\]' "$tmp/c2.out") &&
  cmp -s <(grep '^vfsim-hv: v' "$tmp/c1.err") <(grep '^vfsim-hv: v' "$tmp/c2.err")
check "seed 5 again: the same console bytes, counts and server statistics, byte for byte" $?
run c3 6
! cmp -s <(grep -a '^\[c\] chaos: hypercalls' "$tmp/c1.out") <(grep -a '^\[c\] chaos: hypercalls' "$tmp/c3.out") &&
  grep -aq '^\[c\] chaos: done' "$tmp/c3.out"
check "seed 6 does something else, and also ends with c still running" $?

"$HV" --image "$RT" --boot-file "chaos count=0" >"$tmp/bad" 2>&1
rc=$?
[ $rc = 2 ] && grep -q 'chaos: count must be 1..10000000' "$tmp/bad"
check "chaos count=0 is refused (rc=$rc)" $?
finish
