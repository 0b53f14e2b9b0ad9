#!/usr/bin/env bash
# The usual first layout of a T5240, as the administration guide builds it: control-domain
# services (vcc, vds, vsw), three guests with vcpus, memory, a disk and a network, the
# control domain shrunk through a delayed reconfiguration (notice, `d` flag, other domains
# refused, cancel, redo, reboot), all guests bound and started, the layout saved on the SP,
# the next power-on configuration chosen with ldm and with the SP, a power cycle that brings
# the saved guests back, and an ldmd restart on the same state directory.
# Usage: layout_scenario.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"

for i in 1 2 3; do disk_image /dev/dsk/c0t${i}d0s2 64M; done
start_ldmd || exit 1

# --- services on the control domain
expect_ok ldm add-vcc port-range=5000-5100 primary-vcc0 primary
expect_ok ldm add-vds primary-vds0 primary
expect_ok ldm add-vsw net-dev=e1000g0 primary-vsw0 primary
for i in 1 2 3; do expect_ok ldm add-vdsdev /dev/dsk/c0t${i}d0s2 vol$i@primary-vds0; done
run ldm list-services primary
grep -q '^    primary-vcc0     5000-5100$' "$tmp/out" && grep -q '^    primary-vsw0     00:14:4f:f8:00:01 e1000g0   switch@0' "$tmp/out" &&
  grep -q '^    primary-vds0     vol1                            /dev/dsk/c0t1d0s2$' "$tmp/out"
verify "list-services shows the vcc, the vsw on e1000g0 and the vds volumes" $?
expect_out "$H
primary    active     -n-cv-  SP      128   261920M  0.1%  0s" ldm list

# --- three guests, configured while the control domain still owns everything
for i in 1 2 3; do
  expect_ok ldm add-domain ldg$i
  expect_ok ldm add-vcpu $((4 * i)) ldg$i
  expect_ok ldm add-memory ${i}G ldg$i
  expect_ok ldm add-vdisk vdisk$i vol$i@primary-vds0 ldg$i
  expect_ok ldm add-vnet vnet$i primary-vsw0 ldg$i
done
expect_out "$H
primary    active     -n-cv-  SP      128   261920M  0.1%  0s
ldg1       inactive   ------          4     1G
ldg2       inactive   ------          8     2G
ldg3       inactive   ------          12    3G" ldm list
expect_fail "Insufficient vcpus available to bind LDom ldg1: 4 requested, 0 free" ldm bind-domain ldg1

# --- delayed reconfiguration of the control domain
expect_out "$INITIATE" ldm set-mau 1 primary
expect_out "$NOTICE" ldm set-vcpu 8 primary
expect_out "$H
primary    active     -ndcv-  SP      128   261920M  0.1%  0s" ldm list primary
run ldm list -p primary
grep -qxF 'DOMAIN|name=primary|state=active|flags=-ndcv-|cons=SP|ncpu=128|mem=274643025920|util=0.1|uptime=0' "$tmp/out"
verify "ldm list -p shows flags=-ndcv- during the delayed reconfiguration" $?
run ldm list -l -p primary
grep -q '^DOMAIN|name=primary|state=active|flags=normal,delayed-reconfig,control,vio-service|' "$tmp/out"
verify "ldm list -l -p spells the flags out: normal,delayed-reconfig,control,vio-service" $?
expect_fail "Delayed reconfiguration of LDom ldg1 is not permitted" ldm add-vcpu 1 ldg1
[ "$(cat "$tmp/out")" = "$NOTICE" ]
verify "the refusal comes after the delayed-reconfiguration notice on stdout" $?
expect_fail "Delayed reconfiguration of LDom ldg2 is not permitted" ldm set-memory 4G ldg2
expect_fail "Delayed reconfiguration of LDom ldg3 is not permitted" ldm bind-domain ldg3
expect_fail "Delayed reconfiguration of LDom ldg4 is not permitted" ldm add-domain ldg4
expect_fail "Delayed reconfiguration of LDom ldg1 is not permitted" ldm add-vnet vnet9 primary-vsw0 ldg1
expect_fail "Delayed reconfiguration of LDom ldg1 is not permitted" ldm rm-vdisk vdisk1 ldg1
expect_fail "Delayed reconfiguration of LDom ldg1 is not permitted" ldm stop-domain -a
run ldm list-constraints -p primary
grep -qxF 'VCPU|count=8' "$tmp/out" && grep -qxF 'MAU|count=1' "$tmp/out"
verify "list-constraints shows the pending constraints (8 vcpus, 1 crypto unit)" $?
expect_ok ldm cancel-operation reconf primary
expect_out "$H
primary    active     -n-cv-  SP      128   261920M  0.1%  0s" ldm list primary
run ldm list-constraints -p primary
grep -qxF 'VCPU|count=128' "$tmp/out" && grep -qxF 'MAU|count=16' "$tmp/out"
verify "after cancel-operation reconf the constraints are back (128 vcpus, 16 crypto units)" $?
expect_fail "LDom primary does not have a delayed reconfiguration in progress" ldm cancel-operation reconf primary
# ... and again, for real this time.
expect_out "$INITIATE" ldm set-mau 1 primary
expect_out "$NOTICE" ldm set-vcpu 8 primary
expect_out "$NOTICE" ldm set-memory 4G primary
expect_out "primary rebooted" vfctl reboot primary
expect_out "$H
primary    active     -n-cv-  SP      8     4G       0.1%  0s
ldg1       inactive   ------          4     1G
ldg2       inactive   ------          8     2G
ldg3       inactive   ------          12    3G" ldm list

# --- bind and start every guest
for i in 1 2 3; do expect_ok ldm bind-domain ldg$i; done
expect_out "$H
primary    active     -n-cv-  SP      8     4G       0.1%  0s
ldg1       bound      ------  5000    4     1G
ldg2       bound      ------  5001    8     2G
ldg3       bound      ------  5002    12    3G" ldm list
for i in 1 2 3; do expect_out "LDom ldg$i started" ldm start-domain ldg$i; done
vfctl clock advance 10ms >/dev/null
run ldm list
[ "$(sed -n 1p "$tmp/out")" = "$H" ] && [ "$(wc -l <"$tmp/out")" = 5 ] &&
  grep -q '^ldg1       active     -n----  5000    4     1G       [ 0-9][0-9.][0-9]%  0s$' "$tmp/out" &&
  grep -q '^ldg2       active     -n----  5001    8     2G       [ 0-9][0-9.][0-9]%  0s$' "$tmp/out" &&
  grep -q '^ldg3       active     -n----  5002    12    3G       [ 0-9][0-9.][0-9]%  0s$' "$tmp/out"
verify "ldm list: the three guests are active on console ports 5000, 5001, 5002" $?
for i in 1 2 3; do
  vfctl console ldg$i | grep -q "^smp: $((4 * i)) vcpus up"
  check "ldg$i's guest runtime booted on its $((4 * i)) vcpus" $?
done
run ldm list -p
[ "$(sed -n 1p "$tmp/out")" = "VERSION 1.3" ] && [ "$(wc -l <"$tmp/out")" = 5 ] &&
  [ "$(grep -c '^DOMAIN|name=[^|]*|state=[^|]*|flags=[^|]*|cons=[^|]*|ncpu=[0-9]*|mem=[0-9]*|util=[0-9.]*|uptime=[0-9]*$' "$tmp/out")" = 4 ] &&
  grep -qxF 'DOMAIN|name=primary|state=active|flags=-n-cv-|cons=SP|ncpu=8|mem=4294967296|util=0.1|uptime=0' "$tmp/out" &&
  grep -q '^DOMAIN|name=ldg1|state=active|flags=-n----|cons=5000|ncpu=4|mem=1073741824|util=[0-9.]*|uptime=0$' "$tmp/out" &&
  grep -q '^DOMAIN|name=ldg2|state=active|flags=-n----|cons=5001|ncpu=8|mem=2147483648|util=[0-9.]*|uptime=0$' "$tmp/out" &&
  grep -q '^DOMAIN|name=ldg3|state=active|flags=-n----|cons=5002|ncpu=12|mem=3221225472|util=[0-9.]*|uptime=0$' "$tmp/out"
verify "ldm list -p: VERSION 1.3, then name|state|flags|cons|ncpu|mem|util|uptime per domain" $?
run ldm list-bindings ldg2
grep -q '^    vnet2            primary-vsw0@primary        network@0    00:14:4f:f8:00:' "$tmp/out" &&
  grep -q '^    vdisk2           vol2@primary-vds0           disk@0  primary$' "$tmp/out" &&
  grep -q '^    ldg2             primary-vcc0@primary        5001$' "$tmp/out"
verify "list-bindings ldg2 shows its network, disk and console" $?

# --- the SP configurations
expect_out "factory-default [current]" ldm ls-spconfig
expect_ok ldm add-spconfig 3guests
expect_out "factory-default
3guests [current]" ldm ls-spconfig
expect_fail "A configuration named 3guests already exists" ldm add-spconfig 3guests
expect_ok ldm set-spconfig factory-default
expect_out "factory-default [next poweron]
3guests" ldm ls-spconfig
expect_out "factory-default [next poweron]
3guests" ldm list-config
run vfctl sp showhost
grep -qxF 'Configuration: 3guests (next poweron: factory-default)' "$tmp/out"
verify "vfctl sp showhost names the next power-on configuration" $?
# The SP's own bootmode command picks 3guests again.
expect_ok vfctl sp bootmode config=3guests
expect_out "factory-default
3guests [current]" ldm ls-spconfig
expect_fail "No configuration named nosuch on the service processor" vfctl sp bootmode config=nosuch

# --- power cycle: the saved layout comes back
expect_out "Chassis is powered off
Chassis is powered on with configuration 3guests" vfctl sp powercycle
vfctl clock advance 10ms >/dev/null
run ldm list
[ "$(wc -l <"$tmp/out")" = 5 ] && grep -q '^primary    active     -n-cv-  SP      8     4G       0.1%  0s$' "$tmp/out" &&
  grep -q '^ldg1       active     -n----  5000    4     1G ' "$tmp/out" &&
  grep -q '^ldg2       active     -n----  5001    8     2G ' "$tmp/out" &&
  grep -q '^ldg3       active     -n----  5002    12    3G ' "$tmp/out"
verify "after the power cycle the three guests are active again, as saved" $?
vfctl console ldg3 | grep -q '^smp: 12 vcpus up'
verify "ldg3 booted again after the power cycle" $?
expect_out "factory-default
3guests [current]" ldm ls-spconfig
# A guest stopped and unbound before power-off stays as the saved configuration has it.
expect_out "LDom ldg3 stopped" ldm stop ldg3
expect_ok ldm unbind ldg3
expect_out "Chassis is powered off" vfctl sp poweroff
expect_fail "The system is powered off: power it on with 'vfctl sp poweron'" ldm list
expect_fail "Chassis is already powered off" vfctl sp poweroff
expect_out "Chassis is powered on with configuration 3guests" vfctl sp poweron
run ldm list ldg3
tail -1 "$tmp/out" | grep -q '^ldg3       active     -n----  5002    12    3G       [ 0-9][0-9.][0-9]%  0s$'
verify "power-on restores the saved layout: ldg3 (stopped and unbound since) is active again" $?

# --- stop a guest, then restart ldmd on the same state directory
expect_out "LDom ldg2 stopped" ldm stop-domain ldg2
run ldm list
sed 's/  [ 0-9.]*%  .*$//' "$tmp/out" >"$tmp/before"
ldm list-bindings -p | grep -v '|util=' >"$tmp/bindings.before"
ldm ls-spconfig >"$tmp/spconfig.before"
stop_ldmd
[ ! -e "$LDMD_SOCKET" ]
verify "ldmd removed its socket at shutdown" $?
start_ldmd || exit 1
run ldm list
sed 's/  [ 0-9.]*%  .*$//' "$tmp/out" >"$tmp/after"
diff "$tmp/before" "$tmp/after" && grep -q '^ldg2       bound      ------  5001    8     2G$' "$tmp/after" &&
  grep -q '^ldg1       active     -n----  5000    4     1G$' "$tmp/after"
verify "after an ldmd restart the layout, states and console ports are the same" $?
ldm list-bindings -p | grep -v '|util=' | diff "$tmp/bindings.before" -
verify "list-bindings -p (strands, memory, services, devices) is unchanged by the restart" $?
ldm ls-spconfig | diff "$tmp/spconfig.before" -
verify "the SP configurations survive the restart" $?
vfctl clock advance 5ms >/dev/null
vfctl console ldg1 | grep -q '^smp: 4 vcpus up'
verify "the active guest ldg1 is running again after the restart" $?
expect_out "LDom ldg2 started" ldm start ldg2

stop_ldmd
finish
