/* The workload a guest runs, chosen by the MD's boot-file string, e.g.
 * "compute iterations=200000", "memory footprint=4M writes=50", "counter rate=1000 count=20",
 * "memory footprint=16M rate=4M tick=100" (paced: dirties 4 MB of pages per second),
 * "ldc-ping role=client count=100 size=200 mode=reliable", "vdisk op=write size=4M seed=7",
 * "vnet-ping role=client peer=00:14:4f:f8:00:01 count=1000 size=64",
 * "crypto sizes=16,4K alg=aes,sha256 entry=8K", "pcidisk size=4M seed=3 bus=pci@400 depth=4". */
#ifndef FW_BOOTARGS_H
#define FW_BOOTARGS_H

#include <stddef.h>
#include <stdint.h>

enum workload_kind { WL_COMPUTE, WL_MEMORY, WL_COUNTER, WL_PROBE, WL_IDLE, WL_LDC_PING, WL_VNET_PING, WL_VDISK, WL_LDC_MAP, WL_CRYPTO, WL_ISOLATION, WL_GUARD, WL_CHAOS, WL_PCIDISK, WL_CHASE, WL_TRIAD };
enum vdisk_op { VDISK_OP_WRITE, VDISK_OP_VERIFY, VDISK_OP_INFO };
enum ldc_role { LDC_ROLE_NONE, LDC_ROLE_CLIENT, LDC_ROLE_SERVER, LDC_ROLE_LISTEN };
enum vnet_bad { VNET_BAD_NONE, VNET_BAD_RING, VNET_BAD_DESC };   /* vnet-ping's test hooks */

struct workload {
  enum workload_kind kind;
  uint64_t iterations;   /* compute */
  uint64_t footprint;    /* memory, chase, triad: bytes, a multiple of 8K; guard: bytes watched */
  uint64_t steps;        /* chase: timed dependent loads; triad: timed passes */
  uint64_t writes;       /* memory: percent of accesses that store */
  uint64_t rate;         /* counter: lines per second of simulated time; memory: bytes of pages
                            dirtied per second (paced mode), 0 = not paced */
  uint64_t tick;         /* memory, paced: the pacing timer's frequency (Hz) */
  uint64_t count;        /* counter: lines in total, 0 = forever; ldc-ping: messages; guard: checks;
                            memory, paced: ticks, 0 = forever */
  uint64_t ra;           /* probe, isolation: a real address outside this guest (someone else's) */
  uint64_t wait;         /* isolation: milliseconds of simulated time before the first probe */
  enum ldc_role role;    /* ldc-ping */
  uint64_t size;         /* ldc-ping: bytes per message */
  uint64_t mode;         /* ldc-ping: LDC mode number (0 raw, 1 unreliable, 3 reliable) */
  uint64_t gap;          /* ldc-ping / vnet-ping client: message (1-based) sent once with a seqid gap, 0 none */
  uint64_t peer_mac;     /* vnet-ping client: whom to ping */
  enum vnet_bad bad;     /* vnet-ping: misbehave towards the switch */
  uint64_t burst;        /* vnet-ping client: broadcast frames sent back to back after the pings */
  enum vdisk_op vdisk_op;   /* vdisk, pcidisk: op=write (pattern, then read back), verify, info */
  uint64_t seed;         /* vdisk, pcidisk: the pattern's seed; chaos: what it does */
  uint64_t vdisk_bad;    /* vdisk: 1 = first send a request with a cookie we never exported */
  uint64_t reset_at;     /* vdisk: reset the channel right after posting request N (0 never) */
  uint64_t flood;        /* vdisk: first send N messages without reading the answers */
  uint64_t depth;        /* vdisk, pcidisk: requests in flight (1..8) */
  uint64_t pci_bus;      /* pcidisk: bus=pci@N, the root complex's devhandle N (0: the MD's first) */
  uint64_t pci_bad_dma;  /* pcidisk: 1 = first a Read into a DVMA address never mapped (test hook) */
  uint64_t pci_poll;     /* pcidisk: 1 = poll the event queue's tail instead of taking its interrupt */
  uint64_t pci_mmio;     /* pcidisk: 1 = registers by ASI_REAL_IO_LITTLE loads and stores, not pci_peek/poke */
  int ds;                /* any workload: ds=on (default) runs the Domain Services agent, ds=off not */
  int then_idle;         /* memory, compute, pcidisk: then=idle stays up idle once done (e.g. to be migrated
                            or stopped by the manager) */
  uint64_t crypto_algs;  /* crypto: bit i = cryptosw.h's crypto_algs[i] */
  unsigned crypto_nsizes;
  uint64_t crypto_sizes[8];   /* crypto: buffer sizes in bytes, 1..64K, in the order given */
  uint64_t entry;        /* crypto: bytes per CWQ entry (a multiple of 16, up to 64K) */
  int crypto_unit;       /* crypto: unit=on (default) uses the CWQ, unit=off only the runtime's software */
  uint64_t crypto_bad;   /* crypto: 1 = first a request whose source is outside the guest (test hook) */
  uint64_t crypto_irq;   /* crypto: 1 = one aes-128-cbc 4 KB request completed by interrupt, not polling */
};

#define MEMORY_MAX_FOOTPRINT 0x10000000ul   /* one vCPU's demand-mapped VA region */
#define MEMORY_MAX_RATE (64ul << 30)        /* paced: bytes per second */
#define MEMORY_MAX_TICK 10000ul             /* paced: Hz */
#define GUARD_MAX_FOOTPRINT (256ul << 20)
#define CHASE_MAX_STEPS 10000000ul   /* chase: a few seconds of simulated time at most */
#define TRIAD_MAX_PASSES 100ul
#define CHAOS_MAX_COUNT 10000000ul
#define LDC_PING_MAX_SIZE 65536ul
#define VDISK_MAX_SIZE (32ul << 20)   /* the workload holds it all in memory (pcidisk too) */
#define VNET_PING_MIN_SIZE 60ul     /* Ethernet's minimum frame (without FCS) */
#define VNET_PING_MAX_SIZE 1514ul   /* MTU 1500 + header */
#define CRYPTO_MAX_SIZES 8
#define CRYPTO_MAX_SIZE 65536ul       /* a hash request's limit (Linux's n2_core: 2^16) */
#define CRYPTO_QUEUE_ENTRIES 64       /* the CWQ the workload configures */

/* "raw", "unreliable", "reliable" for LDC modes 0, 1 and 3; "?" otherwise */
const char *ldc_mode_name(uint64_t mode);

const char *workload_name(enum workload_kind kind);
/* 0 on success; else a reason in err (unknown workload, parameter or bad value). */
int workload_parse(const char *s, struct workload *w, char *err, size_t errlen);

#endif
