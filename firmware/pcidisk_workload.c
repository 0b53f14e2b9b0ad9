/* The pcidisk workload: the NVMe controller behind one of the domain's PCIe root complexes
 * (an I/O domain's own bus) gets vdisk's pattern written from LBA 0, read back and verified,
 * with MB/s in simulated time; or only verified; or only identified. bad_dma=1 first sends a
 * Read into DVMA the IOMMU never mapped, which the device must fail with Data Transfer Error. */
#include "alloc.h"
#include "console.h"
#include "cpuops.h"
#include "disk_pattern.h"
#include "hcall.h"
#include "nvme.h"
#include "pci.h"
#include "percpu.h"
#include "workload.h"

#define NVME_CLASS 0x010802u   /* mass storage, non-volatile memory, NVM Express */
#define FIRST_MSI 8            /* MSI-X vector v is MSI 8 + v (not 0, so data 0 would show) */

static void print_rate(const char *what, uint64_t bytes, uint64_t ticks, uint64_t hz) {
  uint64_t centi = disk_centi_mbps(bytes, ticks, hz);
  printf("pcidisk: %s %lu bytes in %lu us: %lu.%02lu MB/s\n", what, bytes, disk_us(ticks, hz), centi / 100, centi % 100);
}

void pcidisk_workload_run(const struct workload *w, const struct md_info *md) {
  if (!md->npci) die(2, "pcidisk: the MD has no PCIe root complex (give the domain a bus, e.g. --pcie pci@400)");
  const struct md_pci *bus = w->pci_bus ? md_find_pci(md, w->pci_bus) : &md->pci[0];
  if (!bus) die(2, "pcidisk: the MD has no root complex pci@%lx", w->pci_bus);
  const uint64_t hz = md->stick_freq ? md->stick_freq : 1000000000ul;
  static struct pci_rc rc;
  static struct pci_fn fn;
  static struct nvme n;
  pci_open(&rc, bus, (int)w->pci_poll, hz);   /* a wait may take 1 s of simulated time */
  if (pci_find(&rc, NVME_CLASS, &fn)) die(1, "pcidisk: no NVMe controller (class 0x%06x) behind pci@%lx", NVME_CLASS, rc.dh);
  pci_enable(&fn);
  if (w->pci_mmio) {   /* from here on the BAR's registers by loads and stores */
    rc.mmio = 1;
    printf("pci: pci@%lx %u:%02u.%u registers by ASI_REAL_IO_LITTLE loads and stores\n", rc.dh, fn.bus, fn.dev, fn.fn);
  }
  pci_msix_setup(&fn, 2, FIRST_MSI);
  nvme_init(&n, &rc, &fn, FIRST_MSI);

  if (w->pci_bad_dma) {   /* the top page of the DVMA window: the bump allocator never gets there */
    const uint64_t dvma = bus->dvma_base + bus->dvma_size - NVME_PAGE;
    unsigned st = nvme_read_prp(&n, dvma, 1);
    if (st != 0x4) die(1, "pcidisk: a Read into unmapped DVMA 0x%lx: status 0x%x, expected 0x4 (Data Transfer Error)", dvma, st);
    printf("pcidisk: unmapped DMA refused: status 0x%x\n", st);
  }
  if (w->vdisk_op != VDISK_OP_INFO) {
    const uint64_t bytes = w->size;
    if (bytes % n.block_size || bytes / n.block_size > n.blocks)
      die(2, "pcidisk: size=%lu must be whole blocks and fit the namespace (%lu blocks of %u bytes)", bytes, n.blocks,
          n.block_size);
    uint64_t *buf = alloc(bytes, NVME_PAGE);
    if (!buf) die(3, "pcidisk: no memory for %lu bytes", bytes);
    if (w->vdisk_op == VDISK_OP_WRITE) {
      for (uint64_t i = 0; i < bytes / 8; i++) buf[i] = disk_pattern(8 * i, w->seed);
      const uint64_t dvma = pci_map(&rc, buf, bytes, HV_PCI_MAP_ATTR_READ);   /* the device only reads it */
      const uint64_t t0 = rd_stick();
      unsigned st = nvme_rw(&n, 1, dvma, bytes, (unsigned)w->depth);
      if (st) die(1, "pcidisk: write failed: status 0x%x", st);
      if ((st = nvme_flush(&n))) die(1, "pcidisk: flush failed: status 0x%x", st);
      print_rate("wrote", bytes, rd_stick() - t0, hz);
      pci_unmap(&rc, dvma, bytes);
      for (uint64_t i = 0; i < bytes / 8; i++) buf[i] = 0;
    }
    const uint64_t dvma = pci_map(&rc, buf, bytes, HV_PCI_MAP_ATTR_WRITE);   /* the device only writes it */
    const uint64_t t0 = rd_stick();
    unsigned st = nvme_rw(&n, 0, dvma, bytes, (unsigned)w->depth);
    const uint64_t ticks = rd_stick() - t0;
    if (st) die(1, "pcidisk: read failed: status 0x%x", st);
    pci_unmap(&rc, dvma, bytes);
    for (uint64_t i = 0; i < bytes / 8; i++)
      if (buf[i] != disk_pattern(8 * i, w->seed))
        die(1, "pcidisk: byte offset %lu reads 0x%016lx, expected 0x%016lx", 8 * i, buf[i], disk_pattern(8 * i, w->seed));
    print_rate("read and verified", bytes, ticks, hz);
  }
  nvme_shutdown(&n);
  pci_close(&rc);
  printf("pcidisk: %lu commands, %lu errors, %lu MSIs, %lu interrupts, depth %lu\n", n.commands, n.errors, rc.msis,
         rc.mondos, w->depth);
  printf("vfsim-runtime: pcidisk done\n");
  if (!w->then_idle) fw_exit(0);
  struct workload idle = *w;   /* stay up, answering the manager, until it stops the domain */
  idle.kind = WL_IDLE;
  workload_run(this_cpu(), &idle, md, 1);
}
