#!/usr/bin/env python3
"""Reads a Chrome/Perfetto trace JSON with Python's json module alone and checks what the
viewers rely on; prints one line per finding and exits 1 if any.

Always checked: the file parses; every non-metadata event is in non-decreasing time order;
per (pid, tid), X slices and B/E pairs nest (a child lies inside its parent, no partial
overlap, every E closes a B of its track, no B left open); every flow id has exactly one "s"
and one "f", and the "f" is not earlier than its "s"; every pid and (pid, tid) used is named
by metadata.

Options add expectations:
  --process NAME          a process of that name exists
  --only-processes A,B    the non-metadata events are in these processes only
  --thread PROC/THREAD    a thread THREAD in process PROC exists (THREAD may end in '*')
  --slice PROC/THREAD/N   at least one X or B slice named N on THREAD (may end in '*') of PROC
  --count PROC/THREAD/N   print how many slices named N there are (for the caller to compare)
  --min-events N          at least N non-metadata events
  --flows                 at least one flow
  --open PROC/THREAD      allow flows left open at the end (unread packets) and print how
                          many started on THREAD (may end in '*') of PROC
"""
import argparse
import fnmatch
import json
import sys
from decimal import Decimal


def ps(x):
    """Microseconds as written (decimal, picosecond digits) to integer picoseconds."""
    return int(Decimal(str(x)) * 1000000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--process", action="append", default=[])
    ap.add_argument("--only-processes")
    ap.add_argument("--thread", action="append", default=[])
    ap.add_argument("--slice", action="append", default=[])
    ap.add_argument("--count", action="append", default=[])
    ap.add_argument("--min-events", type=int, default=1)
    ap.add_argument("--flows", action="store_true")
    ap.add_argument("--open", action="append", default=[])
    a = ap.parse_args()
    bad = []

    with open(a.file) as f:
        doc = json.load(f, parse_float=Decimal)
    events = doc["traceEvents"]
    procs, threads = {}, {}
    body = []
    for e in events:
        if e["ph"] == "M":
            if e["name"] == "process_name":
                procs[e["pid"]] = e["args"]["name"]
            elif e["name"] == "thread_name":
                threads[(e["pid"], e["tid"])] = e["args"]["name"]
        else:
            body.append(e)

    # Time order, and names for every pid/tid used.
    last = None
    for i, e in enumerate(body):
        t = ps(e["ts"])
        if last is not None and t < last:
            bad.append(f"event {i} ({e.get('name', e['ph'])}) at {e['ts']} us is before the one ahead of it")
        last = t
        if e["pid"] not in procs:
            bad.append(f"event {i}: pid {e['pid']} has no process_name")
        elif (e["pid"], e["tid"]) not in threads:
            bad.append(f"event {i}: pid {e['pid']} tid {e['tid']} has no thread_name")

    # Nesting per track: intervals from X and B/E, checked with a stack of open parents.
    spans = {}
    open_b = {}
    for i, e in enumerate(body):
        key = (e["pid"], e["tid"])
        if e["ph"] == "X":
            s = ps(e["ts"])
            spans.setdefault(key, []).append((s, s + ps(e["dur"]), i, e["name"]))
        elif e["ph"] == "B":
            open_b.setdefault(key, []).append((ps(e["ts"]), i, e["name"]))
        elif e["ph"] == "E":
            st = open_b.get(key)
            if not st:
                bad.append(f"event {i}: E on {procs.get(key[0])}/{threads.get(key)} closes nothing")
                continue
            s, j, n = st.pop()
            spans.setdefault(key, []).append((s, ps(e["ts"]), j, n))
    for key, st in open_b.items():
        for s, j, n in st:
            bad.append(f"event {j}: B {n} on {procs.get(key[0])}/{threads.get(key)} never ends")
    for key, sp in spans.items():
        sp.sort(key=lambda x: (x[0], -x[1], x[2]))
        stack = []
        for s, end, i, n in sp:
            while stack and stack[-1][1] <= s:   # ended: a sibling, not a parent
                stack.pop()
            if stack and end > stack[-1][1]:
                p = stack[-1]
                bad.append(f"{procs.get(key[0])}/{threads.get(key)}: {n} [{s}, {end}] ps overlaps {p[3]} [{p[0]}, {p[1]}] ps")
            stack.append((s, end, i, n))

    # Flows: one start, one finish, finish not before start. A packet still in a queue when the
    # run ends (its reader exited without moving its head) leaves a flow open; those must be
    # the last ones started on their track (reads are in order), and --open counts them.
    starts, finishes, start_track = {}, {}, {}
    for e in body:
        if e["ph"] == "s":
            starts.setdefault(e["id"], []).append(ps(e["ts"]))
            start_track[e["id"]] = (e["pid"], e["tid"])
        elif e["ph"] == "f":
            finishes.setdefault(e["id"], []).append(ps(e["ts"]))
    open_flows = {}
    for fid in sorted(set(starts) | set(finishes), key=lambda i: (min(starts.get(i, [0])), i)):
        s, f = starts.get(fid, []), finishes.get(fid, [])
        if len(s) != 1 or len(f) > 1 or (not f and not a.open):
            bad.append(f"flow {fid}: {len(s)} starts and {len(f)} finishes")
        elif not f:
            open_flows.setdefault(start_track[fid], []).append(fid)
        elif f[0] < s[0]:
            bad.append(f"flow {fid}: finishes at {f[0]} ps, before its start at {s[0]} ps")
        elif open_flows.get(start_track[fid]):
            bad.append(f"flow {fid} finishes, though flow {open_flows[start_track[fid]][0]} started before it on the same track never does")
    if a.flows and not starts:
        bad.append("no flows")

    # Expectations.
    names = set(procs.values())
    for p in a.process:
        if p not in names:
            bad.append(f"no process {p} (have {sorted(names)})")
    if a.only_processes is not None:
        allowed = set(a.only_processes.split(","))
        used = {procs.get(e["pid"]) for e in body}
        if not used <= allowed:
            bad.append(f"events in processes {sorted(used - allowed)}, expected only {sorted(allowed)}")
    by_name = {}
    for (pid, tid), tn in threads.items():
        by_name.setdefault((procs.get(pid), tn), (pid, tid))

    def tracks(pt):
        p, t = pt.split("/", 1)
        return {k for (pn, tn), k in by_name.items() if pn == p and fnmatch.fnmatchcase(tn, t)}

    for pt in a.thread:
        if not tracks(pt):
            bad.append(f"no thread {pt} (threads: {sorted(f'{p}/{t}' for p, t in by_name)})")

    def slices(spec):
        pt, n = spec.rsplit("/", 1)
        keys = tracks(pt)
        return sum(1 for e in body if e["ph"] in ("X", "B") and e["name"] == n and (e["pid"], e["tid"]) in keys)

    for spec in a.slice:
        if slices(spec) == 0:
            bad.append(f"no slice {spec}")
    for spec in a.count:
        print(f"{spec} {slices(spec)}")
    for pt in a.open:
        keys = tracks(pt)
        print(f"open {pt} {sum(len(v) for k, v in open_flows.items() if k in keys)}")
    if len(body) < a.min_events:
        bad.append(f"{len(body)} events, expected at least {a.min_events}")

    for b in bad[:40]:
        print("check_chrome:", b)
    if len(bad) > 40:
        print(f"check_chrome: ... and {len(bad) - 40} more")
    print(f"check_chrome: {a.file}: {len(body)} events, {len(procs)} processes, {len(threads)} threads, "
          f"{len(starts)} flows, {sum(len(s) for s in spans.values())} slices: {'bad' if bad else 'ok'}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
