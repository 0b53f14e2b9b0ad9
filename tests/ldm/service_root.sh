#!/usr/bin/env bash
# Nothing escapes the service domain's root (issue 17): mkfile's PATH and vdsdev backends are
# absolute service-domain paths without '..', and a symbolic link that leads out of
# --service-root is refused at bind; service and volume names that would become paths
# (a vsw's pcap) are refused. Every refusal is one line, exit 1, and changes nothing.
# Usage: service_root.sh LDMD LDM VFCTL
set -u
source "$(dirname "$0")/lib.sh" "$@"
mkdir -p "$tmp/pcap" "$tmp/outside"
echo "precious" > "$tmp/outside/victim.img"
start_ldmd --vsw-pcap "$tmp/pcap" || exit 1
small_primary

# ---- mkfile
expect_fail "mkfile: /../../outside/victim.img: '..' is not allowed" vfctl mkfile 1 /../../outside/victim.img
expect_fail "mkfile: rel/x.img: not an absolute path" vfctl mkfile 1m rel/x.img
[ "$(cat "$tmp/outside/victim.img")" = precious ]
check "the host file outside the service root is untouched" $?
mkdir -p "$tmp/root/ldoms"
ln -s "$tmp/outside" "$tmp/root/ldoms/escape"
expect_fail "mkfile: /ldoms/escape/victim.img: it leads out of the service domain's root (a symbolic link)" \
  vfctl mkfile 1m /ldoms/escape/victim.img
[ "$(cat "$tmp/outside/victim.img")" = precious ]
check "... also through a symbolic link" $?
expect_ok vfctl mkfile -n 8m /ldoms/ok.img
[ -f "$tmp/root/ldoms/ok.img" ] && [ "$(stat -c %s "$tmp/root/ldoms/ok.img")" = 8388608 ]
check "a plain path under the root is made (8 MB)" $?

# ---- vdsdev backends
expect_ok ldm add-vds primary-vds0 primary
expect_fail "Invalid backend path /../../outside/victim.img: '..' is not allowed" \
  ldm add-vdsdev /../../outside/victim.img vol1@primary-vds0
expect_fail "Invalid backend path outside.img: not an absolute path" ldm add-vdsdev outside.img vol1@primary-vds0
expect_fail "Invalid backend path : an empty path" ldm add-vdsdev "" vol1@primary-vds0
expect_fail "Invalid volume name: a/b" ldm add-vdsdev /ldoms/ok.img a/b@primary-vds0
expect_out "" sh -c "$LDM list-services -p | grep '^|vol=' || true"
# a link that leads out is refused when the guest is bound, and the file is not opened
expect_ok ldm add-vdsdev /ldoms/escape/victim.img vol1@primary-vds0
new_guest ldg1 1 128M
expect_ok ldm add-vdisk vdisk1 vol1@primary-vds0 ldg1
run ldm bind ldg1
[ "$rc" != 0 ] && grep -q "^Path /ldoms/escape/victim.img is not valid on service domain primary (it leads out of the service domain's root (a symbolic link))" "$tmp/err"
verify "bind refuses a backend that leads out of the root" $?
expect_out "$H
ldg1       inactive   ------          1     128M" sh -c "$LDM list ldg1 | sed 's/ *\$//'"
[ "$(cat "$tmp/outside/victim.img")" = precious ]
check "the file behind the link is untouched" $?

# ---- names that would become paths
expect_fail "Invalid service name: ../x" ldm add-vsw net-dev=e1000g0 ../x primary
expect_fail "Invalid service name: a/b" ldm add-vds a/b primary
expect_fail "Invalid service name: .hidden" ldm add-vcc port-range=15491-15499 .hidden primary
[ -z "$(ls -A "$tmp/pcap")" ] && [ ! -e "$tmp/x.pcap" ]
check "no pcap was written for a refused switch" $?
finish
