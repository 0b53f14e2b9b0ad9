#!/usr/bin/python3
"""Draws the Chrome/Perfetto trace-event JSON that ldmd writes for a domain migration as a
self-contained SVG timeline (one lane per thread, grouped by process; counters as step lines).
Several traces are stacked in one picture on the same time scale, so that a warm and a live
migration can be compared by eye. Python 3 standard library only.
Usage: scripts/render_timeline.py TRACE.json [TRACE.json ...] OUT.svg [--width PX]"""
import argparse, colorsys, json, math, os, re, sys, zlib
from xml.sax.saxutils import escape

import chrome_trace

MARGIN, LABEL_W = 10, 190          # left margin; the lane-label column
TITLE_H, PROC_H, LANE_H, COUNTER_H = 26, 18, 22, 34
TRACE_GAP, AXIS_H = 14, 34
FONT = 11
PHASES = {"checks": "#8ecae6", "prepare": "#ffb703", "transfer": "#fb8500", "handoff": "#219ebc"}
GUEST = {"running": "#90be6d", "suspended": "#e63946", "parked": "#bdbdbd"}
OTHER = {"install and resume": "#2a9d8f"}
# Names not listed above get a colour from their CRC (not hash(): it is salted per process,
# and the output must be the same from run to run).
PALETTE = ["#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#ffff99", "#fb9a99", "#80b1d3", "#ccebc5"]
ROUND_RE = re.compile(r"(?:receive )?round (\d+)$")


def die(msg):
    sys.exit(f"render_timeline: {msg}")


def num(v):
    # bool is an int in Python; a true/false ts is junk, not 1/0.
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def order(key):
    # pids/tids are numbers in ldmd's traces, but the format allows strings: sort both kinds.
    return tuple((0, k, "") if num(k) else (1, 0, str(k)) for k in key)


class Trace:
    """The parts of one trace file that are drawn; everything else is ignored."""

    def __init__(self, path):
        doc, events = chrome_trace.load(path, die)
        meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
        self.procs, self.threads = {}, {}   # pid -> name, (pid, tid) -> name
        self.slices = {}                    # (pid, tid) -> [event]
        self.counters = {}                  # (pid, name) -> [(ts, value)]
        self.bytes_counters = set()
        for ev in events:
            if not isinstance(ev, dict):
                continue
            ph, pid, tid = ev.get("ph"), ev.get("pid", 0), ev.get("tid", 0)
            args = ev.get("args") if isinstance(ev.get("args"), dict) else {}
            name = str(ev.get("name", ""))
            if ph == "M" and isinstance(args.get("name"), str):
                if name == "process_name":
                    self.procs[pid] = args["name"]
                elif name == "thread_name":
                    self.threads[(pid, tid)] = args["name"]
            elif ph == "X" and num(ev.get("ts")):
                dur = ev.get("dur") if num(ev.get("dur")) else 0
                self.slices.setdefault((pid, tid), []).append(
                    dict(name=name, cat=str(ev.get("cat", "")), ts=ev["ts"], dur=max(0, dur), args=args))
            elif ph == "C" and num(ev.get("ts")):
                # Chrome stacks a counter's args as series, so the top of the stack is their sum.
                vals = [v for v in args.values() if num(v)]
                if vals:
                    self.counters.setdefault((pid, name), []).append((ev["ts"], sum(vals)))
                    if "bytes" in args or "bytes" in name:
                        self.bytes_counters.add((pid, name))
        for k in self.slices:               # by start, parents (longer) before their children
            self.slices[k].sort(key=lambda s: (s["ts"], -s["dur"]))
        for k in self.counters:
            self.counters[k].sort(key=lambda p: p[0])
        starts = [s["ts"] for l in self.slices.values() for s in l]
        starts += [p[0] for l in self.counters.values() for p in l]
        ends = [s["ts"] + s["dur"] for l in self.slices.values() for s in l]
        ends += [p[0] for l in self.counters.values() for p in l]
        # Time is drawn from the trace's first event, so traces that start at different
        # simulated times still line up when stacked.
        self.t0 = min(starts, default=0)
        self.total = max(ends, default=0) - self.t0
        self.title = self.make_title(meta, path)

    def make_title(self, meta, path):
        m = {k: str(meta[k]) for k in ("domain", "source", "target", "mode") if k in meta}
        if "domain" in m:
            t = "Migration of " + m["domain"]
            if "source" in m and "target" in m:
                t += f" {m['source']} → {m['target']}"
        else:
            t = "Migration trace " + os.path.basename(path)
        if "mode" in m:
            t += f" ({m['mode']})"
        t += f" — total {fmt_ms(self.total)} ms simulated"
        down = self.downtime()
        return t + (f", downtime {fmt_ms(down)} ms" if down is not None else "")

    def downtime(self):
        """The suspended time of vcpu0 (the guest's boot vCPU, which is never parked), or None."""
        named = sorted((k for k, n in self.threads.items() if n == "vcpu0"), key=order)
        guest = sorted((k for k, l in self.slices.items() if any(s["cat"] == "guest" for s in l)), key=order)
        track = (named or guest or [None])[0]
        sus = [s["dur"] for s in self.slices.get(track, []) if s["name"] == "suspended"]
        return sum(sus) if sus else None

    def lanes(self):
        """[(pid, [("thread", key) | ("counter", key), ...])] in pid, tid and name order."""
        pids = set(self.procs) | {k[0] for k in self.threads} | {k[0] for k in self.slices}
        pids |= {k[0] for k in self.counters}
        out = []
        for pid in sorted(pids, key=lambda p: order((p,))):
            tids = {k for k in list(self.threads) + list(self.slices) if k[0] == pid}
            rows = [("thread", k) for k in sorted(tids, key=order)]
            rows += [("counter", k) for k in sorted((k for k in self.counters if k[0] == pid), key=lambda k: k[1])]
            out.append((pid, rows))
        return out


def fmt_ms(us):
    """Microseconds as milliseconds, to the microsecond, without trailing zeros."""
    s = f"{us / 1000:.3f}".rstrip("0").rstrip(".")
    return "0" if s == "-0" else s


def fmt_value(v, is_bytes):
    if is_bytes:
        return f"{v / 1e6:.1f} MB"        # decimal MB, as in docs/migration.md's link rates
    return str(int(v)) if float(v).is_integer() else f"{v:.4g}"


def fmt_arg(v):
    return v if isinstance(v, str) else json.dumps(v, sort_keys=True, ensure_ascii=False)


def c(v):
    """A coordinate: 0.1 px is plenty, and fixed formatting keeps the file deterministic."""
    return f"{v:.1f}"


def fill_for(s):
    name = s["name"]
    if s["cat"] == "phase" and name in PHASES:
        return PHASES[name]
    if name in GUEST:
        return GUEST[name]
    if name in OTHER:
        return OTHER[name]
    if name.endswith("final round"):   # the stop-and-copy round: set apart from the others
        return "#7b2cbf"
    m = ROUND_RE.match(name)
    if m:                               # one hue, lighter with each round (send and receive alike)
        light = min(0.85, 0.35 + 0.07 * int(m.group(1)))
        r, g, b = colorsys.hls_to_rgb(0.6, light, 0.6)
        return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))
    return PALETTE[zlib.crc32((s["cat"] + "/" + name).encode()) % len(PALETTE)]


def text_colour(fill):
    r, g, b = (int(fill[i:i + 2], 16) for i in (1, 3, 5))
    return "#fff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#111"


def text_w(s, size=FONT):
    return len(s) * size * 0.6          # generous average glyph width for sans-serif


def clip_label(s, room, size=FONT):
    if text_w(s, size) <= room:
        return s
    n = max(1, int(room / (size * 0.6)) - 1)
    return s[:n] + "…"


def nice_step(span, ticks):
    """The smallest 1, 2 or 5 × 10^k that cuts span into at most `ticks` intervals."""
    raw = span / max(1, ticks)
    k = 10 ** math.floor(math.log10(raw))
    return next(m * k for m in (1, 2, 5, 10) if m * k >= raw * (1 - 1e-9))


def depths(slices):
    """Nesting depth of each slice of one track (they are sorted by start, parents first)."""
    open_ends, out = [], []
    for s in slices:
        while open_ends and open_ends[-1] <= s["ts"] + 1e-9:
            open_ends.pop()
        out.append(len(open_ends))
        open_ends.append(s["ts"] + s["dur"])
    return out


def render(traces, width):
    x0, x1 = MARGIN + LABEL_W, width - MARGIN - 10
    span = max(t.total for t in traces) or 1000.0    # µs, the same for every trace (1 ms if empty)
    scale = (x1 - x0) / span
    body, y = [], MARGIN
    for t in traces:
        xof = lambda ts: x0 + (ts - t.t0) * scale
        # Smaller type rather than a title cut at the right edge of a narrow picture.
        size = max(8, min(14, int((width - 2 * MARGIN) / (len(t.title) * 0.65))))
        body.append(f'<text x="{MARGIN}" y="{y + 17}" font-size="{size}" font-weight="bold">{escape(t.title)}</text>')
        y += TITLE_H
        for pid, rows in t.lanes():
            pname = t.procs.get(pid, f"pid {pid}")
            body.append(f'<text x="{MARGIN}" y="{y + 13}" font-weight="bold">'
                        f'{escape(clip_label(pname, LABEL_W - 6))}</text>')
            y += PROC_H
            for kind, key in rows:
                h = LANE_H if kind == "thread" else COUNTER_H
                label = t.threads.get(key, f"tid {key[1]}") if kind == "thread" else key[1]
                body.append(f'<text x="{MARGIN + 12}" y="{y + h / 2 + 4:.0f}" fill="#333">'
                            f'{escape(clip_label(label, LABEL_W - 18))}</text>')
                body.append(f'<line x1="{x0}" y1="{y + h}" x2="{x1}" y2="{y + h}" stroke="#e4e4e4"/>')
                if kind == "thread":
                    draw_slices(body, t.slices.get(key, []), xof, scale, t.t0, y)
                else:
                    draw_counter(body, t, key, xof, y)
                y += h
        y += TRACE_GAP
    # Axis in ms at the bottom, its ticks carried up as grid lines through every trace.
    span_ms = span / 1000
    step = nice_step(span_ms, max(2, (x1 - x0) // 90))
    decimals = max(0, -math.floor(math.log10(step)))
    grid, i = [], 0
    while i * step <= span_ms * (1 + 1e-9):
        x = x0 + i * step * 1000 * scale
        grid.append(f'<line x1="{c(x)}" y1="{MARGIN + TITLE_H}" x2="{c(x)}" y2="{y}" stroke="#f0f0f0"/>')
        body.append(f'<line x1="{c(x)}" y1="{y}" x2="{c(x)}" y2="{y + 5}" stroke="#333"/>'
                    f'<text x="{c(x)}" y="{y + 17}" text-anchor="middle">{i * step:.{decimals}f}</text>')
        i += 1
    body.append(f'<line x1="{x0}" y1="{y}" x2="{x1}" y2="{y}" stroke="#333"/>')
    body.append(f'<text x="{x1}" y="{y + 30}" text-anchor="end" fill="#333">simulated time (ms)</text>')
    height = y + AXIS_H + MARGIN
    head = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="{FONT}">\n'
            f'<rect width="{width}" height="{height}" fill="white"/>')   # readable on dark pages too
    return "\n".join([head] + grid + body + ["</svg>"]) + "\n"


def draw_slices(body, slices, xof, scale, t0, y):
    for s, d in zip(slices, depths(slices)):
        inset = 2 + 3 * d                     # nested slices drawn thinner, inside their parent
        h = max(4, LANE_H - 2 * inset)
        x = xof(s["ts"])
        w = max(2, s["dur"] * scale)           # a 1 ms round in a run of seconds stays visible
        fill = fill_for(s)
        tip = f"{s['name']}: {fmt_ms(s['dur'])} ms (from {fmt_ms(s['ts'] - t0)} ms)"
        tip += "".join(f"\n{k} = {fmt_arg(v)}" for k, v in s["args"].items())
        body.append(f'<rect class="slice" x="{c(x)}" y="{c(y + inset)}" width="{c(w)}" height="{c(h)}" '
                    f'fill="{fill}" stroke="#333" stroke-width="0.5"><title>{escape(tip)}</title></rect>')
        if h >= 12 and text_w(s["name"]) + 6 <= w:
            body.append(f'<text x="{c(x + w / 2)}" y="{c(y + inset + h / 2 + 4)}" text-anchor="middle" '
                        f'fill="{text_colour(fill)}" pointer-events="none">{escape(s["name"])}</text>')


def draw_counter(body, t, key, xof, y):
    pts, is_bytes = t.counters[key], key in t.bytes_counters
    top = max(v for _, v in pts)
    base, room = y + COUNTER_H - 3, COUNTER_H - 8
    yof = lambda v: base - (v / top * room if top > 0 else 0)
    # A counter keeps its value until the next sample; the last one holds to the trace's end.
    steps = f"V{c(yof(pts[0][1]))}"
    for ts, v in pts[1:]:
        steps += f"H{c(xof(ts))}V{c(yof(v))}"
    steps += f"H{c(xof(t.t0 + t.total))}"
    start = f"M{c(xof(pts[0][0]))},{c(base)}"
    d, area = start + steps, start + steps + f"V{c(base)}Z"   # the area closes along the baseline
    body.append(f'<path d="{area}" fill="#cfd8dc" stroke="none"/>')
    body.append(f'<path d="{d}" fill="none" stroke="#455a64" stroke-width="1.2">'
                f'<title>{escape(key[1])}: max {fmt_value(top, is_bytes)}</title></path>')
    body.append(f'<text x="{c(xof(t.t0) + 3)}" y="{y + 10}" font-size="9" fill="#455a64">'
                f'max {escape(fmt_value(top, is_bytes))}</text>')


def main():
    ap = argparse.ArgumentParser(description="Draw migration traces (Chrome trace-event JSON) as one SVG timeline.",
                                 usage="%(prog)s TRACE.json [TRACE.json ...] OUT.svg [--width PX]")
    ap.add_argument("files", nargs="+", help="one or more trace files, then the SVG to write ('-': stdout)")
    ap.add_argument("--width", type=int, default=1000, help="picture width in pixels (default 1000)")
    a = ap.parse_args()
    if len(a.files) < 2:
        ap.error("need at least one TRACE.json and an OUT.svg")
    *inputs, out = a.files
    if out.lower().endswith(".json"):     # `render_timeline.py a.json b.json` forgot OUT.svg
        ap.error(f"{out}: the last argument is the SVG to write, not a trace")
    if a.width < LABEL_W + 2 * MARGIN + 100:
        ap.error(f"--width must be at least {LABEL_W + 2 * MARGIN + 100}")
    svg = render([Trace(p) for p in inputs], a.width)
    if out == "-":
        sys.stdout.write(svg)
        return
    try:
        with open(out, "w", encoding="utf-8", newline="\n") as f:
            f.write(svg)
    except OSError as e:
        die(f"{out}: {e.strerror}")


if __name__ == "__main__":
    main()
