/* The guest's Domain Services agent (reference §5.7): on the MD's domain-services device it
 * opens the channel (RELIABLE, this end initiates), sends INIT_REQ and registers the services
 * it provides, md-update, domain-shutdown and dr-cpu; then it answers the domain manager's
 * requests, one console line each. It lives on the boot vCPU, which polls it where it waits:
 * the idle loop, the counter and paced memory workloads and smp_wait. A compute-bound vCPU 0 answers only once
 * its work is done (and then it exits), so the manager's requests time out meanwhile. */
#ifndef FW_DS_H
#define FW_DS_H

#include "bootargs.h"
#include "md.h"
#include "percpu.h"

/* Opens the channel and registers, unless the MD has no domain-services device or the
 * boot-file says ds=off. md is the runtime's summary, which md-update refreshes. */
void ds_init(struct md_info *md, const struct workload *w, struct cpu *self);
/* Answers what has arrived (nothing on other vCPUs, or before ds_init). */
void ds_poll(void);

#endif
