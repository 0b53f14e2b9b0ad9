# Shared by the ldm command-line tests. Source it as
#   source "$(dirname "$0")/lib.sh" "$@"      (arguments: LDMD LDM VFCTL)
# It makes a temporary directory ($tmp), removed at exit together with any ldmd still
# running, and provides:
#   start_ldmd [args]   start ldmd (deterministic, T5240) on $tmp/state and $tmp/ldmd.sock, with the
#                       service domain's files (vdsdev backends) under $tmp/root ($LDMD_STATE,
#                       $LDMD_ROOT and $LDMD_SOCKET choose others, for a second host)
#   disk_image PATH SIZE  a sparse disk image at the service domain's PATH (e.g. /dev/dsk/c0t1d0s2)
#   small_primary       the control domain down to 8 vcpus and 4 GB (delayed reconfiguration, reboot)
#   new_guest NAME VCPUS MEM [BOOTFILE]  add-domain, add-vcpu, add-memory (and set-var boot-file), each checked
#   vnet_ping_pair CLIENT SERVER VSW  two 1-vCPU guests with a vnet each on VSW, the client pinging
#                       the server without end (vnet-ping, 128-byte frames)
#   stop_ldmd           vfctl shutdown, then kill as a fallback; waits for the process
#   ldm ... / vfctl ... run the built clients
#   run CMD...          run CMD, keep stdout in $tmp/out, stderr in $tmp/err, status in $rc
#   expect_ok CMD...            check: exit 0 and nothing on stderr
#   expect_out TEXT CMD...      check: exit 0, nothing on stderr, stdout is exactly TEXT
#   expect_fail MESSAGE CMD...  check: non-zero exit and MESSAGE is a whole line of stderr
#   verify NAME STATUS  check, showing the last run's output when STATUS is not 0
# plus check/finish from tests/lib/check.sh.
LDMD=$1 LDM=$2 VFCTL=$3
source "$(dirname "${BASH_SOURCE[0]}")/../lib/check.sh"
tmp=$(mktemp -d)
ldmd_pid=
export LDMD_SOCKET=$tmp/ldmd.sock

ldm() { "$LDM" "$@"; }
vfctl() { "$VFCTL" "$@"; }

small_primary() {
  ldm set-vcpu 8 primary >/dev/null
  ldm set-memory 4G primary >/dev/null
  vfctl reboot primary >/dev/null
}
new_guest() {
  expect_ok ldm add-domain "$1"
  expect_ok ldm add-vcpu "$2" "$1"
  expect_ok ldm add-memory "$3" "$1"
  [ $# -lt 4 ] || expect_ok ldm set-var "boot-file=$4" "$1"
}
vnet_ping_pair() {
  new_guest "$1" 1 128M
  new_guest "$2" 1 128M
  expect_ok ldm add-vnet vnet1 "$3" "$1"
  expect_ok ldm add-vnet vnet1 "$3" "$2"
  local mac
  mac=$(ldm list-bindings -p "$2" | sed -n 's/^VNET|.*|mac-addr=\([0-9a-f:]*\)|.*/\1/p')
  expect_ok ldm set-var "boot-file=vnet-ping role=server count=100000" "$2"
  expect_ok ldm set-var "boot-file=vnet-ping role=client peer=$mac count=100000 size=128" "$1"
}
disk_image() { mkdir -p "$(dirname "$tmp/root$1")" && truncate -s "$2" "$tmp/root$1"; }

# SOCKET PID LOG WHAT: wait (5 s at most) until an ldmd just started listens; say why not.
await_ldmd() {
  local i
  for i in $(seq 100); do
    [ -S "$1" ] && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.05
  done
  echo "$4 did not start:"
  cat "$3"
  return 1
}
start_ldmd() {
  "$LDMD" --foreground --deterministic --platform T5240 --state-dir "${LDMD_STATE:-$tmp/state}" --socket "$LDMD_SOCKET" \
    --service-root "${LDMD_ROOT:-$tmp/root}" "$@" \
    >>"$tmp/ldmd.log" 2>&1 &
  ldmd_pid=$!
  await_ldmd "$LDMD_SOCKET" "$ldmd_pid" "$tmp/ldmd.log" ldmd
}

stop_ldmd() {
  [ -n "$ldmd_pid" ] || return 0
  "$VFCTL" shutdown >/dev/null 2>&1
  local i
  for i in $(seq 100); do
    kill -0 "$ldmd_pid" 2>/dev/null || break
    sleep 0.05
  done
  kill "$ldmd_pid" 2>/dev/null
  wait "$ldmd_pid" 2>/dev/null
  ldmd_pid=
}

cleanup() {
  local st=$?
  stop_ldmd
  # ldmd's log holds what it printed, a sanitizer's report at its exit included
  sanitizer_reports "$tmp" || st=1
  rm -rf "$tmp"
  exit $st
}
trap cleanup EXIT
trap "exit 143" TERM INT HUP

run() {
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

# Shows what a failed expectation got.
show() {
  echo "  \$ $*  (exit $rc)"
  sed 's/^/  out| /' "$tmp/out"
  sed 's/^/  err| /' "$tmp/err"
}

verify() {
  [ "$2" = 0 ] || show "(last command)"
  check "$1" "$2"
}

expect_ok() {
  run "$@"
  [ "$rc" = 0 ] && [ ! -s "$tmp/err" ]
  local st=$?
  [ $st = 0 ] || show "$@"
  check "$* succeeds" $st
}

expect_out() {
  local want=$1
  shift
  run "$@"
  if [ -z "$want" ]; then
    [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && [ ! -s "$tmp/out" ]
  else
    [ "$rc" = 0 ] && [ ! -s "$tmp/err" ] && [ "$(cat "$tmp/out"; echo x)" = "$want"$'\n'x ]
  fi
  local st=$?
  if [ $st != 0 ]; then
    show "$@"
    printf '%s\n' "$want" | sed 's/^/ want| /'
  fi
  check "$* prints the expected output" $st
}

expect_fail() {
  local msg=$1
  shift
  run "$@"
  [ "$rc" != 0 ] && grep -qxF -- "$msg" "$tmp/err"
  local st=$?
  [ $st = 0 ] || show "$@"
  check "$* fails: $msg" $st
}

# The texts every script compares against: the list header and the delayed-reconfiguration notices.
H='NAME       STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME'
NOTICE='------------------------------------------------------------------------------
Notice: LDom primary is in the process of a delayed reconfiguration.
Any changes made to primary will only take effect after it reboots.
------------------------------------------------------------------------------'
INITIATE='Initiating delayed reconfigure operation on LDom primary.  All configuration
changes for other LDoms are disabled until the LDom reboots, at which time
the new configuration for LDom primary will also take effect.'
