/* A memory-bound loop: each strand links the lines of the first half of its own REGION into
 * a ring, overwrites the second half (evicting the ring from the 4 MB L2), then chases STEPS
 * steps and prints the %stick (core cycle) values around the chase. */
#include "bare.h"

#ifndef REGION
#define REGION (8u << 20)   /* per strand */
#endif
#ifndef NREGIONS
#define NREGIONS 8          /* strands with distinct regions */
#endif
#ifndef STEPS
#define STEPS 20000
#endif
#define RING_LINES ((REGION / 2) / 64)
static u64 mem[NREGIONS * (REGION / 8)] __attribute__((aligned(64)));

int main(u64 cpuid) {
  u64 *base = &mem[(cpuid % NREGIONS) * (REGION / 8)];
  /* an odd-multiplier permutation of the ring's lines, linked into one cycle */
  for (u64 i = 0; i < RING_LINES; i++)
    base[((i * 2654435761u) & (RING_LINES - 1)) * 8] =
        (u64)&base[(((i + 1) * 2654435761u) & (RING_LINES - 1)) * 8];
  for (u64 i = RING_LINES * 8; i < REGION / 8; i += 8) base[i] = i;
  u64 *p = &base[0];
#ifdef NSTRANDS
  /* all NSTRANDS strands start chasing together, so their misses overlap */
  static volatile u64 arrived;
  __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
  while (arrived < NSTRANDS) {}
#endif
  u64 t0 = rd_stick();
  for (u64 i = 0; i < STEPS; i++) p = (u64 *)*p;
  u64 t1 = rd_stick();
  report_span("chase", cpuid, t0, t1);
  return p == 0;
}
