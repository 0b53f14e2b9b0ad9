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
  Trap fault = TT_NONE;      // trap to raise when page is nullptr (and not io)
  bool cacheable = true;     // may the strand keep it in its SoftTlb
  // Device space: page is nullptr and every access is a sized one through io_load/io_store,
  // never cached (its side effects must happen on each access). Consumers that need bytes in
  // host memory (instruction fetch, atomics, block transfers) refuse it with a trap.
  bool io = false;
  // Where the page really is, for the timing model (caches, banks and home sockets are found
  // by physical address): the physical address of the 8 KB page `page` points at, and the
  // size of the mapping that holds it (13/16/22/28: 8K/64K/4M/256M, sun4v page sizes).
  uint64_t pa = 0;
  uint8_t page_shift = 13;
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
  // One access of size 1/2/4/8 bytes to device space: va is what the access named (a virtual
  // address, or a real one for ASI_REAL_IO*), asi its ASI, already checked for alignment and
  // privilege. Values are little-endian numbers (device registers, sim/dev/register_bank.h):
  // io_load returns what a little-endian load of those bytes reads and io_store gets what a
  // little-endian store would write; the instruction set swaps for big-endian accesses, and
  // `little` only tells the port which one the guest made.
  virtual Trap io_load(StrandState&, uint64_t /*va*/, uint8_t /*asi*/, unsigned /*size*/, bool /*little*/,
                       uint64_t& /*out*/) {
    return TT_DATA_ACCESS_EXCEPTION;
  }
  virtual Trap io_store(StrandState&, uint64_t /*va*/, uint8_t /*asi*/, unsigned /*size*/, bool /*little*/,
                        uint64_t /*v*/) {
    return TT_DATA_ACCESS_EXCEPTION;
  }
  // FLUSH instruction: make stores to va visible to instruction fetch.
  virtual void flush_icache(StrandState&, uint64_t) {}
};

}  // namespace vfsim::isa
