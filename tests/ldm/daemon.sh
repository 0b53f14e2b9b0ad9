#!/usr/bin/env bash
# ldmd as a daemon under abuse: 200 concurrent ldm clients while silent connections are held
# open; a client that never reads its reply; binary junk; a 1 GB request line; bytes that are
# not UTF-8 in arguments and in a guest's console output; a second ldmd on the same state
# directory; a console port another process holds; state files that do not mean a
# configuration. ldmd must stay alive, answer everyone else, keep simulated time running and
# its memory bounded, and never touch a state file it refuses.
# Usage: daemon.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
CLIENT="python3 $(dirname "$0")/daemon_client.py"
DEADLINE=2   # --client-deadline for this test's ldmd (seconds of wall time)
start_ldmd --client-deadline $DEADLINE || exit 1
pid=$ldmd_pid
kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$pid/status"; }
alive() { kill -0 "$pid" 2>/dev/null; }
now_ms() { date +%s%3N; }
# a listing without UTIL and UPTIME, which change from one listing to the next
strip() { sed 's/ *[0-9.]*% *[0-9a-z]*$//' "$@"; }
listed() { "$LDM" list | strip; }
usec() { vfctl clock show | sed -n 's/^simulated time \([0-9.]*\) \(us\|ms\|s\)$/\1 \2/p' |
  awk '{ m = $2 == "s" ? 1e6 : $2 == "ms" ? 1e3 : 1; printf "%d\n", $1 * m }'; }

small_primary
# console ports of its own, away from other tests' ldmds running in parallel
expect_ok ldm add-vcc port-range=15481-15489 test-vcc0 primary
new_guest ldg1 1 256M "idle"
new_guest ldg2 1 256M "idle"

# ==== a console port another process holds is not given to a guest: the bind takes the next
$CLIENT listen 15481 60 > "$tmp/listen.out" &
holder=$!
for i in $(seq 50); do grep -q listening "$tmp/listen.out" 2>/dev/null && break; sleep 0.1; done
expect_ok ldm bind ldg1
run ldm list -p ldg1
grep -q '|cons=15482|' "$tmp/out"
verify "ldg1 is bound to console port 15482: another process holds 15481" $?
kill $holder; wait $holder 2>/dev/null
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 10ms >/dev/null

# ==== 200 concurrent clients while 10 silent connections are held (and re-made as ldmd drops them)
run ldm list
strip "$tmp/out" > "$tmp/list.want"
$CLIENT hold "$LDMD_SOCKET" 10 $((DEADLINE * 3 + 2)) > "$tmp/hold.out" &
holder=$!
for i in $(seq 50); do grep -q connected "$tmp/hold.out" 2>/dev/null && break; sleep 0.1; done
t0=$(now_ms)
pids=()
for i in $(seq 200); do
  ( "$LDM" list > "$tmp/list.$i" 2> "$tmp/list.$i.err"; echo $? > "$tmp/list.$i.rc" ) &
  pids+=($!)
done
wait "${pids[@]}"
t1=$(now_ms)
bad=0
for i in $(seq 200); do
  [ "$(cat "$tmp/list.$i.rc")" = 0 ] && strip "$tmp/list.$i" | cmp -s - "$tmp/list.want" && [ ! -s "$tmp/list.$i.err" ] ||
    bad=$((bad + 1))
done
[ $bad = 0 ]
check "200 concurrent 'ldm list' with 10 silent connections open: all exit 0 with the right listing ($bad wrong)" $?
[ $((t1 - t0)) -lt 30000 ]
check "the 200 clients were served within 30 s of wall time: $((t1 - t0)) ms" $?
# simulated time runs while silent connections are open
u0=$(usec)
vfctl clock advance 10ms >/dev/null
u1=$(usec)
[ $((u1 - u0)) = 10000 ]
check "vfctl clock advance 10ms with silent clients connected: simulated time moved $((u1 - u0)) us" $?
wait $holder
dropped=$(tail -1 "$tmp/hold.out")
[ "$dropped" -ge 10 ]
check "ldmd dropped the silent connections at their ${DEADLINE} s deadline ($dropped drops)" $?
grep -q "no complete request within $DEADLINE s (0 bytes received): dropped" "$tmp/ldmd.log"
check "each drop is logged" $?

# ==== a client that sends a request and never reads its (900 kB) reply
big=$(head -c 900000 /dev/zero | tr '\0' x)
printf '{"v":2,"tool":"ldm","argv":["list","%s"]}\n' "$big" > "$tmp/bigreq"
$CLIENT noread "$LDMD_SOCKET" $((DEADLINE + 2)) < "$tmp/bigreq" > "$tmp/noread.out" &
noreader=$!
sleep 0.5
t0=$(now_ms)
expect_out "$(cat "$tmp/list.want")" listed
t1=$(now_ms)
[ $((t1 - t0)) -lt 1000 ]
check "ldm list answers at once while a reply waits for a client that does not read it: $((t1 - t0)) ms" $?
wait $noreader
[ "$(cat "$tmp/noread.out")" = closed ] && grep -q "did not read its reply within $DEADLINE s" "$tmp/ldmd.log"
check "the client that did not read its reply was dropped at the deadline, with a log line" $?

# ==== binary junk: with a newline (malformed request: an error reply), without one (dropped)
head -c 20000 /dev/urandom > "$tmp/junk"
printf '\n' >> "$tmp/junk"
run $CLIENT send "$LDMD_SOCKET" < "$tmp/junk"
grep -q '"err":"ldmd: malformed request: not JSON' "$tmp/out"
verify "binary junk gets an error reply" $?
printf '{"v":2,"tool":"ldm","argv":["\xff\xfe"]}\n' > "$tmp/junk2"
run $CLIENT send "$LDMD_SOCKET" < "$tmp/junk2"
grep -q '"code":1' "$tmp/out" && grep -q 'malformed request' "$tmp/out"
verify "a request with raw bytes that are not UTF-8 gets an error reply" $?
printf '{"tool":"ldm","argv":["list"]}\n' > "$tmp/junk3"
run $CLIENT send "$LDMD_SOCKET" < "$tmp/junk3"
grep -q 'not protocol version 2' "$tmp/out"
verify "a request without the protocol version is refused" $?
printf '\x00\xff\xfe junk without a newline' > "$tmp/junk4"
(cat "$tmp/junk4"; sleep $((DEADLINE + 1))) | $CLIENT stream "$LDMD_SOCKET" > "$tmp/out"
grep -q "no complete request within $DEADLINE s ($(wc -c < "$tmp/junk4") bytes received): dropped" "$tmp/ldmd.log"
check "junk without a newline is dropped at the deadline" $?
alive
check "ldmd is alive after the junk" $?

# ==== a 1 GB request line: refused after the 1 MiB limit, not buffered
rss0=$(kb VmRSS)
run sh -c "head -c 1000000000 /dev/zero | timeout 60 $CLIENT stream \"$LDMD_SOCKET\""
took=$(cat "$tmp/out")
[ "$rc" = 0 ] && [ "$took" -lt 20000000 ]
verify "ldmd dropped the 1 GB line after taking $took bytes (< 20 MB)" $?
grep -q "request longer than 1048576 bytes: dropped" "$tmp/ldmd.log"
check "the over-long request is logged" $?
rss1=$(kb VmRSS)
hwm=$(kb VmHWM)
[ $((rss1 - rss0)) -lt 65536 ] && [ $((hwm - rss0)) -lt 131072 ]
check "ldmd's memory stays bounded: VmRSS ${rss0} -> ${rss1} kB, peak ${hwm} kB (< +64 MB, peak < +128 MB)" $?
expect_out "$(cat "$tmp/list.want")" listed

# ==== bytes that are not UTF-8: in arguments, and through a guest's console
run ldm list $'\xff\xfeldg'
printf 'Invalid argument: \377\376ldg: not UTF-8 text\n' > "$tmp/want"
[ "$rc" = 1 ] && cmp -s "$tmp/err" "$tmp/want"
verify "ldm list with a non-UTF-8 name is refused, the name quoted back byte for byte" $?
expect_ok vfctl console-write ldg1 $'\xc3 \xff\xfe\x01\x7f end\n'
vfctl clock advance 10ms >/dev/null
printf 'console: \303 \377\376\001\177 end\n' > "$tmp/want"
run vfctl console ldg1
[ "$rc" = 0 ] && tail -1 "$tmp/out" | cmp -s - "$tmp/want"
verify "vfctl console returns the guest's echo of \\xc3 \\xff\\xfe byte for byte" $?
run timeout 2 "$VFCTL" console -f ldg1
[ "$rc" = 124 ] && tail -1 "$tmp/out" | cmp -s - "$tmp/want" && [ ! -s "$tmp/err" ]
verify "vfctl console -f shows the same bytes and keeps following" $?
alive
check "ldmd is alive after non-UTF-8 console output" $?

# ==== ldm and vfctl never abort on what a (fake) ldmd sends back: one error line, exit 1
replies=('b"\xff\xfe\n"' 'b"{\"v\":2,\"out\":\"\xe2\x82\xac\",\"err\":\"\",\"code\":0}\n"'
         'b"{\"v\":2,\"out\":\"\",\"err\":\"\",\"code\":300}\n"' 'b"{\"v\":2,\"out\":"' 'b""'
         'b"{\"v\":2,\"out\":\"\",\"err\":\"\",\"code\":0}\nextra\n"' 'b"[]\n"')
wants=("ldmd: sent a malformed reply: not JSON"
       "ldmd: sent a malformed reply: \"out\" holds a character above U+00FF"
       "ldmd: sent a malformed reply: \"code\" is missing or not an exit code 0..255"
       "ldmd: sent a truncated reply"
       "ldmd: closed the connection without a reply"
       "ldmd: sent a malformed reply: data after the reply line"
       "ldmd: sent a malformed reply: not a JSON object")
$CLIENT fake "$tmp/fake.sock" "${replies[@]}" 'b"\x00\n"' > "$tmp/fake.out" &
faker=$!
for i in $(seq 50); do grep -q listening "$tmp/fake.out" 2>/dev/null && break; sleep 0.1; done
for i in "${!wants[@]}"; do
  run env LDMD_SOCKET="$tmp/fake.sock" "$LDM" list
  [ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "${wants[$i]}" ] && [ ! -s "$tmp/out" ]
  verify "ldm on a bad reply (${replies[$i]}): '${wants[$i]}', exit 1" $?
done
run env LDMD_SOCKET="$tmp/fake.sock" timeout 5 "$VFCTL" console -f ldg1
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "ldmd: sent a malformed reply: not JSON" ]
verify "vfctl console -f on a bad reply: one line, exit 1" $?
wait $faker

# ==== a malformed request word is refused (it threw out of the handler: "ldmd: internal error:
# stoull"; a handler's exception is tested in tests/unit/test_ldm.cpp)
expect_fail "console-read: bad offset: notanumber" vfctl console-read ldg1 notanumber
alive
check "ldmd is alive after a malformed console-read" $?

# ==== a second ldmd on the same state directory
run "$LDMD" --foreground --deterministic --state-dir "$tmp/state" --socket "$tmp/other.sock"
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "ldmd: another ldmd (pid $pid) is using the state directory $tmp/state (it holds $tmp/state/ldmd.lock)" ]
verify "a second ldmd on the same state directory is refused, naming the holder's pid" $?
run "$LDMD" --foreground --deterministic --state-dir "$tmp/state2" --socket "$LDMD_SOCKET"
[ "$rc" = 1 ] && grep -qxF "ldmd: another ldmd is already running on $LDMD_SOCKET" "$tmp/err"
verify "a second ldmd on the same socket is refused" $?
expect_out "$(cat "$tmp/list.want")" listed

# ==== a graceful stop is an Operation: other clients are served while it waits for a busy guest
# (the compute workload never answers domain-shutdown: the stop waits its 50 ms of simulated
# time, which the daemon runs in 50 us steps, about a second of wall time here)
new_guest ldg3 1 256M "compute iterations=100000000"
expect_ok ldm bind ldg3
expect_out "LDom ldg3 started" ldm start ldg3
vfctl clock advance 1ms >/dev/null
"$LDM" stop ldg3 > "$tmp/stop.out" 2> "$tmp/stop.err" &
stopper=$!
sleep 0.2
served=0 refused=0 snap_refused=0
while kill -0 $stopper 2>/dev/null; do
  run vfctl snapshot save "$tmp/during.snap"
  [ "$rc" = 1 ] && grep -qx "An operation is in progress (stop-domain ldg3: waiting for ldg3 to answer domain-shutdown): try again when it has finished" "$tmp/err" &&
    snap_refused=$((snap_refused + 1))
  run ldm list -p ldg1
  [ "$rc" = 0 ] && grep -q '^DOMAIN|name=ldg1|state=active|' "$tmp/out" && kill -0 $stopper 2>/dev/null &&
    served=$((served + 1))
  run ldm set-vcpu 1 ldg1   # (a no-op should it come after the stop)
  [ "$rc" = 1 ] && grep -qx "An operation is in progress (stop-domain ldg3: waiting for ldg3 to answer domain-shutdown): try again when it has finished" "$tmp/err" &&
    refused=$((refused + 1))
done
wait $stopper
stop_rc=$?
[ $served -ge 1 ]
check "ldm list answered $served times while the graceful stop of a busy guest was in progress" $?
[ $refused -ge 1 ]
check "a change during the stop is refused, naming the operation ($refused times)" $?
[ $snap_refused -ge 1 ] && [ ! -e "$tmp/during.snap.tmp" ]
check "a snapshot during the stop is refused, naming the operation, and leaves no temporary file ($snap_refused times)" $?
[ $stop_rc = 1 ] && [ "$(cat "$tmp/stop.err")" = "LDom ldg3 did not answer the shutdown request: no answer to domain-shutdown within 50 ms of simulated time" ]
check "the stop itself ends as before: exit 1 after 50 ms of simulated time" $?
expect_out "LDom ldg3 stopped" ldm stop -f ldg3
# ==== stopping ldmd cancels a running Operation: its client is told so
expect_out "LDom ldg3 started" ldm start ldg3
vfctl clock advance 1ms >/dev/null
"$LDM" stop ldg3 > "$tmp/stop.out" 2> "$tmp/stop.err" &
stopper=$!
sleep 0.3
expect_out "ldmd stopping" vfctl shutdown
wait $stopper
stop_rc=$?
[ $stop_rc = 1 ] && [ "$(cat "$tmp/stop.err")" = "stop-domain ldg3 cancelled: ldmd is stopping" ]
check "ldmd stopping cancels the running stop-domain, and its ldm says so (exit 1)" $?
wait $ldmd_pid
ldmd_pid=

# ==== the saved configuration comes back (ldg1 active, ldg2 inactive) after a restart; a
# console port another process took meanwhile is kept (scripts rely on it), said on stderr,
# retried, and opened once it is free
stop_ldmd
$CLIENT listen 15482 60 > "$tmp/listen.out" &
holder=$!
for i in $(seq 50); do grep -q listening "$tmp/listen.out" 2>/dev/null && break; sleep 0.1; done
start_ldmd --client-deadline $DEADLINE || exit 1
pid=$ldmd_pid
run ldm list -p
grep -q '^DOMAIN|name=ldg1|state=active|.*|cons=15482|' "$tmp/out" && grep -q '^DOMAIN|name=ldg2|state=inactive|' "$tmp/out"
verify "after a restart ldg1 is active on its console port again" $?
for i in $(seq 40); do grep -q "console port 15482 of LDom ldg1 cannot be opened" "$tmp/ldmd.log" && break; sleep 0.05; done
grep -qxF "ldmd: console port 15482 of LDom ldg1 cannot be opened: Address already in use (another process holds it): the console is not reachable there until it is free" "$tmp/ldmd.log"
check "ldmd says that another process holds ldg1's console port" $?
kill $holder; wait $holder 2>/dev/null
for i in $(seq 40); do grep -q "console port 15482 of LDom ldg1 is open now" "$tmp/ldmd.log" && break; sleep 0.05; done
grep -qxF "ldmd: console port 15482 of LDom ldg1 is open now" "$tmp/ldmd.log"
check "once the other process lets it go, ldmd opens the port and says so" $?
stop_ldmd

# ==== state files that do not mean a configuration: refused at start-up (exit 2, one line), untouched
good=$tmp/state/ldmd.json
refuse() {   # NAME WHY-PATTERN: $tmp/bad/ldmd.json holds the file
  cp "$tmp/bad/ldmd.json" "$tmp/bad.orig"
  run "$LDMD" --foreground --deterministic --state-dir "$tmp/bad" --socket "$tmp/bad.sock" --service-root "$tmp/root"
  [ "$rc" = 2 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "^ldmd: $tmp/bad/ldmd.json: $2" "$tmp/err" &&
    cmp -s "$tmp/bad/ldmd.json" "$tmp/bad.orig" && [ ! -e "$tmp/bad.sock" ]
  verify "a state file $1 is refused with exit 2 and left byte for byte as it was" $?
}
mkdir -p "$tmp/bad"
edit() { python3 -c "import json,sys; m=json.load(open('$good')); $1; json.dump(m, open('$tmp/bad/ldmd.json','w'))"; }
printf '{"hostname": "vfsim", "domains": [' > "$tmp/bad/ldmd.json"
refuse "cut short" "not JSON"
edit "del m['domains']"
refuse "without domains" 'no "domains"'
edit "m['domains'].reverse()"
refuse "without primary first" "the first domain is not the control domain primary"
edit "m['domains'][1]['state'] = 'running'"
refuse "with an unknown state" 'LDom ldg1 has an unknown state "running"'
edit "m['domains'][1]['strands'][0] = 0"
refuse "with a strand held twice" "strand 0 is held twice (LDom ldg1)"
edit "m['domains'][1]['strands'][0] = 999"
refuse "with a strand the machine does not have" "LDom ldg1 holds strand 999, which T5240 does not have"
edit "m['domains'][1]['mem'][0]['pa'] = m['domains'][0]['mem'][0]['pa']"
refuse "with memory held twice" "memory 0x.* is held twice (LDom ldg1)"
edit "m['domains'][1]['vdisks'] = [{'name': 'vdisk1', 'volume': 'nosuchvol', 'vds': 'nosuchvds', 'vds_domain': 'primary'}]"
run "$LDMD" --foreground --deterministic --state-dir "$tmp/bad" --socket "$tmp/bad.sock" --service-root "$tmp/root"
[ "$rc" = 2 ] && grep -q "^ldmd: $tmp/bad/ldmd.json: LDom ldg1 cannot be bound again: " "$tmp/err"
verify "a bound domain whose volume does not exist is refused at start-up" $?
finish
