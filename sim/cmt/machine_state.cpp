// The timed machine's state, declared once: what each core, strand, cache, TLB, L2 bank and
// memory controller holds, so that a restored machine continues cycle for cycle as the saved
// one would have (docs/state.md). Host-side caches (SoftTlb, decoded code) are not state.
#include "sim/cmt/bare_machine.h"
#include "sim/state/description.h"
#include "sim/state/stream.h"

VFSIM_DESCRIBED(vfsim::isa::StrandState, vfsim::isa::strand_state_description);

namespace vfsim::cmt {

struct MachineState {
  static const state::Description<CacheModel>& cache() {
    using C = CacheModel;
    static const auto d = state::Description<C>("cache", 1)
        .computed("geometry",
                  [](const C& c, state::Encoder& e) { e.u32(c.ways_); e.u32(c.sets_); e.u32(c.line_shift_); },
                  [](C& c, state::Decoder& dec) {
                    if (dec.u32() != c.ways_ || dec.u32() != c.sets_ || dec.u32() != c.line_shift_)
                      dec.fail("a cache of another geometry (another platform)");
                  })
        .field("tags", &C::tags_).field("age", &C::age_)
        .field("clock", &C::clock_).field("hits", &C::hits_).field("misses", &C::misses_);
    return d;
  }
  // The timing TLB: which pages of which sizes it holds and their LRU order. Version 2: the
  // entries carry their page size (version 1 was a cache of 8 KB lines).
  static const state::Description<TlbModel>& tlb() {
    using T = TlbModel;
    static const auto d = state::Description<T>("tlb", 2, 2)
        .computed("entries", [](const T& t, state::Encoder& e) { e.u32(t.entries()); },
                  [](T& t, state::Decoder& dec) {
                    if (dec.u32() != t.entries()) dec.fail("a TLB of another size (another platform)");
                  })
        .field("vpn", &T::vpn_).field("shift", &T::shift_).field("age", &T::age_)
        .field("clock", &T::clock_).field("hits", &T::hits_).field("misses", &T::misses_);
    return d;
  }
  static const state::Description<StrandStats>& stats() {
    using S = StrandStats;
    static const auto d = state::Description<S>("strand-stats", 2)
        .field("instructions", &S::instructions).field("stall_cycles", &S::stall_cycles)
        .field("loads", &S::loads).field("l1_misses", &S::l1_misses).field("l2_misses", &S::l2_misses)
        .field("remote_accesses", &S::remote_accesses).field("l1i_misses", &S::l1i_misses)
        .field("unit_conflicts", &S::unit_conflicts).field("store_buffer_full", &S::store_buffer_full)
        .field("wait_fetch", &S::wait_fetch).field("wait_load", &S::wait_load)
        .field("wait_long_op", &S::wait_long_op).field("wait_store_buffer", &S::wait_store_buffer)
        .field("itlb_misses", &S::itlb_misses).field("dtlb_misses", &S::dtlb_misses).field("wait_tlb", &S::wait_tlb)
        .field("traps", &S::traps).field("interrupts", &S::interrupts).field("yield_cycles", &S::yield_cycles)
        .field("store_l2_misses", &S::store_l2_misses).field("prefetches", &S::prefetches)
        .field("prefetches_dropped", &S::prefetches_dropped);
    return d;
  }
  static const state::Description<Strand>& strand() {
    using S = Strand;
    // Version 2: fetch_page/data_page hold (va >> shift) << 6 | shift (core_translation.cpp);
    // version 1 held va >> 13 and is no longer read.
    static const auto d = state::Description<S>("strand", 2, 2)
        .computed("id", [](const S& s, state::Encoder& e) { e.u32(s.id); },
                  [](S& s, state::Decoder& dec) { if (dec.u32() != s.id) dec.fail("another strand's state"); })
        .field("fetch_line", &S::fetch_line).field("store_buffer", &S::store_buffer)
        .field("fetch_page", &S::fetch_page).field("data_page", &S::data_page).field("store_next", &S::store_next)
        .field("queue_pending", &S::queue_pending).field("translations_changed", &S::translations_changed)
        .field("stick_fired", &S::stick_fired)
        .field("state", &S::state)
        .computed("stats", [](const S& s, state::Encoder& e) { stats().save(s.stats, e); },
                  [](S& s, state::Decoder& dec) { stats().load(s.stats, dec); });
    return d;
  }
  static const state::Description<Core>& core() {
    using C = Core;
    auto cache_field = [](CacheModel C::*m) {
      return std::make_pair([m](const C& c, state::Encoder& e) { cache().save(c.*m, e); },
                            [m](C& c, state::Decoder& dec) { cache().load(c.*m, dec); });
    };
    auto tlb_field = [](TlbModel C::*m) {
      return std::make_pair([m](const C& c, state::Encoder& e) { tlb().save(c.*m, e); },
                            [m](C& c, state::Decoder& dec) { tlb().load(c.*m, dec); });
    };
    auto l1i = cache_field(&C::l1i), l1d = cache_field(&C::l1d);
    auto itlb = tlb_field(&C::itlb), dtlb = tlb_field(&C::dtlb);
    // Version 2: TLBs with page sizes (tlb()); a version-1 core's TLBs cannot be read as such.
    static const auto d = state::Description<C>("core", 2, 2)
        .field("running", &C::running).field("ready_at", &C::ready_at)
        .field("cycles", &C::cycles).field("busy_cycles", &C::busy_cycles)
        .field("favor_tg1", &C::favor_tg1_).field("lru", &C::lru_)
        .field("q_start_cycles", &C::q_start_cycles_).field("q_start_ns", &C::q_start_ns_)
        .field("resume_ps", &C::resume_ps_)
        .computed("l1i", l1i.first, l1i.second).computed("l1d", l1d.first, l1d.second)
        .computed("itlb", itlb.first, itlb.second).computed("dtlb", dtlb.first, dtlb.second);
    return d;
  }
  static const state::Description<Occupancy>& occupancy() {
    using O = Occupancy;
    static const auto d = state::Description<O>("occupancy", 2)
        .computed("shape", [](const O& o, state::Encoder& e) { e.u32(o.servers); e.u32(uint32_t(o.bins.size())); },
                  [](O& o, state::Decoder& dec) {
                    if (dec.u32() != o.servers || dec.u32() != o.bins.size())
                      dec.fail("a resource of another shape (another platform or quantum)");
                  })
        .field("bins", &O::bins).field("windows", &O::windows);
    return d;
  }
  // A vector of resources of fixed length (the platform sets it), saved one after another.
  template <class M, class V, class D> static auto all(V M::*v, const D& desc) {
    return std::make_pair([v, &desc](const M& m, state::Encoder& e) { for (auto& x : m.*v) desc.save(x, e); },
                          [v, &desc](M& m, state::Decoder& dec) { for (auto& x : m.*v) desc.load(x, dec); });
  }
  static const state::Description<L2Cache>& l2() {
    using C = L2Cache;
    static const auto d = state::Description<C>("l2-cache", 1)
        .computed("geometry",
                  [](const C& c, state::Encoder& e) { e.u32(c.ways_); e.u32(c.sets_); e.u32(c.line_shift_); },
                  [](C& c, state::Decoder& dec) {
                    if (dec.u32() != c.ways_ || dec.u32() != c.sets_ || dec.u32() != c.line_shift_)
                      dec.fail("a cache of another geometry (another platform)");
                  })
        .field("tags", &C::tags_).field("age", &C::age_).field("ready", &C::ready_).field("flags", &C::flags_)
        .field("clock", &C::clock_).field("hits", &C::hits_).field("misses", &C::misses_);
    return d;
  }
  static const state::Description<MemoryController>& mcu() {
    using M = MemoryController;
    auto banks = all(&M::banks, occupancy());
    static const auto d = state::Description<M>("memory-controller", 1)
        .computed("northbound", [](const M& m, state::Encoder& e) { occupancy().save(m.northbound, e); },
                  [](M& m, state::Decoder& dec) { occupancy().load(m.northbound, dec); })
        .computed("southbound", [](const M& m, state::Encoder& e) { occupancy().save(m.southbound, e); },
                  [](M& m, state::Decoder& dec) { occupancy().load(m.southbound, dec); })
        .computed("banks", banks.first, banks.second)
        .field("reads", &M::reads).field("writes", &M::writes).field("bank_waits", &M::bank_waits);
    return d;
  }
  static const state::Description<MemoryStats>& memory_stats() {
    using S = MemoryStats;
    static const auto d = state::Description<S>("memory-stats", 1)
        .field("dram_read_bytes", &S::dram_read_bytes).field("dram_write_bytes", &S::dram_write_bytes)
        .field("writebacks", &S::writebacks).field("snoops", &S::snoops).field("cache_to_cache", &S::cache_to_cache)
        .field("invalidations", &S::invalidations).field("prefetches", &S::prefetches)
        .field("prefetches_dropped", &S::prefetches_dropped).field("fill_buffer_waits", &S::fill_buffer_waits);
    return d;
  }
  static const state::Description<MemorySystem>& memory_system() {
    using M = MemorySystem;
    auto banks = all(&M::l2_banks, occupancy()), fbs = all(&M::fill_buffers, occupancy());
    auto mcus = all(&M::mcus, mcu());
    auto st = all(&M::stats, memory_stats());
    static const auto d = state::Description<M>("memory-system", 1)
        .computed("l2", [](const M& m, state::Encoder& e) { for (auto& c : m.l2) l2().save(*c, e); },
                  [](M& m, state::Decoder& dec) { for (auto& c : m.l2) l2().load(*c, dec); })
        .computed("l2_banks", banks.first, banks.second)
        .computed("fill_buffers", fbs.first, fbs.second)
        .computed("mcus", mcus.first, mcus.second)
        .computed("link_tx", [](const M& m, state::Encoder& e) { for (auto& o : m.links.tx) occupancy().save(o, e); },
                  [](M& m, state::Decoder& dec) { for (auto& o : m.links.tx) occupancy().load(o, dec); })
        .computed("link_rx", [](const M& m, state::Encoder& e) { for (auto& o : m.links.rx) occupancy().save(o, e); },
                  [](M& m, state::Decoder& dec) { for (auto& o : m.links.rx) occupancy().load(o, dec); })
        .computed("link_bytes", [](const M& m, state::Encoder& e) { for (uint64_t b : m.links.bytes_sent) e.u64(b); },
                  [](M& m, state::Decoder& dec) { for (uint64_t& b : m.links.bytes_sent) b = dec.u64(); })
        .computed("stats", st.first, st.second);
    return d;
  }
  static const state::Description<BareMachine>& machine() {
    using M = BareMachine;
    static const auto d = state::Description<M>("machine", 2)
        .computed("platform", [](const M& m, state::Encoder& e) { e.str(m.plat.name); e.u64(m.plat.memory_bytes); },
                  [](M& m, state::Decoder& dec) {
                    std::string name = dec.str();
                    uint64_t bytes = dec.u64();
                    if (name != m.plat.name || bytes != m.plat.memory_bytes)
                      dec.fail("saved on platform " + name + ", this host is " + m.plat.name);
                  })
        .computed("memory_system", [](const M& m, state::Encoder& e) { memory_system().save(m.memsys, e); },
                  [](M& m, state::Decoder& dec) { memory_system().load(m.memsys, dec); })
        .field("console", &M::console).field("exit_code", &M::exit_code)
        .field("running", &M::running).field("traced", &M::traced);
    return d;
  }
};

void BareMachine::save_state(state::StreamWriter& w) const {
  w.part("machine", MachineState::machine(), *this);
  for (const auto& c : cores) {
    w.part("core " + std::to_string(c->socket * plat.cores_per_socket + c->index), MachineState::core(), *c);
    for (const auto& s : c->strands) w.part("strand " + std::to_string(s->id), MachineState::strand(), *s);
  }
}

void BareMachine::load_state(const state::StreamReader& r) {
  r.part("machine", MachineState::machine(), *this);
  for (auto& c : cores) {
    r.part("core " + std::to_string(c->socket * plat.cores_per_socket + c->index), MachineState::core(), *c);
    for (auto& s : c->strands) {
      r.part("strand " + std::to_string(s->id), MachineState::strand(), *s);
      s->state.tlb.flush();   // host pointers of the old run mean nothing here
      s->interp.invalidate_all();
    }
  }
}

void Core::resume_after_restore() {
  samples_.reset();          // trace samples count from the restored statistics
  if (!resume_ps_) return;   // parked when saved: a strand start wakes it, as before
  restored_ = true;          // run() then waits out the rest of the saved quantum
  wake_event_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace vfsim::cmt
