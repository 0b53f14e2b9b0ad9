/* Running the boot-file workload on each vCPU and reporting it. */
#ifndef FW_WORKLOAD_H
#define FW_WORKLOAD_H

#include "bootargs.h"
#include "md.h"
#include "percpu.h"

/* By the boot vCPU for every vCPU before they start (memory: the demand region). */
void workload_prepare(struct cpu *c, const struct workload *w, const struct md_info *md);
/* On the vCPU itself; fills c->result. counter, probe, idle and ldc-ping never return:
 * the boot vCPU does the work and exits, the others idle. */
void workload_run(struct cpu *c, const struct workload *w, const struct md_info *md, int is_boot);
/* vdisk (vdisk_workload.c): on the boot vCPU; exits the guest. */
void vdisk_workload_run(const struct workload *w, const struct md_info *md);
/* pcidisk (pcidisk_workload.c): on the boot vCPU; exits the guest. */
void pcidisk_workload_run(const struct workload *w, const struct md_info *md);
/* ldc-map (ldc_map.c): on the boot vCPU; exits the guest. */
void ldc_map_run(const struct workload *w, const struct md_info *md);
/* The boot vCPU's result line for c. */
void workload_print(const struct cpu *c, const struct workload *w);

#endif
