// libFuzzer target: the bytes a migration target gets as the runtime-state frame (kRuntime,
// ldm/migration.cpp), into Hypervisor::load_migration of a guest bound as the target binds
// it, and the same bytes as the (real address, page) pairs of install_migrated_pages. The
// only way out is a state::StateError from the load, or false and a reason from the install:
// a crash, a sanitizer report, a hang or any other exception is a finding.
//
// Oracles besides the sanitizers, checked after every input:
//   - the other guest's memory, and physical memory that is no guest's, are untouched
//     (a page or queue write through a real address the load did not check);
//   - a refused install changes nothing;
//   - a state that loads is one the machine can run: the strand's window, global and trap
//     level indices and PIL in range (as the instructions keep them), and the guest then
//     resumes, takes its pending interrupts and runs a few instructions (memory is zero:
//     each is an illtrap, delivered to the guest's trap table) without a report;
//   - what loaded saves again.
//
// No SystemC simulation runs: the hypervisor's entry points are called directly, as in the
// unit tests (tests/unit/hv_fixture.h). One T5240 BareMachine is reused; each input gets a
// freshly bound target guest on the same strands and physical memory.
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write runtime streams saved from a source guest in a few states
// to DIR (run_fuzz.sh's seed corpus) and exit.
#include "tests/fuzz/fuzz_seed.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "hv/hypervisor.h"
#include "hv/ldc_service.h"
#include "hv/sun4v.h"
#include "sim/isa/strand_state.h"
#include "sim/isa/traps.h"
#include "sim/platform/platform.h"
#include "sim/state/codec.h"

// libsystemc wants the program's sc_main; libFuzzer provides main and nothing starts SystemC.
int sc_main(int, char**) { return 0; }

namespace {

namespace hv = vfsim::hv;
namespace cmt = vfsim::cmt;
namespace isa = vfsim::isa;
namespace state = vfsim::state;

constexpr uint64_t kRa0 = hv::kGuestRaBase, kRa1 = 0x10000000;
constexpr uint64_t kSize0 = 64ull << 20, kSize1 = 16ull << 20;
constexpr uint64_t kPage = cmt::PhysicalMemory::kPageSize;

// The target as ldmd binds it (same real-address blocks as the source, its own strands and
// physical memory, the domain's full vCPU count), a bystander guest, and the source the seeds
// are saved from.
hv::GuestConfig config(const std::string& name, std::vector<unsigned> strands, uint64_t pa) {
  hv::GuestConfig c;
  c.name = name;
  c.vcpus = unsigned(strands.size());
  c.strands = std::move(strands);
  c.layout = {{kRa0, kSize0, pa}, {kRa1, kSize1, pa + kSize0}};
  return c;
}
const std::vector<unsigned> kTargetStrands = {8, 9, 16, 17};
constexpr uint64_t kTargetPa = 0x40000000, kBystanderPa = 0x50000000, kSourcePa = 0x60000000;
constexpr uint64_t kBystanderSize = 8ull << 20;

struct World {
  vfsim::platform::Platform plat = vfsim::platform::load_platform("T5240");
  std::unique_ptr<cmt::BareMachine> m;
  std::unique_ptr<hv::Hypervisor> h;
  hv::LdcEchoService svc0, svc1;   // the target binds its services' channels (ids 0 and 1)
  hv::Guest* bystander = nullptr;
  uint32_t bystander_crc = 0;
  uint64_t inputs = 0;

  World() {
    static unsigned counter = 0;
    m = std::make_unique<cmt::BareMachine>(("fuzz_machine" + std::to_string(counter++)).c_str(), plat);
    h = std::make_unique<hv::Hypervisor>(*m);
    hv::GuestConfig b;
    b.name = "bystander";
    b.strands = {40};
    b.layout = {{kRa0, kBystanderSize, kBystanderPa}};
    bystander = &h->create_guest(b);
    std::vector<uint8_t> page(kPage, 0x5a);
    h->write_guest_page(*bystander, kRa0 + 3 * kPage, page.data());
    bystander_crc = h->memory_checksum(*bystander);
  }
  ~World() {
    h.reset();
    m.reset();
  }

  hv::Guest& bind(const std::string& name, const std::vector<unsigned>& strands, uint64_t pa) {
    hv::Guest& g = h->create_guest(config(name, strands, pa));
    h->connect_service(g, svc0);
    h->connect_service(g, svc1);
    g.boot_entry = kRa0;
    return g;
  }
};

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_migration_runtime: FINDING: %s\n", what.c_str());
  std::abort();
}

// A hypercall as a guest's `ta` reaches the hypervisor (tests/unit/hv_fixture.h).
uint64_t call(World& w, hv::Guest& g, unsigned vi, unsigned trap, uint64_t fn, std::initializer_list<uint64_t> args) {
  hv::Vcpu& v = g.vcpus.at(vi);
  isa::StrandState& st = w.m->strand(v.strand).state;
  st.pstate |= isa::PSTATE_PRIV;
  unsigned i = 0;
  for (uint64_t a : args) st.set_r(8 + i++, a);
  st.set_r(13, fn);
  w.h->on_trap(w.m->core_of(v.strand), v.strand % w.plat.strands_per_core, isa::Trap(isa::TT_TRAP_INSTRUCTION + trap));
  return st.r(8);
}
uint64_t fast(World& w, hv::Guest& g, unsigned vi, uint64_t fn, std::initializer_list<uint64_t> args) {
  return call(w, g, vi, 0x80, fn, args);
}

void be64(World& w, hv::Guest& g, uint64_t ra, uint64_t v) {
  uint64_t pa;
  if (!g.ra_to_pa(ra, 8, pa)) finding("seed: bad ra");
  uint64_t b = __builtin_bswap64(v);
  w.m->mem.write(pa, &b, 8);
}

// ---- seeds: a source guest in a few states, saved as the source ldmd saves it ----

std::vector<uint8_t> save(World& w, const hv::Guest& g) {
  state::Encoder e;
  w.h->save_migration(g, e);
  return e.buf;
}

std::vector<std::pair<std::string, std::vector<uint8_t>>> seeds() {
  std::vector<std::pair<std::string, std::vector<uint8_t>>> out;
  for (int kind = 0; kind < 4; ++kind) {
    World w;
    // 1 vCPU left after DR (kind 3), else 2.
    hv::Guest& s = w.bind("src", kind == 3 ? std::vector<unsigned>{0} : std::vector<unsigned>{0, 1}, kSourcePa);
    w.h->boot(s);
    for (auto [group, major, minor] : {std::tuple{hv::GROUP_CORE, 1, 2}, {hv::GROUP_INTR, 1, 0},
                                       {hv::GROUP_SOFT_STATE, 1, 0}, {hv::GROUP_LDC, 1, 0},
                                       {hv::GROUP_N2_CPU, 1, 0}})
      call(w, s, 0, 0xff, 0x00, {uint64_t(group), uint64_t(major), uint64_t(minor)});
    if (kind == 0) {
      out.emplace_back("booted", save(w, s));
      continue;
    }
    // A running Solaris-like guest: queues, a TSB, a permanent mapping, soft state, TOD,
    // console input, interrupt cookies, both channels' queues and a map table, registers in
    // another window, at TL 1 and GL 1, and the second vCPU started.
    const uint64_t qbase = kRa0 + 0x100000;
    fast(w, s, 0, 0x14, {hv::Q_CPU_MONDO, qbase, 128});
    fast(w, s, 0, 0x14, {hv::Q_DEV_MONDO, qbase + 0x2000, 128});
    fast(w, s, 0, 0x14, {hv::Q_RESUMABLE, qbase + 0x4000, 64});
    fast(w, s, 0, 0x14, {hv::Q_NONRESUMABLE, qbase + 0x5000, 4});
    uint64_t tsb = kRa0 + 0x200000, desc = kRa0 + 0x300000;
    be64(w, s, desc, uint64_t(0) << 48 | uint64_t(1) << 32 | 512);   // idx_pgsz 0, assoc 1, 512 entries
    be64(w, s, desc + 8, uint64_t(0) << 32 | 0x1);                    // ctx_index 0, pgsz_mask 8K
    be64(w, s, desc + 16, tsb);
    fast(w, s, 0, 0x20, {1, desc});
    fast(w, s, 0, 0x26, {kRa0 + 0x310000});
    call(w, s, 0, 0x83, 0x00, {0x2000, 0, hv::TTE_V | (kRa0 + 0x400000) | hv::TTE_W | hv::TTE_CP, hv::MAP_DTLB});
    fast(w, s, 0, 0x25, {0x10000000, 0, hv::TTE_V | kRa0 | hv::TTE_X | hv::TTE_CP | 3, hv::MAP_ITLB | hv::MAP_DTLB});
    std::string ss = "SOLARIS running";
    uint64_t pa;
    s.ra_to_pa(kRa0 + 0x320000, ss.size() + 1, pa);
    w.m->mem.write(pa, ss.c_str(), ss.size() + 1);
    fast(w, s, 0, 0x70, {2, kRa0 + 0x320000});
    fast(w, s, 0, 0x51, {1700000000});
    w.h->console_input(s, "ok boot\r");
    fast(w, s, 0, 0xa8, {hv::kChannelDevhandle, 1, 0x1234});
    fast(w, s, 0, 0xaa, {hv::kChannelDevhandle, 1, 1});
    fast(w, s, 0, 0xa8, {0x100, 0x11, 0x77});
    fast(w, s, 0, 0xaa, {0x100, 0x11, 1});
    for (uint64_t ch : {0, 1}) {
      fast(w, s, 0, 0xe0, {ch, kRa0 + 0x500000 + ch * 0x10000, 128});
      fast(w, s, 0, 0xe4, {ch, kRa0 + 0x508000 + ch * 0x10000, 128});
    }
    fast(w, s, 0, 0xea, {0, kRa0 + 0x600000, 64});
    fast(w, s, 0, 0x105, {0, 0xabc});   // a performance register
    isa::StrandState& st = w.m->strand(s.vcpus[0].strand).state;
    st.set_r(16, 0x1234567890abcdefull);
    st.set_cwp(3);
    st.set_r(17, 0xfeed);
    st.tba = kRa0 + 0x8000;
    st.pil = 9;
    st.tl = 1;
    st.tpc[1] = kRa0 + 0x1000;
    st.set_gl(1);
    st.pc = kRa0 + 0x2000;
    st.npc = kRa0 + 0x2004;
    if (s.vcpus.size() > 1) fast(w, s, 0, 0x10, {1, kRa0 + 0x3000, kRa0 + 0x9000, 7});
    if (kind == 2) {   // suspended: the second vCPU stopped, the first in guest_suspend
      if (s.vcpus.size() > 1) fast(w, s, 0, 0x11, {1});
      fast(w, s, 0, hv::FN_GUEST_SUSPEND, {});
      if (!w.h->guest_suspended(s)) finding("seed: the source did not suspend");
    }
    out.emplace_back(kind == 1 ? "configured" : kind == 2 ? "suspended" : "one-vcpu", save(w, s));
  }
  return out;
}

// ---- one input ----

// What a strand's state must satisfy for the interpreter and the hypervisor to run it: the
// indices they use into the window, global and trap-level arrays, the PIL they shift by.
std::string strand_invariants(const isa::StrandState& st) {
  if (st.cwp >= isa::kNWindows) return "cwp " + std::to_string(st.cwp);
  if (st.gl > isa::kMaxGL) return "gl " + std::to_string(st.gl);
  if (st.tl > isa::kMaxTL) return "tl " + std::to_string(st.tl);
  if (st.pil > 15) return "pil " + std::to_string(st.pil);
  return "";
}

uint64_t resident_pages(World& w, uint64_t pa, uint64_t size) {
  uint64_t n = 0;
  w.m->mem.for_each_resident(pa, size, [&](uint64_t, const uint8_t*) { ++n; });
  return n;
}

void check_isolation(World& w, const hv::Guest& t, const char* after) {
  if (w.h->memory_checksum(*w.bystander) != w.bystander_crc)
    finding(std::string("the bystander guest's memory changed after ") + after);
  uint64_t mine = resident_pages(w, kTargetPa, kSize0 + kSize1) + resident_pages(w, kBystanderPa, kBystanderSize);
  if (w.m->mem.resident_pages() != mine)
    finding(std::string("physical memory outside both guests became resident after ") + after);
  (void)t;
}

// The input's 8-byte words as real addresses: mostly page addresses in or near the guest's
// blocks (so both acceptance and refusal are reached), the rest as they are.
std::vector<uint64_t> real_addresses(const uint8_t* data, size_t size) {
  std::vector<uint64_t> ras;
  for (size_t i = 0; i + 8 <= size && ras.size() < 64; i += 8) {
    uint64_t word = state::get_be(data + i, 8);
    ras.push_back(word >> 62 ? word : (kRa0 + (word & 0xfffffff)) & ~(kPage - 1));
  }
  return ras;
}

void one_input(World& w, const uint8_t* data, size_t size) {
  hv::Guest& t = w.bind("target", kTargetStrands, kTargetPa);
  for (hv::Vcpu& v : t.vcpus) {   // the strands as a fresh binding finds them
    w.h->reset_vcpu(v, 0, 0, 0);
    w.m->core_of(v.strand).stop(v.strand % w.plat.strands_per_core);
  }
  w.h->clear_guest_memory(t);

  // 1. The pages: refused whole (nothing changes), or installed inside the guest.
  std::vector<uint8_t> page(kPage);
  for (size_t i = 0; i < kPage; ++i) page[i] = size ? data[i % size] : 0;
  std::vector<std::pair<uint64_t, const uint8_t*>> pages;
  for (uint64_t ra : real_addresses(data, size)) pages.emplace_back(ra, page.data());
  uint32_t before = w.h->memory_checksum(t);
  std::string why;
  if (!w.h->install_migrated_pages(t, pages, why)) {
    if (why.empty()) finding("install_migrated_pages refused without a reason");
    if (w.h->memory_checksum(t) != before) finding("a refused install_migrated_pages changed the guest's memory");
  }
  check_isolation(w, t, "install_migrated_pages");
  w.h->clear_guest_memory(t);   // the instructions run below are illtraps

  // 2. The runtime state.
  bool loaded = false;
  try {
    state::Decoder d(data, size, "migration runtime state");
    w.h->load_migration(t, d, 2830000);
    loaded = true;
  } catch (const state::StateError&) {
  }
  check_isolation(w, t, "load_migration");
  if (loaded) {
    static const bool check = !std::getenv("VFSIM_FUZZ_NO_INVARIANTS");   // (to see what the machine then does)
    for (const hv::Vcpu& v : t.vcpus)
      if (!check) break;
      else if (std::string bad = strand_invariants(w.m->strand(v.strand).state); !bad.empty())
        finding("load_migration accepted vCPU " + std::to_string(v.id) + " with " + bad);
    state::Encoder again;   // what loaded must save again
    w.h->save_migration(t, again);
    // The guest resumes here (ldmd: resume_domain): pending interrupts, then a few
    // instructions on each running vCPU, traps handed to the hypervisor as a core does.
    w.h->resume_guest(t);
    for (int step = 0; step < 4; ++step)
      for (hv::Vcpu& v : t.vcpus) {
        if (!v.runs()) continue;
        cmt::Strand& s = w.m->strand(v.strand);
        cmt::Core& core = w.m->core_of(v.strand);
        unsigned slot = v.strand % w.plat.strands_per_core;
        if ((s.state.pstate & isa::PSTATE_IE) &&
            (s.queue_pending || (s.state.pil <= 15 && (s.state.softint_levels() >> (s.state.pil + 1)))))
          w.h->on_interrupt(core, slot);
        if (!v.runs()) continue;
        isa::RunResult r = s.interp.run(1);
        if (r.trap != isa::TT_NONE) w.h->on_trap(core, slot, r.trap);
      }
    check_isolation(w, t, "the migrated guest ran");
  }
  w.h->destroy_guest(t);
}

std::unique_ptr<World> world;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) {
    for (const auto& [name, bytes] : seeds()) fuzz_seed::write(dir + "/" + name + ".bin", bytes);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // PhysicalMemory keeps every block install_pages mapped (2 MB, a huge page) until it is
  // destroyed (docs/reliability.md, "Fuzz targets").
  one_input(fuzz_seed::fresh_every(world, 100), data, size);
  return 0;
}
