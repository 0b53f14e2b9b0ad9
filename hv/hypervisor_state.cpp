// The hypervisor's state of each guest, declared once: its vCPUs' sun4v state (queues, TSB
// descriptors, contexts, RTBA, fault area, TLB), its memory map, interrupt sources, API
// versions, machine description and the inputs it is built from, its channel endpoints
// (queues, map table, mapins, packets waiting) and its memory. Peers are named by domain and
// channel id, never by pointer (docs/state.md).
#include <algorithm>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "hv/ldc_service.h"
#include "sim/state/description.h"
#include "sim/state/stream.h"

namespace vfsim::hv {

namespace {
using state::Decoder;
using state::Description;
using state::Encoder;

const Description<TlbEntry>& tlb_entry_state() {
  static const auto d = Description<TlbEntry>("tlb-entry", 1)
      .field("va", &TlbEntry::va).field("ctx", &TlbEntry::ctx).field("tte", &TlbEntry::tte)
      .field("flags", &TlbEntry::flags);
  return d;
}
const Description<TsbDescriptor>& tsb_state() {
  using T = TsbDescriptor;
  static const auto d = Description<T>("tsb", 1)
      .field("idx_pgsz", &T::idx_pgsz).field("assoc", &T::assoc).field("entries", &T::entries)
      .field("ctx_index", &T::ctx_index).field("pgsz_mask", &T::pgsz_mask).field("base_ra", &T::base_ra);
  return d;
}
const Description<InterruptQueue>& queue_state() {
  using Q = InterruptQueue;
  static const auto d = Description<Q>("queue", 1)
      .field("base_ra", &Q::base_ra).field("entries", &Q::entries).field("head", &Q::head).field("tail", &Q::tail);
  return d;
}
const Description<Mblock>& mblock_state() {
  static const auto d = Description<Mblock>("mblock", 1)
      .field("ra", &Mblock::ra).field("size", &Mblock::size).field("pa", &Mblock::pa);
  return d;
}
const Description<InterruptSource>& source_state() {
  using S = InterruptSource;
  static const auto d = Description<S>("interrupt-source", 1)
      .field("devhandle", &S::devhandle).field("devino", &S::devino).field("cookie", &S::cookie)
      .field("target", &S::target).field("valid", &S::valid).field("state", &S::state);
  return d;
}
const Description<LdcEndpoint::Queued>& queued_state() {
  using Q = LdcEndpoint::Queued;
  static const auto d = Description<Q>("ldc-packet", 1).field("pkt", &Q::pkt).field("due", &Q::due);
  return d;
}
const Description<Timer>& timer_state() {
  static const auto d = Description<Timer>("ldc-timer", 1).field("due", &Timer::due).field("args", &Timer::args);
  return d;
}
const Description<VirtualDevice>& vdev_state() {
  using V = VirtualDevice;
  static const auto d = Description<V>("virtual-device", 1)
      .field("kind", &V::kind).field("handle", &V::handle).field("channel", &V::channel)
      .field("mac", &V::mac).field("mtu", &V::mtu);
  return d;
}
const Description<GuestResources::Mblock>& md_mblock_state() {
  using M = GuestResources::Mblock;
  static const auto d = Description<M>("md-mblock", 1).field("base", &M::base).field("size", &M::size);
  return d;
}
const Description<GuestResources>& md_inputs_state() {
  using R = GuestResources;
  static const auto d = Description<R>("md-inputs", 1)
      .field("domain", &R::domain).field("strands", &R::strands).field("memory", &R::memory)
      .field("hostid", &R::hostid).field("mac_address", &R::mac_address)
      .field("q_cpu_mondo_bits", &R::q_cpu_mondo_bits).field("q_dev_mondo_bits", &R::q_dev_mondo_bits)
      .field("q_resumable_bits", &R::q_resumable_bits).field("q_nonresumable_bits", &R::q_nonresumable_bits)
      .field("md_generation", &R::md_generation).field("variables", &R::variables)
      .field("crypto_units", &R::crypto_units).field("pcie_buses", &R::pcie_buses)
      .field("channels", &R::channels).field("vdevs", &R::vdevs);
  return d;
}
}  // namespace
}  // namespace vfsim::hv

VFSIM_DESCRIBED(vfsim::hv::TlbEntry, vfsim::hv::tlb_entry_state);
VFSIM_DESCRIBED(vfsim::hv::TsbDescriptor, vfsim::hv::tsb_state);
VFSIM_DESCRIBED(vfsim::hv::InterruptQueue, vfsim::hv::queue_state);
VFSIM_DESCRIBED(vfsim::hv::Mblock, vfsim::hv::mblock_state);
VFSIM_DESCRIBED(vfsim::hv::InterruptSource, vfsim::hv::source_state);
VFSIM_DESCRIBED(vfsim::hv::LdcEndpoint::Queued, vfsim::hv::queued_state);
VFSIM_DESCRIBED(vfsim::hv::VirtualDevice, vfsim::hv::vdev_state);
VFSIM_DESCRIBED(vfsim::hv::Timer, vfsim::hv::timer_state);
VFSIM_DESCRIBED(vfsim::hv::GuestResources::Mblock, vfsim::hv::md_mblock_state);
VFSIM_DESCRIBED(vfsim::hv::GuestResources, vfsim::hv::md_inputs_state);

namespace vfsim::hv {

namespace {

const Description<Vcpu>& vcpu_state() {
  using V = Vcpu;
  static const auto d = Description<V>("vcpu", 1)
      .computed("id", [](const V& v, Encoder& e) { e.u32(v.id); e.u32(v.strand); },
                [](V& v, Decoder& dec) {
                  unsigned id = dec.u32(), strand = dec.u32();
                  if (id != v.id || strand != v.strand)
                    dec.fail(fmt::format("vCPU {} on strand {} was saved, this guest has vCPU {} on strand {}", id,
                                         strand, v.id, v.strand));
                })
      .field("state", &V::state).field("rtba", &V::rtba).field("queues", &V::queues)
      .field("fault_area", &V::fault_area).field("tsb_ctx0", &V::tsb_ctx0).field("tsb_ctxnon0", &V::tsb_ctxnon0)
      .field("mmu_enabled", &V::mmu_enabled).field("primary_ctx", &V::primary_ctx)
      .field("secondary_ctx", &V::secondary_ctx).field("tlb", &V::tlb)
      .field("hypercalls", &V::hypercalls).field("tsb_hits", &V::tsb_hits).field("mmu_miss_traps", &V::mmu_miss_traps);
  return d;
}

// An endpoint's peer is a guest named in the stream; a service end is made again by whoever
// rebuilt the guest (the manager binds its devices), so only its presence is checked.
struct EndpointCodec {
  const std::vector<std::unique_ptr<Guest>>& guests;
  void save(const LdcEndpoint& e, Encoder& enc) const {
    enc.u64(e.id);
    enc.u8(e.service ? 1 : e.peer ? 2 : 0);
    enc.str(e.peer ? e.peer->name : "");
    enc.u64(e.peer_id);
    state::Codec<std::vector<LdcEndpoint::Queued>>::save(e.outbox, enc);
    state::Codec<std::vector<Timer>>::save(e.timers, enc);   // a service's work, as data with due cycles
    enc.u64(e.outbox_dropped);
    queue_state().save(e.tx, enc);
    queue_state().save(e.rx, enc);
    enc.u8(e.reset_seen);
    enc.u64(e.map_ra);
    enc.u64(e.map_entries);
  }
  void load(LdcEndpoint& e, Decoder& dec) const {
    uint64_t id = dec.u64();
    uint8_t kind = dec.u8();
    std::string peer = dec.str();
    if (id != e.id || kind != (e.service ? 1 : e.peer ? 2 : 0))
      dec.fail(fmt::format("channel {} does not match this guest's channel {} (its devices differ)", id, e.id));
    e.peer = nullptr;
    if (kind == 2) {
      for (const auto& g : guests)
        if (g->name == peer) e.peer = g.get();
      if (!e.peer) dec.fail(fmt::format("channel {}: peer domain {} is not here", id, peer));
    }
    e.peer_id = dec.u64();
    state::Codec<std::vector<LdcEndpoint::Queued>>::load(e.outbox, dec);
    state::Codec<std::vector<Timer>>::load(e.timers, dec);
    e.outbox_dropped = dec.u64();
    queue_state().load(e.tx, dec);
    queue_state().load(e.rx, dec);
    e.reset_seen = dec.u8() != 0;
    e.map_ra = dec.u64();
    e.map_entries = dec.u64();
    e.in_timers = false;
  }
};

constexpr size_t kPagesPerSection = 512;   // 4 MB of memory per section: bounded buffers

}  // namespace

void Hypervisor::reset_service_channels(Guest& g) {
  for (LdcEndpoint& ep : g.ldc) {
    if (!ep.service) continue;
    ep.outbox.clear();
    ep.timers.clear();
    ep.service->reset(*this, g, ep);
    ep.reset_seen = true;   // the guest's next look at the channel says RESET
    if (InterruptSource* s = g.source(kChannelDevhandle, ep.rx_ino())) raise_interrupt(g, *s);
  }
}

void Hypervisor::save_state(state::StreamWriter& w) {
  Encoder top;
  top.u64(next_pa_);
  top.u64(next_error_handle_);
  top.u32(uint32_t(guests.size()));
  for (const auto& g : guests) top.str(g->name);
  w.section("hypervisor", 1, top);
  saved_pages_ = 0;
  EndpointCodec ep{guests};
  for (const auto& gp : guests) {
    const Guest& g = *gp;
    Encoder e;
    e.u32(g.id);
    state::Codec<std::vector<Mblock>>::save(g.memory, e);
    e.u32(uint32_t(g.vcpus.size()));
    for (const Vcpu& v : g.vcpus) {
      vcpu_state().save(v, e);
      e.u64(mmus_[v.strand] ? mmus_[v.strand]->next_victim() : 0);
    }
    state::Codec<std::vector<uint8_t>>::save(g.md, e);
    state::Codec<decltype(g.api)>::save(g.api, e);
    state::Codec<std::vector<TlbEntry>>::save(g.perm, e);
    state::Codec<std::vector<InterruptSource>>::save(g.intr, e);
    e.u32(uint32_t(g.ldc.size()));
    for (const LdcEndpoint& l : g.ldc) ep.save(l, e);
    e.u32(uint32_t(g.mapins.size()));
    for (const auto& [ra, m] : g.mapins) {
      e.u64(ra);
      e.u64(m.pa);
      e.u64(m.perms);
      e.str(m.exporter ? m.exporter->name : "");
      e.u64(m.channel);
      e.u64(m.index);
    }
    e.str(g.console);
    e.str(g.console_input);
    e.u64(g.soft_state);
    e.str(g.soft_state_desc);
    e.u64(uint64_t(g.tod_offset));
    e.u64(g.stick_offset);
    state::Codec<decltype(g.perf_regs)>::save(g.perf_regs, e);
    e.u8(g.exited);
    e.u64(g.exit_code);
    e.u64(g.boot_entry);
    e.str(g.console_line);
    md_inputs_state().save(g.md_inputs, e);
    w.section("guest " + g.name, 1, e);

    // Memory: the resident pages of each mblock, by real address; pages never touched are
    // zero and are not written.
    Encoder pages;
    size_t n = 0, chunk = 0;
    auto flush = [&] {
      if (!n) return;
      w.section(fmt::format("memory {} {}", g.name, chunk++), 1, pages);
      pages.buf.clear();
      n = 0;
    };
    resident_pages(g, [&](uint64_t ra, const uint8_t* p) {
      pages.u64(ra);
      pages.bytes(p, cmt::PhysicalMemory::kPageSize);
      ++saved_pages_;
      if (++n == kPagesPerSection) flush();
    });
    flush();
  }
}

void Hypervisor::load_state(const state::StreamReader& r) {
  Decoder top = r.at("hypervisor").decoder(r.source());
  uint64_t next_pa = top.u64(), next_error = top.u64();
  uint32_t n = top.count(4);
  std::vector<std::string> names;
  for (uint32_t i = 0; i < n; ++i) names.push_back(top.str());
  std::vector<std::string> here;
  for (const auto& g : guests) here.push_back(g->name);
  if (names != here)
    top.fail(fmt::format("the snapshot's guests ({}) are not the ones bound here ({})", fmt::join(names, ", "),
                         fmt::join(here, ", ")));
  EndpointCodec ep{guests};
  for (const auto& gp : guests) {
    Guest& g = *gp;
    Decoder d = r.at("guest " + g.name).decoder(r.source());
    if (r.at("guest " + g.name).version > 1) d.fail("guest version is newer than this vfsim reads (1)");
    g.id = d.u32();
    std::vector<Mblock> mem;
    state::Codec<std::vector<Mblock>>::load(mem, d);
    bool same = mem.size() == g.memory.size();
    for (size_t i = 0; same && i < mem.size(); ++i)
      same = mem[i].ra == g.memory[i].ra && mem[i].size == g.memory[i].size && mem[i].pa == g.memory[i].pa;
    if (!same) d.fail("its memory blocks differ from this binding's");
    // vCPUs are loaded in place: the strands' MMUs keep references to them.
    if (d.count(4) != g.vcpus.size()) d.fail("its number of vCPUs differs from this binding's");
    for (Vcpu& v : g.vcpus) {
      vcpu_state().load(v, d);
      uint64_t victim = d.u64();
      if (mmus_[v.strand]) mmus_[v.strand]->next_victim() = size_t(victim);
    }
    state::Codec<std::vector<uint8_t>>::load(g.md, d);
    state::Codec<decltype(g.api)>::load(g.api, d);
    state::Codec<std::vector<TlbEntry>>::load(g.perm, d);
    state::Codec<std::vector<InterruptSource>>::load(g.intr, d);
    if (d.count(8) != g.ldc.size()) d.fail("its channels differ from this binding's");
    for (LdcEndpoint& l : g.ldc) ep.load(l, d);
    g.mapins.clear();
    for (uint32_t i = 0, k = d.count(40); i < k; ++i) {
      uint64_t ra = d.u64();
      Guest::Mapin m;
      m.pa = d.u64();
      m.perms = d.u64();
      std::string exporter = d.str();
      for (const auto& o : guests)
        if (o->name == exporter) m.exporter = o.get();
      if (!m.exporter) d.fail("a mapped-in page of domain " + exporter + ", which is not here");
      m.channel = d.u64();
      m.index = d.u64();
      g.mapins[ra] = m;
    }
    g.console = d.str();
    g.console_input = d.str();
    g.soft_state = d.u64();
    g.soft_state_desc = d.str();
    g.tod_offset = int64_t(d.u64());
    g.stick_offset = d.u64();
    state::Codec<decltype(g.perf_regs)>::load(g.perf_regs, d);
    g.exited = d.u8() != 0;
    g.exit_code = d.u64();
    g.boot_entry = d.u64();
    g.console_line = d.str();
    md_inputs_state().load(g.md_inputs, d);
    if (!d.done()) d.fail(std::to_string(d.left()) + " bytes left over");

    // Memory: the binding's ranges start from zero, then the saved pages go in, all in one
    // block of host memory.
    std::vector<std::pair<uint64_t, const uint8_t*>> in;
    for (const state::Section* s : r.with_prefix("memory " + g.name + " ")) {
      Decoder pd = s->decoder(r.source());
      while (!pd.done()) {
        uint64_t ra = pd.u64(), pa;
        const uint8_t* p = pd.bytes(cmt::PhysicalMemory::kPageSize);
        if (ra % cmt::PhysicalMemory::kPageSize || !g.ra_to_pa(ra, cmt::PhysicalMemory::kPageSize, pa) ||
            g.mapin_at(ra))
          pd.fail(fmt::format("page at real address {:#x} is outside the guest's memory", ra));
        in.emplace_back(pa, p);
      }
    }
    for (const Mblock& m : g.memory) machine.mem.discard(m.pa, m.size);
    machine.mem.install_pages(in);   // a dirty log hears every page
  }
  next_pa_ = next_pa;
  next_error_handle_ = next_error;
  rearm_device_events();   // the channels' due packets and timers came back from outside
}

}  // namespace vfsim::hv
