// The hypervisor's state of each guest, declared once: its vCPUs' sun4v state (queues, TSB
// descriptors, contexts, RTBA, fault area, TLB), its memory map, interrupt sources, API
// versions, machine description and the inputs it is built from, its channel endpoints
// (queues, map table, mapins, packets waiting) and its memory. Peers are named by domain and
// channel id, never by pointer (docs/state.md).
#include <algorithm>
#include <functional>
#include <set>
#include <memory>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "hv/pcie_root_complex.h"
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
// A crypto unit: its queues, the jobs they have not finished, the CWQ request in progress.
const Description<CwqChain>& cwq_chain_state() {
  using C = CwqChain;
  static const auto d = Description<C>("cwq-chain", 1)
      .field("open", &C::open).field("control", &C::control).field("first_ra", &C::first_ra).field("dest", &C::dest)
      .field("auth_key", &C::auth_key).field("auth_iv", &C::auth_iv).field("final_state", &C::final_state)
      .field("hash_dest", &C::hash_dest).field("key", &C::key).field("key_ra", &C::key_ra).field("iv", &C::iv)
      .field("ctr_stream", &C::ctr_stream).field("ctr_used", &C::ctr_used).field("carry", &C::carry)
      .field("message", &C::message).field("bytes", &C::bytes);
  return d;
}
const Description<NcsQueue::Job>& ncs_job_state() {
  using J = NcsQueue::Job;
  static const auto d = Description<J>("ncs-job", 1)
      .field("end", &J::end).field("due", &J::due).field("status_ra", &J::status_ra).field("status", &J::status)
      .field("intr", &J::intr).field("image", &J::image);
  return d;
}
const Description<NcsQueue>& ncs_queue_state() {
  using Q = NcsQueue;
  static const auto d = Description<Q>("ncs-queue", 1)
      .field("type", &Q::type).field("base", &Q::base).field("entries", &Q::entries).field("head", &Q::head)
      .field("tail", &Q::tail).field("marker", &Q::marker).field("marker_set", &Q::marker_set).field("jobs", &Q::jobs)
      .field("v1", &Q::v1);
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
VFSIM_DESCRIBED(vfsim::hv::CwqChain, vfsim::hv::cwq_chain_state);
VFSIM_DESCRIBED(vfsim::hv::NcsQueue::Job, vfsim::hv::ncs_job_state);
VFSIM_DESCRIBED(vfsim::hv::NcsQueue, vfsim::hv::ncs_queue_state);
VFSIM_DESCRIBED(vfsim::hv::GuestResources, vfsim::hv::md_inputs_state);

namespace vfsim::hv {

namespace {

const Description<Vcpu>& vcpu_state() {
  using V = Vcpu;
  static const auto d = Description<V>("vcpu", 2)
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
      .field("hypercalls", &V::hypercalls).field("tsb_hits", &V::tsb_hits).field("mmu_miss_traps", &V::mmu_miss_traps)
      .field("suspended", &V::suspended, 2);   // in guest_suspend (an older stream: not)
  return d;
}

// A domain by name, for the fields that point at another guest (a channel's peer, a mapped-in
// page's exporter): the stream names it, the loader finds it among the guests bound here.
using GuestByName = std::function<Guest*(const std::string&)>;

void save_guest_name(const Guest* g, Encoder& e) { e.str(g ? g->name : ""); }
Guest* load_guest_name(const GuestByName& find, Decoder& d, const char* what) {
  std::string name = d.str();
  if (name.empty()) return nullptr;
  Guest* g = find(name);
  if (!g) d.fail(fmt::format("{}: domain {} is not here", what, name));
  return g;
}

// An endpoint's peer is a guest named in the stream; a service end is made again by whoever
// rebuilt the guest (the manager binds its devices), so only its presence is checked.
Description<LdcEndpoint> endpoint_state(const GuestByName& find) {
  using E = LdcEndpoint;
  return Description<E>("ldc-endpoint", 1)
      .computed("id", [](const E& e, Encoder& enc) { enc.u64(e.id); enc.u8(e.service ? 1 : e.peer ? 2 : 0); },
                [](E& e, Decoder& d) {
                  uint64_t id = d.u64();
                  uint8_t kind = d.u8();
                  if (id != e.id || kind != (e.service ? 1 : e.peer ? 2 : 0))
                    d.fail(fmt::format("channel {} does not match this guest's channel {} (its devices differ)", id, e.id));
                })
      .computed("peer", [](const E& e, Encoder& enc) { save_guest_name(e.peer, enc); },
                [find](E& e, Decoder& d) {
                  Guest* peer = load_guest_name(find, d, "a channel's peer");
                  if (peer != e.peer)   // the binding made this channel to another domain
                    d.fail(fmt::format("channel {} goes to {} in the snapshot, to {} here", e.id,
                                       peer ? peer->name : "a service", e.peer ? e.peer->name : "a service"));
                })
      .field("peer_id", &E::peer_id)
      .field("outbox", &E::outbox)
      .field("timers", &E::timers)   // a service's work, as data with due cycles
      .field("outbox_dropped", &E::outbox_dropped)
      .field("tx", &E::tx).field("rx", &E::rx).field("reset_seen", &E::reset_seen)
      .field("map_ra", &E::map_ra).field("map_entries", &E::map_entries);
}

Description<Guest::Mapin> mapin_state(const GuestByName& find) {
  using M = Guest::Mapin;
  return Description<M>("mapin", 1)
      .field("pa", &M::pa).field("perms", &M::perms)
      .computed("exporter", [](const M& m, Encoder& e) { save_guest_name(m.exporter, e); },
                [find](M& m, Decoder& d) {
                  m.exporter = load_guest_name(find, d, "a mapped-in page's exporter");
                  if (!m.exporter) d.fail("a mapped-in page without its exporter");
                  // the page must be the exporter's (pa was read before: fields load in order)
                  bool inside = false;
                  for (const Mblock& b : m.exporter->memory)
                    inside |= m.pa >= b.pa && m.pa - b.pa <= b.size - 8192 && m.pa % 8192 == 0;
                  if (!inside) d.fail(fmt::format("a mapped-in page at {:#x} is not {}'s memory", m.pa, m.exporter->name));
                })
      .field("channel", &M::channel).field("index", &M::index);
}

// What the guest's MD says is on a channel (a VirtualDevice::Kind), or 0xff for nothing: a
// restored channel must carry the same kind of device as the saved one.
uint8_t device_on(const Guest& g, uint64_t channel) {
  for (const VirtualDevice& d : g.md_inputs.vdevs)
    if (d.channel == channel) return uint8_t(d.kind);
  return 0xff;
}

// Elements that must be loaded where they are (the strands' MMUs keep references to vCPUs)
// and must be the ones the binding made: same count, each checked by its own description.
template <class T> void save_in_place(const std::vector<T>& v, Encoder& e, const std::function<void(const T&, Encoder&)>& f) {
  e.u32(uint32_t(v.size()));
  for (const T& x : v) f(x, e);
}
template <class T>
void load_in_place(std::vector<T>& v, Decoder& d, const char* what, const std::function<void(T&, Decoder&)>& f) {
  if (d.count(4) != v.size()) d.fail(fmt::format("its {} differ from this binding's", what));
  for (T& x : v) f(x, d);
}

// The hypervisor's own counters and the guests' names, in order.
struct HypervisorTop {
  uint64_t next_pa = 0, next_error_handle = 0;
  std::vector<std::string> guests;
};
const Description<HypervisorTop>& top_state() {
  using H = HypervisorTop;
  static const auto d = Description<H>("hypervisor", 1)
      .field("next_pa", &H::next_pa).field("next_error_handle", &H::next_error_handle).field("guests", &H::guests);
  return d;
}

constexpr size_t kPagesPerSection = 512;   // 4 MB of memory per section: bounded buffers

}  // namespace

state::Description<Guest> Hypervisor::guest_state() {
  GuestByName find = [this](const std::string& name) { return find_guest(name); };
  auto endpoint = std::make_shared<Description<LdcEndpoint>>(endpoint_state(find));
  auto mapin = std::make_shared<Description<Guest::Mapin>>(mapin_state(find));
  return Description<Guest>("guest", 2)
      .field("id", &Guest::id)
      .computed("memory", [](const Guest& g, Encoder& e) { state::Codec<std::vector<Mblock>>::save(g.memory, e); },
                [](Guest& g, Decoder& d) {
                  std::vector<Mblock> mem;
                  state::Codec<std::vector<Mblock>>::load(mem, d);
                  bool same = mem.size() == g.memory.size();
                  for (size_t i = 0; same && i < mem.size(); ++i)
                    same = mem[i].ra == g.memory[i].ra && mem[i].size == g.memory[i].size && mem[i].pa == g.memory[i].pa;
                  if (!same) d.fail("its memory blocks differ from this binding's");
                })
      .computed("vcpus",
                [this](const Guest& g, Encoder& e) {
                  save_in_place<Vcpu>(g.vcpus, e, [this](const Vcpu& v, Encoder& enc) {
                    vcpu_state().save(v, enc);
                    enc.u64(mmus_[v.strand] ? mmus_[v.strand]->next_victim() : 0);
                  });
                },
                [this](Guest& g, Decoder& d) {
                  load_in_place<Vcpu>(g.vcpus, d, "vCPUs", [this](Vcpu& v, Decoder& dec) {
                    v.suspended = false;   // what an older stream, without the field, means
                    vcpu_state().load(v, dec);
                    // A suspended vCPU's strand never runs until resume_guest, whatever the
                    // strand did before this load (a migration target's strands are its own).
                    if (v.suspended) machine.core_of(v.strand).stop(v.strand % machine.plat.strands_per_core);
                    uint64_t victim = dec.u64();
                    if (mmus_[v.strand]) mmus_[v.strand]->next_victim() = size_t(victim);
                  });
                })
      .field("md", &Guest::md).field("api", &Guest::api).field("perm", &Guest::perm).field("intr", &Guest::intr)
      // Crypto units by core (version 2): a unit this binding also has on that core takes the
      // saved state; one it does not (a migration whose target bound other cores) starts
      // unconfigured, and the guest's driver configures it again (docs/crypto.md).
      .computed(
          "spu",
          [](const Guest& g, Encoder& e) {
            e.u32(uint32_t(g.spu.size()));
            for (const CryptoUnit& u : g.spu) {
              e.u32(u.core);
              state::Codec<NcsQueue>::save(u.cwq, e);
              state::Codec<NcsQueue>::save(u.mau, e);
              state::Codec<CwqChain>::save(u.chain, e);
              e.u64(u.cwq_free_at);
              e.u64(u.mau_free_at);
              state::Codec<InterruptSource>::save(u.cwq_intr, e);
              state::Codec<InterruptSource>::save(u.mau_intr, e);
              state::Codec<std::array<uint64_t, kMaWords>>::save(u.ma.mem, e);
              for (uint64_t r : {u.ma.regs.ctl, u.ma.regs.mpa, u.ma.regs.ma, u.ma.regs.np}) e.u64(r);
              e.u8(u.mau_job_failed);
            }
          },
          [](Guest& g, Decoder& d) {
            uint32_t n = d.u32();
            if (n > 1024) d.fail(fmt::format("{} crypto units", n));
            for (uint32_t i = 0; i < n; ++i) {
              CryptoUnit saved;
              saved.core = d.u32();
              state::Codec<NcsQueue>::load(saved.cwq, d);
              state::Codec<NcsQueue>::load(saved.mau, d);
              state::Codec<CwqChain>::load(saved.chain, d);
              saved.cwq_free_at = d.u64();
              saved.mau_free_at = d.u64();
              state::Codec<InterruptSource>::load(saved.cwq_intr, d);
              state::Codec<InterruptSource>::load(saved.mau_intr, d);
              state::Codec<std::array<uint64_t, kMaWords>>::load(saved.ma.mem, d);
              for (uint64_t* r : {&saved.ma.regs.ctl, &saved.ma.regs.mpa, &saved.ma.regs.ma, &saved.ma.regs.np}) *r = d.u64();
              saved.mau_job_failed = d.u8() != 0;
              for (CryptoUnit& u : g.spu)
                if (u.core == saved.core) u = saved;
            }
          },
          2)
      // Channels by id (the binding may have made them in another order than the saved
      // guest's live additions did).
      .computed("ldc",
                [endpoint](const Guest& g, Encoder& e) {
                  save_in_place<LdcEndpoint>(g.ldc, e, [&g, endpoint](const LdcEndpoint& l, Encoder& enc) {
                    enc.u64(l.id);
                    enc.u8(device_on(g, l.id));
                    endpoint->save(l, enc);
                  });
                },
                [endpoint](Guest& g, Decoder& d) {
                  std::map<uint64_t, size_t> order;   // id -> its place in the saved guest
                  load_in_place<LdcEndpoint>(g.ldc, d, "channels", [&](LdcEndpoint&, Decoder& dec) {
                    uint64_t id = dec.u64();
                    uint8_t device = dec.u8();
                    LdcEndpoint* l = g.channel(id);
                    if (!l || order.count(id) || device != device_on(g, id))
                      dec.fail(fmt::format("channel {} is not one of this binding's channels (its devices differ)", id));
                    size_t at = order.size();
                    order[id] = at;
                    endpoint->load(*l, dec);
                    l->in_timers = false;
                  });
                  // The saved order too: channels are looked at in this order when several
                  // have something due at once, and that order is timing.
                  std::stable_sort(g.ldc.begin(), g.ldc.end(), [&](const LdcEndpoint& a, const LdcEndpoint& b) {
                    return order.at(a.id) < order.at(b.id);
                  });
                })
      .computed("mapins",
                [mapin](const Guest& g, Encoder& e) {
                  e.u32(uint32_t(g.mapins.size()));
                  for (const auto& [ra, m] : g.mapins) {
                    e.u64(ra);
                    mapin->save(m, e);
                  }
                },
                [mapin](Guest& g, Decoder& d) {
                  g.mapins.clear();
                  for (uint32_t i = 0, n = d.count(12); i < n; ++i) {
                    uint64_t ra = d.u64();
                    mapin->load(g.mapins[ra], d);
                  }
                })
      .field("console", &Guest::console).field("console_input", &Guest::console_input)
      .field("soft_state", &Guest::soft_state).field("soft_state_desc", &Guest::soft_state_desc)
      .field("tod_offset", &Guest::tod_offset).field("stick_offset", &Guest::stick_offset)
      .field("perf_regs", &Guest::perf_regs)
      .field("exited", &Guest::exited).field("exit_code", &Guest::exit_code).field("boot_entry", &Guest::boot_entry)
      .field("console_line", &Guest::console_line).field("md_inputs", &Guest::md_inputs);
}

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
  HypervisorTop top{next_pa_, next_error_handle_, {}};
  for (const auto& g : guests) top.guests.push_back(g->name);
  w.part("hypervisor", top_state(), top);
  saved_pages_ = 0;
  const Description<Guest> guest = guest_state();
  for (const auto& gp : guests) {
    const Guest& g = *gp;
    w.part("guest " + g.name, guest, g);

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
  // Each bound PCIe bus: its IOMMU, event queues and MSIs, and its device (section "pcie NAME").
  for (const auto& rc : roots)
    if (rc->owner) {
      Encoder e;
      rc->save(e);
      w.section("pcie " + rc->name, 1, e);
    }
}

void Hypervisor::load_state(const state::StreamReader& r) {
  HypervisorTop top;
  r.part("hypervisor", top_state(), top);
  std::vector<std::string> here, saved = top.guests;
  for (const auto& g : guests) here.push_back(g->name);
  std::sort(here.begin(), here.end());
  std::sort(saved.begin(), saved.end());
  if (saved != here)
    throw state::StateError(fmt::format("{}: section 'hypervisor': the snapshot's guests ({}) are not the ones bound here ({})",
                                        r.source(), fmt::join(top.guests, ", "), fmt::join(here, ", ")));
  // The saved order too (the manager binds in its own order): guests are visited in this
  // order when several have something due at once.
  std::stable_sort(guests.begin(), guests.end(), [&](const auto& a, const auto& b) {
    return std::find(top.guests.begin(), top.guests.end(), a->name) < std::find(top.guests.begin(), top.guests.end(), b->name);
  });
  const Description<Guest> guest = guest_state();
  for (const auto& gp : guests) {
    Guest& g = *gp;
    r.part("guest " + g.name, guest, g);

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
    for (const Vcpu& v : g.vcpus) {   // no host pointer into the pages about to be replaced survives
      machine.strand(v.strand).state.tlb.flush();
      machine.strand(v.strand).interp.invalidate_all();
    }
    for (const Mblock& m : g.memory) machine.mem.discard(m.pa, m.size);
    machine.mem.install_pages(in);   // a dirty log hears every page
  }
  for (const state::Section* s : r.with_prefix("pcie ")) {
    Decoder d = s->decoder(r.source());
    RootComplex* rc = root(s->name.substr(5));
    if (!rc) d.fail(fmt::format("this {} has no PCIe root complex {}", machine.plat.name, s->name.substr(5)));
    rc->load(d);
    if (!d.done()) d.fail(fmt::format("{} bytes left over", d.left()));
  }
  next_pa_ = top.next_pa;
  next_error_handle_ = top.next_error_handle;
  rearm_device_events();   // the channels' due packets and timers came back from outside
}

}  // namespace vfsim::hv

namespace vfsim::hv {
// For migration (guest_migration.cpp): the same vCPU fields as snapshots.
const state::Description<Vcpu>& vcpu_description() { return vcpu_state(); }
const state::Description<Mblock>& mblock_description() { return mblock_state(); }
const state::Description<TlbEntry>& tlb_entry_description() { return tlb_entry_state(); }
const state::Description<InterruptSource>& interrupt_source_description() { return source_state(); }
}  // namespace vfsim::hv
