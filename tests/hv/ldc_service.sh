#!/usr/bin/env bash
# A guest talks LDC to a service in the simulator (the C++ end that the virtual I/O servers
# build on): vfsim-hv --echo-service connects the domain's channel 0 to an echo responder.
# The runtime's ldc-ping client does the handshake with it, gets every message back in each
# mode, and after a deliberate seqid gap is NACKed, resets, shakes hands again and goes on.
# Usage: ldc_service.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
for mode in unreliable reliable raw; do
  svc=a
  [ $mode = raw ] && svc=a:raw
  "$HV" --image "$RT" --domain a --boot-file "ldc-ping role=client count=100 size=300 mode=$mode" \
    --echo-service $svc --hv-trace "$tmp/trace" >"$tmp/out" 2>"$tmp/err"
  rc=$?
  [ $rc = 0 ] && grep -q "^ldc-ping: mode=$mode count=100 size=300 ok=100 " "$tmp/out" &&
    grep -q 'domain a (1 vCPUs, 64 MB): exited with 0' "$tmp/err"
  check "$mode: 100 messages of 300 bytes echoed by the service (rc=$rc)" $?
done
# the handshake with the service, in order: VER, VER ACK, RTS, RTR, RDX, then data
"$HV" --image "$RT" --domain a --boot-file "ldc-ping role=client count=5 size=100" --echo-service a \
  --hv-trace "$tmp/trace" >"$tmp/out" 2>&1
seq=$(grep ' us  ldc ' "$tmp/trace" | head -6 | sed -E 's/^.* us  ldc  ([^ ]+) -> ([^ ]+) .*type=(0x..) subtype=(0x..) ctrl=(0x..).*/\1>\2 \3\/\4\/\5/' | tr '\n' ' ')
[ "$seq" = "a/ch0>service 0x01/0x01/0x01 service>a/ch0 0x01/0x02/0x01 a/ch0>service 0x01/0x01/0x02 service>a/ch0 0x01/0x01/0x03 a/ch0>service 0x01/0x01/0x04 a/ch0>service 0x02/0x01/0x00 " ]
check "handshake VER, ACK, RTS, RTR, RDX, then DATA ($seq)" $?
"$HV" --image "$RT" --domain a --boot-file "ldc-ping role=client count=50 size=100 gap=10" --echo-service a \
  --hv-trace "$tmp/trace" >"$tmp/out" 2>&1
rc=$?
[ $rc = 0 ] && grep -q 'ldc: channel 0 reset (NACK from the peer)' "$tmp/out" &&
  grep -q '^ldc-ping: mode=unreliable count=50 size=100 ok=50 ' "$tmp/out" &&
  grep -q 'service -> a/ch0  type=0x02 subtype=0x04' "$tmp/trace"
check "a seqid gap is NACKed by the service; the link resets and every message still arrives (rc=$rc)" $?
"$HV" --image "$RT" --domain a --echo-service b >"$tmp/out" 2>&1
[ $? = 2 ] && grep -q -- '--echo-service b: needs an existing domain name' "$tmp/out"
check "an echo service for an unknown domain is refused" $?
finish
