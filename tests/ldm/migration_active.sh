#!/usr/bin/env bash
# Warm migration of an active domain (seed 001): a 2-vCPU guest running the counter workload
# moves from hosta to hostb. Asserted:
#   - while it runs, ldm list shows the source `suspended` with 's' and the target `bound`
#     with 't'; `ldm ls -o status NAME`, polled as automation does, shows progress that
#     only goes up, then "not found" on the source once it is over;
#   - the console on the target goes on from the next number: none lost, none repeated;
#   - the memory the target installed is the memory the source suspended (CRC, checked
#     by the target before the guest resumed there), and the guest keeps running;
#   - CPU DR stays disabled on the migrated domain until it reboots (LDoms 1.2);
#   - a bound domain with a vdisk on shared storage migrates and reads its disk there;
#   - SIGINT to the waiting ldm cancels (the source runs on with its vCPUs), SIGKILL does
#     not (both ldmds carry on and the migration completes);
#   - a vnet client pinging a server keeps pinging after it moved, now a server on the target;
#   - crypto units: 1.2 refuses a domain with a unit and two vCPUs; with --migration-compat
#     2.0 it migrates, its unit taken away at the start and bound again on the target.
# Usage: migration_active.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/hosts.sh" 15621
SHARED_ROOT=$tmp/shared   # both hosts see the same service-domain files (shared storage)
mkdir -p "$SHARED_ROOT"
# hosta's link is slow (10 Mbit/s), and its migrations wait before their handoff until the
# test says go (--migration-fault hold@handoff, then $go), so there is time to look.
printf 'secret\n' >"$tmp/pw"
printf 'root:%s\n' "$("$LDMD" --hash-password <"$tmp/pw")" >"$tmp/auth"
start_host hostb --migration-listen 127.0.0.1:$MIG_PORT --auth-file "$tmp/auth" --hv-trace "$tmp/hostb.trace" || exit 1
start_host hosta --peer hostb=127.0.0.1:$MIG_PORT --migration-link-mbit 10 --migration-fault hold@handoff || exit 1
go=$tmp/hosta.state/migration-continue
on hosta ldm set-mau 1 primary >/dev/null   # (crypto units free for guests; joins small_primary's reconfiguration)
on hosta small_primary
on hostb small_primary

numbers() { seq_of counter "$@"; }

on hosta new_guest ldg1 2 1G "counter rate=100 count=0"
for h in hosta hostb; do on $h expect_ok ldm add-vds primary-vds0 primary; done
on hosta expect_ok ldm bind ldg1
on hosta expect_out "LDom ldg1 started" ldm start ldg1
on hosta expect_out "simulated time 100 ms" vfctl clock advance 100ms
on hosta vfctl console ldg1 >"$tmp/before.cons"

# ---- the migration, held before its handoff: both sides show it (seed 001)
on hosta "$LDM" migrate-domain -p "$tmp/pw" ldg1 hostb >"$tmp/mig.out" 2>"$tmp/mig.err" &
mig=$!
for i in $(seq 300); do
  on hosta "$LDM" ls -o status -p ldg1 2>/dev/null | grep -q "|progress=98|" && break
  sleep 0.02
done
on hosta run ldm list ldg1
grep -q '^ldg1       suspended  -n---s          1     1G ' "$tmp/out"
verify "the source shows ldg1 suspended, flag s, one vcpu left" $?
on hostb run ldm list ldg1
grep -q '^ldg1       bound      -----t          2     1G' "$tmp/out"
verify "the target shows ldg1 bound, flag t, all its vcpus" $?
on hostb run ldm list -o status ldg1
[ "$(cat "$tmp/out")" = "NAME
ldg1
 
STATUS
    OPERATION    PROGRESS    SOURCE
    migration    98%         hosta" ]
verify "ldm list -o status on the target: the seed's table with SOURCE" $?
on hosta vfctl console ldg1 >"$tmp/src.cons"   # all it wrote: it is suspended
touch "$go"
wait $mig
rc=$?
[ "$rc" = 0 ] && grep -q "^Migration of LDom ldg1 to hostb as ldg1 (active, warm): .* of touched memory sent in [0-9.]* s of simulated time$" "$tmp/mig.out" &&
  grep -q "^Memory at suspend: [0-9]* non-zero pages, crc32 [0-9a-f]* (the same on the target before it resumed); " "$tmp/mig.out"
st=$?
[ $st = 0 ] || cat "$tmp/mig.out" "$tmp/mig.err"
check "ldg1 migrated; the target found the source's memory (CRC) before resuming it" $st
on hosta run ldm list ldg1
[ "$rc" = 1 ] && grep -qx "LDom ldg1 not found" "$tmp/err"
verify "ldg1 is gone from hosta" $?
phase() { sed -n "s/^ *$1 *\([0-9.]*\) ms$/\1/p" "$tmp/mig.out"; }
on hostb run ldm list -o status -p ldg1
grep -qx "|source=hosta|checks_ms=$(phase checks)|prepare_ms=$(phase prepare)|transfer_ms=$(phase transfer)|handoff_ms=$(phase handoff)|total_ms=[0-9.]*" "$tmp/out" &&
  ! grep -q "^STATUS" "$tmp/out"
verify "hostb lists the phases ldm printed, parseable (MIGRATION section), and no STATUS" $?
on hostb run vfctl clock advance 100ms
on hostb vfctl console ldg1 >"$tmp/dst.cons"
goes_on counter "$tmp/src.cons" "$tmp/dst.cons"
st=$?
check "the counter goes on on hostb: $(numbers "$tmp/src.cons" | tail -1) on hosta, then $(numbers "$tmp/dst.cons" | head -1)..$(numbers "$tmp/dst.cons" | tail -1), none lost or repeated" $st
on hostb run ldm list -p ldg1
grep -q "^DOMAIN|name=ldg1|state=active|flags=-n----|.*|ncpu=2|" "$tmp/out"
verify "ldg1 is active on hostb with no migration flag, 2 vcpus" $?
grep -q "cpu_start(0x1," "$tmp/hostb.trace"
check "the guest started its second vCPU on hostb, which its new MD lists (hypervisor trace)" $?
on hostb expect_fail "Dynamic reconfiguration of vcpus is disabled on LDom ldg1: it was migrated and has not rebooted since" \
  ldm add-vcpu 1 ldg1
on hostb run ldm stop -f ldg1
on hostb expect_out "LDom ldg1 started" ldm start ldg1
on hostb run vfctl clock advance 100ms
on hostb expect_ok ldm add-vcpu 1 ldg1
on hostb run ldm list -p ldg1
grep -q "|ncpu=3|" "$tmp/out"
verify "after a reboot on hostb, CPU DR works again (3 vcpus)" $?

# ---- automation polls `ldm ls -o status NAME` until it says not found: progress only goes up
on hosta new_guest ldg4 4 1G "memory footprint=16M writes=0 then=idle"
on hosta expect_ok ldm bind ldg4
on hosta expect_out "LDom ldg4 started" ldm start ldg4
for i in $(seq 20); do
  on hosta vfctl clock advance 100ms >/dev/null
  on hosta vfctl console ldg4 | grep -q "^vfsim-runtime: all 4 vcpus done" && break
done
on hosta "$LDM" migrate -p "$tmp/pw" ldg4 hostb >"$tmp/mig4.out" 2>"$tmp/mig4.err" &
mig=$!
: >"$tmp/poll"
for i in $(seq 1000); do
  on hosta "$LDM" ls -o status -p ldg4 >>"$tmp/poll" 2>&1
  tail -1 "$tmp/poll" | grep -q "|progress=98|" && touch "$go"
  tail -1 "$tmp/poll" | grep -q "not found" && break
  sleep 0.01
done
wait $mig
rc=$?
progress=$(sed -n 's/^|op=migration|progress=\([0-9]*\)|error=no|target=hostb$/\1/p' "$tmp/poll" | uniq)
[ "$rc" = 0 ] && [ -n "$progress" ] && [ "$(echo "$progress" | sort -n | tr '\n' ' ')" = "$(echo "$progress" | tr '\n' ' ')" ] &&
  [ "$(echo "$progress" | wc -l)" -ge 3 ] && tail -1 "$tmp/poll" | grep -qx "LDom ldg4 not found"
st=$?
check "the poller saw progress only go up ($(echo $progress | tr ' ' ',')%), then 'not found' (exit $rc)" $st

# ---- a bound domain with a vdisk on shared storage: its data is there on the target
on hosta expect_ok vfctl mkfile 8m /ldoms/d2.img
on hosta expect_ok ldm add-vdsdev /ldoms/d2.img vol2@primary-vds0
on hostb expect_ok ldm add-vdsdev /ldoms/d2.img vol2@primary-vds0
on hosta new_guest ldg2 1 256M "vdisk op=write size=1M seed=7"
on hosta expect_ok ldm add-vdisk vdisk0 vol2@primary-vds0 ldg2
on hosta expect_ok ldm bind ldg2
on hosta expect_out "LDom ldg2 started" ldm start ldg2
on hosta run vfctl clock advance 200ms
on hosta run vfctl console ldg2
grep -q "^vdisk: read and verified 1048576 bytes" "$tmp/out"
verify "ldg2 wrote its disk on hosta" $?
on hosta run ldm list -p ldg2
grep -q "|state=bound|" "$tmp/out"
verify "ldg2 is bound again (its workload ended)" $?
touch "$go"
on hosta run ldm migrate -p "$tmp/pw" ldg2 hostb
[ "$rc" = 0 ]
verify "bound ldg2 migrates" $?
on hostb expect_ok ldm set-var "boot-file=vdisk op=verify size=1M seed=7" ldg2
on hostb expect_out "LDom ldg2 started" ldm start ldg2
on hostb run vfctl clock advance 200ms
on hostb run vfctl console ldg2
grep -q "^vdisk: read and verified 1048576 bytes" "$tmp/out" && ! grep -q "^vdisk: .*wrote" "$tmp/out"
verify "on hostb ldg2 reads back what it wrote on hosta" $?

# ---- SIGINT to the waiting ldm cancels; SIGKILL does not
on hosta new_guest ldg3 2 512M "counter rate=100 count=0"
on hosta expect_ok ldm bind ldg3
on hosta expect_out "LDom ldg3 started" ldm start ldg3
on hosta vfctl clock advance 100ms >/dev/null
LDMD_SOCKET=$tmp/hosta.sock "$LDM" migrate -p "$tmp/pw" ldg3 hostb >"$tmp/int.out" 2>"$tmp/int.err" &   # (its own pid)
mig=$!
for i in $(seq 200); do on hosta "$LDM" ls -o status -p ldg3 2>/dev/null | grep -q "op=migration" && break; sleep 0.02; done
kill -INT $mig
wait $mig
rc=$?
[ "$rc" = 1 ] && grep -qx "The migration was cancelled (ldm cancel-operation)" "$tmp/int.err" &&
  grep -qx "Domain Migration of LDom ldg3 failed" "$tmp/int.err"
st=$?
[ $st = 0 ] || cat "$tmp/int.out" "$tmp/int.err"
check "SIGINT to ldm migrate cancels the migration (exit $rc)" $st
on hosta run vfctl clock advance 100ms
on hosta run ldm list -p ldg3
grep -q "^DOMAIN|name=ldg3|state=active|flags=-n----|cons=[0-9]*|ncpu=2|" "$tmp/out"
verify "ldg3 runs on hosta with its 2 vcpus" $?
on hostb run ldm list ldg3
[ "$rc" = 1 ]
verify "nothing of ldg3 on hostb" $?
on hosta run vfctl console ldg3
consecutive counter "$tmp/out"
check "ldg3's counter went on on hosta, none lost or repeated" $?

LDMD_SOCKET=$tmp/hosta.sock "$LDM" migrate -p "$tmp/pw" ldg3 hostb >"$tmp/kill.out" 2>"$tmp/kill.err" &
mig=$!
for i in $(seq 200); do on hosta "$LDM" ls -o status -p ldg3 2>/dev/null | grep -q "op=migration" && break; sleep 0.02; done
kill -KILL $mig
wait $mig 2>/dev/null
touch "$go"
for i in $(seq 400); do on hosta "$LDM" ls ldg3 >/dev/null 2>&1 || break; sleep 0.05; done
on hosta run ldm ls ldg3
[ "$rc" = 1 ]
verify "after SIGKILL of its ldm the migration went on and completed: ldg3 is gone from hosta" $?
on hostb run ldm list -p ldg3
grep -q "^DOMAIN|name=ldg3|state=active|" "$tmp/out"
verify "... and ldg3 runs on hostb" $?

# ---- a vnet: a client pinging a server moves to hostb, where a server with the same MAC
# answers; its link resets after the resume, the frame in flight is sent again, none is lost
for h in hosta hostb; do on $h expect_ok ldm add-vsw primary-vsw0 primary; done
on hosta new_guest ldgs 1 128M "vnet-ping role=server count=100000"
on hosta expect_ok ldm add-vnet vnet1 primary-vsw0 ldgs
mac=$(on hosta ldm list-bindings -p ldgs | sed -n 's/^VNET|.*|mac-addr=\([0-9a-f:]*\)|.*/\1/p')
on hosta new_guest ldgc 1 128M "vnet-ping role=client peer=$mac count=20000 size=128"
on hosta expect_ok ldm add-vnet vnet1 primary-vsw0 ldgc
on hostb new_guest ldgs 1 128M "vnet-ping role=server count=100000"
on hostb expect_ok ldm add-vnet mac-addr=$mac vnet1 primary-vsw0 ldgs
for h in hosta hostb; do on $h expect_ok ldm bind ldgs; on $h run ldm start ldgs; done
on hosta expect_ok ldm bind ldgc
on hosta run ldm start ldgc
on hostb run vfctl clock advance 20ms
on hosta run vfctl clock advance 20ms
touch "$go"
on hosta run ldm migrate -p "$tmp/pw" ldgc hostb
[ "$rc" = 0 ]
verify "the pinging client migrates while it pings" $?
for i in $(seq 10); do
  on hostb run vfctl clock advance 50ms
  on hostb vfctl console ldgc | grep -q "^vnet-ping: count=20000 " && break
done
on hostb run vfctl console ldgc
grep -q "^vnet-ping: count=20000 size=128 ok=20000 lost=0 " "$tmp/out" && grep -q "^vnet: channel 1 reset: handshake again" "$tmp/out"
verify "on hostb its pings go on through hostb's switch to hostb's server (hosta's copy is gone): 20000 ok, none lost" $?

# ---- crypto units: LDoms 1.2 refuses, OVM 2.0 takes them away and gives them back
on hosta new_guest ldg5 2 512M "counter rate=100 count=0"
on hosta expect_ok ldm add-mau 1 ldg5
on hosta expect_ok ldm bind ldg5
on hosta expect_out "LDom ldg5 started" ldm start ldg5
on hosta run vfctl clock advance 50ms
on hosta run ldm migrate -p "$tmp/pw" ldg5 hostb
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "LDom ldg5 has crypto units and more than one vcpu: it cannot be migrated
Domain Migration of LDom ldg5 failed" ]
verify "1.2: a domain with a crypto unit and two vcpus is refused" $?
stop_host hosta
start_host hosta --peer hostb=127.0.0.1:$MIG_PORT --migration-compat 2.0 || exit 1
on hosta run vfctl clock advance 50ms
on hosta run ldm migrate -p "$tmp/pw" ldg5 hostb
[ "$rc" = 0 ] && grep -qx "Crypto units: 1 taken away at the start, 1 bound on the target (OVM 2.0)" "$tmp/out"
verify "2.0: it migrates; its crypto unit is taken away, then bound again on the target" $?
on hostb run ldm list-bindings -p ldg5
grep -q "^DOMAIN|name=ldg5|state=active|" "$tmp/out" && grep -q "^MAU" "$tmp/out"
verify "ldg5 runs on hostb with a crypto unit" $?
finish
