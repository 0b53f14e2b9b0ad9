// Real addressing onto physical memory (VA = PA), as bare code with the MMU off sees it.
#pragma once
#include "sim/cmt/physical_memory.h"
#include "sim/isa/memory_port.h"

namespace vfsim::cmt {

// Real addressing onto physical memory; every page is readable, writable and executable.
class RealMemoryPort : public isa::MemoryPort {
 public:
  explicit RealMemoryPort(PhysicalMemory& m) : mem_(m) {}
  isa::Translation translate(isa::StrandState&, uint64_t va, isa::Access acc, uint8_t) override;
 private:
  PhysicalMemory& mem_;
};

}  // namespace vfsim::cmt
