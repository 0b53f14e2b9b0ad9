// Inline data-access helpers used by load/store semantics: alignment check, SoftTlb hit,
// slow-path translation, and byte order (SPARC is big-endian; the *_LITTLE ASIs swap).
#pragma once
#include <cstdint>
#include <cstring>

#include "sim/isa/asi.h"
#include "sim/isa/memory_port.h"
#include "sim/isa/strand_state.h"

namespace vfsim::isa {

template <unsigned N> struct UInt;
template <> struct UInt<1> { using T = uint8_t; };
template <> struct UInt<2> { using T = uint16_t; };
template <> struct UInt<4> { using T = uint32_t; };
template <> struct UInt<8> { using T = uint64_t; };

template <unsigned N> inline uint64_t from_bytes(const uint8_t* p, bool little) {
  typename UInt<N>::T v;
  std::memcpy(&v, p, N);
  if constexpr (N == 1) return v;
  // The host is little-endian (x86-64, aarch64): big-endian guest data needs a swap.
  if (!little) {
    if constexpr (N == 2) v = __builtin_bswap16(v);
    if constexpr (N == 4) v = __builtin_bswap32(v);
    if constexpr (N == 8) v = __builtin_bswap64(v);
  }
  return v;
}
template <unsigned N> inline void to_bytes(uint8_t* p, uint64_t val, bool little) {
  typename UInt<N>::T v = typename UInt<N>::T(val);
  if constexpr (N > 1) {
    if (!little) {
      if constexpr (N == 2) v = __builtin_bswap16(v);
      if constexpr (N == 4) v = __builtin_bswap32(v);
      if constexpr (N == 8) v = __builtin_bswap64(v);
    }
  }
  std::memcpy(p, &v, N);
}

// Slow path: ask the memory port, fill the SoftTlb when allowed. A device-space page has no
// host bytes: a caller that can do a sized device access passes `io` and gets it set instead;
// every other caller (atomics, block transfers) gets the access exception, as the T2 gives
// for those on a side-effect page. Device pages never enter the SoftTlb.
inline Trap tlb_miss(StrandState& s, uint64_t va, Access acc, uint8_t asi, uint8_t*& host,
                     bool* io = nullptr) {
  Translation t = s.mem->translate(s, va, acc, asi);
  if (t.io) {
    if (io && acc != Access::Fetch) { *io = true; return TT_NONE; }
    return acc == Access::Fetch ? TT_INSTRUCTION_ACCESS_EXCEPTION : TT_DATA_ACCESS_EXCEPTION;
  }
  if (!t.page) return t.fault ? t.fault : TT_DATA_ACCESS_EXCEPTION;
  if (t.cacheable && asi_is_primary_like(asi)) {
    if (acc == Access::Write) s.tlb.fill_write(va, t.page, t.pa, t.page_shift);
    else s.tlb.fill_read(va, t.page, t.pa, t.page_shift);
  }
  host = t.page + (va & (kPageSize - 1));
  return TT_NONE;
}

// Host pointer to N bytes at va for reading/writing; va must already be aligned.
inline Trap host_for_read(StrandState& s, uint64_t va, uint8_t asi, uint8_t*& host) {
  host = s.tlb.read(va);
  return host ? TT_NONE : tlb_miss(s, va, Access::Read, asi, host);
}
inline Trap host_for_write(StrandState& s, uint64_t va, uint8_t asi, uint8_t*& host) {
  host = s.tlb.write(va);
  return host ? TT_NONE : tlb_miss(s, va, Access::Write, asi, host);
}

// Device space (Translation::io): the port deals in little-endian numbers, so a big-endian
// access sees the bytes swapped, as a big-endian CPU reading a little-endian register does.
inline uint64_t swap_bytes(uint64_t v, unsigned n) {
  switch (n) {
    case 2: return __builtin_bswap16(uint16_t(v));
    case 4: return __builtin_bswap32(uint32_t(v));
    case 8: return __builtin_bswap64(v);
    default: return v & 0xff;
  }
}
inline uint64_t size_mask(unsigned n) { return n == 8 ? ~0ull : (1ull << (8 * n)) - 1; }
inline Trap device_load(StrandState& s, uint64_t va, uint8_t asi, unsigned n, bool little, uint64_t& out) {
  uint64_t v = 0;
  if (Trap t = s.mem->io_load(s, va, asi, n, little, v)) return t;
  out = little ? v & size_mask(n) : swap_bytes(v, n);
  return TT_NONE;
}
inline Trap device_store(StrandState& s, uint64_t va, uint8_t asi, unsigned n, bool little, uint64_t v) {
  v &= size_mask(n);
  return s.mem->io_store(s, va, asi, n, little, little ? v : swap_bytes(v, n));
}

// Plain load with the implicit ASI (primary; little-endian when PSTATE.CLE). The SoftTlb hit
// is a tag compare and a copy; device space is only ever found after a miss.
template <unsigned N> inline Trap load(StrandState& s, uint64_t va, uint64_t& out) {
  if (va & (N - 1)) return TT_MEM_ADDRESS_NOT_ALIGNED;
  uint8_t* h = s.tlb.read(va);
  if (!h) {
    bool io = false;
    if (Trap t = tlb_miss(s, va, Access::Read, ASI_PRIMARY, h, &io)) return t;
    if (io) return device_load(s, va, ASI_PRIMARY, N, s.pstate & PSTATE_CLE, out);
  }
  out = from_bytes<N>(h, s.pstate & PSTATE_CLE);
  return TT_NONE;
}
template <unsigned N> inline Trap store(StrandState& s, uint64_t va, uint64_t v) {
  if (va & (N - 1)) return TT_MEM_ADDRESS_NOT_ALIGNED;
  uint8_t* h = s.tlb.write(va);
  if (!h) {
    bool io = false;
    if (Trap t = tlb_miss(s, va, Access::Write, ASI_PRIMARY, h, &io)) return t;
    if (io) return device_store(s, va, ASI_PRIMARY, N, s.pstate & PSTATE_CLE, v);
  }
  to_bytes<N>(h, v, s.pstate & PSTATE_CLE);
  return TT_NONE;
}

// Atomics and block transfers need the bytes themselves: translate va (aligned) for a write
// (or read) without doing the access, so device space traps before anything happens.
Trap require_memory(StrandState& s, uint8_t asi, uint64_t va, unsigned size, Access acc);

// Alternate-space load/store (LDxA/STxA); defined in asi_access.cpp.
Trap load_asi(StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t& out);
Trap store_asi(StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t v);

}  // namespace vfsim::isa

namespace vfsim::isa {
bool asi_is_twinx(uint8_t asi);   // twin-extended load ASIs (LDDA -> two 64-bit words)
}
