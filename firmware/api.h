/* Hypervisor API negotiation: until api_set_version is called every FAST_TRAP fails. */
#ifndef FW_API_H
#define FW_API_H

#include <stdint.h>

/* Negotiates the groups the runtime uses, exiting when a required one is refused. */
void api_negotiate(void);
/* One "api: <group> <major>.<minor>" line per group (after the boot banner). */
void api_print(void);
/* Was group (HV_GRP_*) granted by api_negotiate? */
int api_granted(uint64_t group);
/* The minor version granted for group (0 if refused): CORE 1.2 has guest_suspend. */
uint64_t api_minor(uint64_t group);

#endif
