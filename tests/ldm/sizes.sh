#!/usr/bin/env bash
# Numbers that used to wrap around or be taken silently (issue 17): a negative or huge memory
# size, strand number, vCPU count or time limit for vfsim-hv, an unwritable statistics file,
# an add-memory of 17179869185G (which became 1 GB), constraints larger than the machine on an
# inactive domain, a mkfile of 17179869184g (which made an empty file), broadcast, zero,
# malformed and duplicate MAC addresses. Each is refused with one line and a non-zero exit,
# and nothing changes.
# Usage: sizes.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
HV=$(dirname "$LDMD")/vfsim-hv
run "$HV" --memory 64M,-4M --boot-file idle --max-ms 1
[ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = "vfsim-hv: --memory 64M,-4M: '-4M' is not a size (e.g. 64M, 4G, 0x4000000)" ]
verify "vfsim-hv --memory 64M,-4M is refused (exit 2)" $?
run "$HV" --memory 17179869184G --boot-file idle --max-ms 1
[ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = "vfsim-hv: --memory 17179869184G: '17179869184G' is too large" ]
verify "vfsim-hv --memory 17179869184G is refused (exit 2)" $?
hv_refuses() {   # MESSAGE ARGS...: vfsim-hv exits 2 with MESSAGE and runs nothing
  local msg=$1
  shift
  run "$HV" --boot-file idle "$@"
  [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "vfsim-hv: $msg" ]
  local st=$?
  [ $st = 0 ] || show "$HV" "$@"
  check "vfsim-hv $* is refused: $msg" $st
}
hv_refuses "--strands 4294967296: '4294967296' is not a strand number (a number from 0 to 511)" --strands 4294967296 --max-ms 1
hv_refuses "--strands 0-4294967295: '4294967295' is not a strand number (a number from 0 to 511)" --strands 0-4294967295 --max-ms 1
hv_refuses "--strands x: 'x' is not a strand number (a number from 0 to 511)" --strands x --max-ms 1
hv_refuses "--vcpus -1: '-1' is not a number of vCPUs (a number from 0 to 512)" --vcpus -1 --max-ms 1
hv_refuses "--max-ms nan: the simulated time must be more than 0 and at most 10000000000 ms" --max-ms nan
hv_refuses "--max-ms 1e+300: the simulated time must be more than 0 and at most 10000000000 ms" --max-ms 1e300
hv_refuses "--stats-json: cannot write $tmp/none/s.json" --stats-json "$tmp/none/s.json" --max-ms 1
hv_refuses "--vnet primary=00:00:00:00:00:00: needs an existing domain name, optionally =MAC (a unicast MAC other than zero, not used twice, e.g. 00:14:4f:f8:00:09)" \
  --vsw s --vnet primary=00:00:00:00:00:00 --max-ms 1

start_ldmd || exit 1
small_primary
expect_ok ldm add-domain ldg1
expect_fail "Invalid memory size: 17179869185G" ldm add-memory 17179869185G ldg1
run ldm list -p ldg1
grep -qx 'DOMAIN|name=ldg1|state=inactive|flags=|cons=|ncpu=|mem=|util=|uptime=' "$tmp/out"
verify "ldg1 still has no memory" $?
# Constraints no binding on this machine (a T5240: 128 strands, 16 crypto units, 256 GB) can
# meet are refused on an inactive domain too, not only at bind.
expect_fail "Only 128 vcpus exist on this system" ldm add-vcpu 999999 ldg1
expect_fail "Only 128 vcpus exist on this system" ldm set-vcpu 129 ldg1
expect_fail "Only 16 crypto units exist on this system" ldm add-crypto 17 ldg1
expect_fail "Insufficient memory available: 999999G requested, this system has 261920M for domains" ldm add-memory 999999G ldg1
run ldm list -p ldg1
grep -qx 'DOMAIN|name=ldg1|state=inactive|flags=|cons=|ncpu=|mem=|util=|uptime=' "$tmp/out"
verify "ldg1 still has no vcpus and no memory" $?
expect_ok ldm add-vcpu 128 ldg1
expect_out "" ldm set-memory 4G ldg1
# MAC addresses: zero, group (broadcast, multicast) and malformed ones are not MACs of a
# device; one held by another domain or device is refused as the real ldm's collision check does.
expect_ok ldm add-vsw primary-vsw0 primary
expect_ok ldm add-vnet mac-addr=00:14:4f:fc:00:01 vnet0 primary-vsw0 ldg1
for bad in 00:00:00:00:00:00 ff:ff:ff:ff:ff:ff 01:00:5e:00:00:01 100:14:4f:fc:00:02 00:14:4f:fc:00:02:03 0:14:4f:fc:0; do
  expect_fail "Invalid MAC address: $bad" ldm add-vnet mac-addr=$bad vnet1 primary-vsw0 ldg1
done
expect_fail "MAC address 00:14:4f:fc:00:01 is already in use." ldm add-vnet mac-addr=00:14:4f:FC:0:1 vnet1 primary-vsw0 ldg1
run ldm list-bindings -p ldg1
[ "$(grep -c '^VNET|name=vnet' "$tmp/out")" = 1 ]
verify "ldg1 still has one vnet" $?
expect_ok ldm add-domain ldg2
expect_fail "MAC address 00:14:4f:fc:00:01 is already in use." ldm set-domain mac-addr=00:14:4f:fc:00:01 ldg2
expect_fail "MAC address 00:14:4f:fc:00:01 is already in use." ldm add-domain mac-addr=00:14:4f:fc:00:01 ldg3
expect_fail "MAC address 00:14:4f:fc:00:01 is already in use." ldm add-vsw mac-addr=00:14:4f:fc:00:01 primary-vsw1 primary
expect_ok ldm set-vnet mac-addr=00:14:4f:fc:00:01 vnet0 ldg1   # its own address may be set again
expect_ok ldm set-domain mac-addr=00:14:4f:fc:00:09 hostid=0x84fc0009 ldg2
expect_fail "Invalid property: bogus" ldm set-domain bogus=1 ldg2
expect_fail "Invalid hostid: 0x100000000" ldm set-domain hostid=0x100000000 ldg2
run ldm list -e -p ldg2   # -e: the identity records (the text of -e shows MAC and HOSTID)
grep -qx "MAC|mac-addr=00:14:4f:fc:00:09" "$tmp/out" && grep -qx "HOSTID|hostid=0x84fc0009" "$tmp/out"
verify "set-domain mac-addr= and hostid= are kept and listed" $?
expect_fail "mkfile: bad size or path: 17179869184g /ldoms/big.img (e.g. vfctl mkfile -n 10g /ldoms/ldg1/disk0.img)" \
  vfctl mkfile 17179869184g /ldoms/big.img
[ ! -e "$tmp/root/ldoms/big.img" ]
check "no file was made" $?
# a duration that overflowed SystemC's clock hung ldmd
expect_fail "Invalid duration: 1e300s (from 0 to 1h of simulated time, e.g. 10ms)" vfctl clock advance 1e300s
expect_fail "Invalid duration: nan (from 0 to 1h of simulated time, e.g. 10ms)" vfctl clock advance nan
expect_out "simulated time 10 ms" vfctl clock advance 10ms
finish
