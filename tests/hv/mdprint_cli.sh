#!/usr/bin/env bash
# mdprint on mdgen's MDs (from a file and from stdin) and on a damaged one.
# Usage: mdprint_cli.sh MDPRINT TESTDATA_MD_DIR
set -u
M=$1 D=$2
source "$(dirname "$0")/../lib/check.sh"
out=$("$M" "$D/opensparc-t1-1up-guest.md.bin")
rc=$?
[ $rc = 0 ] && grep -q "^11 nodes, 65 properties (6 arcs)$" <<<"$out" && grep -q "^node 10 mblock$" <<<"$out"
check "guest MD: 11 nodes, 65 properties, 6 arcs (rc=$rc)" $?
out=$("$M" - <"$D/opensparc-t1-1up-hv.md.bin")
rc=$?
[ $rc = 0 ] && grep -q "guests -> node 4 guests" <<<"$out"
check "hypervisor MD from stdin, arcs resolved (rc=$rc)" $?
err=$(head -c 1000 "$D/opensparc-t1-1up-guest.md.bin" | "$M" - 2>&1 >/dev/null)
rc=$?
[ $rc = 1 ] && grep -q "mdprint: -: offset 0x4: blocks need 0x968 bytes, the MD has 0x3e8" <<<"$err"
check "truncated MD: error with the offset (rc=$rc: $err)" $?
finish
