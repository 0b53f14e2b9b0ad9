// Device registers declared once, beside the spec's table (in the spirit of VCML's registers):
// one line per register with its name, offset, width, access, reset value and the bits
// software may change, plus optional read and write hooks for side effects. The bank decodes
// every access from that table: sizes and offsets that straddle or split registers, the
// access rules and the little-endian byte order of PCI devices. No device writes a switch.
//
// Byte order: a bank's registers are little-endian, as PCI's are. read/write take the
// numeric value of the size bytes at offset in that order, which is what a sun4v guest gets
// from pci_peek/pci_config_get ("size-based byte swapped") or from a little-endian load.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/state/description.h"

namespace vfsim::dev {

enum class RegAccess : uint8_t {
  RO,     // reads the value; writes are ignored
  RW,     // the writable bits take the written value
  WO,     // reads 0; writes as RW (doorbells)
  RW1C,   // writing 1 to a writable bit clears it (status bits)
};

struct RegisterSpec {
  const char* name;
  uint32_t offset;           // byte offset of element 0
  uint8_t width;             // bytes: 1, 2, 4 or 8
  RegAccess access;
  uint64_t reset = 0;
  uint64_t writable = ~0ull; // bits software may change; the others keep their value
  uint32_t count = 1;        // an array of like registers (doorbells, BARs)...
  uint32_t stride = 0;       // ...this many bytes apart
};

class RegisterBank {
 public:
  // stored: the register's value; returns what the access reads (a computed register).
  using ReadHook = std::function<uint64_t(unsigned index, uint64_t stored)>;
  // After the value changed (or was written with the same value): old and new value.
  using WriteHook = std::function<void(unsigned index, uint64_t old, uint64_t now)>;

  explicit RegisterBank(std::string name) : name_(std::move(name)) {}
  // Declare a register; returns its id (the order of declaration). Overlaps are refused
  // (std::logic_error: a declaration mistake).
  unsigned add(const RegisterSpec& s, ReadHook rd = nullptr, WriteHook wr = nullptr);

  // An access of size 1, 2, 4 or 8 at offset. It may cover part of a register or several
  // whole ones. false: no register there at all (the caller decides: unsupported request,
  // all-ones, master abort). Bytes of the access that hit no register read as 0.
  bool read(uint64_t offset, unsigned size, uint64_t& out);
  bool write(uint64_t offset, unsigned size, uint64_t value);

  // The device's own view: stored value, set without hooks or access rules (hardware side).
  uint64_t get(unsigned id, unsigned index = 0) const { return values_[base_[id] + index]; }
  void set(unsigned id, uint64_t v, unsigned index = 0) { values_[base_[id] + index] = v & mask(regs_[id].spec.width); }
  void set_bits(unsigned id, uint64_t bits, bool on, unsigned index = 0) {
    uint64_t v = get(id, index);
    set(id, on ? v | bits : v & ~bits, index);
  }
  void reset();   // every register to its reset value
  // A declaration finished later (a capability list's next pointer): new reset value, and
  // the register takes it now.
  void set_reset(unsigned id, uint64_t v);
  const RegisterSpec& spec(unsigned id) const { return regs_[id].spec; }
  unsigned size() const { return unsigned(regs_.size()); }
  const std::string& name() const { return name_; }

  // Declared state: the values, checked against the declaration (names and counts) on load.
  void save(state::Encoder& e) const;
  void load(state::Decoder& d);

  static uint64_t mask(unsigned width) { return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1; }

 private:
  struct Reg {
    RegisterSpec spec;
    ReadHook rd;
    WriteHook wr;
  };
  // The register element holding byte offset off: id and index, or false.
  bool find(uint64_t off, unsigned& id, unsigned& index) const;
  std::string name_;
  std::vector<Reg> regs_;
  std::vector<size_t> base_;        // first value of each register in values_
  std::vector<uint64_t> values_;
};

}  // namespace vfsim::dev
