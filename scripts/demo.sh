#!/usr/bin/env bash
# Main demo: a cross-compiled C program under the user-mode runner, with statistics, then
# bare-metal code on four strands of the timed T5240 model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh sparc64-run sparcprog_hello_sparc vfsim-bare sparcprog_bare_hello
echo "== build/bin/sparc64-run --stats build/examples/hello_sparc"
build/bin/sparc64-run --stats build/examples/hello_sparc
echo
echo "== the same program's first instructions, traced (build/bin/sparc64-run --trace - --trace-limit 12 ...)"
build/bin/sparc64-run --trace - --trace-limit 12 build/examples/hello_sparc 2>&1 >/dev/null
echo
echo "== the timed CMT model: build/bin/vfsim-bare --platform T5240 --strands 4 --stats build/examples/bare_hello"
build/bin/vfsim-bare --platform T5240 --strands 4 --stats build/examples/bare_hello
