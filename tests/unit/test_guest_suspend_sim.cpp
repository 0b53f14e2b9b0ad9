// guest_suspend with the SystemC simulation running (its own executable: a simulation starts
// once per process). The guest counts to 200 in memory, calls guest_suspend, stores the
// call's status and then counts on in another word for ever. While it is suspended simulated
// time runs and an interrupt is raised: nothing it would store changes. resume_guest: the
// status reads EOK and the second count goes on. Asserted on memory and simulated cycles.
#include <catch2/catch.hpp>

#include <systemc>

#include "hv/hypervisor.h"
#include "sim/platform/platform.h"
#include "tests/unit/isa_harness.h"

namespace hv = vfsim::hv;
namespace it = isa_test::sparc;

// libsystemc wants the program's sc_main; Catch2 provides main and starts SystemC itself.
int sc_main(int, char**) { return 0; }

namespace {
uint64_t be64(vfsim::cmt::BareMachine& m, uint64_t pa) {
  uint8_t b[8];
  m.mem.read(pa, b, 8);
  uint64_t v = 0;
  for (uint8_t x : b) v = v << 8 | x;
  return v;
}
}  // namespace

TEST_CASE("a suspended vCPU issues nothing while simulated time runs, and resumes after its call", "[suspend]") {
  using namespace it;
  vfsim::platform::Platform plat = vfsim::platform::load_platform("T5240");
  vfsim::cmt::BareMachine m("machine", plat);
  hv::Hypervisor h(m);
  hv::GuestConfig c;
  c.name = "a";
  c.vcpus = 2;   // vCPU 1 is never started
  c.mblocks = {64ull << 20};
  hv::Guest& g = h.create_guest(c);
  const uint64_t ra = g.memory[0].ra, pa = g.memory[0].pa;   // %o0 = ra at boot
  const uint32_t prog[] = {
      mov(G5, O0),                          // 0x00 the base
      arith_imm(ADD, G3, G3, 1),            // 0x04 count: %g3 += 1
      mem_imm(STX, G3, G5, 0x100),          // 0x08
      cmp_imm(G3, 200),                     // 0x0c
      bicc(CNE, false, -3),                 // 0x10 until 200
      nop(),                                // 0x14
      mov_imm(O5, hv::FN_GUEST_SUSPEND),    // 0x18
      tcc_imm(CA, ICC, G0, 0x80),           // 0x1c ta 0x80: guest_suspend
      mem_imm(STX, O0, G5, 0x108),          // 0x20 its status
      arith_imm(ADD, G4, G4, 1),            // 0x24 count on: %g4 += 1
      mem_imm(STX, G4, G5, 0x110),          // 0x28
      bicc(CA, false, -2),                  // 0x2c
      nop(),                                // 0x30
  };
  for (size_t i = 0; i < sizeof prog / 4; ++i) {
    uint32_t w = __builtin_bswap32(prog[i]);
    m.mem.write(pa + 4 * i, &w, 4);
  }
  uint8_t marker[8] = {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 0};
  m.mem.write(pa + 0x108, marker, 8);
  g.boot_entry = ra;
  h.boot(g);
  g.api[hv::GROUP_CORE] = {1, 2};   // as api_set_version(CORE, 1, 2) would leave it
  hv::Vcpu& v = g.vcpus[0];
  vfsim::cmt::Core& core = m.core_of(v.strand);
  const unsigned slot = v.strand % plat.strands_per_core;
  vfsim::isa::StrandState& st = m.strand(v.strand).state;
  const double ns = plat.cycle_ns();
  auto run_for = [&](double t_ns) { sc_core::sc_start(sc_core::sc_time(t_ns, sc_core::SC_NS)); };

  // 1. It counts to 200 and suspends: the call is complete (pc after the trap), the strand
  //    stopped, the status not stored yet.
  run_for(20'000);
  REQUIRE(h.guest_suspended(g));
  CHECK(be64(m, pa + 0x100) == 200);
  CHECK(be64(m, pa + 0x108) == 0xdeadbeef00000000ull);
  CHECK(be64(m, pa + 0x110) == 0);
  CHECK(st.pc == ra + 0x20);
  CHECK(st.r(8) == hv::HV_EOK);
  CHECK_FALSE(core.running[slot]);
  CHECK(v.hypercalls == 1);
  const uint64_t cycles = core.cycles, issued = m.strand(v.strand).stats.instructions;

  // 2. 1 ms of simulated time with interrupts raised: a stick match and a cpu mondo, with
  //    PSTATE.IE set and no trap table (a delivered trap would put the vCPU in error).
  st.stick_cmpr = st.stick_offset + cycles + 1000;
  st.pstate |= vfsim::isa::PSTATE_IE;
  v.queue(hv::Q_CPU_MONDO) = hv::InterruptQueue{ra + 0x40000, 16, 0, 0};
  uint8_t mondo[64] = {1};
  CHECK(h.enqueue(g, v, hv::Q_CPU_MONDO, mondo));
  const double t0 = sc_core::sc_time_stamp().to_seconds();
  run_for(1'000'000);
  CHECK(sc_core::sc_time_stamp().to_seconds() - t0 >= 1e-3);
  CHECK(h.guest_suspended(g));
  CHECK(st.pc == ra + 0x20);
  CHECK(st.tl == 0);
  CHECK(v.state == hv::CPU_STATE_RUNNING);
  CHECK(m.strand(v.strand).stats.instructions == issued);
  CHECK(be64(m, pa + 0x108) == 0xdeadbeef00000000ull);
  CHECK(be64(m, pa + 0x110) == 0);
  CHECK(g.console.empty());
  CHECK(v.hypercalls == 1);

  // 3. resume_guest: the call returns EOK at the next instruction and the count goes on, on
  //    the core's clock of now (the suspended millisecond cost the strand nothing).
  st.pstate = vfsim::isa::PSTATE_PRIV;
  v.queue(hv::Q_CPU_MONDO) = hv::InterruptQueue{};
  h.update_queue_pending(v);
  st.stick_cmpr = 1ull << 63;
  h.resume_guest(g);
  CHECK_FALSE(h.guest_suspended(g));
  run_for(20'000);
  CHECK(be64(m, pa + 0x108) == hv::HV_EOK);
  CHECK(be64(m, pa + 0x110) > 100);
  CHECK(m.strand(v.strand).stats.instructions > issued);
  CHECK(core.cycles >= uint64_t(1'020'000 / ns));
  CHECK(v.hypercalls == 1);
}
