/* The isolation suite's attacker workload (isolation.c). */
#ifndef FW_ISOLATION_H
#define FW_ISOLATION_H

#include "bootargs.h"
#include "md.h"

/* On the boot vCPU: every probe, a line each and a summary; exits the guest (0: all refused). */
void isolation_run(const struct workload *w, const struct md_info *md) __attribute__((noreturn));

#endif
