#!/usr/bin/env bash
# An I/O domain through the manager, as the administration guide makes one: ldmd has an NVMe
# disk behind each root complex (--pci-disk), primary gives pci@500 up (a delayed
# reconfiguration, then its reboot), ldg1 gets it with add-io while inactive, binds and runs
# the runtime's pcidisk workload on it. The host image holds what the guest wrote; the
# listings show the buses as real ldm does; the bus cannot move while ldg1 is bound, and ldg1
# cannot migrate; vfctl pcie shows who did what on each bus; a new start of ldg1 finds the
# same disk through a reset bus; a snapshot taken mid-write restores on a new ldmd with the
# same disks, and the run finishes there.
# Usage: pcie.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
truncate -s 16M "$tmp/d400.img" "$tmp/d500.img"
start_ldmd --pci-disk "pci@400=$tmp/d400.img" --pci-disk "pci@500=$tmp/d500.img" --peer host2=127.0.0.1:15849 || exit 1

run vfctl pcie
[ "$rc" = 0 ] && [ "$(sed -n 1p "$tmp/out")" = "BUS      OWNER          DMA-READ   DMA-WRITE    MSIS  FAULTS  DEVICE" ] &&
  grep -Eq "^pci@400  [a-z-]+ +0 +0 +0 +0  nvme: 32768 blocks of 512 bytes \($tmp/d400.img\), 0 queues, 0 reads, 0 writes$" "$tmp/out" &&
  grep -Eq "^pci@500  [a-z-]+ +0 +0 +0 +0  nvme: 32768 blocks of 512 bytes \($tmp/d500.img\), 0 queues, 0 reads, 0 writes$" "$tmp/out"
verify "vfctl pcie: each bus has its NVMe disk, untouched" $?

run ldm remove-io pci@500 primary
[ "$rc" = 0 ] && grep -q "^Initiating delayed reconfigure operation on LDom primary" "$tmp/out"
verify "remove-io from primary is a delayed reconfiguration" $?
small_primary   # (reboots primary: pci@500 is free now)
run vfctl pcie
grep -Eq "^pci@500  - " "$tmp/out"
verify "after primary's reboot pci@500 has no owner (primary's own services run in the simulator, not as a guest)" $?

new_guest ldg1 4 256M "pcidisk size=4M seed=21"
expect_ok ldm add-io pci@500 ldg1
expect_ok ldm bind ldg1
expect_fail "LDom ldg1 must be inactive to change its I/O devices" ldm remove-io pci@500 ldg1
expect_fail "Device pci@400 is bound to LDom primary" ldm add-io pci@400 ldg1
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 300ms >/dev/null
run vfctl console ldg1
grep -qxF 'pci: pci@500 3:00.0 vendor 0x108e device 0x0a0e class 0x010802' "$tmp/out" &&
  grep -Eq '^pcidisk: wrote 4194304 bytes in [0-9]+ us: [0-9]+\.[0-9]{2} MB/s$' "$tmp/out" &&
  grep -Eq '^pcidisk: read and verified 4194304 bytes in [0-9]+ us: [0-9]+\.[0-9]{2} MB/s$' "$tmp/out" &&
  grep -qxF 'vfsim-runtime: pcidisk done' "$tmp/out"
verify "ldg1 enumerates pci@500, writes 4 MB to its NVMe disk and reads them back" $?
pattern="$(dirname "$0")/../lib/disk_pattern.py"
python3 "$pattern" "$tmp/d500.img" 21 4194304 --then-zeros && python3 "$pattern" "$tmp/d400.img" --zeros
check "the image behind pci@500 holds the guest's 4 MB, byte for byte; pci@400's is untouched" $?

run vfctl pcie
grep -Eq "^pci@500  ldg1 +[1-9][0-9]* +[1-9][0-9]* +[1-9][0-9]* +0  nvme: 32768 blocks of 512 bytes \($tmp/d500.img\)" "$tmp/out" &&
  awk '$1 == "pci@500" { exit !($3 >= 4194304 && $4 >= 4194304) }' "$tmp/out"
verify "vfctl pcie: ldg1 owns pci@500, at least 4 MB moved each way, MSIs, no faults" $?

# listings (ldm-real-outputs C17/C12 layouts)
run ldm list-devices -a io
[ "$rc" = 0 ] && [ "$(cat "$tmp/out")" = "IO
    DEVICE           PSEUDONYM        BOUND   OPTIONS
    pci@400          pci_0            yes
    pci@500          pci_1            yes" ]
verify "list-devices -a io: both buses bound" $?
run ldm list -l ldg1
awk '/^IO$/ { io = 1; next } io && /^    pci@500 +pci_1/ { found = 1 } /^$/ { io = 0 } END { exit !found }' "$tmp/out"
verify "list -l ldg1 has an IO section with pci@500" $?
run ldm list-bindings -p ldg1
grep -qxF "|dev=pci@500|alias=pci_1" "$tmp/out"
verify "list-bindings -p ldg1 lists its bus" $?

# an I/O domain cannot migrate
echo secret >"$tmp/pw"
run ldm migrate-domain -p "$tmp/pw" ldg1 host2
[ "$rc" != 0 ] && grep -qxF "LDom ldg1 has physical I/O (pci@500): a domain with a PCIe bus cannot be migrated" "$tmp/err"
verify "migrate-domain refuses a domain with a PCIe bus" $?

# a new start (the runtime ended: ldg1 is bound again): the bus is reset, the same disk reads back
expect_ok ldm set-var "boot-file=pcidisk op=verify size=4M seed=21" ldg1
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 300ms >/dev/null
run vfctl console ldg1
[ "$(grep -c '^pcidisk: read and verified 4194304 bytes' "$tmp/out")" = 2 ]
verify "after a restart ldg1 brings the reset bus up again and reads the same 4 MB" $?

# a snapshot in the middle of the writes: the bus's state (IOMMU, event queue, queues, commands
# in flight) goes with the domain to a new ldmd with the same disks, and the run finishes there
expect_ok ldm set-var "boot-file=pcidisk size=4M seed=33" ldg1
expect_out "LDom ldg1 started" ldm start ldg1
vfctl clock advance 2ms >/dev/null
run vfctl console ldg1
[ "$(grep -c '^pcidisk: wrote ' "$tmp/out")" = 1 ]   # (the first run's line only: not done yet)
verify "2 ms after the start ldg1 is still writing" $?
expect_ok vfctl snapshot save "$tmp/io.snap"
stop_ldmd
LDMD_STATE=$tmp/stateB LDMD_SOCKET=$tmp/b.sock
export LDMD_SOCKET
start_ldmd --pci-disk "pci@400=$tmp/d400.img" --pci-disk "pci@500=$tmp/d500.img" --restore "$tmp/io.snap" || exit 1
vfctl clock advance 300ms >/dev/null
run vfctl console ldg1
grep -Eq '^pcidisk: read and verified 4194304 bytes in [0-9]+ us' "$tmp/out" && [ "$(grep -c '^pcidisk: read and verified ' "$tmp/out")" = 3 ]
verify "restored from the snapshot, ldg1 finishes its writes and reads the 4 MB back" $?
python3 "$pattern" "$tmp/d500.img" 33 4194304
check "the image holds the restored run's pattern (seed 33)" $?
run vfctl pcie
grep -Eq "^pci@500  ldg1 " "$tmp/out"
verify "vfctl pcie on the restored host: pci@500 is ldg1's" $?

# the bus back: unbind, remove-io
expect_ok ldm unbind ldg1
expect_ok ldm remove-io pci@500 ldg1
run vfctl pcie
grep -Eq "^pci@500  - " "$tmp/out"
verify "unbound, pci@500 has no owner again" $?
finish
