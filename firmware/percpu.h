/* Per-vCPU data. The trap handlers in traptable.S reach it through scratchpad register 1
 * with real-address loads, so its first fields have fixed offsets shared with assembly. */
#ifndef FW_PERCPU_H
#define FW_PERCPU_H

#define CPU_FAULT          0x000   /* MMU fault status area (128 bytes, 64-byte aligned) */
#define CPU_MONDO_DATA     0x080   /* outgoing cpu mondo (64 bytes, 64-byte aligned) */
#define CPU_ID             0x0c0
#define CPU_STACK_TOP      0x0c8   /* initial stack of a secondary (top, unbiased) */
#define CPU_MONDO_QUEUE    0x0d0   /* cpu mondo queue base RA */
#define CPU_MONDO_MASK     0x0d8   /* queue bytes - 1 */
#define CPU_MONDO_UP       0x0e0   /* MONDO_MSG_UP messages received */
#define CPU_MONDO_DONE     0x0e8   /* MONDO_MSG_DONE messages received */
#define CPU_MONDO_OTHER    0x0f0   /* anything else received */
#define CPU_DEMAND_VA      0x0f8   /* memory workload: demand-mapped VA region */
#define CPU_DEMAND_SIZE    0x100
#define CPU_DEMAND_TTE     0x108   /* TTE data for the region's first page */
#define CPU_TSB8K          0x110   /* this vCPU's 8K TSB (RA) */
#define CPU_TSB8K_MASK     0x118   /* its entries - 1 */
#define CPU_MISSES         0x120   /* demand misses resolved */
#define CPU_TIMER_PERIOD   0x128   /* stick ticks between interrupts, 0 = timer off */
#define CPU_TIMER_DEADLINE 0x130   /* the value in %stick_cmpr */
#define CPU_TIMER_TICKS    0x138   /* level-14 interrupts taken */
#define CPU_TRAP_TL        0x140   /* the unexpected trap: TL, then per TL 1..2 */
#define CPU_TRAP_TT        0x148
#define CPU_TRAP_TPC       0x158
#define CPU_TRAP_TNPC      0x168
#define CPU_TRAP_TSTATE    0x178
#define CPU_CATCH          0x188   /* nonzero: the next unexpected trap at TL 1 is caught */
#define CPU_CAUGHT_TT      0x190   /* what it was (0 = none since catching was armed) */
#define CPU_ASM_END        0x198

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

#include "md.h"

/* TSB descriptor for mmu_tsb_ctx0 (32 bytes) */
struct tsb_desc {
  uint16_t page_size_index, associativity;
  uint32_t entries, context_index, page_size_mask;
  uint64_t base, reserved;
};

/* what a vCPU's workload reports to vCPU 0 */
struct result {
  uint64_t checksum, cycles, iterations, footprint, touched, misses;
  uint64_t start, end;   /* chase, triad: %stick around the timed span */
};

struct cpu {
  uint64_t fault_area[16];
  uint64_t mondo_data[8];
  uint64_t id, stack_top, mondo_queue, mondo_mask;
  volatile uint64_t mondo_up, mondo_done, mondo_other;
  uint64_t demand_va, demand_size, demand_tte, tsb8k, tsb8k_mask;
  volatile uint64_t misses;
  uint64_t timer_period, timer_deadline;
  volatile uint64_t timer_ticks;
  uint64_t trap_tl, trap_tt[2], trap_tpc[2], trap_tnpc[2], trap_tstate[2];
  volatile uint64_t catch_trap, caught_tt;   /* see trap_catch() */
  /* C only from here */
  struct tsb_desc tsb[2];         /* [0] shared 4M identity TSB, [1] the 8K demand TSB */
  uint16_t mondo_target[4];       /* cpu list for cpu_mondo_send (delivered ones become 0xffff) */
  uint64_t demand_ra;             /* backing of the demand region */
  struct result result;
} __attribute__((aligned(64)));

_Static_assert(offsetof(struct cpu, mondo_data) == CPU_MONDO_DATA, "layout");
_Static_assert(offsetof(struct cpu, id) == CPU_ID, "layout");
_Static_assert(offsetof(struct cpu, mondo_up) == CPU_MONDO_UP, "layout");
_Static_assert(offsetof(struct cpu, demand_va) == CPU_DEMAND_VA, "layout");
_Static_assert(offsetof(struct cpu, misses) == CPU_MISSES, "layout");
_Static_assert(offsetof(struct cpu, timer_period) == CPU_TIMER_PERIOD, "layout");
_Static_assert(offsetof(struct cpu, trap_tl) == CPU_TRAP_TL, "layout");
_Static_assert(offsetof(struct cpu, trap_tstate) == CPU_TRAP_TSTATE, "layout");
_Static_assert(offsetof(struct cpu, catch_trap) == CPU_CATCH, "layout");
_Static_assert(offsetof(struct cpu, caught_tt) == CPU_CAUGHT_TT, "layout");
_Static_assert(offsetof(struct cpu, tsb) == CPU_ASM_END, "layout");

extern struct cpu cpus[MD_MAX_CPUS];

/* this vCPU's struct (scratchpad 1) */
static inline struct cpu *this_cpu(void) {
  struct cpu *c;
  __asm__ volatile("ldxa [%1] 0x20, %0" : "=r"(c) : "r"(0x08ul));
  return c;
}

/* Probing on purpose (the isolation suite, chaos): arm, run one instruction that should
 * trap, then trap_caught() says which trap it was, 0 if none. A caught trap is skipped
 * (the handler returns with `done` past the instruction) instead of ending the guest. */
static inline void trap_catch(struct cpu *c) {
  c->caught_tt = 0;
  c->catch_trap = 1;
  __asm__ volatile("" : : : "memory");
}
static inline uint64_t trap_caught(struct cpu *c) {
  __asm__ volatile("" : : : "memory");
  c->catch_trap = 0;
  return c->caught_tt;
}

#endif
#endif
