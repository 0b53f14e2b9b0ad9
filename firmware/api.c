/* API groups: SUN4V 1.0 and CORE 1.1 are required (CORE 1.1 brings cons_write; CORE 1.2,
 * asked for, adds guest_suspend); INTR 2.0 falls back to 1.0; SOFT_STATE 1.0, LDC 1.0
 * (channels, for ldc-ping) and VF_CPU 1.0 (T2 Plus counters) are optional. */
#include "api.h"

#include <stdint.h>

#include "console.h"
#include "hcall.h"

struct api_group {
  const char *name;
  uint64_t group, major, minor, fallback_major, required;
  uint64_t status, got_major, got_minor;
};

static struct api_group groups[] = {
    {"sun4v", HV_GRP_SUN4V, 1, 0, 0, 1, 0, 0, 0},
    {"core", HV_GRP_CORE, 1, 2, 0, 1, 0, 0, 0},
    {"intr", HV_GRP_INTR, 2, 0, 1, 0, 0, 0, 0},
    {"soft_state", HV_GRP_SOFT_STATE, 1, 0, 0, 0, 0, 0, 0},
    {"ldc", HV_GRP_LDC, 1, 0, 0, 0, 0, 0, 0},
    {"vf_cpu", HV_GRP_VF_CPU, 1, 0, 0, 0, 0, 0, 0},
};
#define NGROUPS (sizeof groups / sizeof groups[0])

void api_negotiate(void) {
  for (unsigned i = 0; i < NGROUPS; i++) {
    struct api_group *g = &groups[i];
    uint64_t minor = 0;
    g->got_major = g->major;
    g->status = hv_api_set_version(g->group, g->major, g->minor, &minor);
    if (g->status != HV_EOK && g->fallback_major) {
      g->got_major = g->fallback_major;
      g->status = hv_api_set_version(g->group, g->fallback_major, 0, &minor);
    }
    g->got_minor = minor;
    if (g->status != HV_EOK && g->required)
      die(1, "api_set_version(%s %lu.%lu) failed: %s (%lu)", g->name, (unsigned long)g->major,
          (unsigned long)g->minor, hv_strerror(g->status), (unsigned long)g->status);
  }
  /* CORE 1.0 lacks cons_write: the console would fall back to putchar, so insist */
  if (groups[1].got_minor < 1) die(1, "api: core 1.%lu granted, 1.1 needed", (unsigned long)groups[1].got_minor);
}

void api_print(void) {
  for (unsigned i = 0; i < NGROUPS; i++) {
    const struct api_group *g = &groups[i];
    if (g->status == HV_EOK)
      printf("api: %s %lu.%lu\n", g->name, (unsigned long)g->got_major, (unsigned long)g->got_minor);
    else
      printf("api: %s unavailable (%s)\n", g->name, hv_strerror(g->status));
  }
}

int api_granted(uint64_t group) {
  for (unsigned i = 0; i < NGROUPS; i++)
    if (groups[i].group == group) return groups[i].status == HV_EOK;
  return 0;
}

uint64_t api_minor(uint64_t group) {
  for (unsigned i = 0; i < NGROUPS; i++)
    if (groups[i].group == group && groups[i].status == HV_EOK) return groups[i].got_minor;
  return 0;
}
