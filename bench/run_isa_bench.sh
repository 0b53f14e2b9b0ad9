#!/usr/bin/env bash
# Instruction-set benchmark: runs each bench program under qemu-sparc64 and under
# sparc64-run --stats, checks that both print the same output, and tabulates speed.
# See docs/performance.md.
#
# usage: bench/run_isa_bench.sh [--quick] [--runs N] [--only P1,P2,...] [BUILD_DIR]
#   --quick      small sizes and one run of each (a CI smoke test, a few seconds)
#   --runs N     timed runs per program and simulator; the best is kept (default 3)
#   --only LIST  run only these programs (comma-separated names: intloop crc32 sieve
#                matmul fib qsort nbody mandelbrot strings)
#   BUILD_DIR    the CMake build directory (default: build/ in the repository)
# Environment: QEMU_SPARC64 (default qemu-sparc64), VFSIM_BENCH_TIMEOUT (seconds per
# run, default 600).
#
# Exit status: 0 when every program ran to completion under both simulators with
# identical output; 1 otherwise (a crash, a non-zero exit status, an output mismatch,
# a missing stats line, instruction counts that differ between repeated runs); 2 on
# a usage error or when a binary is missing.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# name  default-arg  quick-arg  kind (asm: the integer loop figure; c: in the geomean)
PROGRAMS=(
  "intloop     50000000  2000000  asm"
  "crc32       350       20       c"
  "sieve       10        1        c"
  "matmul      320       100      c"
  "fib         34        26       c"
  "qsort       250000    20000    c"
  "nbody       300000    20000    c"
  "mandelbrot  520       120      c"
  "strings     1000      50       c"
)

usage() { sed -n '6,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

quick=0
runs=""
only=""
build=""
while (($#)); do
  case $1 in
    --quick) quick=1 ;;
    --runs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || { echo "run_isa_bench: --runs needs a positive integer" >&2; exit 2; }
            runs=$2; shift ;;
    --only) [[ $# -ge 2 ]] || { echo "run_isa_bench: --only needs a list" >&2; exit 2; }
            only=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    -*) echo "run_isa_bench: unknown option $1" >&2; usage >&2; exit 2 ;;
    *) [[ -z $build ]] || { echo "run_isa_bench: more than one build directory given" >&2; exit 2; }
       build=$1 ;;
  esac
  shift
done
[[ -n $runs ]] || { if ((quick)); then runs=1; else runs=3; fi; }
build=${build:-$repo/build}
[[ -d $build ]] || { echo "run_isa_bench: build directory $build not found (run scripts/setup.sh)" >&2; exit 2; }
build=$(cd "$build" && pwd)
runner=$build/bin/sparc64-run
qemu=${QEMU_SPARC64:-qemu-sparc64}
limit=${VFSIM_BENCH_TIMEOUT:-600}

[[ -x $runner ]] || { echo "run_isa_bench: $runner not found (build first)" >&2; exit 2; }
command -v "$qemu" >/dev/null || { echo "run_isa_bench: $qemu not found (apt-get install qemu-user)" >&2; exit 2; }
command -v timeout >/dev/null || { echo "run_isa_bench: timeout(1) not found" >&2; exit 2; }

if [[ -n $only ]]; then
  IFS=, read -r -a wanted <<<"$only"
  for w in "${wanted[@]}"; do
    found=0
    for entry in "${PROGRAMS[@]}"; do read -r n _ <<<"$entry"; if [[ $n == "$w" ]]; then found=1; fi; done
    ((found)) || { echo "run_isa_bench: unknown program '$w'" >&2; exit 2; }
  done
fi
selected() {
  [[ -z $only ]] && return 0
  local w; for w in "${wanted[@]}"; do if [[ $w == "$1" ]]; then return 0; fi; done; return 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/isa_bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now() { # wall clock in seconds with microseconds
  if [[ -n ${EPOCHREALTIME:-} ]]; then echo "${EPOCHREALTIME/,/.}"; else date +%s.%N; fi
}

failmsgs=()
fail() { failmsgs+=("$*"); }

# run_timed OUTFILE ERRFILE CMD...: runs CMD with stdout/stderr captured, prints the
# elapsed wall time; returns CMD's exit status (124 on timeout).
run_timed() {
  local out=$1 err=$2; shift 2
  local t0 t1 rc=0
  t0=$(now)
  timeout "$limit" "$@" >"$out" 2>"$err" || rc=$?
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }'
  return "$rc"
}

describe_failure() { # sim rc errfile
  local what="exit status $2"
  if (($2 == 124)); then what="timed out after ${limit}s"; fi
  echo "$1 failed ($what): $(grep -v '^instructions=' "$3" | tail -n 3 | tr '\n' ' ')"
}

min() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

mode="full"; if ((quick)); then mode="quick"; fi
echo "vfsim instruction-set benchmark ($mode sizes, best of $runs run(s) each)"
echo "  sparc64-run : $runner"
echo "  qemu        : $(command -v "$qemu") ($("$qemu" --version | head -n 1))"
echo "  host        : $(uname -m), $(nproc) cores, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo

# bench_one NAME PROG ARG: the timed runs of one program. On success sets insns,
# best_q and best_r; on failure records the reasons with fail, sets why (a word for the
# table) and returns 1.
bench_one() {
  local name=$1 prog=$2 arg=$3 i t rc n stats ref=""
  best_q=""; best_r=""; insns=""; why=""
  for ((i = 1; i <= runs; i++)); do
    if t=$(run_timed "$tmp/q.out" "$tmp/q.err" "$qemu" "$prog" "$arg"); then
      best_q=$(min "$t" "$best_q")
    else
      rc=$?; why="qemu failed"; fail "$name: $(describe_failure qemu-sparc64 "$rc" "$tmp/q.err")"; return 1
    fi
    if t=$(run_timed "$tmp/r.out" "$tmp/r.err" "$runner" --stats "$prog" "$arg"); then
      best_r=$(min "$t" "$best_r")
    else
      rc=$?; why="run failed"; fail "$name: $(describe_failure sparc64-run "$rc" "$tmp/r.err")"; return 1
    fi
    stats=$(tail -n 1 "$tmp/r.err")
    if [[ ! $stats =~ ^instructions=([0-9]+)\ seconds= ]]; then
      why="no stats"; fail "$name: no stats line from sparc64-run (last stderr line: '$stats')"; return 1
    fi
    n=${BASH_REMATCH[1]}
    if [[ -n $insns && $n != "$insns" ]]; then
      why="nondeterministic"; fail "$name: instruction count differs between runs ($insns vs $n)"; return 1
    fi
    insns=$n
    if ! cmp -s "$tmp/q.out" "$tmp/r.out"; then
      why="MISMATCH"
      fail "$name: output mismatch: qemu-sparc64 printed '$(head -c 200 "$tmp/q.out" | tr '\n' ' ')'," \
           "sparc64-run printed '$(head -c 200 "$tmp/r.out" | tr '\n' ' ')'"
      return 1
    fi
    if [[ ! -s $tmp/r.out ]]; then why="no output"; fail "$name: printed nothing"; return 1; fi
    if [[ -z $ref ]]; then
      ref=$tmp/ref.out; cp "$tmp/r.out" "$ref"
    elif ! cmp -s "$ref" "$tmp/r.out"; then
      why="nondeterministic"; fail "$name: output differs between repeated runs"; return 1
    fi
  done
}

rows=()
c_ratios=()
for entry in "${PROGRAMS[@]}"; do
  read -r name arg qarg kind <<<"$entry"
  selected "$name" || continue
  if ((quick)); then arg=$qarg; fi
  prog=$build/bench/bench_$name
  printf '  %-11s %-9s ' "$name" "$arg" >&2
  if [[ ! -x $prog ]]; then
    fail "$name: $prog not found (build the bench targets: cmake --build $build)"
    echo "MISSING" >&2
    rows+=("$name|$arg|-|-|-|-|-|-|MISSING")
    continue
  fi
  if ! bench_one "$name" "$prog" "$arg"; then
    echo "FAILED: ${failmsgs[-1]}" >&2
    rows+=("$name|$arg|-|-|-|-|-|-|$why")
    continue
  fi
  read -r r_mips q_mips ratio < <(awk -v n="$insns" -v r="$best_r" -v q="$best_q" \
    'BEGIN { printf "%.1f %.1f %.3f\n", n / r / 1e6, n / q / 1e6, q / r }')
  head -n 1 "$tmp/r.out" >&2
  note=""
  rows+=("$name|$arg|$insns$note|$best_r|$r_mips|$best_q|$q_mips|$ratio|ok")
  if [[ $kind == c ]]; then c_ratios+=("$ratio"); fi
done
echo >&2

# The table (Markdown, so it can be pasted into docs/performance.md as it is).
row() { printf '| %-10s | %9s | %17s | %8s | %8s | %8s | %9s | %8s |\n' "$@"; }
row program arg instructions "run s" "run MIPS" "qemu s" "qemu MIPS" "run/qemu"
row ---------- --------- ----------------- -------- -------- -------- --------- --------
for r in "${rows[@]}"; do
  IFS='|' read -r name arg insns rs rm qs qm ratio status <<<"$r"
  if [[ $status != ok ]]; then
    row "$name" "$arg" "$status" - - - - -
  else
    row "$name" "$arg" "$insns" "$(printf %.3f "$rs")" "$rm" "$(printf %.3f "$qs")" "$qm" "$ratio"
  fi
done
if ((${#c_ratios[@]})); then
  geo=$(printf '%s\n' "${c_ratios[@]}" | awk '{ s += log($1); n++ } END { printf "%.3f", exp(s / n) }')
  echo
  echo "Geometric mean of run/qemu over the ${#c_ratios[@]} C program(s): $geo"
fi
echo
echo "run = build/bin/sparc64-run (interpreter); qemu = qemu-sparc64 (TCG JIT). Times are wall"
echo "clock of the whole process, best of the runs; MIPS = instructions / seconds, using the"
echo "instruction count from sparc64-run --stats for both simulators; run/qemu = speed ratio."

if ((${#failmsgs[@]})); then
  echo
  echo "${#failmsgs[@]} failure(s):"
  printf '  %s\n' "${failmsgs[@]}"
  exit 1
fi
