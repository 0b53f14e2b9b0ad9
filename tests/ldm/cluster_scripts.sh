#!/usr/bin/env bash
# The PRIMECLUSTER sample Online/Offline/Check scripts (seed 003, kept in cluster_scripts/
# as printed there) run unchanged against ldmd, only their LDM= line pointing at the built
# ldm: a configured guest comes online (bound, started, active), Check sees it, it goes
# offline (stopped, unbound, inactive) and Check then reports Offline. Also the scripts'
# fallback paths: Online of an already bound guest, Offline of a guest that is only bound
# (stop-domain fails, stop-domain -f is tried, unbind-domain still brings it down).
# Usage: cluster_scripts.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
src=$(dirname "$0")/cluster_scripts

# The scripts as a cluster node would have them: copied, with only the LDM path changed.
for s in online offline check; do
  sed "s|^LDM=.*|LDM=\"$LDM\"|" "$src/$s.sh" >"$tmp/$s.sh"
  chmod +x "$tmp/$s.sh"
  [ "$(diff "$src/$s.sh" "$tmp/$s.sh" | grep -c '^[<>]')" = 2 ] && grep -qxF "LDM=\"$LDM\"" "$tmp/$s.sh" &&
    grep -qxF 'LDM="/opt/SUNWldm/bin/ldm"' "$src/$s.sh"
  check "$s.sh: the copy differs from the sample only in its LDM= line" $?
done
script() { "$tmp/$1.sh" "$2" >"$tmp/sout" 2>"$tmp/serr"; }
state() { ldm list -p "$1" | sed -n 's/^DOMAIN|name=[^|]*|state=\([^|]*\)|.*/\1/p'; }

start_ldmd || exit 1
# A control domain with a console service, shrunk so that a guest fits.
run ldm add-vcc port-range=5000-5100 primary-vcc0 primary
run ldm set-mau 1 primary && run ldm set-vcpu 8 primary && run ldm set-memory 4G primary && run vfctl reboot primary
ldm add-domain ldg1 && ldm add-vcpu 8 ldg1 && ldm add-memory 1G ldg1
check "a guest ldg1 is configured (inactive, 8 vcpus, 1G)" $?
[ "$(state ldg1)" = inactive ]
check "ldg1 starts inactive" $?

script check ldg1
[ $? = 1 ] && [ ! -s "$tmp/sout" ]
check "check.sh on an inactive guest returns 1 (Offline)" $?

script online ldg1
rc=$?
[ $rc = 0 ] && [ "$(state ldg1)" = active ] && grep -qxF 'LDom ldg1 started' "$tmp/sout" &&
  [ "$(tail -1 "$tmp/sout")" = active ] && [ ! -s "$tmp/serr" ]
check "online.sh binds and starts the guest: exit 0, ldg1 active (rc=$rc)" $?
ldm list ldg1 | tail -1 | grep -q '^ldg1       active     -n----  5000    8     1G '
check "ldm list ldg1 shows it running on console port 5000" $?
vfctl clock advance 5ms >/dev/null
vfctl console ldg1 | grep -q '^smp: 8 vcpus up'
check "the guest runtime booted on its 8 vcpus" $?

script check ldg1
rc=$?
[ $rc = 0 ] && [ "$(cat "$tmp/sout")" = active ]
check "check.sh on the active guest returns 0 (Online) (rc=$rc)" $?

script offline ldg1
rc=$?
[ $rc = 0 ] && [ "$(state ldg1)" = inactive ] && grep -qxF 'LDom ldg1 stopped' "$tmp/sout" &&
  [ "$(tail -1 "$tmp/sout")" = inactive ] && [ ! -s "$tmp/serr" ]
check "offline.sh stops and unbinds the guest: exit 0, ldg1 inactive (rc=$rc)" $?
vfctl console ldg1 >/dev/null 2>&1
[ $? != 0 ]
check "the unbound guest no longer has a console" $?

script check ldg1
[ $? = 1 ] && [ ! -s "$tmp/sout" ]
check "check.sh after offline returns 1 (Offline)" $?

# Fallbacks: Online of an already bound guest (bind-domain fails, its status is ignored).
ldm bind-domain ldg1 >/dev/null
script online ldg1
rc=$?
[ $rc = 0 ] && [ "$(state ldg1)" = active ] && grep -qxF 'LDom ldg1 is already bound' "$tmp/serr"
check "online.sh of a bound guest still succeeds (bind error ignored) (rc=$rc)" $?
# Offline of a guest that is only bound: stop-domain exits non-zero, so -f is tried too.
ldm stop-domain ldg1 >/dev/null
script offline ldg1
rc=$?
[ $rc = 0 ] && [ "$(state ldg1)" = inactive ] && [ "$(grep -cxF 'LDom ldg1 is not active' "$tmp/serr")" = 2 ]
check "offline.sh of a bound guest: stop-domain and stop-domain -f fail, unbind works, exit 0 (rc=$rc)" $?
# A guest that cannot be bound: Online reports failure.
ldm add-domain ldg2 && ldm add-vcpu 128 ldg2 && ldm add-memory 1G ldg2
script online ldg2
rc=$?
[ $rc = 1 ] && [ "$(state ldg2)" = inactive ]
check "online.sh of a guest that does not fit returns 1 and leaves it inactive (rc=$rc)" $?
script check nosuch
[ $? = 1 ]
check "check.sh of an unknown domain returns 1" $?

stop_ldmd
finish
