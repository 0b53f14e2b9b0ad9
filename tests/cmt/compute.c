/* A compute-bound loop: integer work on registers only, no memory traffic, so each strand
 * can issue every cycle its thread group picks it. ITERS iterations per strand. */
#include "bare.h"
#include "compute_kernel.h"

#ifndef ITERS
#define ITERS 100000
#endif

int main(u64 cpuid) {
  return (int)(compute_kernel(cpuid, ITERS) == ~0ul);   /* 0; keeps the result alive */
}
