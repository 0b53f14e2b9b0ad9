#!/usr/bin/env bash
# A guest's virtual disk through the manager, as the administration guide sets one up: a
# vds on the control domain, a vdsdev backed by a disk image file, a vdisk in the guest.
# The guest's runtime writes a pattern to it and reads it back; the image file holds it;
# after a stop and a new start the domain reads the same data; a backend that is missing at
# bind time fails the bind with a clear message and leaves the domain inactive.
# Usage: vdisk.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd || exit 1
# the control domain's mkfile makes the backend (sparse, in the service domain's files)
expect_ok vfctl mkfile -n 16m /ldoms/ldg1/disk0.img
[ "$(stat -c %s "$tmp/root/ldoms/ldg1/disk0.img")" = 16777216 ]
check "vfctl mkfile -n 16m made a 16 MB image under the service root" $?
expect_fail "mkfile: bad size or path: 16q /ldoms/x.img (e.g. vfctl mkfile -n 10g /ldoms/ldg1/disk0.img)" vfctl mkfile 16q /ldoms/x.img
small_primary
expect_ok ldm add-vds primary-vds0 primary
expect_ok ldm add-vdsdev /ldoms/ldg1/disk0.img vol1@primary-vds0
expect_ok ldm add-vdsdev /ldoms/ldg2/missing.img vol2@primary-vds0
new_guest ldg1 2 256M
expect_ok ldm add-vdisk vdisk1 vol1@primary-vds0 ldg1
expect_ok ldm set-var "boot-file=vdisk op=write size=2M seed=11" ldg1
expect_ok ldm bind ldg1
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 100ms >/dev/null
run vfctl console ldg1
grep -q '^vdisk: disk 32768 blocks of 512 bytes' "$tmp/out" && grep -q '^vdisk: read and verified 2097152 bytes in ' "$tmp/out" &&
  grep -q '^vfsim-runtime: vdisk done$' "$tmp/out"
verify "the guest writes 2 MB to its vdisk and reads them back" $?
ldm list ldg1 | grep -q '^ldg1       bound '
check "the domain is bound again once its runtime finished" $?
[ "$(stat -c %s "$tmp/root/ldoms/ldg1/disk0.img")" = 16777216 ] &&
  python3 "$(dirname "$0")/../lib/disk_pattern.py" "$tmp/root/ldoms/ldg1/disk0.img" 11 2097152 --then-zeros
check "the backend file holds the guest's 2 MB, byte for byte" $?

# a new start of the domain: the same disk, read back
expect_ok ldm set-var "boot-file=vdisk op=verify size=2M seed=11" ldg1
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 100ms >/dev/null
run vfctl console ldg1
[ "$(grep -c '^vdisk: read and verified 2097152 bytes' "$tmp/out")" = 2 ]
verify "after a restart the domain reads the same 2 MB back" $?

# a backend that is not there
new_guest ldg2 1 256M
expect_ok ldm add-vdisk vdisk2 vol2@primary-vds0 ldg2
expect_fail "Path /ldoms/ldg2/missing.img is not valid on service domain primary (No such file or directory)" ldm bind ldg2
ldm list ldg2 | grep -q '^ldg2       inactive '
check "the failed bind leaves ldg2 inactive" $?
disk_image /ldoms/ldg2/missing.img 1M
expect_ok ldm bind ldg2
ldm list ldg2 | grep -q '^ldg2       bound '
check "once the file exists the same bind succeeds" $?

# a vdisk added to a bound domain gets its channel at once (the guest sees it when it
# boots); one removed loses it; a failed add changes nothing
disk_image /ldoms/ldg2/data.img 4M
expect_ok ldm add-vdsdev /ldoms/ldg2/data.img vol3@primary-vds0
expect_ok ldm add-vdsdev /ldoms/nowhere.img vol4@primary-vds0
expect_ok ldm rm-vdisk vdisk2 ldg2
expect_ok ldm add-vdisk data vol3@primary-vds0 ldg2
expect_fail "Path /ldoms/nowhere.img is not valid on service domain primary (No such file or directory)" ldm add-vdisk bad vol4@primary-vds0 ldg2
run ldm list-bindings ldg2
grep -q '^    data             vol3@primary-vds0           disk@0  primary$' "$tmp/out" && ! grep -q 'vdisk2\|bad ' "$tmp/out"
verify "the bound domain lists only the vdisk it has now" $?
expect_ok ldm set-var "boot-file=vdisk op=write size=1M seed=5" ldg2
expect_out "LDom ldg2 started" ldm start ldg2
vfctl clock advance 60ms >/dev/null
run vfctl console ldg2
grep -q '^vdisk: disk 8192 blocks of 512 bytes' "$tmp/out" && grep -q '^vdisk: read and verified 1048576 bytes' "$tmp/out"
verify "the guest boots with the vdisk added while it was bound (4 MB image, 8192 blocks)" $?
stop_ldmd
finish
