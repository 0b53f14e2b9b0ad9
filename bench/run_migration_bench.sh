#!/usr/bin/env bash
# Active domain migration between two ldmds: the wall time of `ldm migrate-domain` for a 16 GB
# guest that touched 64 MB and 256 MB, against streaming the same number of bytes through
# the same TLS stack (OpenSSL, TLS 1.3) with `openssl s_client`/`s_server` on loopback,
# measured in the same run. Each size gets a fresh pair of deterministic T5240 ldmds as in
# tests/ldm/hosts.sh: hostb listens for migrations (--migration-listen, --auth-file with
# root:secret), hosta knows it as a --peer; both control domains shrunk to 8 vCPUs and 4 GB.
# On hosta, ldg1 (16 vCPUs, 16 GB) runs the runtime's `memory footprint=F writes=1
# then=idle` workload (16 x F of guest memory written, then idle, still up) next to two idle
# guests (1 vCPU, 1 GB, boot-file `idle`); simulated time is advanced in 250 ms steps until
# the console says "all 16 vcpus done" and "idle". Then `ldm migrate-domain -p PW ldg1 hostb`
# is timed. It must exit 0, leave ldg1 active on hostb and gone from hosta, and the guest
# must print "suspend: resumed" on hostb once hostb's clock moves on; hostb itself refuses
# the migration if the memory that arrived does not have the source's crc32 at suspend.
#   touched MB      the non-zero 8 KB pages at suspend ("Memory at suspend: N non-zero pages")
#                   x 8 KB: what the migration copies (zero pages are not sent)
#   wire MB         what went over the link, zlib-compressed ("... sent as 24.1M")
#   migration s     wall time of the `ldm migrate-domain` command (what a user waits for)
#   simulated s     the migration's total in simulated time ("... in S s of simulated time")
#                   and its transfer phase (modelled: the copy pipeline's slowest stage,
#                   ldm/migration.h MigrationTiming; the other domains run meanwhile)
#   CPU s a / b     user + system time hosta's and hostb's ldmd used during the command
#   openssl s       best of 3: `openssl s_server -tls1_3 -naccept 1 -quiet | wc -c` on
#                   127.0.0.1 (self-signed EC P-256 certificate, the default TLS 1.3 suite,
#                   as ldmd's link negotiates) and `openssl s_client -tls1_3 < FILE`; FILE
#                   holds the touched bytes of random data (TLS does not compress, so the
#                   content does not change its cost; the guest's own pages are not
#                   exported); from starting s_client (connect and handshake included) until
#                   s_server has exited and wc counted every byte (the count is checked)
#   MB/s            touched MB / wall s, for both; ratio = migration s / openssl s
# MB = 2^20 bytes. Also printed: the guest's checksum before migrating, the crc32 at suspend
# and the target's checksum right after the migration (before hostb's clock moves).
# Usage: bench/run_migration_bench.sh [BUILD_DIR]   (prints a Markdown table; exit 1 on failure)
#   MIGRATION_BENCH_SIZES="64 256" chooses what the guest touches, in MB (multiples of 16);
#   MIGRATION_BENCH_MODES="warm live" the migration modes (mode=), each with every size: live
#   mode's dirty log and round copies cost host time, this shows how much (the guest is
#   idle by then, so round 0 is the whole copy and the last round is nearly empty);
#   MIGRATION_BENCH_TIMEOUT=600 bounds the whole run in wall seconds;
#   MIGRATION_BENCH_PORT=15790 is the first port tried for hostb's listener (then openssl's).
set -euo pipefail
build=${1:-build}
ldmd_bin=$build/bin/ldmd ldm_bin=$build/bin/ldm vfctl_bin=$build/bin/vfctl
for f in "$ldmd_bin" "$ldm_bin" "$vfctl_bin"; do [[ -x $f ]] || { echo "missing $f (build first)" >&2; exit 2; }; done
for t in openssl ss; do command -v "$t" >/dev/null || { echo "missing $t (needed for the peer)" >&2; exit 2; }; done
sizes=${MIGRATION_BENCH_SIZES:-64 256}
modes=${MIGRATION_BENCH_MODES:-warm live}
vcpus=16
guest_mem=16G
tmp=$(mktemp -d)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || continue
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  if [ -s "$tmp/s_server.pid" ]; then   # a peer's server left by an interrupted run
    p=$(cat "$tmp/s_server.pid")
    pkill -P "$p" 2>/dev/null || true
    kill "$p" 2>/dev/null || true
  fi
  exec 7>&- 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 143' TERM INT HUP
source "$(dirname "$0")/lib.sh"
deadline=$((SECONDS + ${MIGRATION_BENCH_TIMEOUT:-600}))

fail() {
  echo "run_migration_bench: $*" >&2
  local h
  for h in hosta hostb; do
    [ ! -s "$tmp/$h.log" ] || tail -10 "$tmp/$h.log" | sed "s/^/  $h| /" >&2
  done
  exit 1
}
left() {   # sets $lim to the seconds left of the run
  lim=$((deadline - SECONDS))
  [ "$lim" -gt 0 ] || fail "out of time (MIGRATION_BENCH_TIMEOUT) before: $*"
}
# on HOST CMD...: one client call against HOST, bounded by what is left of the run; stdout in
# $tmp/out, stderr in $tmp/err, exit status in $rc (a time-out fails the run)
on() {
  local host=$1
  shift
  left "$@"
  rc=0
  LDMD_SOCKET=$tmp/$host.sock timeout "$lim" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
  [ "$rc" != 124 ] || fail "out of time (MIGRATION_BENCH_TIMEOUT) during: $*"
}
ok() {   # on, and it must succeed
  on "$@"
  [ "$rc" = 0 ] || fail "on $1: ${*:2} failed (exit $rc): $(cat "$tmp/err" "$tmp/out")"
}
cpu_secs() {   # PID: its user + system time so far, in seconds
  awk -v hz="$(getconf CLK_TCK)" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / hz}' "/proc/$1/stat"
}
secs() { awk -v x="$1" -v y="$2" 'BEGIN{printf "%.3f", y - x}'; }
listening() { ss -ltnH "sport = :$1" | grep -q .; }
free_port() {   # the first port from $1 on that nothing listens on
  local p=$1
  while listening "$p"; do p=$((p + 1)); done
  echo "$p"
}

declare -A host_pid
start_host() {   # NAME [args]: a deterministic T5240 ldmd, as tests/ldm/hosts.sh starts it
  local name=$1
  shift
  mkdir -p "$tmp/$name.root"
  "$ldmd_bin" --foreground --deterministic --platform T5240 --hostname "$name" --state-dir "$tmp/$name.state" \
    --socket "$tmp/$name.sock" --service-root "$tmp/$name.root" "$@" >>"$tmp/$name.log" 2>&1 &
  host_pid[$name]=$!
  pids+=("$!")
  while ! LDMD_SOCKET=$tmp/$name.sock "$vfctl_bin" clock show >/dev/null 2>&1; do
    kill -0 "${host_pid[$name]}" 2>/dev/null || fail "ldmd $name exited"
    [ "$SECONDS" -lt "$deadline" ] || fail "ldmd $name did not answer in time"
    sleep 0.02
  done
}
stop_host() {
  local pid=${host_pid[$1]}
  LDMD_SOCKET=$tmp/$1.sock "$vfctl_bin" shutdown >/dev/null 2>&1 || true
  for _ in $(seq 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local p rest=()
  for p in "${pids[@]}"; do [ "$p" = "$pid" ] || rest+=("$p"); done
  pids=("${rest[@]}")
  rm -rf "$tmp/$1.state" "$tmp/$1.root" "$tmp/$1.sock"
}
small_primary() {
  ok "$1" "$ldm_bin" set-vcpu 8 primary
  ok "$1" "$ldm_bin" set-memory 4G primary
  ok "$1" "$vfctl_bin" reboot primary
}
guest() {   # NAME VCPUS MEMORY BOOT-FILE: a guest on hosta, bound and started
  ok hosta "$ldm_bin" add-domain "$1"
  ok hosta "$ldm_bin" add-vcpu "$2" "$1"
  ok hosta "$ldm_bin" add-memory "$3" "$1"
  ok hosta "$ldm_bin" set-var "boot-file=$4" "$1"
  ok hosta "$ldm_bin" bind "$1"
  ok hosta "$ldm_bin" start "$1"
}

# ---- the peer: N bytes through openssl s_client -> s_server, TLS 1.3 on loopback
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
  -days 1 -subj /CN=localhost >/dev/null 2>&1 || fail "openssl req could not make a certificate"
mkfifo "$tmp/hold"
exec 7<>"$tmp/hold"   # s_server's stdin: open and silent (at EOF it would end the connection)
openssl_once() {   # PORT FILE BYTES: prints the wall seconds of one transfer (runs in $(...))
  local port=$1 file=$2 n=$3 sp t0 t1 got
  left openssl s_server
  # (its stdout is not the $(...) pipe: the caller must not wait for a server left behind)
  (openssl s_server -accept "$port" -tls1_3 -cert "$tmp/cert.pem" -key "$tmp/key.pem" -naccept 1 -quiet \
    <"$tmp/hold" 2>"$tmp/s_server.err" | wc -c >"$tmp/count") >/dev/null &
  sp=$!
  echo "$sp" >"$tmp/s_server.pid"
  trap 'pkill -P $sp 2>/dev/null; kill $sp 2>/dev/null' EXIT
  while ! listening "$port"; do
    kill -0 "$sp" 2>/dev/null || fail "openssl s_server did not start: $(cat "$tmp/s_server.err")"
    [ "$SECONDS" -lt "$deadline" ] || fail "out of time (MIGRATION_BENCH_TIMEOUT) while openssl s_server starts"
    sleep 0.01
  done
  left openssl s_client
  t0=$(now)
  timeout "$lim" openssl s_client -connect "127.0.0.1:$port" -tls1_3 -brief -no_ign_eof -nocommands \
    <"$file" >/dev/null 2>"$tmp/s_client.err" || fail "openssl s_client failed: $(cat "$tmp/s_client.err")"
  wait "$sp" || fail "openssl s_server failed: $(cat "$tmp/s_server.err")"
  t1=$(now)
  trap - EXIT
  : >"$tmp/s_server.pid"
  got=$(tr -d ' ' <"$tmp/count")
  [ "$got" = "$n" ] || fail "openssl s_server received $got bytes, $n were sent"
  secs "$t0" "$t1"
}

printf 'secret\n' >"$tmp/pw"
hash=$("$ldmd_bin" --hash-password <"$tmp/pw") || fail "ldmd --hash-password failed"
printf 'root:%s\n' "$hash" >"$tmp/auth"
chmod 600 "$tmp/auth"
mig_port=$(free_port "${MIGRATION_BENCH_PORT:-15790}")

rows=() notes=() wall256=
declare -A wall_of
for mode in $modes; do
for mb in $sizes; do
  fp=$((mb / vcpus))
  [ "$fp" -ge 1 ] && [ $((fp * vcpus)) = "$mb" ] || fail "size $mb MB is not a multiple of $vcpus"
  : >"$tmp/hosta.log"
  : >"$tmp/hostb.log"
  # ---- the two hosts
  start_host hostb --migration-listen "127.0.0.1:$mig_port" --auth-file "$tmp/auth"
  start_host hosta --peer "hostb=127.0.0.1:$mig_port"
  small_primary hosta
  small_primary hostb
  guest ldg1 "$vcpus" "$guest_mem" "memory footprint=${fp}M writes=1 then=idle"
  guest idle1 1 1G idle
  guest idle2 1 1G idle
  done=
  for _ in $(seq 40); do   # at most 10 s of simulated time
    ok hosta "$vfctl_bin" clock advance 250ms
    ok hosta "$vfctl_bin" console ldg1
    ! grep -q "^vfsim-runtime: \(error\|unexpected trap\)" "$tmp/out" || fail "ldg1 ($mb MB): $(grep "^vfsim-runtime: " "$tmp/out")"
    if grep -qx "vfsim-runtime: all $vcpus vcpus done" "$tmp/out" && grep -qx "vfsim-runtime: idle" "$tmp/out"; then done=1; break; fi
  done
  [ -n "$done" ] || fail "ldg1 ($mb MB) did not finish its memory workload in 10 s of simulated time"
  ok hosta "$vfctl_bin" checksum ldg1
  sum_before=$(cat "$tmp/out")
  # ---- the migration
  cpu_a0=$(cpu_secs "${host_pid[hosta]}")
  cpu_b0=$(cpu_secs "${host_pid[hostb]}")
  t0=$(now)
  on hosta "$ldm_bin" migrate-domain -p "$tmp/pw" "mode=$mode" ldg1 hostb
  t1=$(now)
  cpu_a=$(awk -v x="$cpu_a0" -v y="$(cpu_secs "${host_pid[hosta]}")" 'BEGIN{printf "%.2f", y - x}')
  cpu_b=$(awk -v x="$cpu_b0" -v y="$(cpu_secs "${host_pid[hostb]}")" 'BEGIN{printf "%.2f", y - x}')
  [ "$rc" = 0 ] || fail "ldm migrate-domain ldg1 hostb ($mb MB) failed (exit $rc): $(cat "$tmp/err" "$tmp/out")"
  msg=$(cat "$tmp/out")
  wall=$(secs "$t0" "$t1")
  sim=$(sed -n 's/^Migration of LDom ldg1 to hostb as ldg1 (active, [a-z]*): .* in \([0-9.]*\) s of simulated time$/\1/p' <<<"$msg")
  transfer=$(sed -n 's/^ *transfer *\([0-9.]*\) ms$/\1/p' <<<"$msg" | awk '{ printf "%.3f", $1 / 1000 }')
  pages=$(sed -n 's/^Memory at suspend: \([0-9]*\) non-zero pages, .*/\1/p' <<<"$msg")
  crc=$(sed -n 's/^Memory at suspend: .*, crc32 \([0-9a-f]*\) .*/\1/p' <<<"$msg")
  wire=$(sed -n 's/^Memory at suspend: .* sent as \([0-9.]*\)M (compressed, in [0-9]* frames)$/\1/p' <<<"$msg")
  [ -n "$sim" ] && [ -n "$transfer" ] && [ -n "$pages" ] && [ -n "$crc" ] && [ -n "$wire" ] ||
    fail "unexpected output of ldm migrate-domain: $msg"
  # ---- where the guest is now
  on hosta "$ldm_bin" list ldg1
  [ "$rc" = 1 ] || fail "ldg1 is still on hosta after the migration ($mb MB)"
  ok hostb "$ldm_bin" list -p ldg1
  grep -q "^DOMAIN|name=ldg1|state=active|" "$tmp/out" || fail "ldg1 is not active on hostb: $(cat "$tmp/out")"
  ok hostb "$vfctl_bin" checksum ldg1
  sum_after=$(cat "$tmp/out")
  ok hostb "$vfctl_bin" clock advance 250ms
  ok hostb "$vfctl_bin" console ldg1
  grep -qx "suspend: resumed" "$tmp/out" || fail "ldg1 did not resume on hostb: $(cat "$tmp/out")"
  notes+=("$mb MB $mode: vfctl checksum on hosta before: '$sum_before'; crc32 at suspend: $pages non-zero pages, $crc; vfctl checksum on hostb right after: '$sum_after'")
  stop_host hosta
  stop_host hostb
  # ---- the peer, the same number of bytes
  bytes=$((pages * 8192))
  head -c "$bytes" /dev/urandom >"$tmp/data"
  ssl_port=$(free_port $((mig_port + 1)))
  best=
  for _ in 1 2 3; do
    t=$(openssl_once "$ssl_port" "$tmp/data" "$bytes")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (a == "" || b < a) ? b : a}')
  done
  suite=$(sed -n 's/^Ciphersuite: //p' "$tmp/s_client.err")
  rm -f "$tmp/data"
  [ "$mb" != 256 ] || [ "$mode" != warm ] || wall256=$wall
  wall_of[$mode.$mb]=$wall
  vs=-
  [ "$mode" = warm ] || [ -z "${wall_of[warm.$mb]:-}" ] || vs=$(awk -v a="$wall" -v b="${wall_of[warm.$mb]}" 'BEGIN{printf "%.2f", a / b}')
  rows+=("$(awk -v md="$mode" -v b="$bytes" -v w="$wire" -v m="$wall" -v s="$sim" -v tr="$transfer" -v ca="$cpu_a" -v cb="$cpu_b" \
    -v o="$best" -v vs="$vs" 'BEGIN{ t = b / 1048576
    printf "| %s | %.1f | %.1f | %.3f | %.3f | %.3f | %.2f | %.2f | %.3f | %.2f | %s | %.0f | %.0f |", md, t, w, m, s, tr, ca, cb, o, m / o, vs, t / m, t / o }')")
done
done

echo "| mode | touched MB (guest of $guest_mem) | wire MB | migration s (wall) | simulated s (total) | simulated s (transfer) | CPU s hosta | CPU s hostb | openssl s (same bytes) | migration / openssl | live / warm (wall) | migration MB/s | openssl MB/s |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
echo "openssl: TLS 1.3, ${suite:-?}, $(openssl version | cut -d' ' -f1-2); random data of the touched size."
printf '%s\n' "${notes[@]}"
if [ -n "$wall256" ]; then
  echo
  echo "Goal (the migration issue): an active 16 GB domain that touched 256 MB, 2 other domains idle," \
    "migrates in under 5 s of wall time: $wall256 s, $(awk -v w="$wall256" 'BEGIN{print (w < 5) ? "**met**" : "**not met**"}')."
fi
