// The strand's window on memory. The instruction set talks only to this interface, so the
// same semantics run in the user-mode runner (a Linux process address space), on the timed
// CMT model and under the hypervisor's sun4v MMU.
#pragma once
#include <cstdint>

#include "sim/isa/traps.h"

namespace vfsim::isa {

struct StrandState;

enum class Access : uint8_t { Read, Write, Fetch };

struct Translation {
  uint8_t* page = nullptr;   // host address of the start of the 8 KB page, or nullptr
  Trap fault = TT_NONE;      // trap to raise when page is nullptr
  bool cacheable = true;     // may the strand keep it in its SoftTlb
};

struct MemoryPort {
  virtual ~MemoryPort() = default;
  // Translate the page holding va for the given access under the given ASI.
  virtual Translation translate(StrandState& s, uint64_t va, Access acc, uint8_t asi) = 0;
  // Accesses to ASIs that are not plain memory (MMU registers, scratchpad, queues...).
  virtual Trap asi_load(StrandState&, uint8_t, uint64_t, unsigned, uint64_t&) {
    return TT_DATA_ACCESS_EXCEPTION;
  }
  virtual Trap asi_store(StrandState&, uint8_t, uint64_t, unsigned, uint64_t) {
    return TT_DATA_ACCESS_EXCEPTION;
  }
  // FLUSH instruction: make stores to va visible to instruction fetch.
  virtual void flush_icache(StrandState&, uint64_t) {}
};

}  // namespace vfsim::isa
