#!/usr/bin/env bash
# run_diff.sh ORACLE RUNNER BINARY [ARGS...]
#
# Runs a static sparc64 Linux BINARY under ORACLE (qemu-sparc64) and under RUNNER
# (sparc64-run) with identical arguments, stdin and environment, then compares stdout byte
# for byte and the exit status. stderr is captured but not compared (shown on mismatch).
#
# Environment:
#   VFSIM_DIFF_RUNNER   use this instead of RUNNER (e.g. qemu-sparc64 to self-check the suite)
#   DIFF_STDIN          file fed to stdin of both runs (default /dev/null)
#   DIFF_TIMEOUT        seconds allowed per run (default 120)
#   DIFF_KEEP           if set, keep the temporary directory with both outputs
#   DIFF_QEMU_CPU       CPU model given to qemu-sparc64 via -cpu (default "Sun UltraSparc T2",
#                       which enables the T2 twin-load ASIs; empty = qemu's default CPU)
# Exit status: 0 = identical, 1 = mismatch, 2 = harness/usage error.
set -u

if [ $# -lt 3 ]; then
  echo "usage: $0 ORACLE RUNNER BINARY [ARGS...]" >&2
  exit 2
fi
oracle=$1
runner=$2
bin=$3
shift 3
if [ -n "${VFSIM_DIFF_RUNNER:-}" ]; then
  runner=$VFSIM_DIFF_RUNNER
fi
stdin_file=${DIFF_STDIN:-/dev/null}
limit=${DIFF_TIMEOUT:-120}

if [ ! -x "$bin" ]; then
  echo "run_diff: test binary '$bin' does not exist or is not executable (not built?)" >&2
  exit 2
fi
if [ ! -r "$stdin_file" ]; then
  echo "run_diff: stdin file '$stdin_file' is not readable" >&2
  exit 2
fi
# resolve both tools to absolute paths before the environment is cleared
resolve() {
  local p
  p=$(command -v "$1" 2>/dev/null) || { echo "run_diff: '$1' not found or not executable" >&2; exit 2; }
  case $p in /*) ;; *) p=$PWD/$p ;; esac
  printf '%s\n' "$p"
}
oracle=$(resolve "$oracle") || exit 2
runner=$(resolve "$runner") || exit 2
ulimit -c 0   # qemu-user writes guest core files into the cwd otherwise

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vfsim-diff.XXXXXX") || exit 2
if [ -z "${DIFF_KEEP:-}" ]; then
  trap 'rm -rf "$tmp"' EXIT
fi

# The guest sees exactly this environment under both runners (qemu-user passes its own
# environment to the guest; sparc64-run is expected to do the same).
guest_env=(HOME=/ PATH=/usr/bin:/bin LANG=C LC_ALL=C VFSIM_TEST=1 SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1)

qemu_cpu=${DIFF_QEMU_CPU-Sun UltraSparc T2}
run_one() {
  local tool=$1 prefix=$2
  shift 2
  local opts=()
  case $(basename "$tool") in
    qemu-sparc64*) [ -n "$qemu_cpu" ] && opts=(-cpu "$qemu_cpu") ;;
  esac
  env -i "${guest_env[@]}" timeout --kill-after=10 "$limit" "$tool" "${opts[@]}" "$bin" "$@" \
    <"$stdin_file" >"$prefix.out" 2>"$prefix.err"
}

start=$SECONDS
run_one "$oracle" "$tmp/oracle" "$@"
orc=$?
oracle_timeout=0
[ "$orc" -eq 124 ] && [ $((SECONDS - start)) -ge "$limit" ] && oracle_timeout=1
start=$SECONDS
run_one "$runner" "$tmp/runner" "$@"
rrc=$?
runner_timeout=0
[ "$rrc" -eq 124 ] && [ $((SECONDS - start)) -ge "$limit" ] && runner_timeout=1

name=$(basename "$bin")
if [ $oracle_timeout -eq 1 ]; then
  echo "run_diff: oracle timed out after ${limit}s on $name" >&2
  exit 2
fi

status=0
if ! cmp -s "$tmp/oracle.out" "$tmp/runner.out"; then
  echo "FAIL $name: stdout differs (oracle=$oracle runner=$runner)"
  diff -u --label "oracle stdout" --label "runner stdout" "$tmp/oracle.out" "$tmp/runner.out" | head -n 40
  status=1
fi
if [ "$orc" -ne "$rrc" ]; then
  echo "FAIL $name: exit code differs: oracle=$orc runner=$rrc"
  status=1
fi
if [ $status -ne 0 ]; then
  [ $runner_timeout -eq 1 ] && echo "note: runner timed out after ${limit}s"
  echo "exit codes: oracle=$orc runner=$rrc"
  echo "--- runner stderr (first 20 lines) ---"
  head -n 20 "$tmp/runner.err"
  echo "--- oracle stderr (first 10 lines) ---"
  head -n 10 "$tmp/oracle.err"
  [ -n "${DIFF_KEEP:-}" ] && echo "outputs kept in $tmp"
  exit 1
fi
echo "OK $name: $(wc -l <"$tmp/oracle.out") lines, $(wc -c <"$tmp/oracle.out") bytes, exit $orc"
exit 0
