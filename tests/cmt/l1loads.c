/* A load-heavy loop over an L1-resident array: every other instruction needs the core's one
 * load/store unit, so two thread groups contend for it. */
#include "bare.h"

static u64 data[8][64] __attribute__((aligned(64)));

int main(u64 cpuid) {
  u64 *a = data[cpuid % 8], s = 0;
  for (u64 i = 0; i < 64; i++) a[i] = i * cpuid;
  for (u64 r = 0; r < 2000; r++)
    for (u64 i = 0; i < 64; i += 4) s += a[i] + a[i + 1] + a[i + 2] + a[i + 3];
  return s == 1;
}
