#!/usr/bin/env bash
# Main demo: a cross-compiled C program under the user-mode runner, with statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "== build/bin/sparc64-run --stats build/examples/hello_sparc"
build/bin/sparc64-run --stats build/examples/hello_sparc
