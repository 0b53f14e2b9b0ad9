/* Pointer chase over a growing footprint: one 64-byte line per node, visited in a shuffled
 * order, measuring cycles per dependent load with rd %stick (which counts core cycles).
 * Prints "footprint_kb cycles_per_load" lines: the latency-vs-footprint curve. */
#include "bare.h"

#define MAX_BYTES (32u << 20)
static u64 nodes[MAX_BYTES / 8] __attribute__((aligned(64)));

static u64 rng = 0x9e3779b97f4a7c15ul;
static u64 next_rand(void) { rng = rng * 6364136223846793005ul + 1442695040888963407ul; return rng >> 33; }

/* Link `lines` 64-byte lines starting at base into one random cycle; returns the start. */
static u64 *build_ring(u64 *base, u64 lines) {
  static unsigned order[MAX_BYTES / 64];
  for (u64 i = 0; i < lines; i++) order[i] = (unsigned)i;
  for (u64 i = lines - 1; i > 0; i--) {
    u64 j = next_rand() % (i + 1);
    unsigned t = order[i]; order[i] = order[j]; order[j] = t;
  }
  for (u64 i = 0; i < lines; i++)
    base[order[i] * 8] = (u64)&base[order[(i + 1) % lines] * 8];
  return &base[order[0] * 8];
}

int main(u64 cpuid) {
  static const unsigned kb[] = {2, 4, 6, 16, 64, 256, 1024, 2048, 8192, 32768};
  struct line l = {{0}, 0};
  for (unsigned k = 0; k < sizeof kb / sizeof kb[0]; k++) {
    u64 lines = (u64)kb[k] * 1024 / 64;
    u64 *p = build_ring(nodes, lines);
    u64 steps = lines * 4 < 20000 ? 20000 : lines * 4;
    for (u64 i = 0; i < lines; i++) p = (u64 *)*p;   /* warm up */
    u64 t0 = rd_stick();
    for (u64 i = 0; i < steps; i++) p = (u64 *)*p;
    u64 t1 = rd_stick();
    u64 hundredths = (t1 - t0) * 100 / steps;
    line_u64(&l, kb[k]);
    line_str(&l, " ");
    line_u64(&l, hundredths / 100);
    line_str(&l, ".");
    if (hundredths % 100 < 10) line_str(&l, "0");
    line_u64(&l, hundredths % 100);
    if (p == 0) line_str(&l, "!");   /* keep the chase alive */
    line_end(&l);
  }
  (void)cpuid;
  return 0;
}
