#!/usr/bin/env bash
# Local trust (issue 17): ldmd's socket is its owner's only, a client of another user is told
# so (not that ldmd is not running), the configuration and snapshots are owner-only files, and
# a symbolic link planted at the temporary name of either is not followed. Disk images and
# pcaps are owner-only too. A socket path another user took first is neither trusted by ldm
# nor replaced by ldmd, nor is a file that is not a socket; a console port another process
# holds is not handed to a guest.
# Usage: local_trust.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
mkdir -p "$tmp/pcap"
start_ldmd --vsw-pcap "$tmp/pcap" || exit 1
[ "$(stat -c %a "$LDMD_SOCKET")" = 700 ]   # (a socket needs write permission to connect to)
st=$?   # (before the message's own $(...) changes $?)
check "the socket is owner-only ($(stat -c %a "$LDMD_SOCKET"))" $st

if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  chmod 755 "$tmp"   # the directory is not what refuses the other user here: the socket is
  run setpriv --reuid=65534 --regid=65534 --clear-groups "$LDM" list
  [ "$rc" = 1 ] && grep -qx "The ldmd on $LDMD_SOCKET belongs to another user: run ldm as that user (or root)" "$tmp/err"
  verify "another user's ldm is told the ldmd is not theirs, not that none runs" $?
  chmod 700 "$tmp"
else
  echo "skip: another user's client (needs root and setpriv)"
fi

echo "precious" > "$tmp/victim"
ln -s "$tmp/victim" "$tmp/state/ldmd.json.tmp"
expect_ok ldm add-domain ldg1
[ "$(cat "$tmp/victim")" = precious ] && grep -q '"ldg1"' "$tmp/state/ldmd.json" && [ ! -L "$tmp/state/ldmd.json" ]
check "a symbolic link at ldmd.json.tmp is not followed; the configuration is saved" $?
[ "$(stat -c %a "$tmp/state/ldmd.json")" = 600 ]
st=$?   # (before the message's own $(...) changes $?)
check "the configuration is owner-only ($(stat -c %a "$tmp/state/ldmd.json"))" $st

ln -s "$tmp/victim" "$tmp/s.snap.tmp"
expect_ok vfctl snapshot save "$tmp/s.snap"
[ "$(cat "$tmp/victim")" = precious ] && [ "$(stat -c %a "$tmp/s.snap")" = 600 ]
check "a snapshot does not follow a link at its temporary name and is owner-only" $?

# ---- disk images and pcaps are owner-only
expect_ok vfctl mkfile -n 8m /ldoms/d.img
[ "$(stat -c %a "$tmp/root/ldoms/d.img")" = 600 ]
st=$?
check "a disk image made by mkfile is owner-only ($(stat -c %a "$tmp/root/ldoms/d.img"))" $st
small_primary
expect_ok ldm add-vsw primary-vsw0 primary
expect_ok ldm add-vcc port-range=15491-15499 primary-vcc0 primary
new_guest ldg2 1 128M
expect_ok ldm add-vnet vnet0 primary-vsw0 ldg2
expect_ok ldm bind ldg2
[ -f "$tmp/pcap/primary-vsw0.pcap" ] && [ "$(stat -c %a "$tmp/pcap/primary-vsw0.pcap")" = 600 ]
st=$?
check "the switch's pcap is owner-only" $st

# ---- a console port another process holds is skipped, and refused when asked for
run ldm list -p ldg2
grep -q "|cons=15491|" "$tmp/out"
verify "ldg2 has the first console port of the range" $?
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 15492)); s.listen(1)
open(sys.argv[1], "w").close(); time.sleep(60)' "$tmp/squatting" &
squatter=$!
for i in $(seq 100); do [ -e "$tmp/squatting" ] && break; sleep 0.05; done
new_guest ldg3 1 128M
expect_ok ldm bind ldg3
run ldm list -p ldg3
grep -q "|cons=15493|" "$tmp/out"
verify "a bind skips the port another process listens on (15492) and takes 15493" $?
new_guest ldg4 1 128M
expect_ok ldm set-vcons port=15492 ldg4
expect_fail "Console port 15492 of LDom ldg4 is in use by another process: free it or choose another with set-vcons port=" \
  ldm bind ldg4
run ldm list -p ldg4
grep -q "|state=inactive|" "$tmp/out"
verify "ldg4 stays inactive" $?
kill $squatter 2>/dev/null; wait $squatter 2>/dev/null
expect_ok ldm bind ldg4
run ldm list -p ldg4
grep -q "|cons=15492|" "$tmp/out"
verify "once the port is free the bind takes it" $?

# ---- a socket path that is not ours: ldm does not trust it, ldmd does not replace it
echo "not a socket" > "$tmp/file.sock"
run "$LDMD" --foreground --deterministic --state-dir "$tmp/state2" --socket "$tmp/file.sock"
[ "$rc" != 0 ] && [ "$(cat "$tmp/file.sock")" = "not a socket" ] &&
  grep -qxF "ldmd: $tmp/file.sock exists and is not a socket: not replacing it (choose another --socket)" "$tmp/err"
verify "ldmd does not replace a file that is not a socket" $?
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
  mkdir -m 1777 "$tmp/shared"
  chmod 755 "$tmp"
  # (/usr/bin/python3: not a shim in root's home, which user 65534 cannot reach)
  setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
while True:
    c, _ = s.accept()
    try:
        c.recv(65536); c.sendall(b"{\"v\":2,\"out\":\"fake\\n\",\"err\":\"\",\"code\":0}\n")
    except OSError:
        pass
    c.close()' "$tmp/shared/ldmd.sock" &
  squatter=$!
  for i in $(seq 100); do [ -S "$tmp/shared/ldmd.sock" ] && break; sleep 0.05; done
  run env LDMD_SOCKET="$tmp/shared/ldmd.sock" "$LDM" list
  [ "$rc" = 1 ] && [ ! -s "$tmp/out" ] &&
    grep -qxF "Failed to connect to logical domain manager: $tmp/shared/ldmd.sock is served by a process of user 65534, not by you or root" "$tmp/err"
  verify "ldm does not trust an ldmd socket another user took first" $?
  run "$LDMD" --foreground --deterministic --state-dir "$tmp/state3" --socket "$tmp/shared/ldmd.sock"
  [ "$rc" = 1 ] &&
    grep -qxF "ldmd: $tmp/shared/ldmd.sock is held by a process of user 65534, not by an ldmd of this user: choose another --socket" "$tmp/err"
  verify "ldmd says who holds the socket path" $?
  kill $squatter 2>/dev/null; wait $squatter 2>/dev/null
  run "$LDMD" --foreground --deterministic --state-dir "$tmp/state3" --socket "$tmp/shared/ldmd.sock"
  [ "$rc" != 0 ] && [ -S "$tmp/shared/ldmd.sock" ] &&
    grep -qxF "ldmd: $tmp/shared/ldmd.sock belongs to user 65534, not to ldmd's user 0: not replacing it (choose another --socket)" "$tmp/err"
  verify "ldmd does not replace another user's (dead) socket" $?
  chmod 700 "$tmp"
else
  echo "skip: another user's socket (needs root and setpriv)"
fi
finish
