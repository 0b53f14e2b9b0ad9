#!/usr/bin/env bash
# Every ldm listing on one reference layout, compared byte for byte with the golden files in
# tests/ldm/golden/ (reviewed against the LDoms 1.2 captures: golden/README.md). The layout:
# a small control domain with a vcc (ports 15811-15819), a vds with three volumes (one ro, one
# in an mpgroup), a second vds with an ISO, two vsws; ldg1 active, ldg2 bound, ldg3 inactive,
# each with a vnet and a vdisk (ldg1 a second of each and a vdpcc of primary's vdpcs, ldg3 a
# console group and pci@500 with bypass=on). The deterministic ldmd's clock is advanced by vfctl only,
# so util and uptime are fixed. Each -p listing is also asked with --json, which must carry
# the same records; an unknown -o format is refused.
# GOLDEN_UPDATE=1 rewrites the golden files instead of comparing.
# Usage: listings_golden.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
golden=$(cd "$(dirname "$0")" && pwd)/golden
start_ldmd || exit 1

small_primary
ldm remove-io pci@500 primary >/dev/null   # (for ldg3, with bypass=on)
vfctl reboot primary >/dev/null
expect_ok ldm add-vcc port-range=15811-15819 primary-vcc0 primary
expect_ok ldm add-vds primary-vds0 primary
for g in 1 2 3; do disk_image /ldoms/ldg$g/disk0.img 16M; done
expect_ok ldm add-vdsdev /ldoms/ldg1/disk0.img vol1@primary-vds0
expect_ok ldm add-vdsdev options=ro /ldoms/ldg2/disk0.img vol2@primary-vds0
expect_ok ldm add-vdsdev mpgroup=mpg3 /ldoms/ldg3/disk0.img vol3@primary-vds0
expect_ok ldm add-vsw net-dev=e1000g0 primary-vsw0 primary
# a second switch and disk service: one VSW and one VDS title each, with both rows
expect_ok ldm add-vsw mode=sc primary-vsw1 primary
expect_ok ldm add-vds primary-vds1 primary
disk_image /ldoms/iso/sol10.iso 4M
expect_ok ldm add-vdsdev options=ro,slice /ldoms/iso/sol10.iso iso@primary-vds1
for g in 1 2 3; do
  new_guest ldg$g 2 256M
  expect_ok ldm add-vnet vnet0 primary-vsw0 ldg$g
  expect_ok ldm add-vdisk vdisk0 vol$g@primary-vds0 ldg$g
done
expect_ok ldm add-vnet vnet1 primary-vsw1 ldg1
expect_ok ldm add-vdisk iso iso@primary-vds1 ldg1
expect_ok ldm set-var auto-boot?=false ldg2
expect_ok ldm set-vcons group=cgroup3 service=primary-vcc0 ldg3
expect_ok ldm add-io bypass=on pci@500 ldg3
expect_ok ldm add-vdpcs primary-vdpcs0 primary
expect_ok ldm add-vdpcc vdpcc0 primary-vdpcs0 ldg1
expect_ok ldm bind ldg1
expect_ok ldm bind ldg2
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 90s >/dev/null

# NAME ARGS...: one listing into $tmp/got/NAME, compared with (or written to) golden/NAME.
mkdir -p "$tmp/got"
listing() {
  local name=$1
  shift
  ldm "$@" >"$tmp/got/$name" 2>&1
  local st=$?
  if [ "${GOLDEN_UPDATE:-}" = 1 ]; then
    cp "$tmp/got/$name" "$golden/$name"
    check "ldm $* (exit $st): golden/$name rewritten" $st
    return
  fi
  cmp -s "$tmp/got/$name" "$golden/$name"
  local same=$?
  [ $same = 0 ] || diff -u "$golden/$name" "$tmp/got/$name" | head -40
  [ $st = 0 ] && [ $same = 0 ]
  check "ldm $*: exit 0 and byte for byte golden/$name" $?
}
# NAME ARGS...: the -p listing and its --json twin, which must hold the same records.
listing_p() {
  local name=$1
  shift
  listing "$name" "$@" -p
  listing "$name.json" "$@" --json
  python3 - "$tmp/got/$name" "$tmp/got/$name.json" <<'PY'
import json, sys
p = open(sys.argv[1]).read().splitlines()
j = json.load(open(sys.argv[2]))
lines = ["VERSION " + j["version"]]
for r in j["records"]:
    f = "".join("|%s=%s" % kv for kv in r["fields"].items())
    lines.append(r["record"] + f)
    lines += ["".join("|%s=%s" % kv for kv in row.items()) for row in r.get("rows", [])]
# `list -o ... -p` ends DOMAIN with a bare '|' (seed 001): compare without it
sys.exit(0 if [l.rstrip("|") if l.startswith("DOMAIN|") else l for l in p] == lines else 1)
PY
  check "ldm $* --json: the same records as -p, in order" $?
}

listing list list
listing list-l list -l
listing list-e list -e
listing_p list-p list
listing_p list-l-p list -l
listing_p list-e-p list -e
for f in console cpu crypto disk domain memory network physio serial status; do
  listing "list-o-$f" list -o $f
  listing_p "list-o-$f-p" list -o $f
done
listing list-o-cpu,memory list -o cpu,memory ldg1
listing list-bindings list-bindings
listing_p list-bindings-p list-bindings
listing list-services list-services
listing_p list-services-p list-services
listing list-constraints list-constraints
listing_p list-constraints-p list-constraints
listing list-devices-a list-devices -a
listing_p list-devices-a-p list-devices -a
listing list-devices list-devices
listing_p list-devices-p list-devices

# An unknown format is refused, with nothing on stdout.
expect_fail "Invalid format: bogus" ldm list -o cpu,bogus
[ ! -s "$tmp/out" ]
check "ldm list -o cpu,bogus prints nothing on stdout" $?

stop_ldmd
finish
