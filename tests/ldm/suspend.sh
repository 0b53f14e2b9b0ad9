#!/usr/bin/env bash
# Guest suspend for migration, by hand: `vfctl suspend` asks the guest's OS over Domain
# Services (domain-suspend); the runtime answers, stops its other vCPUs and calls
# guest_suspend, which returns on `vfctl resume`. Checked on the consoles (the counter
# workload loses and repeats no number), memory checksums, the guest's time of day (it loses
# the suspended interval), ldm list, the hypervisor trace and the simulated time the command
# took. A 2-vCPU guest stops and restarts its other vCPU itself; a snapshot of a suspended
# guest restores suspended and resumes on the new host; guests that cannot suspend are
# refused with exit 1.
# Usage: suspend.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd --hv-trace "$tmp/trace" || exit 1
small_primary
# a port range of its own, away from other tests' ldmds running in parallel
expect_ok ldm add-vcc port-range=15501-15509 test-vcc0 primary
new_guest ldg1 1 256M "counter rate=1000 count=0"
expect_ok ldm bind ldg1
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 20ms >/dev/null
run vfctl console ldg1
grep -qxF 'api: core 1.2' "$tmp/out" &&
  grep -qxF 'ds: channel 0: md-update 1.0 domain-shutdown 1.0 dr-cpu 1.0 domain-suspend 1.0' "$tmp/out"
verify "the runtime gets CORE 1.2 and registers domain-suspend" $?

# simulated microseconds now
usec() { vfctl clock show | sed -n 's/^simulated time \([0-9.]*\) \(us\|ms\|s\)$/\1 \2/p' |
  awk '{ m = $2 == "s" ? 1e6 : $2 == "ms" ? 1e3 : 1; printf "%d\n", $1 * m }'; }
tod() { vfctl clock show "$1" | sed -n 's/.*time of day \([0-9]*\)$/\1/p'; }
last_counter() { sed -n 's/^counter \([0-9]*\)$/\1/p' "$1" | tail -1; }
# the counter's numbers in a console file are 1, 2, 3, ... without a gap or a repeat
counting() { sed -n 's/^counter \([0-9]*\)$/\1/p' "$1" | awk '$1 != NR { bad = 1 } END { exit bad || NR == 0 }'; }
# What a console file has past its first N lines: "suspend: resumed", then the counter from
# K + 1, none lost or repeated in the whole file; EXTRA more lines that are not the counter's
# may follow the resumed line (the DS channel coming up again after a restore).
resumed_from() {   # FILE N K [EXTRA]
  tail -n +$(($2 + 1)) "$1" > "$tmp/after"
  grep '^counter' "$tmp/after" > "$tmp/after.counter"
  [ "$(head -1 "$tmp/after")" = "suspend: resumed" ] && [ "$(head -1 "$tmp/after.counter")" = "counter $(($3 + 1))" ] &&
    [ "$(grep -c '^suspend: resumed$' "$tmp/after")" = 1 ] && [ "$(grep -vc '^counter' "$tmp/after")" = $((1 + ${4:-0})) ] &&
    counting "$1" || { head -6 "$tmp/after"; false; }
}

# ==== suspend: the command returns once the guest sits in guest_suspend
tod0=$(tod ldg1)
t0=$(usec)
expect_out "LDom ldg1 suspended" vfctl suspend ldg1
t1=$(usec)
[ "$t1" -gt "$t0" ] && [ $((t1 - t0)) -le 1000 ]
check "vfctl suspend waited for the guest in simulated time: $((t1 - t0)) us (0 < t <= 1 ms)" $?
vfctl console ldg1 > "$tmp/at_suspend"
k=$(last_counter "$tmp/at_suspend")
[ "${k:-0}" -ge 15 ] && counting "$tmp/at_suspend" && ! grep -q '^suspend:' "$tmp/at_suspend"
verify "ldg1 counted to $k before the suspend and printed nothing about it" $?
vfctl checksum ldg1 > "$tmp/sum0"
expect_fail "LDom ldg1 is already suspended" vfctl suspend ldg1
expect_fail "LDom ldg1 is suspended: resume it first" ldm add-vcpu 1 ldg1

# ==== 3 s of simulated time pass: nothing runs, nothing changes
vfctl clock advance 3s >/dev/null
run vfctl console ldg1
cmp -s "$tmp/out" "$tmp/at_suspend"
verify "no new console output while suspended" $?
run vfctl checksum ldg1
cmp -s "$tmp/out" "$tmp/sum0"
st=$?
verify "ldg1's memory is unchanged while suspended ($(cat "$tmp/sum0"))" $st
ldm list -p ldg1 >/dev/null   # (utilisation counts from the last listing)
vfctl clock advance 1ms >/dev/null
run ldm list -p ldg1
grep -q '^DOMAIN|name=ldg1|state=active|flags=-n----|cons=15501|ncpu=1|mem=268435456|util=0.0|' "$tmp/out"
verify "a suspended ldg1 lists active with 0% utilisation" $?
[ "$(tod ldg1)" = $((tod0 + 3)) ]
st=$?
check "the hypervisor's time of day for ldg1 ran on meanwhile ($tod0 -> $(tod ldg1))" $st

# ==== resume: the call returns, the counter goes on from the next number
expect_out "LDom ldg1 resumed" vfctl resume ldg1
vfctl clock advance 10ms >/dev/null
vfctl console ldg1 > "$tmp/resumed"
resumed_from "$tmp/resumed" "$(wc -l < "$tmp/at_suspend")" "$k" && [ "$(grep -c '^counter' "$tmp/after")" -ge 8 ]
check "after 'suspend: resumed' the counter goes on from $((k + 1)), none lost or repeated" $?
[ "$(tod ldg1)" = "$tod0" ]
st=$?
check "the guest set its time of day back: its wall clock lost the 3 s ($(tod ldg1))" $st
expect_fail "LDom ldg1 is not suspended" vfctl resume ldg1
expect_ok ldm add-vcpu 1 ldg1
run vfctl console ldg1
grep -qxF 'ds: dr-cpu configure: vcpu 1 started' "$tmp/out"
verify "live DR works again after the resume" $?
expect_ok ldm remove-vcpu 1 ldg1

# ==== two vCPUs: the runtime stops vCPU 1 itself, suspends, and starts it again
new_guest ldg2 2 256M "idle"
expect_ok ldm bind ldg2
expect_out "LDom ldg2 started" ldm start ldg2
vfctl clock advance 5ms >/dev/null
expect_out "LDom ldg2 suspended" vfctl suspend ldg2
run ldm list -p ldg2
grep -q '^DOMAIN|name=ldg2|state=active|.*|ncpu=2|' "$tmp/out"
verify "suspended, ldg2 keeps both vCPUs" $?
expect_out "LDom ldg2 resumed" vfctl resume ldg2
vfctl clock advance 5ms >/dev/null
run vfctl console ldg2
[ "$(tail -1 "$tmp/out")" = "suspend: resumed" ]
verify "ldg2's console ends with 'suspend: resumed'" $?

# ==== a snapshot of a suspended guest restores suspended
expect_out "LDom ldg1 suspended" vfctl suspend ldg1
vfctl console ldg1 > "$tmp/at_snap"
k=$(last_counter "$tmp/at_snap")
vfctl checksum ldg1 > "$tmp/sum_snap"
expect_ok vfctl snapshot save "$tmp/suspended.snap"
stop_ldmd
# host A's trace (complete now): both guests' calls
grep -q '  ldg1/vcpu0  guest_suspend() -> EOK$' "$tmp/trace"
check "the trace shows ldg1's guest_suspend returning EOK" $?
grep -E '  ldg2/vcpu[01]  (cpu_stop|guest_suspend|cpu_start)\(' "$tmp/trace" | sed 's/^ *[0-9.]* us  //; s/(0x1, .*/(0x1, ...)/' > "$tmp/calls"
[ "$(tail -3 "$tmp/calls")" = "ldg2/vcpu0  cpu_stop(0x1) -> EOK
ldg2/vcpu0  guest_suspend() -> EOK
ldg2/vcpu0  cpu_start(0x1, ...)" ]
st=$?
check "ldg2's vCPU 0 stopped vCPU 1, suspended, and started vCPU 1 after the resume ($(tail -3 "$tmp/calls" | tr '\n' ';'))" $st
sed -n '/ldg2\/vcpu0  guest_suspend()/,$p' "$tmp/trace" | grep -q '  ldg2/vcpu1  cpu_mondo_send('
check "ldg2's vCPU 1 runs again after the resume (it reported up to vCPU 0)" $?

LDMD_STATE=$tmp/stateB LDMD_SOCKET=$tmp/b.sock
export LDMD_SOCKET
start_ldmd --restore "$tmp/suspended.snap" || exit 1
vfctl clock advance 5ms >/dev/null
run vfctl checksum ldg1
cmp -s "$tmp/out" "$tmp/sum_snap"
verify "restored, ldg1 is still suspended: its memory has not changed" $?
expect_fail "LDom ldg1 is already suspended" vfctl suspend ldg1
expect_out "LDom ldg1 resumed" vfctl resume ldg1
vfctl clock advance 5ms >/dev/null
vfctl console ldg1 > "$tmp/resumedB"
resumed_from "$tmp/resumedB" "$(wc -l < "$tmp/at_snap")" "$k" 3 &&
  sed -n 2,4p "$tmp/after" > "$tmp/relink" &&
  [ "$(cat "$tmp/relink")" = "ldc: channel 0 reset (peer reset)
ldc: channel 0 up (mode reliable)
ds: channel 0: md-update 1.0 domain-shutdown 1.0 dr-cpu 1.0 domain-suspend 1.0" ]
check "resumed on the restored host (whose restore reset the DS channel, as a migration does: the guest registers again), the counter goes on from $((k + 1))" $?
# a suspended guest cannot answer domain-shutdown: stop-domain stops it at once
expect_out "LDom ldg1 suspended" vfctl suspend ldg1
t0=$(usec)
expect_out "LDom ldg1 stopped" ldm stop ldg1
[ "$(usec)" = "$t0" ]
check "stop-domain of a suspended guest stops it at once" $?
expect_fail "LDom ldg1 is not active" vfctl suspend ldg1

# ==== guests that cannot suspend
new_guest ldg3 1 128M "idle ds=off"
expect_ok ldm bind ldg3
expect_out "LDom ldg3 started" ldm start ldg3
vfctl clock advance 5ms >/dev/null
expect_fail "LDom ldg3 does not support suspend: it does not run the domain services agent" vfctl suspend ldg3
new_guest ldg4 1 128M
expect_ok ldm bind ldg4
expect_fail "LDom ldg4 is not active" vfctl suspend ldg4
expect_fail "LDom ldg4 is not active" vfctl resume ldg4
expect_fail "LDom nosuch not found" vfctl suspend nosuch
expect_fail "LDom primary is the control domain and cannot be suspended" vfctl suspend primary
# registered, but vCPU 0 computes and does not look at its channel: no answer
new_guest ldg5 1 128M "compute iterations=100000000"
expect_ok ldm bind ldg5
expect_out "LDom ldg5 started" ldm start ldg5
vfctl clock advance 1ms >/dev/null
expect_fail "LDom ldg5 did not answer the suspend request: no answer to domain-suspend within 50 ms of simulated time" vfctl suspend ldg5
expect_fail "LDom ldg5 is not suspended" vfctl resume ldg5
expect_out "LDom ldg5 stopped" ldm stop -f ldg5
stop_ldmd
finish
