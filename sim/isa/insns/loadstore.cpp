// Integer loads and stores, atomics, alternate-space forms, PREFETCH, FLUSH.
#include "sim/isa/insns/common.h"
#include "sim/isa/mem_access.h"
#include "sim/isa/memory_port.h"

namespace vfsim::isa {

template <unsigned N, bool Signed>
static Trap do_load(StrandState& s, const Insn& d) {
  uint64_t v;
  if (Trap t = load<N>(s, ea(s, d), v)) return t;
  if constexpr (Signed) v = uint64_t(sext(v, N * 8));
  s.set_r(d.rd, v);
  return TT_NONE;
}
Trap exec_ldub(StrandState& s, const Insn& d) { return do_load<1, false>(s, d); }
Trap exec_ldsb(StrandState& s, const Insn& d) { return do_load<1, true>(s, d); }
Trap exec_lduh(StrandState& s, const Insn& d) { return do_load<2, false>(s, d); }
Trap exec_ldsh(StrandState& s, const Insn& d) { return do_load<2, true>(s, d); }
Trap exec_lduw(StrandState& s, const Insn& d) { return do_load<4, false>(s, d); }
Trap exec_ldsw(StrandState& s, const Insn& d) { return do_load<4, true>(s, d); }
Trap exec_ldx(StrandState& s, const Insn& d) { return do_load<8, false>(s, d); }

template <unsigned N>
static Trap do_store(StrandState& s, const Insn& d) {
  return store<N>(s, ea(s, d), s.r(d.rd));
}
Trap exec_stb(StrandState& s, const Insn& d) { return do_store<1>(s, d); }
Trap exec_sth(StrandState& s, const Insn& d) { return do_store<2>(s, d); }
Trap exec_stw(StrandState& s, const Insn& d) { return do_store<4>(s, d); }
Trap exec_stx(StrandState& s, const Insn& d) { return do_store<8>(s, d); }

// LDD/STD: an even/odd register pair, 32 bits each.
Trap exec_ldd(StrandState& s, const Insn& d) {
  if (d.rd & 1) return TT_ILLEGAL_INSTRUCTION;
  uint64_t v;
  if (Trap t = load<8>(s, ea(s, d), v)) return t;
  s.set_r(d.rd, v >> 32);
  s.set_r(d.rd + 1, uint32_t(v));
  return TT_NONE;
}
Trap exec_std(StrandState& s, const Insn& d) {
  if (d.rd & 1) return TT_ILLEGAL_INSTRUCTION;
  uint64_t v = (s.r(d.rd) << 32) | uint32_t(s.r(d.rd + 1));
  return store<8>(s, ea(s, d), v);
}

// Atomics: the whole read-modify-write happens inside one instruction, so with one host
// thread per simulated machine they are atomic by construction.
Trap exec_ldstub(StrandState& s, const Insn& d) {
  uint64_t va = ea(s, d), old;
  uint8_t* h;
  if (Trap t = host_for_write(s, va, ASI_PRIMARY, h)) return t;
  old = *h;
  *h = 0xff;
  s.set_r(d.rd, old);
  return TT_NONE;
}
Trap exec_swap(StrandState& s, const Insn& d) {
  uint64_t va = ea(s, d), old;
  if (va & 3) return TT_MEM_ADDRESS_NOT_ALIGNED;
  uint8_t* h;
  if (Trap t = host_for_write(s, va, ASI_PRIMARY, h)) return t;
  old = from_bytes<4>(h, s.pstate & PSTATE_CLE);
  to_bytes<4>(h, s.r(d.rd), s.pstate & PSTATE_CLE);
  s.set_r(d.rd, old);
  return TT_NONE;
}

// ---- alternate space ----

template <unsigned N, bool Signed>
static Trap do_load_a(StrandState& s, const Insn& d) {
  uint64_t v;
  if (Trap t = load_asi(s, asi_of(s, d), ea(s, d), N, v)) return t;
  if constexpr (Signed) v = uint64_t(sext(v, N * 8));
  s.set_r(d.rd, v);
  return TT_NONE;
}
Trap exec_lduba(StrandState& s, const Insn& d) { return do_load_a<1, false>(s, d); }
Trap exec_ldsba(StrandState& s, const Insn& d) { return do_load_a<1, true>(s, d); }
Trap exec_lduha(StrandState& s, const Insn& d) { return do_load_a<2, false>(s, d); }
Trap exec_ldsha(StrandState& s, const Insn& d) { return do_load_a<2, true>(s, d); }
Trap exec_lduwa(StrandState& s, const Insn& d) { return do_load_a<4, false>(s, d); }
Trap exec_ldswa(StrandState& s, const Insn& d) { return do_load_a<4, true>(s, d); }
Trap exec_ldxa(StrandState& s, const Insn& d) { return do_load_a<8, false>(s, d); }

template <unsigned N>
static Trap do_store_a(StrandState& s, const Insn& d) {
  return store_asi(s, asi_of(s, d), ea(s, d), N, s.r(d.rd));
}
Trap exec_stba(StrandState& s, const Insn& d) { return do_store_a<1>(s, d); }
Trap exec_stha(StrandState& s, const Insn& d) { return do_store_a<2>(s, d); }
Trap exec_stwa(StrandState& s, const Insn& d) { return do_store_a<4>(s, d); }
Trap exec_stxa(StrandState& s, const Insn& d) { return do_store_a<8>(s, d); }

// LDDA: with a twin-extended ASI (T2) it loads two 64-bit words from a 16-byte-aligned
// address; otherwise it is LDD from the alternate space.
Trap exec_ldda(StrandState& s, const Insn& d) {
  if (d.rd & 1) return TT_ILLEGAL_INSTRUCTION;
  uint8_t asi = asi_of(s, d);
  uint64_t va = ea(s, d), hi, lo;
  if (asi_is_twinx(asi)) {
    if (!s.privileged() && asi_is_restricted(asi)) return TT_PRIVILEGED_ACTION;
    if (va & 15) return TT_MEM_ADDRESS_NOT_ALIGNED;
    if (Trap t = load_asi(s, asi, va, 8, hi)) return t;
    if (Trap t = load_asi(s, asi, va + 8, 8, lo)) return t;
    s.set_r(d.rd, hi);
    s.set_r(d.rd + 1, lo);
    return TT_NONE;
  }
  uint64_t v;
  if (Trap t = load_asi(s, asi, va, 8, v)) return t;
  if (asi_is_little(asi)) {   // each word is little-endian in its own place
    s.set_r(d.rd, uint32_t(v));
    s.set_r(d.rd + 1, v >> 32);
  } else {
    s.set_r(d.rd, v >> 32);
    s.set_r(d.rd + 1, uint32_t(v));
  }
  return TT_NONE;
}
Trap exec_stda(StrandState& s, const Insn& d) {
  if (d.rd & 1) return TT_ILLEGAL_INSTRUCTION;
  uint8_t asi = asi_of(s, d);
  uint64_t hi = uint32_t(s.r(d.rd)), lo = uint32_t(s.r(d.rd + 1));
  uint64_t v = asi_is_little(asi) ? ((lo << 32) | hi) : ((hi << 32) | lo);
  return store_asi(s, asi, ea(s, d), 8, v);
}

// The alternate-space atomics check first that va is memory: device space traps before the
// load half could reach the device.
Trap exec_ldstuba(StrandState& s, const Insn& d) {
  uint8_t asi = asi_of(s, d);
  uint64_t va = ea(s, d), old;
  if (Trap t = require_memory(s, asi, va, 1, Access::Write)) return t;
  if (Trap t = load_asi(s, asi, va, 1, old)) return t;
  if (Trap t = store_asi(s, asi, va, 1, 0xff)) return t;
  s.set_r(d.rd, old);
  return TT_NONE;
}
Trap exec_swapa(StrandState& s, const Insn& d) {
  uint8_t asi = asi_of(s, d);
  uint64_t va = ea(s, d), old;
  if (Trap t = require_memory(s, asi, va, 4, Access::Write)) return t;
  if (Trap t = load_asi(s, asi, va, 4, old)) return t;
  if (Trap t = store_asi(s, asi, va, 4, s.r(d.rd))) return t;
  s.set_r(d.rd, old);
  return TT_NONE;
}

// CASA/CASXA: address is rs1 alone; compare with rs2, swap with rd.
template <unsigned N>
static Trap do_cas(StrandState& s, const Insn& d) {
  uint8_t asi = asi_of(s, d);
  uint64_t va = s.r(d.rs1), old;
  if (s.pstate & PSTATE_AM) va &= 0xffffffffull;
  if (Trap t = require_memory(s, asi, va, N, Access::Write)) return t;
  if (Trap t = load_asi(s, asi, va, N, old)) return t;
  uint64_t cmp = s.r(d.rs2);
  if constexpr (N == 4) cmp = uint32_t(cmp);
  if (old == cmp) {
    if (Trap t = store_asi(s, asi, va, N, s.r(d.rd))) return t;
  }
  s.set_r(d.rd, old);
  return TT_NONE;
}
Trap exec_casa(StrandState& s, const Insn& d) { return do_cas<4>(s, d); }
Trap exec_casxa(StrandState& s, const Insn& d) { return do_cas<8>(s, d); }

// Prefetches are hints; no fault is ever reported.
Trap exec_prefetch(StrandState&, const Insn&) { return TT_NONE; }
Trap exec_prefetcha(StrandState&, const Insn&) { return TT_NONE; }

Trap exec_flush(StrandState& s, const Insn& d) {
  s.mem->flush_icache(s, ea(s, d));
  return TT_NONE;
}

}  // namespace vfsim::isa
