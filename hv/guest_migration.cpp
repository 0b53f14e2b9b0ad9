// A guest's runtime state for domain migration: what moves with the guest to another host,
// named per vCPU id and real address, never by strand or physical address (the target binds
// its own). The snapshot path (hypervisor_state.cpp) restores a whole host into the same
// layout; this one moves one guest into a different one. docs/migration.md.
#include <memory>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "sim/isa/strand_state.h"
#include "sim/state/description.h"

namespace vfsim::hv {

// The declarations of hypervisor_state.cpp, shared rather than repeated.
const state::Description<Vcpu>& vcpu_description();
const state::Description<Mblock>& mblock_description();
const state::Description<TlbEntry>& tlb_entry_description();
const state::Description<InterruptSource>& interrupt_source_description();

namespace {
constexpr uint32_t kMigrationVersion = 1;
constexpr uint64_t kMaxTod = 1ull << 62;

template <class T> void save_list(const std::vector<T>& v, const state::Description<T>& d, state::Encoder& e) {
  e.u32(uint32_t(v.size()));
  for (const T& x : v) d.save(x, e);
}
template <class T> void load_list(std::vector<T>& v, const state::Description<T>& d, state::Decoder& dec) {
  v.assign(dec.count(8), T{});
  for (T& x : v) d.load(x, dec);
}

// What the strand's registers must hold for the interpreter to run them: the window, global
// and trap-level indices it uses into its arrays, and the registers wrpr keeps to their
// width. A stream that was not saved by a running guest is refused, naming the register.
void check_strand(const isa::StrandState& s, const state::Decoder& d, unsigned id) {
  auto bad = [&](const char* reg, uint64_t v) {
    d.fail(fmt::format("vCPU {}'s %{} of {} is not one a strand can hold", id, reg, v));
  };
  if (s.cwp >= isa::kNWindows) bad("cwp", s.cwp);
  if (s.cansave >= isa::kNWindows) bad("cansave", s.cansave);
  if (s.canrestore >= isa::kNWindows) bad("canrestore", s.canrestore);
  if (s.otherwin >= isa::kNWindows) bad("otherwin", s.otherwin);
  if (s.cleanwin >= isa::kNWindows) bad("cleanwin", s.cleanwin);
  if (s.wstate > 0x3f) bad("wstate", s.wstate);
  if (s.gl > isa::kMaxGL) bad("gl", s.gl);
  if (s.tl > isa::kMaxTL) bad("tl", s.tl);
  if (s.pil > 15) bad("pil", s.pil);
}
}  // namespace

void Hypervisor::save_migration(const Guest& g, state::Encoder& e) const {
  e.u32(kMigrationVersion);
  e.u64(g.memory_bytes());
  save_list(g.memory, mblock_description(), e);   // checked against the target's real ranges
  e.u32(uint32_t(g.vcpus.size()));
  for (const Vcpu& v : g.vcpus) {
    // The vCPU description checks its strand: it is saved here as the source's and the
    // target swaps it in while it loads.
    e.u32(v.id);
    e.u32(v.strand);
    state::Encoder one;
    vcpu_description().save(v, one);
    e.u32(uint32_t(one.buf.size()));
    e.bytes(one.buf.data(), one.buf.size());
    state::Encoder regs;
    isa::strand_state_description().save(machine.strand(v.strand).state, regs);
    e.u32(uint32_t(regs.buf.size()));
    e.bytes(regs.buf.data(), regs.buf.size());
  }
  state::Codec<std::map<unsigned, std::pair<uint64_t, uint64_t>>>::save(g.api, e);
  save_list(g.perm, tlb_entry_description(), e);
  save_list(g.intr, interrupt_source_description(), e);
  state::Codec<std::string>::save(g.console_input, e);
  state::Codec<std::string>::save(g.console_line, e);
  e.u64(g.soft_state);
  state::Codec<std::string>::save(g.soft_state_desc, e);
  state::Codec<std::map<uint64_t, uint64_t>>::save(g.perf_regs, e);
  e.u64(g.boot_entry);
  // Channels: what the guest configured on each (its queues and map table, in its own
  // memory); the traffic in flight is not sent: the channels start over on the target.
  e.u32(uint32_t(g.ldc.size()));
  for (const LdcEndpoint& l : g.ldc) {
    e.u64(l.id);
    for (const InterruptQueue* q : {&l.tx, &l.rx}) {
      e.u64(q->base_ra);
      e.u64(q->entries);
      e.u64(q->head);
      e.u64(q->tail);
    }
    e.u64(l.map_ra);
    e.u64(l.map_entries);
  }
  e.u64(guest_time(g));   // %stick as the guest reads it now
  e.u64(guest_tod(g));
}

void Hypervisor::load_migration(Guest& g, state::Decoder& d, uint64_t skew_ticks) {
  uint32_t version = d.u32();
  if (version != kMigrationVersion)
    d.fail(fmt::format("migration state version {} (this vfsim reads {})", version, kMigrationVersion));
  uint64_t bytes = d.u64();
  std::vector<Mblock> mem;
  load_list(mem, mblock_description(), d);
  bool same = bytes == g.memory_bytes() && mem.size() == g.memory.size();
  for (size_t i = 0; same && i < mem.size(); ++i) same = mem[i].ra == g.memory[i].ra && mem[i].size == g.memory[i].size;
  if (!same) d.fail("its real-address blocks differ from the target domain's binding");
  // The source shrank to one vCPU before it suspended; the target binds the domain's full
  // count, and the vCPUs that were not sent stay stopped (the guest finds them in its new MD).
  uint32_t n = d.count(8);
  if (n == 0 || n > g.vcpus.size()) d.fail(fmt::format("{} vCPUs were sent, the target domain has {}", n, g.vcpus.size()));
  for (uint32_t i = 0; i < n; ++i) {
    Vcpu& v = g.vcpus[i];
    uint32_t id = d.u32(), strand = d.u32();
    if (id != v.id) d.fail(fmt::format("vCPU {} was sent where vCPU {} is", id, v.id));
    uint32_t len = d.u32();
    state::Decoder one(d.bytes(len), len, "vcpu");
    unsigned here = v.strand;
    v.strand = strand;   // as saved, for the description's own check
    try {
      vcpu_description().load(v, one);
    } catch (...) {
      v.strand = here;
      throw;
    }
    v.strand = here;
    uint32_t rlen = d.u32();
    const uint8_t* rbytes = d.bytes(rlen);
    {   // checked on a scratch copy first: a refused stream leaves the strand as it was
      auto scratch = std::make_unique<isa::StrandState>();
      state::Decoder regs(rbytes, rlen, "strand registers");
      isa::strand_state_description().load(*scratch, regs);
      check_strand(*scratch, d, id);
    }
    state::Decoder regs(rbytes, rlen, "strand registers");
    cmt::Strand& s = machine.strand(v.strand);
    isa::strand_state_description().load(s.state, regs);   // (its memory port stays this host's MMU)
    s.state.tlb.flush();
    s.interp.invalidate_all();
    s.stick_fired = ~0ull;
  }
  state::Codec<std::map<unsigned, std::pair<uint64_t, uint64_t>>>::load(g.api, d);
  load_list(g.perm, tlb_entry_description(), d);
  std::vector<InterruptSource> intr;
  load_list(intr, interrupt_source_description(), d);
  state::Codec<std::string>::load(g.console_input, d);
  state::Codec<std::string>::load(g.console_line, d);
  g.soft_state = d.u64();
  state::Codec<std::string>::load(g.soft_state_desc, d);
  state::Codec<std::map<uint64_t, uint64_t>>::load(g.perf_regs, d);
  g.boot_entry = d.u64();
  for (uint32_t i = 0, n = d.count(56); i < n; ++i) {
    uint64_t id = d.u64();
    InterruptQueue tx, rx;
    for (InterruptQueue* q : {&tx, &rx}) {
      q->base_ra = d.u64();
      q->entries = d.u64();
      q->head = d.u64();
      q->tail = d.u64();
    }
    uint64_t map_ra = d.u64(), map_entries = d.u64();
    LdcEndpoint* l = g.channel(id);
    if (!l) d.fail(fmt::format("channel {} is not one of the target domain's channels (its devices differ)", id));
    l->tx = tx;
    l->rx = rx;
    l->map_ra = map_ra;
    l->map_entries = map_entries;
  }
  uint64_t ticks = d.u64(), tod = d.u64();
  // set_guest_tod works in signed seconds: a TOD near 2^63 overflowed there (undefined
  // behaviour). Nothing a clock shows comes near this (2^62 s is 10^11 years).
  if (tod > kMaxTod) d.fail(fmt::format("a time of day of {} seconds", tod));
  // Interrupt sources: the guest's settings (cookie, target, valid) for the sources this
  // binding has; the binding's channels carry the same ids (the target presets them).
  for (InterruptSource& src : g.intr)
    for (const InterruptSource& was : intr)
      if (was.devhandle == src.devhandle && was.devino == src.devino) {
        src.cookie = was.cookie;
        src.target = was.target;
        src.valid = was.valid;
        src.state = 0;   // idle: what was pending is the channels', which start over
      }
  set_guest_time(g, ticks + skew_ticks);
  set_guest_tod(g, tod);
  for (Vcpu& v : g.vcpus) {
    flush_translations(v);
    update_queue_pending(v);
    if (v.runs()) machine.core_of(v.strand).start(v.strand % machine.plat.strands_per_core);   // (suspended ones wait for resume_guest)
  }
  // The channels are the binding's, fresh: the guest sees RESET and its services a new session.
  reset_service_channels(g);
  rearm_device_events();
}

bool Hypervisor::install_migrated_pages(Guest& g, const std::vector<std::pair<uint64_t, const uint8_t*>>& pages,
                                        std::string& why) {
  std::vector<std::pair<uint64_t, const uint8_t*>> in;
  in.reserve(pages.size());
  for (const auto& [ra, p] : pages) {
    uint64_t pa;
    if (ra % cmt::PhysicalMemory::kPageSize || !g.ra_to_pa(ra, cmt::PhysicalMemory::kPageSize, pa)) {
      why = fmt::format("page at real address {:#x} is outside LDom {}'s memory", ra, g.name);
      return false;
    }
    in.emplace_back(pa, p);
  }
  for (const Vcpu& v : g.vcpus) {   // no host pointer into the pages about to be replaced survives
    machine.strand(v.strand).state.tlb.flush();
    machine.strand(v.strand).interp.invalidate_all();
  }
  for (const Mblock& m : g.memory) machine.mem.discard(m.pa, m.size);
  machine.mem.install_pages(in);
  return true;
}

}  // namespace vfsim::hv
