#!/usr/bin/env bash
# The traces of the guided tour in docs/internals.md, made from a fresh build: each stop runs
# the real thing with the trace categories that show it and keeps only its part of the run
# (vfsim-hv runs that do nothing else, or `vfctl trace on ... / off` windows in ldmd), as
# Perfetto JSON and text:
#   boot.*        vfsim-hv boots a 2-vCPU guest that then touches 64 KB of demand-mapped memory
#                 per vCPU (hcall,intr,mmu,console)
#   bind.*        ldmd: ldm add-domain, add-vcpu, add-memory, bind, start (domain,ldm,md,hcall)
#   ldc.*         two guests' ldc-ping: the LDC handshake and two echoed messages (ldc,vio,intr)
#   vdisk.*       one 8 KB vdisk read, after the VIO handshake (vio,ldc,hcall)
#   dr.*          ldm add-vcpu 2 to an active domain: Domain Services md-update and dr-cpu
#                 (ds,md,ldm,domain,hcall,ldc)
#   migration-source.*, migration-target.*  ldm migrate-domain mode=live between two ldmds
#                 (migration,domain,ldm on both); migration-timeline.json is the migration's
#                 own trace=FILE timeline of the same run
# With --pictures DIR it also draws each stop with scripts/trace_timeline.py into
# DIR/tour-*.png (what docs/img holds).
# Usage: scripts/tour.sh [--pictures DIR] [BUILD_DIR] [OUT_DIR]   (default build, BUILD_DIR/tour)
# Ports: $TOUR_PORT (default 15921) to TOUR_PORT+18: the two ldmds' console ports and the
# target's migration port.
set -u
here=$(cd "$(dirname "$0")" && pwd)
pics=
if [ "${1:-}" = --pictures ]; then
  [ $# -ge 2 ] || { echo "tour.sh: --pictures needs a directory" >&2; exit 2; }
  pics=$(mkdir -p "$2" && cd "$2" && pwd) || exit 2
  shift 2
fi
build=$(cd "${1:-$here/../build}" && pwd) || exit 2
out=$(mkdir -p "${2:-$build/tour}" && cd "${2:-$build/tour}" && pwd) || exit 2
bin=$build/bin
rt=$build/firmware/vfsim-runtime
for f in "$bin/vfsim-hv" "$bin/ldmd" "$bin/ldm" "$bin/vfctl" "$rt"; do
  [ -x "$f" ] || [ -f "$f" ] || { echo "tour.sh: $f is missing: build vfsim-hv ldmd ldm vfctl sparcprog_vfsim-runtime" >&2; exit 2; }
done
port=${TOUR_PORT:-15921}
tmp=$(mktemp -d)
declare -A pid
stop_host() {
  [ -n "${pid[$1]:-}" ] || return 0
  LDMD_SOCKET=$tmp/$1.sock "$bin/vfctl" shutdown >/dev/null 2>&1
  local i
  for i in $(seq 100); do
    kill -0 "${pid[$1]}" 2>/dev/null || break
    sleep 0.05
  done
  kill "${pid[$1]}" 2>/dev/null
  wait "${pid[$1]}" 2>/dev/null
  unset "pid[$1]"
}
cleanup() {
  local st=$?
  stop_host hosta
  stop_host hostb
  rm -rf "$tmp"
  exit $st
}
trap cleanup EXIT
trap "exit 143" TERM INT HUP
fail() {
  echo "tour.sh: $*" >&2
  exit 1
}
# the run's own outputs go to $tmp; a failed step shows them
hv() { "$bin/vfsim-hv" --image "$rt" "$@" >"$tmp/out" 2>"$tmp/err"; }
shown() { echo "--- stdout"; cat "$tmp/out"; echo "--- stderr"; cat "$tmp/err"; }
# ldm and vfctl run in the output directory: the file names they are given (vfctl trace on
# ... file=F, migrate-domain trace=F) are relative to it, and the traces show them so
on() {
  local h=$1
  shift
  (cd "$out" && LDMD_SOCKET=$tmp/$h.sock "$@") >"$tmp/out" 2>"$tmp/err" || fail "on $h: $* failed: $(shown)"
}
ldm() { on "$1" "$bin/ldm" "${@:2}"; }
vfctl() { on "$1" "$bin/vfctl" "${@:2}"; }
start_host() {
  local name=$1
  shift
  "$bin/ldmd" --foreground --deterministic --platform T5240 --hostname "$name" --state-dir "$tmp/$name.state" \
    --socket "$tmp/$name.sock" --service-root "$tmp/$name.root" "$@" >"$tmp/$name.log" 2>&1 &
  pid[$name]=$!
  local i
  for i in $(seq 100); do
    [ -S "$tmp/$name.sock" ] && return 0
    kill -0 "${pid[$name]}" 2>/dev/null || break
    sleep 0.05
  done
  fail "ldmd $name did not start: $(cat "$tmp/$name.log")"
}
rm -f "$out"/boot.* "$out"/bind.* "$out"/ldc.* "$out"/vdisk.* "$out"/dr.* "$out"/migration-*

# ---- (a) boot: one guest, 2 vCPUs, each writing 64 KB it has not mapped yet (8 MMU misses),
#      until it idles
hv --domain a --vcpus 2 --boot-file "memory footprint=64K writes=50 then=idle" --max-ms 1.1 \
  --trace hcall,intr,mmu,console --trace-file "$out/boot.json" --trace-file "$out/boot.txt"
grep -qx 'vfsim-runtime: idle' "$tmp/out" || fail "boot: the guest did not reach idle: $(shown)"
echo "boot:      $out/boot.json"

# ---- (c) an LDC handshake: two guests joined by a channel, two 100-byte pings
hv --domain a --boot-file "ldc-ping role=client count=2 size=100" --domain b --boot-file "ldc-ping role=server count=2 size=100" \
  --connect a,b --trace ldc,vio,intr --trace-file "$out/ldc.json" --trace-file "$out/ldc.txt" ||
  fail "ldc: ldc-ping failed: $(shown)"
echo "ldc:       $out/ldc.json"

# ---- (d) one vdisk read: an image written first (untraced), then 8 KB read back in one request
hv --domain a --boot-file "vdisk op=write size=8K seed=7" --vdisk "a=$tmp/disk.img,size=1M" || fail "vdisk: write failed: $(shown)"
hv --domain a --boot-file "vdisk op=verify size=8K seed=7" --vdisk "a=$tmp/disk.img" \
  --trace vio,ldc,hcall --trace-file "$out/vdisk.json" --trace-file "$out/vdisk.txt" ||
  fail "vdisk: the read failed: $(shown)"
grep -q '^vdisk: 1 requests, 0 errors' "$tmp/out" || fail "vdisk: not one request: $(shown)"
echo "vdisk:     $out/vdisk.json"

# ---- two hosts: hostb takes migrations, hosta knows where it is
printf 'secret\n' >"$tmp/pw"
printf 'root:%s\n' "$("$bin/ldmd" --hash-password <"$tmp/pw")" >"$tmp/auth"
start_host hostb --migration-listen "127.0.0.1:$((port + 18))" --auth-file "$tmp/auth"
start_host hosta --peer "hostb=127.0.0.1:$((port + 18))"
for h in hosta hostb; do
  ldm $h set-vcpu 8 primary
  ldm $h set-memory 4G primary
  vfctl $h reboot primary
done
ldm hosta add-vcc port-range=$port-$((port + 7)) primary-vcc0 primary
ldm hostb add-vcc port-range=$((port + 8))-$((port + 15)) primary-vcc0 primary

# ---- (b) binding a domain, from add-domain to the first instructions it runs
vfctl hosta trace on domain,ldm,md,hcall file=bind.json file=bind.txt
ldm hosta add-domain ldg1
ldm hosta add-vcpu 2 ldg1
ldm hosta add-memory 256M ldg1
ldm hosta set-var boot-file=idle ldg1
ldm hosta bind ldg1
ldm hosta start ldg1
vfctl hosta clock advance 1ms
vfctl hosta trace off all
echo "bind:      $out/bind.json"

# ---- (e) a live vCPU add: ldg1's Domain Services agent registered while it ran 10 ms
vfctl hosta clock advance 10ms
vfctl hosta trace on ds,md,ldm,domain,hcall,ldc file=dr.json file=dr.txt
ldm hosta add-vcpu 2 ldg1
vfctl hosta clock advance 100us
vfctl hosta trace off all
ldm hosta list -p ldg1
grep -q '|ncpu=4|' "$tmp/out" || fail "dr: ldg1 does not have 4 vCPUs: $(shown)"
echo "dr:        $out/dr.json"

# the guest that migrates later: it dirties 32 MB/s of a 64 MB region while it runs
ldm hosta add-domain ldg2
ldm hosta add-vcpu 2 ldg2
ldm hosta add-memory 1G ldg2
ldm hosta set-var "boot-file=memory footprint=64M rate=32M tick=100" ldg2
ldm hosta bind ldg2
ldm hosta start ldg2

# ---- (f) a live migration of ldg2, traced on both hosts, once it has run 300 ms
vfctl hosta clock advance 300ms
vfctl hostb trace on migration,domain,ldm file=migration-target.json file=migration-target.txt
vfctl hosta trace on migration,domain,ldm file=migration-source.json file=migration-source.txt
ldm hosta migrate-domain -p "$tmp/pw" mode=live trace=migration-timeline.json ldg2 hostb
cp "$tmp/out" "$out/migration-reply.txt"
vfctl hostb clock advance 5ms
vfctl hosta trace off all
vfctl hostb trace off all
ldm hostb list -p ldg2
grep -q '^DOMAIN|name=ldg2|state=active|' "$tmp/out" || fail "migration: ldg2 is not active on hostb: $(shown)"
echo "migration: $out/migration-source.json $out/migration-target.json"
stop_host hosta
stop_host hostb

# ---- the pictures
if [ -n "$pics" ]; then
  draw() { /usr/bin/python3 "$here/trace_timeline.py" "$@" >/dev/null || fail "trace_timeline.py $* failed"; }
  draw "$out/boot.json" "$pics/tour-boot.png" --title "boot: a 2-vCPU guest (vfsim-hv --trace hcall,intr,mmu,console)"
  draw "$out/boot.json" "$pics/tour-boot-zoom.png" --from 864 --to 872 --title "boot, 864 to 872 us: vCPU 1 comes up, the first MMU misses"
  draw "$out/bind.json" "$pics/tour-bind.png" --title "binding and starting ldg1 (ldmd, vfctl trace on domain,ldm,md,hcall)"
  draw "$out/ldc.json" "$pics/tour-ldc.png" --title "an LDC handshake and two pings (--trace ldc,vio,intr)"
  draw "$out/vdisk.json" "$pics/tour-vdisk.png" --around "vds BREAD" --pad 12 --title "one 8 KB vdisk read (--trace vio,ldc,hcall)"
  draw "$out/dr.json" "$pics/tour-dr.png" --title "ldm add-vcpu 2 ldg1, live (ds,md,ldm,domain,hcall,ldc)"
  # ldg2's rows and the migration's: the ldm command's slice is left out, its name carries
  # the password ldm sends ldmd (--target-password=...)
  draw "$out/migration-source.json" "$pics/tour-migration.png" --tracks '^(ldg2|services) /' \
    --title "ldm migrate-domain mode=live ldg2 hostb, on the source (migration,domain,ldm)"
  echo "pictures:  $pics/tour-*.png"
fi
