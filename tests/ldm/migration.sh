#!/usr/bin/env bash
# Domain migration between two ldmds (seed 001): inactive and bound domains move with their
# configuration (renamed too), a dry run reports every unmet requirement and changes
# nothing, the seed's memory-layout failure prints its two lines, a wrong password is
# refused (and the next try waits), an unreachable target or one with incoming migration
# disabled prints the seed's five lines. ldm list shows no migration once it is over.
# Usage: migration.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
source "$(dirname "$0")/hosts.sh" 15611
start_pair || exit 1

H="NAME       STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME"
list() { ldm list "$@" | sed 's/ *$//'; }

# ---- an inactive domain: configuration only, no checks of its services (seed 001)
on hosta new_guest ldg1 2 1G
on hosta expect_ok ldm add-vds primary-vds0 primary
on hosta expect_ok ldm add-vdsdev /ldoms/none.img vol1@primary-vds0
on hosta expect_ok ldm add-vdisk vdisk0 vol1@primary-vds0 ldg1
on hosta expect_ok ldm set-var boot-file=idle ldg1
on hosta run ldm migrate-domain -p "$tmp/pw" ldg1 hostb
[ "$rc" = 0 ] && grep -qx "Migration of LDom ldg1 to hostb as ldg1 (inactive): configuration sent in 0.035 s of simulated time" "$tmp/out"
verify "an inactive domain migrates; the phases take their modelled simulated time" $?
on hosta expect_fail "LDom ldg1 not found" ldm list ldg1
on hostb expect_out "$H
ldg1       inactive   ------          2     1G" list ldg1
on hostb run ldm list-variable ldg1
grep -qx "boot-file=idle" "$tmp/out"
verify "its variables came along" $?
on hostb run ldm list-bindings -p ldg1
grep -q "^VDISK|name=vdisk0|vol=vol1@primary-vds0" "$tmp/out"
verify "its vdisk came along (the vds need not exist on the target for an inactive domain)" $?

# ---- a bound domain, renamed: the target binds it with the same real addresses
on hosta new_guest ldg2 1 512M
on hosta expect_ok ldm bind ldg2
on hosta run ldm migrate -p "$tmp/pw" ldg2 root@hostb:ldg-tgt
[ "$rc" = 0 ] && grep -qx "Migration of LDom ldg2 to hostb as ldg-tgt (bound): configuration sent in 0.035 s of simulated time" "$tmp/out"
verify "a bound domain migrates under a new name (root@hostb:ldg-tgt)" $?
on hostb run ldm list-bindings -p ldg-tgt
grep -q "^DOMAIN|name=ldg-tgt|state=bound|flags=|" "$tmp/out" && grep -q "^|ra=0x8000000|pa=0x[0-9a-f]*|size=536870912" "$tmp/out"
verify "ldg-tgt is bound on hostb at real address 0x8000000, no migration flag left" $?
on hosta run ldm list ldg2
[ "$rc" = 1 ]
verify "ldg2 is gone from hosta" $?
on hostb run ldm list -o status -p ldg-tgt
[ "$(cat "$tmp/out")" = "VERSION 1.3
DOMAIN|name=ldg-tgt|
MIGRATION
|source=hosta|checks_ms=20.000|prepare_ms=0.000|transfer_ms=0.000|handoff_ms=15.000|total_ms=35.000" ]
verify "the phases' simulated durations are kept on the target, parseable (-p), and no STATUS section" $?

# ---- a dry run: every unmet requirement, one line each, and nothing changes anywhere
on hosta new_guest ldg3 1 512M
on hosta expect_ok vfctl mkfile 8m /ldoms/d3.img
on hosta expect_ok ldm add-vdsdev /ldoms/d3.img vol3@primary-vds0
on hosta expect_ok ldm add-vdisk vdisk3 vol3@primary-vds0 ldg3
on hosta expect_ok ldm add-vsw primary-vsw0 primary
on hosta expect_ok ldm add-vnet vnet0 primary-vsw0 ldg3
on hosta expect_ok ldm bind ldg3
on hosta ldm list-bindings ldg3 >"$tmp/before.a"
on hostb ldm list-bindings >"$tmp/before.b"
on hosta run ldm migrate-domain -n -p "$tmp/pw" ldg3 hostb
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "Service primary-vds0@primary for vdisk vdisk3 does not exist on the target machine
Service primary-vsw0@primary for vnet vnet0 does not exist on the target machine
Domain Migration of LDom ldg3 failed" ]
verify "the dry run names both missing services, then the seed's failure line" $?
on hosta ldm list-bindings ldg3 >"$tmp/after.a"
on hostb ldm list-bindings >"$tmp/after.b"
cmp -s "$tmp/before.a" "$tmp/after.a" && cmp -s "$tmp/before.b" "$tmp/after.b"
check "nothing changed on either host" $?
on hostb expect_ok ldm add-vds primary-vds0 primary
on hostb expect_ok vfctl mkfile 8m /ldoms/d3.img
on hostb expect_ok ldm add-vdsdev /ldoms/d3.img vol3@primary-vds0
on hostb expect_ok ldm add-vsw primary-vsw0 primary
on hosta expect_out "Migration of LDom ldg3 to hostb as ldg3 (bound): predicted 0.035 s of simulated time
    checks         20.000 ms
    prepare         0.000 ms
    transfer        0.000 ms
    handoff        15.000 ms" ldm migrate-domain -n -p "$tmp/pw" ldg3 hostb
on hostb run ldm list ldg3
[ "$rc" = 1 ]
verify "a dry run that passes prints its prediction, exits 0 and creates nothing on the target" $?

# ---- the seed's memory layout: 2G free on the target, but in two 1G blocks
on hostb new_guest f1 1 1G
on hostb new_guest f2 1 1G
on hostb new_guest f3 1 1G
for f in f1 f2 f3; do on hostb expect_ok ldm bind $f; done
on hostb run ldm list-devices -p memory
free=$(sed -n 's/^|pa=0x[0-9a-f]*|size=\([0-9]*\)|.*$/\1/p' "$tmp/out" | sort -n | tail -1)
on hostb new_guest f4 1 "$((free / 1048576))M"
on hostb expect_ok ldm bind f4
on hostb expect_ok ldm unbind f1
on hostb expect_ok ldm unbind f3
on hosta new_guest ldg-src 1 2G
on hosta expect_ok ldm bind ldg-src
on hosta run ldm migrate-domain -p "$tmp/pw" ldg-src hostb
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "Unable to bind 2G memory region at real address 0x8000000
Domain Migration of LDom ldg-src failed" ]
verify "the seed's example: Unable to bind 2G memory region at real address 0x8000000" $?
on hosta expect_out "$H
ldg-src    bound      ------          1     2G" list ldg-src
on hostb run ldm list ldg-src
[ "$rc" = 1 ]
verify "... and nothing is left on the target" $?

# ---- authentication
echo wrong >"$tmp/bad"
on hosta run ldm migrate -p "$tmp/bad" ldg3 hostb
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "Authentication of user root failed on the target machine: check the password (or the certificates with -c)
Domain Migration of LDom ldg3 failed" ]
verify "a wrong password is refused" $?
t0=$(date +%s%N)
on hosta run ldm migrate -p "$tmp/bad" ldg3 hostb
t1=$(date +%s%N)
[ "$rc" = 1 ] && [ $(((t1 - t0) / 1000000)) -ge 240 ]
verify "the next failure for that user waits (throttle): $(((t1 - t0) / 1000000)) ms" $?
on hosta run ldm migrate -p "$tmp/pw" nobody@hostb ldg3
[ "$rc" = 1 ]
verify "operands in the wrong order are refused" $?
on hosta run ldm migrate -p "$tmp/pw" ldg3 nobody@hostb
[ "$rc" = 1 ] && grep -qx "Authentication of user nobody failed on the target machine: check the password (or the certificates with -c)" "$tmp/err"
verify "user@ names another user, who is not in the auth file" $?

# ---- an unreachable target, and one whose incoming migration is disabled (seed 001, 8-4)
unreachable() {
  printf '%s\n' "Failed to establish connection with ldmd(1m) on target: $1" \
    "Check that the 'ldmd' service is enabled on the target machine and" \
    "that the version supports Domain Migration. Check that the 'xmpp_enabled'" \
    "and 'incoming_migration_enabled' properties of the 'ldmd' service on" \
    "the target machine are set to 'true' using svccfg(1M)."
}
on hosta run ldm migrate -p "$tmp/pw" ldg3 nosuchhost
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "$(unreachable nosuchhost)" ]
verify "an unknown target host: the seed's message exactly" $?
stop_host hostb
start_host hostb || exit 1   # the same host, incoming migration disabled (no --migration-listen)
on hosta run ldm migrate -p "$tmp/pw" ldg3 hostb
[ "$rc" = 1 ] && [ "$(cat "$tmp/err")" = "$(unreachable hostb)" ]
verify "a target with incoming migration disabled: the same message" $?
on hosta run ldm list -o status ldg3
[ "$(cat "$tmp/out")" = "NAME
ldg3" ]
verify "no STATUS section once no migration runs" $?

# ---- certificate mode (-c): both ldmds present certificates from one CA, no password
if command -v openssl >/dev/null; then
  (
    cd "$tmp" || exit 1
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 \
      -subj "/CN=test CA" -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign"
    printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n' >h.ext
    for h in hosta hostb rogue; do
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $h.key -out $h.csr -subj "/CN=$h"
      openssl x509 -req -in $h.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile h.ext -out $h.pem
    done
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout other.key -out other.pem -days 30 -subj "/CN=other"
  ) >/dev/null 2>&1
  run "$LDMD" --foreground --state-dir "$tmp/x.state" --socket "$tmp/x.sock" --migration-ca "$tmp/none.pem"
  [ "$rc" = 2 ] && grep -qxF "ldmd: --migration-ca $tmp/none.pem: cannot be read" "$tmp/err"
  verify "a CA that cannot be read is refused at start-up, not at the first migrate -c" $?
  stop_host hosta
  stop_host hostb
  start_host hostb --migration-listen 127.0.0.1:$MIG_PORT --migration-ca "$tmp/ca.pem" \
    --migration-cert "$tmp/hostb.pem" --migration-key "$tmp/hostb.key" || exit 1
  start_host hosta --peer hostb=127.0.0.1:$MIG_PORT --migration-ca "$tmp/ca.pem" \
    --migration-cert "$tmp/hosta.pem" --migration-key "$tmp/hosta.key" || exit 1
  on hosta run ldm migrate -c ldg3 hostb
  [ "$rc" = 0 ]
  verify "with certificates from the CA, migrate-domain -c needs no password" $?
  on hostb run ldm list ldg3
  [ "$rc" = 0 ]
  verify "ldg3 arrived on hostb" $?
  stop_host hosta
  start_host hosta --peer hostb=127.0.0.1:$MIG_PORT --migration-ca "$tmp/other.pem" \
    --migration-cert "$tmp/other.pem" --migration-key "$tmp/other.key" || exit 1
  on hosta run ldm migrate -c ldg-src hostb
  [ "$rc" = 1 ] && grep -q "^Failed to establish connection with ldmd(1m) on target: hostb" "$tmp/err"
  verify "a source whose certificate is not from the target's CA cannot connect" $?
else
  echo "skip: certificate mode (no openssl command)"
fi
finish
