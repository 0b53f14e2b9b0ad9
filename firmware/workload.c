/* The three workloads. compute and memory time themselves with %stick; counter is
 * paced by the STICK compare interrupt (interrupt_level_14 in traptable.S). */
#include "workload.h"

#include "console.h"
#include "cpuops.h"
#include "hcall.h"
#include "kernels.h"
#include "mmu.h"

#define DEMAND_REGION 0x10000000ul   /* VA per vCPU; MEMORY_MAX_FOOTPRINT fits */

/* Demand regions start at the first 4G boundary above both 4G and guest memory, so
 * they never overlap the identity mappings. */
static uint64_t demand_base(const struct md_info *md) {
  uint64_t top = 0x100000000ul;
  for (unsigned i = 0; i < md->nmblocks; i++)
    if (md->mblock[i].base + md->mblock[i].size > top) top = md->mblock[i].base + md->mblock[i].size;
  return (top + 0xfffffffful) & ~0xfffffffful;
}

void workload_prepare(struct cpu *c, const struct workload *w, const struct md_info *md) {
  if (w->kind == WL_MEMORY)
    mmu_demand_prepare(c, demand_base(md) + c->id * DEMAND_REGION, w->footprint);
}

static void counter_run(struct cpu *c, const struct workload *w, const struct md_info *md) {
  if (!md->stick_freq) die(2, "counter: the MD has no platform stick-frequency");
  uint64_t period = md->stick_freq / w->rate;
  if (!period) die(2, "counter: rate %lu Hz is above the stick frequency", w->rate);
  c->timer_ticks = 0;
  c->timer_deadline = rd_stick() + period;
  c->timer_period = period;
  wr_stick_cmpr(c->timer_deadline);
  uint64_t printed = 0;
  while (!w->count || printed < w->count) {
    irq_disable();   /* see smp_wait: no tick lost between the check and the yield */
    if (c->timer_ticks == printed) hv_cpu_yield();
    irq_enable();
    while (printed < c->timer_ticks && (!w->count || printed < w->count))
      printf("counter %lu\n", ++printed);
  }
  wr_stick_cmpr(STICK_CMPR_INT_DIS);
  c->timer_period = 0;
  printf("vfsim-runtime: counter done (%lu lines)\n", printed);
  fw_exit(0);
}

void workload_run(struct cpu *c, const struct workload *w, const struct md_info *md, int is_boot) {
  struct result *r = &c->result;
  uint64_t t0 = rd_stick();
  switch (w->kind) {
    case WL_COMPUTE:
      r->iterations = w->iterations;
      r->checksum = compute_kernel((unsigned)c->id, w->iterations);
      break;
    case WL_MEMORY: {
      mmu_demand_enable(c);
      t0 = rd_stick();
      uint64_t accesses;
      r->checksum = memory_kernel((volatile uint64_t *)c->demand_va, c->demand_size,
                                  (unsigned)c->id, (unsigned)w->writes, &accesses);
      r->footprint = c->demand_size;
      r->touched = accesses * sizeof(uint64_t);
      r->misses = c->misses;
      break;
    }
    case WL_COUNTER:
      if (is_boot) counter_run(c, w, md);
      for (;;) hv_cpu_yield();
  }
  r->cycles = rd_stick() - t0;
}

void workload_print(const struct cpu *c, const struct workload *w) {
  const struct result *r = &c->result;
  if (w->kind == WL_COMPUTE)
    printf("vcpu %lu: compute iterations=%lu checksum=0x%016lx cycles=%lu\n", c->id,
           r->iterations, r->checksum, r->cycles);
  else
    printf("vcpu %lu: memory footprint=%lu touched=%lu misses=%lu checksum=0x%016lx cycles=%lu\n",
           c->id, r->footprint, r->touched, r->misses, r->checksum, r->cycles);
}
