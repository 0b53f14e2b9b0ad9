#!/usr/bin/python3
"""Checks the guest runtime's crypto workload output against OpenSSL on the host.

Usage: crypto_check.py OUTPUT ALGS SIZES MODE
  OUTPUT  the guest's console output
  ALGS    comma-separated algorithm names the run had to cover, or "all" / "software"
  SIZES   comma-separated byte counts the run had to cover
  MODE    "unit" (lines from the CWQ, with the software check where the runtime has it)
          or "software" (unit=off: the runtime's software alone)

The inputs are the ones firmware/cryptosw.h documents, made the same way here:
  data byte i      = (i * 0x9d ^ i >> 8 ^ 0x5a) & 0xff
  cipher key byte i = (0x01 + i * 0x13) & 0xff  (as many bytes as the algorithm's key; RC4 16)
  IV byte i        = 0xa0 + i                    (16 bytes for AES, 8 for DES/3DES)
  HMAC key byte i  = 0x30 + i, 20 bytes
Ciphers are compared by the CRC-32 of the whole output and its first 16 bytes (openssl enc
-nopad; DES and RC4 need the legacy provider), hashes, HMACs and CRC-32 by the digest
(hashlib, hmac, zlib). The MAU's 1024-bit modular exponentiations ("modexp" in ALGS, or
"all") are recomputed with pow(base, e, N) from firmware/cryptosw.h's patterns and compared
by the CRC-32 and first 16 bytes of the 128-byte big-endian result. Prints one line per
problem and exits 1 if there was any.
"""
import hashlib
import hmac
import re
import subprocess
import sys
import zlib

# name: (kind, key bytes, block, iv bytes, in software) -- firmware/cryptosw.c's table, same order
ALGS = {
    "aes-128-ecb": ("cipher", 16, 16, 0, True), "aes-128-cbc": ("cipher", 16, 16, 16, True),
    "aes-128-ctr": ("cipher", 16, 1, 16, True), "aes-192-ecb": ("cipher", 24, 16, 0, True),
    "aes-192-cbc": ("cipher", 24, 16, 16, True), "aes-192-ctr": ("cipher", 24, 1, 16, True),
    "aes-256-ecb": ("cipher", 32, 16, 0, True), "aes-256-cbc": ("cipher", 32, 16, 16, True),
    "aes-256-ctr": ("cipher", 32, 1, 16, True), "des-ecb": ("cipher", 8, 8, 0, False),
    "des-cbc": ("cipher", 8, 8, 8, False), "des-ede3-ecb": ("cipher", 24, 8, 0, False),
    "des-ede3-cbc": ("cipher", 24, 8, 8, False), "rc4": ("cipher", 16, 1, 0, True),
    "md5": ("hash", 0, 0, 0, False), "sha1": ("hash", 0, 0, 0, False), "sha256": ("hash", 0, 0, 0, True),
    "sha224": ("hash", 0, 0, 0, True), "hmac-md5": ("hmac", 0, 0, 0, False),
    "hmac-sha1": ("hmac", 0, 0, 0, False), "hmac-sha256": ("hmac", 0, 0, 0, True),
    "crc32": ("crc", 0, 0, 0, True),
}


def data(n):
    return bytes(((i * 0x9d) ^ (i >> 8) ^ 0x5a) & 0xff for i in range(n))


KEY = bytes((0x01 + i * 0x13) & 0xff for i in range(32))
IV = bytes(0xa0 + i for i in range(16))
HMAC_KEY = bytes(0x30 + i for i in range(20))


def _pattern(f):
    return int.from_bytes(bytes(f(i) for i in range(128)), "big")


MODEXP_N = _pattern(lambda i: (lambda b: b | 0x80 if i == 0 else b | 1 if i == 127 else b)(((0xb7 + 0x3d * i) ^ (i >> 2)) & 0xff))
MODEXP_BASE = _pattern(lambda i: (lambda b: b & 0x3f if i == 0 else b)((0x42 + 0x65 * i) & 0xff))
MODEXP_E = {"65537": 65537, "1024-bit": _pattern(lambda i: (lambda b: b | 0x80 if i == 0 else b)((0xd9 + 0x27 * i) & 0xff))}


def check_modexp(out, mode):
    """The modexp lines: both exponents present once, results equal to pow(); problems."""
    problems, seen = [], []
    for line in open(out, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^crypto: modexp-1024 e=([0-9a-z-]+): (.*)$", line)
        if not m:
            continue
        ename, rest = m.group(1), m.group(2)
        if ename not in MODEXP_E:
            problems.append(f"unknown exponent: {line}")
            continue
        seen.append(ename)
        want = pow(MODEXP_BASE, MODEXP_E[ename], MODEXP_N).to_bytes(128, "big")
        r = re.match(r"result crc32 ([0-9a-f]{8}) head ([0-9a-f]{32}), (.*)$", rest)
        if not r:
            problems.append(f"no crc32/head: {line}")
            continue
        if r.group(1) != f"{zlib.crc32(want):08x}" or r.group(2) != want[:16].hex():
            problems.append(f"differs from pow() (crc32 {zlib.crc32(want):08x} head {want[:16].hex()}): {line}")
            continue
        tail = r.group(3)
        if mode == "unit" and not re.fullmatch(r"unit \d+ us, software \d+ us \(\d+\.\dx\) match", tail):
            problems.append(f"no unit/software times or no match: {line}")
        if mode == "software" and not re.fullmatch(r"software \d+ us", tail):
            problems.append(f"not a software-only line: {line}")
    if seen != list(MODEXP_E):
        problems.append(f"modexp lines for {seen}, expected {list(MODEXP_E)}")
    return problems, len(seen)


def cipher(name, n):
    _, klen, _, ivlen, _ = ALGS[name]
    cmd = ["openssl", "enc", "-provider", "legacy", "-provider", "default", "-" + name, "-nopad",
           "-K", KEY[:klen].hex()]
    if ivlen:
        cmd += ["-iv", IV[:ivlen].hex()]
    r = subprocess.run(cmd, input=data(n), capture_output=True)
    if r.returncode or len(r.stdout) != n:
        raise RuntimeError(f"{' '.join(cmd)}: rc {r.returncode}, {len(r.stdout)} bytes: {r.stderr.decode().strip()}")
    return r.stdout


def digest(name, n):
    d = data(n)
    if name == "crc32":
        return zlib.crc32(d).to_bytes(4, "big")
    if name.startswith("hmac-"):
        return hmac.new(HMAC_KEY, d, name[5:]).digest()
    return hashlib.new(name, d).digest()


def main():
    out, algs, sizes, mode = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    modexp = algs == "all" or "modexp" in algs.split(",")
    algs = ",".join(a for a in algs.split(",") if a != "modexp") or "none"
    if algs == "none":
        want_algs = []
    elif algs == "all":
        want_algs = list(ALGS)
    elif algs == "software":
        want_algs = [a for a in ALGS if ALGS[a][4]]
    else:
        want_algs = sorted(algs.split(","), key=lambda a: list(ALGS).index(a) if a in ALGS else -1)
    want_sizes = [int(s) for s in sizes.split(",")]
    problems, seen, checked = [], [], 0
    line_re = re.compile(r"^crypto: ([a-z0-9-]+) (\d+) B: (.*)$")
    for line in open(out, errors="replace"):
        line = line.rstrip("\n")
        m = line_re.match(line)
        if not m:
            continue
        name, n, rest = m.group(1), int(m.group(2)), m.group(3)
        if name == "copy":   # the driver's untimed first request (crypto.sh checks it)
            continue
        if name not in ALGS:
            problems.append(f"unknown algorithm: {line}")
            continue
        seen.append((name, n))
        kind, _, block, _, soft = ALGS[name]
        if rest.startswith("skipped"):
            if not (kind == "cipher" and n % block):
                problems.append(f"skipped, but {n} bytes suit {name}: {line}")
            continue
        if kind == "cipher" and n % block:
            problems.append(f"{n} bytes are not whole {block}-byte blocks, yet a result: {line}")
            continue
        if kind == "cipher":
            r = re.match(r"crc32 ([0-9a-f]{8}) head ([0-9a-f]+), ", rest)
            if not r:
                problems.append(f"no crc32/head: {line}")
                continue
            want = cipher(name, n)
            got_crc, got_head = r.group(1), r.group(2)
            if got_crc != f"{zlib.crc32(want):08x}" or got_head != want[:16].hex():
                problems.append(f"differs from openssl (crc32 {zlib.crc32(want):08x} head {want[:16].hex()}): {line}")
                continue
        else:
            r = re.match(r"digest ([0-9a-f]+), ", rest)
            if not r:
                problems.append(f"no digest: {line}")
                continue
            want = digest(name, n)
            if r.group(1) != want.hex():
                problems.append(f"differs from {'zlib' if kind == 'crc' else 'hashlib/hmac'} ({want.hex()}): {line}")
                continue
        if mode == "unit":
            if not re.search(r", unit \d+\.\d\d MB/s", rest):
                problems.append(f"no unit rate: {line}")
            if soft and not re.search(r", software \d+\.\d\d MB/s \(\d+\.\dx\) match$", rest):
                problems.append(f"the runtime's software does not match or is missing: {line}")
            if not soft and "software" in rest:
                problems.append(f"a software result the runtime does not have: {line}")
        elif not re.search(r", software \d+\.\d\d MB/s$", rest) or ", unit" in rest:
            problems.append(f"not a software-only line: {line}")
        checked += 1
    expect = [(a, n) for a in want_algs for n in want_sizes if mode == "unit" or ALGS[a][4]]
    if seen != expect:
        missing = [x for x in expect if x not in seen]
        extra = [x for x in seen if x not in expect]
        problems.append(f"lines for {len(seen)} algorithm/size pairs, expected {len(expect)} in table order"
                        f" (missing {missing[:4]}, unexpected {extra[:4]})")
    if modexp:
        mp, n = check_modexp(out, mode)
        problems += mp
        checked += n
    for p in problems:
        print(p)
    print(f"crypto_check: {checked} results agree with OpenSSL (modexp: pow()), {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
