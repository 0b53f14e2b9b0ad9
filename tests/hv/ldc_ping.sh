#!/usr/bin/env bash
# Two guest domains joined by a Logical Domain Channel (vfsim-hv --connect) run the
# runtime's ldc-ping workload: the client sends messages, the server echoes them, the client
# checks every byte. Covers the three link modes, messages smaller than a packet, of several
# packets and of more than a queue; the handshake and fragmentation as the hypervisor's
# packet trace shows them; a seqid gap (NACK, reset, handshake again); a mode mismatch; and
# a domain without a channel.
# Usage: ldc_ping.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"

# ping CLIENT-ARGS [SERVER-ARGS]: domain a is the client, b the server, with a packet trace
ping() {
  "$HV" --image "$RT" --domain a --vcpus 1 --boot-file "ldc-ping role=client $1" \
    --domain b --vcpus 1 --boot-file "ldc-ping role=server ${2-$1}" --connect a,b \
    --hv-trace "$tmp/trace" >"$tmp/out" 2>"$tmp/err"
}
exited() { grep -q "domain $1 (.*): exited with $2," "$tmp/err"; }
has() { grep -qF -- "$1" "$tmp/out"; }
count() { grep -c -- "$1" "$tmp/out"; }
# trace lines of LDC packets from domain $1 of type $2 (and more fields in $3)
packets() { grep " us  ldc  $1/ch0 -> " "$tmp/trace" | grep -c "  type=$2 ${3:-}"; }
# the first trace line number of a packet matching $1
first() { grep ' us  ldc ' "$tmp/trace" | grep -n -- "$1" | head -1 | cut -d: -f1; }

# a whole run: both exit 0, every message echoed and checked
ran_ok() {   # mode count size
  exited a 0 && exited b 0 &&
    grep -q "^\[a\] ldc-ping: mode=$1 count=$2 size=$3 ok=$2 rtt_avg=[0-9]* rtt_min=[0-9]* rtt_max=[0-9]*$" "$tmp/out" &&
    has "[a] vfsim-runtime: ldc-ping done" && has "[b] ldc-ping: server echoed $2 messages"
}
rtt() { sed -n 's/^\[a\] ldc-ping: .* \(rtt_avg=.*\)/\1/p' "$tmp/out"; }

# The handshake in the trace: VER, its ACK, RTS, RTR and RDX, all before the first data.
handshake_first() {
  local ver ack rts rtr rdx data
  ver=$(first 'a/ch0 -> b/ch0  type=0x01 subtype=0x01 ctrl=0x01') ack=$(first 'b/ch0 -> a/ch0  type=0x01 subtype=0x02 ctrl=0x01')
  rts=$(first "a/ch0 -> b/ch0  type=0x01 subtype=0x01 ctrl=0x02 env=$1") rtr=$(first "b/ch0 -> a/ch0  type=0x01 subtype=0x01 ctrl=0x03 env=$1")
  rdx=$(first 'a/ch0 -> b/ch0  type=0x01 subtype=0x01 ctrl=0x04') data=$(first '  type=0x02 ')
  [ -n "$ver" ] && [ -n "$ack" ] && [ -n "$rts" ] && [ -n "$rtr" ] && [ -n "$rdx" ] && [ -n "$data" ] &&
    [ "$ver" -lt "$ack" ] && [ "$ack" -lt "$rts" ] && [ "$rts" -lt "$rtr" ] && [ "$rtr" -lt "$rdx" ] && [ "$rdx" -lt "$data" ]
}

# --- UNRELIABLE (the default), 300-byte messages: 6 packets of up to 56 bytes each
ping "count=200 size=300"
ran_ok unreliable 200 300 && [ "$(count '^\[[ab]\] ldc: channel 0 up (mode unreliable)$')" = 2 ]
st=$?; check "unreliable: 200 messages of 300 bytes echoed and checked, both domains exit 0 ($(rtt))" $st
handshake_first 0x01
check "unreliable: the trace shows VER, VER ACK, RTS(mode 1), RTR, RDX before any data packet" $?
[ "$(packets a 0x02)" = 1200 ] && [ "$(packets b 0x02)" = 1200 ] &&
  [ "$(packets a 0x02 'subtype=0x01 ctrl=0x00 env=0x78 size=56')" = 200 ] &&
  [ "$(packets a 0x02 'subtype=0x01 ctrl=0x00 env=0x38 size=56')" = 800 ] &&
  [ "$(packets a 0x02 'subtype=0x01 ctrl=0x00 env=0x94 size=20')" = 200 ]
check "unreliable: each message is 6 packets, START+56, 4 x 56, STOP+20 bytes, both ways" $?
# seqids count up by one from the handshake's RDX (1) on every packet the client sends
seqs=$(grep ' us  ldc  a/ch0 -> ' "$tmp/trace" | sed -n 's/.* seqid=\([0-9]*\) .*/\1/p' | tail -n +3 | awk '{ if ($1 != NR) bad = 1 } END { print bad ? "gap" : NR }')
[ "$seqs" = 1201 ]
check "unreliable: the client's seqids run 1..1201 without a gap ($seqs)" $?

# --- RELIABLE: 48-byte payloads, every message acknowledged
ping "count=200 size=300 mode=reliable"
ran_ok reliable 200 300 && [ "$(count '^\[[ab]\] ldc: channel 0 up (mode reliable)$')" = 2 ]
st=$?; check "reliable: 200 messages of 300 bytes echoed and checked ($(rtt))" $st
handshake_first 0x03
check "reliable: the handshake (RTS/RTR with mode 3) precedes the data" $?
[ "$(packets a 0x02 'subtype=0x01 ctrl=0x00 env=0x70 size=48')" = 200 ] &&
  [ "$(packets a 0x02 'subtype=0x01 ctrl=0x00 env=0x8c size=12')" = 200 ] &&
  [ "$(packets b 0x02 'subtype=0x02')" = 200 ] && [ "$(packets a 0x02 'subtype=0x02')" -ge 199 ]
check "reliable: 7 packets per message (START+48 ... STOP+12) and a DATA ACK for each message" $?

# --- RAW: no header, no handshake, 64-byte packets
ping "count=200 size=300 mode=raw"
ran_ok raw 200 300 && [ "$(count '^\[[ab]\] ldc: channel 0 up (mode raw)$')" = 2 ] &&
  [ "$(grep -c ' us  ldc  a/ch0 -> ' "$tmp/trace")" = 1000 ]
st=$?; check "raw: 200 messages of 300 bytes as 5 packets each, no handshake ($(rtt))" $st

# --- a message smaller than a packet, and one longer than a whole queue (128 entries)
ping "count=50 size=1"
ran_ok unreliable 50 1 && [ "$(packets a 0x02 'subtype=0x01 ctrl=0x00 env=0xc1 size=1')" = 50 ]
st=$?; check "1-byte messages: one START|STOP packet each ($(rtt))" $st
ping "count=4 size=20000 mode=reliable"
ran_ok reliable 4 20000 && [ "$(packets a 0x02 'subtype=0x01')" = $((4 * 417)) ]
st=$?; check "20000-byte messages (417 packets, more than a queue holds) ($(rtt))" $st
ping "count=4 size=20000 mode=raw"
ran_ok raw 4 20000
st=$?; check "20000-byte raw messages ($(rtt))" $st

# --- a seqid gap: the server NACKs and flushes, the client resets the link, both do the
# handshake again and the message is sent again
ping "count=20 size=300 gap=5" "count=20 size=300"
ran_ok unreliable 20 300 && has "[b] ldc: channel 0: seqid 27, expected 26: NACK" &&
  has "[a] ldc: channel 0 reset (NACK from the peer)" && has "[b] ldc: channel 0 reset (peer reset)" &&
  [ "$(count '^\[[ab]\] ldc: channel 0 up (mode unreliable)$')" = 4 ] &&
  [ "$(packets b 0x02 'subtype=0x04')" = 1 ] && [ "$(packets a 0x01 'subtype=0x01 ctrl=0x01')" = 2 ]
check "a seqid gap: NACK, reset, a second handshake, and still every message echoed" $?
ping "count=20 size=100 mode=reliable gap=20" "count=20 size=100 mode=reliable"
ran_ok reliable 20 100 && has "[a] ldc: channel 0 reset (NACK from the peer)"
check "a seqid gap in reliable mode on the last message" $?

# --- the two ends disagree on the mode: both stop with an error
ping "mode=reliable" ""
exited a 1 && exited b 1 &&
  has "[b] vfsim-runtime: error: ldc: channel 0: the peer wants mode reliable, this end uses unreliable" &&
  has "[a] vfsim-runtime: error: ldc: channel 0: the peer refused mode reliable (it uses unreliable)"
check "a mode mismatch ends both guests with exit 1 and says why" $?

# --- no channel, and bad parameters
"$HV" --image "$RT" --vcpus 2 --boot-file "ldc-ping role=client" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && has "vfsim-runtime: error: ldc-ping: the MD has no channel endpoint 0" && exited primary 2
check "without --connect the runtime reports the missing channel and exits 2 (rc=$rc)" $?
"$HV" --image "$RT" --vcpus 1 --boot-file "ldc-ping size=300" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && has "vfsim-runtime: error: ldc-ping: role=client or role=server needed"
check "ldc-ping without a role is refused with exit 2 (rc=$rc)" $?

# Shared memory by direct mapping: b exports 16 KB (R W), a maps both pages in with
# ldc_mapin, reads b's pattern through them with ASI_REAL loads and writes a marker that b
# finds in its own memory; b revokes the pages and a's ldc_unmap then finds nothing.
"$HV" --image "$RT" --domain a --boot-file "ldc-map role=client" --domain b --boot-file "ldc-map role=server size=16K" \
  --connect a,b --hv-trace "$tmp/trace" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && grep -q '^\[a\] ldc-map: client: page 0 mapped at RA 0x4000000000, perms R W$' "$tmp/out" &&
  grep -q '^\[a\] ldc-map: client: read 16384 bytes of the peer.s memory through 2 mapped pages and verified them$' "$tmp/out" &&
  grep -q '^\[b\] ldc-map: server: the client read 16384 bytes (sum 0x[0-9a-f]*) and marked 2 of 2 pages in our memory$' "$tmp/out" &&
  grep -q '^\[b\] ldc-map: server: after the revoke the client.s ldc_unmap says EINVAL$' "$tmp/out"
check "ldc-map: a reads and writes b's exported pages through ldc_mapin; b revokes them (rc=$rc)" $?
[ "$(grep -c ' a/vcpu0  ldc_mapin(0x0, 0x[0-9a-f]*) -> EOK 0x40000[0-9a-f]* 0x3$' "$tmp/trace")" = 2 ] &&
  [ "$(grep -c ' b/vcpu0  ldc_revoke(0x0, 0x[0-9a-f]*, 0x[0-9a-f]*) -> EOK$' "$tmp/trace")" = 2 ] &&
  grep -q ' a/vcpu0  ldc_unmap(0x4000000000) -> EINVAL$' "$tmp/trace"
check "the trace shows two ldc_mapin, two ldc_revoke and the ldc_unmap that finds nothing" $?
finish
