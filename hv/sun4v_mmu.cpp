#include "hv/sun4v_mmu.h"

#include <cstring>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "sim/isa/asi.h"
#include "sim/isa/mem_access.h"
#include "sim/isa/strand_state.h"
#include "sim/trace/trace.h"

namespace vfsim::hv {

using namespace isa;

namespace {
const char* page_size_name(unsigned shift) {
  switch (shift) {
    case 13: return "8K";
    case 16: return "64K";
    case 19: return "512K";
    case 22: return "4M";
    case 25: return "32M";
    case 28: return "256M";
    case 31: return "2G";
    case 34: return "16G";
  }
  return "?";
}
// ASIs 0x30..0x7f are the hypervisor's (UA2005 ch. 10): a guest, privileged at most, that
// names one gets privileged_action, as on the chip, not a data_access_exception.
bool hyperprivileged_asi(uint8_t asi) { return asi >= 0x30 && asi < 0x80; }
}  // namespace

bool GuestMmu::read_ra(uint64_t ra, uint64_t& v) {
  uint64_t pa, be;
  if ((ra & 7) || !g_.ra_to_pa(ra, 8, pa) || !mem_.read(pa, &be, 8)) return false;
  v = __builtin_bswap64(be);
  return true;
}

bool GuestMmu::write_ra(uint64_t ra, uint64_t v) {
  uint64_t pa, be = __builtin_bswap64(v);
  return !(ra & 7) && g_.ra_to_pa(ra, 8, pa) && mem_.write(pa, &be, 8);
}

void GuestMmu::record_fault(bool instruction, uint64_t type, uint64_t addr, uint64_t ctx) {
  if (!v_.fault_area) return;
  uint64_t base = v_.fault_area + (instruction ? MMFSA_I_TYPE : MMFSA_D_TYPE);
  write_ra(base, type);
  write_ra(base + 8, addr);
  write_ra(base + 16, ctx);
}

// Device space: an RA that is none of the guest's memory but lies in a window of a root
// complex the guest owns (the hypervisor answers; unset: none).
bool GuestMmu::is_device(uint64_t ra) const { return hv_.io_claims && hv_.io_claims(g_, ra); }

Translation GuestMmu::real(uint64_t ra, Access acc) {
  bool instruction = acc == Access::Fetch;
  Translation t;
  uint64_t pa = 0;
  if (g_.ra_to_pa(ra & ~(kPageSize - 1), kPageSize, pa)) t.page = mem_.page(pa);
  t.pa = pa;   // real addressing: the hypervisor's RA->PA, in 8 KB pages
  // Real mode has no TTE to say "side effects": a device RA is device space as it stands.
  // Instructions are never fetched from it (below: invalid RA, as for any non-memory RA).
  if (!t.page && !instruction && is_device(ra)) {
    t.io = true;
    t.cacheable = false;
    return t;
  }
  if (!t.page) {
    record_fault(instruction, FT_INVALID_RA, ra, 0);
    t.fault = instruction ? TT_INSTRUCTION_ACCESS_EXCEPTION : TT_DATA_ACCESS_EXCEPTION;
  }
  check_mapin(t, ra, ra, 0, acc);
  note_store(t, pa, acc);
  return t;
}

// A page mapped in with ldc_mapin allows only what its exporter allowed, and is never kept
// in the strand's SoftTlb: ldc_unmap and ldc_revoke must take effect at once.
void GuestMmu::check_mapin(Translation& t, uint64_t ra, uint64_t va, uint64_t ctx, Access acc) {
  if (!t.page || g_.mapins.empty()) return;
  const Guest::Mapin* m = g_.mapin_at(ra);
  if (!m) return;
  t.cacheable = false;
  bool fetch = acc == Access::Fetch;
  uint64_t need = fetch ? 4 : acc == Access::Write ? 2 : 1;
  if (m->perms & need) return;
  record_fault(fetch, FT_PROT, va, ctx);
  t.page = nullptr;
  t.fault = fetch ? TT_INSTRUCTION_ACCESS_EXCEPTION : TT_DATA_ACCESS_EXCEPTION;
}

// A page translated for a store may go into the strand's SoftTlb, after which its stores
// never come back here: a dirty log counts the page written now, and drops the SoftTlb's
// write entries whenever it marks pages clean again (hv/dirty_log.h).
void GuestMmu::note_store(const Translation& t, uint64_t pa, Access acc) {
  if (t.page && acc == Access::Write) mem_.note_write(pa, kPageSize);
}

const TlbEntry* GuestMmu::lookup(uint64_t va, uint64_t ctx, uint64_t flag) const {
  for (const TlbEntry& e : g_.perm)   // permanent mappings: context 0, every vCPU
    if ((e.flags & flag) && e.covers(va, 0) && ctx == 0) return &e;
  for (const TlbEntry& e : v_.tlb)
    if ((e.flags & flag) && e.covers(va, ctx)) return &e;
  return nullptr;
}

void GuestMmu::insert(const TlbEntry& e) {
  for (TlbEntry& x : v_.tlb)   // a new translation of the same page replaces the old one
    if (x.ctx == e.ctx && x.va == e.va && x.shift() == e.shift()) {
      x = e;
      return;
    }
  if (v_.tlb.size() < hv_.tlb_entries) {
    v_.tlb.push_back(e);
  } else {   // round-robin replacement, as the T2's TLBs do with no used bits set
    v_.tlb[next_victim_ % v_.tlb.size()] = e;
    ++next_victim_;
  }
}

unsigned GuestMmu::demap(uint64_t va, uint64_t ctx, uint64_t flags, bool all_va, bool all_ctx) {
  unsigned n = 0;
  for (size_t i = 0; i < v_.tlb.size();) {
    TlbEntry& e = v_.tlb[i];
    bool hit = (all_ctx || e.ctx == ctx) && (all_va || ((va ^ e.va) >> e.shift()) == 0);
    if (hit) e.flags &= ~flags;
    if (hit && !e.flags) {
      v_.tlb.erase(v_.tlb.begin() + long(i));
      ++n;
    } else {
      ++i;
    }
  }
  if (trace::on(trace::Category::mmu)) {
    const char* kind = all_ctx ? "all" : all_va ? "ctx" : "page";
    trace::Event e(trace::Category::mmu, trace::Phase::Instant, hv_.trace_ps(),
                   trace::Track::vcpu(g_.name, v_.id), g_.name, fmt::format("demap {}", kind));
    e.arg("va", va).arg("ctx", ctx).arg("flags", flags).arg("removed", uint64_t(n));
    e.text = fmt::format("mmu  {}/vcpu{}  demap {} va={:#x} ctx={:#x} flags={:#x}: {} entries removed", g_.name, v_.id, kind, va, ctx,
                         flags, n);
    trace::emit(std::move(e));
  }
  return n;
}

// The hardware tablewalk: each TSB of the context is indexed by the VA for every page size
// its mask allows; an entry whose tag matches and whose data is valid loads the TLB. The
// probes go in descriptor order (the hypervisor programs the descriptors into the TSB config
// registers 0..3, which the T2's walker probes in turn), smallest page size first.
bool GuestMmu::tsb_probe(uint64_t va, uint64_t ctx, TlbEntry* hit, uint64_t* pas, unsigned max,
                         unsigned& n) const {
  n = 0;
  const auto& tsbs = ctx == 0 ? v_.tsb_ctx0 : v_.tsb_ctxnon0;
  for (const TsbDescriptor& d : tsbs)
    for (unsigned code = 0; code < 8; ++code) {
      if (!(d.pgsz_mask & (1u << code)) || !pgsz_supported(code)) continue;
      uint64_t index = (va >> pgsz_shift(code)) & (d.entries - 1);
      uint64_t ra = d.base_ra + 16 * index, pa = 0;
      if (pas && n < max && g_.ra_to_pa(ra, 16, pa)) pas[n++] = pa;
      uint64_t tag, data;
      if (!peek_ra(ra, tag) || !peek_ra(ra + 8, data)) continue;
      if (!(data & TTE_V) || (data & TTE_SZ_MASK) != code) continue;
      if ((tag >> 48) != ctx || (tag & 0x3ffffffffffull) != ((va >> 22) & 0x3ffffffffffull)) continue;
      if (hit) *hit = TlbEntry{va & ~((1ull << pgsz_shift(code)) - 1), ctx, data, MAP_DTLB | MAP_ITLB};
      return true;
    }
  return false;
}

const TlbEntry* GuestMmu::tsb_walk(uint64_t va, uint64_t ctx, uint64_t flag) {
  TlbEntry e;
  unsigned n = 0;
  if (!tsb_probe(va, ctx, &e, nullptr, 0, n)) return nullptr;
  insert(e);
  ++v_.tsb_hits;
  if (trace::on(trace::Category::mmu)) {   // a TLB miss the walk served: the guest never sees it
    uint64_t ra = (e.tte & TTE_RA_MASK) & ~((1ull << e.shift()) - 1);
    trace::Event t(trace::Category::mmu, trace::Phase::Instant, trace::cycles_to_ps(hv_.now_cycles(v_)),
                   trace::Track::vcpu(g_.name, v_.id), g_.name, "tsb hit");
    t.arg("va", va).arg("ctx", ctx).arg("ra", ra).arg("page", page_size_name(e.shift()));
    t.text = fmt::format("mmu  {}/vcpu{}  tsb hit va={:#x} ctx={:#x} -> ra={:#x} {}", g_.name, v_.id, va, ctx, ra,
                         page_size_name(e.shift()));
    trace::emit(std::move(t));
  }
  return lookup(va, ctx, flag);
}

// A big-endian word of guest real memory, read without touching anything (an untouched
// page reads as zeros, as it would once allocated).
bool GuestMmu::peek_ra(uint64_t ra, uint64_t& v) const {
  uint64_t pa, be = 0;
  if ((ra & 7) || !g_.ra_to_pa(ra, 8, pa) || !mem_.contains(pa, 8)) return false;
  if (const uint8_t* p = mem_.find_page(pa)) std::memcpy(&be, p + (pa & (kPageSize - 1)), 8);
  v = __builtin_bswap64(be);
  return true;
}

uint64_t GuestMmu::context_for(const StrandState& s, Access acc, uint8_t asi) const {
  // Implicit accesses at TL>0 and the nucleus ASIs use context 0; secondary ASIs the
  // secondary context; everything else the primary context.
  if (s.tl > 0 || asi == ASI_NUCLEUS || asi == ASI_NUCLEUS_LITTLE) return 0;
  if (acc != Access::Fetch && (asi & 0xf1) == 0x81) return v_.secondary_ctx;   // 0x81 0x83 0x89 0x8b
  return v_.primary_ctx;
}

// The timing model's question: which physical address will this access use? Answered as
// translate would, but nothing changes: no TLB insert, no fault status, no statistics. False
// when the access traps, is device space or names no memory.
bool GuestMmu::peek(const StrandState& s, uint64_t va, Access acc, uint8_t asi, uint64_t& pa,
                    unsigned& shift) const {
  shift = kPageBits;
  uint64_t ra = va;
  bool real_asi = asi == ASI_REAL || asi == ASI_REAL_LITTLE;
  bool block = asi == ASI_BLK_P || asi == ASI_BLK_S || asi == ASI_BLK_PL || asi == ASI_BLK_SL;
  // Only the ASIs that reach memory do: scratchpad, MMU and queue registers are the strand's
  // own, real-address I/O is device space.
  if (acc != Access::Fetch && !real_asi && !block && !asi_is_memory(asi) && !asi_is_twinx(asi)) return false;
  if (v_.mmu_enabled && !real_asi) {
    uint64_t ctx = context_for(s, acc, asi);
    uint64_t flag = acc == Access::Fetch ? MAP_ITLB : MAP_DTLB;
    TlbEntry found;
    const TlbEntry* e = lookup(va, ctx, flag);
    unsigned n = 0;
    if (!e && tsb_probe(va, ctx, &found, nullptr, 0, n)) e = &found;
    if (!e) return false;
    uint64_t tte = e->tte;
    if ((tte & TTE_P) && !s.privileged()) return false;
    if (acc == Access::Fetch && !(tte & TTE_X)) return false;
    if (acc == Access::Write && !(tte & TTE_W)) return false;
    uint64_t mask = (1ull << e->shift()) - 1;
    ra = ((tte & TTE_RA_MASK) & ~mask) | (va & mask);
    shift = e->shift();
  }
  return g_.ra_to_pa(ra, 1, pa) && mem_.contains(pa);
}

unsigned GuestMmu::walk_probes(const StrandState& s, uint64_t va, bool fetch, uint64_t* pas,
                               unsigned max) const {
  if (!v_.mmu_enabled) return 0;   // real addressing: no tablewalk
  unsigned n = 0;
  tsb_probe(va, context_for(s, fetch ? Access::Fetch : Access::Read, ASI_PRIMARY), nullptr, pas, max, n);
  return n;
}

Translation GuestMmu::translate(StrandState& s, uint64_t va, Access acc, uint8_t asi) {
  uint64_t ra, ctx;
  return resolve(s, va, acc, asi, ra, ctx);
}

// translate, also telling the RA and context (io_load/io_store need the RA of a device page).
Translation GuestMmu::resolve(StrandState& s, uint64_t va, Access acc, uint8_t asi, uint64_t& ra, uint64_t& ctx_out) {
  bool fetch = acc == Access::Fetch;
  ra = va;
  ctx_out = 0;
  if (!v_.mmu_enabled) return real(va, acc);
  uint64_t ctx = context_for(s, acc, asi);
  ctx_out = ctx;
  uint64_t flag = fetch ? MAP_ITLB : MAP_DTLB;
  const TlbEntry* e = lookup(va, ctx, flag);
  if (!e) e = tsb_walk(va, ctx, flag);
  Translation t;
  if (!e) {
    ++v_.mmu_miss_traps;
    record_fault(fetch, FT_FAST_MISS, va, ctx);
    t.fault = fetch ? TT_FAST_INSTRUCTION_ACCESS_MMU_MISS : TT_FAST_DATA_ACCESS_MMU_MISS;
    if (trace::on(trace::Category::mmu)) {   // missed the TLB and the TSBs: the guest's miss handler runs
      const char* what = fetch ? "fetch" : acc == Access::Write ? "store" : "load";
      trace::Event m(trace::Category::mmu, trace::Phase::Instant, trace::cycles_to_ps(hv_.now_cycles(v_)),
                     trace::Track::vcpu(g_.name, v_.id), g_.name, "mmu miss");
      m.arg("va", va).arg("ctx", ctx).arg("access", what).arg("tt", uint64_t(t.fault));
      m.text = fmt::format("mmu  {}/vcpu{}  miss va={:#x} ctx={:#x} {} -> guest trap {:#x}", g_.name, v_.id, va, ctx, what,
                           unsigned(t.fault));
      trace::emit(std::move(m));
    }
    return t;
  }
  uint64_t tte = e->tte;
  if ((tte & TTE_P) && !s.privileged()) {
    record_fault(fetch, FT_PRIV, va, ctx);
    t.fault = fetch ? TT_INSTRUCTION_ACCESS_EXCEPTION : TT_DATA_ACCESS_EXCEPTION;
    return t;
  }
  if (fetch && !(tte & TTE_X)) {
    record_fault(true, FT_PROT, va, ctx);
    t.fault = TT_INSTRUCTION_ACCESS_EXCEPTION;
    return t;
  }
  if (acc == Access::Write && !(tte & TTE_W)) {
    record_fault(false, FT_FAST_PROT, va, ctx);
    t.fault = TT_FAST_DATA_ACCESS_PROTECTION;
    return t;
  }
  uint64_t mask = (1ull << e->shift()) - 1;
  ra = ((tte & TTE_RA_MASK) & ~mask) | (va & mask);
  uint64_t pa = 0;
  if (g_.ra_to_pa(ra & ~(kPageSize - 1), kPageSize, pa)) t.page = mem_.page(pa);
  t.pa = pa;
  t.page_shift = uint8_t(e->shift());
  // A device RA is reachable only through a mapping that declares side effects (E) or is not
  // physically cacheable (CP clear): a cacheable mapping of device registers would let
  // hardware prefetch, merge or replay accesses, so it gets the invalid-RA fault below, as
  // does an instruction fetch (a device page holds no code).
  if (!t.page && !fetch && ((tte & TTE_E) || !(tte & TTE_CP)) && is_device(ra)) {
    t.io = true;
    t.cacheable = false;
    return t;
  }
  if (!t.page) {
    record_fault(fetch, FT_INVALID_RA, va, ctx);
    t.fault = fetch ? TT_INSTRUCTION_ACCESS_EXCEPTION : TT_DATA_ACCESS_EXCEPTION;
  }
  check_mapin(t, ra, va, ctx, acc);
  note_store(t, pa, acc);
  return t;
}

void GuestMmu::flush_icache(StrandState&, uint64_t va) { s_.interp.invalidate_page(va); }

// One access to device space, after translate said io (or directly for ASI_REAL_IO*, whose
// address is already real). An RA no owned root complex claims is an invalid RA.
Trap GuestMmu::io_access(StrandState& s, uint64_t va, uint8_t asi, unsigned size, bool write, uint64_t& v) {
  uint64_t ra = va, ctx = 0;
  if (!asi_is_real_io(asi)) {
    Translation t = resolve(s, va, write ? Access::Write : Access::Read, asi, ra, ctx);
    if (!t.io) return t.fault ? t.fault : TT_DATA_ACCESS_EXCEPTION;
  }
  if (hv_.io_handler && hv_.io_handler(g_, ra, size, write, v)) return TT_NONE;
  record_fault(false, FT_INVALID_RA, va, ctx);
  return TT_DATA_ACCESS_EXCEPTION;
}
Trap GuestMmu::io_load(StrandState& s, uint64_t va, uint8_t asi, unsigned size, bool, uint64_t& out) {
  return io_access(s, va, asi, size, false, out);
}
Trap GuestMmu::io_store(StrandState& s, uint64_t va, uint8_t asi, unsigned size, bool, uint64_t v) {
  return io_access(s, va, asi, size, true, v);
}

Trap GuestMmu::asi_load(StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t& out) {
  if (hyperprivileged_asi(asi)) return TT_PRIVILEGED_ACTION;
  switch (asi) {
    case ASI_REAL: case ASI_REAL_LITTLE: {   // loads by real address, MMU on or off
      uint64_t pa;
      uint8_t b[8];
      if (!g_.ra_to_pa(va, size, pa) || !mem_.read(pa, b, size)) {
        record_fault(false, FT_INVALID_RA, va, 0);
        return TT_DATA_ACCESS_EXCEPTION;
      }
      out = 0;
      for (unsigned i = 0; i < size; ++i)
        out |= uint64_t(b[i]) << (asi == ASI_REAL_LITTLE ? 8 * i : 8 * (size - 1 - i));
      return TT_NONE;
    }
    case ASI_SCRATCHPAD:
      if (size != 8 || va > 0x38) break;
      out = s.scratchpad[va >> 3];
      return TT_NONE;
    case ASI_MMU:
      if (size != 8) break;
      if (va == 0x8) { out = v_.primary_ctx; return TT_NONE; }
      if (va == 0x10) { out = v_.secondary_ctx; return TT_NONE; }
      break;
    case ASI_QUEUE: {
      if (size != 8 || va < 0x3c0 || va > 0x3f8) break;
      const InterruptQueue& q = v_.queues[(va - 0x3c0) >> 4];
      out = (va & 8) ? q.tail : q.head;
      return TT_NONE;
    }
    default: break;
  }
  record_fault(false, FT_INVALID_ASI, va, 0);
  return TT_DATA_ACCESS_EXCEPTION;
}

Trap GuestMmu::asi_store(StrandState& s, uint8_t asi, uint64_t va, unsigned size, uint64_t val) {
  if (hyperprivileged_asi(asi)) return TT_PRIVILEGED_ACTION;
  switch (asi) {
    case ASI_REAL: case ASI_REAL_LITTLE: {
      uint64_t pa;
      uint8_t b[8];
      for (unsigned i = 0; i < size; ++i)
        b[i] = uint8_t(val >> (asi == ASI_REAL_LITTLE ? 8 * i : 8 * (size - 1 - i)));
      const Guest::Mapin* m = g_.mapins.empty() ? nullptr : g_.mapin_at(va);
      if (m && !(m->perms & 2)) {   // a read-only page mapped in from a channel peer
        record_fault(false, FT_PROT, va, 0);
        return TT_DATA_ACCESS_EXCEPTION;
      }
      if (!g_.ra_to_pa(va, size, pa) || !mem_.write(pa, b, size)) {
        record_fault(false, FT_INVALID_RA, va, 0);
        return TT_DATA_ACCESS_EXCEPTION;
      }
      return TT_NONE;
    }
    case ASI_SCRATCHPAD:
      if (size != 8 || va > 0x38) break;
      s.scratchpad[va >> 3] = val;
      return TT_NONE;
    case ASI_MMU:
      if (size != 8 || (va != 0x8 && va != 0x10)) break;
      (va == 0x8 ? v_.primary_ctx : v_.secondary_ctx) = val & 0x1fff;   // 13 context bits
      s_.translations_changed = true;   // the SoftTlb is keyed by VA only
      return TT_NONE;
    case ASI_QUEUE: {
      if (size != 8 || va < 0x3c0 || va > 0x3f8 || (va & 8)) break;   // tails are read-only
      InterruptQueue& q = v_.queues[(va - 0x3c0) >> 4];
      if ((val & (kQueueEntryBytes - 1)) || (q.entries && val >= q.entries * kQueueEntryBytes)) break;
      q.head = val;
      hv_.update_queue_pending(v_);
      return TT_NONE;
    }
    default: break;
  }
  record_fault(false, FT_INVALID_ASI, va, 0);
  return TT_DATA_ACCESS_EXCEPTION;
}

}  // namespace vfsim::hv
