// A PCI Express function: its 4 KB configuration space and the memory BARs it decodes.
// The standard type-0 header is declared once here (a RegisterBank, PCI Local Bus 3.0
// §6.1 / PCIe Base §7.5); a device adds its identity, BAR sizes and capabilities, and
// implements its BARs' registers (usually with RegisterBanks of its own).
//
// Config accesses and BAR accesses come from the root complex (hv/pcie_root_complex.h):
// the guest's pci_config_get/put and pci_peek/poke, or its loads and stores to the root
// complex's memory window. Values are little-endian numbers (register_bank.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "sim/dev/pci_bus.h"
#include "sim/dev/register_bank.h"

namespace vfsim::dev {

// Command register bits (PCI 3.0 §6.2.2)
constexpr uint16_t kPciCmdMemory = 0x2, kPciCmdBusMaster = 0x4, kPciCmdIntxDisable = 0x400;

struct PciIdentity {
  uint16_t vendor = 0, device = 0, subsystem_vendor = 0, subsystem = 0;
  uint32_t class_code = 0;   // base, sub, programming interface (e.g. 0x010802 NVMe)
  uint8_t revision = 0;
  uint8_t interrupt_pin = 1; // INTA (0: none)
};

class PciFunction {
 public:
  // bars: the size of each memory BAR (a power of two >= 16; 0: no BAR in that slot); a 64-bit
  // BAR takes two slots (the second size 0). Type-0 header only (endpoints).
  struct BarSpec {
    uint64_t size = 0;
    bool is64 = false;
  };
  PciFunction(std::string name, const PciIdentity& id, std::vector<BarSpec> bars);
  virtual ~PciFunction() = default;

  // Config space (0..4095), size 1/2/4, aligned. false: nothing there (reads all-ones).
  bool config_read(uint32_t offset, unsigned size, uint64_t& v);
  bool config_write(uint32_t offset, unsigned size, uint64_t v);

  // Where BAR n decodes now (0 when unassigned or memory decode is off) and its size.
  uint64_t bar_address(unsigned n) const;
  uint64_t bar_size(unsigned n) const { return n < bars_.size() ? bars_[n].size : 0; }
  unsigned bar_count() const { return unsigned(bars_.size()); }
  bool memory_enabled() const;
  bool bus_master() const;   // may it DMA (and send MSIs)? A device checks before each.

  // An access inside BAR n (offset from its base); false: no register (the root complex
  // reports an unsupported request: the guest sees error_flag / all-ones).
  virtual bool bar_read(unsigned bar, uint64_t offset, unsigned size, uint64_t& v) = 0;
  virtual bool bar_write(unsigned bar, uint64_t offset, unsigned size, uint64_t v) = 0;

  // Time: the earliest core cycle the device has work due (UINT64_MAX: none), and doing
  // what is due by `now`. The root complex calls run from its device-event clock.
  virtual uint64_t next_due() const { return UINT64_MAX; }
  virtual void run(uint64_t now) { (void)now; }

  // Power-on / PCI reset state (config header and the device's own).
  virtual void reset();
  // Declared state (snapshots): the config header and capabilities, then the device's own.
  virtual void save(state::Encoder& e) const;
  virtual void load(state::Decoder& d);

  void attach(PciBus* bus) { bus_ = bus; }
  PciBus* bus() const { return bus_; }
  const std::string& name() const { return name_; }
  const PciIdentity& identity() const { return id_; }
  // What the device has done, for listings and tests.
  virtual std::string describe() const { return name_; }

 protected:
  // A capability: a block of config registers linked into the capability list (its first
  // two bytes, id and next pointer, are written by the framework). Returns the RegisterBank
  // id of each added register. Call from the constructor, in list order.
  uint8_t add_capability(uint8_t cap_id, uint8_t size, const std::vector<RegisterSpec>& regs,
                         std::vector<unsigned>* ids = nullptr,
                         const std::vector<RegisterBank::WriteHook>& hooks = {});
  RegisterBank config_;   // the whole 4 KB config space
  PciBus* bus_ = nullptr;

 private:
  std::string name_;
  PciIdentity id_;
  std::vector<BarSpec> bars_;
  unsigned command_id_ = 0, bar_id_ = 0, cap_ptr_id_ = 0, status_id_ = 0;
  uint8_t last_cap_ = 0, next_cap_at_ = 0x40;   // offset of the last capability (0: none yet)
  unsigned last_cap_id_ = 0;                      // its header register, whose next pointer a new one sets
};

}  // namespace vfsim::dev
