/* The guest-side chaos workload (chaos.c). */
#ifndef FW_CHAOS_H
#define FW_CHAOS_H

#include "bootargs.h"
#include "md.h"

/* On the boot vCPU: w->count rounds of misbehaviour from w->seed, a summary; exits 0. */
void chaos_run(const struct workload *w, const struct md_info *md) __attribute__((noreturn));

#endif
