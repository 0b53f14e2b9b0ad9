/* The guest side of a sun4v PCIe root complex (docs/pcie.md): the PCI 1.0 hypercalls
 * (config space, peek/poke, IOMMU, MSI event queues), enumeration behind the root port, BAR
 * assignment from the MD's MEM32 window, MSI-X vectors delivered through one event queue
 * whose devino interrupt (a dev mondo with our cookie) wakes the waiting vCPU. */
#ifndef FW_PCI_H
#define FW_PCI_H

#include <stdint.h>

#include "md.h"

/* pci_device argument of the config calls: bus << 16 | dev << 11 | fn << 8 */
#define PCI_BDF(bus, dev, fn) ((uint64_t)(bus) << 16 | (uint64_t)(dev) << 11 | (uint64_t)(fn) << 8)

struct pci_rc {
  const struct md_pci *md;
  uint64_t dh;                  /* devhandle (the MD's cfg-handle) */
  uint64_t timeout;             /* %stick ticks a wait may take */
  uint64_t dvma_next;           /* IOMMU: next free TSB index (a bump allocator) */
  uint64_t mem32_next;          /* next free bus address in the MEM32 window */
  int poll;                     /* 1: poll the event queue's tail instead of taking its interrupt */
  int mmio;                     /* 1: registers by ASI_REAL_IO_LITTLE loads and stores, not peek/poke */
  /* the one event queue the runtime uses */
  uint64_t eq_id, eq_devino, eq_bytes, eq_head, cookie;
  volatile uint64_t *eq;
  uint64_t mondo_base, mondo_entries;   /* this vCPU's dev mondo queue */
  uint64_t seen[4];             /* MSI numbers dequeued and not yet taken */
  uint64_t msis, mondos, yields, other_mondos, other_records;
};

struct pci_fn {
  struct pci_rc *rc;
  unsigned bus, dev, fn;
  uint64_t bdf;                 /* PCI_BDF() */
  uint16_t vendor, device;
  uint32_t class_code;          /* base << 16 | sub << 8 | interface */
  uint64_t bar_bus, bar_size, bar_ra;   /* BAR0 (one 32- or 64-bit memory BAR) */
  unsigned msix_cap, msix_vectors;
  uint64_t msix_table_ra;
};

/* Negotiates PCI 1.0, programs the root port's bus numbers and command register, sets up event
 * queue 0 (and, unless poll, its interrupt to this vCPU). Dies with the reason on failure. */
void pci_open(struct pci_rc *rc, const struct md_pci *md, int poll, uint64_t timeout);
/* Takes the event queue, the MSIs and the interrupt back (the end of the workload). */
void pci_close(struct pci_rc *rc);

/* config space: the error flag (nonzero: no function answered; *v all-ones) */
uint64_t pci_cfg_get(struct pci_rc *rc, uint64_t bdf, unsigned off, unsigned size, uint64_t *v);
uint64_t pci_cfg_put(struct pci_rc *rc, uint64_t bdf, unsigned off, unsigned size, uint64_t v);
/* a function's memory by real address (little-endian numbers, size 1/2/4/8): pci_peek/poke, or
 * with rc->mmio loads and stores with ASI_REAL_IO_LITTLE; dies on failure */
uint64_t pci_peek(struct pci_rc *rc, uint64_t ra, unsigned size);
void pci_poke(struct pci_rc *rc, uint64_t ra, unsigned size, uint64_t v, uint64_t bdf);

/* Scans the bus behind the root port, printing each function; fills f with the first of class
 * class_code. 0 when found. */
int pci_find(struct pci_rc *rc, uint32_t class_code, struct pci_fn *f);
/* Sizes BAR0 (memory, 32 or 64 bit), assigns it from the MEM32 window, enables memory and bus
 * mastering. */
void pci_enable(struct pci_fn *f);
/* MSI-X vectors 0..n-1 -> MSI numbers first_msi + v on event queue 0, enabled. */
void pci_msix_setup(struct pci_fn *f, unsigned n, unsigned first_msi);

/* IOMMU: maps bytes (whole 8 KB pages) at buf to fresh DVMA with attrs; returns the DVMA. */
uint64_t pci_map(struct pci_rc *rc, const void *buf, uint64_t bytes, uint64_t attrs);
void pci_unmap(struct pci_rc *rc, uint64_t dvma, uint64_t bytes);

/* Waits (in cpu_yield, or polling the queue's tail) until the event queue has delivered MSI msi
 * (others that come meanwhile are kept); 0, or -1 at the deadline (%stick). */
int pci_wait(struct pci_rc *rc, unsigned msi, uint64_t deadline);
/* Was MSI msi dequeued since it was last taken? (clears it) */
int pci_msi_take(struct pci_rc *rc, unsigned msi);

#endif
