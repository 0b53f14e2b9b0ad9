#!/usr/bin/env bash
# The Logical Domains Manager daemon (ldmd) on a T5440: latency of `ldm list` and
# `ldm list -l` with 1 domain (factory default) and with 128 domains (primary + 127 guests
# running a busy compute boot-file on all 248 strands primary does not keep), and the wall
# time to bind and start the 127 guests. Reference in the same run: `ldm -V`, a round trip
# that does no work in ldmd (client start-up + socket + the daemon's loop).
# Usage: bench/run_ldm_bench.sh [BUILD_DIR]     (prints a Markdown table; exit 1 on failure)
# LDM_BENCH_CALLS (default 20): calls per latency row (the median is printed).
set -euo pipefail
export LC_ALL=C
build=${1:-build}
ldmd=$build/bin/ldmd ldm=$build/bin/ldm vfctl=$build/bin/vfctl
for f in "$ldmd" "$ldm" "$vfctl" "$build/firmware/vfsim-runtime"; do
  [[ -x $f ]] || { echo "missing $f (build first)" >&2; exit 2; }
done
calls=${LDM_BENCH_CALLS:-20}
guests=127 list_aim_ms=20 start_aim_s=10
tmp=$(mktemp -d)
export LDMD_SOCKET=$tmp/s.sock
daemon=""
cleanup() {
  if [[ -n $daemon ]] && kill -0 "$daemon" 2>/dev/null; then
    timeout 60 "$vfctl" shutdown >/dev/null 2>&1 || true
    for _ in $(seq 100); do kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
    kill "$daemon" 2>/dev/null || true
    wait "$daemon" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

source "$(dirname "$0")/lib.sh"

"$ldmd" --foreground --platform T5440 --state-dir "$tmp/state" --socket "$LDMD_SOCKET" >"$tmp/ldmd.log" 2>&1 &
daemon=$!
for _ in $(seq 300); do [[ -S $LDMD_SOCKET ]] && break; kill -0 "$daemon" 2>/dev/null || break; sleep 0.1; done
[[ -S $LDMD_SOCKET ]] || { echo "ldmd did not start:" >&2; cat "$tmp/ldmd.log" >&2; exit 1; }

# q CMD...: an ldm/vfctl call that must succeed (its output is discarded).
q() { "$@" >"$tmp/out" 2>"$tmp/err" || { echo "failed: $*" >&2; cat "$tmp/out" "$tmp/err" >&2; exit 1; }; }

# median_ms CMD...: runs CMD $calls times and prints the median wall time of one call in ms.
# Timed with bash's $EPOCHREALTIME (no fork), so the clock adds nothing to a ~1 ms call.
median_ms() {
  local ts=() t0 t1
  for _ in $(seq "$calls"); do
    t0=$EPOCHREALTIME
    "$@" >"$tmp/out" 2>"$tmp/err" || { echo "failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
    t1=$EPOCHREALTIME
    ts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", (b-a)*1000}')")
  done
  printf '%s\n' "${ts[@]}" | sort -g | awk '{v[NR]=$1} END{printf "%.1f", NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'
}
# sim_ns: the daemon's simulated time in ns ("simulated time 16549399933 ns", "5 ms", ...).
sim_ns() {
  q "$vfctl" clock show
  awk '{m["fs"]=1e-6; m["ps"]=1e-3; m["ns"]=1; m["us"]=1e3; m["ms"]=1e6; m["s"]=1e9; printf "%.0f", $3*m[$4]}' "$tmp/out"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

# ---- 1 domain: factory default (primary owns all 256 strands and all memory) ----------
v1=$(median_ms "$ldm" -V); nv=$(wc -l <"$tmp/out")
l1=$(median_ms "$ldm" list); nl1=$(wc -l <"$tmp/out")
ll1=$(median_ms "$ldm" list -l); nll1=$(wc -l <"$tmp/out")

# ---- 128 domains ------------------------------------------------------------------------
# Primary shrinks to 8 strands, 1 crypto unit and 4 GB; 121 guests of 2 vCPUs and 6 of 1
# take the other 248 strands, 256 MB each, each booting the runtime's compute workload.
q "$ldm" set-mau 1 primary
q "$ldm" set-vcpu 8 primary
q "$ldm" set-memory 4G primary
q "$vfctl" reboot primary
q "$ldm" add-vcc port-range=5000-5200 primary-vcc0 primary
for i in $(seq "$guests"); do
  q "$ldm" add-domain "ldg$i"
  q "$ldm" add-vcpu $((i <= 121 ? 2 : 1)) "ldg$i"
  q "$ldm" add-memory 256M "ldg$i"
  q "$ldm" set-var boot-file="compute iterations=100000000" "ldg$i"
done
# Timed: bind + start of every guest, one after another; later ones start while the
# earlier ones already compute.
t0=$(now)
for i in $(seq "$guests"); do
  q "$ldm" bind "ldg$i"
  q "$ldm" start "ldg$i"
done
t1=$(now)
start_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b-a}')

# Check the configuration: 128 active domains holding all 256 strands.
q "$ldm" list -p
active=$(grep -c '|state=active|' "$tmp/out")
vcpus=$(sed -nE 's/.*\|ncpu=([0-9]+)\|.*/\1/p' "$tmp/out" | awk '{s+=$1} END{print s}')
[[ $active == 128 && $vcpus == 256 ]] || { echo "expected 128 active domains on 256 strands, got $active on $vcpus" >&2; cat "$tmp/out" >&2; exit 1; }
sleep 1   # let every guest get past its boot into the compute loop
sim0=$(sim_ns)
w0=$(now)
v128=$(median_ms "$ldm" -V)
l128=$(median_ms "$ldm" list); nl128=$(wc -l <"$tmp/out")
ll128=$(median_ms "$ldm" list -l); nll128=$(wc -l <"$tmp/out")
sim1=$(sim_ns)
w1=$(now)
sleep 2   # the same machine with no client: how fast simulated time runs between calls
sim2=$(sim_ns)
w2=$(now)
q "$ldm" list -p
util=$(sed -nE '/name=primary/d; s/.*\|util=([0-9.]+)\|.*/\1/p' "$tmp/out" | awk '{s+=$1; n++} END{printf "%.1f", n ? s/n : 0}')

echo "| measurement | domains | busy guest strands | output lines | wall | aim | measured/aim | vs \`ldm -V\` |"
echo "|---|---|---|---|---|---|---|---|"
printf '| `ldm -V` (peer: round trip) | 1 | 0 | %s | %s ms | — | — | 1.00 |\n' "$nv" "$v1"
printf '| `ldm list` | 1 | 0 | %s | %s ms | < %s ms | %s | %s |\n' "$nl1" "$l1" "$list_aim_ms" "$(ratio "$l1" "$list_aim_ms")" "$(ratio "$l1" "$v1")"
printf '| `ldm list -l` | 1 | 0 | %s | %s ms | < %s ms | %s | %s |\n' "$nll1" "$ll1" "$list_aim_ms" "$(ratio "$ll1" "$list_aim_ms")" "$(ratio "$ll1" "$v1")"
printf '| `ldm -V` (peer: round trip) | 128 | 248 | %s | %s ms | — | — | 1.00 |\n' "$nv" "$v128"
printf '| `ldm list` | 128 | 248 | %s | %s ms | < %s ms | %s | %s |\n' "$nl128" "$l128" "$list_aim_ms" "$(ratio "$l128" "$list_aim_ms")" "$(ratio "$l128" "$v128")"
printf '| `ldm list -l` | 128 | 248 | %s | %s ms | < %s ms | %s | %s |\n' "$nll128" "$ll128" "$list_aim_ms" "$(ratio "$ll128" "$list_aim_ms")" "$(ratio "$ll128" "$v128")"
printf '| bind + start %s guests (%s calls) | 1 → 128 | 0 → 248 | — | %s s | < %s s | %s | — |\n' "$guests" $((2 * guests)) "$start_s" "$start_aim_s" "$(ratio "$start_s" "$start_aim_s")"
echo
echo "Latency rows: median of $calls calls. Mean guest UTIL after the 128-domain calls: $util%."
awk -v s0="$sim0" -v s1="$sim1" -v s2="$sim2" -v w0="$w0" -v w1="$w1" -v w2="$w2" 'BEGIN{
  printf "Simulated time with 248 busy strands: %.3f ms in %.2f s of wall time during the 128-domain calls", (s1-s0)/1e6, w1-w0
  printf " (%.2g of real time), %.3f ms in %.2f s with no client (%.2g).\n", (s1-s0)/1e9/(w1-w0), (s2-s1)/1e6, w2-w1,
    (s2-s1)/1e9/(w2-w1)}'
