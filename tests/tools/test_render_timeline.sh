#!/usr/bin/env bash
# scripts/render_timeline.py on two hand-written migration traces (data/warm.json, data/live.json,
# in the Chrome trace-event format ldmd writes): each alone and both stacked. The SVG must parse,
# have one rect per X slice with the expected tooltips, the downtime in its title, the same time
# scale when stacked, and be the same bytes from run to run; bad input must fail with a message.
# Usage: test_render_timeline.sh [RENDER_TIMELINE_PY]
set -u
R=${1:-$(dirname "$0")/../../scripts/render_timeline.py}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
cp "$(dirname "$0")"/data/warm.json "$(dirname "$0")"/data/live.json "$tmp"/

# q NAME EXPR: EXPR, a Python expression over the pictures rendered into $tmp, is true.
q() {
  /usr/bin/python3 - "$tmp" "$2" <<'PY'
import json, sys, xml.etree.ElementTree as ET
tmp, NS = sys.argv[1], "{http://www.w3.org/2000/svg}"
def svg(n): return ET.parse(f"{tmp}/{n}.svg").getroot()
def raw(n): return open(f"{tmp}/{n}.svg", encoding="utf-8").read()
def events(t): return json.load(open(f"{tmp}/{t}.json"))["traceEvents"]
def xcount(*ts): return sum(e["ph"] == "X" for t in ts for e in events(t))
def slices(n): return [r for r in svg(n).iter(NS + "rect") if r.get("class") == "slice"]
def tip(r): return r.findtext(NS + "title")
def rects(n, name): return [r for r in slices(n) if tip(r).split(":")[0] == name]
def texts(n): return [t.text or "" for t in svg(n).iter(NS + "text")]
def paths(n): return [p.findtext(NS + "title") for p in svg(n).iter(NS + "path") if p.findtext(NS + "title")]
def w(r): return float(r.get("width"))
def box(r): return [float(r.get(a)) for a in ("x", "y", "width", "height")]
def downtime_us(t):   # the sample's own numbers: suspended slices on the thread named vcpu0
    ev = events(t)
    v0 = [(e["pid"], e["tid"]) for e in ev if e["ph"] == "M" and e["args"].get("name") == "vcpu0"][0]
    return sum(e["dur"] for e in ev if e["ph"] == "X" and (e["pid"], e["tid"]) == v0 and e["name"] == "suspended")
try:
    ok = eval(sys.argv[2])
except Exception as e:
    print(f"     {type(e).__name__}: {e}")
    ok = False
sys.exit(0 if ok else 1)
PY
  check "$1" $?
}

"$R" "$tmp/warm.json" "$tmp/warm.svg"; check "renders the warm trace" $?
"$R" "$tmp/live.json" "$tmp/live.svg"; check "renders the live trace" $?
"$R" "$tmp/warm.json" "$tmp/live.json" "$tmp/both.svg"; check "renders both stacked" $?
"$R" "$tmp/live.json" "$tmp/warm.json" "$tmp/reversed.svg"; check "renders both stacked, live first" $?
"$R" "$tmp/live.json" "$tmp/wide.svg" --width 1400; check "renders with --width" $?

q "parses as SVG with width, height, viewBox and a sans-serif font" \
  'all(svg(n).tag == NS + "svg" and all(svg(n).get(a) for a in ("width", "height", "viewBox")) and svg(n).get("font-family") == "sans-serif" for n in ("warm", "live", "both"))'
q "self-contained (no external references)" 'not any(s in raw(n) for n in ("warm", "live", "both") for s in ("href", "url(", "@import"))'
q "--width sets width and viewBox" 'svg("wide").get("width") == "1400" and svg("wide").get("viewBox").startswith("0 0 1400 ")'
q "one rect per X slice (warm)" 'len(slices("warm")) == xcount("warm") == 16'
q "one rect per X slice (live)" 'len(slices("live")) == xcount("live") == 20'
q "one rect per X slice (stacked)" 'len(slices("both")) == xcount("warm", "live")'
q "every slice rect has a tooltip" 'all(tip(r) for n in ("warm", "live", "both") for r in slices(n))'

# Tooltips: name, duration and start in ms, then the args one per line.
q "tooltip: live final round" \
  '[tip(r) for r in rects("live", "final round")] == ["final round: 1.5 ms (from 1332.7 ms)\npages = 128\nbytes = 1048576\ndirtied_pages = 0"]'
q "tooltip: live install and resume" \
  '[tip(r) for r in rects("live", "install and resume")] == ["install and resume: 10 ms (from 1340.2 ms)\ncrc32 = 89be3062"]'
q "tooltip: warm prepare" '[tip(r) for r in rects("warm", "prepare")] == ["prepare: 0.2 ms (from 20 ms)\nvcpus_parked = 3"]'
q "tooltip: warm suspended (fractional ts)" '[tip(r) for r in rects("warm", "suspended")] == ["suspended: 1130.261 ms (from 20.1 ms)"]'
q "tooltip: three parked vCPUs in the warm trace" 'len(rects("warm", "parked")) == 3'

# Downtime: vcpu0's suspended slice, 12750 us (live) and 1150361.25 - 20100.25 us (warm).
q "the samples' downtimes are 12.75 ms and 1130.261 ms" 'downtime_us("live") == 12750 and downtime_us("warm") == 1130261'
LIVE_TITLE='Migration of ldg1 hosta → hostb (live) — total 1350.2 ms simulated, downtime 12.75 ms'
WARM_TITLE='Migration of ldg1 hosta → hostb (warm) — total 1155.361 ms simulated, downtime 1130.261 ms'
q "live title with total time and downtime" "'$LIVE_TITLE' in texts('live')"
q "warm title with total time and downtime" "'$WARM_TITLE' in texts('warm')"
q "stacked: both titles, in argument order" "texts('both').index('$WARM_TITLE') < texts('both').index('$LIVE_TITLE')"

q "a 1.5 ms round in 1350 ms is drawn 2 px wide" 'w(rects("live", "final round")[0]) == 2.0'
q "lane labels and a time axis in ms" 'all(s in texts("live") for s in ("hosta (source)", "rounds", "vcpu1", "0", "1200", "simulated time (ms)"))'
q "nested slice drawn thinner, inside its parent" \
  '(lambda p, c: p[0] <= c[0] and c[0] + c[2] <= p[0] + p[2] and p[1] < c[1] and c[1] + c[3] < p[1] + p[3])(box(rects("live", "install and resume")[0]), box(rects("live", "crc check")[0]))'
q "counters: step lines with their maxima (bytes in MB)" 'paths("live") == ["bytes sent: max 89.1 MB", "dirty pages: max 2048"] and paths("warm") == []'
q "stacked: the same time scale for both traces" \
  'len({w(r) for r in rects("both", "checks")}) == 1 and [w(r) for r in rects("both", "round 0")] == [w(r) for r in rects("live", "round 0")] and w(rects("both", "transfer")[0]) < w(rects("warm", "transfer")[0])'
q "stacked: the scale does not depend on the order" \
  'sorted(w(r) for r in slices("both")) == sorted(w(r) for r in slices("reversed"))'

PYTHONHASHSEED=1 "$R" "$tmp/warm.json" "$tmp/live.json" "$tmp/again1.svg"
PYTHONHASHSEED=2 "$R" "$tmp/warm.json" "$tmp/live.json" "$tmp/again2.svg"
cmp -s "$tmp/both.svg" "$tmp/again1.svg" && cmp -s "$tmp/both.svg" "$tmp/again2.svg"
check "byte-for-byte the same from run to run" $?

# fails NAME PATTERN ARGS...: a non-zero exit, PATTERN on stderr, no picture written.
fails() {
  local name=$1 pat=$2; shift 2
  rm -f "$tmp/out.svg"
  "$R" "$@" 2>"$tmp/err" >/dev/null
  local rc=$?
  [ $rc != 0 ] && grep -q "$pat" "$tmp/err" && [ ! -e "$tmp/out.svg" ]
  st=$?
  check "$name (rc=$rc: $(head -c 120 "$tmp/err" | tr "\n" " "))" $st
}
printf 'ldmd was here\n' >"$tmp/text.json"
echo '{"displayTimeUnit": "ms", "metadata": {}}' >"$tmp/notrace.json"
fails "non-JSON input" "text.json: not JSON" "$tmp/text.json" "$tmp/out.svg"
fails "JSON without traceEvents" "notrace.json: no traceEvents" "$tmp/notrace.json" "$tmp/out.svg"
fails "a good trace stacked with a bad one" "not JSON" "$tmp/live.json" "$tmp/text.json" "$tmp/out.svg"
fails "missing trace file" "nosuch.json" "$tmp/nosuch.json" "$tmp/out.svg"
cp "$tmp/live.json" "$tmp/live.orig"
fails "OUT.svg forgotten (a .json last)" "not a trace" "$tmp/warm.json" "$tmp/live.json"
cmp -s "$tmp/live.json" "$tmp/live.orig"; check "... and the last trace is left alone" $?
finish
