#!/usr/bin/env bash
# Local trust (issue 17): ldmd's socket is its owner's only, a client of another user is told
# so (not that ldmd is not running), the configuration and snapshots are owner-only files, and
# a symbolic link planted at the temporary name of either is not followed.
# Usage: local_trust.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
start_ldmd || exit 1
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
finish
