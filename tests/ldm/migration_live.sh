#!/usr/bin/env bash
# Live (pre-copy) migration (docs/migration.md "Live migration"): an active domain whose guest
# dirties memory at a known rate (the memory workload's paced mode: `dirty N` once per tick)
# moves from hosta to hostb while it runs. Asserted:
#   - the counter proof: the ticks go on on hostb from the next number, none lost or repeated;
#     the target found the source's memory (CRC) before resuming it; 2 vCPUs there;
#   - rounds: round 0 sends the touched memory, later rounds what was dirtied meanwhile, and
#     it stops once the rest fits the downtime limit; hostb lists the same rounds and downtime;
#   - while it runs, `ldm list -o status -p` shows the rounds, bytes per round, dirty rate,
#     expected downtime and elapsed time; the progress only goes up;
#   - the same guest moved warm is suspended for the whole copy: the live downtime is far
#     below it (simulated time, both printed);
#   - a guest writing faster than the link: converge=fail fails with a clear message and the
#     guest runs on; converge=suspend (the default) suspends anyway with the rest;
#   - a cancel in round 1 leaves the source running; the target scrubbed what it had received
#     (round 0's bytes), in modelled simulated time;
#   - the timeline (trace=FILE) is Chrome trace JSON with the phases, rounds and downtime;
#   - bad properties are refused and nothing changes.
# Usage: migration_live.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/hosts.sh" 15631
PY=/usr/bin/python3
start_pair || exit 1
# hostc: a second source that holds its live migrations at the start of round 1.
start_host hostc --peer hostb=127.0.0.1:$MIG_PORT --migration-fault hold@round:1 || exit 1
for h in hosta hostb hostc; do on $h small_primary; done

ticks() { seq_of dirty "$@"; }
field() { sed -n "s/.*|$1=\([^|]*\).*/\1/p" "$2" | tail -1; }
downtime_of() { sed -n 's/^    downtime *\([0-9.]*\) ms$/\1/p' "$1"; }
running_guest() {   # HOST NAME VCPUS BOOTFILE RUN: a 1G guest, started, RUN of simulated time run
  on "$1" new_guest "$2" "$3" 1G "$4"
  on "$1" expect_ok ldm bind "$2"
  on "$1" expect_out "LDom $2 started" ldm start "$2"
  on "$1" run vfctl clock advance "$5"
}
bytes_of() {   # 64M, 20992K, 123 (ldm's sizes) in bytes
  case "$1" in *G) echo $(( ${1%G} << 30 )) ;; *M) echo $(( ${1%M} << 20 )) ;; *K) echo $(( ${1%K} << 10 )) ;; *) echo "$1" ;; esac
}
# The target's scrub line: SIZE of LDom D's memory received by hostb was scrubbed there in
# MS ms of simulated time, with MS = SIZE / 1.2 GB/s (the modelled scrub rate). Prints SIZE.
scrubbed() {
  local line size ms
  line=$(grep "^[0-9]*[KMG]* of LDom $1's memory received by hostb was scrubbed there in [0-9.]* ms of simulated time$" "$2") || return 1
  size=${line%% *}
  ms=$(echo "$line" | sed 's/.* in \([0-9.]*\) ms .*/\1/')
  [ "$ms" = "$(awk -v b="$(bytes_of "$size")" 'BEGIN { printf "%.3f", b / 1.2e9 * 1000 }')" ] || return 1
  echo "$size"
}

# ---- bad properties: refused, nothing changes
running_guest hosta ldg1 2 "memory footprint=64M rate=32M tick=100" 2500ms   # (all 64M touched)
on hosta expect_fail "Invalid mode: fast (warm or live)" ldm migrate-domain -p "$tmp/pw" mode=fast ldg1 hostb
on hosta expect_fail "Invalid downtime: abc (milliseconds, e.g. downtime=300)" ldm migrate-domain -p "$tmp/pw" mode=live downtime=abc ldg1 hostb
on hosta expect_fail "Invalid rounds: 0 (1 to 999 rounds while the guest runs)" ldm migrate-domain -p "$tmp/pw" mode=live rounds=0 ldg1 hostb
on hosta expect_fail "Invalid converge: maybe (suspend or fail)" ldm migrate-domain -p "$tmp/pw" mode=live converge=maybe ldg1 hostb
on hosta expect_fail "Invalid property: speed" ldm migrate-domain -p "$tmp/pw" mode=live speed=9 ldg1 hostb
on hosta expect_fail "Property mode given more than once" ldm migrate-domain -p "$tmp/pw" mode=live mode=warm ldg1 hostb
on hosta expect_fail "downtime, rounds and converge apply to a live migration (mode=live)" ldm migrate-domain -p "$tmp/pw" downtime=5 ldg1 hostb
on hosta expect_fail "trace= records a migration; a dry run (-n) makes none" ldm migrate-domain -n -p "$tmp/pw" trace=/tmp/x.json ldg1 hostb
on hosta expect_fail "Unable to write the timeline /nonexistent/t.json: No such file or directory" ldm migrate-domain -p "$tmp/pw" mode=live trace=/nonexistent/t.json ldg1 hostb
on hosta run ldm list -p ldg1
grep -q "^DOMAIN|name=ldg1|state=active|flags=-n----|.*|ncpu=2|" "$tmp/out"
verify "after the refusals ldg1 runs on hosta as before, 2 vcpus, no migration flag" $?
on hostb run ldm list ldg1
[ "$rc" = 1 ]
verify "nothing of ldg1 on hostb" $?

# ---- ldg1 moves live, watched while it runs: its console followed, its status polled
# Everything the source prints, until the domain leaves it (vfctl console -f then ends).
on hosta "$VFCTL" console -f ldg1 >"$tmp/src.cons" 2>"$tmp/src.cons.err" </dev/null &
cons_pid=$!
sleep 0.3
(cd "$tmp" && LDMD_SOCKET=$tmp/hosta.sock "$LDM" migrate-domain -p "$tmp/pw" mode=live downtime=20 trace=live.json ldg1 hostb \
  >"$tmp/live.out" 2>"$tmp/live.err") &
mig=$!
: >"$tmp/poll"
while kill -0 $mig 2>/dev/null; do
  on hosta "$LDM" ls -o status -p ldg1 >>"$tmp/poll" 2>&1
done
wait $mig
rc=$?
[ "$rc" = 0 ] && grep -q "^Migration of LDom ldg1 to hostb as ldg1 (active, live): [0-9]*[KM] of touched memory sent in [0-9.]* s of simulated time$" "$tmp/live.out" &&
  grep -q "^Live rounds (converged: the rest fit the 20 ms downtime limit):$" "$tmp/live.out" &&
  grep -q "^Memory at suspend: [0-9]* non-zero pages, crc32 [0-9a-f]* (the same on the target before it resumed); " "$tmp/live.out"
st=$?
[ $st = 0 ] || cat "$tmp/live.out" "$tmp/live.err"
check "ldg1 migrated live (downtime=20); the target found the source's memory (CRC) before resuming it" $st
rounds=$(grep -c "^    round [0-9]" "$tmp/live.out")
r0=$(sed -n 's/^    round 0 *\([0-9]*\) pages .*/\1/p' "$tmp/live.out")
r1=$(sed -n 's/^    round 1 *\([0-9]*\) pages .*/\1/p' "$tmp/live.out")
last=$(sed -n 's/^    last (suspended) *\([0-9]*\) pages .*/\1/p' "$tmp/live.out")
[ "$rounds" -ge 2 ] && [ "$r0" -ge 8192 ] && [ "$r1" -lt "$r0" ] && [ "$last" -lt "$r1" ]
check "round 0 sent the 64M touched ($r0 pages), round 1 less ($r1), the last, suspended, less again ($last); $rounds rounds while it ran" $?
# Round 1 resends what round 0 saw dirtied: 32 MB/s for round 0's modelled time.
r0ms=$(sed -n 's/^    round 0 *[0-9]* pages *\([0-9.]*\) ms .*/\1/p' "$tmp/live.out")
awk -v p="$r1" -v t="$r0ms" 'BEGIN { want = 32 * 1048576 / 8192 * t / 1000; exit !(p >= want * 0.97 && p <= want * 1.03 + 2) }'
check "round 1's pages ($r1) are what 32 MB/s dirties in round 0's $r0ms ms (±3 %)" $?
live_down=$(downtime_of "$tmp/live.out")
awk -v d="$live_down" 'BEGIN { exit !(d > 10 && d <= 10 + 20 + 1) }'
check "the downtime ($live_down ms) is the last round plus the handoff, within the 20 ms limit plus the 10 ms handoff" $?

# What the poller saw: the seed's line, then the live line; progress and rounds only go up.
grep "^|mode=live|" "$tmp/poll" >"$tmp/poll.live"
grep -qE '^\|mode=live\|rounds=[0-9]+\|round_bytes=[0-9]+(,[0-9]+)*\|dirty_mb_s=[0-9.]+\|expected_downtime_ms=[0-9.]+\|elapsed_ms=[0-9.]+$' "$tmp/poll.live" &&
  ! grep -v "^|mode=live|" "$tmp/poll" | grep "^|op=migration" | grep -qv "^|op=migration|progress=[0-9]*|error=no|target=hostb$"
st=$?
check "ldm list -o status -p while it ran: the seed's line, then |mode=live|rounds=|round_bytes=|dirty_mb_s=|expected_downtime_ms=|elapsed_ms= ($(wc -l <"$tmp/poll.live") samples)" $st
progress=$(sed -n 's/^|op=migration|progress=\([0-9]*\)|.*/\1/p' "$tmp/poll" | uniq)
[ "$(echo "$progress" | sort -n | tr '\n' ' ')" = "$(echo "$progress" | tr '\n' ' ')" ]
st=$?
check "the progress only went up across the rounds ($(echo $progress | tr ' ' ','))" $st
seen=$(sed -n 's/^|mode=live|rounds=\([0-9]*\)|.*/\1/p' "$tmp/poll.live" | uniq)
[ "$(echo "$seen" | sort -n | tr '\n' ' ')" = "$(echo "$seen" | tr '\n' ' ')" ]
st=$?
check "the rounds listed only went up ($(echo $seen | tr ' ' ','))" $st

# The counter proof on hostb.
for i in $(seq 100); do kill -0 $cons_pid 2>/dev/null || break; sleep 0.05; done
! kill -0 $cons_pid 2>/dev/null
check "vfctl console -f on hosta ended when ldg1 left" $?
kill $cons_pid 2>/dev/null
on hostb run vfctl clock advance 100ms
on hostb vfctl console ldg1 >"$tmp/dst.cons"
goes_on dirty "$tmp/src.cons" "$tmp/dst.cons"
st=$?
check "the ticks go on on hostb: $(ticks "$tmp/src.cons" | tail -1) seen on hosta before, then $(ticks "$tmp/dst.cons" | head -1)..$(ticks "$tmp/dst.cons" | tail -1), none lost or repeated" $st
on hostb run ldm list -p ldg1
grep -q "^DOMAIN|name=ldg1|state=active|flags=-n----|.*|ncpu=2|" "$tmp/out"
verify "ldg1 is active on hostb with its 2 vcpus, no migration flag" $?
on hostb run ldm list -o status -p ldg1
grep -qx "|source=hosta|checks_ms=[0-9.]*|prepare_ms=[0-9.]*|transfer_ms=[0-9.]*|handoff_ms=10.000|total_ms=[0-9.]*|mode=live|rounds=$((rounds + 1))|downtime_ms=$live_down" "$tmp/out"
verify "hostb lists the live migration: $((rounds + 1)) rounds (the last included), downtime $live_down ms" $?

# The timeline: phases in order, one slice per round, the guest suspended for the downtime.
$PY - "$tmp/live.json" "$((rounds + 1))" "$live_down" >"$tmp/trace.check" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
x = [e for e in ev if e["ph"] == "X"]
phases = [e["name"] for e in x if e["cat"] == "phase"]
assert phases == ["checks", "prepare", "transfer", "handoff"], phases
ts = [e["ts"] for e in x if e["cat"] == "phase"]
assert ts == sorted(ts), ts
rounds = [e for e in x if e["cat"] == "round"]
assert len(rounds) == int(sys.argv[2]), len(rounds)
assert rounds[-1]["name"] == "final round", rounds[-1]["name"]
susp = [e for e in x if e["cat"] == "guest" and e["name"] == "suspended"]
assert len(susp) == 1
assert abs(susp[0]["dur"] / 1000 - float(sys.argv[3])) < 0.5, (susp[0]["dur"], sys.argv[3])
assert d["metadata"]["mode"] == "live" and d["metadata"]["outcome"] == "migrated"
c = [e for e in ev if e["ph"] == "C" and e["name"] == "bytes sent"]
assert [e["args"]["bytes"] for e in c] == sorted(e["args"]["bytes"] for e in c)
print("ok")
EOF
st=$?
[ $st = 0 ] || cat "$tmp/trace.check"
grep -qx "Timeline: $tmp/live.json" "$tmp/live.out"
check "trace=live.json (relative to ldm's directory): Chrome trace JSON with the 4 phases in order, $((rounds + 1)) round slices, the guest suspended for the downtime" $((st + $?))
$PY "$(dirname "$0")/../../scripts/render_timeline.py" "$tmp/live.json" "$tmp/live.svg" &&
  $PY -c "import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])" "$tmp/live.svg"
check "scripts/render_timeline.py draws it (valid SVG)" $?

# ---- the same guest moved warm: suspended for the whole copy
running_guest hosta ldg2 2 "memory footprint=64M rate=32M tick=100" 2500ms
on hosta run ldm migrate-domain -p "$tmp/pw" mode=warm ldg2 hostb
warm_down=$(downtime_of "$tmp/out")
[ "$rc" = 0 ] && grep -q "(active, warm): [0-9]*[KM] of touched memory" "$tmp/out" && ! grep -q "^Live rounds" "$tmp/out" &&
  awk -v l="$live_down" -v w="$warm_down" 'BEGIN { exit !(w > 10 * l) }'
st=$?
[ $st = 0 ] || cat "$tmp/out" "$tmp/err"
check "the same guest warm: downtime $warm_down ms, more than 10x live's $live_down ms" $st

# ---- a guest writing faster than the link
running_guest hosta ldg4 1 "memory footprint=64M rate=256M tick=1000" 300ms
on hosta run ldm migrate-domain -p "$tmp/pw" mode=live converge=fail ldg4 hostb
[ "$rc" = 1 ] && grep -q "^Live migration of LDom ldg4 did not converge (not shrinking): after 2 rounds [0-9]*[KM] was dirty again (dirty rate [0-9.]* MB/s, copy rate [0-9.]* MB/s); sending it suspended would take [0-9.]* ms, over the downtime limit of 300.000 ms. ldg4 runs on here$" "$tmp/err" &&
  grep -qx "Domain Migration of LDom ldg4 failed" "$tmp/err" && size=$(scrubbed ldg4 "$tmp/err") && [ "$(bytes_of "$size")" -gt $((64 << 20)) ]
st=$?
[ $st = 0 ] || cat "$tmp/out" "$tmp/err"
check "converge=fail: a guest dirtying 256 MB/s over a 117 MB/s link does not converge; a clear message; hostb scrubbed what it had (${size:-?}: the 64M footprint and the rest) at 1.2 GB/s" $st
on hosta run ldm list -p ldg4
grep -q "^DOMAIN|name=ldg4|state=active|flags=-n----|" "$tmp/out"
verify "ldg4 runs on on hosta" $?
on hostb run ldm list ldg4
[ "$rc" = 1 ]
verify "nothing of ldg4 on hostb" $?
on hosta run ldm migrate-domain -p "$tmp/pw" mode=live ldg4 hostb
[ "$rc" = 0 ] && grep -q "^Live rounds (did not converge (not shrinking): suspended with the rest):$" "$tmp/out" &&
  [ "$(sed -n 's/^    last (suspended) *\([0-9]*\) pages .*/\1/p' "$tmp/out")" -ge 8192 ]
st=$?
[ $st = 0 ] || cat "$tmp/out" "$tmp/err"
check "converge=suspend (the default): it suspends with the rest (at least the 8192 pages of its footprint) and migrates; downtime $(downtime_of "$tmp/out") ms" $st

# ---- a cancel in round 1 (hostc holds there): the source runs on, the target scrubbed
running_guest hostc ldg3 2 "memory footprint=16M rate=8M tick=100" 2s
LDMD_SOCKET=$tmp/hostc.sock "$LDM" migrate-domain -p "$tmp/pw" mode=live downtime=1 ldg3 hostb >"$tmp/c.out" 2>"$tmp/c.err" &
mig=$!
for i in $(seq 500); do
  on hostc "$LDM" ls -o status -p ldg3 >"$tmp/c.status" 2>&1
  grep -q "^|mode=live|rounds=2|" "$tmp/c.status" && break
  sleep 0.02
done
r0bytes=$(sed -n 's/^|mode=live|rounds=2|round_bytes=\([0-9]*\),.*/\1/p' "$tmp/c.status")
[ -n "$r0bytes" ]
check "hostc's migration of ldg3 is in round 1 (round 0 sent $r0bytes bytes)" $?
sleep 0.3   # (the worker passes the source's progress on every 50 ms)
src_pct=$(on hostc "$LDM" ls -o status -p ldg3 | sed -n 's/^|op=migration|progress=\([0-9]*\)|.*/\1/p')
dst_pct=$(on hostb "$LDM" ls -o status -p ldg3 | sed -n 's/^|op=migration|progress=\([0-9]*\)|.*/\1/p')
[ -n "$src_pct" ] && [ "$src_pct" = "$dst_pct" ] && [ "$src_pct" -gt 5 ] && [ "$src_pct" -lt 97 ]
st=$?
check "held in round 1, the target shows the source's progress ($src_pct % on hostc, ${dst_pct:-?} % on hostb)" $st
on hostc run ldm list -o status ldg3
sed -n '/^STATUS/,$p' "$tmp/out" >"$tmp/c.text"
[ "$(sed -n 2,3p "$tmp/c.text")" = "    OPERATION    PROGRESS    TARGET 
    migration    $src_pct%         hostb" ] &&
  grep -qx "    live: round 1, dirty rate [0-9.]* MB/s, downtime now [0-9.]* ms, [0-9.]* s so far" "$tmp/c.text" &&
  grep -qx "      round 0   $(awk -v b="$r0bytes" 'BEGIN { if (b % 1048576 == 0) printf "%dM", b / 1048576; else printf "%dK", b / 1024 }')" "$tmp/c.text" &&
  grep -qx "      round 1   [0-9]*[KM]*" "$tmp/c.text"
st=$?
[ $st = 0 ] || cat "$tmp/out"
check "ldm list -o status (text): the seed's table, then the live line and the rounds so far" $st
on hostc run ldm cancel-operation migration ldg3
wait $mig
rc=$?
[ "$rc" = 1 ] && size=$(scrubbed ldg3 "$tmp/c.err") && [ "$(bytes_of "$size")" = "$r0bytes" ] &&
  grep -qx "The migration was cancelled (ldm cancel-operation)" "$tmp/c.err" && grep -qx "Domain Migration of LDom ldg3 failed" "$tmp/c.err"
st=$?
[ $st = 0 ] || cat "$tmp/c.out" "$tmp/c.err"
check "cancelled in round 1: hostb scrubbed round 0's ${size:-?} at 1.2 GB/s, then the cancel returned" $st
on hostc run vfctl clock advance 100ms
on hostc run ldm list -p ldg3
grep -q "^DOMAIN|name=ldg3|state=active|flags=-n----|.*|ncpu=2|" "$tmp/out"
verify "ldg3 runs on hostc with its 2 vcpus" $?
on hostc run vfctl console ldg3
consecutive dirty "$tmp/out"
st=$?
check "ldg3's ticks went on on hostc, none lost or repeated (up to $(ticks "$tmp/out" | tail -1))" $st
on hostb run ldm list ldg3
[ "$rc" = 1 ]
verify "nothing of ldg3 on hostb" $?

finish
