#!/usr/bin/env bash
# scripts/tour.sh end to end (docs/internals.md's traces and pictures), into a temporary
# directory: every stop's trace holds its events (tour_check.py), every trace line docs/internals.md
# quotes is in the file it names, the pictures are PNGs, and
# scripts/trace_timeline.py refuses what it cannot draw.
# Usage: tour_script.sh SOURCE_DIR BUILD_DIR
set -u
src=$1 build=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$src/tests/lib/check.sh"
start=$SECONDS
"$src/scripts/tour.sh" --pictures "$tmp/pics" "$build" "$tmp/out" >"$tmp/log" 2>&1
st=$?
[ $st = 0 ] || cat "$tmp/log"
check "scripts/tour.sh makes every stop's trace and picture ($((SECONDS - start)) s)" $st
/usr/bin/python3 "$(dirname "$0")/tour_check.py" "$tmp/out" "$tmp/pics" "$src/docs/internals.md"
check "each stop's trace holds its events, the pictures are PNGs, docs/internals.md quotes the traces" $?

draw() { /usr/bin/python3 "$src/scripts/trace_timeline.py" "$@" >"$tmp/r.out" 2>"$tmp/r.err"; rc=$?; }
draw "$tmp/out/ldc.json" "$tmp/x.png" --tracks 'no such track'
[ $rc = 1 ] && grep -qx 'trace_timeline: nothing to draw between .* us on the tracks asked for' "$tmp/r.err" && [ ! -e "$tmp/x.png" ]
check "a --tracks filter matching nothing is refused and writes no picture (rc=$rc)" $?
printf '{"traceEvents": 3}' >"$tmp/bad.json"
draw "$tmp/bad.json" "$tmp/x.png"
[ $rc = 1 ] && grep -q 'no traceEvents list' "$tmp/r.err" && [ ! -e "$tmp/x.png" ]
check "a file that is not a trace is refused (rc=$rc)" $?
draw "$tmp/out/ldc.json" "$tmp/x.png" --from 50 --to 40
[ $rc = 1 ] && grep -q 'the window is empty' "$tmp/r.err"
check "an empty window is refused (rc=$rc)" $?
draw "$tmp/out/ldc.json" "$tmp/x.png" --around 'ldc read' --tracks '^b / channel0$'
[ $rc = 0 ] && grep -q "^$tmp/x.png: 1 rows, " "$tmp/r.out"
check "--around and --tracks narrow the picture to b's channel (rc=$rc)" $?
finish
