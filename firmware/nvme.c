/* The NVMe driver (nvme.h). Register offsets, command layouts and the enable sequence follow
 * NVM Express Base 1.4 §3.1, §4.2/4.6 and §7.6.1 as Linux's include/linux/nvme.h spells them.
 * Queues, PRP lists and data are little-endian in (big-endian) guest memory, so every field is stored and loaded byte by byte. */
#include "nvme.h"

#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "hcall.h"

enum { REG_CAP = 0x00, REG_VS = 0x08, REG_CC = 0x14, REG_CSTS = 0x1c, REG_AQA = 0x24, REG_ASQ = 0x28, REG_ACQ = 0x30,
       REG_DBS = 0x1000 };
enum { CC_EN = 1, CC_MPS_8K = 1 << 7, CC_IOSQES = 6 << 16, CC_IOCQES = 4 << 20 };
enum { CSTS_RDY = 1, CSTS_CFS = 2 };
enum { ADM_DELETE_SQ = 0x00, ADM_CREATE_SQ = 0x01, ADM_DELETE_CQ = 0x04, ADM_CREATE_CQ = 0x05, ADM_IDENTIFY = 0x06,
       ADM_SET_FEATURES = 0x09 };
enum { NVM_FLUSH = 0x00, NVM_WRITE = 0x01, NVM_READ = 0x02 };
#define ADMIN_ENTRIES 32
#define IO_ENTRIES 64

static uint32_t le32(const volatile uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t le64(const volatile uint8_t *p) { return le32(p) | (uint64_t)le32(p + 4) << 32; }
static void put_le32(volatile uint8_t *p, uint32_t v) {
  for (unsigned i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i);
}
static void put_le64(volatile uint8_t *p, uint64_t v) {
  put_le32(p, (uint32_t)v);
  put_le32(p + 4, (uint32_t)(v >> 32));
}

static uint64_t reg(struct nvme *n, unsigned off, unsigned size) { return pci_peek(n->rc, n->regs + off, size); }
static void set_reg(struct nvme *n, unsigned off, unsigned size, uint64_t v) {
  pci_poke(n->rc, n->regs + off, size, v, n->fn->bdf);
}

struct cmd {
  uint8_t opc;
  uint16_t cid;
  uint32_t nsid;
  uint64_t prp1, prp2;
  uint32_t cdw[6];   /* CDW10..15 */
};

/* the entry at the tail (not yet told to the controller) */
static void put_cmd(struct nvme_queue *q, const struct cmd *c) {
  volatile uint8_t *e = q->mem + 64ul * q->tail;
  for (unsigned i = 0; i < 64; i++) e[i] = 0;
  e[0] = c->opc;
  e[2] = (uint8_t)c->cid, e[3] = (uint8_t)(c->cid >> 8);
  put_le32(e + 4, c->nsid);
  put_le64(e + 24, c->prp1);
  put_le64(e + 32, c->prp2);
  for (unsigned i = 0; i < 6; i++) put_le32(e + 40 + 4 * i, c->cdw[i]);
  q->tail = (q->tail + 1) % q->entries;
}
static void ring_sq(struct nvme *n, struct nvme_queue *q) {
  membar_sync();
  set_reg(n, REG_DBS + 2 * q->qid * n->stride, 4, q->tail);
}

/* The next completion of cq, taken once an MSI of its vector said to look (a queue is read
 * until empty after each MSI); its head doorbell written. -1 at the deadline. */
static int next_cqe(struct nvme *n, struct nvme_queue *cq, uint32_t d[4], uint64_t deadline) {
  for (;;) {
    if (cq->scan) {
      volatile uint8_t *e = cq->mem + 16ul * cq->head;
      if ((le32(e + 12) >> 16 & 1) == cq->phase) {
        for (unsigned i = 0; i < 4; i++) d[i] = le32(e + 4 * i);
        if (++cq->head == cq->entries) cq->head = 0, cq->phase ^= 1;
        set_reg(n, REG_DBS + (2 * cq->qid + 1) * n->stride, 4, cq->head);
        return 0;
      }
      cq->scan = 0;
    }
    if (pci_msi_take(n->rc, cq->msi)) {
      cq->scan = 1;
      continue;
    }
    if (pci_wait(n->rc, cq->msi, deadline)) return -1;
  }
}

static unsigned status_of(const uint32_t d[4]) { return d[3] >> 17 & 0x7ff; }   /* SCT << 8 | SC */

static void no_completion(struct nvme *n, const char *what) {
  die(1, "nvme: %s: no completion in %lu ms (CSTS 0x%lx, %lu MSIs, %lu interrupts so far)", what,
      n->timeout * 1000 / (n->rc->timeout ? n->rc->timeout : 1), reg(n, REG_CSTS, 4), n->rc->msis, n->rc->mondos);
}

static unsigned admin(struct nvme *n, const char *what, struct cmd *c, uint32_t *dw0) {
  static uint16_t cid;
  uint32_t d[4];
  c->cid = ++cid;
  put_cmd(&n->asq, c);
  ring_sq(n, &n->asq);
  if (next_cqe(n, &n->acq, d, rd_stick() + n->timeout)) no_completion(n, what);
  if ((d[3] & 0xffff) != c->cid || d[2] >> 16 != 0)
    die(1, "nvme: %s: completion for command %u on queue %u, sent %u on 0", what, d[3] & 0xffff, d[2] >> 16, c->cid);
  if (dw0) *dw0 = d[0];
  n->commands++;
  return status_of(d);
}
static void admin_ok(struct nvme *n, const char *what, struct cmd *c, uint32_t *dw0) {
  unsigned st = admin(n, what, c, dw0);
  if (st) die(1, "nvme: %s failed: status 0x%x", what, st);
}

static void wait_ready(struct nvme *n, int ready, uint64_t ticks) {
  const uint64_t t0 = rd_stick();
  for (;;) {
    uint64_t csts = reg(n, REG_CSTS, 4);
    if (csts & CSTS_CFS) die(1, "nvme: controller fatal status (CSTS 0x%lx)", csts);
    if ((csts & CSTS_RDY) == (uint64_t)ready) return;
    if (rd_stick() - t0 > ticks)
      die(1, "nvme: CSTS.RDY not %d after %lu ms (CSTS 0x%lx)", ready, ticks * 1000 / n->rc->timeout, csts);
  }
}

static void queue(struct nvme *n, struct nvme_queue *q, unsigned qid, unsigned entries, unsigned msi) {
  q->mem = alloc_zero(NVME_PAGE, NVME_PAGE);
  if (!q->mem) die(3, "nvme: no memory for a queue");
  q->dvma = pci_map(n->rc, (const void *)q->mem, NVME_PAGE, HV_PCI_MAP_ATTR_READ | HV_PCI_MAP_ATTR_WRITE);
  q->qid = qid, q->entries = entries, q->head = q->tail = 0, q->phase = 1, q->msi = msi, q->scan = 0;
}

/* a string field of the Identify data, trailing blanks dropped */
static void text(char *dst, const uint8_t *src, unsigned len) {
  unsigned k = len;
  while (k && (src[k - 1] == ' ' || src[k - 1] == 0)) k--;
  for (unsigned i = 0; i < k; i++) dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
  dst[k] = 0;
}

void nvme_init(struct nvme *n, struct pci_rc *rc, struct pci_fn *fn, unsigned first_msi) {
  n->rc = rc, n->fn = fn, n->regs = fn->bar_ra;
  n->timeout = rc->timeout;
  n->commands = n->errors = 0;
  n->cap = reg(n, REG_CAP, 8);
  n->version = (uint32_t)reg(n, REG_VS, 4);
  n->stride = 4ul << (n->cap >> 32 & 0xf);
  const unsigned mqes = (unsigned)(n->cap & 0xffff) + 1, mpsmin = n->cap >> 48 & 0xf, mpsmax = n->cap >> 52 & 0xf;
  const uint64_t to = n->cap >> 24 & 0xff;
  if (!(n->cap >> 37 & 1)) die(1, "nvme: CAP 0x%lx: the NVM command set is not supported", n->cap);
  if (mpsmin > 1 || mpsmax < 1) die(1, "nvme: CAP 0x%lx: 8 KB memory pages (MPS 1) not supported", n->cap);
  if (mqes < IO_ENTRIES) die(1, "nvme: CAP.MQES allows %u entries a queue, %u needed", mqes, IO_ENTRIES);
  printf("nvme: pci@%lx %u:%02u.%u: NVMe %u.%u, CAP 0x%016lx: %u entries a queue, doorbell stride %lu, ready within %lu ms\n",
         rc->dh, fn->bus, fn->dev, fn->fn, n->version >> 16, n->version >> 8 & 0xff, n->cap, mqes, n->stride, to * 500);
  const uint64_t ready_ticks = (to ? to : 1) * rc->timeout / 2;   /* CAP.TO is in 500 ms units */

  /* disable, then the admin queues, then enable with 8 KB pages and the I/O entry sizes */
  uint64_t cc = reg(n, REG_CC, 4);
  if (cc & CC_EN) set_reg(n, REG_CC, 4, cc & ~(uint64_t)CC_EN);
  wait_ready(n, 0, ready_ticks);
  queue(n, &n->asq, 0, ADMIN_ENTRIES, 0);
  queue(n, &n->acq, 0, ADMIN_ENTRIES, rc->md->msi_first + first_msi);
  set_reg(n, REG_AQA, 4, (ADMIN_ENTRIES - 1) << 16 | (ADMIN_ENTRIES - 1));
  set_reg(n, REG_ASQ, 8, n->asq.dvma);
  set_reg(n, REG_ACQ, 8, n->acq.dvma);
  set_reg(n, REG_CC, 4, CC_EN | CC_MPS_8K | CC_IOSQES | CC_IOCQES);
  wait_ready(n, 1, ready_ticks);

  n->page = alloc_zero(NVME_PAGE, NVME_PAGE);
  uint64_t *lists = alloc_zero(NVME_MAX_DEPTH * NVME_PAGE, NVME_PAGE);
  if (!n->page || !lists) die(3, "nvme: no memory for the Identify data and PRP lists");
  n->page_dvma = pci_map(rc, n->page, NVME_PAGE, HV_PCI_MAP_ATTR_WRITE);
  const uint64_t lists_dvma = pci_map(rc, lists, NVME_MAX_DEPTH * NVME_PAGE, HV_PCI_MAP_ATTR_READ);
  for (unsigned i = 0; i < NVME_MAX_DEPTH; i++)
    n->prp[i] = lists + i * (NVME_PAGE / 8), n->prp_dvma[i] = lists_dvma + i * NVME_PAGE;

  struct cmd c = {ADM_IDENTIFY, 0, 0, n->page_dvma, 0, {1, 0, 0, 0, 0, 0}};   /* CNS 1: the controller */
  admin_ok(n, "Identify controller", &c, 0);
  const uint8_t *p = n->page;
  text(n->serial, p + 4, 20), text(n->model, p + 24, 40), text(n->firmware, p + 64, 8);
  n->max_xfer = p[77] ? (4096ul << mpsmin) << p[77] : ~0ul;   /* MDTS: 2^n minimum pages */
  const uint16_t vid = (uint16_t)(p[0] | p[1] << 8);
  printf("nvme: controller \"%s\" serial \"%s\" firmware \"%s\", PCI vendor 0x%04x, max transfer %lu KB, %u namespaces\n",
         n->model, n->serial, n->firmware, vid, n->max_xfer >> 10, le32(p + 516));
  if (vid != fn->vendor) die(1, "nvme: Identify says vendor 0x%04x, config space 0x%04x", vid, fn->vendor);

  for (unsigned i = 0; i < 4096; i++) n->page[i] = 0xa5;   /* so a namespace structure never written shows */
  c = (struct cmd){ADM_IDENTIFY, 0, 1, n->page_dvma, 0, {0, 0, 0, 0, 0, 0}};   /* CNS 0: namespace 1 */
  admin_ok(n, "Identify namespace 1", &c, 0);
  n->blocks = le64(p);
  const unsigned flbas = p[26] & 0xf, lbads = le32(p + 128 + 4 * flbas) >> 16 & 0xff;
  if (lbads < 9 || lbads > 16) die(1, "nvme: namespace 1 has LBA format %u with 2^%u-byte blocks", flbas, lbads);
  n->block_size = 1u << lbads;
  printf("nvme: namespace 1: %lu blocks of %u bytes\n", n->blocks, n->block_size);

  uint32_t nq = 0;
  c = (struct cmd){ADM_SET_FEATURES, 0, 0, 0, 0, {0x07, 0, 0, 0, 0, 0}};   /* Number of Queues: 1 SQ, 1 CQ */
  admin_ok(n, "Set Features (number of queues)", &c, &nq);
  queue(n, &n->cq, 1, IO_ENTRIES, rc->md->msi_first + first_msi + 1);
  queue(n, &n->sq, 1, IO_ENTRIES, 0);
  c = (struct cmd){ADM_CREATE_CQ, 0, 0, n->cq.dvma, 0, {(IO_ENTRIES - 1) << 16 | 1, 1 << 16 | 2 | 1, 0, 0, 0, 0}};
  admin_ok(n, "Create I/O completion queue", &c, 0);   /* IV 1, IEN, physically contiguous */
  c = (struct cmd){ADM_CREATE_SQ, 0, 0, n->sq.dvma, 0, {(IO_ENTRIES - 1) << 16 | 1, 1 << 16 | 1, 0, 0, 0, 0}};
  admin_ok(n, "Create I/O submission queue", &c, 0);
  printf("nvme: I/O queue pair 1: %u entries, completions by MSI-X vector 1 (MSI %u); controller grants %u SQs, %u CQs\n",
         IO_ENTRIES, n->cq.msi, (nq & 0xffff) + 1, (nq >> 16) + 1);
}

/* a Read or Write of bytes at DVMA dvma (page aligned, contiguous) from LBA lba, in slot s */
static void put_rw(struct nvme *n, int write, unsigned s, uint64_t lba, uint64_t dvma, uint64_t bytes) {
  const uint64_t pages = (bytes + NVME_PAGE - 1) / NVME_PAGE;
  uint64_t prp2 = 0;
  if (pages == 2) prp2 = dvma + NVME_PAGE;
  else if (pages > 2) {   /* a PRP list: the pages after the first */
    for (uint64_t i = 1; i < pages; i++) put_le64((volatile uint8_t *)&n->prp[s][i - 1], dvma + i * NVME_PAGE);
    prp2 = n->prp_dvma[s];
  }
  const uint64_t nlb = bytes / n->block_size;
  struct cmd c = {write ? NVM_WRITE : NVM_READ, (uint16_t)s, 1, dvma, prp2,
                  {(uint32_t)lba, (uint32_t)(lba >> 32), (uint32_t)(nlb - 1), 0, 0, 0}};
  put_cmd(&n->sq, &c);
}

unsigned nvme_rw(struct nvme *n, int write, uint64_t dvma, uint64_t bytes, unsigned depth) {
  uint64_t off = 0;
  int busy[NVME_MAX_DEPTH] = {0};
  unsigned inflight = 0, status = 0;
  const uint64_t xfer = n->max_xfer < NVME_MAX_XFER ? n->max_xfer : NVME_MAX_XFER;
  if (depth > NVME_MAX_DEPTH) depth = NVME_MAX_DEPTH;
  while (inflight || (off < bytes && !status)) {
    unsigned queued = 0;
    for (unsigned s = 0; s < depth && off < bytes && !status; s++) {
      if (busy[s]) continue;
      const uint64_t chunk = bytes - off < xfer ? bytes - off : xfer;
      put_rw(n, write, s, off / n->block_size, dvma + off, chunk);
      busy[s] = 1, off += chunk, inflight++, queued++;
    }
    if (queued) ring_sq(n, &n->sq);
    uint32_t d[4];
    if (next_cqe(n, &n->cq, d, rd_stick() + n->timeout)) no_completion(n, write ? "Write" : "Read");
    const unsigned cid = d[3] & 0xffff;
    if (cid >= depth || !busy[cid] || d[2] >> 16 != 1)
      die(1, "nvme: a completion for command %u on queue %u, which is not in flight", cid, d[2] >> 16);
    busy[cid] = 0, inflight--, n->commands++;
    const unsigned st = status_of(d);
    if (st) {
      n->errors++;
      if (!status) status = st;
    }
  }
  return status;
}

unsigned nvme_read_prp(struct nvme *n, uint64_t prp1, unsigned nblocks) {
  uint32_t d[4];
  struct cmd c = {NVM_READ, 0, 1, prp1, 0, {0, 0, nblocks - 1, 0, 0, 0}};
  put_cmd(&n->sq, &c);
  ring_sq(n, &n->sq);
  if (next_cqe(n, &n->cq, d, rd_stick() + n->timeout)) no_completion(n, "Read");
  if ((d[3] & 0xffff) != 0) die(1, "nvme: a completion for command %u, sent 0", d[3] & 0xffff);
  n->commands++;
  unsigned st = status_of(d);
  n->errors += st != 0;
  return st;
}

unsigned nvme_flush(struct nvme *n) {
  uint32_t d[4];
  struct cmd c = {NVM_FLUSH, 0, 1, 0, 0, {0, 0, 0, 0, 0, 0}};
  put_cmd(&n->sq, &c);
  ring_sq(n, &n->sq);
  if (next_cqe(n, &n->cq, d, rd_stick() + n->timeout)) no_completion(n, "Flush");
  if ((d[3] & 0xffff) != 0) die(1, "nvme: a completion for command %u, sent 0", d[3] & 0xffff);
  n->commands++;
  return status_of(d);
}

void nvme_shutdown(struct nvme *n) {
  struct cmd c = {ADM_DELETE_SQ, 0, 0, 0, 0, {1, 0, 0, 0, 0, 0}};
  admin_ok(n, "Delete I/O submission queue", &c, 0);
  c = (struct cmd){ADM_DELETE_CQ, 0, 0, 0, 0, {1, 0, 0, 0, 0, 0}};
  admin_ok(n, "Delete I/O completion queue", &c, 0);
  set_reg(n, REG_CC, 4, reg(n, REG_CC, 4) & ~(uint64_t)CC_EN);
  wait_ready(n, 0, n->timeout);
  pci_unmap(n->rc, n->sq.dvma, NVME_PAGE);
  pci_unmap(n->rc, n->cq.dvma, NVME_PAGE);
  pci_unmap(n->rc, n->asq.dvma, NVME_PAGE);
  pci_unmap(n->rc, n->acq.dvma, NVME_PAGE);
  pci_unmap(n->rc, n->page_dvma, NVME_PAGE);
  pci_unmap(n->rc, n->prp_dvma[0], NVME_MAX_DEPTH * NVME_PAGE);
}
