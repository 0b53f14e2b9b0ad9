/* TLB reach: a random pointer chase over a footprint of o1 bytes (a power of two, 64 KB to
 * 1 GB) at physical 4 GB (socket 0 on every platform), for vfsim-bare --tlb [--page-size].
 * At most 32768 nodes: one 64-byte line in each of footprint/32768-byte strides (at a
 * different offset in each, so the lines spread over the L2's sets), so the number of pages
 * touched, not of lines, grows with the footprint. o2 = steps (0: 20000), after one
 * warm-up lap. Prints "tlb <footprint> <t0> <t1> <steps>" (%stick = core cycles). */
#include "bare.h"

#define BASE 0x100000000ul
#define MAX_NODES 32768u

static unsigned order[MAX_NODES];

int main(u64 cpuid, u64 footprint, u64 steps) {
  if (footprint < (64u << 10) || footprint > (1ul << 30) || (footprint & (footprint - 1))) {
    struct line l = {{0}, 0};
    line_str(&l, "tlbchase: footprint must be a power of two, 64 KB to 1 GB");
    line_end(&l);
    return 2;
  }
  if (!steps) steps = 20000;
  u64 nodes = footprint / 64 < MAX_NODES ? footprint / 64 : MAX_NODES;
  u64 stride = footprint / nodes, rng = 0x9e3779b97f4a7c15ul;
  for (u64 i = 0; i < nodes; i++) order[i] = (unsigned)i;
  for (u64 i = nodes - 1; i > 0; i--) {
    rng = rng * 6364136223846793005ul + 1442695040888963407ul;
    u64 j = (rng >> 33) % (i + 1);
    unsigned t = order[i]; order[i] = order[j]; order[j] = t;
  }
#define NODE(k) ((u64 *)(BASE + (u64)(k) * stride + (((u64)(k) * 64) % stride)))
  for (u64 i = 0; i < nodes; i++) *NODE(order[i]) = (u64)NODE(order[(i + 1) % nodes]);
  u64 *p = NODE(order[0]);
  for (u64 i = 0; i < nodes; i++) p = (u64 *)*p;   /* warm-up lap */
  u64 t0 = rd_stick();
  for (u64 i = 0; i < steps; i++) p = (u64 *)*p;
  u64 t1 = rd_stick();
  report_span_of("tlb", footprint, t0, t1, 1, steps, 0);
  (void)cpuid;
  return p == 0;
}
