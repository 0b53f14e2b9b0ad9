// Alternate-space accesses: which ASIs reach memory (and how), and which go to the
// platform (MMU registers, scratchpad, queues) through MemoryPort::asi_load/asi_store.
#include "sim/isa/mem_access.h"

namespace vfsim::isa {

static bool is_twinx(uint8_t asi) {
  switch (asi) {
    case ASI_TWINX_P: case ASI_TWINX_S: case ASI_TWINX_PL: case ASI_TWINX_SL:
    case ASI_TWINX_AIUP: case ASI_TWINX_AIUS: case ASI_TWINX_AIUP_L: case ASI_TWINX_AIUS_L:
    case ASI_TWINX_N: case ASI_TWINX_NL:
      return true;
    default:
      return false;
  }
}

template <unsigned N>
static Trap mem_load(StrandState& s, uint8_t asi, uint64_t va, uint64_t& out) {
  uint8_t* h;
  Trap t = host_for_read(s, va, asi, h);
  if (t) {
    if (asi_is_nofault(asi)) { out = 0; return TT_NONE; }   // no-fault loads read zero
    return t;
  }
  out = from_bytes<N>(h, asi_is_little(asi));
  return TT_NONE;
}
template <unsigned N>
static Trap mem_store(StrandState& s, uint8_t asi, uint64_t va, uint64_t v) {
  uint8_t* h;
  if (Trap t = host_for_write(s, va, asi, h)) return t;
  to_bytes<N>(h, v, asi_is_little(asi));
  return TT_NONE;
}

Trap load_asi(StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t& out) {
  if (!s.privileged() && asi_is_restricted(asi)) return TT_PRIVILEGED_ACTION;
  if (va & (size - 1)) return TT_MEM_ADDRESS_NOT_ALIGNED;
  if (asi_is_memory(asi)) {
    switch (size) {
      case 1: return mem_load<1>(s, asi, va, out);
      case 2: return mem_load<2>(s, asi, va, out);
      case 4: return mem_load<4>(s, asi, va, out);
      default: return mem_load<8>(s, asi, va, out);
    }
  }
  return s.mem->asi_load(s, asi, va, size, out);
}

Trap store_asi(StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t v) {
  if (!s.privileged() && asi_is_restricted(asi)) return TT_PRIVILEGED_ACTION;
  if (va & (size - 1)) return TT_MEM_ADDRESS_NOT_ALIGNED;
  if (asi_is_nofault(asi)) return TT_DATA_ACCESS_EXCEPTION;
  // Block-initialising stores (T2, ASI 0xe2 family) behave as ordinary stores functionally:
  // callers that use them write whole 64-byte lines before reading them back.
  if (asi_is_memory(asi) || is_twinx(asi)) {
    switch (size) {
      case 1: return mem_store<1>(s, asi, va, v);
      case 2: return mem_store<2>(s, asi, va, v);
      case 4: return mem_store<4>(s, asi, va, v);
      default: return mem_store<8>(s, asi, va, v);
    }
  }
  return s.mem->asi_store(s, asi, va, size, v);
}

bool asi_is_twinx(uint8_t asi) { return is_twinx(asi); }

}  // namespace vfsim::isa
