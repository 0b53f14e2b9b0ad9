#!/usr/bin/python3
"""Checks what scripts/tour.sh made: every stop's JSON loads with Python's json, is a Chrome
trace-event file, and holds the events that stop is about on the tracks it should (named as
Perfetto shows them, "process / thread"); every flow that ends started earlier; every picture
is a PNG of sane dimensions.
Usage: tour_check.py TRACE_DIR PICTURE_DIR [INTERNALS_MD]"""
import json
import os
import re
import struct
import sys

failures = 0


def check(what, ok):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {what}")
    failures += 0 if ok else 1


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        check(f"{os.path.basename(path)} loads as JSON ({e})", False)
        return None
    ev = doc.get("traceEvents") if isinstance(doc, dict) else None
    check(f"{os.path.basename(path)} loads as JSON with a traceEvents list", isinstance(ev, list))
    return ev if isinstance(ev, list) else None


def tracks(ev):
    proc = {e["pid"]: e["args"]["name"] for e in ev if e.get("ph") == "M" and e.get("name") == "process_name"}
    return {(e["pid"], e["tid"]): f"{proc.get(e['pid'], e['pid'])} / {e['args']['name']}"
            for e in ev if e.get("ph") == "M" and e.get("name") == "thread_name"}


def has(ev, names, track, ph, name, args=None):
    """Is there an event of phase ph (a string of phases) named name (a regex) on a track
    whose label matches track, with these args?"""
    for e in ev:
        if e.get("ph") in ph and re.fullmatch(name, str(e.get("name", ""))) and \
                re.fullmatch(track, names.get((e.get("pid"), e.get("tid")), "")):
            if all(e.get("args", {}).get(k) == v for k, v in (args or {}).items()):
                return True
    return False


def flows(ev):
    """Flows whose "f" point is not after their "s" (ids of s and f per category), and the count."""
    starts = {(e.get("cat"), e["id"]): e["ts"] for e in ev if e.get("ph") == "s"}
    ends = [(e.get("cat"), e["id"], e["ts"]) for e in ev if e.get("ph") == "f"]
    bad = [i for c, i, ts in ends if (c, i) not in starts or starts[(c, i)] > ts]
    return bad, len(ends)


# stop -> [(track regex, phases, name regex, args, what)]
SLICE, MARK = "XB", "Xi"
EXPECT = {
    "boot": [
        (r"a / vcpu0", SLICE, "api_set_version", None, "the guest negotiates API versions"),
        (r"a / vcpu0", SLICE, "mach_desc", None, "vCPU 0 reads its machine description"),
        (r"a / vcpu0", SLICE, "mmu_enable", None, "vCPU 0 turns its MMU on"),
        (r"a / vcpu0", SLICE, "cpu_start", None, "vCPU 0 starts vCPU 1"),
        (r"a / vcpu1", SLICE, "cpu_qconf", None, "vCPU 1 sets up its mondo queue"),
        (r"a / vcpu1", MARK, "cpu mondo send", {"target": 0}, "vCPU 1 sends vCPU 0 a mondo (intr)"),
        (r"a / vcpu0", MARK, "take cpu mondo", {"tt": 0x7c}, "vCPU 0 takes it, trap 0x7c"),
        (r"a / vcpu1", MARK, "mmu miss", {"access": "store", "tt": 0x68}, "a store misses: trap 0x68 to the guest (mmu)"),
        (r"a / vcpu1", MARK, "tsb hit", {"page": "8K"}, "the retry's TSB walk hits"),
    ],
    "bind": [
        (r"host / host", SLICE + "i", "ldm add-domain ldg1", None, "ldm add-domain as a slice on the host"),
        (r"host / host", SLICE + "i", "ldm bind ldg1", None, "ldm bind"),
        (r"host / host", SLICE + "i", "ldm start ldg1", None, "ldm start"),
        (r"ldg1 / domain", SLICE, "inactive", None, "ldg1 is inactive"),
        (r"ldg1 / domain", SLICE, "bound", {"vcpus": 2, "memory": 256 << 20}, "then bound with 2 vCPUs, 256M"),
        (r"ldg1 / domain", SLICE, "active", None, "then active"),
        (r"ldg1 / domain", "i", "md rebuilt", {"generation": 2}, "its MD is built at bind (md)"),
        (r"ldg1 / vcpu0", SLICE, "mach_desc", None, "the new domain boots and reads its MD"),
        (r"ldg1 / vcpu1", SLICE, "cpu_yield", None, "its second vCPU runs"),
    ],
    "ldc": [
        (r"a / channel0", MARK, r"ldc 0x01/0x01", {"ctrl": 1}, "a sends VER (control INFO)"),
        (r"b / channel0", MARK, r"ldc 0x01/0x02", {"ctrl": 1}, "b ACKs the version"),
        (r"a / channel0", MARK, r"ldc 0x01/0x01", {"ctrl": 2}, "a sends RTS"),
        (r"b / channel0", MARK, r"ldc 0x01/0x01", {"ctrl": 3}, "b answers RTR"),
        (r"a / channel0", MARK, r"ldc 0x01/0x01", {"ctrl": 4}, "a sends RDX"),
        (r"b / channel0", MARK, r"ldc read", None, "b reads a packet"),
        (r"a / channel0", MARK, r"ldc 0x02/0x01", {"size": 56}, "a sends data"),
        (r"b / vcpu0", MARK, r"take dev mondo", None, "b's vCPU takes the receive interrupt (intr)"),
        (r"b / channel0", "C", r"channel0 rx queue", None, "b's RX queue depth is counted"),
    ],
    "vdisk": [
        (r"services / vds", "Xi", "VER_INFO INFO", None, "the VIO handshake starts with VER_INFO"),
        (r"services / vds", "Xi", "RDX ACK", None, "and ends with RDX's ACK"),
        (r"services / vds", "Xi", "DRING_DATA INFO", None, "the guest posts the descriptor"),
        (r"services / vds", SLICE, "vds BREAD", {"bytes": 8192, "status": 0}, "the vds reads 8 KB"),
        (r"services / vds", "Xi", "DRING_DATA ACK", None, "and acknowledges it"),
        (r"services / vds", "C", "vds requests a/ch0", None, "the vds's requests in flight are counted"),
    ],
    "dr": [
        (r"host / host", SLICE, "ldm add-vcpu 2 ldg1", None, "ldm add-vcpu is a slice that waits for the guest"),
        (r"ldg1 / domain", "i", "md-update sent", None, "ldmd tells ldg1 its MD changed (md)"),
        (r"services / ds@ldg1", MARK, "DATA md-update", {"bytes": 4}, "the guest's md-update reply (ds)"),
        (r"services / ds@ldg1", MARK, "DATA dr-cpu", {"bytes": 16}, "ldmd's dr-cpu request for two vCPUs"),
        (r"ldg1 / channel0", MARK, r"ldc 0x02/0x01", None, "DS data on ldg1's channel 0"),
        (r"ldg1 / vcpu0", SLICE, "mach_desc", None, "the guest reads its new MD"),
        (r"ldg1 / vcpu0", SLICE, "cpu_start", None, "vCPU 0 starts the new vCPUs"),
        (r"ldg1 / vcpu2", SLICE, "mmu_enable", None, "vCPU 2 comes up"),
        (r"ldg1 / vcpu3", SLICE, "cpu_qconf", None, "vCPU 3 comes up"),
    ],
    "migration-source": [
        (r"services / migration ldg2", SLICE, name, None, f"the source's {name} phase")
        for name in ("migrate ldg2 to hostb", "checks", "transfer", "round 0", "final round", "handoff")
    ] + [
        (r"services / migration ldg2", SLICE + "i", "prepare", None, "the (empty, live) prepare phase"),
        (r"ldg2 / domain", SLICE, "migrating out", None, "ldg2 runs while round 0 is sent"),
        (r"ldg2 / domain", SLICE, r"suspended \(migrating\)", None, "ldg2 is suspended for the final round"),
        (r"host / host", SLICE, r"ldm migrate-domain .*", None, "the ldm command spans the migration"),
    ],
    "migration-target": [
        (r"services / migration ldg2", SLICE + "i", name, None, f"the target's {name}")
        for name in ("receive ldg2 from hosta", "checks", "receive", "install")
    ] + [
        (r"ldg2 / domain", SLICE, "active", None, "ldg2 is active on the target"),
    ],
    "migration-timeline": [
        (r"hosta \(source\) / phases", SLICE, name, None, f"the {name} phase")
        for name in ("checks", "prepare", "transfer", "handoff")
    ] + [
        (r"hosta \(source\) / rounds", SLICE, "round 0", None, "pre-copy round 0"),
        (r"hostb \(target\) / receive", SLICE, "install and resume", None, "the target resumes the guest"),
    ],
}

trace_dir, pic_dir = sys.argv[1], sys.argv[2]
for stop, expect in EXPECT.items():
    ev = load(os.path.join(trace_dir, stop + ".json"))
    if ev is None:
        continue
    names = tracks(ev)
    for track, ph, name, args, what in expect:
        check(f"{stop}: {what} ({name} on {track})", has(ev, names, track, ph, name, args))
    bad, n = flows(ev)
    check(f"{stop}: each of the {n} flow ends follows its start", not bad)
ldc = load(os.path.join(trace_dir, "ldc.json")) or []
check("ldc: flows link sends to reads", flows(ldc)[1] >= 5)
for stop in ("boot", "bind", "ldc", "vdisk", "dr", "migration-source", "migration-target"):
    path = os.path.join(trace_dir, stop + ".txt")
    lines = open(path).read().splitlines() if os.path.exists(path) else []
    check(f"{stop}.txt has timed lines", len(lines) > 5 and all(re.match(r" *\d+\.\d{3} us  ", l) for l in lines))

for stop in ("boot", "boot-zoom", "bind", "ldc", "vdisk", "dr", "migration"):
    path = os.path.join(pic_dir, f"tour-{stop}.png")
    try:
        with open(path, "rb") as f:
            head = f.read(24)
    except OSError:
        head = b""
    ok = head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    w, h = struct.unpack(">II", head[16:24]) if ok else (0, 0)
    check(f"tour-{stop}.png is a PNG of sane size ({w} x {h})", ok and 800 <= w <= 4000 and 100 <= h <= 3000)
# The tour's excerpts: every trace line quoted in docs/internals.md is a line of the file it
# is quoted from (the doc names it, "build/tour/STOP.txt", before the block).
if len(sys.argv) > 3:
    doc = open(sys.argv[3], encoding="utf-8").read()
    quoted = 0
    for m in re.finditer(r"\(`build/tour/([a-z-]+\.txt)`[^\n]*\n+```\n(.*?)```", doc, re.S):
        path = os.path.join(trace_dir, m.group(1))
        have = set(open(path).read().splitlines()) if os.path.exists(path) else set()
        for line in m.group(2).splitlines():
            if re.match(r" *\d+\.\d{3} us  ", line):
                quoted += 1
                check(f"internals.md quotes {m.group(1)}: {line.strip()[:70]}", line in have)
    check(f"internals.md quotes trace lines ({quoted})", quoted >= 40)
sys.exit(1 if failures else 0)
