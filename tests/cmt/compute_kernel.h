/* The compute-bound loop shared by the CMT tests (bare metal) and the timed-machine
 * benchmark (also built as a Linux program for sparc64-run): integer work on registers. */
#ifndef COMPUTE_KERNEL_H
#define COMPUTE_KERNEL_H
static inline unsigned long compute_kernel(unsigned long seed, unsigned long iters) {
  unsigned long a = seed + 1, b = 0x9e3779b9, c = 0;
  for (unsigned long i = 0; i < iters; i++) {
    a = a * 1 + (b ^ i);
    b = (b << 1) | (b >> 63);
    c += a & 0xff;
  }
  return c;
}
#endif
