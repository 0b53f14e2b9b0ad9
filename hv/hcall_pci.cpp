// The PCI I/O calls of API group 0x100 (0xb0-0xb8): the IOMMU, config space, peek/poke and
// dma_sync of a root complex the calling domain owns (docs/pcie.md; argument and error
// conventions from the sun4v API as Linux's hypervisor.h and the OpenSPARC hypervisor's
// hcall_vpci.s / vpci_piu.s give them, /work/notes research §1). A devhandle the caller
// does not own is EINVAL, as the sun4v hypervisor answers one missing from the guest's
// device table.
#include "hv/hcall.h"
#include "hv/pcie_root_complex.h"

namespace vfsim::hv {

namespace {

constexpr uint64_t kAttrMask = 0x3;   // READ | WRITE (PCI 1.0: anything else is EINVAL)
constexpr uint64_t kBdfMask = 0xffff00;

// The TSB entries [index, index + n) named by tsbid (tsbnum in bits 63:32 must be 0), or false.
bool tsb_range(uint64_t tsbid, uint64_t n, uint64_t& index) {
  if (tsbid >> 32) return false;
  index = tsbid & 0xffffffffull;
  return n && index < pcie::kTsbEntries && n <= pcie::kTsbEntries - index;
}
bool size_ok(uint64_t size, uint64_t max) { return size && size <= max && !(size & (size - 1)); }

}  // namespace

RootComplex* owned_root(Call& c) {
  RootComplex* r = c.hv.root_by_handle(c.arg(0));
  return r && r->owner == &c.g ? r : nullptr;
}

// Map #ttes consecutive entries from tsbid to the pages the list names, at most 64 per call:
// a bad first page fails the call, a bad later one ends it short (the caller loops).
uint64_t hc_pci_iommu_map(Call& c) {
  RootComplex* r = owned_root(c);
  uint64_t index, n = c.arg(2), attrs = c.arg(3), list = c.arg(4);
  if (!r || !tsb_range(c.arg(1), n, index) || (attrs & ~kAttrMask)) return HV_EINVAL;
  if (list & 7) return HV_EBADALIGN;
  n = std::min<uint64_t>(n, pcie::kIommuMapMax);
  uint8_t buf[8 * pcie::kIommuMapMax];
  if (!c.read(list, buf, 8 * n)) return HV_ENORADDR;
  uint64_t mapped = 0;
  for (; mapped < n; ++mapped) {
    uint64_t ra = 0;
    for (unsigned b = 0; b < 8; ++b) ra = ra << 8 | buf[8 * mapped + b];
    if (ra & (pcie::kIoPageSize - 1)) {
      if (!mapped) return HV_EBADALIGN;
      break;
    }
    if (!c.g.ra_ok(ra, pcie::kIoPageSize)) {
      if (!mapped) return HV_ENORADDR;
      break;
    }
    r->iommu[index + mapped] = IommuTte{ra, attrs};
  }
  c.ret(1, mapped);
  return HV_EOK;
}

// Entries need not be mapped to be demapped; at most 64 per call.
uint64_t hc_pci_iommu_demap(Call& c) {
  RootComplex* r = owned_root(c);
  uint64_t index, n = c.arg(2);
  if (!r || !tsb_range(c.arg(1), n, index)) return HV_EINVAL;
  n = std::min<uint64_t>(n, pcie::kIommuMapMax);
  for (uint64_t i = 0; i < n; ++i) r->iommu.erase(index + i);
  c.ret(1, n);
  return HV_EOK;
}

uint64_t hc_pci_iommu_getmap(Call& c) {
  RootComplex* r = owned_root(c);
  uint64_t index;
  if (!r || !tsb_range(c.arg(1), 1, index)) return HV_EINVAL;
  auto it = r->iommu.find(index);
  if (it == r->iommu.end()) return HV_ENOMAP;
  c.ret(1, it->second.attrs);
  c.ret(2, it->second.ra);
  return HV_EOK;
}

// IOMMU bypass: only for a bus added with bypass=on; otherwise ENOTSUPPORTED, which is what
// the T2 hypervisor answers everyone (Solaris then maps through the IOMMU, Linux never asks).
// The bus address is the PIU's bypass window | the real address: the device reaches the
// owner's own memory, and nothing else, without a TSB entry.
uint64_t hc_pci_iommu_getbypass(Call& c) {
  RootComplex* r = owned_root(c);
  if (!r || (c.arg(2) & ~kAttrMask)) return HV_EINVAL;
  if (!r->bypass) return HV_ENOTSUPPORTED;
  if (!c.g.ra_ok(c.arg(1), 1)) return HV_ENORADDR;
  c.ret(1, RootComplex::kBypassBase | c.arg(1));
  return HV_EOK;
}

// Config space: status EOK even when the access itself fails; error_flag (o1) says so and the
// data is all-ones (no device there, or the root port does not forward to that bus yet).
namespace {
uint64_t config_checks(Call& c, RootComplex*& r) {
  r = owned_root(c);
  uint64_t dev = c.arg(1), off = c.arg(2), size = c.arg(3);
  if (!r || (dev & ~kBdfMask) || off >= 4096 || !size_ok(size, 4)) return HV_EINVAL;
  if (off % size) return HV_EBADALIGN;
  c.core.delay(c.slot, r->timing.config_cycles);
  return HV_EOK;
}
uint64_t io_checks(Call& c, RootComplex*& r) {
  r = owned_root(c);
  uint64_t ra = c.arg(1), size = c.arg(2);
  if (!r || !size_ok(size, 8)) return HV_EINVAL;
  if (ra % size) return HV_EBADALIGN;
  if (!r->in_windows(ra, unsigned(size))) return HV_ENORADDR;
  c.core.delay(c.slot, r->timing.config_cycles);
  return HV_EOK;
}
}  // namespace

uint64_t hc_pci_config_get(Call& c) {
  RootComplex* r;
  if (uint64_t st = config_checks(c, r)) return st;
  uint64_t v;
  bool ok = r->config_read(uint32_t(c.arg(1) >> 8), uint32_t(c.arg(2)), unsigned(c.arg(3)), v);
  c.ret(1, ok ? 0 : 1);
  c.ret(2, v);
  return HV_EOK;
}

uint64_t hc_pci_config_put(Call& c) {
  RootComplex* r;
  if (uint64_t st = config_checks(c, r)) return st;
  bool ok = r->config_write(uint32_t(c.arg(1) >> 8), uint32_t(c.arg(2)), unsigned(c.arg(3)),
                            c.arg(4) & dev::RegisterBank::mask(unsigned(c.arg(3))));
  c.ret(1, ok ? 0 : 1);
  return HV_EOK;
}

uint64_t hc_pci_peek(Call& c) {
  RootComplex* r;
  if (uint64_t st = io_checks(c, r)) return st;
  uint64_t v;
  bool ok = r->mmio_read(c.arg(1), unsigned(c.arg(2)), v);
  c.ret(1, ok ? 0 : 1);
  c.ret(2, v);
  return HV_EOK;
}

// o4 names the function whose config offset 0 the hypervisor reads back to complete the
// write: it must be a well-formed pci_device.
uint64_t hc_pci_poke(Call& c) {
  RootComplex* r;
  if (uint64_t st = io_checks(c, r)) return st;
  if (c.arg(4) & ~kBdfMask) return HV_EINVAL;
  bool ok = r->mmio_write(c.arg(1), unsigned(c.arg(2)), c.arg(3) & dev::RegisterBank::mask(unsigned(c.arg(2))));
  c.ret(1, ok ? 0 : 1);
  return HV_EOK;
}

// Memory is coherent with DMA here (as on the T2, whose DMA goes through the L2): a range
// check, then all of it counts as synced.
uint64_t hc_pci_dma_sync(Call& c) {
  RootComplex* r = owned_root(c);
  uint64_t ra = c.arg(1), size = c.arg(2), dir = c.arg(3);
  if (!r || !size || !dir || (dir & ~3ull)) return HV_EINVAL;
  if (!c.g.ra_ok(ra, size)) return HV_ENORADDR;
  c.ret(1, size);
  return HV_EOK;
}

}  // namespace vfsim::hv
