// Interrupt delivery and the traps the hypervisor raises in a guest: cpu mondos through the
// queue registers, SOFTINT levels against PIL, device mondos from the console, error
// reports, misaligned-access fault records, and guests that trap where they cannot.
#include "tests/unit/hv_fixture.h"

#include "sim/isa/traps.h"

using namespace hvtest;

namespace {

constexpr uint64_t kTba = kRa0 + 0x8000;   // a trap table address for the tests

// Start vCPU v of guest 0 at an RA with TBA set, interrupts enabled.
void start_vcpu(HvFixture& f, unsigned v) {
  Result r = f.fast(fn::CPU_START, v, kRa0 + 0x2000, kTba, 0);
  REQUIRE(r.status == hv::HV_EOK);
  f.state(0, v).pstate = isa::PSTATE_PRIV | isa::PSTATE_IE;
}

void interrupt(HvFixture& f, unsigned v) {
  unsigned s = f.vcpu(0, v).strand;
  f.h->on_interrupt(f.m->core_of(s), s % f.plat.strands_per_core);
}

}  // namespace

TEST_CASE("a cpu mondo raises TT 0x7c while head != tail, and moving the head ends it", "[hcall][intr]") {
  HvFixture f;
  start_vcpu(f, 1);
  isa::StrandState& t = f.state(0, 1);
  Result q = f.fast_on(0, 1, fn::CPU_QCONF, hv::Q_CPU_MONDO, kRa0 + 0x40000, 16);
  REQUIRE(q.status == hv::HV_EOK);
  t.pc = kRa0 + 0x2000;
  t.npc = t.pc + 4;
  f.st16(kRa0 + 0x50000, 1);
  f.fill(kRa0 + 0x50040, 0xab, 64);
  REQUIRE(f.fast(fn::CPU_MONDO_SEND, 1, kRa0 + 0x50000, kRa0 + 0x50040).status == hv::HV_EOK);
  CHECK(f.strand(0, 1).queue_pending);
  CHECK(f.bytes(kRa0 + 0x40000, 64) == std::vector<uint8_t>(64, 0xab));
  interrupt(f, 1);
  CHECK(t.tl == 1);
  CHECK(t.tt[1] == hv::TT_CPU_MONDO);
  CHECK(t.pc == kTba + hv::TT_CPU_MONDO * 32);
  CHECK(t.tpc[1] == kRa0 + 0x2000);
  CHECK(!(t.pstate & isa::PSTATE_IE));
  // The handler consumes the entry: head = tail through ASI_QUEUE.
  uint64_t tail = 0;
  REQUIRE(t.mem->asi_load(t, hv::ASI_QUEUE, 0x3c8, 8, tail) == isa::TT_NONE);
  CHECK(tail == 64);
  CHECK(t.mem->asi_store(t, hv::ASI_QUEUE, 0x3c8, 8, 0) == isa::TT_DATA_ACCESS_EXCEPTION);   // tail read-only
  REQUIRE(t.mem->asi_store(t, hv::ASI_QUEUE, 0x3c0, 8, tail) == isa::TT_NONE);
  CHECK(!f.strand(0, 1).queue_pending);
}

TEST_CASE("SOFTINT levels above PIL become interrupt_level_n; the stick match is level 14", "[intr]") {
  HvFixture f;
  start_vcpu(f, 1);
  isa::StrandState& t = f.state(0, 1);
  t.softint = 1u << 16;   // SM
  t.pil = 14;
  uint64_t pc = t.pc;
  interrupt(f, 1);
  CHECK(t.pc == pc);      // masked by PIL 14
  t.pil = 13;
  interrupt(f, 1);
  CHECK(t.tt[1] == 0x4e);
  CHECK(t.pc == kTba + 0x4e * 32);
  t.trap_return(true);
  t.pstate |= isa::PSTATE_IE;
  t.softint = (1u << 5) | (1u << 9);   // levels 5 and 9 pending: 9 first
  t.pil = 0;
  interrupt(f, 1);
  CHECK(t.tt[1] == 0x49);
}

TEST_CASE("console input raises the console's device mondo once until the guest re-arms it", "[intr]") {
  HvFixture f;
  start_vcpu(f, 1);
  REQUIRE(f.fast_on(0, 1, fn::CPU_QCONF, hv::Q_DEV_MONDO, kRa0 + 0x44000, 16).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::VINTR_SETCOOKIE, 0x100, 0x11, 0xfeedface12345678ull).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::VINTR_SETTARGET, 0x100, 0x11, 1).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::VINTR_SETSTATE, 0x100, 0x11, 0).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::VINTR_SETVALID, 0x100, 0x11, 1).status == hv::HV_EOK);
  f.h->console_input(f.guest(), "ok");
  CHECK(f.vcpu(0, 1).queue(hv::Q_DEV_MONDO).tail == 64);
  CHECK(f.ld64(kRa0 + 0x44000) == 0xfeedface12345678ull);
  Result st = f.fast(fn::VINTR_GETSTATE, 0x100, 0x11);
  CHECK(st.r[0] == 2);   // delivered
  f.h->console_input(f.guest(), "!");
  CHECK(f.vcpu(0, 1).queue(hv::Q_DEV_MONDO).tail == 64);   // no second mondo before re-arm
  REQUIRE(f.fast(fn::VINTR_SETSTATE, 0x100, 0x11, 0).status == hv::HV_EOK);
  f.h->console_input(f.guest(), "?");
  CHECK(f.vcpu(0, 1).queue(hv::Q_DEV_MONDO).tail == 128);
  Result c = f.fast(fn::CONS_GETCHAR);
  CHECK(c.status == hv::HV_EOK);
  CHECK(c.r[0] == 'o');
}

TEST_CASE("error reports: resumable ones wait in their queue, non-resumable ones vector to 0x7f", "[intr]") {
  HvFixture f;
  start_vcpu(f, 1);
  REQUIRE(f.fast_on(0, 1, fn::CPU_QCONF, hv::Q_RESUMABLE, kRa0 + 0x48000, 8).status == hv::HV_EOK);
  REQUIRE(f.fast_on(0, 1, fn::CPU_QCONF, hv::Q_NONRESUMABLE, kRa0 + 0x4c000, 4).status == hv::HV_EOK);
  hv::Vcpu& v = f.vcpu(0, 1);
  REQUIRE(f.h->report_error(f.guest(), v, true, 1, 0x2, kRa0 + 0x123440, 64));
  CHECK(f.strand(0, 1).queue_pending);
  CHECK(f.ld64(kRa0 + 0x48000) != 0);                        // non-zero handle
  CHECK(f.bytes(kRa0 + 0x48013, 1)[0] == 1);                 // type
  CHECK(f.ld64(kRa0 + 0x48018) == kRa0 + 0x123440);          // real address
  CHECK(f.ld16(kRa0 + 0x48024) == 1);                        // cpuid
  interrupt(f, 1);
  CHECK(f.state(0, 1).tt[1] == hv::TT_RESUMABLE_ERROR);
  isa::StrandState& t = f.state(0, 1);
  t.trap_return(true);
  REQUIRE(f.h->report_error(f.guest(), v, false, 2, 0x1, ~0ull, 0));
  CHECK(t.tt[t.tl] == hv::TT_NONRESUMABLE_ERROR);
  CHECK(t.pc == kTba + hv::TT_NONRESUMABLE_ERROR * 32);
  CHECK(f.bytes(kRa0 + 0x4c013, 1)[0] == 2);
}

TEST_CASE("a misaligned access records its address in the D-side fault area", "[intr][mmu]") {
  HvFixture f;
  isa::StrandState& st = f.state();
  REQUIRE(f.fast(fn::MMU_FAULT_AREA_CONF, kRa0 + 0x30000).status == hv::HV_EOK);
  st.tba = kTba;
  f.st64(kRa0 + 0x3000, uint64_t(0xd25a2004u) << 32);   // ldx [%o0 + 4], %o1
  st.pc = kRa0 + 0x3000;
  st.npc = st.pc + 4;
  st.set_r(8, kRa0 + 0x6002);
  unsigned s = f.vcpu().strand;
  CHECK(f.h->on_trap(f.m->core_of(s), s % 8, isa::TT_MEM_ADDRESS_NOT_ALIGNED));
  CHECK(f.ld64(kRa0 + 0x30000 + hv::MMFSA_D_TYPE) == hv::FT_UNALIGNED);
  CHECK(f.ld64(kRa0 + 0x30000 + hv::MMFSA_D_ADDR) == kRa0 + 0x6006);
  CHECK(st.pc == kTba + isa::TT_MEM_ADDRESS_NOT_ALIGNED * 32);
}

TEST_CASE("a trap without a trap table or beyond TL 2 stops the vCPU in error, not the simulator", "[intr]") {
  HvFixture f;
  isa::StrandState& st = f.state();
  unsigned s = f.vcpu().strand;
  st.tba = 0;
  CHECK(!f.h->on_trap(f.m->core_of(s), s % 8, isa::TT_ILLEGAL_INSTRUCTION));
  CHECK(f.vcpu().state == hv::CPU_STATE_ERROR);
  CHECK(f.guest().console.find("illegal_instruction") != std::string::npos);
  CHECK(f.guest().console.find("no trap table") != std::string::npos);

  HvFixture g;
  isa::StrandState& t = g.state();
  unsigned s2 = g.vcpu().strand;
  t.tba = kTba;
  t.tl = 2;
  CHECK(!g.h->on_trap(g.m->core_of(s2), s2 % 8, isa::TT_DIVISION_BY_ZERO));
  CHECK(g.vcpu().state == hv::CPU_STATE_ERROR);
  CHECK(g.guest().console.find("TL already 2") != std::string::npos);
}
