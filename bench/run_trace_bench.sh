#!/usr/bin/env bash
# What tracing costs (docs/performance.md, "Tracing"). Two fixed hypervisor workloads
# (vfsim-hv on a T5240: the guest runtime's compute on 8 vCPUs; ldc-ping between two domains)
# with tracing off, with --trace hcall to a JSON file and with --trace all to a JSON file: best
# of 3 CPU times each, host MIPS, and the ratio against off.
# With --compare BEFORE_BUILD it also proves that tracing off costs nothing: the same workload,
# bench/run_isa_bench.sh (--runs 1) and bench/run_cmt_bench.sh run on BEFORE_BUILD (a build of
# the commit before the trace interface) and BUILD_DIR alternately, ROUNDS rounds (default 3),
# and each figure is printed per round with the after/before ratio.
# The hypervisor workloads and vfsim-bare's compute loop on 64 strands are also compared by
# CPU time (user + system), which a shared host disturbs far less than wall time;
# --cpu-only compares only those (no wall-time benchmark scripts).
# Usage: bench/run_trace_bench.sh [--compare BEFORE_BUILD [--rounds N] [--cpu-only]] [BUILD_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
before="" rounds=3 build="" cpu_only=0
while (($#)); do
  case $1 in
    --compare) [[ $# -ge 2 ]] || { echo "run_trace_bench: --compare needs a build directory" >&2; exit 2; }
               before=$2; shift 2 ;;
    --rounds) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || { echo "run_trace_bench: --rounds needs a positive integer" >&2; exit 2; }
              rounds=$2; shift 2 ;;
    --cpu-only) cpu_only=1; shift ;;
    -*) echo "run_trace_bench: unknown option $1" >&2; exit 2 ;;
    *) [[ -z $build ]] || { echo "run_trace_bench: more than one build directory given" >&2; exit 2; }
       build=$1; shift ;;
  esac
done
build=${build:-build}
need() { for f in "$@"; do [[ -x $f || -f $f ]] || { echo "missing $f (build first)" >&2; exit 2; }; done; }
need "$build/bin/vfsim-hv" "$build/firmware/vfsim-runtime"
[[ -z $before ]] || need "$before/bin/vfsim-hv" "$before/firmware/vfsim-runtime" "$before/bin/vfsim-bare" \
  "$before/bench/bench_cmt_compute" "$build/bin/vfsim-bare" "$build/bench/bench_cmt_compute"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$here/lib.sh"

# Two fixed workloads: compute on 8 vCPUs (few hypercalls: what tracing costs a busy guest
# that the categories barely touch) and ldc-ping between two domains (a hypercall and packets
# every few hundred instructions: what writing many events costs).
compute=(--platform T5240 --vcpus 8 --memory 256M --boot-file "compute iterations=300000")
ping=(--platform T5240 --domain a --vcpus 1 --boot-file "ldc-ping role=client count=1000 size=300"
      --domain b --vcpus 1 --boot-file "ldc-ping role=server count=1000 size=300" --connect a,b)
# cpu_best CMD...: the best of 3 runs' CPU seconds (user + system: on a shared host the wall
# time mostly measures the other processes); stats in $tmp/h.json, instructions in $tmp/insns
cpu_best() {
  local best="" i t
  for i in 1 2 3; do
    t=$( { TIMEFORMAT='%U %S'; time "$@" --stats-json "$tmp/h.json" >"$tmp/out" 2>"$tmp/err"; } 2>&1 ) ||
      { echo "failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
    best=$(awk -v a="$best" -v t="$t" 'BEGIN{split(t, x, " "); b = x[1] + x[2]; print (a == "" || b < a) ? b : a}')
  done
  python3 -c "import json;print(sum(c['instructions'] for c in json.load(open('$tmp/h.json'))['cores']))" >"$tmp/insns"
  echo "$best"
}
# hv BUILD WORKLOAD [TRACE OPTIONS...]
hv() {
  local b=$1 w=$2
  shift 2
  local -n args=$w
  cpu_best "$b/bin/vfsim-hv" "${args[@]}" --image "$b/firmware/vfsim-runtime" "$@"
}
# bare BUILD: bench/run_cmt_bench.sh's compute loop on 64 strands of a T5240
bare() { cpu_best "$1/bin/vfsim-bare" --platform T5240 --strands 64 --pack "$1/bench/bench_cmt_compute"; }
mips() { awk -v n="$1" -v t="$2" 'BEGIN{printf "%.1f", n/t/1e6}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }

echo "| vfsim-hv workload | tracing | instructions | host CPU s | host MIPS | vs off | trace file |"
echo "|---|---|---|---|---|---|---|"
for w in compute ping; do
  label=$([[ $w == compute ]] && echo "compute, 8 vCPUs" || echo "ldc-ping, 2 domains")
  t_off=$(hv "$build" $w)
  n_off=$(cat "$tmp/insns")
  m_off=$(mips "$n_off" "$t_off")
  printf "| %s | off | %s | %.3f | %s | 1.000 | - |\n" "$label" "$n_off" "$t_off" "$m_off"
  for cats in hcall all; do
    t=$(hv "$build" $w --trace "$cats" --trace-file "$tmp/t.json")
    n=$(cat "$tmp/insns")
    [[ $n == "$n_off" ]] || { echo "run_trace_bench: --trace $cats ran $n instructions, off ran $n_off" >&2; exit 1; }
    m=$(mips "$n" "$t")
    ev=$(python3 -c "import json;print(sum(e['ph'] != 'M' for e in json.load(open('$tmp/t.json'))['traceEvents']))")
    printf "| %s | --trace %s | %s | %.3f | %s | %s | %s events, %s bytes |\n" "$label" "$cats" "$n" "$t" "$m" \
      "$(ratio "$m" "$m_off")" "$ev" "$(stat -c %s "$tmp/t.json")"
  done
done
[[ -n $before ]] || exit 0

# The off cost: the commit before the trace interface against this build, alternately.
echo
echo "Tracing off, before ($before) and after ($build), $rounds rounds alternating:"
echo
echo "| round | figure | before | after | after/before |"
echo "|---|---|---|---|---|"
isa_geo() {   # BUILD: geometric mean of sparc64-run's MIPS over the C programs and intloop's MIPS
  "$here/run_isa_bench.sh" --runs 1 "$1" >"$tmp/isa" 2>/dev/null || { echo "run_isa_bench.sh failed on $1" >&2; cat "$tmp/isa" >&2; exit 1; }
  awk -F'|' '$2 ~ /^ *[a-z0-9]+ *$/ && $2 !~ /program/ { gsub(/ /, "", $2); m = $6 + 0; if ($2 == "intloop") i = m; else { s += log(m); n++ } }
             END { printf "%.1f %.1f\n", exp(s / n), i }' "$tmp/isa"
}
cmt_mips() {   # BUILD: vfsim-bare's host MIPS with 64 and with 256 strands
  "$here/run_cmt_bench.sh" "$1" >"$tmp/cmt" 2>&1 || { echo "run_cmt_bench.sh failed on $1" >&2; cat "$tmp/cmt" >&2; exit 1; }
  awk -F'|' '$2 ~ /vfsim-bare/ { gsub(/ /, "", $3); m[$3] = $6 + 0 } END { printf "%.1f %.1f\n", m["64"], m["256"] }' "$tmp/cmt"
}
for r in $(seq "$rounds"); do
  for w in compute ping; do
    tb=$(hv "$before" $w); nb=$(cat "$tmp/insns")
    ta=$(hv "$build" $w); na=$(cat "$tmp/insns")
    [[ $na == "$nb" ]] || { echo "run_trace_bench: $w ran $nb instructions before, $na after" >&2; exit 1; }
    printf "| %s | vfsim-hv %s, host CPU s | %.3f | %.3f | %s |\n" "$r" "$w" "$tb" "$ta" "$(ratio "$ta" "$tb")"
  done
  tb=$(bare "$before"); nb=$(cat "$tmp/insns")
  ta=$(bare "$build"); na=$(cat "$tmp/insns")
  [[ $na == "$nb" ]] || { echo "run_trace_bench: vfsim-bare ran $nb instructions before, $na after" >&2; exit 1; }
  printf "| %s | vfsim-bare compute 64 strands, host CPU s | %.3f | %.3f | %s |\n" "$r" "$tb" "$ta" "$(ratio "$ta" "$tb")"
  ((cpu_only)) && continue
  x=$(isa_geo "$before"); read -r gb ib <<<"$x"
  x=$(isa_geo "$build"); read -r ga ia <<<"$x"
  printf "| %s | sparc64-run MIPS, geomean of the C programs | %s | %s | %s |\n" "$r" "$gb" "$ga" "$(ratio "$ga" "$gb")"
  printf "| %s | sparc64-run MIPS, intloop | %s | %s | %s |\n" "$r" "$ib" "$ia" "$(ratio "$ia" "$ib")"
  x=$(cmt_mips "$before"); read -r c64b c256b <<<"$x"
  x=$(cmt_mips "$build"); read -r c64a c256a <<<"$x"
  printf "| %s | vfsim-bare MIPS, 64 strands | %s | %s | %s |\n" "$r" "$c64b" "$c64a" "$(ratio "$c64a" "$c64b")"
  printf "| %s | vfsim-bare MIPS, 256 strands | %s | %s | %s |\n" "$r" "$c256b" "$c256a" "$(ratio "$c256a" "$c256b")"
done
