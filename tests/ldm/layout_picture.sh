#!/usr/bin/env bash
# vfctl layout (docs/layout.md) on a T5240 with three guests: ldg1 (4 vCPUs, a crypto unit, 1G,
# a vdisk and a vnet), ldg2 (4 vCPUs on ldg1's core, memory placed by mblock= on socket 1, a
# vnet) and ldg3 (inactive). The SVG is read back with python's xml.etree (not with anything of
# vfctl's): every domain and service is named, the links carry the LDC channel ids, there is a
# node per strand and the strands of each domain are the ones `ldm list-bindings -p` lists. The
# PNG is a PNG with a size; --json agrees with list-bindings. Plans: a script placing a guest's
# memory on the other socket gets a NUMA warning naming it, one placing it on its own socket
# none; list-constraints -x of a domain works as a plan; a line ldm refuses fails the plan with
# its line number and ldm's own message; none of it changes the host.
# Usage: layout_picture.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd || exit 1
small_primary   # primary: strands 0-7 (core 0 and its crypto unit), 4G
expect_ok ldm add-vds primary-vds0 primary
expect_ok ldm add-vsw primary-vsw0 primary
expect_ok ldm add-vcc port-range=15881-15889 primary-vcc0 primary
disk_image /ldoms/ldg1.img 64M
expect_ok ldm add-vdsdev /ldoms/ldg1.img vol1@primary-vds0
new_guest ldg1 4 1G
expect_ok ldm add-mau 1 ldg1
expect_ok ldm add-vdisk vdisk1 vol1@primary-vds0 ldg1
expect_ok ldm add-vnet vnet1 primary-vsw0 ldg1
expect_ok ldm bind ldg1
expect_ok ldm add-domain ldg2
expect_ok ldm add-vcpu 4 ldg2
expect_ok ldm add-memory mblock=0x1c0000000:256M ldg2   # 7G: PA[30] = 1, socket 1
expect_ok ldm add-vnet vnet1 primary-vsw0 ldg2
expect_ok ldm bind ldg2
new_guest ldg3 8 512M
py() { python3 - "$@" >"$tmp/py" 2>&1; local st=$?; [ $st = 0 ] || sed 's/^/  py| /' "$tmp/py"; return $st; }

# ---- the text summary
run vfctl layout
[ "$rc" = 0 ] && head -n 1 "$tmp/out" | grep -qxF "Host vfsim (T5240): 2 socket(s), 16 cores, 128 strands" &&
  grep -Eq '^ldg1 +bound +8-11 +1G +core 1 +-$' "$tmp/out" && grep -Eq '^ldg3 +inactive +- ' "$tmp/out" &&
  grep -qxF "  ldg1 vdisk vdisk1 -> primary-vds0@primary channel 1 (vol1)" "$tmp/out" &&
  grep -qxF "Warning: crypto: LDom ldg2 has strands on core 1, whose crypto unit LDom ldg1 holds" "$tmp/out" &&
  grep -qxF "Warning: NUMA: LDom ldg2 (strands on socket 0) has memory 0x1c0000000:256M homed elsewhere: 256M on socket 1" "$tmp/out"
verify "vfctl layout: the summary (domains, links with channels, crypto and NUMA findings)" $?

# ---- SVG, read with xml.etree
for d in ldg1 ldg2 primary; do ldm list-bindings -p $d | sed -n 's/^|vid=[0-9]*|pid=\([0-9]*\)|.*/\1/p' | sort -n | tr '\n' ' ' >"$tmp/pids.$d"; done
mkdir -p "$tmp/pic"
expect_ok vfctl layout --svg "$tmp/pic/host.svg"
py "$tmp/pic/host.svg" "$tmp" <<'EOF'
import re, sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
tmp = sys.argv[2]
texts = [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
def named(word):
    return any(word in t.split() for t in texts)
for w in ["primary", "ldg1", "ldg2", "ldg3", "primary-vds0", "primary-vsw0", "primary-vcc0", "MAU+CWQ", "pci@400", "pci@500"]:
    assert named(w), "the picture does not name " + w
nodes, edges = {}, {}
for g in root.iter("{http://www.w3.org/2000/svg}g"):
    title = g.find("s:title", ns)
    if title is None: continue
    if g.get("class") == "node": nodes[title.text] = g
    if g.get("class") == "edge": edges[title.text] = g
strands = {int(n[6:]): g for n, g in nodes.items() if re.fullmatch(r"strand\d+", n)}
assert sorted(strands) == list(range(128)), "strand nodes: %d" % len(strands)
fill = {i: g.find(".//s:polygon", ns).get("fill") for i, g in strands.items()}
# each domain's strands (list-bindings) share one colour that no other strand has
for d in ["primary", "ldg1", "ldg2"]:
    pids = [int(x) for x in open(f"{tmp}/pids.{d}").read().split()]
    assert pids, d
    colours = {fill[p] for p in pids}
    assert len(colours) == 1, (d, colours)
    same = sorted(i for i, f in fill.items() if f in colours)
    assert same == pids, (d, same, pids)
# the links and their channel ids (HvHost binds ds, then vdisks, then vnets)
want = {("dev_ldg1_vdisk_vdisk1", "svc_vds_primary-vds0"): "ldc 1", ("dev_ldg1_vnet_vnet1", "svc_vsw_primary-vsw0"): "ldc 2",
        ("dev_ldg1_ds_ds", "svc_ds_ds"): "ldc 0", ("dev_ldg2_ds_ds", "svc_ds_ds"): "ldc 0",
        ("dev_ldg2_vnet_vnet1", "svc_vsw_primary-vsw0"): "ldc 1",
        ("dev_ldg1_vcons_console", "svc_vcc_primary-vcc0"): "port 15881",
        ("dev_ldg2_vcons_console", "svc_vcc_primary-vcc0"): "port 15882"}
for (t, h), label in want.items():
    e = edges.get(f"{t}->{h}")
    assert e is not None, f"no edge {t}->{h}: {sorted(edges)[:5]}"
    got = [x.text for x in e.findall(".//s:text", ns)]
    assert got == [label], (t, h, got)
linked = [k for k in edges if k.startswith("dev_")]
assert len(linked) == len(want), sorted(linked)
print("ok")
EOF
verify "SVG (xml.etree): names every domain and service, 128 strand nodes, each domain's strands are list-bindings', links with channel ids" $?
ls -A "$tmp/pic" >"$tmp/out"
[ "$(cat "$tmp/out")" = host.svg ]
verify "the SVG was written by rename: no temporary file is left beside it" $?

# ---- PNG: the magic and a size in IHDR
expect_ok vfctl layout --png "$tmp/pic/host.png"
py "$tmp/pic/host.png" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", b[:8]
assert b[12:16] == b"IHDR"
w, h = struct.unpack(">II", b[16:24])
assert w > 0 and h > 0, (w, h)
print(w, h)
EOF
verify "PNG: the PNG signature and an IHDR of $(cat "$tmp/py")" $?

# ---- a Graphviz without the cairo plugin (only core and dot, as its config lists them): PNG
# is refused and nothing written; SVG still works
gv=$(pkg-config --variable=libdir libgvc)/graphviz
if [ -f $gv/config6a ]; then
  mkdir -p "$tmp/gv"
  ln -s $gv/libgvplugin_core.so.6 $gv/libgvplugin_dot_layout.so.6 "$tmp/gv/"
  awk '/^libgvplugin_/ { keep = ($1 == "libgvplugin_core.so.6" || $1 == "libgvplugin_dot_layout.so.6") } keep' $gv/config6a >"$tmp/gv/config6a"
  GVBINDIR=$tmp/gv expect_fail "vfctl layout: Graphviz cannot render png here: no plugin for it is installed (PNG needs the cairo plugin of Debian's libgvc6)" \
    vfctl layout --png "$tmp/pic/nocairo.png"
  [ ! -e "$tmp/pic/nocairo.png" ] && [ "$(ls -A "$tmp/pic" | sort | tr '\n' ' ')" = "host.png host.svg " ]
  verify "without the cairo plugin nothing is written" $?
  GVBINDIR=$tmp/gv expect_ok vfctl layout --svg "$tmp/pic/core.svg"
  rm -f "$tmp/pic/core.svg"
else
  echo "note: no $gv/config6a: the missing-plugin check is skipped"
fi

# ---- JSON: the same facts as list-bindings
ldm list-bindings -p >"$tmp/bindings"
run vfctl layout --json
cp "$tmp/out" "$tmp/host.json"
py "$tmp/host.json" "$tmp/bindings" <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vfsim-layout/1" and d["plan"] is False and d["platform"] == "T5240"
count, name = {}, None
for line in open(sys.argv[2]):
    m = re.match(r"DOMAIN\|name=([^|]*)\|", line)
    if m: name = m.group(1); count[name] = 0
    elif re.match(r"\|vid=\d+\|pid=\d+\|", line): count[name] += 1
got = {x["name"]: len(x["strands"]) for x in d["domains"]}
assert got == count, (got, count)
held = sum(1 for s in d["sockets"] for c in s["cores"] for t in c["strands"] if t["domain"])
assert held == sum(count.values()), held
assert sum(m["size"] for m in d["memory"]) == 256 << 30
ldg1 = next(x for x in d["domains"] if x["name"] == "ldg1")
assert ldg1["crypto_cores"] == [1] and ldg1["memory"] == 1 << 30, ldg1
print(count)
EOF
verify "--json: strands per domain as list-bindings -p counts them ($(cat "$tmp/py")), all memory once" $?

# ---- refusals
run vfctl layout --bogus
[ "$rc" != 0 ] && grep -qxF "vfctl layout: unknown option or operand: --bogus" "$tmp/err" && grep -q "vfctl layout \[--plan FILE\]" "$tmp/err"
verify "an unknown option is refused with the usage" $?
expect_fail "vfctl layout: --svg needs a FILE" vfctl layout --svg
expect_fail "vfctl layout: one of --svg, --png and --json only" vfctl layout --svg a.svg --json
expect_fail "vfctl layout: cannot write $tmp/nodir/x.svg: No such file or directory" vfctl layout --svg "$tmp/nodir/x.svg"
[ ! -e "$tmp/nodir" ]
verify "a bad path writes nothing" $?

# ---- plans: nothing changes on the host
ldm list >"$tmp/list.before"
ldm list-bindings -p >"$tmp/bindings.before"
cat >"$tmp/plan.txt" <<'EOF'
# two guests on socket 0's strands: one with its memory on socket 0, one on socket 1
ldm add-domain near
ldm add-vcpu 2 near
ldm add-memory mblock=0x180000000:256M near   # 6G: socket 0
ldm add-domain far
ldm add-vcpu 2 far
ldm add-mau 1 far
ldm add-memory "mblock=0x240000000:256M" far  # 9G: socket 1
ldm add-vnet vnet1 primary-vsw0 far
ldm bind near
ldm bind far
EOF
run vfctl layout --plan "$tmp/plan.txt"
[ "$rc" = 0 ] && grep -qxF "Warning: NUMA: LDom far (strands on socket 0) has memory 0x240000000:256M homed elsewhere: 256M on socket 1" "$tmp/out" &&
  ! grep -q "NUMA: LDom near" "$tmp/out" && grep -Eq '^far +bound +18-19 +256M +core 2 ' "$tmp/out" &&
  head -n 1 "$tmp/out" | grep -qxF "Plan $tmp/plan.txt for host vfsim (T5240): 2 socket(s), 16 cores, 128 strands"
verify "plan: far (memory on socket 1) gets a NUMA warning naming it, near none" $?
run vfctl layout --plan "$tmp/plan.txt" --json
py "$tmp/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["plan"] is True
numa = {n["domain"]: n for n in d["numa"]}
assert numa["far"]["strand_sockets"] == [0] and numa["far"]["remote"][0]["remote_bytes"] == 256 << 20, numa["far"]
assert "near" not in numa
print("ok")
EOF
verify "plan --json: the NUMA finding for far, none for near" $?
expect_ok vfctl layout --plan "$tmp/plan.txt" --svg "$tmp/pic/plan.svg" >/dev/null
grep -q '>far<' "$tmp/pic/plan.svg"
verify "plan --svg draws the planned domain" $?

ldm list-constraints -x ldg1 >"$tmp/ldg1.xml"
run vfctl layout --plan "$tmp/ldg1.xml" --json
py "$tmp/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
x = {x["name"]: x for x in d["domains"]}
assert d["plan"] is True and x["ldg1"]["state"] == "bound" and len(x["ldg1"]["strands"]) == 4 and x["ldg1"]["crypto_cores"], x["ldg1"]
assert any(l["client"] == "ldg1" and l["kind"] == "vdisk" and l["service"] == "primary-vds0" for l in d["links"])
print("ok")
EOF
verify "plan: ldm list-constraints -x ldg1 as a plan: ldg1 bound with 4 strands, a crypto unit and its vdisk" $?

printf 'ldm add-domain x\n\n# the next one is too many\nldm add-vcpu 999 x\nldm bind x\n' >"$tmp/bad.txt"
run ldm add-vcpu 999 ldg3
cp "$tmp/err" "$tmp/ldm.err"
run vfctl layout --plan "$tmp/bad.txt"
[ "$rc" != 0 ] && [ -s "$tmp/ldm.err" ] && [ "$(head -n 1 "$tmp/err")" = "$tmp/bad.txt:4: ldm add-vcpu 999 x" ] &&
  [ "$(tail -n +2 "$tmp/err")" = "$(cat "$tmp/ldm.err")" ] && [ ! -s "$tmp/out" ]
verify "plan: a line ldm refuses fails with its line number and ldm's own message ($(tail -n +2 "$tmp/err"))" $?
printf 'ldm add-domain y\nvirsh start y\n' >"$tmp/bad2.txt"
expect_fail "$tmp/bad2.txt:2: not an ldm command: virsh start y (a plan is ldm command lines, or list-constraints -x XML)" \
  vfctl layout --plan "$tmp/bad2.txt"
expect_fail "vfctl layout: cannot read $tmp/none.txt" vfctl layout --plan "$tmp/none.txt"
run ldm list x
[ "$rc" != 0 ]
verify "the refused plan's domain x does not exist on the host" $?
ldm list >"$tmp/list.after"
ldm list-bindings -p >"$tmp/bindings.after"
cmp -s "$tmp/list.before" "$tmp/list.after" && cmp -s "$tmp/bindings.before" "$tmp/bindings.after"
verify "after the plans, ldm list and ldm list-bindings -p are unchanged" $?
finish
