/* The workload a guest runs, chosen by the MD's boot-file string, e.g.
 * "compute iterations=200000", "memory footprint=4M writes=50", "counter rate=1000 count=20",
 * "ldc-ping role=client count=100 size=200 mode=reliable". */
#ifndef FW_BOOTARGS_H
#define FW_BOOTARGS_H

#include <stddef.h>
#include <stdint.h>

enum workload_kind { WL_COMPUTE, WL_MEMORY, WL_COUNTER, WL_PROBE, WL_IDLE, WL_LDC_PING };
enum ldc_role { LDC_ROLE_NONE, LDC_ROLE_CLIENT, LDC_ROLE_SERVER };

struct workload {
  enum workload_kind kind;
  uint64_t iterations;   /* compute */
  uint64_t footprint;    /* memory: bytes, a multiple of 8K */
  uint64_t writes;       /* memory: percent of accesses that store */
  uint64_t rate;         /* counter: lines per second of simulated time */
  uint64_t count;        /* counter: lines in total, 0 = forever; ldc-ping: messages */
  uint64_t ra;           /* probe: a real address outside this guest (someone else's) */
  enum ldc_role role;    /* ldc-ping */
  uint64_t size;         /* ldc-ping: bytes per message */
  uint64_t mode;         /* ldc-ping: LDC mode number (0 raw, 1 unreliable, 3 reliable) */
  uint64_t gap;          /* ldc-ping client: message (1-based) sent once with a seqid gap, 0 none */
  int ds;                /* any workload: ds=on (default) runs the Domain Services agent, ds=off not */
};

#define MEMORY_MAX_FOOTPRINT 0x10000000ul   /* one vCPU's demand-mapped VA region */
#define LDC_PING_MAX_SIZE 65536ul

/* "raw", "unreliable", "reliable" for LDC modes 0, 1 and 3; "?" otherwise */
const char *ldc_mode_name(uint64_t mode);

const char *workload_name(enum workload_kind kind);
/* 0 on success; else a reason in err (unknown workload, parameter or bad value). */
int workload_parse(const char *s, struct workload *w, char *err, size_t errlen);

#endif
