/* Small privileged operations on this vCPU. */
#ifndef FW_CPUOPS_H
#define FW_CPUOPS_H

#include <stdint.h>

#include "sun4v.h"

static inline uint64_t rd_stick(void) {
  uint64_t t;
  __asm__ volatile("rd %%stick, %0" : "=r"(t));
  return t;
}
static inline void wr_stick_cmpr(uint64_t v) { __asm__ volatile("wr %0, %%g0, %%stick_cmpr" : : "r"(v)); }
static inline uint64_t rd_softint(void) {
  uint64_t v;
  __asm__ volatile("rd %%softint, %0" : "=r"(v));
  return v;
}
/* drop pending SOFTINT bits (a stick match taken while interrupts were off) */
static inline void clear_softint(uint64_t bits) { __asm__ volatile("wr %0, %%g0, %%clear_softint" : : "r"(bits)); }

/* PSTATE.IE: interrupts (queue and SOFTINT traps) on or off */
static inline void irq_enable(void) {
  __asm__ volatile("wrpr %%g0, %0, %%pstate" : : "i"(PSTATE_PRIV | PSTATE_PEF | PSTATE_IE) : "memory");
}
static inline void irq_disable(void) {
  __asm__ volatile("wrpr %%g0, %0, %%pstate" : : "i"(PSTATE_PRIV | PSTATE_PEF) : "memory");
}

/* results must be visible before the message that announces them */
static inline void membar_sync(void) { __asm__ volatile("membar #Sync" : : : "memory"); }

/* This vCPU's interrupt queue registers (QUEUE_*_HEAD/TAIL, sun4v.h): a driver that waits for
 * a device mondo with interrupts off reads the dev mondo queue itself. */
static inline uint64_t queue_reg(uint64_t va) {
  uint64_t v;
  __asm__ volatile("ldxa [%1] %2, %0" : "=r"(v) : "r"(va), "i"(ASI_QUEUE) : "memory");
  return v;
}
static inline void set_queue_reg(uint64_t va, uint64_t v) {
  __asm__ volatile("stxa %0, [%1] %2" : : "r"(v), "r"(va), "i"(ASI_QUEUE) : "memory");
}

#endif
