#!/usr/bin/env bash
# vfctl trace on a running ldmd (docs/tracing.md, "At run time"): all off at start; `on`
# without an output, an unknown category and an unknown domain are refused with nothing
# changed; `on hcall,ldc ldg1 file=r.json` while ldg1 and ldg2 ping each other through a vsw
# traces ldg1 only; `off all` completes and closes the file, which Python's json module reads
# (tests/trace/check_chrome.py) with only ldg1's events in it.
# Usage: vfctl_trace.sh LDMD LDM VFCTL      (console ports 15911-15919)
set -u
here=$(dirname "$0")
source "$here/../ldm/lib.sh" "$@"
start_ldmd || exit 1

# Every category off for the host and every domain, no outputs, nothing written.
all_off() {
  local c
  printf '%-10s %-5s %s\n' CATEGORY HOST DOMAINS
  for c in hcall mmu intr ldc vio ds md console crypto pcie nvme domain ldm migration strand cache insn; do
    printf '%-10s %-5s %s\n' "$c" off -
  done
  echo "Outputs: none"
}
expect_out "$(all_off)
Events: 0 written, 0 held, 0 late, 0 with no output" vfctl trace

expect_fail "No trace output is open: add file=FILE (FILE.json, FILE.vcd or a text file), or start ldmd with --trace-file" \
  vfctl trace on hcall
expect_fail "unknown trace category 'nosuch' (\`--trace help\` lists them)" vfctl trace on hcall,nosuch file="$tmp/x.json"
expect_fail "no trace categories given (\`--trace help\` lists them)" vfctl trace on "" file="$tmp/x.json"
[ ! -e "$tmp/x.json" ]
check "a refused vfctl trace on opens no file" $?
expect_out "$(all_off)
Events: 0 written, 0 held, 0 late, 0 with no output" vfctl trace

small_primary
expect_ok ldm add-vsw net-dev=e1000g0 primary-vsw0 primary
vnet_ping_pair ldg1 ldg2 primary-vsw0
expect_ok ldm set-vcons port=15911 ldg1
expect_ok ldm set-vcons port=15912 ldg2
for d in ldg1 ldg2; do expect_ok ldm bind "$d"; done
expect_out "LDom ldg2 started" ldm start ldg2
expect_out "LDom ldg1 started" ldm start ldg1

expect_fail "LDom nosuch not found" vfctl trace on ldc nosuch file="$tmp/x.json"
[ ! -e "$tmp/x.json" ]
check "vfctl trace on for an unknown domain opens no file" $?
expect_out "Tracing hcall,ldc for ldg1 to $tmp/r.json" vfctl trace on hcall,ldc ldg1 file="$tmp/r.json"
run vfctl trace
grep -qx 'hcall      off   ldg1' "$tmp/out" && grep -qx 'ldc        off   ldg1' "$tmp/out" &&
  grep -qx 'mmu        off   -' "$tmp/out" && grep -qx "Output: $tmp/r.json (0 events)" "$tmp/out"
verify "vfctl trace shows hcall and ldc on for ldg1 only, and the output" $?
expect_fail "unknown trace category 'bogus' (\`--trace help\` lists them)" vfctl trace on bogus ldg1
expect_fail "unknown trace category 'bogus' (\`--trace help\` lists them)" vfctl trace off ldc,bogus
run vfctl trace
grep -qx 'hcall      off   ldg1' "$tmp/out" && grep -qx 'ldc        off   ldg1' "$tmp/out"
verify "the refused on/off changed nothing" $?

vfctl clock advance 20ms >/dev/null
run vfctl trace
n=$(sed -n "s|^Output: $tmp/r.json (\([0-9]*\) events)$|\1|p" "$tmp/out")
[ -n "$n" ] && [ "$n" -gt 100 ]
verify "20 ms of pinging wrote $n events" $?
# Closing writes what was held too (no simulated time passes in between: --deterministic).
total=$(sed -n 's/^Events: \([0-9]*\) written, \([0-9]*\) held, 0 late, 0 with no output$/\1 + \2/p' "$tmp/out")
expect_out "Tracing stopped; closed $tmp/r.json" vfctl trace off all
expect_out "$(all_off)
Events: $((total)) written, 0 held, 0 late, 0 with no output" vfctl trace
run python3 "$here/check_chrome.py" "$tmp/r.json" --process ldg1 --only-processes ldg1 --thread ldg1/vcpu0 \
  --thread 'ldg1/channel*' --slice 'ldg1/vcpu0/ldc_tx_set_qtail' --slice 'ldg1/vcpu0/ldc_rx_set_qhead' --min-events 100 \
  --flows --open 'ldg1/channel*'
open=$(sed -n "s|^open ldg1/channel\* ||p" "$tmp/out")
[ "$rc" = 0 ] && [ "$open" -le 2 ]
verify "r.json parses, nests and pairs its flows ($open packets unread when tracing stopped); ldg1's events only, its LDC hypercalls on vcpu0" $?
python3 - "$tmp/r.json" >"$tmp/out" 2>"$tmp/err" <<'EOF'
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["traceEvents"] if e["ph"] not in ("M", "s", "f", "E")]
cats = {e["cat"] for e in ev}
assert cats == {"hcall", "ldc"}, cats
EOF
verify "r.json holds hcall and ldc events and no other category" $?
# The filter is what kept ldg2 out: traced for the host, ldg2's packets are there too, and a
# new file= opens after the first was closed.
expect_out "Tracing ldc for the host to $tmp/all.json" vfctl trace on ldc file="$tmp/all.json"
vfctl clock advance 5ms >/dev/null
expect_out "Tracing stopped; closed $tmp/all.json" vfctl trace off ldc
run python3 "$here/check_chrome.py" "$tmp/all.json" --process ldg1 --process ldg2 --thread 'ldg2/channel*' --open 'ldg*/channel*' \
  --min-events 100
verify "traced for the host, all.json has both domains' channel tracks" $rc
stop_ldmd
finish
