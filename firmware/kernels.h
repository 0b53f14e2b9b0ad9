/* The workloads' inner loops, free of anything guest-specific so the host tests can
 * compute the checksums a guest must report. */
#ifndef FW_KERNELS_H
#define FW_KERNELS_H

#include <stdint.h>

/* compute: `iterations` rounds of xorshift, multiply and add, seeded by the vCPU id. */
uint64_t compute_kernel(unsigned vcpu, uint64_t iterations);

/* memory: one initialising pass that stores to every 64-byte line of buf, then
 * MEMORY_PASSES - 1 passes where `writes` percent of the line accesses store (chosen by
 * a generator seeded by the vCPU id) and the rest load into the checksum. *accesses
 * gets the number of 8-byte loads and stores made. */
#define MEMORY_PASSES 4
#define MEMORY_STRIDE 64
uint64_t memory_kernel(volatile uint64_t *buf, uint64_t bytes, unsigned vcpu, unsigned writes,
                       uint64_t *accesses);

/* memory, paced (rate=R tick=HZ): how many pages to dirty at the next tick. The bytes short
 * of a whole page carry over in *carry (0 at first), so any n ticks dirty exactly
 * floor(n * rate / (tick * 8K)) pages: the average rate is exact, e.g. rate=1M tick=100
 * gives 1, 1, 1, 2, ... */
#define PACED_PAGE 8192
uint64_t paced_pages(uint64_t rate, uint64_t tick, uint64_t *carry);
/* chase: links the 64-byte lines of buf[0..bytes) into one random cycle (Sattolo's shuffle)
 * and returns its start; chase_steps follows it n times (one dependent load a step). */
uint64_t *chase_build(uint64_t *buf, uint64_t bytes, unsigned vcpu);
uint64_t *chase_steps(uint64_t *p, uint64_t n);
/* triad: a[i] = b[i] + s * c[i] over n doubles, STREAM's triad. */
void triad_kernel(double *a, const double *b, const double *c, double s, uint64_t n);
/* The word written into a page: different at every tick, so each write changes the page. */
static inline uint64_t paced_value(uint64_t tick_no, uint64_t page) { return tick_no << 20 ^ page; }

#endif
