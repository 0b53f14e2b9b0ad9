#!/usr/bin/env bash
# vfctl stats and vfctl top (docs/top.md) on a free-running ldmd with a busy guest (compute on
# 2 vCPUs) and an idle one: the counters grow where the work is, the batch frames and the
# ncurses screen (driven in a private tmux server) show both domains with plausible numbers,
# the keys work, bad options and a missing ldmd are refused.
source "$(dirname "$0")/lib.sh" "$@"
tmuxs=(tmux -S "$tmp/tmux.sock")
trap 'st=$?; "${tmuxs[@]}" kill-server >/dev/null 2>&1; (exit $st); cleanup' EXIT

# Like start_ldmd, without --deterministic: simulated time runs while guests are active.
"$LDMD" --foreground --platform T5240 --state-dir "$tmp/state" --socket "$LDMD_SOCKET" --service-root "$tmp/root" \
  >>"$tmp/ldmd.log" 2>&1 &
ldmd_pid=$!
await_ldmd "$LDMD_SOCKET" "$ldmd_pid" "$tmp/ldmd.log" ldmd || exit 1

small_primary
new_guest busy 2 256M "compute iterations=4000000000"
new_guest idle 1 128M
# (console ports of this script's own range, away from the 5000s other scripts count on)
expect_ok ldm set-vcons port=15891 busy
expect_ok ldm set-vcons port=15892 idle
for d in busy idle; do expect_ok ldm bind "$d"; done
for d in busy idle; do expect_ok ldm start "$d"; done

# Options are checked before ldmd is asked.
usage='Usage: vfctl top [-d SECONDS] [-b] [-n COUNT]'
expect_fail "$usage" vfctl top -x
grep -qxF 'vfctl top: unknown option -x' "$tmp/err"
verify "vfctl top -x names the option" $?
expect_fail "$usage" vfctl top -d 0
expect_fail "$usage" vfctl top -b -n
expect_fail "vfctl top: not a terminal (use -b for plain text frames)" vfctl top -n 1
expect_fail "    vfctl stats [--json]" vfctl stats --xml

# Two samples a second apart: field by field, what the busy and the idle domain did.
sleep 0.5
expect_ok vfctl stats --json
cp "$tmp/out" "$tmp/s1.json"
sleep 1
expect_ok vfctl stats --json
cp "$tmp/out" "$tmp/s2.json"
python3 - "$tmp/s1.json" "$tmp/s2.json" >"$tmp/out" 2>"$tmp/err" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["platform"] == "T5240" and a["clock_hz"] == 1415000000, a
assert b["simulated_seconds"] > a["simulated_seconds"] > 0, (a["simulated_seconds"], b["simulated_seconds"])
assert b["wall_seconds"] - a["wall_seconds"] >= 0.9, (a["wall_seconds"], b["wall_seconds"])
dom = lambda s, n: next(d for d in s["domains"] if d["name"] == n)
assert [d["name"] for d in b["domains"]] == ["busy", "idle"], b["domains"]   # not the control domain
for name, vcpus in (("busy", 2), ("idle", 1)):
    da, db = dom(a, name), dom(b, name)
    assert db["state"] == "active" and len(db["vcpus"]) == vcpus, db
    for va, vb in zip(da["vcpus"], db["vcpus"]):
        cyc = vb["cycles"] - va["cycles"]
        idle = min(cyc, vb["idle_cycles"] - va["idle_cycles"])
        insns = vb["instructions"] - va["instructions"]
        util = 100.0 * (cyc - idle) / cyc
        print(f"{name} vcpu {vb['vid']} strand {vb['strand']}: {cyc} cycles, {insns} instructions, util {util:.1f}%")
        assert vb["running"] and cyc > 0, vb
        if name == "busy":
            assert insns > 1000000 and util > 95, (insns, util)
        else:
            assert util < 5, util
            assert vb["hypercalls"] > va["hypercalls"], vb   # it idles in cpu_yield
# Its domain-services handshake went over LDC: 64-byte packets both ways, no copies.
ldc = dom(b, "idle")["ldc"]
assert ldc["tx_packets"] > 0 and ldc["rx_packets"] > 0 and ldc["tx_bytes"] == 64 * ldc["tx_packets"], ldc
print("idle LDC:", ldc)
EOF
verify "vfctl stats --json: the busy domain's instructions grow, the idle one's utilisation is near 0, LDC packets counted" $?
cat "$tmp/out"
expect_ok vfctl stats
grep -q '^busy  *0  *[0-9]' "$tmp/out" && grep -q '^idle  *0  *[0-9]' "$tmp/out" && grep -q '^idle  *LDC sent ' "$tmp/out"
verify "vfctl stats: a line per vCPU and the LDC traffic of each domain" $?

# Batch frames: two, each with the header, the titles and both domains.
expect_ok vfctl top -b -n 2 -d 0.5
cp "$tmp/out" "$tmp/batch.txt"
sed 's/^/  | /' "$tmp/batch.txt"
[ "$(grep -c '^vfctl top - T5240  simulated [0-9.]* s  wall [0-9.]* s  [0-9.]* sim s/wall s' "$tmp/batch.txt")" = 2 ] &&
  [ "$(grep -c '^NAME  *STATE  *UTIL%  *IPC ' "$tmp/batch.txt")" = 2 ] &&
  [ "$(grep -c '^  vcpu 1  *s[0-9]' "$tmp/batch.txt")" = 2 ]
verify "vfctl top -b -n 2: two frames with header, titles and vCPU rows" $?
awk '$1 == "busy" && $2 == "active" && $3 > 90 && $4 > 0 { b++ }
     $1 == "idle" && $2 == "active" && $3 < 5 { i++ }
     END { exit !(b == 2 && i == 2) }' "$tmp/batch.txt"
verify "vfctl top -b: busy over 90% with an IPC, idle under 5%, in both frames" $?

# The screen, in a 160x50 tmux pane: header, both domains, the busy one's utilisation.
"${tmuxs[@]}" new-session -d -x 160 -y 50 "env LDMD_SOCKET='$LDMD_SOCKET' '$VFCTL' top -d 0.5; echo \$? >'$tmp/top.rc'"
for _ in $(seq 50); do
  "${tmuxs[@]}" capture-pane -p >"$tmp/pane.txt" 2>/dev/null
  grep -q '^busy ' "$tmp/pane.txt" && grep -q '^idle ' "$tmp/pane.txt" && break
  sleep 0.2
done
sed 's/^/  | /' "$tmp/pane.txt" | sed '/^  | *$/d'
grep -q '^vfctl top - T5240  simulated [0-9.]* s  wall [0-9.]* s  [0-9.]* sim s/wall s' "$tmp/pane.txt" &&
  grep -q '^NAME  *STATE  *UTIL%' "$tmp/pane.txt" &&
  awk '$1 == "busy" && $3 > 0 { b++ } $1 == "idle" && $3 < 5 { i++ } END { exit !(b == 1 && i == 1) }' "$tmp/pane.txt" &&
  grep -q '^  vcpu 1 ' "$tmp/pane.txt" && grep -q 'q quit  d hide vCPUs' "$tmp/pane.txt"
verify "vfctl top on a terminal: header, titles, busy with utilisation, idle, vCPU rows, the keys" $?
"${tmuxs[@]}" send-keys d
for _ in $(seq 20); do
  "${tmuxs[@]}" capture-pane -p >"$tmp/pane.txt" 2>/dev/null
  grep -q 'd show vCPUs' "$tmp/pane.txt" && break
  sleep 0.1
done
grep -q '^busy ' "$tmp/pane.txt" && ! grep -q '^  vcpu ' "$tmp/pane.txt"
verify "key d hides the vCPU rows" $?
"${tmuxs[@]}" send-keys q
for _ in $(seq 30); do
  [ -s "$tmp/top.rc" ] && break
  sleep 0.1
done
[ "$(cat "$tmp/top.rc" 2>/dev/null)" = 0 ] && sleep 0.2 && ! "${tmuxs[@]}" has-session 2>/dev/null
verify "key q ends vfctl top (exit 0) and its pane" $?

# With no ldmd: the clients' usual error, non-zero.
stop_ldmd
for args in "top -b -n 1" "stats --json"; do
  run vfctl $args
  [ "$rc" != 0 ] && grep -q '^The Logical Domains Manager (ldmd) is not running: ' "$tmp/err" && [ ! -s "$tmp/out" ]
  verify "vfctl $args without ldmd fails" $?
done
finish
