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

// A device-space page (Translation::io) takes single sized accesses only: a no-fault load
// must not have side effects (SPARC V9: data_access_exception on such a page) and the
// twin-extended loads and block-initialising stores are 16- and 64-byte transfers.
template <unsigned N>
static Trap mem_load(StrandState& s, uint8_t asi, uint64_t va, uint64_t& out) {
  uint8_t* h = s.tlb.read(va);
  if (!h) {
    bool io = false;
    Trap t = tlb_miss(s, va, Access::Read, asi, h, &io);
    if (t) {
      if (asi_is_nofault(asi)) { out = 0; return TT_NONE; }   // no-fault loads read zero
      return t;
    }
    if (io) {
      if (asi_is_nofault(asi) || is_twinx(asi)) return TT_DATA_ACCESS_EXCEPTION;
      return device_load(s, va, asi, N, asi_is_little(asi), out);
    }
  }
  out = from_bytes<N>(h, asi_is_little(asi));
  return TT_NONE;
}
template <unsigned N>
static Trap mem_store(StrandState& s, uint8_t asi, uint64_t va, uint64_t v) {
  uint8_t* h = s.tlb.write(va);
  if (!h) {
    bool io = false;
    if (Trap t = tlb_miss(s, va, Access::Write, asi, h, &io)) return t;
    if (io) {
      if (is_twinx(asi)) return TT_DATA_ACCESS_EXCEPTION;
      return device_store(s, va, asi, N, asi_is_little(asi), v);
    }
  }
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
  // Real-address I/O (sun4v): no translation and never memory; the port finds the device.
  if (asi_is_real_io(asi)) return device_load(s, va, asi, size, asi_is_little(asi), out);
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
  if (asi_is_real_io(asi)) return device_store(s, va, asi, size, asi_is_little(asi), v);
  return s.mem->asi_store(s, asi, va, size, v);
}

bool asi_is_twinx(uint8_t asi) { return is_twinx(asi); }

Trap require_memory(StrandState& s, uint8_t asi, uint64_t va, unsigned size, Access acc) {
  if (!s.privileged() && asi_is_restricted(asi)) return TT_PRIVILEGED_ACTION;
  if (va & (size - 1)) return TT_MEM_ADDRESS_NOT_ALIGNED;
  if (asi_is_real_io(asi)) return TT_DATA_ACCESS_EXCEPTION;
  // No-fault ASIs and the platform's ASIs keep their own rules (load_asi/store_asi).
  if ((!asi_is_memory(asi) && !is_twinx(asi)) || asi_is_nofault(asi)) return TT_NONE;
  uint8_t* h;
  return acc == Access::Write ? host_for_write(s, va, asi, h) : host_for_read(s, va, asi, h);
}

}  // namespace vfsim::isa
