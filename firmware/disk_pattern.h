/* What the disk workloads (vdisk, pcidisk) write and how they report it: the same pattern, so
 * one host-side check (tests/hv/vdisk.sh, pcidisk.sh) reads either image. */
#ifndef FW_DISK_PATTERN_H
#define FW_DISK_PATTERN_H

#include <stdint.h>

/* The 8-byte word at disk offset off (a multiple of 8): different everywhere and for each
 * seed, so a misplaced block or a stale image shows. Stored big-endian (the guest's order). */
static inline uint64_t disk_pattern(uint64_t off, uint64_t seed) {
  return (off / 8 + 1) * 0x9E3779B97F4A7C15ul ^ seed * 0xD6E8FEB86659FD93ul;
}

/* bytes in ticks of a hz %stick: microseconds, and MB/s (10^6 bytes) in hundredths */
static inline uint64_t disk_us(uint64_t ticks, uint64_t hz) { return ticks * 1000000 / hz; }
static inline uint64_t disk_centi_mbps(uint64_t bytes, uint64_t ticks, uint64_t hz) {
  return ticks ? bytes * 100 * (hz / 1000) / ticks / 1000 : 0;
}

#endif
