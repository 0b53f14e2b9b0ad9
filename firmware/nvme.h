/* An NVMe controller behind a sun4v root complex (NVM Express Base 1.4 §3.1
 * registers, §4 queues and PRPs, §5 admin commands): registers through pci_peek/poke, every
 * queue and buffer through the IOMMU, completions signalled by MSI-X (vector 0 admin, 1 I/O). */
#ifndef FW_NVME_H
#define FW_NVME_H

#include <stdint.h>

#include "pci.h"

#define NVME_MAX_DEPTH 8
#define NVME_PAGE 8192u              /* CC.MPS = 1: the IOMMU's page */
#define NVME_MAX_XFER (128u << 10)   /* bytes a Read/Write carries at most (one PRP list page) */

struct nvme_queue {
  volatile uint8_t *mem;
  uint64_t dvma;
  unsigned qid, entries, head, tail, phase, msi;
  int scan;                          /* an MSI came: look at the queue until it is empty */
};

struct nvme {
  struct pci_rc *rc;
  struct pci_fn *fn;
  uint64_t regs;                     /* RA of BAR0 */
  uint64_t cap, stride, timeout;     /* CAP; doorbell stride in bytes; %stick ticks per wait */
  uint32_t version;
  struct nvme_queue asq, acq, sq, cq;
  uint8_t *page;                     /* Identify data */
  uint64_t page_dvma;
  uint64_t *prp[NVME_MAX_DEPTH];     /* a PRP list page per command slot */
  uint64_t prp_dvma[NVME_MAX_DEPTH];
  char model[41], serial[21], firmware[9];
  uint64_t max_xfer, blocks;
  unsigned block_size;
  uint64_t commands, errors;
};

/* Resets and enables the controller, identifies it and namespace 1, creates I/O queue pair 1.
 * Dies with the reason on failure. MSI numbers first_msi (admin) and first_msi + 1 (I/O). */
void nvme_init(struct nvme *n, struct pci_rc *rc, struct pci_fn *fn, unsigned first_msi);
/* bytes from LBA 0 to or from DVMA dvma (contiguous), up to depth commands in flight; 0, or the
 * first failing command's status (SCT << 8 | SC). */
unsigned nvme_rw(struct nvme *n, int write, uint64_t dvma, uint64_t bytes, unsigned depth);
/* one Read of nblocks at LBA 0 with the PRP1 given (and PRP2 0): its status */
unsigned nvme_read_prp(struct nvme *n, uint64_t prp1, unsigned nblocks);
unsigned nvme_flush(struct nvme *n);
/* deletes the I/O queues, disables the controller, unmaps its memory */
void nvme_shutdown(struct nvme *n);

#endif
