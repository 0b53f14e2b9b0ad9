#!/usr/bin/env bash
# The trace outputs of a real run: two guest domains joined by an LDC (the runtime's ldc-ping,
# as in tests/hv/ldc_ping.sh) traced with --trace hcall,ldc,console to a JSON and a text file.
# The JSON is read by Python's json module alone (check_chrome.py): slices nest per track,
# flows pair up and never finish before they start, events are in time order, both domains and
# their vCPU and channel tracks are named, and the LDC hypercalls sit on the right domain's
# vCPU. The JSON and the text agree on the hypercall counts; two runs give the same bytes;
# --hv-trace FILE writes exactly what --trace hv-trace --trace-file FILE does.
# The checker itself is shown refusing broken files.
# Usage: hv_ldc.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$(realpath "$1") RT=$(realpath "$2")
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$here/../lib/check.sh"
CHK=("python3" "$here/check_chrome.py")

# ping DIR TRACE-OPTIONS...: domain a (client) pings b (server) 20 times with 300-byte messages
ping() {
  local d=$tmp/$1
  shift
  mkdir -p "$d"
  (cd "$d" && "$HV" --image "$RT" --domain a --vcpus 1 --boot-file "ldc-ping role=client count=20 size=300" \
    --domain b --vcpus 1 --boot-file "ldc-ping role=server count=20 size=300" --connect a,b "$@" >out 2>err)
}

ping r1 --trace hcall,ldc,console --trace-file t.json --trace-file t.txt
rc=$?
[ $rc = 0 ] && grep -q '^\[a\] ldc-ping: mode=unreliable count=20 size=300 ok=20 ' "$tmp/r1/out" &&
  grep -q '^\[b\] ldc-ping: server echoed 20 messages' "$tmp/r1/out"
check "the traced run pings 20 messages and both domains exit 0 (rc=$rc)" $?

"${CHK[@]}" "$tmp/r1/t.json" --process a --process b --only-processes a,b \
  --thread a/vcpu0 --thread b/vcpu0 --thread a/channel0 --thread b/channel0 --flows --open a/channel0 --open b/channel0 \
  --slice a/vcpu0/ldc_tx_qconf --slice a/vcpu0/ldc_rx_qconf --slice a/vcpu0/ldc_tx_set_qtail --slice a/vcpu0/ldc_rx_set_qhead \
  --slice b/vcpu0/ldc_tx_qconf --slice b/vcpu0/ldc_rx_qconf --slice b/vcpu0/ldc_tx_set_qtail --slice b/vcpu0/ldc_rx_set_qhead \
  --count a/vcpu0/ldc_tx_set_qtail --count b/vcpu0/ldc_tx_set_qtail --count 'a/channel*/ldc read' --count 'b/channel*/ldc read' \
  --min-events 500 >"$tmp/chk" 2>"$tmp/chk.err"
st=$?
cat "$tmp/chk" "$tmp/chk.err"
check "t.json parses; nesting per track, flow pairs, time order; domains a and b with vcpu0 and channel0 tracks; the LDC hypercalls on each domain's vcpu0" $st

# The two outputs describe the same run: as many ldc_tx_set_qtail slices as text lines, per domain.
for d in a b; do
  j=$(sed -n "s|^$d/vcpu0/ldc_tx_set_qtail ||p" "$tmp/chk")
  t=$(grep -c " us  $d/vcpu0  ldc_tx_set_qtail(" "$tmp/r1/t.txt")
  [ -n "$j" ] && [ "$j" -gt 0 ] && [ "$j" = "$t" ]
  check "$d: $t ldc_tx_set_qtail lines in t.txt, $j slices in t.json" $?
done
# Every packet one side sends ends a flow on the other's channel when it is read, but for the
# last message's packets: the guest exits after copying them, its RX head never moves.
for p in a:b b:a; do
  s=${p%:*} r=${p#*:}
  reads=$(sed -n "s|^$r/channel\*/ldc read ||p" "$tmp/chk")
  open=$(sed -n "s|^open $s/channel0 ||p" "$tmp/chk")
  pk=$(grep -c " us  ldc  $s/ch0 -> $r/ch0 " "$tmp/r1/t.txt")
  [ "$pk" -ge 120 ] && [ "$((reads + open))" = "$pk" ] && [ "$open" -le 6 ]
  check "$r reads $reads of $s's $pk packets, the $open of the last message left unread" $?
done
# Only the categories asked for: hypercall and ldc lines (console packets run between a guest
# and ldmd's vcc; vfsim-hv's guests write with cons_write, a hypercall).
n_other=$(grep -vcE '^ +[0-9]+\.[0-9]{3} us  ([ab]/vcpu[0-9]+  [a-z_0-9]+\(.*\) -> [A-Z]+|ldc  [ab]/ch0 -> [ab]/ch0  type=)' "$tmp/r1/t.txt")
[ "$n_other" = 0 ] && grep -q ' us  a/vcpu0  cons_write(' "$tmp/r1/t.txt"
check "t.txt has hcall and ldc lines only ($n_other others), cons_write among them" $?
# Text times never go backwards.
awk '{ if ($1 + 0 < last) bad = 1; last = $1 + 0 } END { exit bad }' "$tmp/r1/t.txt"
check "t.txt's times are non-decreasing" $?

# Determinism: the same run again gives the same bytes.
ping r2 --trace hcall,ldc,console --trace-file t.json --trace-file t.txt
cmp "$tmp/r1/t.json" "$tmp/r2/t.json" && cmp "$tmp/r1/t.txt" "$tmp/r2/t.txt"
check "a second run writes byte-identical t.json and t.txt" $?

# --hv-trace FILE is --trace hv-trace --trace-file FILE, byte for byte.
ping r3 --trace hv-trace --trace-file a.txt
ping r4 --hv-trace b.txt
cmp "$tmp/r3/a.txt" "$tmp/r4/b.txt"
check "--hv-trace b.txt and --trace hv-trace --trace-file a.txt write the same bytes ($(wc -l <"$tmp/r4/b.txt") lines)" $?
# This workload has no vio, crypto, pcie or nvme traffic, so the group writes what t.txt has.
cmp "$tmp/r1/t.txt" "$tmp/r4/b.txt"
check "--hv-trace's file equals t.txt of --trace hcall,ldc,console (nothing of the other hv-trace categories here)" $?

# The checker fails what it should: a partial overlap, an unpaired flow, a flow finishing
# early, time going back, an E closing nothing, an unnamed track.
python3 - "$tmp/r1/t.json" "$tmp" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
ev = doc["traceEvents"]
meta = [e for e in ev if e["ph"] == "M"]
pid = next(e["pid"] for e in meta if e["name"] == "process_name" and e["args"]["name"] == "a")
tid = next(e["tid"] for e in meta if e["name"] == "thread_name" and e["pid"] == pid and e["args"]["name"] == "vcpu0")
x = lambda ts, dur, n: {"ph": "X", "cat": "hcall", "name": n, "pid": pid, "tid": tid, "ts": ts, "dur": dur}
cases = {
    "overlap": meta + [x(1.0, 2.0, "p"), x(2.0, 2.0, "q")],
    "unpaired": meta + [x(1.0, 0, "p"), {"ph": "s", "id": 7, "name": "flow", "pid": pid, "tid": tid, "ts": 1.0}],
    "early": meta + [x(1.0, 0, "p"), {"ph": "s", "id": 7, "name": "flow", "pid": pid, "tid": tid, "ts": 2.0},
                     {"ph": "f", "bp": "e", "id": 7, "name": "flow", "pid": pid, "tid": tid, "ts": 1.0}],
    "order": meta + [x(2.0, 0.5, "p"), x(1.0, 0.5, "q")],
    "endless": meta + [{"ph": "E", "pid": pid, "tid": tid, "ts": 1.0}],
    "unnamed": meta + [dict(x(1.0, 0.5, "p"), tid=999)],
}
for name, evs in cases.items():
    json.dump({"traceEvents": evs}, open(f"{sys.argv[2]}/{name}.json", "w"))
EOF
for c in overlap:overlaps unpaired:'1 starts and 0 finishes' early:'before its start' order:'is before the one ahead' \
  endless:'closes nothing' unnamed:'has no thread_name'; do
  "${CHK[@]}" "$tmp/${c%%:*}.json" >"$tmp/chk" 2>&1
  [ $? = 1 ] && grep -qF -- "${c#*:}" "$tmp/chk"
  check "check_chrome.py refuses a file with ${c%%:*}: ${c#*:}" $?
done
finish
