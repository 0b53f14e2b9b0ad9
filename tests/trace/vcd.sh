#!/usr/bin/env bash
# The VCD output read back by an independent reader (tests/trace/vcd_read.py): counters of a
# known pattern written through the tracer (trace_vcd_counters) come out declared once each
# under their group and track scopes, with times strictly increasing and exactly the changes
# the pattern has. The reader itself refuses broken dumps.
# Usage: vcd.sh TRACE_VCD_COUNTERS
set -u
PROG=$1
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$here/../lib/check.sh"

"$PROG" "$tmp/c.vcd" >"$tmp/out" 2>"$tmp/err"
check "trace_vcd_counters writes its dump (rc=$?)" $?
python3 "$here/vcd_read.py" "$tmp/c.vcd" >"$tmp/summary" 2>"$tmp/err"
st=$?
cat "$tmp/err"
check "vcd_read.py reads it: scopes balance, ids declared once, times increase, changes name declared ids" $st
# strandS changes whenever k/(S+1) steps on: 100, 50, 34 and 25 times over k = 0..99; the
# queue alternates 0, 1 at every even step: 50 changes; strand0 changes at every step: 100 times
cat >"$tmp/want" <<'W'
timescale=1ps
ldg1.channel3.rx_queue real changes=50 first=0 last=1
strands.strand0.state real changes=100 first=0 last=0
strands.strand1.state real changes=50 first=0 last=1
strands.strand2.state real changes=34 first=0 last=0
strands.strand3.state real changes=25 first=0 last=0
times=100
W
diff "$tmp/want" "$tmp/summary"
check "each counter declared once in its scope, with the changes of its pattern" $?

# GTKWave's own reader: vcd2fst (the gtkwave package) converts the dump to FST and fst2vcd
# writes it back; the same variables and the same value changes come out.
if command -v vcd2fst >/dev/null && command -v fst2vcd >/dev/null; then
  vcd2fst "$tmp/c.vcd" "$tmp/c.fst" >"$tmp/gtk.out" 2>&1 && fst2vcd "$tmp/c.fst" >"$tmp/back.vcd" 2>>"$tmp/gtk.out"
  check "GTKWave's vcd2fst reads the dump and fst2vcd writes it back (rc=$?)" $?
  python3 "$here/vcd_read.py" "$tmp/back.vcd" >"$tmp/back.summary" 2>"$tmp/err"
  st=$?
  cat "$tmp/err"
  [ $st = 0 ] && diff <(grep -v '^timescale' "$tmp/want") <(grep -v '^timescale' "$tmp/back.summary")
  check "... with every counter and every change as written" $?
else
  echo "note: gtkwave's vcd2fst not installed (scripts/setup.sh installs it): GTKWave round trip not checked"
fi

# The reader's own rules, on dumps broken one way each.
head=$(sed -n '1,/\$enddefinitions/p' "$tmp/c.vcd")
bad() {   # NAME MESSAGE: the dump in $tmp/bad.vcd is refused with MESSAGE
  python3 "$here/vcd_read.py" "$tmp/bad.vcd" >/dev/null 2>"$tmp/err"
  [ $? = 1 ] && grep -qF -- "$2" "$tmp/err"
  check "vcd_read.py refuses $1" $?
}
printf '%s\n#5\nr1 !\n#5\nr2 !\n' "$head" >"$tmp/bad.vcd"
bad "a time that does not increase" "time #5 after #5"
printf '%s\n#5\nr1 ~~\n' "$head" >"$tmp/bad.vcd"
bad "a change of an undeclared identifier" "change of undeclared identifier ~~"
sed '/\$enddefinitions/d' "$tmp/c.vcd" >"$tmp/bad.vcd"
bad "a dump without \$enddefinitions" "unexpected #0 in the header"
printf '%s\n' "$head" | awk '{ print } /^\$var/ && !d { print; d = 1 }' >"$tmp/bad.vcd"
bad "an identifier declared twice" "declared twice"
finish
