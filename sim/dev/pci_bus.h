// What a PCI Express function sees of the bus it sits on: DMA into memory (through the root
// complex's IOMMU), message-signalled interrupts, INTx, the link's bandwidth, and time.
// The root complex (hv/pcie_root_complex.h) implements it; a device model (models/nvme.h)
// only calls it. All addresses here are PCI bus addresses (DVMA on sun4v).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace vfsim::dev {

// How a DMA ended. Not Ok: nothing of it was done past the first bad page (a device then
// reports its own error, such as NVMe's Data Transfer Error).
enum class DmaStatus : uint8_t {
  Ok,
  Unmapped,   // no valid IOMMU entry for a page (or outside the DVMA window)
  NoAccess,   // the entry forbids it: a device write to a page mapped without WRITE, or a
              // device read from one mapped without READ
  BadMemory,  // the entry names a real address the guest no longer has
};
const char* to_string(DmaStatus s);

struct PciBus {
  virtual ~PciBus() = default;
  // Device reads guest memory (a DMA read request) / writes it (posted memory writes).
  virtual DmaStatus dma_read(uint64_t bus_addr, void* dst, size_t len) = 0;
  virtual DmaStatus dma_write(uint64_t bus_addr, const void* src, size_t len) = 0;
  // A message-signalled interrupt: the 32-bit memory write of `data` to `addr` that MSI and
  // MSI-X do. The root complex decodes it (sun4v: MSI number = data & msi-data-mask).
  virtual void msi(uint64_t addr, uint32_t data) = 0;
  // INTx: pin 1..4 (INTA..INTD) asserted or deasserted (level-triggered).
  virtual void intx(unsigned pin, bool asserted) = 0;

  // Time, in core cycles of the host (the hypervisor's clock for device events).
  virtual uint64_t now() const = 0;
  virtual double cycles_per_ns() const = 0;
  // Ask to be run (PciFunction::run) at this core cycle.
  virtual void wake_at(uint64_t cycle) = 0;
  // The link's share of a transfer: bytes moved by the device starting no earlier than
  // `start`, upstream (device -> memory, e.g. a disk read) or downstream (memory -> device).
  // Returns the cycle the last byte has crossed the link; the link is busy until then in that
  // direction (the x8 Gen1 cap of the reference, with its TLP overhead).
  virtual uint64_t link_transfer(uint64_t start, uint64_t bytes, bool upstream) = 0;

  // The hypervisor's trace (--hv-trace), on the same timeline as the hypercalls: a device
  // says what it does there. Format the line only when tracing() is true.
  virtual bool tracing() const { return false; }
  virtual void trace(const std::string& line) { (void)line; }
};

}  // namespace vfsim::dev
