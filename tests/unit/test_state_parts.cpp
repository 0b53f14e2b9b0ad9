// Every state part through a whole-host state stream: host A (two guests, a channel between
// them, a channel to a service, a mapped-in page, guest memory, strand registers, core timing)
// is saved, host B is bound the same way and restored from the bytes, and every field set on
// A must read the same on B. The comparisons below read the objects, not the stream, so a
// field that a Description forgot shows up as a difference here even though the stream
// itself would still be self-consistent. Then refusals: the stream loaded into hosts whose
// bindings differ must be refused with the section named, never half-understood.
#include "tests/unit/hv_fixture.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <tuple>

#include "hv/ldc_service.h"
#include "sim/isa/asi.h"
#include "sim/state/stream.h"

using namespace hvtest;
namespace state = vfsim::state;
using Catch::Matchers::Contains;

namespace {

enum : uint64_t {
  LDC_TX_QCONF = 0xe0, LDC_TX_SET_QTAIL = 0xe3, LDC_RX_QCONF = 0xe4, LDC_SET_MAP_TABLE = 0xea, LDC_MAPIN = 0xed,
};

// g1: two mblocks (RA kRa0 + 64 MB, kRa1 + 16 MB), g2: one.
hv::GuestConfig g1_config(unsigned vcpus = 4) { return guest_config("g1", vcpus, {64ull << 20, 16ull << 20}); }
hv::GuestConfig g2_config() { return guest_config("g2", 2, {64ull << 20}); }

enum class Channels { PeerThenService, ServiceThenPeer, PeerOnly, ServiceOnly };

// One host: the fixture's machine and hypervisor with guests bound, and the channels made in
// a given order. The service is declared first so that it outlives the hypervisor that
// points at it.
struct Host {
  hv::LdcEchoService echo;
  HvFixture f;
  uint64_t g1_peer = ~0ull, g2_peer = ~0ull, g1_svc = ~0ull;

  explicit Host(std::vector<hv::GuestConfig> cfgs = {g1_config(), g2_config()},
                Channels ch = Channels::PeerThenService)
      : f(std::move(cfgs)) {
    auto peer = [&] {
      if (f.guests.size() < 2) return;
      auto ids = f.h->connect(f.guest(0), f.guest(1));
      g1_peer = ids.first;
      g2_peer = ids.second;
    };
    // With a device, so that the MD inputs carry a virtual-device entry too.
    auto service = [&] {
      hv::VirtualDevice dev;
      dev.kind = hv::VirtualDevice::Network;
      dev.handle = 2;
      dev.mac = 0x00144ff9aabbull;
      dev.mtu = 9000;
      g1_svc = f.h->connect_service(f.guest(0), echo, dev);
    };
    switch (ch) {
      case Channels::PeerThenService: peer(); service(); break;
      case Channels::ServiceThenPeer: service(); peer(); break;
      case Channels::PeerOnly: peer(); break;
      case Channels::ServiceOnly: service(); break;
    }
  }
  hv::Guest& g1() { return f.guest(0); }
  hv::Guest& g2() { return f.guest(1); }

  std::vector<uint8_t> save() {
    std::vector<uint8_t> out;
    state::StreamWriter w([&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
    f.m->save_state(w);
    f.h->save_state(w);
    w.finish();
    return out;
  }
};

// Guest real addresses used on host A (all inside g1's / g2's first mblock unless said).
constexpr uint64_t kTxQ = kRa0 + 0x100000, kRxQ2 = kRa0 + 0x200000, kSvcRxQ = kRa0 + 0x280000;
constexpr uint64_t kMapTable2 = kRa0 + 0x400000, kExported2 = kRa0 + 0x502000;
constexpr uint64_t kPage0 = kRa0 + 0x700000;              // g1, first mblock
constexpr uint64_t kPage1 = kRa1 + 0x2000;                // g1, second mblock
constexpr uint64_t kPage1Last = kRa1 + (16ull << 20) - 8192;   // g1, last page of the second mblock

std::vector<uint8_t> pattern(uint8_t seed) {
  std::vector<uint8_t> p(8192);
  for (size_t i = 0; i < p.size(); ++i) p[i] = uint8_t(seed + i * 7 + (i >> 8));
  return p;
}

// Non-default values everywhere host A can be reached, through hypercalls where the guest
// would set them (so the hypervisor's own bookkeeping follows) and directly otherwise.
// Returns the real address g1 got for the mapped-in page.
uint64_t populate(Host& a) {
  HvFixture& f = a.f;
  hv::Guest& g1 = a.g1();
  hv::Guest& g2 = a.g2();

  // The g1 <-> g2 channel: g1's TX queue, g2's RX queue, one packet across, a map table on
  // both ends; g2 exports a page read/write and g1 maps it in.
  REQUIRE(f.fast_on(0, 0, LDC_TX_QCONF, a.g1_peer, kTxQ, 16).status == hv::HV_EOK);
  REQUIRE(f.fast_on(1, 0, LDC_RX_QCONF, a.g2_peer, kRxQ2, 8).status == hv::HV_EOK);
  f.fill(kTxQ, 0xa5, 64, 0);
  REQUIRE(f.fast_on(0, 0, LDC_TX_SET_QTAIL, a.g1_peer, 64).status == hv::HV_EOK);
  REQUIRE(f.fast_on(0, 0, LDC_SET_MAP_TABLE, a.g1_peer, kRa0 + 0x480000, 4).status == hv::HV_EOK);
  REQUIRE(f.fast_on(1, 0, LDC_SET_MAP_TABLE, a.g2_peer, kMapTable2, 8).status == hv::HV_EOK);
  f.st64(kMapTable2 + 16 * 3, kExported2 | 0x30, 1);   // slot 3: R W
  f.write(kExported2, pattern(0x33).data(), 8192, 1);
  Result mi = f.fast_on(0, 0, LDC_MAPIN, a.g1_peer, (3ull << 13) | 0x10);
  REQUIRE(mi.status == hv::HV_EOK);
  const uint64_t mapin_ra = mi.r[0] & ~uint64_t(8191);
  REQUIRE(g1.mapins.size() == 1);
  g1.channel(a.g1_peer)->reset_seen = false;

  // The service channel: an RX queue, one packet delivered now, one 100000 cycles later (it
  // waits in the outbox), a timer, and a count of dropped packets.
  REQUIRE(f.fast_on(0, 0, LDC_RX_QCONF, a.g1_svc, kSvcRxQ, 8).status == hv::HV_EOK);
  hv::LdcEndpoint& svc = *g1.channel(a.g1_svc);
  uint8_t pkt[64];
  for (unsigned i = 0; i < 64; ++i) pkt[i] = uint8_t(0xf0 ^ i);
  f.h->ldc_send(g1, svc, pkt, 0);
  pkt[0] = 0x77;
  f.h->ldc_send(g1, svc, pkt, 100000);
  f.h->ldc_at(svc, 200000, {1, 2, 3, 0xfffffffffull, 5, ~0ull});
  svc.outbox_dropped = 3;
  REQUIRE(svc.outbox.size() == 1);
  REQUIRE(svc.timers.size() == 1);
  REQUIRE(svc.rx.tail == 64);

  // A TLB entry through mmu_map_addr (the MMU's replacement cursor moves with it).
  REQUIRE(f.map_addr(0x40000000, 0x55, tte(kRa0 + 0x6000), hv::MAP_DTLB | hv::MAP_ITLB, 0, 1).status == hv::HV_EOK);
  // vCPU 3's TLB filled and two past it: the round-robin victim cursor (kept in the strand's
  // MMU, not in the Vcpu) is at 2.
  for (unsigned k = 0; k < f.h->tlb_entries + 2; ++k)
    REQUIRE(f.map_addr(0x50000000 + 8192ull * k, 0x66, tte(kRa0 + 8192ull * (k % 64)), hv::MAP_DTLB, 0, 3).status ==
            hv::HV_EOK);

  // The machine description's inputs through their normal path (a new MD generation).
  f.h->set_variables(g1, {{"boot-file", "-k"}, {"auto-boot?", "false"}});

  // Guest fields.
  g1.api[hv::GROUP_LDC] = {1, 7};
  g1.perm.push_back(hv::TlbEntry{0x2000000, 0, tte(kRa0 + 0x10000), hv::MAP_DTLB});
  for (size_t i = 0; i < g1.intr.size(); ++i) {
    g1.intr[i].cookie = 0xc0c0 + i;
    g1.intr[i].target = i % 4;
    g1.intr[i].valid = i % 2;
    g1.intr[i].state = i % 3;
  }
  g1.console = std::string("boot\xff\xfe\x80 ok\0tail\xc3", 15);   // not UTF-8, a NUL inside
  g1.console_input = std::string("\x01\x02typed", 7);
  g1.console_line = "half a li\xe9";
  g1.soft_state = 0x5a;
  g1.soft_state_desc = "Solaris running";
  g1.tod_offset = -123456789;
  g1.stick_offset = 0xdead00000000beefull;
  g1.perf_regs = {{0, 11}, {3, 0xffff0000ffffull}};
  g1.exit_code = 7;
  g1.boot_entry = kRa0 + 0x4000;
  g2.soft_state = 0x33;
  g2.console = "g2 says hi\n";

  // Per-vCPU hypervisor state (the queues, TSBs and contexts the sun4v calls would set).
  for (unsigned i = 0; i < g1.vcpus.size(); ++i) {
    hv::Vcpu& v = g1.vcpus[i];
    v.rtba = kRa0 + 0x10000 * (i + 1);
    for (unsigned q = 0; q < 4; ++q)
      v.queues[q] = hv::InterruptQueue{kRa0 + 0x800000 + 0x10000 * i + 0x2000 * q, 16u << q, 64u * q, 64u * (q + 1)};
    v.fault_area = kRa0 + 0x900000 + 0x40 * i;
    v.tsb_ctx0 = {hv::TsbDescriptor{1, 1, 512, 0, 1, kRa0 + 0xa00000}};
    v.tsb_ctxnon0 = {hv::TsbDescriptor{0, 1, 1024, 1, 0x21, kRa0 + 0xb00000},
                     hv::TsbDescriptor{3, 2, 256, 1, 0x8, kRa0 + 0xc00000 + i}};
    v.mmu_enabled = i % 2;
    v.primary_ctx = 0x100 + i;
    v.secondary_ctx = 0x200 + i;
    if (i != 3)   // vCPU 3's TLB is full already
      v.tlb.push_back(hv::TlbEntry{0x10000000ull + 8192 * i, v.primary_ctx, tte(kRa0 + 0x20000), hv::MAP_ITLB});
    v.hypercalls += 1000 + i;
    v.tsb_hits = 20 + i;
    v.mmu_miss_traps = 30 + i;
  }

  // Guest memory with known contents in both of g1's mblocks, and in g2.
  f.write(kPage0, pattern(0x10).data(), 8192, 0);
  f.write(kPage1, pattern(0x20).data(), 8192, 0);
  f.write(kPage1Last, pattern(0x30).data(), 8192, 0);
  f.write(kRa0 + 0x3000000, pattern(0x40).data(), 8192, 1);

  // Strand registers of g1's vCPUs, after the last hypercall (which sets pc and %o regs).
  for (unsigned i = 0; i < g1.vcpus.size(); ++i) {
    isa::StrandState& s = f.state(0, i);
    s.pc = kRa0 + 0x5000 + 0x100 * i;
    s.npc = s.pc + 4;
    s.next_pc = s.pc + 8;
    s.next_npc = s.pc + 12;
    for (unsigned r = 1; r < 8; ++r) s.set_r(r, 0x1000 * i + r);              // globals, GL 0
    s.set_gl(1);
    for (unsigned r = 1; r < 8; ++r) s.set_r(r, 0x1100 * i + r);              // globals, GL 1
    for (unsigned r = 8; r < 32; ++r) s.set_r(r, 0xa000000000000000ull + 0x100 * i + r);
    s.set_cwp(3);                                                             // window 0 goes to win[]
    for (unsigned r = 8; r < 32; ++r) s.set_r(r, 0xb000000000000000ull + 0x100 * i + r);
    s.cansave = 3;
    s.canrestore = 2;
    s.otherwin = 1;
    s.cleanwin = 5;
    s.wstate = 0x12;
    s.set_fd(0, 0x400921fb54442d18ull);                                       // pi
    s.set_fd(62, 0xc000000000000000ull + i);
    s.set_fs(7, 0x3f800000);
    s.ccr = 0x99;
    s.asi = 0x14;
    s.pstate = isa::PSTATE_PRIV | isa::PSTATE_PEF | isa::PSTATE_IE;
    s.y = 0x1234 + i;
    s.fsr = 0x0000000c80000000ull;
    s.gsr = 0x3f0000007ull;
    s.icount = 123456789 + i;
    s.tl = 2;
    s.tpc[1] = 0x1111 + i; s.tnpc[1] = 0x1115 + i; s.tstate[1] = 0x4414001600ull + i; s.tt[1] = 0x24;
    s.tpc[2] = 0x2222 + i; s.tnpc[2] = 0x2226 + i; s.tstate[2] = 0x8800001601ull + i; s.tt[2] = 0x68;
    s.tba = kRa0 + 0x8000;
    s.pil = 13;
    s.tick = 0x8000000000001234ull + i;
    s.stick = 0x5678 + i;
    s.stick_offset = g1.stick_offset;
    s.tick_cmpr = 0x9999;
    s.stick_cmpr = 0x7fffffff00000000ull + i;
    s.softint = 0x10002;
    for (unsigned k = 0; k < 8; ++k) s.scratchpad[k] = 0x5c000000ull * (k + 1) + i;

    // The strand's timing state beside the registers.
    cmt::Strand& st = f.strand(0, i);
    st.fetch_line = (s.pc >> 6) + i;
    st.store_buffer[2] = 4000 + i;
    st.store_buffer[7] = 4100 + i;
    st.fetch_page = s.pc >> 13;
    st.data_page = (kPage0 >> 13) + i;
    st.store_next = 3;
    st.queue_pending = true;
    st.translations_changed = i == 2;
    st.stick_fired = 0x4242 + i;
    st.stats.instructions = 1000000 + i;
    st.stats.l1_misses = 77;
    st.stats.wait_tlb = 5;
    st.stats.yield_cycles = 0xfeed;
  }

  // Core and cache timing of g1's cores, the L2 and the bandwidth bins.
  for (unsigned i = 0; i < g1.vcpus.size(); ++i) {
    unsigned sid = g1.vcpus[i].strand;
    cmt::Core& c = f.m->core_of(sid);
    c.cycles = 123456 + 1000 * i;
    c.busy_cycles = 99999;
    c.ready_at[sid % f.plat.strands_per_core] = c.cycles + 17 + i;
    for (uint64_t pa : {f.pa_of(kPage0), f.pa_of(kPage1), f.pa_of(kPage0) + 64 * i})
      c.l1d.access(pa);
    c.l1i.access(f.pa_of(kRa0 + 0x5000));
    c.dtlb.access(f.pa_of(kPage0), 13);
    c.itlb.access(f.pa_of(kRa0 + 0x4000), 22);
  }
  // The memory system: a dirty line on its way, a shared one, every kind of booking, counters.
  cmt::MemorySystem& ms = f.m->memsys;
  auto r0 = ms.access(0, 1000.0, f.pa_of(kPage0), cmt::MemorySystem::Kind::Write);
  auto r1 = ms.access(1, 1000.0, f.pa_of(kPage1), cmt::MemorySystem::Kind::Read);
  REQUIRE(!r0.l2_hit);
  REQUIRE(!r1.l2_hit);
  ms.mcus[0].northbound.bins[5] = {42, 3.25};
  ms.mcus[1].banks[2].bins[6] = {43, 60.0};
  ms.l2_banks[3].bins[7] = {9, 0.5};
  ms.fill_buffers[4].bins[8] = {10, 120.0};
  ms.links.tx[1].bins[9] = {11, 1.9};
  ms.stats[0].prefetches = 77;
  f.m->console = std::string("bare\x01\xff", 6);
  f.m->traced = 12;
  return mapin_ra;
}

// Comparison helpers: each struct's fields as a tuple of references, compared at once.
auto key(const hv::Mblock& m) { return std::tie(m.ra, m.size, m.pa); }
auto key(const hv::TlbEntry& e) { return std::tie(e.va, e.ctx, e.tte, e.flags); }
auto key(const hv::TsbDescriptor& t) {
  return std::tie(t.idx_pgsz, t.assoc, t.entries, t.ctx_index, t.pgsz_mask, t.base_ra);
}
auto key(const hv::InterruptQueue& q) { return std::tie(q.base_ra, q.entries, q.head, q.tail); }
auto key(const hv::InterruptSource& s) { return std::tie(s.devhandle, s.devino, s.cookie, s.target, s.valid, s.state); }
auto key(const hv::Timer& t) { return std::tie(t.due, t.args); }
auto key(const hv::LdcEndpoint::Queued& q) { return std::tie(q.pkt, q.due); }
auto key(const hv::VirtualDevice& d) { return std::tie(d.kind, d.handle, d.channel, d.mac, d.mtu); }
auto key(const hv::GuestResources::Mblock& m) { return std::tie(m.base, m.size); }
auto key(const cmt::StrandStats& s) {
  return std::tie(s.instructions, s.stall_cycles, s.loads, s.l1_misses, s.l2_misses, s.remote_accesses, s.l1i_misses,
                  s.unit_conflicts, s.store_buffer_full, s.wait_fetch, s.wait_load, s.wait_long_op,
                  s.wait_store_buffer, s.itlb_misses, s.dtlb_misses, s.wait_tlb, s.traps, s.interrupts,
                  s.yield_cycles);
}
template <class T> bool same(const T& a, const T& b) { return key(a) == key(b); }
template <class T> bool same(const std::vector<T>& a, const std::vector<T>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const T& x, const T& y) { return key(x) == key(y); });
}
template <class T, size_t N> bool same(const std::array<T, N>& a, const std::array<T, N>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), [](const T& x, const T& y) { return key(x) == key(y); });
}
// C arrays (1-D or 2-D of integers): byte-for-byte.
template <class T, size_t N> bool same_array(const T (&a)[N], const T (&b)[N]) { return std::memcmp(a, b, sizeof a) == 0; }
std::string name_of(const hv::Guest* g) { return g ? g->name : "(none)"; }

#define SAME(field) CHECK(a.field == b.field)
#define SAME_ARRAY(field) CHECK(same_array(a.field, b.field))
#define SAME_PARTS(field) CHECK(same(a.field, b.field))

void compare(const isa::StrandState& a, const isa::StrandState& b) {
  SAME(pc); SAME(npc); SAME(next_pc); SAME(next_npc); SAME_ARRAY(reg);
  SAME(ccr); SAME(asi); SAME(fprs); SAME(pstate); SAME(y); SAME(fsr); SAME(gsr); SAME_ARRAY(f); SAME(icount);
  SAME(cwp); SAME(cansave); SAME(canrestore); SAME(otherwin); SAME(cleanwin); SAME(wstate); SAME(gl); SAME(tl);
  SAME_ARRAY(tpc); SAME_ARRAY(tnpc); SAME_ARRAY(tstate); SAME_ARRAY(tt); SAME(tba); SAME(pil);
  SAME(tick); SAME(stick); SAME(stick_offset); SAME(tick_cmpr); SAME(stick_cmpr); SAME(softint);
  SAME_ARRAY(scratchpad); SAME_ARRAY(win); SAME_ARRAY(globals);
}

void compare(const cmt::Strand& a, const cmt::Strand& b) {
  SAME(id); SAME(fetch_line); SAME_ARRAY(store_buffer); SAME(fetch_page); SAME(data_page); SAME(store_next);
  SAME(queue_pending); SAME(translations_changed); SAME(stick_fired); SAME_PARTS(stats);
  compare(a.state, b.state);
}

void compare(const cmt::CacheModel& a, const cmt::CacheModel& b) {
  CHECK(a.hits() == b.hits());
  CHECK(a.misses() == b.misses());
}

void compare(const cmt::TlbModel& a, const cmt::TlbModel& b) {
  CHECK(a.hits() == b.hits());
  CHECK(a.misses() == b.misses());
  CHECK(a.entries() == b.entries());
}

void compare(const cmt::Core& a, const cmt::Core& b) {
  SAME_ARRAY(running); SAME_ARRAY(ready_at); SAME(cycles); SAME(busy_cycles);
  compare(a.l1i, b.l1i); compare(a.l1d, b.l1d); compare(a.itlb, b.itlb); compare(a.dtlb, b.dtlb);
}

void compare(const hv::Vcpu& a, const hv::Vcpu& b) {
  SAME(id); SAME(strand); SAME(state); SAME(rtba); SAME_PARTS(queues); SAME(fault_area);
  SAME_PARTS(tsb_ctx0); SAME_PARTS(tsb_ctxnon0); SAME(mmu_enabled); SAME(primary_ctx); SAME(secondary_ctx);
  SAME_PARTS(tlb); SAME(hypercalls); SAME(tsb_hits); SAME(mmu_miss_traps);
}

void compare(const hv::GuestResources& a, const hv::GuestResources& b) {
  SAME(domain); SAME(strands); SAME_PARTS(memory); SAME(hostid); SAME(mac_address); SAME(q_cpu_mondo_bits);
  SAME(q_dev_mondo_bits); SAME(q_resumable_bits); SAME(q_nonresumable_bits); SAME(md_generation); SAME(variables);
  SAME(crypto_units); SAME(pcie_buses); SAME(channels); SAME_PARTS(vdevs);
}

// Endpoints: the peer is compared by name (the pointers are of two different hosts).
void compare(const hv::LdcEndpoint& a, const hv::LdcEndpoint& b) {
  SAME(id); CHECK(name_of(a.peer) == name_of(b.peer)); CHECK(!a.service == !b.service); SAME(peer_id);
  SAME_PARTS(outbox); SAME(outbox_dropped); SAME_PARTS(timers); SAME_PARTS(tx); SAME_PARTS(rx); SAME(reset_seen);
  SAME(map_ra); SAME(map_entries);
}

void compare(const hv::Guest& a, const hv::Guest& b) {
  SAME(id); SAME(name); SAME_PARTS(memory); SAME(md); SAME(api); SAME_PARTS(perm); SAME_PARTS(intr);
  SAME(console); SAME(console_input); SAME(console_line); SAME(soft_state); SAME(soft_state_desc);
  SAME(stick_offset); SAME(tod_offset); SAME(perf_regs); SAME(exited); SAME(exit_code); SAME(boot_entry);
  compare(a.md_inputs, b.md_inputs);
  REQUIRE(a.vcpus.size() == b.vcpus.size());
  for (size_t i = 0; i < a.vcpus.size(); ++i) {
    INFO("vCPU " << i);
    compare(a.vcpus[i], b.vcpus[i]);
  }
  REQUIRE(a.ldc.size() == b.ldc.size());
  for (size_t i = 0; i < a.ldc.size(); ++i) {
    INFO("channel " << a.ldc[i].id);
    compare(a.ldc[i], b.ldc[i]);
  }
  REQUIRE(a.mapins.size() == b.mapins.size());
  for (auto ia = a.mapins.begin(), ib = b.mapins.begin(); ia != a.mapins.end(); ++ia, ++ib) {
    CHECK(ia->first == ib->first);
    CHECK(std::tie(ia->second.pa, ia->second.perms, ia->second.channel, ia->second.index) ==
          std::tie(ib->second.pa, ib->second.perms, ib->second.channel, ib->second.index));
    CHECK(name_of(ia->second.exporter) == name_of(ib->second.exporter));
  }
}

// A guest's resident memory, page by page, by real address.
std::map<uint64_t, std::vector<uint8_t>> pages(Host& h, hv::Guest& g) {
  std::map<uint64_t, std::vector<uint8_t>> out;
  h.f.h->resident_pages(g, [&](uint64_t ra, const uint8_t* p) { out[ra].assign(p, p + 8192); });
  return out;
}

// Where two streams differ, as the first section whose name, version or payload differs and
// the offset of the first differing payload byte ("" when the bytes are equal). Comparing
// the byte vectors in a CHECK would make Catch print megabytes on a failure.
std::string first_difference(const std::vector<uint8_t>& x, const std::vector<uint8_t>& y) {
  if (x == y) return "";
  state::StreamReader rx(x.data(), x.size(), "x"), ry(y.data(), y.size(), "y");
  const auto &sx = rx.sections(), &sy = ry.sections();
  for (size_t i = 0; i < std::min(sx.size(), sy.size()); ++i) {
    if (sx[i].name != sy[i].name || sx[i].version != sy[i].version) return "section " + sx[i].name + " vs " + sy[i].name;
    if (sx[i].size != sy[i].size) return "section '" + sx[i].name + "': another size";
    auto at = std::mismatch(sx[i].payload, sx[i].payload + sx[i].size, sy[i].payload);
    if (at.first != sx[i].payload + sx[i].size)
      return "section '" + sx[i].name + "' at payload offset " + std::to_string(at.first - sx[i].payload);
  }
  return "another number of sections";
}

}  // namespace

TEST_CASE("a whole host round-trips through the state stream, field for field", "[state][ldc]") {
  Host a;
  const uint64_t mapin_ra = populate(a);
  const std::vector<uint8_t> bytes = a.save();
  REQUIRE(a.f.h->saved_pages() >= 5);

  Host b;   // bound as A was: same guests, same channels, same order; nothing else
  REQUIRE(b.g1().soft_state == 0);   // B really starts from defaults
  // B's memory is not blank either: a page A never touched, and one A wrote, hold other bytes
  // here. After the load the first must read zero again and the second A's bytes.
  b.f.fill(kPage0 + 0x10000, 0xee, 8192, 0);
  b.f.fill(kPage1, 0xee, 100, 0);
  state::StreamReader r(bytes.data(), bytes.size(), "host A");
  b.f.m->load_state(r);
  b.f.h->load_state(r);

  SECTION("the machine: cores, strands (registers and timing), caches, bins") {
    CHECK(b.f.m->console == a.f.m->console);
    CHECK(b.f.m->traced == 12);
    const cmt::MemorySystem &ma = a.f.m->memsys, &mb = b.f.m->memsys;
    CHECK(mb.stats[0].prefetches == 77);
    CHECK(mb.stats[0].dram_read_bytes == ma.stats[0].dram_read_bytes);
    CHECK(mb.stats[1].snoops == ma.stats[1].snoops);
    CHECK(mb.links.bytes_sent == ma.links.bytes_sent);
    CHECK(mb.mcus[1].banks[2].bins[6] == std::make_pair(uint64_t(43), 60.0));
    CHECK(mb.fill_buffers[4].bins == ma.fill_buffers[4].bins);
    CHECK(mb.links.tx[1].bins == ma.links.tx[1].bins);
    CHECK(mb.mcus[0].reads == ma.mcus[0].reads);
    for (unsigned sock = 0; sock < 2; ++sock) {   // the line's flags and arrival time came back
      uint64_t pa = b.f.pa_of(sock ? kPage1 : kPage0);
      long wa = ma.l2[sock]->find(pa), wb = mb.l2[sock]->find(pa);
      REQUIRE(wa >= 0);
      REQUIRE(wb == wa);
      CHECK(mb.l2[sock]->flags(wb) == ma.l2[sock]->flags(wa));
      CHECK(mb.l2[sock]->ready(wb) == ma.l2[sock]->ready(wa));
      CHECK(mb.l2[sock]->ready(wb) > 1000.0);
    }
    CHECK((mb.l2[0]->flags(mb.l2[0]->find(b.f.pa_of(kPage0))) & cmt::L2Cache::DIRTY));
    CHECK(b.f.m->exit_code == a.f.m->exit_code);
    CHECK(b.f.m->running == a.f.m->running);
    for (size_t s = 0; s < ma.l2.size(); ++s) {
      CHECK(ma.l2[s]->hits() == mb.l2[s]->hits());
      CHECK(ma.l2[s]->misses() == mb.l2[s]->misses());
    }
    CHECK(mb.mcus[0].northbound.bins == ma.mcus[0].northbound.bins);
    CHECK(mb.mcus[0].northbound.bins[5] == std::make_pair(uint64_t(42), 3.25));
    CHECK(mb.l2_banks[3].bins == ma.l2_banks[3].bins);
    for (size_t c = 0; c < a.f.m->cores.size(); ++c) {
      INFO("core " << c);
      compare(*a.f.m->cores[c], *b.f.m->cores[c]);
      for (size_t s = 0; s < a.f.m->cores[c]->strands.size(); ++s) {
        INFO("strand " << a.f.m->cores[c]->strands[s]->id);
        compare(*a.f.m->cores[c]->strands[s], *b.f.m->cores[c]->strands[s]);
      }
    }
    // The values are the ones set, not two defaults that happen to agree.
    isa::StrandState& s = b.f.state(0, 2);
    CHECK(s.pc == kRa0 + 0x5200);
    CHECK(s.cwp == 3);
    CHECK(s.r(17) == 0xb000000000000000ull + 0x200 + 17);
    CHECK(s.win[0][9] == 0xa000000000000000ull + 0x200 + 17);   // window 0's %l1, in backing store
    CHECK(s.gl == 1);
    CHECK(s.r(3) == 0x2200 + 3);
    CHECK(s.globals[0][3] == 0x2000 + 3);
    CHECK(s.fd(0) == 0x400921fb54442d18ull);
    CHECK(s.tl == 2);
    CHECK(s.tpc[2] == 0x2224);
    CHECK(s.stick_cmpr == 0x7fffffff00000002ull);
    CHECK(s.scratchpad[7] == 0x5c000000ull * 8 + 2);
    CHECK(s.stick_offset == 0xdead00000000beefull);
    cmt::Core& core = b.f.m->core_of(b.f.vcpu(0, 2).strand);
    CHECK(core.cycles == 126456);   // g1's four vCPUs share core 0: the last one's value
    CHECK(core.ready_at[b.f.vcpu(0, 2).strand % b.f.plat.strands_per_core] == 125456 + 17 + 2);
    // The LRU tags came back: the lines A touched hit on B, and what A would miss B misses too.
    cmt::Core& core_a = a.f.m->core_of(a.f.vcpu(0, 2).strand);
    CHECK(core.l1d.access(b.f.pa_of(kPage1)));
    CHECK(core_a.l1d.access(a.f.pa_of(kPage1)));
    CHECK_FALSE(core.l1d.access(b.f.pa_of(kPage1 + 0x100000)));
    CHECK(b.f.m->memsys.l2[1]->lookup(b.f.pa_of(kPage1)) >= 0);
  }

  SECTION("the guests: vCPUs, channels, mapins, sources, console, MD inputs") {
    for (unsigned gi = 0; gi < 2; ++gi) {
      INFO("guest " << a.f.guest(gi).name);
      compare(a.f.guest(gi), b.f.guest(gi));
    }
    hv::Guest& g1 = b.g1();
    CHECK(g1.console.size() == 15);
    CHECK(g1.console == std::string("boot\xff\xfe\x80 ok\0tail\xc3", 15));
    CHECK(g1.tod_offset == -123456789);
    CHECK(g1.md_inputs.variables.at("boot-file") == "-k");
    CHECK(g1.md_inputs.md_generation == a.g1().md_inputs.md_generation);
    CHECK(g1.md_inputs.md_generation > b.g2().md_inputs.md_generation);   // set_variables bumped it
    REQUIRE(g1.md_inputs.vdevs.size() == 1);
    CHECK(g1.md_inputs.vdevs[0].kind == hv::VirtualDevice::Network);
    CHECK(g1.md_inputs.vdevs[0].mtu == 9000);
    CHECK(g1.api.at(hv::GROUP_LDC) == std::make_pair(uint64_t(1), uint64_t(7)));
    CHECK(g1.vcpus[3].queues[3].tail == 256);
    CHECK(g1.vcpus[1].tlb.size() == a.g1().vcpus[1].tlb.size());
    CHECK(g1.vcpus[1].tlb.size() == 2);   // mmu_map_addr's and the one pushed
    // vCPU 3's next replacement evicts the same entry on both hosts (the cursor came back).
    REQUIRE(g1.vcpus[3].tlb.size() == b.f.h->tlb_entries);
    REQUIRE(b.f.map_addr(0x60000000, 0x66, tte(kRa0), hv::MAP_DTLB, 0, 3).status == hv::HV_EOK);
    REQUIRE(a.f.map_addr(0x60000000, 0x66, tte(kRa0), hv::MAP_DTLB, 0, 3).status == hv::HV_EOK);
    CHECK(g1.vcpus[3].tlb[2].va == 0x60000000);   // the 129th and 130th went to slots 0 and 1
    CHECK(same(a.g1().vcpus[3].tlb, g1.vcpus[3].tlb));

    // The channel's peer is B's g2, never A's.
    hv::LdcEndpoint& ep = *g1.channel(b.g1_peer);
    CHECK(ep.peer == &b.g2());
    CHECK(ep.peer != &a.g2());
    CHECK(ep.tx.tail == 64);
    CHECK_FALSE(ep.reset_seen);
    CHECK(b.g2().channel(b.g2_peer)->peer == &g1);
    CHECK(b.g2().channel(b.g2_peer)->map_ra == kMapTable2);
    // The service end stays B's own service.
    hv::LdcEndpoint& svc = *g1.channel(b.g1_svc);
    CHECK(svc.service == &b.echo);
    REQUIRE(svc.outbox.size() == 1);
    CHECK(svc.outbox[0].pkt[0] == 0x77);
    CHECK(svc.outbox[0].due == a.g1().channel(a.g1_svc)->outbox[0].due);
    REQUIRE(svc.timers.size() == 1);
    CHECK(svc.timers[0].args == hv::TimerArgs{1, 2, 3, 0xfffffffffull, 5, ~0ull});
    CHECK(svc.outbox_dropped == 3);
    CHECK(b.f.h->ldc_next_due(g1) == a.f.h->ldc_next_due(a.g1()));

    // The mapped-in page names B's g2 and its page: a load through B's MMU reads g2's bytes.
    REQUIRE(g1.mapins.count(mapin_ra));
    const hv::Guest::Mapin& m = g1.mapins.at(mapin_ra);
    CHECK(m.exporter == &b.g2());
    CHECK(m.exporter != &a.g2());
    CHECK(m.pa == b.f.pa_of(kExported2, 1));
    CHECK(m.perms == 3);
    isa::StrandState& st = b.f.state(0, 0);
    isa::Translation t = st.mem->translate(st, mapin_ra, isa::Access::Read, isa::ASI_PRIMARY);   // vCPU 0: real mode
    REQUIRE(t.page);
    CHECK(std::memcmp(t.page, pattern(0x33).data(), 8192) == 0);
  }

  SECTION("memory: the same resident pages, byte for byte, in both mblocks and both guests") {
    for (unsigned gi = 0; gi < 2; ++gi) {
      INFO("guest " << a.f.guest(gi).name);
      auto pa = pages(a, a.f.guest(gi)), pb = pages(b, b.f.guest(gi));
      CHECK(pa.size() == pb.size());
      CHECK(pa == pb);
    }
    CHECK(b.f.bytes(kPage0, 8192, 0) == pattern(0x10));
    CHECK(b.f.bytes(kPage1, 8192, 0) == pattern(0x20));
    CHECK(b.f.bytes(kPage1Last, 8192, 0) == pattern(0x30));
    CHECK(b.f.bytes(kRa0 + 0x3000000, 8192, 1) == pattern(0x40));
    CHECK(b.f.bytes(kPage0 + 0x10000, 8192, 0) == std::vector<uint8_t>(8192, 0));
    CHECK(b.f.bytes(kRxQ2, 64, 1) == std::vector<uint8_t>(64, 0xa5));   // the packet g1 sent g2
  }

  SECTION("both hosts go on identically: due packets and timers, hypercalls, a service reset") {
    // The same events on both: the delayed packet and the timer fall due, g1 sends g2 a
    // packet, then the service channel is reset as a save in ldmd does. A restored host that
    // diverges here kept something of the load wrong even if every field compared equal.
    for (Host* h : {&a, &b}) {
      h->f.h->run_device_events(h->g1(), 1000000);
      REQUIRE(h->f.fast_on(0, 1, LDC_TX_SET_QTAIL, h->g1_peer, 128).status == hv::HV_EOK);
      h->f.h->reset_service_channels(h->g1());
      // The fixture puts each `ta` at an address from its own call counter, which differs
      // between the hosts (A made many calls): give both the same pc afterwards.
      h->f.state(0, 1).pc = kRa0 + 0x7000;
      h->f.state(0, 1).npc = kRa0 + 0x7004;
    }
    CHECK(b.g1().channel(b.g1_svc)->outbox.empty());
    CHECK(b.g1().channel(b.g1_svc)->rx.tail == 128);   // the delayed packet arrived
    CHECK(b.f.bytes(kSvcRxQ + 64, 1, 0)[0] == 0x77);
    CHECK(b.g2().channel(b.g2_peer)->rx.tail == 128);
    CHECK(first_difference(b.save(), a.save()) == "");
  }

  SECTION("saving B again gives A's bytes exactly") {
    const std::vector<uint8_t> again = b.save();
    CHECK(again.size() == bytes.size());
    CHECK(first_difference(again, bytes) == "");
    CHECK(first_difference(a.save(), bytes) == "");   // and A's own second save is A's first
  }
}

namespace {
// A's stream, loaded into a host bound differently: the machine part loads (same platform),
// the hypervisor part is refused. Returns the refusal's message ("" when nothing threw).
std::string refusal(const std::vector<uint8_t>& bytes, Host& c) {
  state::StreamReader r(bytes.data(), bytes.size(), "host A");
  c.f.m->load_state(r);
  try {
    c.f.h->load_state(r);
  } catch (const state::StateError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("a state stream is refused by a host bound differently, naming the section and why", "[state][ldc]") {
  std::vector<uint8_t> bytes;
  {
    Host a;
    populate(a);
    bytes = a.save();
  }

  SECTION("g1 with another number of vCPUs") {
    Host c({g1_config(2), g2_config()});
    std::string why = refusal(bytes, c);
    CHECK_THAT(why, Contains("section 'guest g1'") && Contains("its vCPUs differ from this binding's"));
    Host d({g1_config(2), g2_config()});
    state::StreamReader r(bytes.data(), bytes.size(), "host A");
    REQUIRE_THROWS_WITH(d.f.h->load_state(r), Contains("host A: section 'guest g1' at offset") && Contains("vCPUs differ"));
  }
  SECTION("g1 with as many vCPUs on other strands") {
    hv::GuestConfig g1 = g1_config();
    g1.strands = {8, 9, 10, 11};
    Host c({g1, g2_config()});
    CHECK_THAT(refusal(bytes, c), Contains("section 'guest g1'") &&
                                      Contains("vCPU 0 on strand 0 was saved, this guest has vCPU 0 on strand 8"));
  }
  SECTION("g1 with other memory") {
    hv::GuestConfig g1 = guest_config("g1", 4, {64ull << 20});
    Host c({g1, g2_config()});
    CHECK_THAT(refusal(bytes, c), Contains("section 'guest g1'") && Contains("its memory blocks differ"));
  }
  SECTION("a guest missing") {
    Host c({g1_config()}, Channels::ServiceOnly);
    // The guests are listed in the hypervisor section, checked before any guest is loaded.
    CHECK_THAT(refusal(bytes, c), Contains("section 'hypervisor'") &&
                                      Contains("the snapshot's guests (g1, g2) are not the ones bound here (g1)"));
  }
  SECTION("g1 without its service channel") {
    Host c({g1_config(), g2_config()}, Channels::PeerOnly);
    CHECK_THAT(refusal(bytes, c), Contains("section 'guest g1'") && Contains("its channels differ"));
  }
  SECTION("g1's channels made in another order") {
    Host c({g1_config(), g2_config()}, Channels::ServiceThenPeer);
    CHECK_THAT(refusal(bytes, c),
               Contains("section 'guest g1'") && Contains("channel 0 is not one of this binding's channels (its devices differ)"));
  }
  SECTION("the same binding loads") {
    Host c;
    CHECK(refusal(bytes, c).empty());
  }
}
