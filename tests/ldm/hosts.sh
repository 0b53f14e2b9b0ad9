# Two simulated hosts for migration tests, on top of lib.sh. Source it after lib.sh as
#   source "$(dirname "$0")/hosts.sh" PORT    (PORT: the target's migration port, unique per script)
# It provides:
#   start_host NAME [args]  an ldmd named NAME (--hostname NAME) on $tmp/NAME.sock with its own
#                           ($SHARED_ROOT: one service root for both, i.e. shared storage)
#                           state directory and service root, deterministic, T5240; stopped at exit
#   start_pair [args]       hosta (source: --peer hostb=127.0.0.1:PORT) and hostb (target:
#                           --migration-listen 127.0.0.1:PORT --auth-file with root:secret);
#                           args go to hostb; $SOURCE_ARGS (words, e.g. "--migration-fault
#                           hold@checks") go to hosta; $tmp/pw holds the password; both primaries small
#   stop_host NAME
#   on NAME CMD...          run CMD (ldm, vfctl, run, expect_*) against host NAME
#   seq_of WORD FILE...     the numbers N of the lines "WORD N" in the files (counter, dirty)
#   consecutive WORD FILE...  those numbers, in order, go up by one (at least two of them)
#   goes_on WORD SRC DST    the counter proof of a migration: DST (the target's console) starts
#                           with "suspend: resumed", has at least 5 numbers, and SRC's then
#                           DST's numbers go up by one: none lost or repeated
MIG_PORT=$1
declare -A host_pid
start_host() {
  local name=$1
  shift
  mkdir -p "$tmp/$name.root"
  "$LDMD" --foreground --deterministic --platform T5240 --hostname "$name" --state-dir "$tmp/$name.state" \
    --socket "$tmp/$name.sock" --service-root "${SHARED_ROOT:-$tmp/$name.root}" "$@" >>"$tmp/$name.log" 2>&1 &
  host_pid[$name]=$!
  await_ldmd "$tmp/$name.sock" "${host_pid[$name]}" "$tmp/$name.log" "ldmd $name"
}
stop_host() {
  local pid=${host_pid[$1]:-}
  [ -n "$pid" ] || return 0
  LDMD_SOCKET=$tmp/$1.sock "$VFCTL" shutdown >/dev/null 2>&1
  local i
  for i in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  unset "host_pid[$1]"
}
on() {
  local name=$1
  shift
  LDMD_SOCKET=$tmp/$name.sock "$@"
}
start_pair() {
  printf 'secret\n' >"$tmp/pw"
  printf 'root:%s\n' "$("$LDMD" --hash-password <"$tmp/pw")" >"$tmp/auth"
  start_host hostb --migration-listen 127.0.0.1:$MIG_PORT --auth-file "$tmp/auth" "$@" || return 1
  # shellcheck disable=SC2086 # (SOURCE_ARGS is split into words on purpose)
  start_host hosta --peer hostb=127.0.0.1:$MIG_PORT ${SOURCE_ARGS:-} || return 1
  on hosta small_primary
  on hostb small_primary
}
hosts_cleanup() {
  local st=$? h
  for h in "${!host_pid[@]}"; do stop_host "$h"; done
  (exit $st)   # cleanup exits with the script's status
  cleanup
}
trap hosts_cleanup EXIT
seq_of() {
  local word=$1
  shift
  sed -n "s/^$word \([0-9]*\)$/\1/p" "$@"
}
consecutive() {
  seq_of "$@" | awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1; n++ } END { exit bad || n < 2 }'
}
goes_on() {
  head -1 "$3" | grep -qx "suspend: resumed" && consecutive "$1" "$2" "$3" && [ "$(seq_of "$1" "$3" | wc -l)" -ge 5 ]
}
