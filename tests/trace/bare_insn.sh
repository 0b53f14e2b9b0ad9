#!/usr/bin/env bash
# vfsim-bare's cycle-level trace in the Perfetto JSON: 16 strands on two cores (each runs its
# quantum after the other, so their events reach the tracer out of time order), `--trace insn`
# to JSON and text at once. The JSON (read by check_chrome.py) has one process "strands" with a
# thread per strand, as many events as the limit and the text lines, in time order; the text's
# cycle column never goes back either, and both cores are in it.
# Usage: bare_insn.sh VFSIM_BARE EXAMPLES_DIR
set -u
B=$1 EX=$2
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$here/../lib/check.sh"

"$B" --strands 16 --pack --trace insn --trace-limit 20000 --trace-file "$tmp/i.json" --trace-file "$tmp/i.txt" \
  "$EX/bare_compute" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && [ "$(wc -l <"$tmp/i.txt")" = 20000 ]
check "vfsim-bare --trace insn --trace-limit 20000 writes 20000 text lines (rc=$rc)" $?
threads=()
for s in $(seq 0 15); do threads+=(--thread "strands/strand$s"); done
python3 "$here/check_chrome.py" "$tmp/i.json" --process strands --only-processes strands "${threads[@]}" --min-events 20000 \
  >"$tmp/chk" 2>&1
st=$?
cat "$tmp/chk"
check "i.json: strands 0-15 named, events in time order" $st
n=$(python3 -c "import json,sys; print(sum(e['ph'] == 'i' and e['cat'] == 'insn' for e in json.load(open(sys.argv[1]))['traceEvents']))" "$tmp/i.json")
[ "$n" = 20000 ]
check "i.json has the 20000 instructions as instants ($n)" $?
awk '{ if ($1 + 0 < last) bad = 1; last = $1 + 0 } END { exit bad }' "$tmp/i.txt" && grep -q ' s0c1t' "$tmp/i.txt"
check "the text's cycles never go back, with core 1's lines among them" $?
finish
