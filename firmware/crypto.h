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

/* The crypto workload (crypto_workload.c): on the boot vCPU; exits the guest. */
struct workload;
struct md_info;
void crypto_workload_run(const struct workload *w, const struct md_info *md);

#endif
