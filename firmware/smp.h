/* Starting the secondary vCPUs and the cpu mondo messages between vCPUs. */
#ifndef FW_SMP_H
#define FW_SMP_H

#include <stdint.h>

#include "md.h"
#include "percpu.h"

#define SECONDARY_STACK 0x8000

/* Boot vCPU, before starting anyone: a stack (secondaries) and a mondo queue for c. */
void smp_prepare(struct cpu *c, const struct md_info *md, int is_boot);
/* By each vCPU itself: configure its cpu mondo queue. */
void smp_queue_conf(struct cpu *c);
/* cpu_start every vCPU of the MD other than `self`. */
void smp_start_all(const struct md_info *md, const struct cpu *self);
/* Send {kind, sender} to vCPU `target`, retrying while its queue is full. */
void smp_send(struct cpu *self, uint64_t target, uint64_t kind);
/* Sleep (cpu_yield) until *counter >= target; interrupts are left enabled. */
void smp_wait(volatile uint64_t *counter, uint64_t target);

#endif
