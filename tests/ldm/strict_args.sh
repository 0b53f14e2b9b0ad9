#!/usr/bin/env bash
# ldm as a script sees it (issue 16): every subcommand, given an unknown option, an unknown
# property or an invalid value for each of its properties, exits non-zero with a message on
# stderr and nothing on stdout, and changes nothing: the constraints (list-constraints -x and
# -p), the bindings (list -l -p), the services and the SP configurations are byte for byte
# as before. Each line is refused twice: by the ldm client (from the command table, before
# ldmd hears of it) and by ldmd itself, sent raw on its socket as another client would.
# Help and usage errors need no ldmd.
# Usage: strict_args.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
CLIENT="python3 $(dirname "$0")/daemon_client.py"

# ---- without ldmd
export LDMD_SOCKET=$tmp/none.sock
run ldm --help
[ "$rc" = 0 ] && grep -q "^    domain: add-domain (create), set-domain" "$tmp/out" && [ ! -s "$tmp/err" ]
verify "ldm --help without ldmd: the commands, exit 0" $?
run ldm --help add-vnet
[ "$rc" = 0 ] && [ "$(head -1 "$tmp/out")" = "Usage:" ] && grep -q "^    ldm add-vnet \[mac-addr=<num>\]" "$tmp/out"
verify "ldm --help add-vnet without ldmd: its usage" $?
expect_fail "ldm: illegal option -- Z" ldm list -Z
expect_fail "Invalid property: linkprop" ldm add-vsw linkprop=phys-state net-dev=e1000g0 vsw0 primary
expect_fail "Unknown command frobnicate" ldm frobnicate
run "$VFCTL" --help
[ "$rc" = 0 ] && grep -q "^    vfctl clock advance" "$tmp/out"
verify "vfctl --help without ldmd: its usage, exit 0" $?
run ldm list
[ "$rc" = 1 ] && grep -q "is not running" "$tmp/err"
verify "ldm list without ldmd still says ldmd is not running" $?
export LDMD_SOCKET=$tmp/ldmd.sock

# ---- the reference layout
start_ldmd
small_primary
disk_image /dev/dsk/c0t1d0s2 16M
disk_image /dev/dsk/c0t2d0s2 16M
for c in "add-vcc port-range=15821-15829 primary-vcc0 primary" "add-vds primary-vds0 primary" \
  "add-vdsdev /dev/dsk/c0t1d0s2 vol1@primary-vds0" "add-vdsdev /dev/dsk/c0t2d0s2 vol2@primary-vds0" \
  "add-vsw net-dev=e1000g0 primary-vsw0 primary" "add-domain ldg1 ldg2 ldg3" "add-vcpu 2 ldg1" "add-memory 1G ldg1" \
  "add-vnet vnet1 primary-vsw0 ldg1" "add-vdisk vdisk1 vol1@primary-vds0 ldg1" "set-variable boot-file=idle ldg1" \
  "add-vcpu 1 ldg2" "add-memory 256M ldg2" "set-variable boot-file=idle ldg2" "bind-domain ldg2" "start-domain ldg2" \
  "add-vdpcs vdpcs0 primary" "add-vdpcc vdpcc1 vdpcs0 ldg1" "add-spconfig saved"; do
  # shellcheck disable=SC2086
  expect_ok ldm $c >/dev/null
done
state() {
  ldm list-constraints -x
  ldm list-constraints -p
  ldm list -l -p | grep -v '|util=\|^VCPU\|^|vid='   # (utilisation and uptime move as the guest runs)
  ldm list-services -p
  ldm list-spconfig
}
state >"$tmp/before" 2>&1

# Valid lines on this layout (what the mutations are added to).
LINES=(
  "add-domain mac-addr=00:14:4f:f9:00:01 hostid=0x12345678 failure-policy=stop master=ldg1 ldg9"
  "set-domain failure-policy=panic master=ldg2 hostid=7 ldg1"
  "remove-domain ldg3" "list-domain -l ldg1" "bind-domain ldg1" "unbind-domain ldg3" "start-domain ldg1"
  "stop-domain ldg2" "panic-domain ldg2" "cancel-operation reconf primary"
  "add-vcpu 1 ldg1" "set-vcpu 1 ldg1" "remove-vcpu 1 ldg1" "add-mau 1 ldg1" "set-mau 1 ldg1" "remove-mau 1 ldg1"
  "add-memory 512M ldg1" "set-memory 2G ldg1" "remove-memory 256M ldg1" "add-io bypass=on pci@500 ldg3"
  "remove-io pci@400 primary" "add-variable auto-boot?=false ldg1" "set-variable boot-file=counter ldg1"
  "remove-variable boot-file ldg1" "list-variable boot-file ldg1" "add-spconfig two" "set-spconfig saved"
  "remove-spconfig saved" "list-spconfig" "add-vcc port-range=15830-15831 vcc1 primary"
  "set-vcc port-range=15821-15829 primary-vcc0" "remove-vcc primary-vcc0" "add-vds vds1 primary" "remove-vds primary-vds0"
  "add-vdsdev options=ro,slice mpgroup=mp1 /dev/dsk/c0t2d0s2 vol3@primary-vds0"
  "set-vdsdev options=excl mpgroup=mp2 vol2@primary-vds0" "remove-vdsdev vol2@primary-vds0"
  "add-vsw default-vlan-id=2 pvid=3 vid=4,5 mac-addr=00:14:4f:f9:00:03 net-dev=nxge0 mode=sc mtu=9000 id=7 vsw1 primary"
  "set-vsw pvid=9 vid=10 net-dev=e1000g1 mode=sc mtu=1500 primary-vsw0" "remove-vsw primary-vsw0"
  "add-vnet mac-addr=00:14:4f:f9:00:04 mode=hybrid pvid=2 vid=3 id=5 mtu=9000 vnet2 primary-vsw0 ldg1"
  "set-vnet vswitch=primary-vsw0 mode=hybrid pvid=4 vid=5,6 mtu=1600 vnet1 ldg1" "remove-vnet vnet1 ldg1"
  "add-vdisk timeout=30 id=3 vdisk2 vol2@primary-vds0 ldg1" "set-vdisk timeout=10 volume=vol2@primary-vds0 vdisk1 ldg1"
  "remove-vdisk vdisk1 ldg1" "add-vdpcs vdpcs1 primary" "remove-vdpcs vdpcs0" "add-vdpcc vdpcc2 vdpcs0 ldg1"
  "remove-vdpcc vdpcc1 ldg1" "set-vcons port=15829 group=grp service=primary-vcc0 ldg1"
  "list-bindings -p ldg2" "list-services -p" "list-constraints -p ldg1" "list-devices -a cpu"
)

# ARGV...: refused by the ldm client, nothing on stdout; the same words go to $tmp/raw for
# ldmd (below: one Python process sends them all, as Python starts slowly here).
: >"$tmp/raw"
refused() {
  run ldm "$@"
  [ "$rc" != 0 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]
  verify "ldm $* is refused" $?
  printf '%s\0' "$@" >>"$tmp/raw"
  printf '\n' >>"$tmp/raw"
}
n=0
for line in "${LINES[@]}"; do
  read -ra w <<<"$line"
  cmd=${w[0]}
  rest=("${w[@]:1}")
  refused "$cmd" -Z "${rest[@]}"
  refused "$cmd" --auto-adj "${rest[@]}"
  case "$cmd" in
    *-variable) ;;   # (there, name=value is a variable)
    *)
      refused "$cmd" bogus=x "${rest[@]}"
      refused "$cmd" linkprop=phys-state "${rest[@]}"
      # each property in turn given a value no property takes ("-1")
      for word in "${rest[@]}"; do
        case "$word" in
          *=*)
            key=${word%%=*}
            others=()
            for o in "${rest[@]}"; do [ "$o" = "$word" ] || others+=("$o"); done
            refused "$cmd" "$key=-1" "${others[@]}"
            refused "$cmd" "$key=${word#*=}" "$word" "${others[@]}"   # given twice
            ;;
        esac
      done
      ;;
  esac
  n=$((n + 1))
done
# ldmd refuses every one of them from another client too (its own check of the table).
python3 - "$LDMD_SOCKET" "$tmp/raw" >"$tmp/daemon" <<'PY'
import json, socket, sys
sock, raw = sys.argv[1], open(sys.argv[2], "rb").read().split(b"\0\n")
bad = 0
for line in raw:
    if not line:
        continue
    argv = [w.decode() for w in line.split(b"\0")]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    s.sendall((json.dumps({"v": 2, "tool": "ldm", "argv": argv}) + "\n").encode())
    reply = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        reply += b
    r = json.loads(reply)
    if r["code"] == 0 or not r["err"] or r["out"]:
        bad += 1
        print("accepted by ldmd:", " ".join(argv), r)
print(f"{len([l for l in raw if l])} refused by ldmd, {bad} accepted")
sys.exit(1 if bad else 0)
PY
st=$?
check "$(tail -1 "$tmp/daemon")" $st
[ $st = 0 ] || cat "$tmp/daemon"
state >"$tmp/after" 2>&1
diff "$tmp/before" "$tmp/after" >"$tmp/diff"
verify "after $n subcommands' refusals, the constraints (-x and -p), bindings, services and SP configurations are as before" $?
[ "$(grep -c '<' "$tmp/before")" -gt 20 ] && grep -q "^VCONS\|^VNET|" "$tmp/before"
verify "the compared state holds the layout ($(wc -l <"$tmp/before") lines)" $?

stop_ldmd
finish
