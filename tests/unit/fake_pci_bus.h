// A PciBus for device tests (and the NVMe fuzz target): an in-memory guest memory behind a
// fake IOMMU (8 KB bus pages mapped to offsets of that memory, with read/write permission),
// recorded MSIs and INTx changes, a clock the test sets, and a simple link model.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "sim/dev/pci_bus.h"

namespace vfsim::test {

class FakePciBus : public dev::PciBus {
 public:
  static constexpr uint64_t kPage = 8192;   // the IOMMU's page (hv/pcie_geometry.h)
  struct Msi {
    uint64_t cycle, addr;
    uint32_t data;
  };
  struct Mapping {
    uint64_t mem_off;
    bool read, write;
  };

  explicit FakePciBus(size_t mem_bytes = 4 << 20) : mem(mem_bytes, 0) {}

  // Map bus pages [bus, bus + len) onto guest memory at mem_off (page aligned both).
  void map(uint64_t bus, uint64_t mem_off, uint64_t len, bool read = true, bool write = true) {
    for (uint64_t o = 0; o < len; o += kPage) iommu[(bus + o) / kPage] = {mem_off + o, read, write};
  }
  void unmap(uint64_t bus, uint64_t len) {
    for (uint64_t o = 0; o < len; o += kPage) iommu.erase((bus + o) / kPage);
  }

  dev::DmaStatus dma_read(uint64_t bus_addr, void* dst, size_t len) override {
    return walk(bus_addr, len, false, [&](uint64_t m, size_t done, size_t n) { std::memcpy(static_cast<uint8_t*>(dst) + done, &mem[m], n); });
  }
  dev::DmaStatus dma_write(uint64_t bus_addr, const void* src, size_t len) override {
    return walk(bus_addr, len, true, [&](uint64_t m, size_t done, size_t n) { std::memcpy(&mem[m], static_cast<const uint8_t*>(src) + done, n); });
  }
  void msi(uint64_t addr, uint32_t data) override { msis.push_back({clock, addr, data}); }
  void intx(unsigned pin, bool asserted) override {
    intx_changes.push_back({pin, asserted});
    intx_level = asserted;
  }
  uint64_t now() const override { return clock; }
  double cycles_per_ns() const override { return cpn; }
  void wake_at(uint64_t cycle) override { wakes.push_back(cycle); }
  // The link: 0.7 cycles a byte (2 GB/s at 1.4 cycles/ns, x8 Gen1 after 8b/10b), rounded up,
  // each direction busy until its last transfer ended.
  uint64_t link_transfer(uint64_t start, uint64_t bytes, bool upstream) override {
    uint64_t& busy = upstream ? link_busy_up : link_busy_down;
    uint64_t s = start > busy ? start : busy;
    busy = s + (bytes * 7 + 9) / 10;
    link_calls.push_back({start, bytes, upstream});
    return busy;
  }

  // Guest memory helpers (little-endian, as the device sees its queues)
  void put32(uint64_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) mem[off + i] = uint8_t(v >> (8 * i));
  }
  void put64(uint64_t off, uint64_t v) { put32(off, uint32_t(v)), put32(off + 4, uint32_t(v >> 32)); }
  uint32_t get32(uint64_t off) const {
    return uint32_t(mem[off]) | uint32_t(mem[off + 1]) << 8 | uint32_t(mem[off + 2]) << 16 | uint32_t(mem[off + 3]) << 24;
  }
  uint64_t get64(uint64_t off) const { return get32(off) | uint64_t(get32(off + 4)) << 32; }

  std::vector<uint8_t> mem;
  std::map<uint64_t, Mapping> iommu;   // bus page number -> guest memory
  std::vector<Msi> msis;
  struct Intx {
    unsigned pin;
    bool asserted;
  };
  std::vector<Intx> intx_changes;
  bool intx_level = false;
  std::vector<uint64_t> wakes;
  struct Link {
    uint64_t start, bytes;
    bool upstream;
  };
  std::vector<Link> link_calls;
  uint64_t clock = 0;
  double cpn = 1.4;   // a 1.4 GHz T2 Plus
  uint64_t link_busy_up = 0, link_busy_down = 0;

 private:
  template <class F>
  dev::DmaStatus walk(uint64_t bus, size_t len, bool write, F copy) {
    if (len == 0) return dev::DmaStatus::Ok;
    if (bus + len < bus) return dev::DmaStatus::Unmapped;   // wraps past the top
    // Check every page first: a failed DMA does nothing (pci_bus.h allows less; stricter here).
    for (uint64_t a = bus / kPage * kPage; a < bus + len; a += kPage) {
      auto it = iommu.find(a / kPage);
      if (it == iommu.end()) return dev::DmaStatus::Unmapped;
      if (write ? !it->second.write : !it->second.read) return dev::DmaStatus::NoAccess;
      if (it->second.mem_off + kPage > mem.size()) return dev::DmaStatus::BadMemory;
    }
    for (size_t done = 0; done < len;) {
      uint64_t a = bus + done;
      size_t n = size_t(std::min<uint64_t>(len - done, kPage - a % kPage));
      copy(iommu[a / kPage].mem_off + a % kPage, done, n);
      done += n;
    }
    return dev::DmaStatus::Ok;
  }
};

}  // namespace vfsim::test
