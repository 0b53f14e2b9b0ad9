#!/usr/bin/env bash
# The runtime's MD reader (built for the host) must see the same cpus, mblocks and stick
# frequency as mdprint in MDs from vfsim-guest-md and, when present, mdgen's sample.
# Usage: md_vs_mdprint.sh FW_HOST_TEST MDPRINT VFSIM_GUEST_MD [TESTDATA_MD_DIR]
set -u
T=$1 M=$2 G=$3 D=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# mdprint's text -> the summary format of `fw_host_test --summary`
from_mdprint() {
  "$M" "$1" | awk '
    /^node [0-9]+ / { node = $3; if (node == "cpu") cpus++; next }
    node == "mblock" && $1 == "base" { base = $3 }
    node == "mblock" && $1 == "size" { mb[n++] = base " " $3 }
    node == "platform" && $1 == "stick-frequency" { s = $4; gsub(/[()]/, "", s); stick = s }
    END {
      print "cpus " cpus + 0
      for (i = 0; i < n; i++) print "mblock " mb[i]
      print "stick " stick + 0
    }'
}

compare() {   # description, MD file
  from_mdprint "$2" >"$tmp/want"
  "$T" --summary "$2" >"$tmp/got"
  if diff -u "$tmp/want" "$tmp/got" >"$tmp/diff" && [ -s "$tmp/want" ]; then
    echo "ok: $1 ($(paste -sd' ' "$tmp/got"))"
  else
    echo "FAIL: $1"; cat "$tmp/diff"; fail=1
  fi
}

n=0
for args in "--strands 0-3 --memory 0x8000000:256M" \
            "--platform T5240 --strands 0-63 --memory 0x8000000:1G,0x100000000:512M" \
            "--platform T5440 --strands 0-7,64-71,200 --memory 0x8000000:64M,0x40000000:4M,0x800000000:2G" \
            "--platform T5140 --strands 5 --memory 0x8000000:16M"; do
  n=$((n + 1))
  # shellcheck disable=SC2086
  if ! "$G" $args -o "$tmp/g$n.md"; then echo "FAIL: vfsim-guest-md $args"; fail=1; continue; fi
  compare "vfsim-guest-md $args" "$tmp/g$n.md"
done
# a 65-vcpu MD also needs the exact counts (not just agreement)
"$G" --strands 0-64 --memory 0x8000000:128M -o "$tmp/big.md" &&
  "$T" --expect "$tmp/big.md" cpus=65 mblocks=1 mblock0=0x8000000:0x8000000 stick=1415000000 boot-file= ||
  fail=1
if [ -n "$D" ] && [ -f "$D/opensparc-t1-1up-guest.md.bin" ]; then
  compare "mdgen opensparc-t1-1up-guest.md.bin" "$D/opensparc-t1-1up-guest.md.bin"
fi
[ $fail = 0 ] && echo "all MD summaries agree with mdprint"
exit $fail
