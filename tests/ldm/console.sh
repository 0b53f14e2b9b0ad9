#!/usr/bin/env bash
# Domain consoles through the vcc and vfctl: the guest runtime's output as it boots, `vfctl console -f`
# following new output and sending typed lines to the domain's console input (the
# hypervisor's cons_getchar queue), and consoles of domains that have none.
# Usage: console.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd --hv-trace "$tmp/hvtrace" || exit 1
small_primary
# a port range of its own, away from other tests' ldmds running in parallel
expect_ok ldm add-vcc port-range=15431-15439 test-vcc0 primary
new_guest ldg1 2 256M "counter rate=100 count=0"
expect_fail "LDom ldg1 is not bound: it has no console" vfctl console ldg1
expect_fail "LDom nosuch not found" vfctl console nosuch
expect_ok ldm bind ldg1
run ldm start ldg1
vfctl clock advance 100ms >/dev/null
run vfctl console ldg1
grep -q '^vfsim-runtime: booting on vcpu 0, memory 0x8000000+0x10000000$' "$tmp/out" && grep -q '^counter 5$' "$tmp/out"
verify "vfctl console shows the domain's boot and its counter" $?
before=$(grep -c '^counter ' "$tmp/out")
# Attached: output arrives as simulated time passes; a typed line goes to the console input.
(sleep 0.3; echo typed; sleep 0.3; "$VFCTL" clock advance 50ms >/dev/null; sleep 0.5) |
  timeout 2 "$VFCTL" console -f ldg1 >"$tmp/follow" 2>"$tmp/ferr"
after=$(grep -c '^counter ' "$tmp/follow")
[ "$after" -gt "$before" ] && [ ! -s "$tmp/ferr" ]
check "vfctl console -f follows new output ($before lines, then $after)" $?
run vfctl console-read ldg1 0
[ "$rc" = 0 ]
check "the console can be read from an offset" $?

# vntsd: the console on TCP at its port (bash's /dev/tcp: no netcat needed). The client gets
# what was written before it connected, and what it types reaches the guest, whose idle
# runtime echoes it.
new_guest ldg2 1 256M
expect_ok ldm bind ldg2
expect_out "LDom ldg2 started" ldm start ldg2
ldm ls ldg2 | grep -q '^ldg2       active     -n----  15432 '
check "ldg2 has console port 15432" $?
vfctl clock advance 20ms >/dev/null
run ldm list -e ldg2
grep -A1 '^SOFTSTATE$' "$tmp/out" | grep -q '^vfsim-runtime running$' && grep -q '^    failure-policy=ignore$' "$tmp/out"
verify "ldm list -e shows the soft state the guest's runtime set, and its identity sections" $?
run ldm list -l -p ldg2
grep -q '^DOMAIN|name=ldg2|state=active|flags=normal|cons=15432|ncpu=1|mem=268435456|util=.*|softstate=vfsim-runtime running$' "$tmp/out"
verify "ldm list -l -p ends the DOMAIN record with softstate=" $?
sleep 0.3
exec 3<>/dev/tcp/127.0.0.1/15432
check "a TCP client connects to 127.0.0.1:15432" $?
printf 'hello over tcp\r\n' >&3
sleep 0.3
vfctl clock advance 5ms >/dev/null
sleep 0.3
timeout 1 cat <&3 >"$tmp/tcp"
exec 3<&-
grep -q '^vfsim-runtime: idle' "$tmp/tcp"
check "the client gets the console output written before it connected" $?
grep -q '^console: hello over tcp' "$tmp/tcp"
check "a line typed on the TCP console reaches the guest (echoed by its runtime)" $?
# The same with netcat, as an administrator would attach (nc 127.0.0.1 PORT).
(printf 'typed into nc\r\n'; sleep 1.5) | timeout 2 nc 127.0.0.1 15432 >"$tmp/nc" 2>&1 &
nc_pid=$!
sleep 0.4
vfctl clock advance 5ms >/dev/null
wait $nc_pid
grep -q '^vfsim-runtime: idle' "$tmp/nc" && grep -q '^console: typed into nc' "$tmp/nc"
check "nc 127.0.0.1 15432 gets the console and what is typed into it reaches the guest" $?
# Both ways went through the vcc as console packets (reference §4.7), as the trace shows.
grep -q ' us  cons ldg2/hv -> vcc  DATA size=[0-9]* "vfsim-runtime: idle' "$tmp/hvtrace" &&
  grep -q ' us  cons vcc -> ldg2/hv  DATA size=15 "typed into nc\\x0d\\x0a"$' "$tmp/hvtrace"
check "the console crossed between the hypervisor and the vcc in console packets (hv trace)" $?
stop_ldmd
finish
