/* The PCIe root complex driver (pci.h). What it relies on of the sun4v PCI API (as Linux's
 * arch/sparc hypervisor.h, pci_sun4v.c and pci_msi.c, illumos' px and OpenBoot's vpci use it;
 * docs/pcie.md):
 *  - group 0x100 must be negotiated (api_set_version) before any call of it;
 *  - config_get/put answer EOK with an error flag when no function decodes the address (all-ones
 *    data), so presence is "flag clear and vendor != 0xffff" as OpenBoot tests it;
 *  - iommu_map maps at most 64 entries a call (the caller loops), from an 8-byte aligned list of
 *    page real addresses; DVMA = virtual-dma base + index * 8K;
 *  - an event queue is msi-eq-size 64-byte records, 8 KB aligned; a record's word 0 low byte is
 *    its type (0 empty), word 6 the MSI data (our MSI number); the guest clears the type,
 *    sets the MSI idle, advances the head and tells the hypervisor (msiq_sethead), then sets
 *    the queue's interrupt idle again (Linux's sparc64_msiq_interrupt). */
#include "pci.h"

#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "hcall.h"
#include "percpu.h"
#include "sun4v.h"

#define IO_PAGE 8192ul
#define MONDO_ENTRIES 16
#define COOKIE_TAG 0xb5c0000000000000ul   /* | devhandle << 16 | devino: our dev mondo's word 0 */
#define MAP_MAX 64                        /* entries the hypervisor maps per call */

/* a PCI hypercall that must succeed */
static void ok(const char *what, struct pci_rc *rc, uint64_t status) {
  if (status != HV_EOK) die(1, "pci: pci@%lx: %s failed: %s (%lu)", rc->dh, what, hv_strerror(status), status);
}

uint64_t pci_cfg_get(struct pci_rc *rc, uint64_t bdf, unsigned off, unsigned size, uint64_t *v) {
  uint64_t flag = 1, data = ~0ul;
  ok("pci_config_get", rc, hv_call(HV_PCI_CONFIG_GET, rc->dh, bdf, off, size, 0, &flag, &data, 0, 0));
  *v = flag ? (size == 4 ? 0xfffffffful : size == 2 ? 0xfffful : 0xfful) : data;
  return flag;
}

uint64_t pci_cfg_put(struct pci_rc *rc, uint64_t bdf, unsigned off, unsigned size, uint64_t v) {
  uint64_t flag = 1;
  ok("pci_config_put", rc, hv_call(HV_PCI_CONFIG_PUT, rc->dh, bdf, off, size, v, &flag, 0, 0, 0));
  return flag;
}

/* config accesses the driver needs to succeed */
static uint64_t cfg(struct pci_rc *rc, uint64_t bdf, unsigned off, unsigned size) {
  uint64_t v;
  if (pci_cfg_get(rc, bdf, off, size, &v))
    die(1, "pci: pci@%lx: config read of %lu:%02lu.%lu offset 0x%x failed (error flag)", rc->dh, bdf >> 16,
        bdf >> 11 & 31, bdf >> 8 & 7, off);
  return v;
}
static void cfg_set(struct pci_rc *rc, uint64_t bdf, unsigned off, unsigned size, uint64_t v) {
  if (pci_cfg_put(rc, bdf, off, size, v))
    die(1, "pci: pci@%lx: config write of %lu:%02lu.%lu offset 0x%x failed (error flag)", rc->dh, bdf >> 16,
        bdf >> 11 & 31, bdf >> 8 & 7, off);
}

/* the direct path: one uncached access of that size, little-endian as peek/poke's numbers */
static uint64_t io_load(uint64_t ra, unsigned size) {
  uint64_t v;
  if (size == 1) __asm__ volatile("lduba [%1] %2, %0" : "=r"(v) : "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
  else if (size == 2) __asm__ volatile("lduha [%1] %2, %0" : "=r"(v) : "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
  else if (size == 4) __asm__ volatile("lduwa [%1] %2, %0" : "=r"(v) : "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
  else __asm__ volatile("ldxa [%1] %2, %0" : "=r"(v) : "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
  return v;
}
static void io_store(uint64_t ra, unsigned size, uint64_t v) {
  if (size == 1) __asm__ volatile("stba %0, [%1] %2" : : "r"(v), "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
  else if (size == 2) __asm__ volatile("stha %0, [%1] %2" : : "r"(v), "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
  else if (size == 4) __asm__ volatile("stwa %0, [%1] %2" : : "r"(v), "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
  else __asm__ volatile("stxa %0, [%1] %2" : : "r"(v), "r"(ra), "i"(ASI_REAL_IO_LITTLE) : "memory");
}

uint64_t pci_peek(struct pci_rc *rc, uint64_t ra, unsigned size) {
  if (rc->mmio) return io_load(ra, size);
  uint64_t flag = 1, data = 0;
  ok("pci_peek", rc, hv_call(HV_PCI_PEEK, rc->dh, ra, size, 0, 0, &flag, &data, 0, 0));
  if (flag) die(1, "pci: pci@%lx: peek of %u bytes at 0x%lx: error flag %lu", rc->dh, size, ra, flag);
  return data;
}

void pci_poke(struct pci_rc *rc, uint64_t ra, unsigned size, uint64_t v, uint64_t bdf) {
  if (rc->mmio) {
    io_store(ra, size, v);
    return;
  }
  uint64_t flag = 1;
  ok("pci_poke", rc, hv_call(HV_PCI_POKE, rc->dh, ra, size, v, bdf, &flag, 0, 0, 0));
  if (flag) die(1, "pci: pci@%lx: poke of %u bytes at 0x%lx: error flag %lu", rc->dh, size, ra, flag);
}

/* ---- the event queue and its interrupt ---- */

void pci_open(struct pci_rc *rc, const struct md_pci *md, int poll, uint64_t timeout) {
  uint64_t minor = 0, st, v;
  rc->md = md;
  rc->dh = md->devhandle;
  rc->timeout = timeout;
  rc->poll = poll;
  rc->mmio = 0;
  rc->msis = rc->mondos = rc->yields = rc->other_mondos = rc->other_records = 0;
  for (unsigned i = 0; i < 4; i++) rc->seen[i] = 0;
  if ((st = hv_api_set_version(HV_GRP_PCI, 1, 0, &minor)) != HV_EOK)
    die(1, "pci: api_set_version(pci 1.0) failed: %s (%lu)", hv_strerror(st), st);
  /* what the driver needs of the MD; values it does not check are the hypervisor's to refuse */
  if (!md->mem32_ra || !md->mem32_size || !md->dvma_size || md->bus_last <= md->bus_first || !md->msi_eq_size ||
      !md->eq_count || !md->msi32_addr || !md->msi_count)
    die(1, "pci: pci@%lx: the MD's iodevice node lacks address-ranges, virtual-dma, bus-ranges or the MSI properties",
        rc->dh);
  printf("pci: pci@%lx: mem32 0x%lx+0x%lx, dvma 0x%lx+0x%lx, buses %lu-%lu, %lu event queues of %lu at devino 0x%lx, "
         "%lu MSIs at 0x%lx\n",
         rc->dh, md->mem32_ra, md->mem32_size, md->dvma_base, md->dvma_size, md->bus_first, md->bus_last,
         md->eq_count, md->msi_eq_size, md->eq_devino, md->msi_count, md->msi32_addr);
  rc->dvma_next = 0;
  rc->mem32_next = 0x100000;   /* bus address 0 would read as an unassigned BAR */

  /* the root port (type-1 header) on the first bus: bus numbers, then memory + bus master, so
   * the endpoint behind it answers (as OpenBoot sets up a bridge) */
  const uint64_t port = PCI_BDF(md->bus_first, 0, 0);
  uint64_t id = cfg(rc, port, 0, 4), hdr = cfg(rc, port, 0x0e, 1);
  if ((hdr & 0x7f) != 1)
    die(1, "pci: pci@%lx: %lu:00.0 has header type 0x%lx, not a root port (type 1)", rc->dh, md->bus_first, hdr);
  cfg_set(rc, port, 0x18, 1, md->bus_first);
  cfg_set(rc, port, 0x19, 1, md->bus_first + 1);
  cfg_set(rc, port, 0x1a, 1, md->bus_first + 1);
  cfg_set(rc, port, 0x04, 2, 0x6);
  v = cfg(rc, port, 0x18, 4);
  if ((v & 0xffffff) != (md->bus_first | (md->bus_first + 1) << 8 | (md->bus_first + 1) << 16))
    die(1, "pci: pci@%lx: root port bus numbers read back 0x%lx", rc->dh, v & 0xffffff);
  printf("pci: pci@%lx %lu:00.0 vendor 0x%04lx device 0x%04lx class 0x%06lx: root port, bus %lu\n", rc->dh,
         md->bus_first, id & 0xffff, id >> 16, cfg(rc, port, 0x08, 4) >> 8, md->bus_first + 1);

  /* event queue 0 of the MD's range: 8 KB aligned, every record empty */
  rc->eq_id = md->eq_first;
  rc->eq_devino = md->eq_devino;
  rc->eq_bytes = md->msi_eq_size * 64;
  rc->eq_head = 0;
  rc->eq = alloc_zero(rc->eq_bytes, rc->eq_bytes);
  if (!rc->eq) die(3, "pci: no memory for the event queue");
  uint64_t ra = 0, n = 0;
  ok("msiq_conf", rc, hv_fast(HV_MSIQ_CONF, rc->dh, rc->eq_id, (uint64_t)rc->eq, md->msi_eq_size, 0));
  ok("msiq_info", rc, hv_call(HV_MSIQ_INFO, rc->dh, rc->eq_id, 0, 0, 0, &ra, &n, 0, 0));
  if (ra != (uint64_t)rc->eq || n != md->msi_eq_size)
    die(1, "pci: pci@%lx: msiq_info says 0x%lx, %lu entries; configured 0x%lx, %lu", rc->dh, ra, n, (uint64_t)rc->eq,
        md->msi_eq_size);
  ok("msiq_setvalid", rc, hv_fast(HV_MSIQ_SETVALID, rc->dh, rc->eq_id, 1, 0, 0));
  ok("msiq_setstate", rc, hv_fast(HV_MSIQ_SETSTATE, rc->dh, rc->eq_id, 0, 0, 0));
  uint64_t head = 1, tail = 1;
  ok("msiq_gethead", rc, hv_fast(HV_MSIQ_GETHEAD, rc->dh, rc->eq_id, 0, 0, &head));
  ok("msiq_gettail", rc, hv_fast(HV_MSIQ_GETTAIL, rc->dh, rc->eq_id, 0, 0, &tail));
  if (head || tail) die(1, "pci: pci@%lx: a new event queue has head 0x%lx, tail 0x%lx", rc->dh, head, tail);

  rc->cookie = 0;
  if (poll) return;
  /* its interrupt: a dev mondo carrying our cookie to this vCPU (INTR 2.0 vintr calls) */
  if ((st = hv_cpu_qinfo(QUEUE_ID_DEV_MONDO, &rc->mondo_base, &rc->mondo_entries))) ok("cpu_qinfo", rc, st);
  if (!rc->mondo_entries) {
    void *mq = alloc_zero(MONDO_ENTRIES * QUEUE_ENTRY_SIZE, MONDO_ENTRIES * QUEUE_ENTRY_SIZE);
    if (!mq) die(3, "pci: no memory for the device mondo queue");
    ok("cpu_qconf(dev mondo)", rc, hv_cpu_qconf(QUEUE_ID_DEV_MONDO, (uint64_t)mq, MONDO_ENTRIES));
    rc->mondo_base = (uint64_t)mq, rc->mondo_entries = MONDO_ENTRIES;
  }
  rc->cookie = COOKIE_TAG | rc->dh << 16 | rc->eq_devino;
  ok("vintr_setcookie", rc, hv_vintr_set(HV_VINTR_SETCOOKIE, rc->dh, rc->eq_devino, rc->cookie));
  ok("vintr_settarget", rc, hv_vintr_set(HV_VINTR_SETTARGET, rc->dh, rc->eq_devino, this_cpu()->id));
  ok("vintr_setstate", rc, hv_vintr_set(HV_VINTR_SETSTATE, rc->dh, rc->eq_devino, HV_INTR_IDLE));
  ok("vintr_setvalid", rc, hv_vintr_set(HV_VINTR_SETVALID, rc->dh, rc->eq_devino, 1));
}

/* Dequeues every record from the head: MSIs are noted in seen[] and set idle; the head moves
 * on. In poll mode only up to `tail` (the hypervisor's word), and a record there must not be
 * empty. Returns the records taken. */
static unsigned eq_drain(struct pci_rc *rc, uint64_t tail) {
  unsigned n = 0;
  for (;;) {
    if (rc->poll && rc->eq_head == tail) break;
    volatile uint64_t *rec = rc->eq + rc->eq_head / 8;
    uint64_t type = rec[0] & 0xff;
    if (type == HV_MSIQ_REC_NONE) {
      if (rc->poll)
        die(1, "pci: pci@%lx: event queue tail 0x%lx, but the record at head 0x%lx is empty", rc->dh, tail, rc->eq_head);
      break;
    }
    if (type == HV_MSIQ_REC_MSI32 || type == HV_MSIQ_REC_MSI64) {
      uint64_t msi = rec[6] & rc->md->msi_data_mask;
      rc->seen[msi / 64 % 4] |= 1ul << msi % 64;
      rc->msis++;
      ok("msi_setstate", rc, hv_fast(HV_MSI_SETSTATE, rc->dh, msi, HV_MSI_STATE_IDLE, 0, 0));
    } else {
      rc->other_records++;
    }
    rec[0] = 0;
    rc->eq_head = (rc->eq_head + 64) % rc->eq_bytes;
    n++;
  }
  if (n) ok("msiq_sethead", rc, hv_fast(HV_MSIQ_SETHEAD, rc->dh, rc->eq_id, rc->eq_head, 0, 0));
  return n;
}

static int is_seen(const struct pci_rc *rc, unsigned msi) { return rc->seen[msi / 64 % 4] >> msi % 64 & 1; }

int pci_msi_take(struct pci_rc *rc, unsigned msi) {
  uint64_t bit = 1ul << msi % 64, *w = &rc->seen[msi / 64 % 4];
  int was = (*w & bit) != 0;
  *w &= ~bit;
  return was;
}

int pci_wait(struct pci_rc *rc, unsigned msi, uint64_t deadline) {
  if (rc->poll) {   /* the queue's tail from the hypervisor, no interrupt */
    while (!is_seen(rc, msi)) {
      uint64_t tail = 0;
      ok("msiq_gettail", rc, hv_fast(HV_MSIQ_GETTAIL, rc->dh, rc->eq_id, 0, 0, &tail));
      if (tail != rc->eq_head) eq_drain(rc, tail);
      else if (rd_stick() > deadline) return -1;
    }
    return 0;
  }
  /* Interrupts off: our dev mondo stays in the queue for us to read (traptable.S's handler would
   * consume it); cpu_yield still ends when one is pending. A %stick compare at the deadline ends
   * the last yield if nothing comes. */
  irq_disable();
  wr_stick_cmpr(deadline);
  int r = 0;
  while (!is_seen(rc, msi)) {
    int ours = 0;
    for (;;) {
      uint64_t head = queue_reg(QUEUE_DEV_MONDO_HEAD), tail = queue_reg(QUEUE_DEV_MONDO_TAIL);
      if (head == tail) break;
      uint64_t word0 = *(volatile uint64_t *)(rc->mondo_base + head);
      set_queue_reg(QUEUE_DEV_MONDO_HEAD, (head + QUEUE_ENTRY_SIZE) % (rc->mondo_entries * QUEUE_ENTRY_SIZE));
      if (word0 == rc->cookie) ours = 1, rc->mondos++;
      else rc->other_mondos++;   /* another source's (the DS channel's): its own code looks itself */
    }
    /* A mondo that came while interrupts were on was consumed by traptable.S's dev_mondo, which
     * cannot tell ours from the LDC's: its record is in the event queue all the same, and the
     * interrupt stays delivered (no further mondo) until we set it idle. */
    if (!ours && (rc->eq[rc->eq_head / 8] & 0xff) != HV_MSIQ_REC_NONE) ours = 1;
    if (ours) {
      eq_drain(rc, 0);
      ok("vintr_setstate(idle)", rc, hv_vintr_set(HV_VINTR_SETSTATE, rc->dh, rc->eq_devino, HV_INTR_IDLE));
      /* a record written before the interrupt was idle again raised no new mondo */
      eq_drain(rc, 0);
      continue;
    }
    if (rd_stick() > deadline) {
      r = -1;
      break;
    }
    hv_cpu_yield();
    rc->yields++;
  }
  wr_stick_cmpr(STICK_CMPR_INT_DIS);
  clear_softint(SOFTINT_SM | SOFTINT_TM);
  irq_enable();
  return r;
}

void pci_close(struct pci_rc *rc) {
  if (!rc->poll) ok("vintr_setvalid(0)", rc, hv_vintr_set(HV_VINTR_SETVALID, rc->dh, rc->eq_devino, 0));
  ok("msiq_setvalid(0)", rc, hv_fast(HV_MSIQ_SETVALID, rc->dh, rc->eq_id, 0, 0, 0));
  ok("msiq_conf(unconfigure)", rc, hv_fast(HV_MSIQ_CONF, rc->dh, rc->eq_id, 0, 0, 0));
}

/* ---- enumeration, BARs, MSI-X ---- */

int pci_find(struct pci_rc *rc, uint32_t class_code, struct pci_fn *f) {
  int found = 0;
  const unsigned bus = (unsigned)rc->md->bus_first + 1;
  for (unsigned dev = 0; dev < 32; dev++)
    for (unsigned fn = 0; fn < 8; fn++) {
      uint64_t bdf = PCI_BDF(bus, dev, fn), id, cls, hdr;
      if (pci_cfg_get(rc, bdf, 0, 4, &id) || (id & 0xffff) == 0xffff) {
        if (fn == 0) break;
        continue;
      }
      cls = cfg(rc, bdf, 0x08, 4) >> 8;
      hdr = cfg(rc, bdf, 0x0e, 1);
      printf("pci: pci@%lx %u:%02u.%u vendor 0x%04lx device 0x%04lx class 0x%06lx\n", rc->dh, bus, dev, fn, id & 0xffff,
             id >> 16, cls);
      if (!found && cls == class_code) {
        found = 1;
        f->rc = rc;
        f->bus = bus, f->dev = dev, f->fn = fn;
        f->bdf = bdf;
        f->vendor = (uint16_t)id, f->device = (uint16_t)(id >> 16);
        f->class_code = (uint32_t)cls;
      }
      if (fn == 0 && !(hdr & 0x80)) break;   /* not multi-function */
    }
  return found ? 0 : -1;
}

void pci_enable(struct pci_fn *f) {
  struct pci_rc *rc = f->rc;
  cfg_set(rc, f->bdf, 0x04, 2, 0);   /* no decoding while the BAR is sized */
  uint64_t lo = cfg(rc, f->bdf, 0x10, 4);
  if (lo & 1) die(1, "pci: pci@%lx %u:%02u.%u: BAR0 is an I/O BAR", rc->dh, f->bus, f->dev, f->fn);
  const int is64 = (lo >> 1 & 3) == 2;
  cfg_set(rc, f->bdf, 0x10, 4, 0xffffffff);
  if (is64) cfg_set(rc, f->bdf, 0x14, 4, 0xffffffff);
  uint64_t mask = cfg(rc, f->bdf, 0x10, 4) & ~0xful;
  mask |= is64 ? cfg(rc, f->bdf, 0x14, 4) << 32 : 0xffffffff00000000ul;
  const uint64_t size = ~mask + 1;
  if (!mask || size & (size - 1)) die(1, "pci: pci@%lx %u:%02u.%u: BAR0 sizes to mask 0x%lx", rc->dh, f->bus, f->dev, f->fn, mask);
  /* MEM32 bus addresses run from 0 up to the window's size, and must stay below the MSI address */
  uint64_t bus = (rc->mem32_next + size - 1) & ~(size - 1);
  uint64_t limit = rc->md->mem32_size < rc->md->msi32_addr ? rc->md->mem32_size : rc->md->msi32_addr;
  if (bus + size > limit) die(1, "pci: pci@%lx: no room for a 0x%lx-byte BAR in the MEM32 window", rc->dh, size);
  rc->mem32_next = bus + size;
  cfg_set(rc, f->bdf, 0x10, 4, bus & 0xffffffff);
  if (is64) cfg_set(rc, f->bdf, 0x14, 4, bus >> 32);
  uint64_t got = cfg(rc, f->bdf, 0x10, 4) & ~0xful;
  if (is64) got |= cfg(rc, f->bdf, 0x14, 4) << 32;
  if (got != bus) die(1, "pci: pci@%lx: BAR0 reads back 0x%lx, assigned 0x%lx", rc->dh, got, bus);
  f->bar_bus = bus, f->bar_size = size, f->bar_ra = rc->md->mem32_ra + bus;
  /* memory space, bus master, INTx off (MSI-X instead) */
  cfg_set(rc, f->bdf, 0x04, 2, 0x0406);
  uint64_t cmd = cfg(rc, f->bdf, 0x04, 2);
  if ((cmd & 0x6) != 0x6) die(1, "pci: pci@%lx: command register reads 0x%lx after enabling", rc->dh, cmd);
  printf("pci: pci@%lx %u:%02u.%u BAR0 %u-bit memory, %lu KB at bus 0x%lx (RA 0x%lx), memory and bus master on\n",
         rc->dh, f->bus, f->dev, f->fn, is64 ? 64 : 32, size >> 10, bus, f->bar_ra);
}

void pci_msix_setup(struct pci_fn *f, unsigned n, unsigned first_msi) {
  struct pci_rc *rc = f->rc;
  f->msix_cap = 0;
  if (cfg(rc, f->bdf, 0x06, 2) & 0x10)   /* status: capabilities list */
    for (unsigned p = cfg(rc, f->bdf, 0x34, 1) & 0xfc, k = 0; p && k < 48; k++) {
      uint64_t id = cfg(rc, f->bdf, p, 1);
      if (id == 0x11) {
        f->msix_cap = p;
        break;
      }
      p = cfg(rc, f->bdf, p + 1, 1) & 0xfc;
    }
  if (!f->msix_cap) die(1, "pci: pci@%lx %u:%02u.%u has no MSI-X capability", rc->dh, f->bus, f->dev, f->fn);
  const unsigned cap = f->msix_cap;
  uint64_t ctl = cfg(rc, f->bdf, cap + 2, 2), table = cfg(rc, f->bdf, cap + 4, 4);
  f->msix_vectors = (unsigned)(ctl & 0x7ff) + 1;
  if ((table & 7) != 0) die(1, "pci: pci@%lx: the MSI-X table is in BAR%lu; only BAR0 is assigned", rc->dh, table & 7);
  if (n > f->msix_vectors) die(1, "pci: pci@%lx: %u MSI-X vectors wanted, the function has %u", rc->dh, n, f->msix_vectors);
  f->msix_table_ra = f->bar_ra + (table & ~7ul);
  /* the root complex side first: each MSI number to event queue 0 as a 32-bit MSI, idle, valid */
  for (unsigned v = 0; v < n; v++) {
    uint64_t msi = rc->md->msi_first + first_msi + v, q = 99;
    ok("msi_setmsiq", rc, hv_fast(HV_MSI_SETMSIQ, rc->dh, msi, rc->eq_id, HV_MSITYPE_MSI32, 0));
    ok("msi_getmsiq", rc, hv_fast(HV_MSI_GETMSIQ, rc->dh, msi, 0, 0, &q));
    if (q != rc->eq_id) die(1, "pci: pci@%lx: msi_getmsiq(%lu) says queue %lu, set %lu", rc->dh, msi, q, rc->eq_id);
    ok("msi_setstate", rc, hv_fast(HV_MSI_SETSTATE, rc->dh, msi, HV_MSI_STATE_IDLE, 0, 0));
    ok("msi_setvalid", rc, hv_fast(HV_MSI_SETVALID, rc->dh, msi, 1, 0, 0));
  }
  /* enable with the function masked, fill the table, unmask (PCIe base spec 6.8.2) */
  cfg_set(rc, f->bdf, cap + 2, 2, (ctl & 0x3fff) | 0xc000);
  for (unsigned v = 0; v < n; v++) {
    uint64_t e = f->msix_table_ra + 16ul * v;
    pci_poke(rc, e + 0, 4, rc->md->msi32_addr & 0xffffffff, f->bdf);
    pci_poke(rc, e + 4, 4, rc->md->msi32_addr >> 32, f->bdf);
    pci_poke(rc, e + 8, 4, rc->md->msi_first + first_msi + v, f->bdf);
    pci_poke(rc, e + 12, 4, 0, f->bdf);
    if (pci_peek(rc, e + 8, 4) != rc->md->msi_first + first_msi + v)
      die(1, "pci: pci@%lx: MSI-X table entry %u does not hold its data", rc->dh, v);
  }
  cfg_set(rc, f->bdf, cap + 2, 2, (ctl & 0x3fff) | 0x8000);
  printf("pci: pci@%lx %u:%02u.%u MSI-X: %u of %u vectors -> MSI %lu.. at 0x%lx -> event queue %lu (devino 0x%lx)%s\n",
         rc->dh, f->bus, f->dev, f->fn, n, f->msix_vectors, rc->md->msi_first + first_msi, rc->md->msi32_addr,
         rc->eq_id, rc->eq_devino, rc->poll ? ", polled" : "");
}

/* ---- IOMMU ---- */

uint64_t pci_map(struct pci_rc *rc, const void *buf, uint64_t bytes, uint64_t attrs) {
  static uint64_t list[MAP_MAX] __attribute__((aligned(64)));
  const uint64_t pages = (bytes + IO_PAGE - 1) / IO_PAGE, first = rc->dvma_next;
  if ((uint64_t)buf % IO_PAGE) die(1, "pci: map of 0x%lx: not page aligned", (uint64_t)buf);
  if ((first + pages) * IO_PAGE > rc->md->dvma_size) die(3, "pci: pci@%lx: DVMA window full", rc->dh);
  rc->dvma_next += pages;
  for (uint64_t done = 0; done < pages;) {
    uint64_t n = pages - done < MAP_MAX ? pages - done : MAP_MAX, mapped = 0;
    for (uint64_t i = 0; i < n; i++) list[i] = (uint64_t)buf + (done + i) * IO_PAGE;
    membar_sync();
    ok("pci_iommu_map", rc, hv_call(HV_PCI_IOMMU_MAP, rc->dh, first + done, n, attrs, (uint64_t)list, &mapped, 0, 0, 0));
    if (!mapped || mapped > n) die(1, "pci: pci@%lx: pci_iommu_map of %lu pages mapped %lu", rc->dh, n, mapped);
    done += mapped;   /* fewer than asked: the rest again (the list is rebuilt from there) */
  }
  /* the first and last entries read back as mapped */
  uint64_t idx[2] = {first, first + pages - 1};
  for (unsigned k = 0; k < 2; k++) {
    uint64_t a = 0, ra = 0;
    ok("pci_iommu_getmap", rc, hv_call(HV_PCI_IOMMU_GETMAP, rc->dh, idx[k], 0, 0, 0, &a, &ra, 0, 0));
    if (a != attrs || ra != (uint64_t)buf + (idx[k] - first) * IO_PAGE)
      die(1, "pci: pci@%lx: pci_iommu_getmap(%lu) says attrs %lu RA 0x%lx", rc->dh, idx[k], a, ra);
  }
  return rc->md->dvma_base + first * IO_PAGE;
}

void pci_unmap(struct pci_rc *rc, uint64_t dvma, uint64_t bytes) {
  const uint64_t first = (dvma - rc->md->dvma_base) / IO_PAGE, pages = (bytes + IO_PAGE - 1) / IO_PAGE;
  for (uint64_t done = 0; done < pages;) {
    uint64_t n = pages - done < MAP_MAX ? pages - done : MAP_MAX, gone = 0;
    ok("pci_iommu_demap", rc, hv_call(HV_PCI_IOMMU_DEMAP, rc->dh, first + done, n, 0, 0, &gone, 0, 0, 0));
    if (!gone || gone > n) die(1, "pci: pci@%lx: pci_iommu_demap of %lu pages demapped %lu", rc->dh, n, gone);
    done += gone;
  }
  uint64_t a, ra, st = hv_call(HV_PCI_IOMMU_GETMAP, rc->dh, first, 0, 0, 0, &a, &ra, 0, 0);
  if (st != HV_ENOMAP) die(1, "pci: pci@%lx: pci_iommu_getmap(%lu) after demap: %s, expected ENOMAP", rc->dh, first, hv_strerror(st));
}
