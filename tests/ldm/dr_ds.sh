#!/usr/bin/env bash
# Domain Services between ldmd and a guest's runtime: live vCPU dynamic reconfiguration
# (add-vcpu / remove-vcpu / set-vcpu on an active domain: md-update, dr-cpu) and the
# graceful stop-domain (domain-shutdown), checked on ldm's output, the guest's console and
# the simulated time the commands took; then a guest whose runtime runs without the agent
# (boot-file "idle ds=off") and one too busy to answer (compute).
# Usage: dr_ds.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd || exit 1
small_primary
# a port range of its own, away from other tests' ldmds running in parallel
expect_ok ldm add-vcc port-range=15451-15459 test-vcc0 primary
new_guest ldg1 2 256M "idle"
expect_ok ldm bind ldg1
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 10ms >/dev/null
run vfctl console ldg1
grep -qxF 'ds: channel 0: md-update 1.0 domain-shutdown 1.0 dr-cpu 1.0 domain-suspend 1.0' "$tmp/out" &&
  grep -qxF 'vfsim-runtime: idle' "$tmp/out"
verify "the runtime registers md-update, domain-shutdown, dr-cpu and domain-suspend over its DS channel" $?

# simulated microseconds now
usec() { vfctl clock show | sed -n 's/^simulated time \([0-9.]*\) \(us\|ms\|s\)$/\1 \2/p' |
  awk '{ m = $2 == "s" ? 1e6 : $2 == "ms" ? 1e3 : 1; printf "%d\n", $1 * m }'; }

# ==== add-vcpu 2, live: md-update, then dr-cpu configure; ldm prints nothing (as the real one)
t0=$(usec)
expect_out "" ldm add-vcpu 2 ldg1
t1=$(usec)
[ "$t1" -gt "$t0" ] && [ $((t1 - t0)) -le 1000 ]
check "add-vcpu waited for the guest in simulated time: $((t1 - t0)) us (0 < t <= 1 ms)" $?
expect_out "$H
ldg1       active     -n----  15451   4     256M" sh -c "$LDM list ldg1 | sed 's/ *[0-9.]*% *[0-9a-z]*\$//'"
run vfctl console ldg1
grep -qxF 'ds: md-update: machine description read again: 4 vcpus, 1 mblocks' "$tmp/out" &&
  grep -qxF 'ds: dr-cpu configure: vcpus 2-3 started' "$tmp/out"
verify "the console shows the new MD and the runtime starting vCPUs 2 and 3" $?
run ldm list-bindings -p ldg1
[ "$(grep -c '^|vid=' "$tmp/out")" = 4 ]
verify "list-bindings shows 4 vCPUs" $?

# ==== remove-vcpu 1: dr-cpu unconfigure of the highest vCPU, then md-update
expect_out "" ldm remove-vcpu 1 ldg1
run ldm list -p ldg1
grep -q '^DOMAIN|name=ldg1|state=active|flags=-n----|cons=15451|ncpu=3|' "$tmp/out"
verify "after remove-vcpu 1 ldg1 has 3 vCPUs" $?
run vfctl console ldg1
tail -2 "$tmp/out" > "$tmp/last"
[ "$(cat "$tmp/last")" = "ds: dr-cpu unconfigure: vcpu 3 stopped
ds: md-update: machine description read again: 3 vcpus, 1 mblocks" ]
verify "the runtime stopped vCPU 3, then read the new MD" $?

# ==== set-vcpu both ways
expect_out "" ldm set-vcpu 5 ldg1
expect_out "" ldm set-vcpu 2 ldg1
run ldm list -p ldg1
grep -q '|ncpu=2|' "$tmp/out"
verify "set-vcpu 5 then set-vcpu 2: ldg1 has 2 vCPUs" $?
run vfctl console ldg1
grep -qxF 'ds: dr-cpu configure: vcpus 3-4 started' "$tmp/out" &&
  grep -qxF 'ds: dr-cpu unconfigure: vcpus 2-4 stopped' "$tmp/out"
verify "vCPU 3 was started again after its removal; set-vcpu 2 stopped 2, 3 and 4" $?
expect_fail "LDom ldg1 must keep at least one vcpu" ldm set-vcpu 0 ldg1
expect_fail "LDom ldg1 has only 2 vcpus" ldm remove-vcpu 3 ldg1
expect_fail "Dynamic reconfiguration of whole cores is not supported" ldm set-vcpu -c 1 ldg1

# ==== graceful stop: domain-shutdown, the command returns once the guest has stopped
t0=$(usec)
expect_out "LDom ldg1 stopped" ldm stop-domain ldg1
t1=$(usec)
[ "$t1" -gt "$t0" ] && [ $((t1 - t0)) -le 1000 ]
check "stop-domain waited for the guest to stop: $((t1 - t0)) us of simulated time" $?
run vfctl console ldg1
tail -2 "$tmp/out" > "$tmp/last"
[ "$(cat "$tmp/last")" = "vfsim-runtime: shutdown requested by the domain manager
vfsim-runtime: halted" ]
verify "the console shows the runtime's shutdown" $?
run ldm list -p ldg1
grep -q '^DOMAIN|name=ldg1|state=bound|' "$tmp/out"
verify "ldg1 is bound after the graceful stop" $?
# started again, it registers again and can be changed live again
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 10ms >/dev/null
expect_out "" ldm add-vcpu 1 ldg1
run ldm list -p ldg1
grep -q '|ncpu=3|' "$tmp/out"
verify "after a restart, live add-vcpu works again" $?

# ==== a runtime without the agent: no DR, and stop-domain stops it at once
new_guest ldg2 2 256M "idle ds=off"
expect_ok ldm bind ldg2
expect_out "LDom ldg2 started" ldm start ldg2
vfctl clock advance 10ms >/dev/null
run vfctl console ldg2
grep -qxF 'ds: agent off (boot-file ds=off): no graceful stop, no dynamic reconfiguration' "$tmp/out"
verify "ldg2's runtime leaves its DS channel closed" $?
NODR="LDom ldg2 does not support dynamic reconfiguration of vcpus: it does not run the DR daemon (drd)"
expect_fail "$NODR" ldm add-vcpu 1 ldg2
expect_fail "$NODR" ldm remove-vcpu 1 ldg2
expect_fail "$NODR" ldm set-vcpu 4 ldg2
run ldm list -p ldg2
grep -q '|ncpu=2|' "$tmp/out"
verify "ldg2 keeps its 2 vCPUs" $?
t0=$(usec)
expect_out "LDom ldg2 stopped" ldm stop ldg2
[ "$(usec)" = "$t0" ]
check "without domain-shutdown, stop-domain stops the guest at once (no simulated time passes)" $?

# ==== a runtime that registered but is busy computing on vCPU 0: requests time out
new_guest ldg3 1 256M "compute iterations=100000000"
expect_ok ldm bind ldg3
expect_out "LDom ldg3 started" ldm start ldg3
vfctl clock advance 1ms >/dev/null
expect_fail "LDom ldg3 did not take its new machine description (md-update): no answer to md-update within 50 ms of simulated time" ldm add-vcpu 1 ldg3
run ldm list -p ldg3
grep -q '^DOMAIN|name=ldg3|state=active|.*|ncpu=1|' "$tmp/out"
verify "the failed add-vcpu left ldg3 with its 1 vCPU" $?
expect_fail "LDom ldg3 did not answer the shutdown request: no answer to domain-shutdown within 50 ms of simulated time" ldm stop ldg3
expect_out "LDom ldg3 stopped" ldm stop -f ldg3
stop_ldmd
finish
