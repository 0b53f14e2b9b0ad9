/* The workload a guest runs, chosen by the MD's boot-file string, e.g.
 * "compute iterations=200000", "memory footprint=4M writes=50", "counter rate=1000 count=20". */
#ifndef FW_BOOTARGS_H
#define FW_BOOTARGS_H

#include <stddef.h>
#include <stdint.h>

enum workload_kind { WL_COMPUTE, WL_MEMORY, WL_COUNTER, WL_PROBE, WL_IDLE };

struct workload {
  enum workload_kind kind;
  uint64_t iterations;   /* compute */
  uint64_t footprint;    /* memory: bytes, a multiple of 8K */
  uint64_t writes;       /* memory: percent of accesses that store */
  uint64_t rate;         /* counter: lines per second of simulated time */
  uint64_t count;        /* counter: lines in total, 0 = forever */
  uint64_t ra;           /* probe: a real address outside this guest (someone else's) */
};

#define MEMORY_MAX_FOOTPRINT 0x10000000ul   /* one vCPU's demand-mapped VA region */

const char *workload_name(enum workload_kind kind);
/* 0 on success; else a reason in err (unknown workload, parameter or bad value). */
int workload_parse(const char *s, struct workload *w, char *err, size_t errlen);

#endif
