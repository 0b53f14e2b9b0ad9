#!/usr/bin/env bash
# The migration trace category (docs/tracing.md) on both ldmds of a live migration: hosta and
# hostb run with --trace migration,domain --trace-file FILE.json; an active guest that dirties
# memory moves live from hosta to hostb. After both stop, the source's JSON must hold, on the
# track "migration ldg1", the migration slice with its phases in order (checks, prepare,
# transfer, handoff), the rounds inside the transfer (round 0, 1, ..., the final round) with
# their pages and bytes, and the outcome, bytes and downtime on its end; the target's the
# receiving side (checks, receive, install; the source's phase times on its end); a dry run
# (-n) before it is a slice of its own (checks, predict, outcome "dry run"); both files
# balanced per track; a second migration the target refuses ends with its error on both;
# the guest's states on each host (active, migrating out, suspended, gone;
# migrating in, active).
# Usage: trace_migration.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/hosts.sh" 15902
trap hosts_cleanup EXIT
SOURCE_ARGS="--trace migration,domain,ldm --trace-file $tmp/a.json --trace-file $tmp/a.txt" \
  start_pair --trace migration,domain --trace-file "$tmp/b.json" || exit 1

on hosta new_guest ldg1 1 256M "memory footprint=32M rate=16M tick=100"
on hosta expect_ok ldm bind ldg1
on hosta expect_ok ldm start ldg1
on hosta expect_ok vfctl clock advance 1500ms
on hosta run ldm migrate-domain -n -p "$tmp/pw" mode=live downtime=20 ldg1 hostb
verify "a dry run first (exit $rc)" $?
on hosta run ldm migrate-domain -p "$tmp/pw" mode=live downtime=20 ldg1 hostb
grep -q "^Migration of LDom ldg1 to hostb as ldg1 (active, live)" "$tmp/out" && grep -q "^Live rounds" "$tmp/out"
verify "ldg1 migrated live (exit $rc)" $?
rounds=$(grep -c "^    round [0-9]" "$tmp/out")
downtime=$(sed -n 's/^    downtime *\([0-9.]*\) ms$/\1/p' "$tmp/out")
cp "$tmp/out" "$tmp/mig.out"
# A migration the target refuses in its checks: the name is taken there.
on hostb new_guest ldg2 1 128M
on hosta new_guest ldg2 1 128M
on hosta run ldm migrate-domain -p "$tmp/pw" ldg2 hostb
[ "$rc" != 0 ]
verify "ldg2 refused by hostb (exit $rc): $(head -1 "$tmp/err")" $?
refusal=$(head -1 "$tmp/err")
stop_host hosta
stop_host hostb

"${PYTHON:-python3}" - "$tmp/a.json" "$tmp/b.json" "$rounds" "$downtime" "$refusal" <<'EOF'
import json, sys
fails = 0
def check(name, ok):
    global fails
    print(("ok   " if ok else "FAIL ") + name)
    fails += 0 if ok else 1

def load(path):
    ev = json.load(open(path))["traceEvents"]
    procs = {e["pid"]: e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "process_name"}
    threads = {(e["pid"], e["tid"]): e["args"]["name"] for e in ev if e["ph"] == "M" and e["name"] == "thread_name"}
    # Slices as (depth, name, begin, end, args of B, args of E) per track; nesting checked.
    stacks, slices, ok = {}, {}, True
    for e in ev:
        if e["ph"] not in "BE":
            continue
        key = (procs[e["pid"]], threads[(e["pid"], e["tid"])])
        st = stacks.setdefault(key, [])
        if e["ph"] == "B":
            st.append(e)
            continue
        if not st:
            ok = False
            continue
        b = st.pop()
        slices.setdefault(key, []).append((len(st), b["name"], float(b["ts"]), float(e["ts"]), b.get("args", {}), e.get("args", {})))
    left = {k: [b["name"] for b in v] for k, v in stacks.items() if v}
    return ok and not left, slices

rounds, downtime = int(sys.argv[3]), float(sys.argv[4])
ok, a = load(sys.argv[1])
check("source: every End closes its Begin, nothing left open", ok)
m = sorted(a.get(("services", "migration ldg1"), []), key=lambda s: (s[2], s[0]))
# The dry run (-n) first: checks, then the prediction, and its outcome.
dry = [s for s in m if s[0] == 0 and s[5].get("outcome") == "dry run"]
check(f"source: the dry run: {[(s[1], s[5]) for s in dry]}", len(dry) == 1 and dry[0][1] == "migrate ldg1 to hostb")
if dry:
    inside = [s[1] for s in m if s[0] == 1 and dry[0][2] <= s[2] and s[3] <= dry[0][3]]
    check(f"source: the dry run's phases: {inside}", inside == ["checks", "predict"])
    m = [s for s in m if s[2] >= dry[0][3] and s not in dry and not (s[0] == 1 and s[3] <= dry[0][3])]
outer = [s for s in m if s[0] == 0]
phases = [s[1] for s in m if s[0] == 1]
rnds = [s for s in m if s[0] == 2]
check(f"source: one migration slice: {[s[1] for s in outer]}", [s[1] for s in outer] == ["migrate ldg1 to hostb"])
check(f"source: phases in order: {phases}", phases == ["checks", "prepare", "transfer", "handoff"])
transfer = [s for s in m if s[0] == 1 and s[1] == "transfer"]
inside = transfer and all(transfer[0][2] <= r[2] and r[3] <= transfer[0][3] for r in rnds)
names = [r[1] for r in rnds]
check(f"source: rounds inside the transfer: {names}",
      inside and names == [f"round {i}" for i in range(rounds)] + ["final round"])
check("source: each round says its pages and bytes (8 KB pages: bytes = pages x 8192)",
      all(r[4]["bytes"] == r[4]["pages"] * 8192 for r in rnds) and rnds and rnds[0][4]["pages"] > 0)
check("source: live rounds end with the pages dirtied meanwhile",
      all("dirtied_pages" in r[5] for r in rnds[:-1]))
end = outer[0][5] if outer else {}
check(f"source: the migration's end: {end}",
      end.get("outcome") == "migrated" and end.get("rounds") == rounds + 1 and end.get("bytes", 0) > 0 and
      abs(end.get("downtime_us", 0) / 1000 - downtime) < 0.002)
m2 = sorted(a.get(("services", "migration ldg2"), []), key=lambda s: (s[2], s[0]))
end2 = [s[5] for s in m2 if s[0] == 0]
check(f"source: the refused migration of ldg2: {[s[1] for s in m2]}, {end2}",
      [s[1] for s in m2] == ["migrate ldg2 to hostb", "checks"] and len(end2) == 1 and
      end2[0].get("outcome") == "failed" and end2[0].get("error") == sys.argv[5])
states = [s[1] for s in sorted(a.get(("ldg1", "domain"), []), key=lambda s: s[2])]
check(f"source: ldg1's states: {states}", states[-3:] == ["active", "migrating out", "suspended (migrating)"])

ok, b = load(sys.argv[2])
check("target: every End closes its Begin, nothing left open", ok)
# (The target's clock may not move between the two: group by End order, children first.)
groups, kids = [], []
for sl in b.get(("services", "migration ldg1"), []):
    if sl[0] == 0:
        groups.append((sl, [k[1] for k in kids]))
        kids = []
    else:
        kids.append(sl)
check(f"target: the dry run's checks, then the migration: {[(g[0][1], g[0][5].get('outcome'), g[1]) for g in groups]}",
      len(groups) == 2 and groups[0][0][5].get("outcome") == "dry run" and groups[0][1] == ["checks"])
outer = [g[0] for g in groups[1:]]
check(f"target: one receiving slice: {[s[1] for s in outer]}", [s[1] for s in outer] == ["receive ldg1 from hosta"])
check(f"target: its phases: {groups[1][1] if len(groups) > 1 else None}",
      len(groups) > 1 and groups[1][1] == ["checks", "receive", "install"])
end = outer[0][5] if outer else {}
check(f"target: installed, with the source's phase times: {end}",
      end.get("outcome") == "installed" and end.get("rounds") == rounds + 1 and end.get("transfer_us", 0) > 0)
m2 = [s for s in b.get(("services", "migration ldg2"), [])]
check(f"target: ldg2's refused: {[(s[1], s[5]) for s in m2 if s[0] == 0]}",
      [s[5].get("outcome") for s in m2 if s[0] == 0] == ["refused"])
states = [s[1] for s in sorted(b.get(("ldg1", "domain"), []), key=lambda s: s[2])]
check(f"target: ldg1's states: {states}", states == ["migrating in", "active"])
sys.exit(1 if fails else 0)
EOF
verify "trace JSON of both hosts" $?
# ldm sends the target's password on to ldmd: the ldm category names the command without it.
pw=$(head -n1 "$tmp/pw")
! grep -qF -- "$pw" "$tmp/a.json" "$tmp/a.txt" && grep -q -- '--target-password=\*\*\*\*\*\*\*\*' "$tmp/a.txt"
verify "the migration password is not in the source's trace (named --target-password=********)" $?
finish
