#include "sim/dev/pci_function.h"

#include <stdexcept>

#include "sim/state/codec.h"

namespace vfsim::dev {

const char* to_string(DmaStatus s) {
  switch (s) {
    case DmaStatus::Ok: return "ok";
    case DmaStatus::Unmapped: return "unmapped";
    case DmaStatus::NoAccess: return "no access";
    case DmaStatus::BadMemory: return "bad memory";
  }
  return "?";
}

namespace {
const char* const kBarNames[6] = {"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5"};
}

// The type-0 header (PCI Local Bus 3.0 §6.1, figure 6-1), one line per register.
PciFunction::PciFunction(std::string name, const PciIdentity& id, std::vector<BarSpec> bars)
    : config_(name + " config"), name_(std::move(name)), id_(id), bars_(std::move(bars)) {
  if (bars_.size() > 6) throw std::logic_error(name_ + ": more than 6 BARs");
  using A = RegAccess;
  config_.add({"VENDOR_ID", 0x00, 2, A::RO, id.vendor});
  config_.add({"DEVICE_ID", 0x02, 2, A::RO, id.device});
  // memory space, bus master, parity and SERR enables, INTx disable (no I/O space here)
  command_id_ = config_.add({"COMMAND", 0x04, 2, A::RW, 0, 0x0546});
  // capabilities list (bit 4) is set; the error bits are write-1-to-clear
  status_id_ = config_.add({"STATUS", 0x06, 2, A::RW1C, 0x0010, 0xf900});
  config_.add({"REVISION_CLASS", 0x08, 4, A::RO, uint64_t(id.class_code) << 8 | id.revision});
  config_.add({"CACHE_LINE_SIZE", 0x0c, 1, A::RW, 0});
  config_.add({"LATENCY_TIMER", 0x0d, 1, A::RO, 0});
  config_.add({"HEADER_TYPE", 0x0e, 1, A::RO, 0});
  config_.add({"BIST", 0x0f, 1, A::RO, 0});
  for (unsigned n = 0; n < 6; ++n) {
    // A memory BAR's low bits say what it is (bit 2: 64-bit); its address bits below the
    // size read as 0, which is how software sizes it (write all-ones, read back).
    uint64_t size = n < bars_.size() ? bars_[n].size : 0;
    bool upper = n > 0 && n - 1 < bars_.size() && bars_[n - 1].is64;
    if (size && (size < 16 || (size & (size - 1)))) throw std::logic_error(name_ + ": BAR size not a power of two >= 16");
    uint64_t writable = upper ? 0xffffffffull : size ? (~(size - 1) & 0xfffffff0ull) : 0;
    uint64_t reset = size && bars_[n].is64 ? 0x4 : 0;
    unsigned bid = config_.add({kBarNames[n], 0x10 + 4 * n, 4, A::RW, reset, writable});
    if (n == 0) bar_id_ = bid;
  }
  config_.add({"CARDBUS_CIS", 0x28, 4, A::RO, 0});
  config_.add({"SUBSYSTEM_VENDOR_ID", 0x2c, 2, A::RO, id.subsystem_vendor});
  config_.add({"SUBSYSTEM_ID", 0x2e, 2, A::RO, id.subsystem});
  config_.add({"EXPANSION_ROM", 0x30, 4, A::RO, 0});
  cap_ptr_id_ = config_.add({"CAPABILITIES_PTR", 0x34, 1, A::RO, 0});
  config_.add({"INTERRUPT_LINE", 0x3c, 1, A::RW, 0});
  config_.add({"INTERRUPT_PIN", 0x3d, 1, A::RO, id.interrupt_pin});
  config_.add({"MIN_GNT", 0x3e, 1, A::RO, 0});
  config_.add({"MAX_LAT", 0x3f, 1, A::RO, 0});
}

uint8_t PciFunction::add_capability(uint8_t cap_id, uint8_t size, const std::vector<RegisterSpec>& regs,
                                    std::vector<unsigned>* ids, const std::vector<RegisterBank::WriteHook>& hooks) {
  uint8_t at = next_cap_at_;
  if (size < 2 || unsigned(at) + size > 0x100) throw std::logic_error(name_ + ": capability does not fit config space");
  // id and next pointer: read-only; the previous capability (or the header) points here
  unsigned hdr = config_.add({"CAP_HEADER", at, 2, RegAccess::RO, cap_id});
  if (last_cap_)
    config_.set_reset(last_cap_id_, config_.spec(last_cap_id_).reset | uint64_t(at) << 8);
  else
    config_.set_reset(cap_ptr_id_, at);
  for (size_t i = 0; i < regs.size(); ++i) {
    RegisterSpec s = regs[i];
    s.offset += at;
    unsigned rid = config_.add(s, nullptr, i < hooks.size() ? hooks[i] : nullptr);
    if (ids) ids->push_back(rid);
  }
  last_cap_ = at;
  last_cap_id_ = hdr;
  next_cap_at_ = uint8_t((at + size + 3) & ~3);
  return at;
}

bool PciFunction::config_read(uint32_t offset, unsigned size, uint64_t& v) {
  if (offset >= 4096 || offset % size) return false;
  config_.read(offset, size, v);   // a present function reads 0 where nothing is declared
  return true;
}

bool PciFunction::config_write(uint32_t offset, unsigned size, uint64_t v) {
  if (offset >= 4096 || offset % size) return false;
  config_.write(offset, size, v);
  return true;
}

bool PciFunction::memory_enabled() const { return config_.get(command_id_) & kPciCmdMemory; }
bool PciFunction::bus_master() const { return config_.get(command_id_) & kPciCmdBusMaster; }

uint64_t PciFunction::bar_address(unsigned n) const {
  if (n >= bars_.size() || !bars_[n].size || !memory_enabled()) return 0;
  uint64_t a = config_.get(bar_id_ + n) & ~0xfull;
  if (bars_[n].is64) a |= config_.get(bar_id_ + n + 1) << 32;
  return a;
}

void PciFunction::reset() { config_.reset(); }

void PciFunction::save(state::Encoder& e) const { config_.save(e); }
void PciFunction::load(state::Decoder& d) { config_.load(d); }

}  // namespace vfsim::dev
