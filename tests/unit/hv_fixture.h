// Shared fixture of the hypervisor unit tests: a T5240 BareMachine, a Hypervisor on it and
// one or more booted guests, with helpers that execute a hypercall the way a guest's `ta`
// reaches the hypervisor (registers set, then Hypervisor::on_trap) and read the status and
// results back. No SystemC simulation runs: every call is executed directly.
//
// Function numbers are written here from the reference (shared/reference/sun4v-hv-ldc-md.md
// §2), not taken from hv/hcall_table.def, so that the table itself is under test.
#pragma once
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include "hv/hypervisor.h"
#include "hv/sun4v.h"
#include "sim/platform/platform.h"

namespace hvtest {

namespace hv = vfsim::hv;
namespace isa = vfsim::isa;
namespace cmt = vfsim::cmt;

// Software trap numbers and function numbers (reference §1.1, §2.1, §2.3).
constexpr unsigned kFast = 0x80, kCore = 0xff, kMapAddr = 0x83, kUnmapAddr = 0x84;
namespace fn {
enum : uint64_t {
  // CORE_TRAP
  API_SET_VERSION = 0x00, API_PUTCHAR = 0x01, API_EXIT = 0x02, API_GET_VERSION = 0x03,
  // FAST_TRAP
  MACH_EXIT = 0x00, MACH_DESC = 0x01, MACH_SIR = 0x02, CPU_START = 0x10, CPU_STOP = 0x11, CPU_YIELD = 0x12,
  CPU_QCONF = 0x14, CPU_QINFO = 0x15, CPU_MYID = 0x16, CPU_STATE = 0x17, CPU_SET_RTBA = 0x18,
  CPU_GET_RTBA = 0x19, MMU_TSB_CTX0 = 0x20, MMU_TSB_CTXNON0 = 0x21, MMU_DEMAP_PAGE = 0x22,
  MMU_DEMAP_CTX = 0x23, MMU_DEMAP_ALL = 0x24, MMU_MAP_PERM_ADDR = 0x25, MMU_FAULT_AREA_CONF = 0x26,
  MMU_ENABLE = 0x27, MMU_UNMAP_PERM_ADDR = 0x28, MMU_TSB_CTX0_INFO = 0x29, MMU_TSB_CTXNON0_INFO = 0x2a,
  MMU_FAULT_AREA_INFO = 0x2b, MEM_SCRUB = 0x31, MEM_SYNC = 0x32, CPU_MONDO_SEND = 0x42, TOD_GET = 0x50,
  TOD_SET = 0x51, CONS_GETCHAR = 0x60, CONS_PUTCHAR = 0x61, CONS_READ = 0x62, CONS_WRITE = 0x63,
  SOFT_STATE_SET = 0x70, SOFT_STATE_GET = 0x71, INTR_DEVINO2SYSINO = 0xa0, INTR_GETENABLED = 0xa1,
  INTR_SETENABLED = 0xa2, INTR_GETSTATE = 0xa3, INTR_SETSTATE = 0xa4, INTR_GETTARGET = 0xa5,
  INTR_SETTARGET = 0xa6, VINTR_GETCOOKIE = 0xa7, VINTR_SETCOOKIE = 0xa8, VINTR_GETVALID = 0xa9,
  VINTR_SETVALID = 0xaa, VINTR_GETSTATE = 0xab, VINTR_SETSTATE = 0xac, VINTR_GETTARGET = 0xad,
  VINTR_SETTARGET = 0xae, NIAGARA2_GETPERF = 0x104, NIAGARA2_SETPERF = 0x105, VFALLS_GETPERF = 0x106,
  VFALLS_SETPERF = 0x107,
  // CORE 1.2: illumos' GUEST_SUSPEND; the reference marks the number [check]
  GUEST_SUSPEND = 0x181,
};
}  // namespace fn

// Values put in argument registers a call does not take: a call must leave them alone.
constexpr uint64_t kPoison = 0x5a5a5a5a00000000ull;

struct Result {
  uint64_t status = ~0ull;
  std::array<uint64_t, 4> r{};   // %o1..%o4 after the call
  uint64_t pc = 0, npc = 0;      // the vCPU's pc/npc after the call
  uint64_t pc_before = 0, npc_before = 0;
  bool running = false;          // Hypervisor::on_trap's answer: does the strand go on
  // The call returned normally to the instruction after the trap.
  bool returned() const { return pc == npc_before && npc == npc_before + 4; }
};

inline hv::GuestConfig guest_config(const std::string& name, unsigned vcpus, std::vector<uint64_t> mblocks) {
  hv::GuestConfig c;
  c.name = name;
  c.vcpus = vcpus;
  c.mblocks = std::move(mblocks);
  return c;
}

// The guest most tests use: 4 vCPUs, two mblocks (RA 0x8000000 + 64 MB and, past a hole,
// RA 0x10000000 + 16 MB).
inline hv::GuestConfig default_guest() { return guest_config("a", 4, {64ull << 20, 16ull << 20}); }

// Guest real addresses of the default guest.
constexpr uint64_t kRa0 = hv::kGuestRaBase;   // first mblock
constexpr uint64_t kHoleRa = kRa0 + (64ull << 20);   // just past the first mblock: in the hole
constexpr uint64_t kRa1 = 0x10000000;         // second mblock (next 256 MB boundary)

class HvFixture {
 public:
  // Every group the hypervisor offers at its highest version, for tests of the calls
  // themselves (the API gating has its own tests with negotiate = false).
  explicit HvFixture(std::vector<hv::GuestConfig> cfgs = {default_guest()}, bool negotiate = true,
                     const char* platform = "T5240")
      : plat(vfsim::platform::load_platform(platform)) {
    static unsigned counter = 0;
    m = std::make_unique<cmt::BareMachine>(("hvtest_machine" + std::to_string(counter++)).c_str(), plat);
    h = std::make_unique<hv::Hypervisor>(*m);
    for (const hv::GuestConfig& c : cfgs) {
      hv::Guest& g = h->create_guest(c);
      g.boot_entry = g.memory[0].ra;
      h->boot(g);
      guests.push_back(&g);
      if (negotiate) negotiate_all(unsigned(guests.size() - 1));
    }
  }
  ~HvFixture() {
    h.reset();
    m.reset();
  }
  HvFixture(const HvFixture&) = delete;
  HvFixture& operator=(const HvFixture&) = delete;

  hv::Guest& guest(unsigned gi = 0) { return *guests.at(gi); }
  hv::Vcpu& vcpu(unsigned gi = 0, unsigned v = 0) { return guest(gi).vcpus.at(v); }
  cmt::Strand& strand(unsigned gi = 0, unsigned v = 0) { return m->strand(vcpu(gi, v).strand); }
  isa::StrandState& state(unsigned gi = 0, unsigned v = 0) { return strand(gi, v).state; }
  bool core_running(unsigned gi, unsigned v) {
    unsigned s = vcpu(gi, v).strand;
    return m->core_of(s).running[s % plat.strands_per_core];
  }

  // Execute `ta trap` on guest gi's vCPU v with %o5 = function and %o0.. = args (the
  // argument registers not given hold kPoison + i). The vCPU is made privileged; its TL is
  // left as it is.
  Result call_on(unsigned gi, unsigned v, unsigned trap, uint64_t function, std::initializer_list<uint64_t> args) {
    REQUIRE(args.size() <= 5);
    isa::StrandState& st = state(gi, v);
    st.pstate = isa::PSTATE_PRIV;
    uint64_t pc = guest(gi).memory[0].ra + 0x1000 + 4 * (calls_ % 256);
    st.pc = pc;
    st.npc = pc + 4;
    for (unsigned i = 0; i < 5; ++i) st.set_r(8 + i, i < args.size() ? args.begin()[i] : kPoison + i);
    st.set_r(13, function);
    ++calls_;
    unsigned s = vcpu(gi, v).strand;
    cmt::Core& core = m->core_of(s);
    Result res;
    res.pc_before = pc;
    res.npc_before = pc + 4;
    res.running = h->on_trap(core, s % plat.strands_per_core, isa::Trap(isa::TT_TRAP_INSTRUCTION + trap));
    res.status = st.r(8);
    for (unsigned k = 0; k < 4; ++k) res.r[k] = st.r(9 + k);
    res.pc = st.pc;
    res.npc = st.npc;
    return res;
  }
  template <class... A>
  Result call(unsigned trap, uint64_t function, A... args) {
    return call_on(0, 0, trap, function, {uint64_t(args)...});
  }
  template <class... A>
  Result fast(uint64_t function, A... args) {
    return call_on(0, 0, kFast, function, {uint64_t(args)...});
  }
  template <class... A>
  Result fast_on(unsigned gi, unsigned v, uint64_t function, A... args) {
    return call_on(gi, v, kFast, function, {uint64_t(args)...});
  }
  template <class... A>
  Result core(uint64_t function, A... args) {
    return call_on(0, 0, kCore, function, {uint64_t(args)...});
  }
  template <class... A>
  Result core_on(unsigned gi, uint64_t function, A... args) {
    return call_on(gi, 0, kCore, function, {uint64_t(args)...});
  }
  Result map_addr(uint64_t va, uint64_t ctx, uint64_t tte, uint64_t flags, unsigned gi = 0, unsigned v = 0) {
    return call_on(gi, v, kMapAddr, 0, {va, ctx, tte, flags});
  }
  Result unmap_addr(uint64_t va, uint64_t ctx, uint64_t flags, unsigned gi = 0, unsigned v = 0) {
    return call_on(gi, v, kUnmapAddr, 0, {va, ctx, flags});
  }

  uint64_t negotiate(unsigned gi, unsigned group, uint64_t major, uint64_t minor) {
    Result r = core_on(gi, fn::API_SET_VERSION, group, major, minor);
    REQUIRE(r.status == hv::HV_EOK);
    return r.r[0];
  }
  void negotiate_all(unsigned gi) {
    negotiate(gi, hv::GROUP_SUN4V, 1, 0);
    negotiate(gi, hv::GROUP_CORE, 1, 2);
    negotiate(gi, hv::GROUP_INTR, 1, 0);
    negotiate(gi, hv::GROUP_SOFT_STATE, 1, 0);
    negotiate(gi, hv::GROUP_N2_CPU, 1, 0);
    if (plat.chip == "UltraSPARC-T2+") negotiate(gi, hv::GROUP_VF_CPU, 1, 0);   // (a T2's hypervisor has no VF_CPU)
    negotiate(gi, hv::GROUP_LDC, 1, 0);
  }

  // Guest memory, by real address, through the guest's own mblocks.
  uint64_t pa_of(uint64_t ra, unsigned gi = 0, uint64_t len = 1) {
    uint64_t pa = 0;
    REQUIRE(guest(gi).ra_to_pa(ra, len, pa));
    return pa;
  }
  void write(uint64_t ra, const void* src, uint64_t len, unsigned gi = 0) {
    REQUIRE(m->mem.write(pa_of(ra, gi, len), src, len));
  }
  void read(uint64_t ra, void* dst, uint64_t len, unsigned gi = 0) {
    REQUIRE(m->mem.read(pa_of(ra, gi, len), dst, len));
  }
  std::vector<uint8_t> bytes(uint64_t ra, uint64_t len, unsigned gi = 0) {
    std::vector<uint8_t> b(len);
    read(ra, b.data(), len, gi);
    return b;
  }
  void fill(uint64_t ra, uint8_t value, uint64_t len, unsigned gi = 0) {
    std::vector<uint8_t> b(len, value);
    write(ra, b.data(), len, gi);
  }
  // Big-endian 64/16-bit words, as the guest sees them.
  void st64(uint64_t ra, uint64_t v, unsigned gi = 0) {
    uint64_t be = __builtin_bswap64(v);
    write(ra, &be, 8, gi);
  }
  uint64_t ld64(uint64_t ra, unsigned gi = 0) {
    uint64_t be = 0;
    read(ra, &be, 8, gi);
    return __builtin_bswap64(be);
  }
  void st16(uint64_t ra, uint16_t v, unsigned gi = 0) {
    uint8_t b[2] = {uint8_t(v >> 8), uint8_t(v)};
    write(ra, b, 2, gi);
  }
  uint16_t ld16(uint64_t ra, unsigned gi = 0) {
    uint8_t b[2] = {};
    read(ra, b, 2, gi);
    return uint16_t(b[0] << 8 | b[1]);
  }
  void st_string(uint64_t ra, const std::string& s, unsigned gi = 0) { write(ra, s.c_str(), s.size() + 1, gi); }

  // Physical memory, bypassing every guest.
  std::vector<uint8_t> phys(uint64_t pa, uint64_t len) {
    std::vector<uint8_t> b(len);
    REQUIRE(m->mem.read(pa, b.data(), len));
    return b;
  }

  // A 32-byte TSB descriptor (big-endian, reference §2.3) at ra.
  void tsb_descriptor(uint64_t ra, uint16_t idx_pgsz, uint16_t assoc, uint32_t entries, uint32_t ctx_index,
                      uint32_t pgsz_mask, uint64_t base, unsigned gi = 0) {
    uint8_t d[32] = {};
    auto put = [&](size_t off, unsigned n, uint64_t v) {
      for (unsigned k = 0; k < n; ++k) d[off + k] = uint8_t(v >> (8 * (n - 1 - k)));
    };
    put(0, 2, idx_pgsz); put(2, 2, assoc); put(4, 4, entries); put(8, 4, ctx_index);
    put(12, 4, pgsz_mask); put(16, 8, base);
    write(ra, d, 32, gi);
  }

  vfsim::platform::Platform plat;
  std::unique_ptr<cmt::BareMachine> m;
  std::unique_ptr<hv::Hypervisor> h;
  std::vector<hv::Guest*> guests;

 private:
  unsigned calls_ = 0;
};

// A TTE for real address ra with the given size code and permission bits.
inline uint64_t tte(uint64_t ra, unsigned pgsz = 0, uint64_t bits = hv::TTE_W | hv::TTE_X | hv::TTE_CP | hv::TTE_CV) {
  return hv::TTE_V | (ra & hv::TTE_RA_MASK) | bits | pgsz;
}

}  // namespace hvtest
