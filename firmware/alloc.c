/* Bump allocation range by range; a spin lock lets secondaries allocate too. */
#include "alloc.h"

#define MAP_ALIGN 0x400000ul   /* identity mappings are 4M pages */

static struct mem_range ranges[MD_MAX_MBLOCKS];   /* mapped memory */
static uint64_t next[MD_MAX_MBLOCKS];              /* first free byte per range */
static unsigned nranges;
static volatile uint64_t lock;

static void lock_take(void) {
  for (;;) {
    uint64_t old = 1;
    __asm__ volatile("casx [%1], %%g0, %0" : "+r"(old) : "r"(&lock) : "memory");
    if (old == 0) return;
  }
}
static void lock_drop(void) {
  __asm__ volatile("membar #StoreStore" : : : "memory");
  lock = 0;
}

void alloc_init(const struct md_info *md, uint64_t reserved_base, uint64_t reserved_end) {
  nranges = 0;
  for (unsigned i = 0; i < md->nmblocks; i++) {
    uint64_t base = (md->mblock[i].base + MAP_ALIGN - 1) & ~(MAP_ALIGN - 1);
    uint64_t end = (md->mblock[i].base + md->mblock[i].size) & ~(MAP_ALIGN - 1);
    if (end <= base) continue;
    ranges[nranges].base = base;
    ranges[nranges].end = end;
    next[nranges] = base;
    /* the image and MD sit at the start of their mblock */
    if (reserved_base >= base && reserved_base < end)
      next[nranges] = (reserved_end + ALLOC_PAGE - 1) & ~(uint64_t)(ALLOC_PAGE - 1);
    nranges++;
  }
}

void *alloc(uint64_t size, uint64_t align) {
  if (align < ALLOC_PAGE) align = ALLOC_PAGE;
  size = (size + ALLOC_PAGE - 1) & ~(uint64_t)(ALLOC_PAGE - 1);
  void *p = 0;
  lock_take();
  for (unsigned i = 0; i < nranges && !p; i++) {
    uint64_t at = (next[i] + align - 1) & ~(align - 1);
    if (at >= next[i] && at <= ranges[i].end && ranges[i].end - at >= size) {
      next[i] = at + size;
      p = (void *)at;
    }
  }
  lock_drop();
  return p;
}

void *alloc_zero(uint64_t size, uint64_t align) {
  uint64_t *p = alloc(size, align);
  if (p)
    for (uint64_t i = 0; i < size / 8; i++) p[i] = 0;
  return p;
}

uint64_t alloc_free_bytes(void) {
  uint64_t n = 0;
  for (unsigned i = 0; i < nranges; i++) n += ranges[i].end - next[i];
  return n;
}

unsigned alloc_ranges(const struct mem_range **r) {
  *r = ranges;
  return nranges;
}
