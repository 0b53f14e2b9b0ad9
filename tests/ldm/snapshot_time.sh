#!/usr/bin/env bash
# A guest's clock across a snapshot and a restore that comes seconds later in wall time, on a
# free-running host (simulated time follows the wall clock): the restored guest's %stick
# goes on from where it was saved, monotonically, and does not jump by the wall-clock gap.
# Usage: snapshot_time.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
LDMD_REAL=$LDMD
# free-running: lib.sh's start_ldmd passes --deterministic, so start this host by hand
start_free() {
  "$LDMD_REAL" --foreground --platform T5240 --state-dir "$1" --socket "$LDMD_SOCKET" --service-root "$tmp/root" \
    "${@:2}" >>"$tmp/ldmd.log" 2>&1 &
  ldmd_pid=$!
  for i in $(seq 200); do [ -S "$LDMD_SOCKET" ] && return 0; sleep 0.05; done
  cat "$tmp/ldmd.log"
  return 1
}
stick() { vfctl clock show ldg1 | sed -n 's/^ldg1: %stick \([0-9]*\) .*/\1/p'; }
hz=1415000000
start_free "$tmp/state" || exit 1
small_primary
new_guest ldg1 2 128M "counter rate=100 count=1000000"
expect_ok ldm bind ldg1
expect_out "LDom ldg1 started" ldm start ldg1
sleep 0.5
s1=$(stick)
expect_ok vfctl snapshot save "$tmp/t.snap"
s2=$(stick)
stop_ldmd
sleep 3   # the gap in wall time
start_free "$tmp/stateB" --restore "$tmp/t.snap" || exit 1
s3=$(stick)
sleep 0.5
s4=$(stick)
echo "  %stick: $s1 before the save, $s2 after it; $s3 after the restore (3 s later), $s4 half a second on"
[ -n "$s1" ] && [ "$s2" -ge "$s1" ] && [ "$s3" -ge "$s1" ] && [ "$s4" -gt "$s3" ]
check "the guest's %stick only goes forward across save and restore" $?
# the restored clock goes on from the saved one: it does not carry the 3 s gap
# (s2 is read after the save while host A ran on, so the restored clock may be behind it)
[ $((s3 - s1)) -lt $((hz * 3 / 2)) ]
check "after the restore %stick is within 1.5 s of guest time of the last reading before the save, not 3 s on ($(((s3 - s1) / (hz / 1000))) ms)" $?
run vfctl console ldg1
last=$(grep -c '^counter ' "$tmp/out")
sleep 0.3
run vfctl console ldg1
[ "$(grep -c '^counter ' "$tmp/out")" -gt "$last" ] && [ "$(grep '^counter ' "$tmp/out" | awk '{print $2}' | sort -n | uniq -d | wc -l)" = 0 ]
verify "the restored guest keeps counting, no line twice" $?
finish
