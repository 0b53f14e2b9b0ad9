#!/usr/bin/env bash
# Domain consoles through vfctl: the guest runtime's output as it boots, `vfctl console -f`
# following new output and sending typed lines to the domain's console input (the
# hypervisor's cons_getchar queue), and consoles of domains that have none.
# Usage: console.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd || exit 1
ldm set-vcpu 8 primary >/dev/null
ldm set-memory 4G primary >/dev/null
vfctl reboot primary >/dev/null
expect_ok ldm create ldg1
expect_ok ldm add-vcpu 2 ldg1
expect_ok ldm add-mem 256M ldg1
expect_ok ldm set-var "boot-file=counter rate=100 count=0" ldg1
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
stop_ldmd
finish
