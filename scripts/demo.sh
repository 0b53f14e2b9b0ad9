#!/usr/bin/env bash
# Main demo: a guest domain boots the vfsim guest runtime on the sun4v hypervisor of a timed
# T5240, with a hypercall trace; then the layers below it on their own: a C program under
# the user-mode runner, and bare-metal code on the timed CMT model.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh vfsim-hv sparcprog_vfsim-runtime sparc64-run sparcprog_hello_sparc vfsim-bare sparcprog_bare_hello
echo "== a domain with 8 vCPUs and memory in two mblocks boots on a T5240's hypervisor:"
echo "== build/bin/vfsim-hv --platform T5240 --vcpus 8 --memory 64M,32M --boot-file 'compute iterations=20000' --hv-trace build/hv-trace.txt"
build/bin/vfsim-hv --platform T5240 --vcpus 8 --memory 64M,32M --boot-file 'compute iterations=20000' \
  --hv-trace build/hv-trace.txt
echo
echo "== its first hypercalls (build/hv-trace.txt; docs/boot-flow.md explains them)"
head -n 24 build/hv-trace.txt
echo
echo "== build/bin/sparc64-run --stats build/examples/hello_sparc"
build/bin/sparc64-run --stats build/examples/hello_sparc
echo
echo "== the same program's first instructions, traced (build/bin/sparc64-run --trace - --trace-limit 12 ...)"
build/bin/sparc64-run --trace - --trace-limit 12 build/examples/hello_sparc 2>&1 >/dev/null
echo
echo "== the timed CMT model: build/bin/vfsim-bare --platform T5240 --strands 4 --stats build/examples/bare_hello"
build/bin/vfsim-bare --platform T5240 --strands 4 --stats build/examples/bare_hello
