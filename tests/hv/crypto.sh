#!/usr/bin/env bash
# The guest runtime's crypto workload end to end: its CWQ driver on the hypervisor's NCS 2.0
# API, every algorithm and size through the unit, each result compared with OpenSSL on the
# host (crypto_check.py: openssl enc, hashlib, hmac, zlib over the same fixed inputs), the
# runtime's own software (AES, SHA-256/224, HMAC-SHA256, RC4, CRC-32) agreeing with the unit,
# the unit faster than the software on the same strand, requests split over many entries
# and wrapping round the queue, two domains on their own units at once, and domains that
# own no unit on vCPU 0's core; a request the hypervisor must refuse.
# Usage: crypto.sh VFSIM_HV RUNTIME_ELF
set -u
HV=$1 RT=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
source "$(dirname "$0")/../lib/check.sh"
CHECK="/usr/bin/python3 $(dirname "$0")/crypto_check.py"
run() { "$HV" --image "$RT" "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }
# compare every result line with OpenSSL; the checker's problems go to the log
agree() { $CHECK "$1" "$2" "$3" "$4" >"$tmp/check" 2>&1; local s=$?; sed 's/^/    /' "$tmp/check"; return $s; }

# 1. the runtime's software alone (unit=off), on a domain without a unit: big-endian SPARC
#    code against OpenSSL; 100 bytes are no whole AES block, so ECB and CBC skip it
run --vcpus 1 --boot-file "crypto unit=off sizes=16,100,4096,65536" --hv-trace "$tmp/trace"
[ $rc = 0 ] && grep -qx 'crypto: unit=off: software only' "$tmp/out" && ! grep -q ncs_ "$tmp/trace" &&
  grep -qx 'crypto: 50 results in software, 6 skipped' "$tmp/out" &&
  grep -qx 'crypto: aes-128-cbc 100 B: skipped (not a multiple of the 16-byte block)' "$tmp/out" &&
  grep -qx 'vfsim-runtime: crypto done' "$tmp/out"
check "unit=off runs the 14 software algorithms over 4 sizes, no NCS call (rc=$rc)" $?
agree "$tmp/out" software,modexp 16,100,4096,65536 software
check "the runtime's AES, SHA-256/224, HMAC-SHA256, RC4, CRC-32 agree with OpenSSL, its 1024-bit modexp with pow()" $?

# 2. the default: all 22 algorithms x 16 B, 256 B, 4 KB, 64 KB through core 0's CWQ
run --vcpus 8 --crypto 0 --boot-file "crypto" --hv-trace "$tmp/trace"
cp "$tmp/out" "$tmp/all"
[ $rc = 0 ] && grep -qx 'crypto: md: cwq 0 serves vcpus 0-7' "$tmp/out" &&
  grep -qx 'crypto: ncs 2.0, cwq on core 0: handle 0xa7200000000, 64 entries at 0x[0-9a-f]*, devino 0x0, 8192 bytes per entry' "$tmp/out" &&
  grep -qx 'crypto: copy 64 B: DONE (control 0x206400000000003f)' "$tmp/out" &&
  grep -qx 'crypto: 88 results, 56 checked in software, 0 MISMATCH, 0 unit errors, 0 skipped' "$tmp/out" &&
  grep -qx 'vfsim-runtime: crypto done' "$tmp/out" && grep -q 'domain primary (8 vCPUs, 64 MB): exited with 0' "$tmp/err"
check "the default run: a COPY, then 88 results through the unit, the 56 with software all match (rc=$rc)" $?
agree "$tmp/out" all 16,256,4096,65536 unit
check "every one of the 88 unit results agrees with OpenSSL, both MAU modexps with pow()" $?
# the MAU: a 16-descriptor queue on core 0 (handle signature 0x864), two jobs of 7
# descriptors (tails 0x1c0, 0x380), the 1024-bit exponent much faster than the software
mx=$(sed -n 's/^crypto: modexp-1024 e=1024-bit: .* unit [0-9]* us, software [0-9]* us (\([0-9]*\)\.[0-9]x) match$/\1/p' "$tmp/out")
grep -qx 'crypto: mau on the same core: handle 0x86400000000, 16 descriptors at 0x[0-9a-f]*' "$tmp/out" &&
  grep -qx 'crypto: 2 modexp results, 0 MISMATCH or unit errors' "$tmp/out" &&
  grep -Eq ' primary/vcpu0  ncs_qconf\(0x1, 0x[0-9a-f]+, 0x10\) -> EOK 0x86400000000$' "$tmp/trace" &&
  grep -q ' ncs_settail(0x86400000000, 0x1c0) -> EOK$' "$tmp/trace" && grep -q ' ncs_settail(0x86400000000, 0x380) -> EOK$' "$tmp/trace" &&
  grep -q ' ncs_qconf(0x1, 0x86400000000, 0x0) -> EOK$' "$tmp/trace" && [ -n "$mx" ] && [ "$mx" -ge 10 ]
check "the MAU: qconf of 16 descriptors, two 7-descriptor jobs, 1024-bit exponent ${mx}x the software" $?
# the driver, seen from the hypervisor: NCS 2.0, a 64-entry CWQ, one settail per request
# (the COPY, then aes-128-ecb's 16 B, 256 B, 4 KB: one entry each, and 64 KB in 8 KB
# entries: 8 entries, tail + 0x200; 89 in all), polling gethead, unconfigured at the end
q=$(grep -c ' ncs_settail(0xa7200000000, 0x[0-9a-f]*) -> EOK$' "$tmp/trace")
tails=$(sed -n 's/.* ncs_settail(0xa7200000000, \(0x[0-9a-f]*\)) -> EOK$/\1/p' "$tmp/trace" | head -5 | tr '\n' ' ')
grep -q ' primary/vcpu0  api_set_version(0x103, 0x2, 0x0) -> EOK' "$tmp/trace" &&
  grep -Eq ' primary/vcpu0  ncs_qconf\(0x2, 0x[0-9a-f]+, 0x40\) -> EOK 0xa7200000000$' "$tmp/trace" &&
  [ "$q" = 89 ] && [ "$tails" = "0x40 0x80 0xc0 0x100 0x300 " ] && grep -q ' ncs_gethead(0xa7200000000) -> EOK 0x300$' "$tmp/trace" &&
  grep -q ' ncs_qconf(0x2, 0xa7200000000, 0x0) -> EOK$' "$tmp/trace" &&
  grep -q ' ncs_gethead(0xa7200000000) -> EINVAL$' "$tmp/trace"
check "the trace: ncs 2.0, qconf of 64 entries, $q settails for 89 requests (tails $tails...), unconfigured at the end" $?

# 3. the unit against the software on the same strand, 64 KB: much faster, at about the
#    model's rate (AES-128: 2.5 cycles/byte at 1.4 GHz = 560 MB/s; docs/crypto.md)
speed() { sed -n "s/^crypto: $1 65536 B: .* unit \([0-9]*\)\.[0-9]* MB\/s, software \([0-9]*\)\.[0-9]* MB\/s (\([0-9]*\)\.[0-9]x) match$/\1 \2 \3/p" "$tmp/all"; }
read -r au as ax <<<"$(speed aes-128-cbc)"
read -r su ss sx <<<"$(speed sha256)"
[ -n "$ax" ] && [ "$ax" -ge 10 ] && [ "$au" -ge 400 ] && [ "$au" -le 600 ] && [ -n "$sx" ] && [ "$sx" -ge 10 ]
check "64 KB: aes-128-cbc unit $au MB/s vs software $as MB/s (${ax}x), sha256 unit $su vs $ss MB/s (${sx}x)" $?

# 4. requests of up to 63 entries (the queue holds 64: one stays free) starting where the
#    last one ended, so one wraps round the end of the queue; sizes that are no whole block;
#    1 byte. After the COPY (tail 0x40) aes-128-cbc's requests: 48 B (0x80), 16 B (0xc0),
#    then 64 KB in 63 entries of 1056 bytes from 0xc0 round to 0x80.
algs=aes-128-cbc,aes-256-ctr,des-ede3-cbc,rc4,sha1,sha224,hmac-sha256,crc32
sizes=48,16,65536,1000,1
run --vcpus 1 --crypto 0 --boot-file "crypto sizes=$sizes entry=1056 alg=$algs" --hv-trace "$tmp/trace"
tails=$(sed -n 's/.* ncs_settail(0xa7200000000, \(0x[0-9a-f]*\)) -> EOK$/\1/p' "$tmp/trace" | head -4 | tr '\n' ' ')
[ $rc = 0 ] && grep -qx 'crypto: 37 results, 28 checked in software, 0 MISMATCH, 0 unit errors, 3 skipped' "$tmp/out" &&
  [ "$tails" = "0x40 0x80 0xc0 0x80 " ]
check "64 KB in 63 entries of 1056 bytes wraps round the queue: tails $tails(rc=$rc)" $?
agree "$tmp/out" "$algs" $sizes unit
check "the split and wrapped requests agree with OpenSSL" $?
run --vcpus 1 --crypto 0 --boot-file "crypto sizes=1008,16 entry=16 alg=aes-192-ecb,des-cbc,md5,hmac-sha1"
[ $rc = 0 ] && grep -qx 'crypto: 8 results, 2 checked in software, 0 MISMATCH, 0 unit errors, 0 skipped' "$tmp/out"
check "63 entries of 16 bytes each (rc=$rc)" $?
agree "$tmp/out" aes-192-ecb,des-cbc,md5,hmac-sha1 1008,16 unit
check "16-byte entries agree with OpenSSL" $?

# 5. two domains, each on its own core's unit, at the same time
bf="crypto sizes=4096,65536 alg=aes,sha256,hmac-sha256"
run --domain a --vcpus 8 --crypto 0 --boot-file "$bf" --domain b --vcpus 8 --crypto 1 --boot-file "$bf"
sed -n 's/^\[a\] //p' "$tmp/out" >"$tmp/a"
sed -n 's/^\[b\] //p' "$tmp/out" >"$tmp/b"
[ $rc = 0 ] && grep -q 'domain a (8 vCPUs, 64 MB): exited with 0' "$tmp/err" &&
  grep -q 'domain b (8 vCPUs, 64 MB): exited with 0' "$tmp/err" &&
  grep -qx 'crypto: ncs 2.0, cwq on core 0: handle 0xa7200000000, .*' "$tmp/a" &&
  grep -qx 'crypto: ncs 2.0, cwq on core 1: handle 0xa7200000001, .*' "$tmp/b" &&
  grep -qx 'crypto: 22 results, 22 checked in software, 0 MISMATCH, 0 unit errors, 0 skipped' "$tmp/a" &&
  grep -qx 'crypto: 22 results, 22 checked in software, 0 MISMATCH, 0 unit errors, 0 skipped' "$tmp/b"
check "two domains each use their own core's unit at once (rc=$rc)" $?
algs=aes-128-ecb,aes-128-cbc,aes-128-ctr,aes-192-ecb,aes-192-cbc,aes-192-ctr,aes-256-ecb,aes-256-cbc,aes-256-ctr,sha256,hmac-sha256
agree "$tmp/a" $algs 4096,65536 unit && agree "$tmp/b" $algs 4096,65536 unit
check "both domains' results agree with OpenSSL" $?

# 6. a request whose source is outside the guest: the hypervisor ends it PROTOCOL_ERROR in
#    its control word (opcode 0x40, ENCRYPT|SOB|EOB|PROTOCOL_ERROR = 0xe8); the next works
run --vcpus 1 --crypto 0 --boot-file "crypto bad=1 sizes=16 alg=aes-128-cbc"
[ $rc = 0 ] &&
  grep -qx 'crypto: a request with its source at 0xc000000 (outside this guest): PROTOCOL_ERROR (control 0x40e800001100000f)' "$tmp/out" &&
  grep -qx 'crypto: 1 results, 1 checked in software, 0 MISMATCH, 0 unit errors, 0 skipped' "$tmp/out"
check "a request reading outside the guest comes back PROTOCOL_ERROR, the queue goes on (rc=$rc)" $?

# 6b. irq=1: one aes-128-cbc 4 KB request with INTERRUPT (bit 48) set, waited for in
#     cpu_yield until the CWQ's device mondo (devhandle 0x300, devino 0 = core 0, our cookie)
#     is in vCPU 0's queue, then DONE and the right bytes; no gethead polling before it
run --vcpus 8 --crypto 0 --boot-file "crypto irq=1 sizes=16 alg=aes-128-cbc" --hv-trace "$tmp/trace"
polls=$(sed -n '/ncs_settail(0xa7200000000, 0x80)/,/vintr_setvalid(0x300, 0x0, 0x0)/p' "$tmp/trace" | grep -c 'vcpu0  ncs_gethead')
[ $rc = 0 ] &&
  grep -Eqx 'crypto: aes-128-cbc 4096 B by interrupt: devino 0x0, cookie 0xc3a0000000000000, mondo after [0-9]+ us \([0-9]+ yields\), head 0x80 = tail: DONE \(control 0x40e5000011000fff\), match' "$tmp/out" &&
  grep -q ' primary/vcpu0  vintr_setcookie(0x300, 0x0, 0xc3a0000000000000) -> EOK$' "$tmp/trace" &&
  grep -q ' primary/vcpu0  vintr_settarget(0x300, 0x0, 0x0) -> EOK$' "$tmp/trace" &&
  grep -q ' primary/vcpu0  vintr_setvalid(0x300, 0x0, 0x1) -> EOK$' "$tmp/trace" &&
  grep -q 'cpu_qconf(0x3d, 0x[0-9a-f]*, 0x10) -> EOK' "$tmp/trace" && [ "$polls" = 1 ] &&
  grep -qx 'crypto: 1 results, 1 checked in software, 0 MISMATCH, 0 unit errors, 0 skipped' "$tmp/out"
check "irq=1: a request completed by the CWQ's device mondo, DONE, one gethead after it (rc=$rc, $polls)" $?
agree "$tmp/out" aes-128-cbc 16 unit
check "the run with the interrupt-driven request agrees with OpenSSL" $?

# 7. no unit on vCPU 0's core: none at all, or only another core's
run --vcpus 8 --boot-file "crypto"
[ $rc = 2 ] && grep -qx 'crypto: no crypto unit on the core of vcpu 0 (ENOACCESS)' "$tmp/out" &&
  ! grep -q '^crypto: md:' "$tmp/out" && grep -q 'domain primary (8 vCPUs, 64 MB): exited with 2' "$tmp/err"
check "a domain without a crypto unit says so and exits 2 (rc=$rc)" $?
run --vcpus 16 --crypto 1 --boot-file "crypto"
[ $rc = 2 ] && grep -qx 'crypto: md: cwq 1 serves vcpus 8-15' "$tmp/out" &&
  grep -qx 'crypto: no crypto unit on the core of vcpu 0 (ENOACCESS)' "$tmp/out"
check "a unit on core 1 serves vcpus 8-15, not vcpu 0: ENOACCESS, exit 2 (rc=$rc)" $?

# 8. a bad boot-file is refused before anything runs
run --vcpus 1 --crypto 0 --boot-file "crypto entry=1K" --hv-trace "$tmp/trace"
[ $rc = 2 ] && grep -qx 'vfsim-runtime: error: crypto: entry=1024 splits 65536 bytes into 64 queue entries, at most 63 fit' "$tmp/out" &&
  ! grep -q ncs_ "$tmp/trace"
check "a request that would not fit the queue is refused at boot, exit 2, no NCS call (rc=$rc)" $?
finish
