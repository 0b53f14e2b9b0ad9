// libFuzzer target: sequences of hypercalls as a misbehaving guest makes them, through the
// dispatcher every guest-facing call goes through (Hypervisor::on_trap with a Tcc trap, as a
// guest's `ta` reaches it; tests/unit/hv_fixture.h).
//
// The guest: 4 vCPUs, two mblocks (RA kGuestRaBase + 64 MB and 0x10000000 + 16 MB), the crypto
// unit of core 0 and the PCIe bus pci@400 with an NVMe disk behind it, every API group
// negotiated (CORE 1.2, NCS 2.0, the others 1.0). A fresh guest
// per input on a T5240 BareMachine reused for 100 inputs; no SystemC simulation runs.
//
// The input is a sequence of 49-byte records:
//   byte 0     call selector: below 0xc0, an entry of hv/hcall_table.def (its trap and
//              function; index = bytes 1-2 mod the table size); otherwise trap
//              {0x80,0xff,0x83,0x84}[byte0 & 3] with function (bytes 1-2) & 0x3ff
//   byte 3     vCPU (mod 4)
//   5 x 9      arguments %o0..%o4: a kind byte and a 64-bit big-endian value, the kind
//              biasing the value (raw, small integers, real addresses in the guest's blocks
//              aligned or misaligned, a TTE of one, a root complex devhandle, an address in
//              its MEM32 window, the previous call's %o1 as handles are).
//
// Oracles besides ASan/UBSan (guest memory outside its mblocks is host memory ASan watches,
// or physical memory no guest owns):
//   - no exception escapes on_trap (the call is named in the report);
//   - a call that returned to the guest (on_trap says the strand runs and pc/npc are the
//     trap's npc/npc+4, as hv_fixture's Result::returned) leaves a sun4v status in %o0
//     (HV_EOK..HV_EBUSY, hv/sun4v.h). Calls that do not return (mach_exit, mach_sir,
//     cpu_stop on itself, guest_suspend, api_exit, a trap delivered to the guest) are not
//     checked. Records on a vCPU that no longer runs, or once the guest is suspended, are
//     skipped (no strand executes a `ta` there).
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write a few valid sequences to DIR and exit.
#include "tests/fuzz/fuzz_seed.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include <systemc>

#include "hv/hypervisor.h"
#include "hv/pcie_geometry.h"
#include "hv/pcie_root_complex.h"
#include "models/nvme.h"
#include "hv/sun4v.h"
#include "sim/isa/strand_state.h"
#include "sim/isa/traps.h"
#include "sim/platform/platform.h"

int sc_main(int, char**) { return 0; }

namespace {

namespace hv = vfsim::hv;
namespace cmt = vfsim::cmt;
namespace isa = vfsim::isa;

struct Entry {
  const char* name;
  unsigned trap;
  uint64_t fn;
};
using namespace vfsim::hv;
const Entry kTable[] = {
#define HCALL(name, trap, fn, group, major, minor, args, results) {#name, trap, fn},
#include "hv/hcall_table.def"
#undef HCALL
};
constexpr size_t kTableSize = sizeof(kTable) / sizeof(kTable[0]);
constexpr unsigned kTraps[4] = {0x80, 0xff, 0x83, 0x84};

constexpr uint64_t kRa0 = hv::kGuestRaBase, kRa1 = 0x10000000;
constexpr unsigned kVcpus = 4;
constexpr size_t kRecord = 4 + 5 * 9;

const char* name_of(unsigned trap, uint64_t fn) {
  for (const Entry& e : kTable)
    if (e.trap == trap && (trap == 0x83 || trap == 0x84 || e.fn == fn)) return e.name;
  return "(no such call)";
}

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_hypercalls: FINDING: %s\n", what.c_str());
  std::abort();
}

struct World {
  vfsim::platform::Platform plat = vfsim::platform::load_platform("T5240");
  std::unique_ptr<cmt::BareMachine> m;
  std::unique_ptr<hv::Hypervisor> h;
  uint64_t inputs = 0;
  World() {
    static unsigned counter = 0;
    m = std::make_unique<cmt::BareMachine>(("fuzz_hc_machine" + std::to_string(counter++)).c_str(), plat);
    h = std::make_unique<hv::Hypervisor>(*m);
    // An NVMe disk behind pci@400 (a 1 MB image in /tmp, made once): peek/poke reach its
    // registers, its DMA goes through the IOMMU the calls program, its MSIs into the event
    // queues. A fresh guest's boot resets it.
    static const std::string image = [] {
      std::string p = "/tmp/vfsim-fuzz-hypercalls-" + std::to_string(::getpid()) + ".img";
      if (std::FILE* f = std::fopen(p.c_str(), "wb")) {
        std::fseek(f, (1 << 20) - 1, SEEK_SET);
        std::fputc(0, f);
        std::fclose(f);
      }
      static std::string removed = p;
      std::atexit([] { std::remove(removed.c_str()); });
      return p;
    }();
    h->root("pci@400")->attach(std::make_unique<vfsim::models::Nvme>(image));
  }
  ~World() {
    h.reset();
    m.reset();
  }
};

struct Outcome {
  bool running = false, returned = false;
  uint64_t status = 0, o1 = 0;
};

Outcome execute(World& w, hv::Guest& g, unsigned vi, unsigned trap, uint64_t fn, const uint64_t (&args)[5],
                unsigned serial) {
  hv::Vcpu& v = g.vcpus.at(vi);
  isa::StrandState& st = w.m->strand(v.strand).state;
  st.pstate = isa::PSTATE_PRIV;
  uint64_t pc = kRa0 + 0x1000 + 4 * (serial % 256);
  st.pc = pc;
  st.npc = pc + 4;
  for (unsigned i = 0; i < 5; ++i) st.set_r(8 + i, args[i]);
  st.set_r(13, fn);
  Outcome o;
  try {
    o.running = w.h->on_trap(w.m->core_of(v.strand), v.strand % w.plat.strands_per_core,
                             isa::Trap(isa::TT_TRAP_INSTRUCTION + trap));
  } catch (const std::exception& e) {
    finding(std::string("exception out of on_trap in ") + name_of(trap, fn) + ": " + e.what());
  } catch (...) {
    finding(std::string("exception out of on_trap in ") + name_of(trap, fn));
  }
  o.returned = o.running && st.pc == pc + 4 && st.npc == pc + 8;
  o.status = st.r(8);
  o.o1 = st.r(9);
  return o;
}

uint64_t argument(uint8_t kind, uint64_t v, uint64_t prev_o1) {
  switch (kind % 12) {
    case 0: return v;
    case 1: return v & 0xff;
    case 2: return v & 0xf;
    case 3: return (kRa0 + (v & 0xfffff)) & ~uint64_t(0x3f);   // aligned, first mblock
    case 4: return kRa0 + (v & 0xfffff);                         // possibly misaligned
    case 5: return (kRa0 + (v & 0x3ffffff)) & ~uint64_t(0x1fff);  // a page anywhere in the first mblock
    case 6: return kRa1 + (v & 0xffffff);                         // second mblock (and past it)
    case 7: return kRa0 + (64ull << 20) - 0x1000 + (v & 0x1fff); // straddling the first mblock's end
    case 8:   // a TTE of a real address in the first mblock
      return hv::TTE_V | ((kRa0 + (v & 0x3ffe000)) & hv::TTE_RA_MASK) | (v >> 56 & 0x7f0) | (v & 7);
    case 10: return 0x400 + (v & 0x100);   // a root complex's devhandle: the guest's, or pci@500
    case 11: return (hv::pcie::windows(0).mem32_ra + (v & 0x1fffff)) & ~uint64_t(v >> 60);   // its MEM32 window
    default: return prev_o1;
  }
}

void one_input(World& w, const uint8_t* data, size_t size) {
  hv::GuestConfig c;
  c.name = "fuzz";
  c.vcpus = kVcpus;
  c.mblocks = {64ull << 20, 16ull << 20};
  c.crypto_units = {0};
  c.pcie_buses = {"pci@400"};   // the PCI and MSI calls reach a bus it owns
  hv::Guest& g = w.h->create_guest(c);
  g.boot_entry = kRa0;
  w.h->boot(g);
  unsigned serial = 0;
  for (auto [group, major, minor] : {std::tuple{hv::GROUP_SUN4V, 1, 0}, {hv::GROUP_CORE, 1, 2}, {hv::GROUP_INTR, 1, 0},
                                     {hv::GROUP_SOFT_STATE, 1, 0}, {hv::GROUP_PCI, 1, 0}, {hv::GROUP_LDC, 1, 0}, {hv::GROUP_NCS, 2, 0},
                                     {hv::GROUP_N2_CPU, 1, 0}, {hv::GROUP_VF_CPU, 1, 0}}) {
    const uint64_t a[5] = {uint64_t(group), uint64_t(major), uint64_t(minor), 0, 0};
    Outcome o = execute(w, g, 0, 0xff, 0, a, serial++);
    if (!o.returned || o.status != hv::HV_EOK) finding("api_set_version refused group " + std::to_string(group));
  }
  uint64_t prev_o1 = 0;
  for (size_t at = 0; at + kRecord <= size; at += kRecord) {
    const uint8_t* r = data + at;
    unsigned sel = r[0], idx = unsigned(r[1]) << 8 | r[2];
    unsigned trap;
    uint64_t fn;
    if (sel < 0xc0) {
      trap = kTable[idx % kTableSize].trap;
      fn = kTable[idx % kTableSize].fn;
    } else {
      trap = kTraps[sel & 3];
      fn = idx & 0x3ff;
    }
    unsigned vi = r[3] % kVcpus;
    uint64_t args[5];
    for (unsigned i = 0; i < 5; ++i) {
      const uint8_t* p = r + 4 + 9 * i;
      uint64_t v = 0;
      for (unsigned k = 1; k < 9; ++k) v = v << 8 | p[k];
      args[i] = argument(p[0], v, prev_o1);
    }
    if (w.h->guest_suspended(g) || !g.vcpus[vi].runs()) continue;
    Outcome o = execute(w, g, vi, trap, fn, args, serial++);
    if (o.returned && o.status > hv::HV_EBUSY)
      finding(std::string(name_of(trap, fn)) + " returned status " + std::to_string(o.status));
    prev_o1 = o.o1;
  }
  w.h->destroy_guest(g);
}

// ---- seeds ----

struct Seq {
  std::vector<uint8_t> bytes;
  void add(const char* name, unsigned vi, std::initializer_list<uint64_t> args) {
    size_t idx = 0;
    while (idx < kTableSize && std::string(kTable[idx].name) != name) ++idx;
    if (idx == kTableSize) std::exit(1);
    bytes.push_back(0);
    bytes.push_back(uint8_t(idx >> 8));
    bytes.push_back(uint8_t(idx));
    bytes.push_back(uint8_t(vi));
    for (unsigned i = 0; i < 5; ++i) {
      uint64_t v = i < args.size() ? args.begin()[i] : 0;
      bool handle = v == ~0ull;   // the previous call's %o1
      bytes.push_back(handle ? 9 : 0);
      for (int k = 7; k >= 0; --k) bytes.push_back(uint8_t(handle ? 0 : v >> (8 * k)));
    }
  }
};

std::vector<std::pair<std::string, Seq>> seeds() {
  std::vector<std::pair<std::string, Seq>> out;
  Seq q;
  q.add("cpu_qconf", 0, {hv::Q_CPU_MONDO, kRa0 + 0x100000, 128});
  q.add("cpu_qconf", 1, {hv::Q_DEV_MONDO, kRa0 + 0x102000, 128});
  q.add("cpu_qinfo", 0, {hv::Q_CPU_MONDO});
  q.add("cpu_mondo_send", 0, {1, kRa0 + 0x110000, kRa0 + 0x120000});
  out.emplace_back("queues", q);
  Seq m;
  m.add("mmu_map_perm_addr", 0, {0x10000000, 0, hv::TTE_V | kRa0 | hv::TTE_X | hv::TTE_CP | 3, hv::MAP_ITLB | hv::MAP_DTLB});
  m.add("mmu_map_addr", 0, {0x2000, 0, hv::TTE_V | (kRa0 + 0x400000) | hv::TTE_W | hv::TTE_CP, hv::MAP_DTLB});
  m.add("mmu_fault_area_conf", 0, {kRa0 + 0x310000});
  m.add("mmu_unmap_perm_addr", 0, {0x10000000, 0, hv::MAP_ITLB | hv::MAP_DTLB});
  m.add("mmu_demap_all", 0, {0, 0, hv::MAP_ITLB | hv::MAP_DTLB});
  out.emplace_back("mmu", m);
  Seq n;
  n.add("ncs_qconf", 0, {hv::NCS_QTYPE_CWQ, kRa0 + 0x200000, 64});
  n.add("ncs_settail", 0, {~0ull, 64});
  n.add("ncs_gethead", 0, {~0ull});
  out.emplace_back("ncs", n);
  Seq o;
  o.add("cpu_start", 0, {2, kRa0 + 0x3000, kRa0 + 0x9000, 7});
  o.add("soft_state_set", 0, {2, kRa0 + 0x320000});
  o.add("tod_set", 1, {1700000000});
  o.add("ldc_tx_qconf", 0, {0, kRa0 + 0x500000, 128});
  o.add("ldc_set_map_table", 0, {0, kRa0 + 0x600000, 64});
  o.add("cpu_stop", 0, {1});
  o.add("mach_exit", 0, {0});
  out.emplace_back("misc", o);
  Seq p;   // firmware's bring-up of pci@400: bus numbers, the endpoint's id, a DMA map, an event queue
  p.add("pci_config_put", 0, {0x400, 2ull << 16, 0x19, 1, 3});
  p.add("pci_config_put", 0, {0x400, 2ull << 16, 0x1a, 1, 3});
  p.add("pci_config_get", 0, {0x400, 3ull << 16, 0, 4});
  p.add("pci_iommu_map", 0, {0x400, 0, 1, 3, kRa0 + 0x100000});
  p.add("pci_iommu_getmap", 0, {0x400, 0});
  p.add("msiq_conf", 0, {0x400, 0, kRa0 + 0x200000, 128});
  p.add("msi_setmsiq", 0, {0x400, 5, 0, 0});
  p.add("msiq_setvalid", 0, {0x400, 0, 1});
  p.add("pci_peek", 0, {0x400, hv::pcie::windows(0).mem32_ra + 0x100000, 4});
  out.emplace_back("pci", p);
  return out;
}

std::unique_ptr<World> world;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) {
    for (const auto& [name, s] : seeds()) fuzz_seed::write(dir + "/" + name + ".bin", s.bytes);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  one_input(fuzz_seed::fresh_every(world, 100), data, size);
  return 0;
}
