/* The guest's side of a domain suspend (for migration; the Domain Services request that
 * asks for it is in ds.c). Like Solaris (illumos uts/sun4v/os/suspend.c): the other vCPUs
 * are stopped first, the time of day and %stick are recorded, interrupts go off and the last
 * vCPU calls guest_suspend, which returns once the domain is resumed, on this host or on
 * another one after a migration. Then the time of day is set back to what was recorded: the
 * guest's wall clock loses the suspended interval, as a Solaris guest's does. */
#ifndef FW_SUSPEND_H
#define FW_SUSPEND_H

#include <stdint.h>

#include "md.h"
#include "percpu.h"

/* cpu_stop of every vCPU of md other than self that runs: the ids of those stopped go to
 * parked[] (room for MD_MAX_CPUS); returns how many. */
unsigned suspend_park_others(const struct md_info *md, uint64_t self, uint32_t *parked);
/* On the last running vCPU: record, guest_suspend, restore. Returns the call's status;
 * HV_EOK means the domain was suspended and has been resumed. Prints nothing. */
uint64_t suspend_self(struct cpu *self);

#endif
