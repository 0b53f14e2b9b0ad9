/* A bump allocator over the guest's free memory (all mblocks), never freed. */
#ifndef FW_ALLOC_H
#define FW_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "md.h"

#define ALLOC_PAGE 0x2000

/* Free memory = the 4M-aligned part of every mblock (what the identity TSB maps), minus
 * [reserved_base, reserved_end) which holds the image and the MD. */
void alloc_init(const struct md_info *md, uint64_t reserved_base, uint64_t reserved_end);
/* size rounded up to whole pages; align is a power of two (at least a page is used).
 * Returns NULL when no range has room. Safe to call from any vCPU. */
void *alloc(uint64_t size, uint64_t align);
/* alloc, then cleared (TSBs must start with every entry invalid) */
void *alloc_zero(uint64_t size, uint64_t align);
uint64_t alloc_free_bytes(void);

/* the mapped (4M-aligned) ranges, for the MMU set-up */
struct mem_range { uint64_t base, end; };
unsigned alloc_ranges(const struct mem_range **ranges);

#endif
