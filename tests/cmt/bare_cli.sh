#!/usr/bin/env bash
# vfsim-bare's command line: platforms by name and file, errors that name the problem, the
# console, exit codes, statistics, a trap in bare code, the simulated-time limit.
# Usage: bare_cli.sh VFSIM_BARE EXAMPLES_DIR
set -u
B=$1 EX=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"

for plat in T5120 T5220 T5140 T5240 T5440 t5440; do
  out=$("$B" --platform $plat --strands 3 "$EX/bare_hello" 2>&1)
  rc=$?
  [ $rc = 0 ] && [ "$(grep -c '^hello from strand' <<<"$out")" = 3 ]
  check "platform $plat runs 3 strands (rc=$rc)" $?
done

"$B" --platform T9999 "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "unknown platform 'T9999'" "$tmp/e"
check "unknown platform named (rc=$rc)" $?

printf 'name = "x"\ncores_per_socket = 0\n' >"$tmp/bad.toml"
"$B" --platform "$tmp/bad.toml" "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "bad.toml:2:20: cores_per_socket: must be 1..8" "$tmp/e"
st=$?; check "bad platform file: file, line, field (rc=$rc: $(cat "$tmp/e"))" $st

"$B" "$tmp/none" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "cannot open file" "$tmp/e"
check "missing ELF (rc=$rc)" $?

"$B" --strands 999 "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "strands must be 1..128 on T5240" "$tmp/e"
check "too many strands (rc=$rc)" $?

"$B" --tlb --page-size 2m "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "page-size 2m: must be 8k, 64k, 4m or 256m" "$tmp/e"
check "unknown page size refused (rc=$rc)" $?

"$B" --page-size 4m "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "page-size needs --tlb" "$tmp/e"
check "--page-size without --tlb refused (rc=$rc)" $?

"$B" --tlb --page-size 256m --strands 2 "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 0 ] && [ "$(grep -c '^hello from strand' "$tmp/o")" = 2 ]
check "--tlb --page-size 256m runs (rc=$rc)" $?

# An ELF whose (8 MB stack) segment reaches into the top 128 KB of a 1 GB machine: loaded
# as it is, refused with --tlb, whose notional TSB lives there.
printf 'name = "tiny"\nmemory_gb = 1\n' >"$tmp/tiny1.toml"
sparc64-linux-gnu-objcopy --change-section-lma '*+0x3f6f0000' "$EX/bare_hello" "$tmp/high.elf"
"$B" --platform "$tmp/tiny1.toml" --tlb "$tmp/high.elf" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "overlaps the notional TSB at 0x3ffe0000..0x3fffffff" "$tmp/e"
check "--tlb refuses an ELF over the notional TSB (rc=$rc: $(cat "$tmp/e"))" $?
"$B" --platform "$tmp/tiny1.toml" "$tmp/high.elf" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc != 2 ] && ! grep -q "overlaps" "$tmp/e"
check "without --tlb the same ELF loads (rc=$rc)" $?

printf 'name = "old"\nbase = "T5240"\n[latency]\ntlb_miss_cycles = 30\n' >"$tmp/old.toml"
"$B" --platform "$tmp/old.toml" "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "tlb_miss_cycles: no longer a parameter.*tlb_walk_overhead_cycles" "$tmp/e"
check "a platform file with the old tlb_miss_cycles is refused, naming its replacement (rc=$rc: $(cat "$tmp/e"))" $?

printf 'name = "tiny"\nmemory_gb = 1\n' >"$tmp/tiny.toml"
"$B" --platform "$tmp/tiny.toml" --stats --stats-json "$tmp/s.json" "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 0 ] && grep -q '"platform":"tiny"' "$tmp/s.json" && grep -q "^total: " "$tmp/e" &&
  grep -q "socket 0 L2:" "$tmp/e"
check "statistics as a table and JSON (rc=$rc)" $?

"$B" --max-ms 0.01 "$EX/bare_chase" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 124 ]
check "simulated-time limit ends the run with 124 (rc=$rc)" $?

"$B" "$EX/bare_trap" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 132 ] && grep -q "about to trap" "$tmp/o" &&
  grep -Eq 'strand 0: illegal_instruction at pc 0x[0-9a-f]+ \(insn 0x00000042: illtrap 0x42\); strand stopped' "$tmp/o"
check "a trap in bare code stops the strand with a message, exit 132 (rc=$rc)" $?

"$B" --strands 8 --pack --trace insn --trace-file "$tmp/trace" --trace-limit 40 "$EX/bare_compute" >/dev/null 2>&1
rc=$?
# both thread groups issue in cycle 0: strand 0 (group 0) and strand 4 (group 1)
[ $rc = 0 ] && [ "$(wc -l <"$tmp/trace")" = 40 ] && grep -Eq '^ +0 s0c0t0 ' "$tmp/trace" &&
  grep -Eq '^ +0 s0c0t4 ' "$tmp/trace" && grep -q 'wrpr %g0, 0x0, %canrestore' "$tmp/trace"
check "--trace insn: cycle-level lines, two thread groups issuing in one cycle (rc=$rc)" $?

# Numbers that were silently wrong (issue 17): a cpuid past 2^32 wrapped to 0, NaN meant no
# time limit, an unwritable statistics file was ignored after the run.
"$B" --cpus 4294967296 "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && [ ! -s "$tmp/o" ] &&
  [ "$(cat "$tmp/e")" = "vfsim-bare: --cpus: '4294967296' is not a strand number (a number from 0 to 511)" ]
st=$?; check "--cpus 4294967296 is refused, nothing runs (rc=$rc: $(cat "$tmp/e"))" $st
"$B" --cpus 0-4294967295 "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && [ ! -s "$tmp/o" ] && grep -q "'4294967295' is not a strand number" "$tmp/e"
st=$?; check "--cpus 0-4294967295 is refused at once (rc=$rc)" $st
for v in nan inf -1 0; do
  "$B" --max-ms $v "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
  rc=$?
  [ $rc = 2 ] && [ ! -s "$tmp/o" ] &&
    [ "$(cat "$tmp/e")" = "vfsim-bare: --max-ms $v: the simulated time must be more than 0 and at most 10000000000 ms" ]
  st=$?; check "--max-ms $v is refused (rc=$rc: $(cat "$tmp/e"))" $st
done
"$B" --stats-json "$tmp/no/such/dir.json" "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && [ ! -s "$tmp/o" ] && [ "$(cat "$tmp/e")" = "vfsim-bare: --stats-json: cannot write $tmp/no/such/dir.json" ]
st=$?; check "an unwritable --stats-json is an error before the run (rc=$rc)" $st

# --arg: numbers every strand gets in %o1..%o4 (main's arguments after cpuid); the TLB-reach
# kernel prints its footprint (%o1) back. Anything but 1-4 unsigned 64-bit numbers is refused.
out=$("$B" --strands 2 --arg 0x10000 --arg 100 "$EX/bare_tlbchase" 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(grep -c '^tlb 65536 [0-9]* [0-9]* 100$' <<<"$out")" = 2 ]
check "--arg 0x10000 --arg 100 reach both strands in %o1 and %o2 (rc=$rc: $out)" $?
out=$("$B" --arg 1000 "$EX/bare_tlbchase" 2>&1)
rc=$?
[ $rc = 2 ] && grep -q "tlbchase: footprint must be a power of two" <<<"$out"
check "a kernel refuses a bad --arg itself (rc=$rc)" $?
for v in 12x -1 0x 18446744073709551616 0x10000000000000000 ""; do
  "$B" --arg "$v" "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
  rc=$?
  [ $rc = 2 ] && [ ! -s "$tmp/o" ] && grep -q "^vfsim-bare: --arg $v: not an unsigned 64-bit number" "$tmp/e"
  st=$?; check "--arg '$v' is refused (rc=$rc: $(cat "$tmp/e"))" $st
done
"$B" --arg 1 --arg 2 --arg 3 --arg 4 --arg 5 "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && [ ! -s "$tmp/o" ] && grep -q "at most 4 values" "$tmp/e"
st=$?; check "five --arg values are refused (rc=$rc: $(cat "$tmp/e"))" $st
"$B" --arg 18446744073709551615 --arg 0xffffffffffffffff "$EX/bare_hello" >"$tmp/o" 2>"$tmp/e"
rc=$?
[ $rc = 0 ]
check "--arg takes 2^64-1 in decimal and hex (rc=$rc)" $?

finish
