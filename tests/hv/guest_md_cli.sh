#!/usr/bin/env bash
# vfsim-guest-md writes a binary MD that mdprint reads back; bad arguments are refused.
# Usage: guest_md_cli.sh VFSIM_GUEST_MD MDPRINT
set -u
G=$1 M=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
"$G" --platform T5440 --strands 0-7,64 --memory 0x80000000:2G -o "$tmp/g.md"
rc=$?
out=$("$M" "$tmp/g.md")
[ $rc = 0 ] && [ "$(grep -c '^node [0-9]* cpu$' <<<"$out")" = 9 ] && grep -q "    size = 0x80000000 " <<<"$out" &&
  grep -q 'name = "SUNW,T5440"' <<<"$out"
check "guest MD for 9 vCPUs on a T5440, read back by mdprint (rc=$rc)" $?
"$G" --platform T5140 --strands 0-200 >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "strand 128 does not exist on T5140 (0..127)" "$tmp/e"
check "a strand the platform lacks is refused (rc=$rc)" $?
"$G" --memory 0x80000000:4X >/dev/null 2>"$tmp/e"
rc=$?
[ $rc = 2 ] && grep -q "unknown size unit 'X'" "$tmp/e"
check "a bad memory size is refused (rc=$rc)" $?
finish
