#!/usr/bin/env bash
# The manager's trace categories (docs/tracing.md): ldmd --trace domain,ldm writes a domain's
# states as slices on its domain track and every ldm/vfctl command as a slice on the host
# track. A guest is added, bound, started, stopped (an Operation: the guest is asked to shut
# down), unbound and removed, one command fails; after vfctl shutdown the Perfetto JSON must
# hold the states in order, balanced Begin/End per track (properly nested), and each command
# once with its exit code (and the failure's message); the text output says the same.
source "$(dirname "$0")/lib.sh" "$@"

start_ldmd --trace domain,ldm --trace-file "$tmp/t.json" --trace-file "$tmp/t.txt" || exit 1
small_primary
new_guest ldg1 1 128M idle
expect_ok ldm set-vcons port=15901 ldg1
expect_ok ldm bind ldg1
expect_ok ldm start ldg1
expect_ok vfctl clock advance 10ms   # the guest boots and registers for domain-shutdown
expect_ok ldm list ldg1
expect_ok ldm stop ldg1
expect_fail "LDom nosuch not found" ldm start nosuch
expect_ok ldm unbind ldg1
expect_ok ldm remove-domain ldg1
stop_ldmd

python3 - "$tmp/t.json" <<'EOF'
import json, sys
fails = 0
def check(name, ok):
    global fails
    print(("ok   " if ok else "FAIL ") + name)
    fails += 0 if ok else 1

events = json.load(open(sys.argv[1]))["traceEvents"]
procs = {e["pid"]: e["args"]["name"] for e in events if e["ph"] == "M" and e["name"] == "process_name"}
pid_of = {v: k for k, v in procs.items()}

# Nesting: per track, every E closes the newest open B; nothing is left open; times do not go back.
stacks, ok, closed = {}, True, []
last = {}
for e in events:
    if e["ph"] not in "BE":
        continue
    key = (e["pid"], e["tid"])
    ok &= float(e["ts"]) >= last.get(key, 0.0)
    last[key] = float(e["ts"])
    st = stacks.setdefault(key, [])
    if e["ph"] == "B":
        st.append(e)
    elif not st:
        ok = False
        print("  E without B:", e)
    else:
        closed.append((st.pop(), e))
check("every End closes the newest Begin of its track, in time order", ok)
left = {k: [b["name"] for b in v] for k, v in stacks.items() if v}
check(f"no slice is left open after shutdown ({left})", not left)

# The guest's states, in order, on its domain track.
states = [e["name"] for e in events if e["ph"] == "B" and e.get("pid") == pid_of.get("ldg1")]
check(f"ldg1's states in order: {states}", states == ["inactive", "bound", "active", "bound", "inactive"])
prim = [e["name"] for e in events if e["ph"] == "B" and e.get("pid") == pid_of.get("primary")]
check(f"primary's state: {prim}", prim == ["active"])
act = [b for b, _ in closed if b.get("pid") == pid_of.get("ldg1") and b["name"] == "active"]
check("the active slice says where it came from and its vCPUs",
      len(act) == 1 and act[0]["args"].get("from") == "bound" and act[0]["args"].get("vcpus") == 1)

# Commands on the host track: each once, with its exit code.
cmds = {}
for b, e in closed:
    if b["pid"] == pid_of.get("host") and b.get("cat") == "ldm":
        cmds.setdefault(b["name"], []).append((b, e))
want = {"ldm set-vcpu 8 primary": 0, "ldm set-memory 4G primary": 0, "vfctl reboot primary": 0,
        "ldm add-domain ldg1": 0, "ldm add-vcpu 1 ldg1": 0, "ldm add-memory 128M ldg1": 0,
        "ldm set-vcons port=15901 ldg1": 0, "ldm bind ldg1": 0, "ldm start ldg1": 0, "ldm list ldg1": 0,
        "vfctl clock advance 10ms": 0, "ldm stop ldg1": 0, "ldm set-var boot-file=idle ldg1": 0, "ldm start nosuch": 1, "ldm unbind ldg1": 0, "ldm remove-domain ldg1": 0,
        "vfctl shutdown": 0}
for name, code in want.items():
    got = cmds.get(name, [])
    check(f"{name}: once, exit {code} ({[e.get('args') for _, e in got]})",
          len(got) == 1 and got[0][1].get("args", {}).get("code") == code)
err = cmds.get("ldm start nosuch", [(None, {})])[0][1].get("args", {}).get("error")
check(f"the failure's first line is in the slice: {err!r}", err == "LDom nosuch not found")
extra = sorted(set(cmds) - set(want))
check(f"no other commands ({extra})", not extra)
# A graceful stop is an Operation: simulated time runs while the guest shuts down.
b, e = cmds.get("ldm stop ldg1", [({"ts": 0}, {"ts": 0})])[0]
check(f"ldm stop lasts until its Operation ends ({b['ts']} -> {e['ts']} us)", float(e["ts"]) > float(b["ts"]))
# The bound slice after the stop begins within the stop's slice.
bound2 = [x for x, _ in closed if x.get("pid") == pid_of.get("ldg1") and x["name"] == "bound"]
check("the guest is bound again when its stop ends",
      len(bound2) == 2 and float(b["ts"]) <= float(bound2[1]["ts"]) <= float(e["ts"]))
sys.exit(1 if fails else 0)
EOF
verify "trace JSON checks" $?

grep -qxE '[0-9.]+ +domain ldg1: bound -> active|.*domain ldg1: bound -> active' "$tmp/t.txt"
verify "text output: the state change line" $?
grep -qE 'ldm start nosuch: exit 1: LDom nosuch not found$' "$tmp/t.txt"
verify "text output: the failed command's line" $?
finish
