#!/usr/bin/env bash
# Memory placement reaches the timing model: the caches, memory controllers and home socket
# are found by the physical address an access really uses. On a T5240 memory is interleaved
# between the sockets every 1 GB (PA[30]), so a guest on socket 0's strands with its memory at
# 2 GB is local and at 3 GB remote. The memory workload (a 16 MB footprint, four times the
# L2) then shows remote accesses only in the second run, and more cycles per access (the
# memory side is being reworked, so a relation is asserted: at least 20 % slower). Also
# vfsim-hv --memory SIZE@PA's refusals: overlap, outside memory, unaligned, mixed items.
# Usage: placement.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"

measure() {   # $1 = PA of the guest's memory; prints "remote cycles-per-access"
  "$HV" --image "$RT" --platform T5240 --strands 0 --memory "64M@$1" --max-ms 2000 \
    --boot-file "memory footprint=16M" --stats-json "$tmp/s$1.json" >"$tmp/o$1" 2>"$tmp/e$1" || return 1
  python3 - "$tmp/s$1.json" "$tmp/o$1" <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1]))
m = re.search(r"vcpu 0: memory .*touched=(\d+) .*cycles=(\d+)", open(sys.argv[2]).read())
print(sum(s["remote"] for s in j["strands"]), int(m.group(2)) / (int(m.group(1)) / 8))
PY
}
read -r lrem lcpa < <(measure 2G)
[ -n "${lcpa:-}" ]
check "socket-0 memory (64M@2G) from strand 0: the workload ran (remote=${lrem:-} cycles/access=${lcpa:-})" $?
read -r rrem rcpa < <(measure 3G)
[ -n "${rcpa:-}" ]
check "socket-1 memory (64M@3G) from strand 0: the workload ran (remote=${rrem:-} cycles/access=${rcpa:-})" $?
[ "${lrem:-x}" = 0 ]
check "local placement: no remote accesses ($lrem)" $?
[ "${rrem:-0}" -gt 100000 ] 2>/dev/null
check "remote placement: the chase's memory accesses are remote ($rrem, more than 100000)" $?
awk -v l="${lcpa:-0}" -v r="${rcpa:-0}" 'BEGIN{exit !(l > 0 && r >= 1.2 * l)}'
check "remote placement is at least 20 % slower per access ($rcpa vs $lcpa cycles)" $?

refused() {   # $1 = expected message; the rest: arguments
  local want=$1; shift
  "$HV" --image "$RT" --max-ms 1 "$@" >"$tmp/o" 2>"$tmp/e"
  local rc=$?
  [ $rc = 2 ] && grep -q -- "$want" "$tmp/e"
  check "refused: $* (rc=$rc: $(head -1 "$tmp/e"))" $?
}
refused "memory at PA 0x41000000 belongs to 'a'" --domain a --memory 64M@1G --domain b --memory 64M@1040M
refused "the next free memory at PA 0x40000000 belongs to 'a'" --domain a --memory 64M@1G --domain b --memory 64M
refused "is not 4 MB aligned or outside memory" --memory 64M@256G
refused "is not 4 MB aligned or outside memory" --memory 64M@0x100000
refused "place every block (SIZE@PA) or none" --memory 64M@1G,32M
refused "is not a size" --memory 64M@x
finish
