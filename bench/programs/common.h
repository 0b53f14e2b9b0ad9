/* Shared helpers for the vfsim instruction-set benchmark programs.
 * Every program is deterministic (no clock, no host-dependent input), takes an
 * optional size in argv[1] and prints one line ending in a checksum, so that runs
 * under qemu-sparc64 and sparc64-run can be compared byte for byte. */
#ifndef VFSIM_BENCH_COMMON_H
#define VFSIM_BENCH_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* argv[1] as a positive integer, or dflt when absent; exits 2 on junk. */
static inline long bench_arg(int argc, char **argv, long dflt) {
  if (argc < 2) return dflt;
  char *end;
  long v = strtol(argv[1], &end, 10);
  if (*end != '\0' || v <= 0) {
    fprintf(stderr, "%s: bad size '%s' (want a positive integer)\n", argv[0], argv[1]);
    exit(2);
  }
  return v;
}

/* 64-bit xorshift* generator: fixed seed, identical everywhere. */
static uint64_t bench_rng_state = 0x9e3779b97f4a7c15ull;
static inline uint64_t bench_rand(void) {
  uint64_t x = bench_rng_state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  bench_rng_state = x;
  return x * 0x2545f4914f6cdd1dull;
}
#endif
