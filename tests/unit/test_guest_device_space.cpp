// Device space under the hypervisor (hv::GuestMmu with Hypervisor::io_claims/io_handler): a
// guest's real SPARC loads and stores to an RA of a root complex window it owns reach the
// handler once per access, in real mode, through ASI_REAL_IO(_LITTLE) and through a TTE with
// the side-effect bit or without CP; a cacheable TTE, a fetch, an RA no one claims and a
// guest that does not own the window get the invalid-RA fault. docs/hypervisor.md "Device space".
#include <map>
#include <vector>

#include "hv/pcie_geometry.h"
#include "sim/isa/asi.h"
#include "sim/isa/mem_access.h"
#include "tests/unit/hv_fixture.h"
#include "tests/unit/isa_harness.h"

using namespace hvtest;
using namespace vfsim::hv;
using isa::Access;
namespace sp = isa_test::sparc;

namespace {

const uint64_t kWin = pcie::windows(0).mem32_ra;   // the MEM32 window of pci@400
constexpr uint64_t kBarSize = 0x4000;               // what the fake device decodes
constexpr uint64_t kCode = kRa0 + 0x6000;           // the test programs
constexpr uint64_t kFsa = kRa0 + 0x3000;

// A device of little-endian registers at kWin, owned by guest `owner`; every access logged.
struct FakeBus {
  Guest* owner = nullptr;
  std::map<uint64_t, uint8_t> bytes;
  struct Op { uint64_t ra; unsigned size; bool write; uint64_t v; };
  std::vector<Op> ops;
  unsigned probes = 0;

  bool claims(Guest& g, uint64_t ra) const { return &g == owner && ra >= kWin && ra < kWin + kBarSize; }
  void wire(Hypervisor& h) {
    h.io_claims = [this](Guest& g, uint64_t ra) { ++probes; return claims(g, ra); };
    h.io_handler = [this](Guest& g, uint64_t ra, unsigned size, bool write, uint64_t& v) {
      if (!claims(g, ra) || !claims(g, ra + size - 1)) return false;
      if (write) {
        for (unsigned i = 0; i < size; ++i) bytes[ra + i] = uint8_t(v >> (8 * i));
      } else {
        v = 0;
        for (unsigned i = 0; i < size; ++i) v |= uint64_t(bytes[ra + i]) << (8 * i);
      }
      ops.push_back({ra, size, write, v});
      return true;
    };
  }
  uint64_t le(uint64_t ra, unsigned n) {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= uint64_t(bytes[ra + i]) << (8 * i);
    return v;
  }
};

// Run prog (privileged, vCPU 0) from pc; its words live at code RA kCode.
isa::RunResult run(HvFixture& f, uint64_t pc, const std::vector<uint32_t>& prog, uint64_t extra = 0) {
  for (size_t i = 0; i < prog.size(); ++i) {
    uint8_t b[4] = {uint8_t(prog[i] >> 24), uint8_t(prog[i] >> 16), uint8_t(prog[i] >> 8), uint8_t(prog[i])};
    f.write(kCode + 4 * i, b, 4);
  }
  isa::StrandState& st = f.state();
  st.pstate = isa::PSTATE_PRIV;
  st.pc = pc;
  st.npc = pc + 4;
  f.strand().interp.invalidate_all();
  return f.strand().interp.run(prog.size() + extra);
}

void mmu_on(HvFixture& f) {
  REQUIRE(f.fast(fn::MMU_FAULT_AREA_CONF, kFsa).status == HV_EOK);
  REQUIRE(f.fast(fn::MMU_ENABLE, 1, 0x400000).status == HV_EOK);
  REQUIRE(f.vcpu().mmu_enabled);
}

isa::Translation tr(HvFixture& f, uint64_t va, Access acc) {
  isa::StrandState& st = f.state();
  return st.mem->translate(st, va, acc, isa::ASI_PRIMARY);
}

}  // namespace

TEST_CASE("real mode: an owned window RA is device space, loads and stores reach the handler each time",
          "[mmu][io]") {
  HvFixture f;
  FakeBus bus;
  bus.owner = &f.guest();
  bus.wire(*f.h);
  for (unsigned i = 0; i < 8; ++i) bus.bytes[kWin + i] = uint8_t(0x11 * (i + 1));   // 11 22 .. 88

  isa::Translation t = tr(f, kWin + 8, Access::Write);
  CHECK(t.io);
  CHECK(t.page == nullptr);
  CHECK_FALSE(t.cacheable);

  f.state().set_r(sp::G1, kWin);
  isa::RunResult r = run(f, kCode, {sp::mem_asi(sp::LDXA, sp::O0, sp::G1, sp::G0, isa::ASI_REAL_IO_LITTLE),
                                    sp::mem_asi(sp::LDXA, sp::O1, sp::G1, sp::G0, isa::ASI_REAL_IO),
                                    sp::mem_imm(sp::LDUW, sp::O2, sp::G1, 4),
                                    sp::mem_imm(sp::LDUW, sp::O3, sp::G1, 4),
                                    sp::mem_imm(sp::STH, sp::O2, sp::G1, 8),
                                    sp::mem_asi(sp::STWA, sp::O2, sp::G1, sp::G0, isa::ASI_REAL_IO_LITTLE)});
  REQUIRE(r.trap == isa::TT_NONE);
  isa::StrandState& st = f.state();
  CHECK(st.r(sp::O0) == 0x8877665544332211ull);
  CHECK(st.r(sp::O1) == 0x1122334455667788ull);
  CHECK(st.r(sp::O2) == 0x55667788u);
  CHECK(st.r(sp::O3) == 0x55667788u);
  REQUIRE(bus.ops.size() == 6);   // the second lduw went to the device again
  CHECK((bus.ops[2].ra == kWin + 4 && bus.ops[2].size == 4 && !bus.ops[2].write));
  CHECK((bus.ops[4].ra == kWin + 8 && bus.ops[4].size == 2 && bus.ops[4].write && bus.ops[4].v == 0x8877));
  CHECK(bus.le(kWin, 4) == 0x55667788u);   // the stwa (little) wrote the number as it is
  CHECK(st.tlb.read(kWin + 4) == nullptr);
}

TEST_CASE("device space refusals: fetch, an unclaimed RA, memory by ASI_REAL_IO, another guest, no hooks",
          "[mmu][io]") {
  HvFixture f({guest_config("a", 2, {64ull << 20}), guest_config("b", 2, {64ull << 20})});
  REQUIRE(f.fast(fn::MMU_FAULT_AREA_CONF, kFsa).status == HV_EOK);

  SECTION("no hooks: a window RA is an invalid RA, as before") {
    isa::Translation t = tr(f, kWin, Access::Read);
    CHECK_FALSE(t.io);
    CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(f.ld64(kFsa + MMFSA_D_TYPE) == FT_INVALID_RA);
    f.state().set_r(sp::G1, kWin);
    CHECK(run(f, kCode, {sp::mem_asi(sp::LDXA, sp::O0, sp::G1, sp::G0, isa::ASI_REAL_IO)}).trap ==
          isa::TT_DATA_ACCESS_EXCEPTION);
  }
  SECTION("with the bus wired") {
    FakeBus bus;
    bus.owner = &f.guest(0);
    bus.wire(*f.h);
    // Fetch: an instruction_access_exception, type invalid RA.
    isa::Translation t = tr(f, kWin, Access::Fetch);
    CHECK_FALSE(t.io);
    CHECK(t.fault == isa::TT_INSTRUCTION_ACCESS_EXCEPTION);
    CHECK(f.ld64(kFsa + MMFSA_I_TYPE) == FT_INVALID_RA);
    f.state().set_r(sp::G1, kWin);
    isa::RunResult r = run(f, kCode, {sp::jmpl(sp::G0, sp::G1, sp::G0), sp::nop()}, 1);
    CHECK(r.trap == isa::TT_INSTRUCTION_ACCESS_EXCEPTION);
    // Unclaimed RA beyond the BAR: translate says invalid RA; ASI_REAL_IO there too.
    t = tr(f, kWin + kBarSize, Access::Read);
    CHECK_FALSE(t.io);
    CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
    f.st64(kFsa + MMFSA_D_TYPE, 0);
    f.state().set_r(sp::G1, kWin + kBarSize);
    CHECK(run(f, kCode, {sp::mem_asi(sp::LDXA, sp::O0, sp::G1, sp::G0, isa::ASI_REAL_IO)}).trap ==
          isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(f.ld64(kFsa + MMFSA_D_TYPE) == FT_INVALID_RA);
    CHECK(f.ld64(kFsa + MMFSA_D_ADDR) == kWin + kBarSize);
    // ASI_REAL_IO on the guest's own memory: not device space.
    f.state().set_r(sp::G1, kRa0 + 0x8000);
    CHECK(run(f, kCode, {sp::mem_asi(sp::STXA, sp::O0, sp::G1, sp::G0, isa::ASI_REAL_IO)}).trap ==
          isa::TT_DATA_ACCESS_EXCEPTION);
    // casa in device space: nothing reaches the device.
    f.state().set_r(sp::G1, kWin);
    CHECK(run(f, kCode, {sp::casa(sp::O0, sp::G1, sp::O0, isa::ASI_PRIMARY)}).trap == isa::TT_DATA_ACCESS_EXCEPTION);
    // Guest b does not own the bus.
    isa::StrandState& sb = f.state(1, 0);
    isa::Translation tb = sb.mem->translate(sb, kWin, Access::Read, isa::ASI_PRIMARY);
    CHECK_FALSE(tb.io);
    CHECK(tb.fault == isa::TT_DATA_ACCESS_EXCEPTION);
    uint64_t v = 0;
    CHECK(isa::load_asi(sb, isa::ASI_REAL_IO, kWin, 8, v) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(bus.ops.empty());
  }
}

TEST_CASE("MMU on: a TTE with E or without CP maps device space; a cacheable one gets invalid RA",
          "[mmu][io]") {
  HvFixture f;
  FakeBus bus;
  bus.owner = &f.guest();
  bus.wire(*f.h);
  for (unsigned i = 0; i < 16; ++i) bus.bytes[kWin + i] = uint8_t(0xa0 + i);
  mmu_on(f);
  // Code at VA 0x70000000; device pages at 0x60000000 (E, cacheable bits set), 0x60002000
  // (uncached, no E) and 0x60004000 (cacheable, no E: refused).
  REQUIRE(f.map_addr(0x70000000, 0, tte(kCode & ~0x1fffull), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x60000000, 0, tte(kWin, 0, TTE_W | TTE_E | TTE_CP | TTE_CV | TTE_X), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x60002000, 0, tte(kWin + 0x2000, 0, TTE_W), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x60004000, 0, tte(kWin, 0, TTE_W | TTE_CP | TTE_CV), 3).status == HV_EOK);
  uint64_t pc = 0x70000000 + (kCode & 0x1fff);
  // mmu_map_addr takes memory or an owned device page, nothing else.
  CHECK(f.map_addr(0x60006000, 0, tte(kWin + kBarSize, 0, TTE_W | TTE_E), 1).status == HV_ENORADDR);

  isa::StrandState& st = f.state();
  st.set_r(sp::G1, 0x60000000);
  st.set_r(sp::G2, 0x60002000);
  st.set_r(sp::O4, 0xdeadbeef);
  isa::RunResult r = run(f, pc, {sp::mem_imm(sp::LDX, sp::O0, sp::G1, 8),
                                 sp::mem_asi(sp::LDUHA, sp::O1, sp::G1, sp::G0, isa::ASI_PRIMARY_LITTLE),
                                 sp::mem_imm(sp::STW, sp::O4, sp::G2, 0x10),
                                 sp::mem_asi(sp::LDUWA, sp::O2, sp::G2, sp::G0, isa::ASI_PRIMARY_LITTLE)});
  REQUIRE(r.trap == isa::TT_NONE);
  CHECK(st.r(sp::O0) == 0xa8a9aaabacadaeafull);
  CHECK(st.r(sp::O1) == 0xa1a0u);
  REQUIRE(bus.ops.size() == 4);
  CHECK(bus.ops[0].ra == kWin + 8);   // the RA of the VA's page plus its offset
  CHECK((bus.ops[2].ra == kWin + 0x2010 && bus.ops[2].write && bus.ops[2].v == 0xefbeaddeu));
  CHECK(bus.ops[3].ra == kWin + 0x2000);
  CHECK(st.tlb.read(0x60000000) == nullptr);
  CHECK(st.tlb.write(0x60002010) == nullptr);

  // Cacheable mapping of the device: data_access_exception, invalid RA at the VA.
  st.set_r(sp::G3, 0x60004000);
  r = run(f, pc, {sp::mem_imm(sp::LDX, sp::O0, sp::G3, 0)});
  CHECK(r.trap == isa::TT_DATA_ACCESS_EXCEPTION);
  CHECK(f.ld64(kFsa + MMFSA_D_TYPE) == FT_INVALID_RA);
  CHECK(f.ld64(kFsa + MMFSA_D_ADDR) == 0x60004000u);
  // Executing from the E page (TTE_X set) is refused too.
  r = run(f, pc, {sp::jmpl(sp::G0, sp::G1, sp::G0), sp::nop()}, 1);
  CHECK(r.trap == isa::TT_INSTRUCTION_ACCESS_EXCEPTION);
  CHECK(f.ld64(kFsa + MMFSA_I_TYPE) == FT_INVALID_RA);
  CHECK(bus.ops.size() == 4);
}
