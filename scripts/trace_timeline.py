#!/usr/bin/python3
"""Draws a time window of a Chrome / Perfetto trace-event JSON file (what `--trace-file F.json`
writes, docs/tracing.md) as a PNG with matplotlib, laid out the way the Perfetto UI shows it:
one row per track, labelled "process / thread" ("a / vcpu0"), grouped by process; slices as
bars (nested ones below their parent) named when the name fits; instants and zero-length
slices as ticks; flows as arrows from their "s" to their "f" point; counters as step lines in
rows of their own; a time axis in microseconds. It stands in for a screenshot of the Perfetto
UI where ui.perfetto.dev cannot be reached: the same JSON opens there.

Usage: scripts/trace_timeline.py TRACE.json OUT.png [--from US] [--to US] [--around REGEX]
         [--pad US] [--tracks REGEX] [--title TEXT] [--width INCHES]
  --from/--to   the window in microseconds of trace time (default: everything drawn)
  --around      the window is the span of the events whose name matches REGEX (plus --pad
                on each side, default 5 % of the span); --from/--to still win where given
  --tracks      only the tracks (and counters) whose label matches REGEX (re.search)
Needs matplotlib: run it with /usr/bin/python3 (Debian's python3-matplotlib)."""
import argparse
import json
import math
import re
import sys
import zlib

import chrome_trace

PALETTE = ["#8ecae6", "#ffb703", "#90be6d", "#f4a261", "#cdb4db", "#a8dadc", "#e9c46a", "#b5e48c",
           "#ffafcc", "#bde0fe", "#f6bd60", "#84a59d"]
ROW_IN = 0.30          # height of one slice level, inches
COUNTER_ROWS = 1.6     # a counter row is this many levels high
FONT = 7.5


def die(msg):
    sys.exit(f"trace_timeline: {msg}")


def num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def colour(name):
    # zlib.crc32, not hash(): hash() is salted per process and the picture must not change
    # from run to run.
    return PALETTE[zlib.crc32(name.encode()) % len(PALETTE)]


class Track:
    def __init__(self, key):
        self.key = key
        self.slices = []     # [ts, dur, name, depth]
        self.ticks = []      # [ts, name, order in the file]
        self.depth = 1


class Trace:
    """The drawable parts of one trace file; other phases (metadata aside) are ignored."""

    def __init__(self, path):
        doc, events = chrome_trace.load(path, die)
        self.proc_name, self.thread_name = {}, {}
        self.proc_order, self.thread_order = {}, {}
        self.tracks = {}
        self.counters = {}   # (pid, name, key) -> [(ts, value)]
        flow_s, flow_f = {}, {}
        open_b = {}          # track key -> stack of (ts, name)
        for seq, e in enumerate(events):
            if not isinstance(e, dict):
                continue
            ph, pid, tid = e.get("ph"), e.get("pid", 0), e.get("tid", 0)
            args = e.get("args") if isinstance(e.get("args"), dict) else {}
            name = str(e.get("name", ""))
            if ph == "M":
                if name == "process_name" and "name" in args:
                    self.proc_name[pid] = str(args["name"])
                elif name == "thread_name" and "name" in args:
                    self.thread_name[(pid, tid)] = str(args["name"])
                elif name == "process_sort_index" and num(args.get("sort_index")):
                    self.proc_order[pid] = args["sort_index"]
                elif name == "thread_sort_index" and num(args.get("sort_index")):
                    self.thread_order[(pid, tid)] = args["sort_index"]
                continue
            ts = e.get("ts")
            if not num(ts):
                continue
            key = (pid, tid)
            if ph == "X":
                dur = e.get("dur", 0)
                dur = dur if num(dur) and dur > 0 else 0
                t = self.track(key)
                if dur > 0:
                    t.slices.append([ts, dur, name, 0])
                else:
                    t.ticks.append([ts, name, seq])
            elif ph == "B":
                open_b.setdefault(key, []).append((ts, name, seq))
            elif ph == "E":
                stack = open_b.get(key)
                if stack:   # an E without its B (the window of a run-time trace) is dropped
                    b_ts, b_name, b_seq = stack.pop()
                    if ts > b_ts:
                        self.track(key).slices.append([b_ts, ts - b_ts, b_name or name, 0])
                    else:   # a slice of no length (a command answered at once) is a tick
                        self.track(key).ticks.append([b_ts, b_name or name, b_seq])
            elif ph in ("i", "I", "n"):
                self.track(key).ticks.append([ts, name, seq])
            elif ph == "C":
                for k, v in sorted(args.items()):
                    if num(v):
                        self.counters.setdefault((pid, name, k), []).append((ts, v))
            elif ph in ("s", "f") and "id" in e:
                fid = (e.get("cat", ""), str(e["id"]))
                (flow_s if ph == "s" else flow_f)[fid] = (key, ts)
        # a slice still open at the end of the file runs to the last time seen
        end = max([s[0] + s[1] for t in self.tracks.values() for s in t.slices] +
                  [k[0] for t in self.tracks.values() for k in t.ticks] + [0])
        for key, stack in open_b.items():
            for b_ts, b_name, _ in stack:
                self.track(key).slices.append([b_ts, max(end - b_ts, 0), b_name, 0])
        self.flows = [(flow_s[i], flow_f[i]) for i in flow_s if i in flow_f]
        for t in self.tracks.values():
            self.nest(t)
        for series in self.counters.values():
            series.sort(key=lambda p: p[0])

    def track(self, key):
        if key not in self.tracks:
            self.tracks[key] = Track(key)
        return self.tracks[key]

    @staticmethod
    def nest(t):
        # Depth of each slice: how many slices that started earlier still enclose it.
        t.slices.sort(key=lambda s: (s[0], -s[1]))
        ends = []
        for s in t.slices:
            while ends and ends[-1] <= s[0]:
                ends.pop()
            s[3] = len(ends)
            ends.append(s[0] + s[1])
        t.depth = max([s[3] + 1 for s in t.slices] + [1])

    def label(self, key):
        pid, tid = key
        return f"{self.proc_name.get(pid, f'pid {pid}')} / {self.thread_name.get(key, f'tid {tid}')}"

    def counter_label(self, ckey):
        pid, name, k = ckey
        proc = self.proc_name.get(pid, f"pid {pid}")
        # Perfetto names a counter track "NAME ARG"; the arg is left out where the name says it
        return f"{proc} / {name}" if k == "value" or k in name else f"{proc} / {name} {k}"

    def proc_key(self, pid):
        return (self.proc_order.get(pid, pid) if num(self.proc_order.get(pid, pid)) else 0, str(pid))

    def thread_key(self, key):
        order = self.thread_order.get(key, key[1])
        return (order if num(order) else 0, str(key[1]))

    def span(self, pattern=None):
        """First and last time of the events (whose name matches pattern, when given)."""
        times = []
        for t in self.tracks.values():
            times += [(s[0], s[0] + s[1]) for s in t.slices if not pattern or pattern.search(s[2])]
            times += [(k[0], k[0]) for k in t.ticks if not pattern or pattern.search(k[1])]
        for (pid, name, k), series in self.counters.items():
            if not pattern or pattern.search(name):
                times += [(p[0], p[0]) for p in series]
        if not times:
            return None
        return min(a for a, _ in times), max(b for _, b in times)


def short(v):
    for div, unit in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return f"{v / div:.3g}{unit}"
    return f"{v:g}"


def counter_points(tr, ck, lo, hi):
    """The counter's values in the window, starting with the one that holds at lo."""
    series = tr.counters[ck]
    before = [p for p in series if p[0] < lo]
    return ([(lo, before[-1][1])] if before else []) + [p for p in series if lo <= p[0] <= hi]


def counter_row_label(tr, ck, lo, hi):
    return f"{tr.counter_label(ck)} (max {short(max([abs(v) for _, v in counter_points(tr, ck, lo, hi)] + [0]))})"


def text_px(s):
    return len(s) * FONT * 0.62 * 100 / 72   # DejaVu Sans at 100 dpi, a little generous


def draw(tr, out, lo, hi, track_re, title, width_in):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    def visible_track(t):
        if track_re and not track_re.search(tr.label(t.key)):
            return False
        return any(s[0] <= hi and s[0] + s[1] >= lo for s in t.slices) or any(lo <= k[0] <= hi for k in t.ticks)

    def visible_counter(ck):
        if track_re and not track_re.search(tr.counter_label(ck)):
            return False
        return any(p[0] <= hi for p in tr.counters[ck])   # a value set before the window still holds

    tracks = sorted((t for t in tr.tracks.values() if visible_track(t)),
                    key=lambda t: (tr.proc_key(t.key[0]), tr.thread_key(t.key)))
    counters = [ck for ck in tr.counters if visible_counter(ck)]
    # Perfetto puts a process's counters above its threads
    rows = []   # (pid, kind, object, levels)
    for pid in sorted({t.key[0] for t in tracks} | {c[0] for c in counters}, key=tr.proc_key):
        rows += [(pid, "counter", ck, COUNTER_ROWS) for ck in sorted(c for c in counters if c[0] == pid)]
        rows += [(pid, "track", t, t.depth) for t in tracks if t.key[0] == pid]
    if not rows:
        die(f"nothing to draw between {lo:.3f} and {hi:.3f} us" + (" on the tracks asked for" if track_re else ""))

    levels = sum(r[3] for r in rows)
    labels = [tr.label(r[2].key) if r[1] == "track" else counter_row_label(tr, r[2], lo, hi) for r in rows]
    height_in = levels * ROW_IN + 1.1 + (0.3 if title else 0)
    fig = plt.figure(figsize=(width_in, height_in), dpi=100)
    # the label column is as wide as its longest label, measured as it will be drawn
    renderer = fig.canvas.get_renderer()
    probe = [fig.text(0, 0, s, fontsize=FONT + 0.5) for s in labels]
    left_in = 0.25 + max(t.get_window_extent(renderer).width for t in probe) / 100
    for t in probe:
        t.remove()
    if left_in > width_in / 2:
        die(f"the track labels need {left_in:.1f} of the {width_in} inches: give a larger --width")
    top_in = 0.35 + (0.3 if title else 0)
    ax = fig.add_axes([left_in / width_in, 0.55 / height_in, 1 - (left_in + 0.25) / width_in,
                       1 - (0.55 + top_in) / height_in])
    ax.set_xlim(lo, hi)
    ax.set_ylim(levels, 0)   # row 0 at the top, as in Perfetto
    px_per_us = (width_in - left_in - 0.25) * 100 / (hi - lo)

    y = 0.0
    where = {}               # track key -> y of its first level
    yticks, ylabels = [], []
    shade = False
    last_pid = None
    for pid, kind, obj, lev in rows:
        if pid != last_pid:
            shade = not shade
            last_pid = pid
            if y > 0:
                ax.axhline(y, color="#888888", linewidth=0.6)
        if shade:
            ax.add_patch(Rectangle((lo, y), hi - lo, lev, facecolor="#f3f3f3", edgecolor="none", zorder=0))
        if kind == "track":
            where[obj.key] = y
            yticks.append(y + 0.5)
            ylabels.append(tr.label(obj.key))
            # where the next thing starts on each level: a name too long for its bar (or a
            # tick's name) is written after it when it fits before that
            starts = {}
            for ts, dur, name, depth in obj.slices:
                starts.setdefault(depth, []).append(ts)
            starts.setdefault(0, []).extend(k[0] for k in obj.ticks)
            for v in starts.values():
                v.sort()

            def room_after(depth, x, end=None):
                # from end (a slice's) or x (a tick's) up to the next start on that level; a
                # tick inside a slice has none (the slice's name is there)
                nxt = [t for t in starts.get(depth, []) if t > x]
                room = ((min(nxt[0], hi) if nxt else hi) - (x if end is None else end)) * px_per_us
                if end is None:
                    for st, sdur, sname, sd in obj.slices:
                        if sd == depth and st < x < st + sdur:
                            return 0
                        if sd == depth and st == x and sdur > 0:   # up to where the slice's name begins
                            mid = (max(st, lo) + min(st + sdur, hi)) / 2
                            room = min(room, (mid - x) * px_per_us - text_px(sname) / 2 - 4)
                return room

            for ts, dur, name, depth in obj.slices:
                if ts > hi or ts + dur < lo:
                    continue
                x0, x1 = max(ts, lo), min(ts + dur, hi)
                ax.add_patch(Rectangle((x0, y + depth + 0.1), max(x1 - x0, 0.5 / px_per_us), 0.8,
                                       facecolor=colour(name), edgecolor="#444444", linewidth=0.4, zorder=2))
                if (x1 - x0) * px_per_us >= text_px(name) + 4:
                    ax.text((x0 + x1) / 2, y + depth + 0.5, name, ha="center", va="center", fontsize=FONT,
                            zorder=3, clip_on=True)
                elif room_after(depth, ts, x1) >= text_px(name) + 6:
                    ax.text(x1 + 2 / px_per_us, y + depth + 0.5, name, ha="left", va="center", fontsize=FONT - 0.5,
                            color="#222222", zorder=3, clip_on=True)
            ticks = sorted((k for k in obj.ticks if lo <= k[0] <= hi), key=lambda k: (k[0], k[2]))
            # ticks at the same time share one label ("md rebuilt, md-update sent")
            merged = []
            for ts, name, _ in ticks:
                if merged and ts == merged[-1][0]:
                    if name not in merged[-1][1]:
                        merged[-1][1].append(name)
                else:
                    merged.append((ts, [name]))
            for ts, names in merged:
                name = ", ".join(names)
                if len(names) > 1 and room_after(0, ts) < text_px(name) + 6:
                    name = f"{names[0]} (+{len(names) - 1} more)"
                ax.plot([ts, ts], [y + 0.1, y + 0.9], color="#333333", linewidth=0.9, zorder=4)
                ax.plot([ts], [y + 0.1], marker="v", markersize=3, color="#333333", zorder=4)
                if room_after(0, ts) >= text_px(name) + 6:
                    ax.text(ts + 2 / px_per_us, y + 0.55, name, ha="left", va="center", fontsize=FONT - 0.5,
                            color="#222222", zorder=3, clip_on=True)
        else:
            pts = counter_points(tr, obj, lo, hi)
            vmax = max([abs(v) for _, v in pts] + [0])
            scale = (lev - 0.3) / vmax if vmax else 0
            xs = [p[0] for p in pts] + [hi]
            ys = [y + lev - 0.1 - p[1] * scale for p in pts]
            ys.append(ys[-1])
            ax.step(xs, ys, where="post", color="#1d3557", linewidth=1.0, zorder=3)
            ax.fill_between(xs, ys, y + lev - 0.1, step="post", color="#a8dadc", alpha=0.6, zorder=2)
            yticks.append(y + lev / 2)
            ylabels.append(counter_row_label(tr, obj, lo, hi))
        y += lev

    for (skey, sts), (fkey, fts) in tr.flows:
        if skey in where and fkey in where and lo <= sts <= hi and lo <= fts <= hi:
            y0, y1 = where[skey] + 0.5, where[fkey] + 0.5
            # a flow within one track is an arc above it, else it would lie along the row
            ax.annotate("", xy=(fts, y1), xytext=(sts, y0), zorder=5,
                        arrowprops=dict(arrowstyle="-|>", color="#c1121f", linewidth=0.9, shrinkA=0, shrinkB=0,
                                        mutation_scale=7,
                                        connectionstyle="arc3,rad=-0.25" if skey == fkey else "arc3"))

    ax.set_yticks(yticks)
    ax.set_yticklabels(ylabels, fontsize=FONT + 0.5)
    ax.tick_params(axis="y", length=0)
    ax.ticklabel_format(axis="x", useOffset=False, style="plain")
    ax.tick_params(axis="x", labelsize=FONT + 0.5)
    ax.set_xlabel("simulated time (µs)", fontsize=FONT + 1)
    ax.grid(axis="x", color="#dddddd", linewidth=0.5, zorder=1)
    ax.set_axisbelow(True)
    if title:
        ax.set_title(title, fontsize=FONT + 3, loc="left")
    # no Software/date chunks: the same trace gives the same bytes
    fig.savefig(out, dpi=100, metadata={"Software": None})
    plt.close(fig)
    return len(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trace")
    ap.add_argument("out")
    ap.add_argument("--from", dest="lo", type=float)
    ap.add_argument("--to", dest="hi", type=float)
    ap.add_argument("--around")
    ap.add_argument("--pad", type=float)
    ap.add_argument("--tracks")
    ap.add_argument("--title")
    ap.add_argument("--width", type=float, default=12.0)
    a = ap.parse_args()
    if not a.out.lower().endswith(".png"):
        die(f"{a.out}: the output is a PNG (name it .png)")
    if not 4 <= a.width <= 40:
        die(f"--width {a.width}: between 4 and 40 inches")

    def regex(opt, s):
        try:
            return re.compile(s) if s is not None else None
        except re.error as e:
            die(f"{opt} {s!r}: not a regular expression ({e})")

    track_re, around_re = regex("--tracks", a.tracks), regex("--around", a.around)
    for opt, v in (("--from", a.lo), ("--to", a.hi), ("--pad", a.pad)):
        if v is not None and (not math.isfinite(v) or v < 0):
            die(f"{opt} {v}: a time in microseconds, 0 or more")
    tr = Trace(a.trace)
    span = tr.span(around_re)
    if span is None:
        die(f"{a.trace}: no event named like {a.around!r}" if around_re else f"{a.trace}: no events to draw")
    pad = a.pad if a.pad is not None else max((span[1] - span[0]) * 0.05, 0.5)
    lo = a.lo if a.lo is not None else max(span[0] - pad, 0)
    hi = a.hi if a.hi is not None else span[1] + pad
    if hi <= lo:
        die(f"the window is empty: from {lo} to {hi} us")
    n = draw(tr, a.out, lo, hi, track_re, a.title, a.width)
    print(f"{a.out}: {n} rows, {lo:.3f} to {hi:.3f} us")


if __name__ == "__main__":
    main()
