#!/usr/bin/env bash
# Main demo: a cross-compiled C program under the user-mode runner, with statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh sparc64-run sparcprog_hello_sparc
echo "== build/bin/sparc64-run --stats build/examples/hello_sparc"
build/bin/sparc64-run --stats build/examples/hello_sparc
echo
echo "== the same program's first instructions, traced (build/bin/sparc64-run --trace - --trace-limit 12 ...)"
build/bin/sparc64-run --trace - --trace-limit 12 build/examples/hello_sparc 2>&1 >/dev/null
