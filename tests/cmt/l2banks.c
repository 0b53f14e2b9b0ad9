/* L2 bank pressure: every strand walks a ring of 128 lines spaced STRIDE bytes apart (more
 * than the L1 holds, well inside the L2). STRIDE 512 puts every line in the same L2 bank
 * (bank = PA[8:6]); 576 spreads them over all 8. All NSTRANDS strands start together and
 * each prints "chase <cpuid> <t0> <t1>" in core cycles. */
#include "bare.h"

#define LINES 128   /* 64 rings of 128 lines = 512 KB: exactly one bank (16 ways x 512 sets) */
static u64 mem[64 * LINES * STRIDE / 8] __attribute__((aligned(4096)));

int main(u64 cpuid) {
  u64 *base = &mem[(cpuid % 64) * LINES * STRIDE / 8];
  for (u64 i = 0; i < LINES; i++)
    base[i * STRIDE / 8] = (u64)&base[((i + 1) % LINES) * STRIDE / 8];
  u64 *p = base;
  for (u64 i = 0; i < LINES; i++) p = (u64 *)*p;   /* bring the ring into L2 */
  static volatile u64 arrived;
  __atomic_fetch_add(&arrived, 1, __ATOMIC_SEQ_CST);
  while (arrived < NSTRANDS) {}
  u64 t0 = rd_stick();
  for (u64 i = 0; i < 4000; i++) p = (u64 *)*p;
  u64 t1 = rd_stick();
  report_span("chase", cpuid, t0, t1);
  return p == 0;
}
