/* A small driver for the T2 Plus cipher/hash unit's control-word queue (CWQ) through the
 * hypervisor's NCS 2.0 API (group 0x103, reference §8): one queue on the calling vCPU's
 * core, one request at a time, completion by polling ncs_gethead until head == tail (as
 * Linux's n2_core wait_for_tail). */
#ifndef FW_CRYPTO_H
#define FW_CRYPTO_H

#include <stdint.h>

#include "cryptosw.h"

struct cwq {
  uint64_t handle, devino;
  uint8_t *ring;          /* entries x 64 bytes, 64-byte aligned */
  uint64_t entries;
  uint64_t tail;          /* byte offset of the next entry to fill; == head when idle */
  uint64_t ncs_minor;     /* NCS 2.x granted */
  uint64_t timeout;       /* %stick ticks a request may take */
  uint64_t status;        /* the failing call's sun4v status (CWQ_E_HV) */
  const char *what;       /* and its name */
  uint64_t head;          /* the last head read (CWQ_E_TIMEOUT) */
};

/* cwq_run's results */
enum { CWQ_OK = 0, CWQ_E_HV = -1, CWQ_E_TIMEOUT = -2, CWQ_E_STATUS = -3 };

/* Negotiates NCS 2.0 and configures a queue of `entries` (a power of two, 2..64) on this
 * vCPU's core's unit. 0, or the sun4v status with q->what naming the call (ENOACCESS: the
 * domain does not own this core's unit). */
uint64_t cwq_open(struct cwq *q, uint64_t entries, uint64_t timeout);
/* Unconfigures it: 0 or the status. */
uint64_t cwq_close(struct cwq *q);

/* The addresses of a request's initial entry, words 2..7 (real addresses; 0 = unused). */
struct cwq_addrs { const void *auth_key, *auth_iv, *final_auth_state, *cipher_key, *cipher_iv; void *dest; };

/* One request over len bytes at src, split into entries of at most `entry` bytes: the
 * initial entry with `control` (cwq_control's, or COPY's; its length field is set here) |
 * START_OF_BLOCK, then extension entries, END_OF_BLOCK on the last; submitted with
 * ncs_settail, waited for with ncs_gethead. CWQ_OK when the initial entry's control word
 * (in *result) came back DONE; CWQ_E_STATUS when it says otherwise (PROTOCOL_ERROR, HW_ERROR
 * or not DONE); CWQ_E_HV (q->status, q->what) or CWQ_E_TIMEOUT (q->head) leave the queue
 * unusable. */
int cwq_run(struct cwq *q, uint64_t control, const void *src, uint64_t len, uint64_t entry,
            const struct cwq_addrs *addrs, uint64_t *result);
/* cwq_run's first half: the entries filled and handed over with ncs_settail, not waited for
 * (the caller waits, e.g. for the interrupt a control word with CWQ_INTERRUPT asks for).
 * The initial entry (its control word comes back there), or 0 when ncs_settail failed
 * (q->status, q->what). */
volatile uint64_t *cwq_submit(struct cwq *q, uint64_t control, const void *src, uint64_t len, uint64_t entry,
                              const struct cwq_addrs *addrs);

/* ---- the MAU (modular arithmetic unit) through NCS 2.0: a queue of 64-byte descriptors
 * (OpenSPARC ncs_hvdesc: state, type, MA control, MPA, MA address, NP, errstatus, pad; big-
 * endian words), one job at a time, completion by polling ncs_gethead as for the CWQ, then
 * every descriptor's state must say DONE. The MA semantics: hv/mau.h. */
enum { MA_OP_LOAD = 0, MA_OP_STORE = 1, MA_OP_MULTIPLY = 2, MA_OP_REDUCE = 3, MA_OP_EXPONENTIATE = 4 };
enum { ND_STATE_PENDING = 1, ND_STATE_DONE = 3, ND_STATE_ERROR = 4 };
enum { ND_TYPE_START = 0x01, ND_TYPE_CONT = 0x02, ND_TYPE_END = 0x80 };
#define MAU_DESC_SIZE 64
#define MA_WORDS 160          /* MA memory */
#define MA_LDST_MAX 64        /* words one load/store moves */
/* control: op 12:8, words - 1 in 7:0 */
static inline uint64_t ma_ctl(unsigned op, unsigned words) { return (uint64_t)op << 8 | ((words - 1) & 0xff); }
/* MA address: field i (a word offset into MA memory, or exponentiate's field 5: exponent bytes - 1) in bits 8i+7:8i */
static inline uint64_t ma_addr(unsigned f0, unsigned f1, unsigned f2, unsigned f3, unsigned f4, unsigned f5) {
  return (uint64_t)f0 | (uint64_t)f1 << 8 | (uint64_t)f2 << 16 | (uint64_t)f3 << 24 | (uint64_t)f4 << 32 |
         (uint64_t)f5 << 40;
}
struct mau_regs { uint64_t ctl, mpa, ma, np; };

struct mauq {
  uint64_t handle;
  uint8_t *ring;
  uint64_t entries, tail, timeout, status, head;
  const char *what;
  unsigned failed;        /* CWQ_E_STATUS: the first descriptor not DONE */
  uint64_t state, errstatus;   /* and its state and errstatus */
};
/* ncs_qconf(MAU) on this vCPU's core (NCS 2.0 negotiated by cwq_open already) */
uint64_t mau_open(struct mauq *q, uint64_t entries, uint64_t timeout);
uint64_t mau_close(struct mauq *q);
/* One job of n descriptors (n < entries): START on the first, END on the last; CWQ_OK when
 * every one came back DONE, CWQ_E_STATUS (q->failed, q->state, q->errstatus), CWQ_E_HV,
 * CWQ_E_TIMEOUT as cwq_run. */
int mau_run(struct mauq *q, const struct mau_regs *d, unsigned n);

/* The crypto workload (crypto_workload.c): on the boot vCPU; exits the guest. */
struct workload;
struct md_info;
void crypto_workload_run(const struct workload *w, const struct md_info *md);

#endif
