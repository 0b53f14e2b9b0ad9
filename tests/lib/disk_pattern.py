#!/usr/bin/env python3
"""Does a disk image hold the guest runtime's disk pattern (firmware/disk_pattern.h)?

  disk_pattern.py FILE SEED BYTES [--then-zeros]   exit 0 if FILE's first BYTES are the
                                                   pattern of SEED (and the rest zeros)
  disk_pattern.py FILE --zeros                     exit 0 if FILE is all zeros

The pattern: the big-endian 64-bit word at byte offset 8w is (w + 1) * 0x9E3779B97F4A7C15
xor SEED * 0xD6E8FEB86659FD93 (mod 2^64); the vdisk and pcidisk workloads write it.
"""
import struct
import sys


def pattern(seed, n):
    m = (1 << 64) - 1
    return b''.join(struct.pack('>Q', ((w + 1) * 0x9E3779B97F4A7C15 ^ seed * 0xD6E8FEB86659FD93) & m)
                    for w in range(n // 8))


def main(argv):
    data = open(argv[1], 'rb').read()
    if argv[2:] == ['--zeros']:
        return 0 if data == bytes(len(data)) else 1
    seed, n = int(argv[2]), int(argv[3])
    ok = data[:n] == pattern(seed, n)
    if '--then-zeros' in argv[4:]:
        ok = ok and data[n:] == bytes(len(data) - n)
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
