#!/usr/bin/env bash
# Whole-host snapshots: for a guest that touched about 64 MB, 256 MB and 1 GB, times
# `vfctl snapshot save` and `ldmd --restore` and sets both against this host's memcpy of the
# same bytes, measured in the same run. Each size gets its own deterministic T5240 ldmd
# (control domain shrunk to 8 vCPUs and 4 GB) with one guest of 16 vCPUs whose runtime
# `memory` workload demand-maps FOOTPRINT per vCPU and stores to every 64-byte line of it in
# its first pass (so 16 x FOOTPRINT of guest memory is written); simulated time is advanced
# in 50 ms steps until the console says "all 16 vcpus done" (the runtime then exits, so the
# guest is saved stopped with its memory), the host is saved, its ldmd stopped, and a fresh
# ldmd (new state directory and socket) is started with --restore. Restore time is from
# starting that ldmd until its socket answers `vfctl clock show`; the restored guest's
# `vfctl checksum` must equal the saved one's, and its clock the saved time.
#   save s         ldmd's own figure ("... written in S s": the stream, fsync and rename) and
#                  the wall time of the vfctl command (what a user waits for; MB/s and the
#                  memcpy ratio use this one)
#   restore CPU s  user + system time of the restoring ldmd when it first answers (the wall
#                  time also counts waiting for a core on a busy host)
#   memcpy         a C program built here with cc -O2 copies a buffer the size of the snapshot
#                  file: best of 5 copies between buffers already faulted in, and best of 3
#                  into freshly allocated pages (page faults included, as a restore has them);
#                  the ratios are save / restore wall time against the time this host takes
#                  to memcpy the snapshot's bytes once (faulted-in buffers)
# MB = 2^20 bytes (as ldmd reports them), GB/s = 2^30 bytes per second.
# Usage: bench/run_snapshot_bench.sh [BUILD_DIR]   (prints a Markdown table; exit 1 on failure)
#   SNAPSHOT_BENCH_SIZES="64 256 1024" chooses the guest footprints in MB (multiples of 16);
#   SNAPSHOT_BENCH_TIMEOUT=900 bounds the whole run in wall seconds.
set -euo pipefail
build=${1:-build}
ldmd_bin=$build/bin/ldmd ldm_bin=$build/bin/ldm vfctl_bin=$build/bin/vfctl
for f in "$ldmd_bin" "$ldm_bin" "$vfctl_bin"; do [[ -x $f ]] || { echo "missing $f (build first)" >&2; exit 2; }; done
command -v cc >/dev/null || { echo "no C compiler (cc) for the memcpy peer" >&2; exit 2; }
sizes=${SNAPSHOT_BENCH_SIZES:-64 256 1024}
vcpus=16
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
source "$(dirname "$0")/lib.sh"
deadline=$((SECONDS + ${SNAPSHOT_BENCH_TIMEOUT:-900}))

fail() {
  echo "run_snapshot_bench: $*" >&2
  [ ! -s "$tmp/ldmd.log" ] || tail -20 "$tmp/ldmd.log" | sed 's/^/  ldmd| /' >&2
  exit 1
}
# c CMD...: one client call, bounded by what is left of the run; its stdout in $tmp/out
c() {
  local l=$((deadline - SECONDS))
  [ "$l" -gt 0 ] || fail "out of time (SNAPSHOT_BENCH_TIMEOUT) before: $*"
  local rc=0
  timeout "$l" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" != 124 ] || fail "out of time (SNAPSHOT_BENCH_TIMEOUT) during: $*"
  [ "$rc" = 0 ] || fail "$* failed (exit $rc): $(cat "$tmp/err" "$tmp/out")"
}
ldm() { c "$ldm_bin" "$@"; }
vfctl() { c "$vfctl_bin" "$@"; }
secs() { awk -v x="$1" -v y="$2" 'BEGIN{printf "%.3f", y - x}'; }
cpu_secs() {   # PID: its user + system time so far, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"
}

start_ldmd() {   # DIR [args]: ldmd on DIR/state and DIR/ldmd.sock; sets $ldmd_pid
  local dir=$1
  shift
  mkdir -p "$dir"
  export LDMD_SOCKET=$dir/ldmd.sock
  "$ldmd_bin" --foreground --deterministic --platform T5240 --state-dir "$dir/state" --socket "$LDMD_SOCKET" \
    --service-root "$dir/root" "$@" >>"$tmp/ldmd.log" 2>&1 &
  ldmd_pid=$!
  pids+=("$ldmd_pid")
}
wait_ldmd() {   # until the socket answers `vfctl clock show` (its answer in $tmp/out)
  while ! "$vfctl_bin" clock show >"$tmp/out" 2>/dev/null; do
    kill -0 "$ldmd_pid" 2>/dev/null || fail "ldmd exited"
    [ "$SECONDS" -lt "$deadline" ] || fail "ldmd did not answer in time"
    sleep 0.01
  done
}
stop_ldmd() {
  "$vfctl_bin" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 200); do kill -0 "$ldmd_pid" 2>/dev/null || break; sleep 0.05; done
  kill "$ldmd_pid" 2>/dev/null || true
  wait "$ldmd_pid" 2>/dev/null || true
}

# ---- the peer: memcpy of N bytes
cat >"$tmp/memcpy.c" <<'CEOF'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
  size_t n = argc > 1 ? strtoull(argv[1], 0, 10) : 0;
  char *src = n ? malloc(n) : 0, *dst = n ? malloc(n) : 0;
  if (!src || !dst) return 1;
  for (size_t i = 0; i < n; i++) src[i] = (char)(i * 131 + (i >> 12));
  memset(dst, 0, n);   /* both buffers faulted in before timing */
  double warm = 1e30, cold = 1e30;
  unsigned long sum = 0;
  for (int r = 0; r < 5; r++) {
    double t0 = now();
    memcpy(dst, src, n);
    double t = now() - t0;
    if (t < warm) warm = t;
    sum += (unsigned char)dst[(r * 7919u) % n];
    src[r] ^= 1;
  }
  for (int r = 0; r < 3; r++) {   /* into pages never touched: the kernel's page faults too */
    char *fresh = malloc(n);
    if (!fresh) return 1;
    double t0 = now();
    memcpy(fresh, src, n);
    double t = now() - t0;
    if (t < cold) cold = t;
    sum += (unsigned char)fresh[(r * 7919u) % n];
    free(fresh);
  }
  printf("%.3f %.3f %lu\n", n / warm / (1 << 30), n / cold / (1 << 30), sum);
  return 0;
}
CEOF
cc -O2 -o "$tmp/memcpy" "$tmp/memcpy.c" || fail "cannot build the memcpy peer"

echo "| guest memory touched (MB) | snapshot MB | save s (ldmd) | save s (vfctl wall) | save MB/s | restore s | restore CPU s | restore MB/s | memcpy GB/s | memcpy to fresh pages GB/s | save / memcpy | restore / memcpy |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
restore256=
for mb in $sizes; do
  fp=$((mb / vcpus))
  [ "$fp" -ge 1 ] && [ $((fp * vcpus)) = "$mb" ] || fail "size $mb MB is not a multiple of $vcpus"
  mem=$(((mb + mb / 2 + 255) / 256 * 256))   # the footprint, the runtime and the TSBs, in 256 MB units
  dir=$tmp/$mb
  # ---- host A: boot the guest, run the workload to its end, save
  start_ldmd "$dir/a"
  wait_ldmd
  ldm set-vcpu 8 primary
  ldm set-memory 4G primary
  vfctl reboot primary
  ldm add-domain ldg1
  ldm add-vcpu "$vcpus" ldg1
  ldm add-memory "${mem}M" ldg1
  ldm set-var "boot-file=memory footprint=${fp}M writes=10" ldg1
  ldm bind ldg1
  ldm start ldg1
  done=
  for _ in $(seq 200); do   # at most 10 s of simulated time
    vfctl clock advance 50ms
    vfctl console ldg1
    if grep -qx "vfsim-runtime: all $vcpus vcpus done" "$tmp/out"; then done=1; break; fi
    ! grep -q "^vfsim-runtime: \(error\|unexpected trap\)" "$tmp/out" || fail "ldg1 ($mb MB): $(grep "^vfsim-runtime: " "$tmp/out")"
  done
  [ -n "$done" ] || fail "ldg1 ($mb MB) did not finish its memory workload in 10 s of simulated time"
  snap=$dir/host.snap
  t0=$(now)
  vfctl snapshot save "$snap"
  t1=$(now)
  msg=$(cat "$tmp/out")
  save_wall=$(secs "$t0" "$t1")
  touched=$(sed -n 's/^Snapshot .*: [0-9]* domain(s), \([0-9.]*\) MB of guest memory touched, .*/\1/p' <<<"$msg")
  save_own=$(sed -n 's/.* MB written in \([0-9.]*\) s at simulated time .*/\1/p' <<<"$msg")
  [ -n "$touched" ] && [ -n "$save_own" ] || fail "unexpected save message: $msg"
  vfctl checksum ldg1
  sum_a=$(cat "$tmp/out")
  vfctl clock show
  clock_a=$(cat "$tmp/out")
  stop_ldmd
  bytes=$(stat -c %s "$snap")
  # ---- host B: from the snapshot, a fresh state directory and socket
  t0=$(now)
  start_ldmd "$dir/b" --restore "$snap"
  wait_ldmd
  t1=$(now)
  restore_cpu=$(cpu_secs "$ldmd_pid")
  restore=$(secs "$t0" "$t1")
  [ "$(cat "$tmp/out")" = "$clock_a" ] || fail "$mb MB: the restored host is at '$(cat "$tmp/out")', saved at '$clock_a'"
  vfctl checksum ldg1
  sum_b=$(cat "$tmp/out")
  [ "$sum_a" = "$sum_b" ] || fail "$mb MB: the restored guest's checksum differs: saved '$sum_a', restored '$sum_b'"
  stop_ldmd
  rm -f "$snap"
  # ---- the peer, the same bytes
  peer=$("$tmp/memcpy" "$bytes") || fail "the memcpy peer failed"
  read -r gbs cold _ <<<"$peer"
  [ "$mb" != 256 ] || restore256=$restore
  awk -v t="$touched" -v b="$bytes" -v so="$save_own" -v sw="$save_wall" -v r="$restore" -v rc="$restore_cpu" \
    -v g="$gbs" -v gc="$cold" 'BEGIN{
    mbs = b / 1048576; mc = b / (g * 1073741824)
    printf "| %.1f | %.1f | %.2f | %.3f | %.0f | %.3f | %.2f | %.0f | %.2f | %.2f | %.1f | %.1f |\n",
      t, mbs, so, sw, mbs / sw, r, rc, mbs / r, g, gc, sw / mc, r / mc }'
  rm -rf "$dir"
done
if [ -n "$restore256" ]; then
  echo
  echo "Goal (the snapshot issue): restore in under 1 s for a host whose guests touched 256 MB:" \
    "$restore256 s, $(awk -v r="$restore256" 'BEGIN{print (r < 1) ? "**met**" : "**not met**"}')."
fi
