/* SMP bring-up. Secondaries start at secondary_start with their struct cpu as the
 * argument; they report "up" and "done" to the boot vCPU with cpu mondos, which its
 * cpu_mondo handler counts. */
#include "smp.h"

#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "ds.h"
#include "hcall.h"
#include "sun4v.h"

extern char secondary_start[], trap_table[];

void smp_prepare(struct cpu *c, const struct md_info *md, int is_boot) {
  /* a vCPU started again after a dr-cpu unconfigure keeps its stack and mondo queue */
  if (!is_boot && c->stack_top && c->mondo_queue) {
    c->mondo_up = c->mondo_done = c->mondo_other = 0;
    return;
  }
  if (!is_boot) {
    void *stack = alloc(SECONDARY_STACK, ALLOC_PAGE);
    if (!stack) die(1, "smp: no memory for vcpu %lu's stack", c->id);
    c->stack_top = (uint64_t)stack + SECONDARY_STACK;
  }
  /* room for an "up" and a "done" from every vCPU, within the MD's limit */
  uint64_t max = 1ul << (md->cpu_mondo_bits < 16 ? md->cpu_mondo_bits : 16), entries = 16;
  while (entries < 2 * (uint64_t)md->ncpus) entries <<= 1;
  if (entries > max) entries = max;
  if (entries < 2) entries = 2;
  uint64_t bytes = entries * QUEUE_ENTRY_SIZE;
  void *q = alloc(bytes, bytes);
  if (!q) die(1, "smp: no memory for vcpu %lu's mondo queue", c->id);
  c->mondo_queue = (uint64_t)q;
  c->mondo_mask = bytes - 1;
  c->mondo_up = c->mondo_done = c->mondo_other = 0;
}

void smp_queue_conf(struct cpu *c) {
  uint64_t st = hv_cpu_qconf(QUEUE_ID_CPU_MONDO, c->mondo_queue, (c->mondo_mask + 1) / QUEUE_ENTRY_SIZE);
  if (st != HV_EOK) die_hv("cpu_qconf(cpu mondo)", st);
}

void smp_start_all(const struct md_info *md, const struct cpu *self) {
  for (unsigned i = 0; i < md->ncpus; i++) {
    uint64_t id = md->cpu_id[i];
    if (id == self->id) continue;
    uint64_t st = hv_cpu_start(id, (uint64_t)secondary_start, (uint64_t)trap_table, (uint64_t)&cpus[id]);
    if (st != HV_EOK) die(1, "cpu_start(%lu) failed: %s (%lu)", id, hv_strerror(st), st);
  }
}

void smp_send(struct cpu *self, uint64_t target, uint64_t kind) {
  self->mondo_data[0] = kind;
  self->mondo_data[1] = self->id;
  membar_sync();
  for (;;) {
    self->mondo_target[0] = (uint16_t)target;   /* the HV marks delivered entries 0xffff */
    uint64_t st = hv_cpu_mondo_send(1, self->mondo_target, self->mondo_data);
    if (st == HV_EOK) return;
    if (st != HV_EWOULDBLOCK)
      die(1, "cpu_mondo_send(vcpu %lu -> %lu) failed: %s (%lu)", self->id, target, hv_strerror(st), st);
    /* the target's queue is full: it drains it as soon as it takes the interrupt */
  }
}

void smp_wait(volatile uint64_t *counter, uint64_t target) {
  /* Check with interrupts off, then yield: a mondo arriving in between stays pending
   * and ends the yield, so no wake-up is lost. The handler runs at irq_enable. */
  for (;;) {
    irq_disable();
    if (*counter >= target) break;
    hv_cpu_yield();
    irq_enable();
    ds_poll();   /* the domain manager may ask while vCPU 0 waits for the others */
  }
  irq_enable();
}
