#!/usr/bin/env bash
# The memory workload's paced mode (rate=R), the guest live-migration tests run: vCPU 0
# dirties R bytes' worth of 8K pages per second of simulated time, at each tick of its
# %stick_cmpr timer, and prints "dirty N" per tick. Asserted on vfsim-hv alone: the ticks
# are exactly those simulated time allows, numbered 1.. without a gap, the same on every
# run (byte for byte); count=N ends with the pages dirtied (the carried remainder makes
# 5 ticks of rate=8M tick=100, 10.24 pages each, exactly 51 pages, as the host computes);
# the writes cycle round the footprint; then=idle stays up; bad combinations are refused.
# Usage: memory_paced.sh VFSIM_HV RUNTIME_ELF FW_HOST_TEST
set -u
HV=$1 RT=$2 HOST=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
run() { "$HV" --image "$RT" "$@" >"$tmp/out" 2>"$tmp/err"; }
# the console's lines after the SMP bring-up (the workload's own)
after_smp() { sed -n '/^smp: /,$p' "$tmp/out" | tail -n +2; }
# "dirty 1" .. "dirty N"
dirty_lines() { seq 1 "$1" | sed 's/^/dirty /'; }
misses() { sed -n 's/.* \([0-9]*\) MMU miss traps$/\1/p' "$tmp/err"; }

# --- forever, for 105 ms of simulated time: the first tick comes 10 ms after the timer starts
# (~0.25 ms into the boot), so ticks 1..10 fall at ~10.25 .. ~100.25 ms and the 11th after the end
run --vcpus 2 --max-ms 105 --boot-file "memory footprint=4M rate=8M tick=100"
rc=$?
after_smp >"$tmp/got"
dirty_lines 10 >"$tmp/want"
[ $rc = 124 ] && grep -q 'domain primary (2 vCPUs, 64 MB): still running' "$tmp/err" && cmp -s "$tmp/got" "$tmp/want"
st=$?
check "rate=8M tick=100 for 105 ms prints exactly dirty 1 .. dirty 10 and still runs (rc=$rc, $(wc -l <"$tmp/got") lines)" $st
# 10 ticks of 10.24 pages: 102 distinct pages of the 512, each touched for the first time
[ "$(misses)" = 102 ]
st=$?
check "the 10 ticks dirtied 102 distinct pages, one demand miss each ($(misses) misses)" $st
cp "$tmp/out" "$tmp/out1"
cp "$tmp/err" "$tmp/err1"
run --vcpus 2 --max-ms 105 --boot-file "memory footprint=4M rate=8M tick=100"
cmp -s "$tmp/out" "$tmp/out1" && cmp -s "$tmp/err" "$tmp/err1"
check "a second run prints the same, byte for byte (console and summary)" $?

# --- a faster timer: 10 kHz for 10.6 ms: one tick each 0.1 ms from when the boot is done, so
# 1 .. N in order with nothing lost, and N between 95 and 106 (at most 106 ticks fit 10.6 ms;
# the boot takes under 1.1 ms: how long depends on the memory timing, as the boot's pages lie
# from 1 GB up, which the T5240 homes on socket 1, remote from strand 0)
run --max-ms 10.6 --boot-file "memory footprint=4M rate=8M tick=10000"
rc=$?
after_smp >"$tmp/got"
n=$(wc -l <"$tmp/got")
dirty_lines "$n" >"$tmp/want"
[ $rc = 124 ] && [ "$n" -ge 95 ] && [ "$n" -le 106 ] && cmp -s "$tmp/got" "$tmp/want"
st=$?
check "tick=10000 for 10.6 ms prints dirty 1 .. dirty $n in order, nothing lost (95..106 expected) (rc=$rc)" $st

# --- count=5: five ticks, then the total and mach_exit(0); the other vCPUs only idle
run --vcpus 4 --boot-file "memory footprint=4M rate=8M tick=100 count=5"
rc=$?
after_smp >"$tmp/got"
{ dirty_lines 5; echo "memory: dirtied 51 pages in 5 ticks"; } >"$tmp/want"
[ $rc = 0 ] && grep -q '^smp: 4 vcpus up' "$tmp/out" && cmp -s "$tmp/got" "$tmp/want" &&
  grep -q 'domain primary (4 vCPUs, 64 MB): exited with 0' "$tmp/err" && [ "$(misses)" = 51 ]
check "count=5 prints dirty 1..5 then 'memory: dirtied 51 pages in 5 ticks' and exits 0 (rc=$rc)" $?
"$HOST" --results "memory footprint=4M rate=8M tick=100 count=5" 1 | cmp -s - <(tail -1 "$tmp/got")
check "the host computes the same total from the same rule" $?
[ "$(sed -n 's/.*simulated time \([0-9]*\) ps$/\1/p' "$tmp/err")" -ge 50000000000 ] 2>/dev/null
check "5 ticks at 100 Hz took at least 50 ms of simulated time" $?

# --- the writes go round the footprint: 8 pages, 8 pages a tick, 3 ticks
run --boot-file "memory footprint=64K rate=6400K tick=100 count=3"
rc=$?
[ $rc = 0 ] && [ "$(after_smp | tail -1)" = "memory: dirtied 24 pages in 3 ticks" ] && [ "$(misses)" = 8 ]
check "a 64K footprint at 8 pages a tick: 24 pages written over its 8 pages (8 misses, rc=$rc)" $?

# --- then=idle: the total, then idle (answering the domain manager), no more ticks
run --max-ms 200 --boot-file "memory footprint=4M rate=8M tick=100 count=5 then=idle"
rc=$?
after_smp >"$tmp/got"
{ dirty_lines 5; echo "memory: dirtied 51 pages in 5 ticks"; echo "vfsim-runtime: idle"; } >"$tmp/want"
[ $rc = 124 ] && cmp -s "$tmp/got" "$tmp/want"
check "count=5 then=idle stays up idle after the total, no tick after it (rc=$rc)" $?

# --- refused: the guest exits 2 with the reason
refused() {   # BOOT-FILE REASON
  run --boot-file "$1"
  local rc=$?
  [ $rc = 2 ] && grep -qxF "vfsim-runtime: error: $2" "$tmp/out"
  check "'$1' is refused: $2 (rc=$rc)" $?
}
refused "memory rate=8M writes=50" "memory: writes does not go with rate (paced mode writes one word per page)"
refused "memory rate=0" "memory: rate must be 1..64G bytes per second"
refused "memory rate=1M tick=20000" "memory: tick must be 1..10000 Hz"
refused "memory count=5" "memory: tick and count are for paced mode (rate=R)"
refused "memory footprint=64K rate=8M tick=100" "memory: rate above footprint x tick (6553600): a tick's pages must be distinct"

finish
