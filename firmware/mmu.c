/* MMU set-up. Misses outside the permanent mappings are resolved by the hypervisor's
 * "hardware" TSB walk; only the demand regions ever reach the guest's miss handler. */
#include "mmu.h"

#include "alloc.h"
#include "console.h"
#include "hcall.h"
#include "sun4v.h"

#define PAGE_4M (1ul << PAGE_SHIFT_4M)
#define PAGE_8K (1ul << PAGE_SHIFT_8K)
#define TSB_MIN_ENTRIES 512       /* an 8K TSB, the smallest sun4v size */
#define TSB_MAX_ENTRIES (1u << 16)

extern char __image_end[];

static struct tsb_desc identity;   /* copied into every vCPU's descriptor list */
static unsigned perm_count;

static uint64_t pow2_at_least(uint64_t n, uint64_t min) {
  uint64_t p = min;
  while (p < n) p <<= 1;
  return p;
}

static uint64_t tte(uint64_t ra, uint64_t bits) { return TTE_V | ra | TTE_CP | TTE_CV | TTE_P | bits; }

static void tsb_insert(uint64_t *tsb, uint64_t entries, unsigned page_shift, uint64_t va,
                       uint64_t data) {
  uint64_t i = (va >> page_shift) & (entries - 1);
  tsb[2 * i] = va >> TSB_TAG_VA_SHIFT;   /* context 0 */
  tsb[2 * i + 1] = data;
}

void mmu_boot_setup(struct cpu *c) {
  /* the image, its stack and the trap table: permanent, so no miss can ever hit them */
  uint64_t end = (uint64_t)__image_end;
  for (uint64_t va = IMAGE_BASE; va < end; va += PAGE_4M) {
    uint64_t st = hv_mmu_map_perm_addr(va, tte(va, TTE_X | TTE_W | TTE_SZ_4M), HV_MMU_ALL);
    if (st != HV_EOK) die_hv("mmu_map_perm_addr", st);
    perm_count++;
  }

  /* One 4M TSB entry per page of guest memory. Indexing by VA (= RA) with at least as
   * many entries as 4M pages between the lowest and highest address keeps them apart. */
  const struct mem_range *r;
  unsigned n = alloc_ranges(&r);
  if (!n) die(1, "mmu: no mblock holds a whole 4M page");
  uint64_t lo = r[0].base, hi = r[0].end;
  for (unsigned i = 1; i < n; i++) {
    if (r[i].base < lo) lo = r[i].base;
    if (r[i].end > hi) hi = r[i].end;
  }
  uint64_t entries = pow2_at_least((hi - lo) >> PAGE_SHIFT_4M, TSB_MIN_ENTRIES);
  if (entries > TSB_MAX_ENTRIES)
    die(1, "mmu: memory spans 0x%lx..0x%lx, too wide for one identity TSB", lo, hi);
  uint64_t *tsb = alloc_zero(entries * TSB_ENTRY_SIZE, entries * TSB_ENTRY_SIZE);
  if (!tsb) die(1, "mmu: no memory for a %lu-entry TSB", entries);
  for (unsigned i = 0; i < n; i++)
    for (uint64_t ra = r[i].base; ra < r[i].end; ra += PAGE_4M)
      tsb_insert(tsb, entries, PAGE_SHIFT_4M, ra, tte(ra, TTE_X | TTE_W | TTE_SZ_4M));
  identity.page_size_index = TTE_SZ_4M;
  identity.associativity = 1;
  identity.entries = (uint32_t)entries;
  identity.context_index = 0;
  identity.page_size_mask = 1u << TTE_SZ_4M;
  identity.base = (uint64_t)tsb;

  mmu_cpu_setup(c);
  printf("mmu: enabled (perm %u x 4M, tsb %lu entries)\n", perm_count, entries);
}

void mmu_cpu_setup(struct cpu *c) {
  uint64_t prev, st = hv_mmu_fault_area_conf(c->fault_area, &prev);
  if (st != HV_EOK) die_hv("mmu_fault_area_conf", st);
  c->tsb[0] = identity;
  st = hv_mmu_tsb_ctx0(1, c->tsb);
  if (st != HV_EOK) die_hv("mmu_tsb_ctx0", st);
  /* everything runs in context 0 (nucleus and primary alike) */
  __asm__ volatile("stxa %%g0, [%0] 0x21\n\tstxa %%g0, [%1] 0x21" : : "r"(0x08ul), "r"(0x10ul) : "memory");
  st = hv_mmu_enable_here();
  if (st != HV_EOK) die_hv("mmu_enable", st);
}

void mmu_demand_prepare(struct cpu *c, uint64_t va, uint64_t size) {
  uint64_t ra = (uint64_t)alloc(size, PAGE_8K);
  uint64_t entries = pow2_at_least(size >> PAGE_SHIFT_8K, TSB_MIN_ENTRIES);
  uint64_t *tsb = alloc_zero(entries * TSB_ENTRY_SIZE, entries * TSB_ENTRY_SIZE);
  if (!ra || !tsb)
    die(3, "memory: no room for vcpu %lu's 0x%lx bytes and its TSB (0x%lx bytes free)",
        c->id, size, alloc_free_bytes());
  c->demand_ra = ra;
  c->demand_va = va;
  c->demand_size = size;
  c->demand_tte = tte(ra, TTE_W | TTE_SZ_8K);
  c->tsb8k = (uint64_t)tsb;
  c->tsb8k_mask = entries - 1;
  c->misses = 0;
  c->tsb[1].page_size_index = TTE_SZ_8K;
  c->tsb[1].associativity = 1;
  c->tsb[1].entries = (uint32_t)entries;
  c->tsb[1].context_index = 0;
  c->tsb[1].page_size_mask = 1u << TTE_SZ_8K;
  c->tsb[1].base = (uint64_t)tsb;
}

void mmu_demand_enable(struct cpu *c) {
  uint64_t st = hv_mmu_tsb_ctx0(2, c->tsb);
  if (st != HV_EOK) die_hv("mmu_tsb_ctx0 (demand TSB)", st);
}
