/* The CWQ driver (crypto.h). Entries are 8 big-endian 64-bit words, the guest's own byte
 * order: initial {control, src, auth key, auth IV, final auth state, cipher key, cipher IV,
 * dest}, extension {len - 1 [| END_OF_BLOCK], src, 0, ...}. */
#include "crypto.h"

#include "alloc.h"
#include "cpuops.h"
#include "hcall.h"

uint64_t cwq_open(struct cwq *q, uint64_t entries, uint64_t timeout) {
  q->entries = entries;
  q->tail = 0;
  q->timeout = timeout;
  q->what = "api_set_version(ncs 2.0)";
  q->status = hv_api_set_version(HV_GRP_NCS, 2, 0, &q->ncs_minor);
  if (q->status) return q->status;
  q->what = "allocating the queue";
  q->ring = alloc_zero(entries * CWQ_ENTRY_SIZE, CWQ_ENTRY_SIZE);
  if (!q->ring) return q->status = HV_ENORADDR;
  q->what = "ncs_qconf";
  q->status = hv_ncs_qconf(HV_NCS_QTYPE_CWQ, q->ring, entries, &q->handle);
  if (q->status) return q->status;
  q->what = "ncs_qhandle_to_devino";
  return q->status = hv_ncs_qhandle_to_devino(q->handle, &q->devino);
}

uint64_t cwq_close(struct cwq *q) {
  q->what = "ncs_qconf (unconfigure)";
  return q->status = hv_ncs_qunconf(HV_NCS_QTYPE_CWQ, q->handle);
}

static volatile uint64_t *entry_at(struct cwq *q, uint64_t off) {
  return (volatile uint64_t *)(q->ring + off % (q->entries * CWQ_ENTRY_SIZE));
}

int cwq_run(struct cwq *q, uint64_t control, const void *src, uint64_t len, uint64_t entry,
            const struct cwq_addrs *addrs, uint64_t *result) {
  volatile uint64_t *first = cwq_submit(q, control, src, len, entry, addrs);
  if (!first) return CWQ_E_HV;
  const uint64_t t0 = rd_stick();
  for (;;) {
    q->status = hv_ncs_gethead(q->handle, &q->head);
    if (q->status) {
      q->what = "ncs_gethead";
      return CWQ_E_HV;
    }
    if (q->head == q->tail) break;
    if (rd_stick() - t0 > q->timeout) return CWQ_E_TIMEOUT;
  }
  membar_sync();
  *result = first[0];
  return (*result & CWQ_STATUS_MASK) == CWQ_STATUS_DONE ? CWQ_OK : CWQ_E_STATUS;
}

volatile uint64_t *cwq_submit(struct cwq *q, uint64_t control, const void *src, uint64_t len, uint64_t entry,
                              const struct cwq_addrs *addrs) {
  const uint64_t size = q->entries * CWQ_ENTRY_SIZE, start = q->tail;
  const uint8_t *p = src;
  uint64_t off = start, done = 0;
  volatile uint64_t *first = entry_at(q, start), *e = first;
  while (done < len) {
    uint64_t n = len - done < entry ? len - done : entry;
    e = entry_at(q, off);
    if (done == 0) {
      e[0] = (control & ~CWQ_LEN_MASK) | (n - 1) | CWQ_START_OF_BLOCK;
      e[1] = (uint64_t)p;
      e[2] = (uint64_t)addrs->auth_key;
      e[3] = (uint64_t)addrs->auth_iv;
      e[4] = (uint64_t)addrs->final_auth_state;
      e[5] = (uint64_t)addrs->cipher_key;
      e[6] = (uint64_t)addrs->cipher_iv;
      e[7] = (uint64_t)addrs->dest;
    } else {
      e[0] = n - 1;
      e[1] = (uint64_t)(p + done);
      for (unsigned i = 2; i < 8; i++) e[i] = 0;
    }
    done += n;
    off = (off + CWQ_ENTRY_SIZE) % size;
  }
  e[0] |= CWQ_END_OF_BLOCK;
  membar_sync();   /* the entries before the hypervisor reads them */
  q->tail = off;
  q->what = "ncs_settail";
  q->status = hv_ncs_settail(q->handle, q->tail);
  return q->status ? 0 : first;
}

/* ---- the MAU ---- */
uint64_t mau_open(struct mauq *q, uint64_t entries, uint64_t timeout) {
  q->entries = entries;
  q->tail = 0;
  q->timeout = timeout;
  q->what = "allocating the MAU queue";
  q->ring = alloc_zero(entries * MAU_DESC_SIZE, MAU_DESC_SIZE);
  if (!q->ring) return q->status = HV_ENORADDR;
  q->what = "ncs_qconf(mau)";
  return q->status = hv_ncs_qconf(HV_NCS_QTYPE_MAU, q->ring, entries, &q->handle);
}

uint64_t mau_close(struct mauq *q) {
  q->what = "ncs_qconf (unconfigure mau)";
  return q->status = hv_ncs_qunconf(HV_NCS_QTYPE_MAU, q->handle);
}

int mau_run(struct mauq *q, const struct mau_regs *d, unsigned n) {
  const uint64_t size = q->entries * MAU_DESC_SIZE, start = q->tail;
  uint64_t off = start;
  for (unsigned i = 0; i < n; i++) {
    volatile uint64_t *e = (volatile uint64_t *)(q->ring + off);
    e[0] = ND_STATE_PENDING;
    e[1] = (i == 0 ? ND_TYPE_START : ND_TYPE_CONT) | (i == n - 1 ? ND_TYPE_END : 0);
    e[2] = d[i].ctl;
    e[3] = d[i].mpa;
    e[4] = d[i].ma;
    e[5] = d[i].np;
    e[6] = 0;
    e[7] = 0;
    off = (off + MAU_DESC_SIZE) % size;
  }
  membar_sync();
  q->tail = off;
  q->what = "ncs_settail(mau)";
  q->status = hv_ncs_settail(q->handle, q->tail);
  if (q->status) return CWQ_E_HV;
  const uint64_t t0 = rd_stick();
  for (;;) {
    q->status = hv_ncs_gethead(q->handle, &q->head);
    if (q->status) {
      q->what = "ncs_gethead(mau)";
      return CWQ_E_HV;
    }
    if (q->head == q->tail) break;
    if (rd_stick() - t0 > q->timeout) return CWQ_E_TIMEOUT;
  }
  membar_sync();
  off = start;
  for (unsigned i = 0; i < n; i++) {
    volatile uint64_t *e = (volatile uint64_t *)(q->ring + off);
    if (e[0] != ND_STATE_DONE) {
      q->failed = i;
      q->state = e[0];
      q->errstatus = e[6];
      return CWQ_E_STATUS;
    }
    off = (off + MAU_DESC_SIZE) % size;
  }
  return CWQ_OK;
}
