#!/usr/bin/env bash
# Sizes that used to wrap around (issue 17): a negative or huge memory size for vfsim-hv, an
# add-memory of 17179869185G (which became 1 GB), a mkfile of 17179869184g (which made an
# empty file). Each is refused with one line and a non-zero exit, and nothing changes.
# Usage: sizes.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
HV=$(dirname "$LDMD")/vfsim-hv
run "$HV" --memory 64M,-4M --boot-file idle --max-ms 1
[ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = "vfsim-hv: '-4M' is not a size (e.g. 64M, 4G, 0x4000000)" ]
verify "vfsim-hv --memory 64M,-4M is refused (exit 2)" $?
run "$HV" --memory 17179869184G --boot-file idle --max-ms 1
[ "$rc" = 2 ] && [ "$(cat "$tmp/err")" = "vfsim-hv: '17179869184G' is too large" ]
verify "vfsim-hv --memory 17179869184G is refused (exit 2)" $?

start_ldmd || exit 1
small_primary
expect_ok ldm add-domain ldg1
expect_fail "Invalid memory size: 17179869185G" ldm add-memory 17179869185G ldg1
run ldm list -p ldg1
grep -qx 'DOMAIN|name=ldg1|state=inactive|flags=|cons=|ncpu=|mem=|util=|uptime=' "$tmp/out"
verify "ldg1 still has no memory" $?
expect_fail "mkfile: bad size or path: 17179869184g /ldoms/big.img (e.g. vfctl mkfile -n 10g /ldoms/ldg1/disk0.img)" \
  vfctl mkfile 17179869184g /ldoms/big.img
[ ! -e "$tmp/root/ldoms/big.img" ]
check "no file was made" $?
# a duration that overflowed SystemC's clock hung ldmd
expect_fail "Invalid duration: 1e300s (from 0 to 1h of simulated time, e.g. 10ms)" vfctl clock advance 1e300s
expect_fail "Invalid duration: nan (from 0 to 1h of simulated time, e.g. 10ms)" vfctl clock advance nan
expect_out "simulated time 10 ms" vfctl clock advance 10ms
finish
