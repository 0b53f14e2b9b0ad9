#include "sim/dev/register_bank.h"

#include <stdexcept>

#include "sim/state/codec.h"

namespace vfsim::dev {

unsigned RegisterBank::add(const RegisterSpec& s, ReadHook rd, WriteHook wr) {
  if (s.width != 1 && s.width != 2 && s.width != 4 && s.width != 8)
    throw std::logic_error(name_ + "." + s.name + ": width must be 1, 2, 4 or 8");
  if (s.count > 1 && s.stride < s.width) throw std::logic_error(name_ + "." + s.name + ": stride below width");
  for (uint32_t i = 0; i < s.count; ++i) {
    uint64_t at = s.offset + uint64_t(i) * s.stride;
    for (const Reg& r : regs_)
      for (uint32_t j = 0; j < r.spec.count; ++j) {
        uint64_t o = r.spec.offset + uint64_t(j) * r.spec.stride;
        if (at < o + r.spec.width && o < at + s.width)
          throw std::logic_error(name_ + "." + s.name + " overlaps " + r.spec.name);
      }
  }
  regs_.push_back({s, std::move(rd), std::move(wr)});
  base_.push_back(values_.size());
  for (uint32_t i = 0; i < s.count; ++i) values_.push_back(s.reset & mask(s.width));
  return unsigned(regs_.size() - 1);
}

bool RegisterBank::find(uint64_t off, unsigned& id, unsigned& index) const {
  for (unsigned r = 0; r < regs_.size(); ++r) {
    const RegisterSpec& s = regs_[r].spec;
    if (off < s.offset) continue;
    uint64_t rel = off - s.offset;
    uint64_t i = s.count > 1 ? rel / s.stride : 0;
    if (i >= s.count) continue;
    if (rel - i * (s.count > 1 ? s.stride : 0) < s.width) {
      id = r, index = unsigned(i);
      return true;
    }
  }
  return false;
}

bool RegisterBank::read(uint64_t offset, unsigned size, uint64_t& out) {
  out = 0;
  bool any = false;
  // Byte by byte through the registers the access covers; each register is read (and its
  // hook run) once per access.
  for (unsigned b = 0; b < size;) {
    unsigned id, index;
    if (!find(offset + b, id, index)) { ++b; continue; }
    any = true;
    const Reg& r = regs_[id];
    uint64_t start = r.spec.offset + uint64_t(index) * (r.spec.count > 1 ? r.spec.stride : 0);
    uint64_t v = values_[base_[id] + index];
    if (r.rd) v = r.rd(index, v) & mask(r.spec.width);
    if (r.spec.access == RegAccess::WO) v = 0;
    for (; b < size && offset + b < start + r.spec.width; ++b)
      out |= ((v >> (8 * (offset + b - start))) & 0xff) << (8 * b);
  }
  return any;
}

bool RegisterBank::write(uint64_t offset, unsigned size, uint64_t value) {
  bool any = false;
  for (unsigned b = 0; b < size;) {
    unsigned id, index;
    if (!find(offset + b, id, index)) { ++b; continue; }
    any = true;
    Reg& r = regs_[id];
    uint64_t start = r.spec.offset + uint64_t(index) * (r.spec.count > 1 ? r.spec.stride : 0);
    uint64_t bytes = 0, data = 0;   // which bytes of the register this access writes, and what
    for (; b < size && offset + b < start + r.spec.width; ++b) {
      unsigned sh = unsigned(8 * (offset + b - start));
      bytes |= 0xffull << sh;
      data |= ((value >> (8 * b)) & 0xff) << sh;
    }
    uint64_t& stored = values_[base_[id] + index];
    uint64_t old = stored, w = r.spec.writable & bytes;
    switch (r.spec.access) {
      case RegAccess::RO: continue;   // hardware keeps it; no hook
      case RegAccess::RW:
      case RegAccess::WO: stored = (old & ~w) | (data & w); break;
      case RegAccess::RW1C: stored = old & ~(data & w); break;
    }
    stored &= mask(r.spec.width);
    if (r.wr) r.wr(index, old, stored);
  }
  return any;
}

void RegisterBank::reset() {
  for (unsigned r = 0; r < regs_.size(); ++r)
    for (uint32_t i = 0; i < regs_[r].spec.count; ++i) values_[base_[r] + i] = regs_[r].spec.reset & mask(regs_[r].spec.width);
}

void RegisterBank::set_reset(unsigned id, uint64_t v) {
  regs_[id].spec.reset = v;
  for (uint32_t i = 0; i < regs_[id].spec.count; ++i) values_[base_[id] + i] = v & mask(regs_[id].spec.width);
}

void RegisterBank::save(state::Encoder& e) const {
  e.str(name_);
  e.u32(uint32_t(regs_.size()));
  for (unsigned r = 0; r < regs_.size(); ++r) {
    e.str(regs_[r].spec.name);
    e.u32(regs_[r].spec.count);
    for (uint32_t i = 0; i < regs_[r].spec.count; ++i) e.u64(values_[base_[r] + i]);
  }
}

void RegisterBank::load(state::Decoder& d) {
  std::string name = d.str();
  if (name != name_) d.fail("register bank " + name + " was saved, this is " + name_);
  uint32_t n = d.u32();
  if (n != regs_.size()) d.fail(name_ + ": " + std::to_string(n) + " registers saved, " + std::to_string(regs_.size()) + " declared");
  std::vector<uint64_t> v(values_.size());
  for (unsigned r = 0; r < n; ++r) {
    std::string rn = d.str();
    uint32_t count = d.u32();
    if (rn != regs_[r].spec.name || count != regs_[r].spec.count)
      d.fail(name_ + ": register " + rn + "[" + std::to_string(count) + "] saved where " + regs_[r].spec.name + " is declared");
    for (uint32_t i = 0; i < count; ++i) v[base_[r] + i] = d.u64() & mask(regs_[r].spec.width);
  }
  values_ = std::move(v);
}

}  // namespace vfsim::dev
