/* Suspend and resume as the guest sees them (suspend.h). */
#include "suspend.h"

#include "cpuops.h"
#include "hcall.h"
#include "sun4v.h"

unsigned suspend_park_others(const struct md_info *md, uint64_t self, uint32_t *parked) {
  unsigned n = 0;
  for (unsigned i = 0; i < md->ncpus; i++) {
    uint32_t id = md->cpu_id[i];
    uint64_t state = 0;
    if (id == self || hv_cpu_state(id, &state) != HV_EOK || state != 2 /* running */) continue;
    if (hv_cpu_stop(id) == HV_EOK) parked[n++] = id;   /* else guest_suspend will refuse */
  }
  return n;
}

uint64_t suspend_self(struct cpu *self) {
  /* What the guest's time is before: the TOD to set back, and %stick to measure how far
   * it jumped over the suspend (the runtime's timer moves on by as much). */
  uint64_t tod = 0;
  int have_tod = hv_tod_get(&tod) == HV_EOK;
  irq_disable();   /* nothing runs between here and the call, nor before the clocks are fixed */
  uint64_t pending = rd_softint() & SOFTINT_SM, stick = rd_stick();
  uint64_t st = hv_guest_suspend();
  if (st == HV_EOK) {
    /* Solaris sets the TOD to the recorded value plus 2 ms (twice its 1 ms allowance for
     * %stick skew between CPUs); the TOD here counts whole seconds, so the 2 ms are below
     * its resolution and the recorded value is set as it is. */
    if (have_tod) hv_tod_set(tod);
    if (self->timer_period) {
      /* The level-14 timer keeps its phase in the guest's time: the deadline moves on by
       * the jump, so the suspended interval costs no ticks and none are made up. A match
       * of the old deadline seen on the way back is dropped (unless one was pending before
       * the suspend) before the new deadline is armed, whose match must not be lost. */
      if (!pending) clear_softint(SOFTINT_SM);
      self->timer_deadline += rd_stick() - stick;
      wr_stick_cmpr(self->timer_deadline);
    }
  }
  irq_enable();
  return st;
}
