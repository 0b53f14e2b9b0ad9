/* vnet-ping: Ethernet frames over the vnet (vnet.h) between domains on a virtual switch. */
#ifndef FW_VNET_PING_H
#define FW_VNET_PING_H

#include "bootargs.h"
#include "md.h"

/* On the boot vCPU; never returns (exits the guest). */
void vnet_ping_run(const struct workload *w, const struct md_info *md) __attribute__((noreturn));

#endif
