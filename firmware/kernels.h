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

#endif
