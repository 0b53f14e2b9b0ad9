#!/usr/bin/env bash
# The virtual network end to end: vfsim-hv --vsw puts a virtual switch in the service domain
# and --vnet gives domains a network device on it. Domain a pings b (vnet-ping: Ethernet
# frames through the vnet's TX ring, the switch, b's RX ring and back), c only listens. The
# checks: every echo arrives and is checked, round trips take plausible simulated time, the
# switch's per-port counters add up, it learns MACs (c sees only flooded frames: the first
# probe before b's MAC was known and the broadcast BYE, no data), the pcap capture agrees
# (read by tshark), and the hypervisor's trace shows one LDC packet per VIO message.
# Then misbehaving vnets (a ring cookie past their exports, a TX buffer outside their map
# table, a vnet that stops reading) are refused or dropped while a and b still complete.
# Runs are limited to 100 ms of simulated time (they need under 10), so a hang fails fast.
# Usage: vnet.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
# Every check takes the status saved in st first: a message with $(...) in it would reset $?.
MAC_A=00:14:4f:f8:00:00 MAC_B=00:14:4f:f8:00:01 MAC_C=00:14:4f:f8:00:02

exited() { grep -q "domain $1 (.*): exited with $2," "$tmp/err"; }
has() { grep -qF -- "$1" "$tmp/out"; }
# counter $2 (in, out, drops, ...) of switch port $1
port() { sed -n "s/^vfsim-hv: vsw sw0 port $1 ([^)]*): //p" "$tmp/err" | tr ' ,' '\n\n' | sed -n "s/^$2=//p"; }
field() { sed -n "s/.* $2=\([0-9]*\).*/\1/p" <<<"$1"; }

# --- a pings b 1000 times through the switch; c listens
"$HV" --image "$RT" --max-ms 100 \
  --domain a --boot-file "vnet-ping role=client peer=$MAC_B count=1000 size=64" \
  --domain b --boot-file "vnet-ping role=server count=1000" \
  --domain c --boot-file "vnet-ping role=listen" \
  --vsw sw0 --vnet a --vnet b --vnet c --vsw-pcap "$tmp/net.pcap" --hv-trace "$tmp/trace" >"$tmp/out" 2>"$tmp/err"
rc=$?
line=$(grep '^\[a\] vnet-ping: count=' "$tmp/out")
probes=$(field "$line" probes) avg=$(field "$line" rtt_avg_ns) min=$(field "$line" rtt_min_ns) max=$(field "$line" rtt_max_ns)
[ $rc = 0 ] && exited a 0 && exited b 0 && exited c 0 &&
  [[ "$line" =~ ^\[a\]\ vnet-ping:\ count=1000\ size=64\ ok=1000\ lost=0\ stale=0\ probes=[1-9][0-9]*\ rtt_avg_ns= ]] &&
  has "[b] vnet-ping: server echoed 1000 frames (1 probes, 0 others ignored)" &&
  [ "$(grep -c '^\[[abc]\] vnet: channel 0: version 1.6, handshake done$' "$tmp/out")" = 3 ]
st=$?
check "1000 frames of 64 bytes a -> b -> a, each checked; a, b and c exit 0 (rc=$rc; $line)" $st
# a round trip is two passes through the switch and four LDC messages: microseconds, and
# never less than the guests' own work; 1000 of them fit in the simulated run
sim_ps=$(sed -n 's/^vfsim-hv: simulated time \([0-9]*\) ps$/\1/p' "$tmp/err")
[ -n "$avg" ] && [ "$min" -gt 1000 ] && [ "$min" -le "$avg" ] && [ "$avg" -le "$max" ] && [ "$max" -lt 100000 ] &&
  [ -n "$sim_ps" ] && [ "$sim_ps" -gt $((1000 * min * 1000)) ]
st=$?
check "round trips in simulated time: 1 us < min $min <= avg $avg <= max $max ns < 100 us; run $sim_ps ps > 1000 x min" $st

# The switch: a sent the probes, 1000 data frames and the BYE; b 1 probe echo and 1000
# echoes; nothing dropped, no errors, one MAC learned on each of a and b, none on c.
[ "$(port a in)" = $((probes + 1001)) ] && [ "$(port a out)" = 1001 ] && [ "$(port b in)" = 1001 ] &&
  [ "$(port b out)" = $(($(port b flooded_out) + 1000)) ] &&
  [ "$(port a drops)$(port b drops)$(port c drops)" = 000 ] && [ "$(port a errors)$(port b errors)$(port c errors)" = 000 ] &&
  [ "$(port a learned)$(port b learned)$(port c learned)" = 110 ] &&
  grep -q "^vfsim-hv: vsw sw0: switched=$((probes + 2002)) flooded=" "$tmp/err"
st=$?
check "switch counters: a in=$(port a in) out=$(port a out), b in=$(port b in) out=$(port b out), 0 drops, 0 errors, MACs learned on a and b" $st
# c gets only what the switch flooded: probes sent before b's MAC was known and the BYE
cline=$(grep '^\[c\] vnet-ping: listener got' "$tmp/out")
flooded=$(sed -n 's/^vfsim-hv: vsw sw0: .* flooded=\([0-9]*\) .*/\1/p' "$tmp/err")
[[ "$cline" =~ data=0\ burst=0\ bye=1\ other=0$ ]] && [ "$(sed -n 's/.* listener got \([0-9]*\) frames.*/\1/p' <<<"$cline")" = "$(port c out)" ] &&
  [ "$(port c out)" = "$(port c flooded_out)" ] && [ "$(port c out)" -le $((probes + 1)) ] &&
  [ $(($(port c out) + $(port c not_up))) = "$flooded" ]
st=$?
check "MAC learning: c saw $(port c out) flooded frames (of $flooded floods) and none of the 2000 data frames ($cline)" $st

# The capture: every switched frame, with the right MACs, in simulated time
command -v tshark >/dev/null || echo "tshark is not installed (scripts/setup.sh installs it): the capture checks fail"
tshark -r "$tmp/net.pcap" -T fields -e frame.time_epoch -e eth.src -e eth.dst -e eth.type -e data.data \
  >"$tmp/frames" 2>"$tmp/tshark.err"
trc=$?
kinds() { awk -v s="$1" -v d="$2" -v k="$3" '$2 == s && $3 == d && $4 == "0x88b5" && substr($5, 1, 2) == k' "$tmp/frames" | wc -l; }
[ $trc = 0 ] && [ "$(wc -l <"$tmp/frames")" = $((probes + 2002)) ] && [ "$(kinds $MAC_A $MAC_B 02)" = 1000 ] &&
  [ "$(kinds $MAC_B $MAC_A 02)" = 1000 ] && [ "$(kinds $MAC_A ff:ff:ff:ff:ff:ff 03)" = 1 ] &&
  [ "$(kinds $MAC_B $MAC_A 01)" = 1 ]
st=$?
check "tshark reads the pcap: 1000 data frames $MAC_A -> $MAC_B, 1000 back, 1 echoed probe, the BYE broadcast (rc=$trc)" $st
# timestamps are simulated time: they never go back, and the 1000 exchanges span at least
# 1000 minimum round trips
span=$(awk '$4 == "0x88b5" && substr($5, 1, 2) == "02" { if (!f) f = $1; l = $1 } { if ($1 < p) bad = 1; p = $1 }
            END { if (bad) print "backwards"; else printf "%d", (l - f) * 1e9 }' "$tmp/frames")
[[ "$span" =~ ^[0-9]+$ ]] && [ "$span" -ge $((999 * min)) ] && [ "$span" -le $((2000 * max)) ]
st=$?
check "pcap timestamps run forward over $span ns for the 2000 data frames (999 x $min <= span <= 2000 x $max)" $st

# The trace: each VIO message a vnet sends is one LDC packet (START|STOP, 56 bytes): the
# handshake's VER, ATTR, 2 x DRING_REG, RDX, then a DRING_DATA per frame.
[ "$(grep -c ' us  ldc  a/ch0 -> service  type=0x02 subtype=0x01 ctrl=0x00 env=0xf8 size=56 ' "$tmp/trace")" = $((5 + probes + 1001)) ] &&
  [ "$(grep -c ' us  ldc  service -> b/ch0  type=0x02 subtype=0x01 ctrl=0x00 env=0xf8 size=56 ' "$tmp/trace")" -ge $((5 + 2001)) ]
st=$?
check "hv-trace: a sent $((5 + probes + 1001)) one-packet VIO messages (handshake + a DRING_DATA per frame)" $st

# --- a link reset in the middle: DATA 20 goes out with an LDC seqid gap, the switch's link
# layer NACKs it, a's vnet resets the channel, both sides start a new VIO session (the
# switch forgets a's rings and MAC), and a sends frame 20 again
"$HV" --image "$RT" --max-ms 100 \
  --domain a --boot-file "vnet-ping role=client peer=$MAC_B count=50 gap=20" \
  --domain b --boot-file "vnet-ping role=server count=50" \
  --vsw sw0 --vnet a --vnet b --hv-trace "$tmp/trace" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && exited a 0 && exited b 0 && grep -q '^\[a\] vnet-ping: count=50 size=64 ok=50 lost=0 stale=0 ' "$tmp/out" &&
  has "[a] ldc: channel 0 reset (NACK from the peer)" &&
  has "[a] vnet: channel 0 reset: handshake again (frames in flight are lost)" &&
  has "[a] vnet-ping: 1 frames sent again after a link reset" &&
  [ "$(grep -c '^\[a\] vnet: channel 0: version 1.6, handshake done$' "$tmp/out")" = 2 ] &&
  [ "$(grep -c ' us  ldc  service -> a/ch0  type=0x02 subtype=0x04 ' "$tmp/trace")" = 1 ] &&
  [ "$(port a in)" = $(($(field "$(grep '^\[a\] vnet-ping: count=' "$tmp/out")" probes) + 51)) ] &&
  [ "$(port a errors)$(port a learned)$(port a drops)$(port b drops)" = 0100 ]
st=$?
check "a link reset mid-run (seqid gap, NACK): new VIO session, the switch relearns a, frame 20 sent again, all 50 echoed (rc=$rc)" $st

# --- misbehaving vnets: d names a TX buffer outside its map table (NACK, then its next
# frame is taken), e registers a ring past what it exported (refused); d stops reading after
# that, so a's broadcast burst overflows its RX ring (drops). a and b still complete. b's
# MAC is given on the command line (the automatic ones go around it).
MAC_B2=02:00:00:00:00:0b
"$HV" --image "$RT" --max-ms 100 \
  --domain a --boot-file "vnet-ping role=client peer=$MAC_B2 count=200 burst=40" \
  --domain b --boot-file "vnet-ping role=server count=200" \
  --domain d --boot-file "vnet-ping role=client bad=desc" \
  --domain e --boot-file "vnet-ping role=client bad=ring" \
  --vsw sw0 --vnet a --vnet b=$MAC_B2 --vnet d --vnet e >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && exited a 0 && exited b 0 && grep -q '^\[a\] vnet-ping: count=200 size=64 ok=200 lost=0 stale=0 ' "$tmp/out" &&
  [ "$(port a errors)$(port b errors)" = 00 ] && grep -q "^vfsim-hv: vsw sw0 port b ($MAC_B2): up, in=201 " "$tmp/err" &&
  grep -q "^vfsim-hv: vsw sw0 port d ($MAC_B): " "$tmp/err"
st=$?
check "a pings b ($MAC_B2, given with --vnet b=MAC) 200 times unaffected by the faulty vnets d and e (rc=$rc)" $st
exited d 0 && has "[d] vnet: the switch refused TX descriptor 0" &&
  has "[d] vnet-ping: bad=desc: tx_frames=2 tx_nacks=1 tx_acks=2: the switch refused the bad descriptor and took the next one" &&
  [ "$(port d errors)" = 1 ] && [ "$(port d in)" = 1 ] &&
  grep -q "vsw sw0 port d .*(last error: TX descriptor 0: buffer at cookie 0x[0-9a-f]* (ENOMAP))" "$tmp/err"
st=$?
check "bad=desc: the switch NACKs a TX descriptor naming a buffer past the map table (ENOMAP), counts an error, takes the next frame" $st
exited e 0 && has "[e] vnet: channel 0: the server refused descriptor ring 0" &&
  has "[e] vnet-ping: bad=ring: the switch refused the ring" && [ "$(port e errors)" = 1 ] &&
  grep -q "vsw sw0 port e (.*): down, .*(last error: DRING_REG refused: its memory cannot be read (ENOACCESS))" "$tmp/err"
st=$?
check "bad=ring: DRING_REG with a cookie past the vnet's exports is NACKed (ENOACCESS); the port stays down" $st
flooded=$(sed -n 's/^vfsim-hv: vsw sw0: .* flooded=\([0-9]*\) .*/\1/p' "$tmp/err")
[ "$(port d drops)" -gt 0 ] && [ "$(port d out)" -le $((2 + 32)) ] && [ "$(port b drops)" -gt 0 ] &&
  [ $(($(port d flooded_out) + $(port d drops))) = "$flooded" ] && [ "$(port e not_up)" = "$flooded" ] &&
  [ "$(port a drops)" = 0 ]
st=$?
check "a burst of 40 broadcasts: vnets that stopped reading take what their 32 RX buffers hold, the rest is dropped and counted (d out=$(port d out) drops=$(port d drops), b drops=$(port b drops))" $st

# --- bad input
"$HV" --image "$RT" --domain a --vnet a >"$tmp/out" 2>&1
[ $? = 2 ] && has "vfsim-hv: --vnet and --vsw-pcap need a switch: add --vsw NAME"
st=$?
check "--vnet without --vsw is refused (exit 2)" $st
"$HV" --image "$RT" --domain a --vsw sw0 --vnet b >"$tmp/out" 2>&1
[ $? = 2 ] && has "vfsim-hv: --vnet b: needs an existing domain name"
st=$?
check "--vnet for an unknown domain is refused (exit 2)" $st
"$HV" --image "$RT" --domain a --domain b --vsw sw0 --vnet a=01:00:5e:00:00:01 >"$tmp/out" 2>&1
[ $? = 2 ] && has "vfsim-hv: --vnet a=01:00:5e:00:00:01: needs an existing domain name, optionally =MAC (a unicast MAC"
st=$?
check "--vnet with a multicast MAC is refused (exit 2)" $st
"$HV" --image "$RT" --domain a --vsw sw0 --vnet a --vnet a=02:00:00:00:00:01 >"$tmp/out" 2>&1
[ $? = 2 ] && has "vfsim-hv: --vnet a=02:00:00:00:00:01: domain a already has its vnet (device 0) on the switch"
st=$?
check "a second --vnet for the same domain is refused (exit 2)" $st
"$HV" --image "$RT" --domain a --vsw sw0 --vsw-pcap /nonexistent/dir/x.pcap --vnet a >"$tmp/out" 2>&1
[ $? = 2 ] && has "vfsim-hv: --vsw-pcap: cannot write /nonexistent/dir/x.pcap"
st=$?
check "an unwritable --vsw-pcap is refused (exit 2)" $st
"$HV" --image "$RT" --domain a --boot-file "vnet-ping role=server" >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && has "vfsim-runtime: error: vnet: the MD has no network device 0 (put the domain on a switch: vfsim-hv --vnet)"
st=$?
check "vnet-ping without a network device exits 2 and says why (rc=$rc)" $st
"$HV" --image "$RT" --domain a --boot-file "vnet-ping role=client count=5" --vsw sw0 --vnet a >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && has "vnet-ping: a client needs peer=MAC"
st=$?
check "a vnet-ping client without peer=MAC is refused (rc=$rc)" $st
finish
