/* Workload kernels (see kernels.h). */
#include "kernels.h"

static uint64_t seed_of(unsigned vcpu) { return 0x9e3779b97f4a7c15ull * (vcpu + 1) ^ 0x5851f42d4c957f2dull; }

uint64_t compute_kernel(unsigned vcpu, uint64_t iterations) {
  uint64_t x = seed_of(vcpu), sum = 0;
  for (uint64_t i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    sum = (sum ^ x) * 0xff51afd7ed558ccdull + (i | 1);
    sum = (sum << 23) | (sum >> 41);
  }
  return sum ^ x;
}

uint64_t memory_kernel(volatile uint64_t *buf, uint64_t bytes, unsigned vcpu, unsigned writes,
                       uint64_t *accesses) {
  const uint64_t step = MEMORY_STRIDE / sizeof(uint64_t), lines = bytes / MEMORY_STRIDE;
  uint64_t sum = seed_of(vcpu), rnd = seed_of(vcpu) | 1, n = 0;
  for (uint64_t i = 0; i < lines; i++) buf[i * step] = i * 0x100000001b3ull ^ vcpu;
  n += lines;
  for (unsigned pass = 1; pass < MEMORY_PASSES; pass++) {
    for (uint64_t i = 0; i < lines; i++) {
      rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
      if ((rnd >> 33) % 100 < writes)
        buf[i * step] = sum + i;
      else
        sum = (sum ^ buf[i * step]) * 0x100000001b3ull;
    }
    n += lines;
  }
  *accesses = n;
  return sum;
}

uint64_t paced_pages(uint64_t rate, uint64_t tick, uint64_t *carry) {
  const uint64_t per_page = tick * PACED_PAGE;   /* rate counts bytes per second */
  *carry += rate;
  uint64_t n = *carry / per_page;
  *carry %= per_page;
  return n;
}

uint64_t *chase_build(uint64_t *buf, uint64_t bytes, unsigned vcpu) {
  const uint64_t lines = bytes / 64;
  uint64_t rnd = seed_of(vcpu) | 1;
  for (uint64_t i = 0; i < lines; i++) buf[i * 8] = i;   /* the order, held in the lines themselves */
  for (uint64_t i = lines - 1; i > 0; i--) {             /* Sattolo: one cycle through every line */
    rnd = rnd * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t j = (rnd >> 33) % i, t = buf[i * 8];
    buf[i * 8] = buf[j * 8];
    buf[j * 8] = t;
  }
  for (uint64_t i = 0; i < lines; i++) buf[i * 8] = (uint64_t)&buf[buf[i * 8] * 8];
  return buf;
}

uint64_t *chase_steps(uint64_t *p, uint64_t n) {
  while (n--) p = (uint64_t *)*(volatile uint64_t *)p;
  return p;
}

void triad_kernel(double *a, const double *b, const double *c, double s, uint64_t n) {
  for (uint64_t i = 0; i < n; i++) a[i] = b[i] + s * c[i];
}
