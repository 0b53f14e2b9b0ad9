#!/usr/bin/env bash
# Main demo: a guest domain boots the vfsim guest runtime on the sun4v hypervisor of a timed
# T5240, with a hypercall trace; then the layers below it on their own: a C program under
# the user-mode runner, and bare-metal code on the timed CMT model; last, a host under ldmd
# saved to a snapshot and a second host started from it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh vfsim-hv sparcprog_vfsim-runtime sparc64-run sparcprog_hello_sparc vfsim-bare sparcprog_bare_hello \
  ldmd ldm vfctl
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
echo
echo "== snapshots: a host under ldmd (deterministic) boots a guest, runs 5 ms, is saved; a second host"
echo "== starts from the snapshot; both run 5 ms more and their guests' consoles and memory are compared"
demo=$(mktemp -d)
cleanup() { for s in a b c; do LDMD_SOCKET=$demo/$s.sock build/bin/vfctl shutdown >/dev/null 2>&1 || true; done; sleep 0.2; rm -rf "$demo"; }
trap cleanup EXIT
host() { LDMD_SOCKET=$demo/$1.sock "${@:2}"; }
build/bin/ldmd --deterministic --state-dir "$demo/a" --socket "$demo/a.sock"
host a build/bin/ldm set-vcpu 8 primary >/dev/null; host a build/bin/ldm set-memory 4G primary >/dev/null
host a build/bin/vfctl reboot primary >/dev/null
for c in "create ldg1" "add-vcpu 8 ldg1" "add-mem 256M ldg1" "bind ldg1" "start ldg1"; do
  [ "$c" != "bind ldg1" ] || host a build/bin/ldm set-var "boot-file=memory footprint=4M writes=4" ldg1
  host a build/bin/ldm $c >/dev/null
done
host a build/bin/vfctl clock advance 5ms >/dev/null
echo "\$ vfctl snapshot save $demo/booted.snap"
host a build/bin/vfctl snapshot save "$demo/booted.snap"
echo "\$ ldmd --deterministic --state-dir ... --socket b.sock --restore $demo/booted.snap"
build/bin/ldmd --deterministic --state-dir "$demo/b" --socket "$demo/b.sock" --restore "$demo/booted.snap"
for s in a b; do
  host $s build/bin/vfctl clock advance 5ms >/dev/null
  echo "host $s: $(host $s build/bin/vfctl checksum ldg1), console $(host $s build/bin/vfctl console ldg1 | md5sum | cut -c1-12)"
done
host b build/bin/vfctl console ldg1 | tail -n 3
echo
echo "== migration: host a moves a running counter guest to host c over TLS (warm migration, LDoms 1.2):"
echo "== checks, shrink to one vCPU and suspend through the guest, transfer, handoff; the counter goes on"
printf 'demo\n' > "$demo/pw"
printf 'root:%s\n' "$(build/bin/ldmd --hash-password < "$demo/pw")" > "$demo/auth"
build/bin/ldmd --deterministic --hostname hostc --state-dir "$demo/c" --socket "$demo/c.sock" \
  --migration-listen 127.0.0.1:18601 --auth-file "$demo/auth"
host c build/bin/ldm set-vcpu 8 primary >/dev/null; host c build/bin/ldm set-memory 4G primary >/dev/null
host c build/bin/vfctl reboot primary >/dev/null
host a build/bin/vfctl shutdown >/dev/null; sleep 0.3
build/bin/ldmd --deterministic --hostname hosta --state-dir "$demo/a" --socket "$demo/a.sock" --peer hostc=127.0.0.1:18601
for c in "create ldg2" "add-vcpu 2 ldg2" "add-mem 512M ldg2" "bind ldg2" "start ldg2"; do
  [ "$c" != "bind ldg2" ] || host a build/bin/ldm set-var "boot-file=counter rate=100 count=0" ldg2
  host a build/bin/ldm $c >/dev/null
done
host a build/bin/vfctl clock advance 100ms >/dev/null
echo "host a, ldg2's console: $(host a build/bin/vfctl console ldg2 | grep '^counter' | tail -1)"
echo "\$ ldm migrate-domain -p pw ldg2 hostc"
host a build/bin/ldm migrate-domain -p "$demo/pw" ldg2 hostc
host c build/bin/vfctl clock advance 50ms >/dev/null
echo "\$ ldm list   (on hostc)"
host c build/bin/ldm list
echo "host c, ldg2's console:"
host c build/bin/vfctl console ldg2 | grep -v "^ldc:\|^ds:" | head -4
echo
echo "== live migration (pre-copy, as OVM 2.1): ldg3 dirties 32 MB/s of its memory while it goes in rounds;"
echo "== a dry run first predicts each phase and round from the dirty rate it measures on the running guest"
for c in "create ldg3" "add-vcpu 2 ldg3" "add-mem 1G ldg3" "bind ldg3" "start ldg3"; do
  [ "$c" != "bind ldg3" ] || host a build/bin/ldm set-var "boot-file=memory footprint=64M rate=32M tick=100" ldg3
  host a build/bin/ldm $c >/dev/null
done
host a build/bin/vfctl clock advance 2500ms >/dev/null
echo "\$ ldm migrate-domain -n -p pw mode=live downtime=20 ldg3 hostc"
host a build/bin/ldm migrate-domain -n -p "$demo/pw" mode=live downtime=20 ldg3 hostc
echo "\$ ldm migrate-domain -p pw mode=live downtime=20 trace=ldg3.json ldg3 hostc"
host a build/bin/ldm migrate-domain -p "$demo/pw" mode=live downtime=20 trace="$demo/ldg3.json" ldg3 hostc
echo "\$ scripts/render_timeline.py ldg3.json ldg3.svg"
/usr/bin/python3 scripts/render_timeline.py "$demo/ldg3.json" "$demo/ldg3.svg" &&
  echo "wrote ldg3.svg (in the demo's scratch directory; scripts/migration_timelines.sh draws the pictures in docs/img)"
