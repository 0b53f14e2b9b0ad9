// Real addressing onto physical memory (VA = PA), as bare code with the MMU off sees it.
#pragma once
#include "sim/cmt/physical_memory.h"
#include "sim/isa/memory_port.h"

namespace vfsim::cmt {

// Real addressing onto physical memory; every page is readable, writable and executable.
class RealMemoryPort : public isa::MemoryPort {
 public:
  explicit RealMemoryPort(PhysicalMemory& m)
      : tsb_base(m.size() > kTsbBytes ? m.size() - kTsbBytes : 0), mem_(m) {}
  isa::Translation translate(isa::StrandState&, uint64_t va, isa::Access acc, uint8_t) override;
  // The size of the pages the bare harness's identity map notionally uses (vfsim-bare
  // --page-size): it only tells the timing model what its TLBs hold.
  uint8_t page_shift = 13;
  // The notional TSB that describes this identity map to the timing model's tablewalk: one
  // TSB of kTsbEntries 16-byte entries in the top 128 KB of physical memory (vfsim-bare
  // refuses an ELF that overlaps it); the entry for va is (va >> page_shift) & (kTsbEntries
  // - 1), as the T2's walker indexes a TSB.
  static constexpr uint64_t kTsbEntries = 8192, kTsbEntryBytes = 16, kTsbBytes = kTsbEntries * kTsbEntryBytes;
  uint64_t tsb_base;
  uint64_t tsb_entry_pa(uint64_t va) const {
    return tsb_base + kTsbEntryBytes * ((va >> page_shift) & (kTsbEntries - 1));
  }
 private:
  PhysicalMemory& mem_;
};

}  // namespace vfsim::cmt
