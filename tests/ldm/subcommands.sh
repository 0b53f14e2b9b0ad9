#!/usr/bin/env bash
# Every ldm subcommand through the real clients: its success path and its refusals (unknown
# domain, wrong state, bad sizes, duplicate names, over-commit that must change nothing),
# the short forms (ls, create, destroy, rm-*, ls-*, set-var, add-vswitch, ...), the exact
# layouts of the listings (the LDoms 1.2 seed layout of `ldm list`, list-devices, bindings,
# constraints in text, -p and -x, services, variables), physical I/O moved through the
# control domain's delayed reconfiguration, panic-domain, and ldm without ldmd.
# Usage: subcommands.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"

# ==== without ldmd ============================================================================
for tool in ldm vfctl; do
  run $tool list
  [ "$rc" != 0 ] && [ ! -s "$tmp/out" ] &&
    grep -qF "The Logical Domains Manager (ldmd) is not running: no ldmd listens on $LDMD_SOCKET" "$tmp/err"
  verify "$tool without ldmd exits non-zero and says ldmd is not running" $?
done

# The migration options are checked at start-up: a bad one is refused with exit 2.
expect_fail "ldmd: --migration-listen foo: not ADDR:PORT (e.g. 127.0.0.1:8101)" "$LDMD" --foreground --migration-listen foo
expect_fail "ldmd: --peer host2: not NAME=ADDR:PORT" "$LDMD" --foreground --peer host2
expect_fail "ldmd: --auth-file $tmp/none: cannot read $tmp/none: No such file or directory" "$LDMD" --foreground --auth-file "$tmp/none"
[ "$rc" = 2 ]
check "a bad migration option exits 2" $?
echo root >"$tmp/auth"
expect_fail "ldmd: --auth-file $tmp/auth: $tmp/auth, line 1: not USER:HASH" "$LDMD" --foreground --auth-file "$tmp/auth"
[ "$rc" = 2 ]
check "an auth file with a malformed line exits 2" $?
# The auth file's hashes come from ldmd --hash-password (a password line on stdin).
printf 'secret\n' | "$LDMD" --hash-password >"$tmp/hash" 2>"$tmp/err"
[ $? = 0 ] && [ ! -s "$tmp/err" ] && grep -qxE 'pbkdf2-sha256\$200000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=' "$tmp/hash"
check "ldmd --hash-password prints a pbkdf2-sha256 hash" $?
printf '\n' | run "$LDMD" --hash-password
[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qxF "ldmd: --hash-password: an empty password is refused" "$tmp/err"
verify "ldmd --hash-password refuses an empty password with exit 2" $?

disk_image /dev/dsk/c0t1d0s2 64M
disk_image /export/iso/sol10.iso 1M
{ echo "# who may migrate in"; echo "root:$(cat "$tmp/hash")"; } >"$tmp/auth"
start_ldmd --migration-listen 127.0.0.1:8101 --peer host2=127.0.0.1:8102 --auth-file "$tmp/auth" || exit 1

# ==== general =================================================================================
run ldm
[ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && grep -q '^    ldm \[--help\] command \[options\] \[properties\] operands$' "$tmp/err"
verify "ldm alone prints the usage on stderr and exits 1" $?
run ldm --help
[ "$rc" = 0 ] && grep -q '^    domain: add-domain (create), set-domain, remove-domain (rm-domain, destroy),$' "$tmp/out"
verify "ldm --help prints the usage with the aliases on stdout" $?
expect_out "
Logical Domain Manager (v 1.2)
   Hypervisor control protocol v 1.3
   Using Hypervisor MD v 0.1

System PROM:
   Hypervisor  v. 1.7.0.    @(#)Hypervisor 1.7.0. vfsim sun4v hypervisor
   OpenBoot    v. 4.30.0.   @(#)OBP 4.30.0. vfsim guest runtime" ldm -V
expect_fail "Unknown command frobnicate" ldm frobnicate
expect_fail "Invalid format: bogus" ldm list -o bogus

# ==== factory-default =========================================================================
expect_out "$H
primary    active     -n-c--  SP      128   261920M  0.1%  0s" ldm list
expect_out "VERSION 1.3
DOMAIN|name=primary|state=active|flags=-n-c--|cons=SP|ncpu=128|mem=274643025920|util=0.1|uptime=0" ldm list -p
expect_out "VCPU
    PID     %FREE   PM

MAU
    ID      CPUSET

MEMORY
    PA                   SIZE

IO
    DEVICE           PSEUDONYM" ldm list-devices
expect_out "MEMORY
    PA                   SIZE            BOUND
    0x0                  512K            _sys_
    0x80000              1536K           _sys_
    0x200000             94M             _sys_
    0x6000000            32M             _sys_
    0x8000000            96M             _sys_
    0xe000000            261920M         primary
" ldm list-devices -a memory
expect_out "IO
    DEVICE           PSEUDONYM        BOUND   OPTIONS
    pci@400          pci_0            yes
    pci@500          pci_1            yes" ldm list-devices -a io
expect_fail "Invalid device type: disk" ldm list-devices disk

# ==== the control domain: delayed reconfiguration, crypto, CPUs, memory, buses ==============
expect_fail "Invalid memory size: 4Q" ldm set-memory 4Q primary
expect_fail "Only 128 vcpus exist on this system" ldm set-vcpu 129 primary
expect_out "$INITIATE" ldm set-crypto 1 primary
expect_out "$NOTICE" ldm set-vcpu 8 primary
expect_out "$NOTICE" ldm set-mem 4G primary
# A bus leaves the control domain through the same delayed reconfiguration.
expect_out "$NOTICE" ldm remove-io pci@500 primary
expect_fail "Device pci@500 is not bound to LDom primary" ldm remove-io pci@500 primary
expect_fail "Invalid device: pci@999" ldm add-io pci@999 primary
expect_fail "Device pci@400 is already bound to LDom primary" ldm add-io pci_0 primary
expect_out "$H
primary    active     -ndc--  SP      128   261920M  0.1%  0s" ldm ls
expect_out "primary rebooted" vfctl reboot primary
expect_out "$H
primary    active     -n-c--  SP      8     4G       0.1%  0s" ldm ls
expect_out "MEMORY
    PA                   SIZE
    0x10e000000          257824M
" ldm list-devices memory
expect_out "MEMORY
    PA                   SIZE
    0x10e000000          257824M
" ldm ls-devices mem
run ldm list-devices -a memory
[ "$(grep -c '  _sys_$' "$tmp/out")" = 5 ] && grep -qxF '    0xe000000            4G              primary' "$tmp/out" &&
  grep -qxF '    0x10e000000          257824M' "$tmp/out"
verify "list-devices -a memory: five _sys_ blocks, primary's 4G, the free rest" $?
run ldm list-devices cpu
[ "$(sed -n 3p "$tmp/out")" = "    8       100     ---" ] && [ "$(grep -c '100     ---$' "$tmp/out")" = 120 ]
verify "list-devices cpu lists the 120 free strands 8..127" $?
run ldm list-devices -a -p cpu
[ "$(sed -n 1,3p "$tmp/out")" = "VERSION 1.3
VCPU
|pid=0|free=0|pm=no" ] && grep -qxF '|pid=127|free=100|pm=' "$tmp/out"
verify "list-devices -a -p cpu: bound strands free=0 pm=no, free ones free=100" $?
run ldm list-devices -a mau
grep -qxF '    0       (0, 1, 2, 3, 4, 5, 6, 7)                primary' "$tmp/out" &&
  grep -qxF '    1       (8, 9, 10, 11, 12, 13, 14, 15)' "$tmp/out"
verify "list-devices -a mau: primary kept the crypto unit of core 0" $?
expect_out "IO
    DEVICE           PSEUDONYM        BOUND   OPTIONS
    pci@400          pci_0            yes
    pci@500          pci_1            no" ldm list-devices -a io
expect_fail "LDom primary does not have a delayed reconfiguration in progress" ldm cancel-op reconf

# ==== services ===============================================================================
expect_ok ldm add-vconscon port-range=5000-5100 primary-vcc0 primary
expect_ok ldm add-vdiskserver primary-vds0 primary
expect_ok ldm add-vswitch net-dev=e1000g0 primary-vsw0 primary
expect_ok ldm add-vdiskserverdevice /dev/dsk/c0t1d0s2 vol1@primary-vds0
expect_ok ldm add-vdsdev options=ro,slice /export/iso/sol10.iso iso@primary-vds0
expect_fail "Service primary-vcc0 already exists" ldm add-vcc port-range=6000-6100 primary-vcc0 primary
expect_fail "Service primary-vcc0 already exists" ldm add-vds primary-vcc0 primary
expect_fail "Service primary-vsw0 already exists" ldm add-vsw primary-vsw0 primary
expect_fail "Volume vol1 already exists in service primary-vds0" ldm add-vdsdev /dev/dsk/c0t9d0s2 vol1@primary-vds0
expect_fail "Invalid option: rw" ldm add-vdsdev options=rw /dev/dsk/c0t9d0s2 vol9@primary-vds0
expect_fail "Service nosuch-vds does not exist" ldm add-vdsdev /dev/dsk/c0t9d0s2 vol9@nosuch-vds
expect_fail "Invalid port-range: 6000-5000" ldm add-vcc port-range=6000-5000 other-vcc primary
expect_fail "LDom nosuch not found" ldm add-vds other-vds nosuch
expect_ok ldm add-vds spare-vds0 primary
expect_ok ldm add-vsw spare-vsw0 primary
run ldm list-services
[ "$(sed -n 1,5p "$tmp/out")" = "primary

VCC
    NAME             PORT-RANGE
    primary-vcc0     5000-5100" ] &&
  grep -qxF '    NAME             MAC               NET-DEV   DEVICE    MODE' "$tmp/out" &&
  grep -qxF '    primary-vsw0     00:14:4f:f8:00:01 e1000g0   switch@0  prog,promisc' "$tmp/out" &&
  grep -qxF '    spare-vsw0       00:14:4f:f8:00:02           switch@1  routed' "$tmp/out" &&
  grep -qxF '    NAME             VOLUME         OPTIONS          DEVICE' "$tmp/out" &&
  grep -qxF '    primary-vds0     vol1                            /dev/dsk/c0t1d0s2' "$tmp/out" &&
  grep -qxF '                     iso            ro,slice         /export/iso/sol10.iso' "$tmp/out" &&
  grep -qxF '    spare-vds0' "$tmp/out"
verify "list-services: the vcc, both switches (automatic MACs), both disk services and their volumes" $?
expect_out "VERSION 1.3
VCC|name=primary-vcc0|nclients=0|port-range=5000-5100
VSW|name=primary-vsw0|nclients=0|mac-addr=00:14:4f:f8:00:01|net-dev=e1000g0|dev=switch@0|mode=prog,promisc|default-vlan-id=1|pvid=1|vid=|mtu=1500|id=0
VSW|name=spare-vsw0|nclients=0|mac-addr=00:14:4f:f8:00:02|net-dev=|dev=switch@1|mode=routed|default-vlan-id=1|pvid=1|vid=|mtu=1500|id=1
VDS|name=primary-vds0|nclients=0
|vol=vol1|opts=|dev=/dev/dsk/c0t1d0s2|mpgroup=
|vol=iso|opts=ro,slice|dev=/export/iso/sol10.iso|mpgroup=
VDS|name=spare-vds0|nclients=0" ldm ls-services -p
expect_ok ldm remove-vswitch spare-vsw0
expect_ok ldm rm-vds spare-vds0
expect_ok ldm set-vdsdev options=ro iso@primary-vds0
expect_ok ldm set-vsw mtu=9000 primary-vsw0
run ldm list-services -p
grep -qxF '|vol=iso|opts=ro|dev=/export/iso/sol10.iso|mpgroup=' "$tmp/out" && grep -q '^VSW|name=primary-vsw0|.*|mtu=9000|id=0$' "$tmp/out" &&
  ! grep -q spare "$tmp/out"
verify "set-vdsdev, set-vsw, remove-vswitch and rm-vds take effect" $?
expect_ok ldm remove-vdiskserverdevice iso@primary-vds0
expect_fail "Volume iso does not exist in service primary-vds0" ldm rm-vdsdev iso@primary-vds0
expect_fail "Service spare-vsw0 does not exist" ldm rm-vsw spare-vsw0
expect_ok ldm set-vcc port-range=5000-5199 primary-vcc0
expect_out "primary-vcc0     5000-5199" eval "ldm list-services primary | grep primary-vcc0 | sed 's/^ *//'"
expect_ok ldm set-vconscon port-range=5000-5100 primary-vcc0

# ==== domains ================================================================================
expect_ok ldm create ldg1
expect_ok ldm add-domain ldg2 ldg3
expect_fail "LDom ldg1 already exists" ldm add-domain ldg1
expect_fail "Invalid LDom name: 1bad" ldm add-domain 1bad
expect_fail "Invalid failure-policy: never" ldm add-domain failure-policy=never ldg9
expect_fail "Invalid property: color" ldm add-domain color=red ldg9
expect_fail "Invalid hostid: zz" ldm add-domain hostid=zz ldg9
expect_out "$H
ldg2       inactive   ------" ldm list ldg2
expect_out "VERSION 1.3
DOMAIN|name=ldg2|state=inactive|flags=|cons=|ncpu=|mem=|util=|uptime=" ldm list -p ldg2
expect_ok ldm add-vcpu 8 ldg1
expect_ok ldm add-memory 1G ldg1
expect_fail "Invalid memory size: 12Q" ldm add-memory 12Q ldg1
expect_fail "Invalid memory size: 1T" ldm add-memory 1 T ldg1
expect_ok ldm add-memory 512 M ldg1
expect_ok ldm remove-memory 512M ldg1
expect_fail "LDom ldg1 has only 1G of memory" ldm rm-mem 2G ldg1
expect_fail "LDom ldg1 has only 8 vcpus" ldm remove-vcpu 9 ldg1
run ldm add-vcpu eight ldg1
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "Usage:
    ldm add-vcpu [-c] <number> <ldom>" ]
verify "add-vcpu with a bad count prints its usage" $?
expect_ok ldm add-vdisk vdisk1 vol1@primary-vds0 ldg1
expect_ok ldm add-vnet vnet1 primary-vsw0 ldg1
expect_fail "Disk vdisk1 already exists in LDom ldg1" ldm add-vdisk vdisk1 vol1@primary-vds0 ldg1
expect_fail "Network vnet1 already exists in LDom ldg1" ldm add-vnet vnet1 primary-vsw0 ldg1
expect_fail "Service nosuch-vsw does not exist" ldm add-vnet vnet2 nosuch-vsw ldg1
expect_fail "Volume nosuch does not exist in service primary-vds0" ldm add-vdisk vdisk2 nosuch@primary-vds0 ldg1
expect_fail "Volume vol1@primary-vds0 is attached to vdisk vdisk1 of LDom ldg1" ldm rm-vdsdev vol1@primary-vds0
expect_fail "Service primary-vds0 has volumes: remove them first" ldm rm-vds primary-vds0
expect_fail "Service primary-vsw0 is in use by vnet vnet1 of LDom ldg1" ldm rm-vsw primary-vsw0
expect_ok ldm add-vnet vnet2 primary-vsw0 ldg1
expect_ok ldm set-vnet pvid=5 vnet2 ldg1
expect_ok ldm rm-vnet vnet2 ldg1
expect_fail "Network vnet2 does not exist in LDom ldg1" ldm rm-vnet vnet2 ldg1
expect_ok ldm set-vdisk timeout=30 vdisk1 ldg1
# OBP variables
expect_ok ldm add-variable auto-boot?=false ldg1
expect_fail "Variable auto-boot? already exists" ldm add-var auto-boot?=true ldg1
expect_ok ldm set-var boot-device=vdisk1 diag-switch?=true ldg1
expect_out "auto-boot?=false
boot-device=vdisk1
diag-switch?=true" ldm list-variable ldg1
expect_out "boot-device=vdisk1" ldm ls-var boot-device ldg1
expect_ok ldm rm-var diag-switch? ldg1
expect_fail "Variable diag-switch? not found" ldm list-variable diag-switch? ldg1
expect_fail "Variable diag-switch? not found" ldm remove-variable diag-switch? ldg1
# set-domain
expect_ok ldm set-domain failure-policy=reset master=primary ldg1
expect_fail "LDom nosuch not found" ldm set-domain master=nosuch ldg1

# constraints, in text, -p and -x
expect_out "DOMAIN
ldg1

VCPU
    COUNT
    8

MEMORY
    SIZE
    1G

VARIABLES
    auto-boot?=false
    boot-device=vdisk1

NETWORK
    NAME             SERVICE                     DEVICE       MAC
    vnet1            primary-vsw0                network@0    00:14:4f:f8:00:06

DISK
    NAME             VOLUME
    vdisk1           vol1@primary-vds0
" ldm list-constraints ldg1
expect_out "VERSION 1.3
DOMAIN|name=ldg1
MAC|mac-addr=00:14:4f:f8:00:03
VCPU|count=8
MEMORY|size=1073741824
VARIABLES
|auto-boot?=false
|boot-device=vdisk1
VNET|name=vnet1|dev=network@0|service=primary-vsw0|mac-addr=00:14:4f:f8:00:06
VDISK|name=vdisk1|vol=vol1@primary-vds0" ldm ls-constraints -p ldg1
# (the XML interface's OVF form, docs/ldm.md section 9)
expect_out '<?xml version="1.0"?>
<LDM_interface version="1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ovf="./schemas/envelope" xmlns:rasd="./schemas/CIM_ResourceAllocationSettingData" xmlns:vssd="./schemas/CIM_VirtualSystemSettingData" xmlns:gprop="./schemas/GenericProperty">
  <data version="3.0">
    <Envelope>
      <References />
      <Content xsi:type="ovf:VirtualSystem_Type" id="ldg1">
        <Section xsi:type="ovf:ResourceAllocationSection_type">
          <Item>
            <rasd:OtherResourceType>ldom_info</rasd:OtherResourceType>
            <rasd:Address>00:14:4f:f8:00:03</rasd:Address>
            <gprop:GenericProperty key="hostid">84f80003</gprop:GenericProperty>
            <gprop:GenericProperty key="failure-policy">reset</gprop:GenericProperty>
            <gprop:GenericProperty key="master">primary</gprop:GenericProperty>
          </Item>
        </Section>
        <Section xsi:type="ovf:VirtualHardwareSection_Type">
          <Item>
            <rasd:OtherResourceType>cpu</rasd:OtherResourceType>
            <rasd:AllocationUnits>8</rasd:AllocationUnits>
          </Item>
          <Item>
            <rasd:OtherResourceType>memory</rasd:OtherResourceType>
            <rasd:AllocationUnits>1G</rasd:AllocationUnits>
          </Item>
          <Item>
            <rasd:OtherResourceType>var</rasd:OtherResourceType>
            <gprop:GenericProperty key="name">auto-boot?</gprop:GenericProperty>
            <gprop:GenericProperty key="value">false</gprop:GenericProperty>
          </Item>
          <Item>
            <rasd:OtherResourceType>var</rasd:OtherResourceType>
            <gprop:GenericProperty key="name">boot-device</gprop:GenericProperty>
            <gprop:GenericProperty key="value">vdisk1</gprop:GenericProperty>
          </Item>
          <Item>
            <rasd:OtherResourceType>network</rasd:OtherResourceType>
            <gprop:GenericProperty key="vnet_name">vnet1</gprop:GenericProperty>
            <gprop:GenericProperty key="service_name">primary-vsw0</gprop:GenericProperty>
            <rasd:Address>00:14:4f:f8:00:06</rasd:Address>
            <gprop:GenericProperty key="pvid">1</gprop:GenericProperty>
            <gprop:GenericProperty key="mtu">1500</gprop:GenericProperty>
            <gprop:GenericProperty key="id">0</gprop:GenericProperty>
          </Item>
          <Item>
            <rasd:OtherResourceType>disk</rasd:OtherResourceType>
            <gprop:GenericProperty key="vdisk_name">vdisk1</gprop:GenericProperty>
            <gprop:GenericProperty key="service_name">primary-vds0</gprop:GenericProperty>
            <gprop:GenericProperty key="vol_name">vol1</gprop:GenericProperty>
            <gprop:GenericProperty key="timeout">30</gprop:GenericProperty>
            <gprop:GenericProperty key="id">0</gprop:GenericProperty>
          </Item>
        </Section>
      </Content>
    </Envelope>
  </data>
</LDM_interface>' ldm list-constraints -x ldg1

# ==== unknown domains ========================================================================
for cmd in "list" "list -l" "list-bindings" "list-constraints" "list-variable" "bind-domain" "unbind-domain" \
           "start-domain" "stop-domain" "stop -f" "panic-domain" "remove-domain" "set-vcons port=5050" \
           "set-var a=b" "rm-var a"; do
  expect_fail "LDom nosuch not found" ldm $cmd nosuch
done
for cmd in "add-vcpu 1" "set-vcpu 1" "add-crypto 1" "add-memory 1G" "add-io pci@500" "add-vnet vnet9 primary-vsw0" \
           "add-vdisk vdisk9 vol1@primary-vds0"; do
  expect_fail "LDom nosuch not found" ldm $cmd nosuch
done

# ==== states =================================================================================
expect_out "$H
ldg1       inactive   ------          8     1G" ldm list ldg1
expect_fail "LDom ldg1 must be bound before it can be started" ldm start-domain ldg1
expect_fail "LDom ldg1 is not active" ldm stop-domain ldg1
expect_fail "LDom ldg1 is not bound" ldm unbind-domain ldg1
expect_fail "LDom ldg1 is not active" ldm panic-domain ldg1
expect_fail "LDom ldg2 has no vcpus: add-vcpu first" ldm bind ldg2
expect_ok ldm bind ldg1
expect_out "$H
ldg1       bound      ------  5000    8     1G" ldm list ldg1
expect_out "VERSION 1.3
DOMAIN|name=ldg1|state=bound|flags=------|cons=5000|ncpu=8|mem=1073741824|util=|uptime=" ldm list -p ldg1
expect_fail "LDom ldg1 is already bound" ldm bind-domain ldg1
expect_fail "LDom ldg1 is not active" ldm stop-domain ldg1
expect_fail "LDom ldg1 is not active" ldm stop -f ldg1
expect_fail "LDom ldg1 must be unbound before it can be removed" ldm remove-domain ldg1
expect_fail "LDom ldg1 must be inactive to change its I/O devices" ldm add-io pci@500 ldg1
expect_fail "LDom ldg1 must be inactive to change its console" ldm set-vcons port=5050 ldg1
expect_fail "Service primary-vcc0 is in use by LDom ldg1" ldm rm-vcc primary-vcc0
run ldm list-bindings ldg1
[ "$(sed -n 1,6p "$tmp/out")" = "$H
ldg1       bound      ------  5000    8     1G

VCPU
    VID    PID    UTIL STRAND
    0      8             100%" ] &&
  grep -qxF '    0x8000000        0x10e000000      1G' "$tmp/out" &&
  grep -qxF '    vnet1            primary-vsw0@primary        network@0    00:14:4f:f8:00:06' "$tmp/out" &&
  grep -qxF '    vdisk1           vol1@primary-vds0           disk@0  primary' "$tmp/out" &&
  grep -qxF '    ldg1             primary-vcc0@primary        5000' "$tmp/out"
verify "list-bindings ldg1: strands from 8, memory at RA 0x8000000 PA 0x10e000000, network, disk, console 5000" $?
run ldm ls-bindings -p ldg1
[ "$(sed -n 1,2p "$tmp/out")" = "VERSION 1.3
DOMAIN|name=ldg1|state=bound|flags=|cons=5000|ncpu=8|mem=1073741824|util=|uptime=|softstate=" ] &&
  grep -qxF '|vid=0|pid=8|util=|strand=100' "$tmp/out" && grep -qxF '|ra=0x8000000|pa=0x10e000000|size=1073741824' "$tmp/out" &&
  grep -qxF 'VDISK|name=vdisk1|vol=vol1@primary-vds0|timeout=30|dev=disk@0|server=primary|mpgroup=|id=0' "$tmp/out" &&
  grep -qxF 'VCONS|group=ldg1|service=primary-vcc0|port=5000' "$tmp/out"
verify "list-bindings -p ldg1: DOMAIN, VCPU, MEMORY, VDISK and VCONS records" $?

# crypto units on a bound domain: re-bound on its own core; CPUs cannot drop below them
expect_ok ldm add-crypto 1 ldg1
run ldm list-devices -a mau
grep -qxF '    1       (8, 9, 10, 11, 12, 13, 14, 15)          ldg1' "$tmp/out"
verify "the crypto unit of ldg1's core (1) is bound to ldg1" $?
expect_fail "LDom ldg1 has crypto units bound: remove them (set-mau) before removing vcpus" ldm set-vcpu 4 ldg1
expect_fail "LDom ldg1 has only 1 crypto units" ldm rm-crypto 2 ldg1
expect_ok ldm remove-mau 1 ldg1

# ==== over-commit: a bind that does not fit fails and changes nothing =======================
expect_ok ldm add-vcpu 120 ldg2
expect_ok ldm add-memory 1G ldg2
snapshot() { ldm list >"$tmp/list.$1"; ldm list-devices -a >"$tmp/devices.$1"; ldm list-bindings >"$tmp/bindings.$1"; }
unchanged() { snapshot after && diff "$tmp/list.before" "$tmp/list.after" && diff "$tmp/devices.before" "$tmp/devices.after" &&
  diff "$tmp/bindings.before" "$tmp/bindings.after"; }
snapshot before
expect_fail "Insufficient vcpus available to bind LDom ldg2: 120 requested, 112 free" ldm bind ldg2
unchanged
check "the failed bind (vcpus) left ldm list, list-devices -a and list-bindings unchanged" $?
expect_ok ldm set-vcpu 4 ldg2
expect_ok ldm set-memory 258000M ldg2
snapshot before
expect_fail "Insufficient memory available to bind LDom ldg2: 258000M requested, 256800M free" ldm bind ldg2
unchanged
check "the failed bind (memory) left ldm list, list-devices -a and list-bindings unchanged" $?
# ... and on a bound domain: the growth is refused, the old binding stays.
expect_fail "Insufficient vcpus available to bind LDom ldg1: 128 requested, 120 free" ldm add-vcpu 120 ldg1
unchanged
check "a bound domain that cannot get more vcpus keeps its strands, memory and console port" $?
expect_fail "Insufficient memory available to bind LDom ldg1: 253G requested, 257824M free" ldm add-memory 252G ldg1
unchanged
check "a bound domain that cannot get more memory keeps its strands, memory and console port" $?
expect_ok ldm set-memory 2G ldg2
expect_ok ldm bind ldg2
expect_out "$H
primary    active     -n-cv-  SP      8     4G       0.1%  0s
ldg1       bound      ------  5000    8     1G
ldg2       bound      ------  5001    4     2G
ldg3       inactive   ------" ldm list

# ==== start, panic, stop =====================================================================
expect_out "LDom ldg1 started" ldm start ldg1
expect_fail "LDom ldg1 is already active" ldm start-domain ldg1
expect_fail "LDom ldg1 is active" ldm bind ldg1
expect_fail "LDom ldg1 must be stopped before it can be unbound" ldm unbind ldg1
expect_fail "LDom ldg1 must be unbound before it can be removed" ldm rm-domain ldg1
expect_fail "LDom ldg1 is active: memory can only be changed while it is stopped" ldm add-memory 1G ldg1
expect_fail "LDom ldg1 is active: crypto units can only be changed while it is stopped" ldm add-crypto 1 ldg1
vfctl clock advance 5ms >/dev/null
run vfctl console ldg1
[ "$(grep -c '^vfsim-runtime: booting on vcpu 0' "$tmp/out")" = 1 ] && grep -q '^smp: 8 vcpus up' "$tmp/out"
verify "ldg1 boots its guest runtime once" $?
expect_ok ldm panic-domain ldg1
expect_ok ldm panic ldg1
expect_fail "LDom primary is the control domain and cannot be panicked" ldm panic-domain primary
vfctl clock advance 5ms >/dev/null
run ldm list -p ldg1
grep -q '^DOMAIN|name=ldg1|state=active|flags=-n----|cons=5000|ncpu=8|mem=1073741824|' "$tmp/out"
verify "after panic-domain ldg1 is active again" $?
run vfctl console ldg1
grep -q '^smp: 8 vcpus up' "$tmp/out"
verify "the panicked guest booted again" $?
expect_out "LDom ldg2 started" ldm start-domain ldg2
expect_fail "LDom primary is the control domain: reboot it with 'vfctl reboot primary'" ldm stop primary
expect_out "LDom ldg1 stopped" ldm stop -f ldg1
expect_out "LDom ldg2 stopped" ldm stop-domain -a
expect_out "LDom ldg1 started
LDom ldg2 started" ldm start -a
expect_out "LDom ldg1 stopped
LDom ldg2 stopped" ldm stop -a
expect_ok ldm unbind ldg1
expect_fail "LDom primary is the control domain and cannot be unbound" ldm unbind primary

# ==== physical I/O: pci@500 (freed from primary above) to a guest and back ===================
expect_ok ldm add-io pci_1 ldg3
expect_fail "Device pci@500 is already bound to LDom ldg3" ldm add-io pci@500 ldg3
run ldm list-constraints ldg3
grep -qxF '    pci@500          pci_1' "$tmp/out"
verify "list-constraints ldg3 shows the bus pci@500 (pci_1)" $?
expect_ok ldm add-vcpu 4 ldg3
expect_ok ldm add-memory 1G ldg3
expect_ok ldm bind ldg3
expect_out "IO
    DEVICE           PSEUDONYM        BOUND   OPTIONS
    pci@400          pci_0            yes
    pci@500          pci_1            yes" ldm list-devices -a io
expect_fail "Device pci@500 is bound to LDom ldg3" ldm add-io pci@500 primary
expect_fail "LDom ldg3 must be inactive to change its I/O devices" ldm remove-io pci@500 ldg3
expect_ok ldm unbind ldg3
expect_ok ldm remove-io pci@500 ldg3
expect_fail "Device pci@500 is not bound to LDom ldg3" ldm remove-io pci@500 ldg3
expect_out "$INITIATE" ldm add-io pci@500 primary
expect_fail "Delayed reconfiguration of LDom ldg3 is not permitted" ldm bind ldg3
expect_out "primary rebooted" vfctl reboot primary
run ldm list -l primary
grep -qxF '    pci@500          pci_1' "$tmp/out"
verify "after the reboot primary owns pci@500 again (list -l primary)" $?

# ==== SP configurations ======================================================================
expect_out "factory-default [current]" ldm list-spconfig
expect_ok ldm add-config cfg1
expect_ok ldm add-spconfig cfg2
expect_out "factory-default
cfg1
cfg2 [current]" ldm ls-config
expect_ok ldm set-config cfg1
expect_out "factory-default
cfg1 [next poweron]
cfg2" ldm list-config
expect_fail "No configuration named nosuch exists" ldm set-spconfig nosuch
expect_fail "No configuration named nosuch exists" ldm rm-spconfig nosuch
expect_fail "The factory-default configuration cannot be removed" ldm remove-spconfig factory-default
expect_fail "A configuration named factory-default already exists" ldm add-spconfig factory-default
expect_ok ldm rm-config cfg1
expect_out "factory-default
cfg2 [current]" ldm ls-spconfig

# ==== cancel-operation =======================================================================
expect_fail "No migration of LDom ldg1 is in progress" ldm cancel-operation migration ldg1
expect_fail "LDom ldg1 does not have a delayed reconfiguration in progress" ldm cancel-operation reconf ldg1
run ldm cancel-operation
[ "$rc" = 1 ] && grep -qxF '    ldm cancel-operation (migration | reconf) <ldom>' "$tmp/err"
verify "cancel-operation without an operation prints its usage" $?

# ==== removing domains =======================================================================
expect_fail "LDom primary is the control domain and cannot be removed" ldm remove-domain primary
expect_ok ldm destroy ldg3
expect_ok ldm unbind-domain ldg2
expect_ok ldm rm-domain ldg2
expect_ok ldm remove-domain -a
expect_out "$H
primary    active     -n-cv-  SP      8     4G       0.1%  0s" ldm list
expect_ok ldm rm-vdsdev vol1@primary-vds0
expect_ok ldm rm-vds primary-vds0
expect_ok ldm rm-vsw primary-vsw0
expect_ok ldm rm-vcc primary-vcc0
expect_out "$H
primary    active     -n-c--  SP      8     4G       0.1%  0s" ldm ls

stop_ldmd
finish
