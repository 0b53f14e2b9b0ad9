#!/usr/bin/env bash
# The XML interface as a user drives it: list-constraints -x of a guest and of a service
# domain saved to a file, the domains removed, add-domain -i FILE making them again with the
# same constraints (text, -p and -x listings, kept across an ldmd restart, and they bind);
# a file ldm cannot read, and bad XML, refused with their message and nothing changed.
# Any vcc here uses ports 15801-15809 (tests sharing the host keep out of that range).
# Usage: xml.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd || exit 1
small_primary
ldm remove-io pci@500 primary >/dev/null
vfctl reboot primary >/dev/null
disk_image /ldoms/disk0.img 8M
disk_image /ldoms/disk1.img 8M

# A service domain with every service, a guest with every device using them.
expect_ok ldm add-domain mac-addr=00:14:4f:fb:00:01 hostid=0x12345678 failure-policy=reset svc1
expect_ok ldm set-vcpu -c 1 svc1
expect_ok ldm set-mau 1 svc1
expect_ok ldm set-memory 1G svc1
expect_ok ldm add-io pci@500 svc1
expect_ok ldm add-vcc port-range=15801-15809 svc1-vcc0 svc1
expect_ok ldm add-vds svc1-vds0 svc1
expect_ok ldm add-vdsdev options=ro mpgroup=mp1 /ldoms/disk0.img vol0@svc1-vds0
expect_ok ldm add-vdsdev /ldoms/disk1.img vol1@svc1-vds0
expect_ok ldm add-vsw net-dev=e1000g0 mode=sc mtu=9000 id=3 svc1-vsw0 svc1
expect_ok ldm add-domain ldg1
expect_ok ldm set-vcpu 4 ldg1
expect_ok ldm set-memory 512M ldg1
expect_ok ldm set-var "nvramrc=devalias vnet0 /virtual-devices@100/channel-devices@200/network@0" ldg1
expect_ok ldm set-var "auto-boot?=false" ldg1
expect_ok ldm add-vnet pvid=7 vid=20,21 mtu=9000 vnet0 svc1-vsw0 ldg1
expect_ok ldm add-vnet vnet1 svc1-vsw0 ldg1
expect_ok ldm add-vdisk timeout=30 vdisk0 vol0@svc1-vds0 ldg1
expect_ok ldm add-vdisk vdisk1 vol1@svc1-vds0 ldg1
expect_ok ldm set-vcons port=15805 group=grp1 service=svc1-vcc0 ldg1
expect_ok ldm set-domain master=svc1 ldg1

snapshot() {   # every listing of the two domains' constraints, into $1
  { ldm list-constraints -x svc1 ldg1; ldm list-constraints -p svc1 ldg1; ldm list-constraints svc1 ldg1
    ldm list-services -p svc1; ldm list-variable ldg1; } >"$1" 2>&1
}
snapshot "$tmp/before"
same() {   # FILE1 FILE2 WHAT: check they are equal, showing the difference when not
  cmp -s "$1" "$2"
  local st=$?
  [ $st = 0 ] || diff "$1" "$2" | sed 's/^/  diff| /'
  check "$3" $st
}

# The guest alone, as the issue's round trip: its services stay in svc1.
ldm list-constraints -x ldg1 >"$tmp/ldg1.xml"
check "list-constraints -x ldg1 > ldg1.xml" $?
grep -q '<rasd:OtherResourceType>network</rasd:OtherResourceType>' "$tmp/ldg1.xml" &&
  grep -q '<rasd:OtherResourceType>disk</rasd:OtherResourceType>' "$tmp/ldg1.xml" &&
  grep -q '<rasd:OtherResourceType>console</rasd:OtherResourceType>' "$tmp/ldg1.xml"
check "the guest's document has its network, disk and console items" $?
expect_ok ldm rm-domain ldg1
expect_fail "LDom ldg1 not found" ldm list ldg1
expect_ok ldm add-domain -i "$tmp/ldg1.xml"
snapshot "$tmp/after1"
same "$tmp/before" "$tmp/after1" "ldg1 comes back with the same constraints (-x, -p, text, variables)"

# Both domains in one file, services included.
ldm list-constraints -x svc1 ldg1 >"$tmp/both.xml"
check "list-constraints -x svc1 ldg1 > both.xml" $?
expect_ok ldm rm-domain ldg1 svc1
expect_ok ldm create -i "$tmp/both.xml"
snapshot "$tmp/after2"
same "$tmp/before" "$tmp/after2" "svc1 and ldg1 come back from one file with the same constraints"

# Saved: the same after ldmd restarts on its state directory.
stop_ldmd
start_ldmd || exit 1
snapshot "$tmp/after3"
same "$tmp/before" "$tmp/after3" "the domains made from XML are kept across an ldmd restart"
expect_ok ldm bind svc1
expect_ok ldm bind ldg1
ldm list ldg1 | grep -q '^ldg1       bound      ------  15805   4     512M$'
verify "ldg1 made from XML binds, with its console on port 15805 of svc1-vcc0" $?
expect_ok ldm unbind ldg1
expect_ok ldm unbind svc1

# Files ldm cannot read: one line naming the file, exit 1, nothing sent.
ldm list-constraints -x >"$tmp/all_before"
expect_fail "Unable to read the XML file $tmp/nosuch.xml: No such file or directory" ldm add-domain -i "$tmp/nosuch.xml"
expect_fail "Unable to read the XML file $tmp: Is a directory" ldm add-domain -i "$tmp"
if [ "$(id -u)" != 0 ]; then   # root reads any file
  cp "$tmp/ldg1.xml" "$tmp/secret.xml" && chmod 000 "$tmp/secret.xml"
  expect_fail "Unable to read the XML file $tmp/secret.xml: Permission denied" ldm add-domain -i "$tmp/secret.xml"
fi

# Bad XML: the element and the line, and nothing changes.
sed 's/<rasd:AllocationUnits>512M</<rasd:AllocationUnits>abc</' "$tmp/ldg1.xml" >"$tmp/badsize.xml"
line=$(grep -n '>abc<' "$tmp/badsize.xml" | cut -d: -f1)
sed 's/ldg1/ldg2/g' "$tmp/badsize.xml" >"$tmp/badsize2.xml"
expect_fail "Invalid XML: line $line: <rasd:AllocationUnits> of memory: 'abc' is not a size" ldm add-domain -i "$tmp/badsize2.xml"
head -c 300 "$tmp/ldg1.xml" >"$tmp/cut.xml"
run ldm add-domain -i "$tmp/cut.xml"
[ "$rc" = 1 ] && grep -q '^Invalid XML: line [0-9]*: ' "$tmp/err"
verify "a document cut short is refused as invalid XML" $?
# (its MACs dropped: ldg1 holds them, and ldg3 would be refused for that first)
sed 's/ldg1/ldg3/g; s/svc1-vsw0/nosuch-vsw/; /<rasd:Address>/d' "$tmp/ldg1.xml" >"$tmp/novsw.xml"
line=$(grep -n '>nosuch-vsw<' "$tmp/novsw.xml" | head -1 | cut -d: -f1)
item=$(awk -v l="$line" 'NR < l && /<Item>/ { n = NR } END { print n }' "$tmp/novsw.xml")
expect_fail "line $item: network of ldg3: Service nosuch-vsw does not exist" ldm add-domain -i "$tmp/novsw.xml"
expect_fail "line 8: ldom_info of ldg1: LDom ldg1 already exists" ldm add-domain -i "$tmp/ldg1.xml"
ldm list-constraints -x >"$tmp/all_after"
same "$tmp/all_before" "$tmp/all_after" "no refused add-domain -i changed any domain"
expect_fail "LDom ldg3 not found" ldm list ldg3

# The XML interface's requests (ldmd --xml-interface; vfctl xml sends one document).
cat >"$tmp/req.xml" <<'EOF2'
<?xml version="1.0"?>
<LDM_interface version="1.0">
  <cmd>
    <action>bind-domain</action>
    <data version="3.0"><Envelope><References/><Content xsi:type="ovf:VirtualSystem_Type" id="svc1"/></Envelope></data>
  </cmd>
  <cmd>
    <action>list-domain</action>
    <data version="3.0"><Envelope><References/><Content xsi:type="ovf:VirtualSystem_Type" id="svc1"/></Envelope></data>
  </cmd>
</LDM_interface>
EOF2
expect_fail "ldmd: the XML interface is off: start ldmd with --xml-interface" vfctl xml "$tmp/req.xml"
stop_ldmd
start_ldmd --xml-interface || exit 1
run vfctl xml "$tmp/req.xml"
# statuses: document, each cmd, each data; and list-domain's state of svc1
python3 - "$tmp/out" >"$tmp/statuses" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
st = lambda n: n.find("response/status").text
print(st(root), *[st(c) + ":" + ",".join(st(d) for d in c.findall("data")) for c in root.findall("cmd")])
for g in root.iter("{./schemas/GenericProperty}GenericProperty"):
    if g.get("key") == "state":
        print("state", g.text)
PY
[ "$rc" = 0 ] && [ "$(cat "$tmp/statuses")" = "success success:success success:success
state bound" ]
verify "vfctl xml: bind-domain then list-domain of svc1 succeed at every level, and svc1 is bound ($(tr '\n' ' ' <"$tmp/statuses"))" $?
sed 's/bind-domain/frobnicate-domain/; s/id="svc1"/id="nosuch"/' "$tmp/req.xml" >"$tmp/bad.xml"
run vfctl xml "$tmp/bad.xml"
[ "$rc" = 1 ] && grep -q "<resp_msg>Action frobnicate-domain is not served by vfsim's XML interface</resp_msg>" "$tmp/out" &&
  grep -q "<resp_msg>LDom nosuch not found</resp_msg>" "$tmp/out"
verify "vfctl xml: an action not served and an unknown domain are failures in the response, exit 1" $?
expect_ok ldm unbind svc1
finish
