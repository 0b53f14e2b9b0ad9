#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz/fuzz_*.cpp) for SECONDS each, for hours if asked,
# and prints a line per target with what libFuzzer counted: inputs run, inputs per second,
# edges covered, corpus size, peak RSS, and the result. CI runs each for 10-20 s through
# CTest (label fuzz); this is the long run docs/reliability.md records.
# Usage: scripts/fuzz_all.sh SECONDS [TARGET...]     (e.g. scripts/fuzz_all.sh 3600)
#   FUZZ_OUT=DIR  where targets build and keep their corpora (default build/fuzz-long): a
#                 second run goes on from the first one's corpus
#   FUZZ_JOBS=N   targets run side by side (default: the number of cores / 2, at least 1)
# Exit: 0 when no target found anything; 1 otherwise (the inputs are in FUZZ_OUT/TARGET/).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:?usage: scripts/fuzz_all.sh SECONDS [TARGET...]}
shift
targets=("$@")
if ((${#targets[@]} == 0)); then
  for f in "$root"/tests/fuzz/fuzz_*.cpp; do t=${f##*/fuzz_}; targets+=("${t%.cpp}"); done
fi
out=${FUZZ_OUT:-$root/build/fuzz-long}
jobs=${FUZZ_JOBS:-$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))}
mkdir -p "$out"

one() {
  local t=$1 log=$out/$1.log
  "$root/tests/fuzz/run_fuzz.sh" "$out/$t" "$secs" "$t" >"$log" 2>&1
  local rc=$? result
  case $rc in 0) result="no finding" ;; 77) result="skipped (no clang or libFuzzer)" ;; *) result="FINDING (rc $rc, see $log)" ;; esac
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  local edges corpus
  edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corpus=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  printf '%-18s %6ss %12s inputs %8s/s %6s edges %6s corpus %6s MB  %s\n' "$t" "$secs" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "${edges:-?}" "${corpus:-?}" "$(stat peak_rss_mb)" "$result"
  [[ $rc == 0 || $rc == 77 ]]
}

fail=0 running=0
for t in "${targets[@]}"; do
  one "$t" &
  running=$((running + 1))
  if ((running >= jobs)); then wait -n || fail=1; running=$((running - 1)); fi
done
while ((running > 0)); do wait -n || fail=1; running=$((running - 1)); done
exit $fail
