#!/usr/bin/env bash
# Builds everything and runs the whole test suite through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 300
# AddressSanitizer + UBSan on the unit tests that need no SystemC machine, in build-asan/ (about
# 4 min more on 2 cores, docs/reliability.md); scripts/sanitize.sh runs the unit, hv, firmware
# and ldm labels under them.
cd ..
scripts/sanitize.sh --ci
