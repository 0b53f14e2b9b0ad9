/* The guest's MMU: every byte of guest memory identity-mapped (VA = RA) with 4M pages,
 * the image also by permanent mappings, plus per-vCPU demand-mapped regions. */
#ifndef FW_MMU_H
#define FW_MMU_H

#include <stdint.h>

#include "md.h"
#include "percpu.h"

#define IMAGE_BASE 0x8000000ul

/* Boot vCPU: permanent mappings of the image, the identity TSB, then mmu_cpu_setup. */
void mmu_boot_setup(struct cpu *c);
/* Any vCPU: its fault area, its TSB descriptors, primary context 0, MMU on. */
void mmu_cpu_setup(struct cpu *c);

/* Memory workload: back `size` bytes at `va` with fresh memory and give the vCPU an 8K
 * TSB that its miss handler fills on first touch (run by vCPU 0 for each vCPU). */
void mmu_demand_prepare(struct cpu *c, uint64_t va, uint64_t size);
/* ... and registered by the vCPU itself (TSB descriptors are per vCPU). */
void mmu_demand_enable(struct cpu *c);

#endif
