#!/usr/bin/env bash
# Builds the host programs with AddressSanitizer + UndefinedBehaviorSanitizer into build-asan/
# (cmake -DVFSIM_SANITIZE=ON) and runs test labels under them; docs/reliability.md, "Sanitizers".
# Usage: scripts/sanitize.sh [--ci] [LABEL...]
#   LABEL...  CTest labels to run (default: unit hv firmware ldm, all of each)
#   --ci      the fixed part scripts/test.sh runs, small enough for CI's time limit: the unit tests
#             that need no SystemC machine (isa_unit_tests, state_unit_tests, mau_unit_tests,
#             dev_unit_tests, trace_unit_tests), each program once with all its cases
# Run scripts/setup.sh once first (it installs the packages). SANITIZE_BUILD_DIR picks another
# build directory. A sanitizer report aborts its program and fails its test (ASAN_OPTIONS and
# UBSAN_OPTIONS come from build-asan/sanitizer_env.cmake, which CTest reads). Exit 0: all passed.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${SANITIZE_BUILD_DIR:-build-asan}
ci=0
if [[ ${1:-} == --ci ]]; then
  ci=1
  shift
fi
labels=("$@")
((${#labels[@]})) || labels=(unit hv firmware ldm)
ci_programs=(isa_unit_tests state_unit_tests mau_unit_tests dev_unit_tests trace_unit_tests)

# What each label runs (building everything would also build the benchmarks, examples and the
# instruction-set programs no label here needs).
targets=()
for label in "${labels[@]}"; do
  case $label in
    unit) targets+=(isa_unit_tests hw_unit_tests hv_unit_tests mau_unit_tests hv_sim_tests hv_suspend_sim_tests
                    ldm_unit_tests migration_unit_tests models_unit_tests ds_unit_tests state_unit_tests
                    hv_guest_unit_tests trace_unit_tests) ;;
    hv) targets+=(mdprint vfsim-guest-md vfsim-hv fw_host_test sparcprog_vfsim-runtime) ;;
    firmware) targets+=(fw_host_test mdprint vfsim-guest-md sparcprog_vfsim-runtime) ;;
    ldm) targets+=(ldmd ldm vfctl sparcprog_vfsim-runtime) ;;
    *) echo "sanitize: unknown label $label (unit, hv, firmware, ldm)" >&2; exit 2 ;;
  esac
done

start=$SECONDS
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=${VFSIM_BUILD_TYPE:-Release} -DVFSIM_SANITIZE=ON >/dev/null
if ((ci)); then
  cmake --build "$dir" -j"$(nproc)" --target "${ci_programs[@]}"
  echo "sanitize: built in $((SECONDS - start)) s"
  # The options CTest would give them (cmake/Sanitize.cmake writes them as CMake).
  eval "$(sed -n 's/^set(ENV{\([A-Z_]*\)} \(".*"\))$/export \1=\2/p' "$dir/sanitizer_env.cmake")"
  status=0
  for p in "${ci_programs[@]}"; do
    "$dir/bin/$p" || { echo "sanitize: $p FAILED"; status=1; }
  done
  echo "sanitize: $( ((status == 0)) && echo passed || echo FAILED ) in $((SECONDS - start)) s (${ci_programs[*]})"
  exit $status
fi
cmake --build "$dir" -j"$(nproc)" --target "${targets[@]}"
echo "sanitize: built in $((SECONDS - start)) s"

status=0
for label in "${labels[@]}"; do
  t=$SECONDS
  (cd "$dir" && ctest -L "^$label\$" --output-on-failure -j"$(nproc)" --timeout 3000) || status=1
  echo "sanitize: label $label took $((SECONDS - t)) s"
done
echo "sanitize: $( ((status == 0)) && echo passed || echo FAILED ) in $((SECONDS - start)) s (${labels[*]})"
exit $status
