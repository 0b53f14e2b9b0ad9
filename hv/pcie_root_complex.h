// One PCIe root complex of the machine (the PIU of a T2 Plus socket, docs/pcie.md): its config
// space (a root port, then one endpoint behind it), the memory windows its owner's guest reaches
// with pci_peek/poke, an IOMMU the guest programs with pci_iommu_map, MSI event queues that
// turn device MSIs into dev mondos, INTx, and the x8 Gen1 link. The domain that owns the bus
// (ldm add-io) is its owner; every PCI hypercall from another domain gets EINVAL, as the
// sun4v hypervisor answers a devhandle that is not in the caller's device table.
//
// The endpoint (a PciFunction, e.g. models/nvme.h) stays with the root complex when the bus
// moves between domains; a new owner finds it reset, the IOMMU and event queues empty.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "hv/pcie_geometry.h"
#include "sim/dev/pci_bus.h"
#include "sim/dev/pci_function.h"
#include "sim/dev/register_bank.h"

namespace vfsim::state {
class Encoder;
class Decoder;
}

namespace vfsim::hv {

class Hypervisor;
struct Guest;
struct InterruptSource;

struct IommuTte {
  uint64_t ra = 0;        // the guest real address of the 8 KB page
  uint64_t attrs = 0;     // HV_PCI_MAP_ATTR_READ 1 | WRITE 2
};
struct MsiEq {
  uint64_t ra = 0, entries = 0;   // entries 0: not configured
  bool valid = false;
  uint64_t state = 0;             // 0 idle, 1 error (overflow)
  uint64_t head = 0, tail = 0;    // byte offsets
};
struct MsiVector {
  bool valid = false, bound = false;
  uint64_t state = 0;             // 0 idle, 1 delivered
  uint64_t msiq = 0, type = 0;    // event queue, MSI32 0 / MSI64 1
};
struct MsgRoute {
  bool valid = false, bound = false;
  uint64_t msiq = 0;
};

// The x8 Gen1 link and the root complex's own costs [named parameters, docs/pcie.md].
struct PcieLinkTiming {
  double raw_bytes_per_ns = 2.0;      // 8 lanes x 2.5 GT/s x 8b/10b: 2.0 GB/s per direction [D]
  unsigned max_payload = 128;         // bytes per TLP (the T2 PIU's max payload size) [U]
  unsigned tlp_overhead = 24;         // framing, sequence, header and LCRC bytes per TLP [D]
  uint64_t dma_latency_ns = 500;      // a DMA read's round trip through the IOMMU and L2 [U]
  uint64_t config_cycles = 900;       // a config or peek/poke access, as the hypercall sees it [U]
};

class RootComplex : public dev::PciBus {
 public:
  RootComplex(Hypervisor& hv, std::string name, unsigned index);
  ~RootComplex() override;

  const std::string name;          // "pci@400"
  const uint64_t devhandle;        // 0x400
  const unsigned index;            // 0 for the first root complex of the machine
  const pcie::Windows win;
  Guest* owner = nullptr;          // the domain the bus is bound to (nullptr: none)
  // The owner may bypass the IOMMU (ldm add-io bypass=on): pci_iommu_getbypass gives it bus
  // addresses kBypassBase | RA, which DMA reaches without a TSB entry (its own memory only).
  bool bypass = false;
  static constexpr uint64_t kBypassBase = 0xfffc000000000000ull;   // the PIU's bypass window

  // The device behind the root port (nullptr: an empty slot). attach resets it.
  void attach(std::unique_ptr<dev::PciFunction> f);
  dev::PciFunction* endpoint() const { return ep_.get(); }

  // A new owner (bind) or none (unbind): the IOMMU and event queues start empty, MSIs
  // invalid, the endpoint and root port reset; the owner gets the bus's interrupt sources.
  void set_owner(Guest* g);

  // Config space by bus/device/function (pci_device >> 8) and offset; false: no function there
  // (master abort: the guest gets error_flag 1 and all-ones).
  bool config_read(uint32_t bdf, uint32_t offset, unsigned size, uint64_t& v);
  bool config_write(uint32_t bdf, uint32_t offset, unsigned size, uint64_t v);
  // Does ra lie in one of the owner's windows (I/O, MEM32, MEM64)? (peek/poke: ENORADDR if not)
  bool in_windows(uint64_t ra, unsigned size) const;
  // A memory access at real address ra: the function whose BAR decodes it does it. false: no
  // one claims it (unsupported request: error_flag).
  bool mmio_read(uint64_t ra, unsigned size, uint64_t& v);
  bool mmio_write(uint64_t ra, unsigned size, uint64_t v);

  // The guest's IOMMU (pci_iommu_*): TSB index -> entry; absent: not valid.
  std::map<uint64_t, IommuTte> iommu;
  std::array<MsiEq, pcie::kMsiEqs> eqs{};
  std::array<MsiVector, pcie::kMsis> msis{};
  std::array<MsgRoute, 5> msgs{};

  // What the bus did (vfctl, tests, docs): DMA bytes each way, MSIs delivered, DMA faults.
  struct Counters {
    uint64_t dma_read_bytes = 0, dma_write_bytes = 0, msis = 0, msis_dropped = 0, dma_faults = 0;
    uint64_t config_accesses = 0, mmio_accesses = 0;
    uint64_t last_fault_addr = 0;
    std::string last_fault;       // "unmapped DVMA 0x... (device write)"
  } counters;
  PcieLinkTiming timing;

  // dev::PciBus
  dev::DmaStatus dma_read(uint64_t bus_addr, void* dst, size_t len) override;
  dev::DmaStatus dma_write(uint64_t bus_addr, const void* src, size_t len) override;
  void msi(uint64_t addr, uint32_t data) override;
  void intx(unsigned pin, bool asserted) override;
  uint64_t now() const override;
  double cycles_per_ns() const override;
  void wake_at(uint64_t cycle) override;
  uint64_t link_transfer(uint64_t start, uint64_t bytes, bool upstream) override;
  bool tracing() const override;
  void trace(const std::string& line) override;

  // Device time (the hypervisor's device events): what the endpoint has due by `now`.
  uint64_t next_due() const { return ep_ ? ep_->next_due() : UINT64_MAX; }
  void run(uint64_t now);

  // Declared state (a snapshot's section "pcie NAME"): IOMMU, queues, MSIs, link, root port,
  // endpoint. The owner is the binding's, checked on load.
  void save(state::Encoder& e) const;
  void load(state::Decoder& d);

  // An event queue's interrupt source in the owner (devino 24 + n).
  void eq_interrupt(unsigned n);
  // One of this bus's sources was set valid and idle by the guest: interrupt again if its
  // queue still holds records or its INTx is still asserted.
  void rearm(InterruptSource& s);

 private:
  enum class ConfigTarget { None, Port, Endpoint };
  ConfigTarget route(uint32_t bdf) const;
  bool decode(uint64_t ra, unsigned size, unsigned& bar, uint64_t& offset) const;
  dev::DmaStatus walk(uint64_t bus_addr, size_t len, bool device_writes,
                      const std::function<bool(uint64_t pa, size_t at, size_t n)>& copy);
  // IOMMU translation of one page's bytes: the physical address or why not.
  dev::DmaStatus translate(uint64_t bus_addr, bool device_writes, uint64_t& pa) const;
  void fault(uint64_t bus_addr, bool device_writes, dev::DmaStatus why);
  Hypervisor& hv_;
  std::unique_ptr<dev::PciFunction> ep_;
  dev::RegisterBank port_;         // the root port's type-1 header
  unsigned port_secondary_ = 0, port_subordinate_ = 0, port_command_ = 0;
  uint64_t link_free_up_ = 0, link_free_down_ = 0;   // core cycle each direction is free
  unsigned intx_ = 0;              // INTA..INTD asserted (bits 0..3)
};

// The buses of a hypervisor as `vfctl pcie` and `vfsim-hv` print them: one line per root
// complex (owner, DMA bytes each way, MSIs, DMA faults, the device), then the last fault.
std::string pcie_table(const Hypervisor& hv);

}  // namespace vfsim::hv
