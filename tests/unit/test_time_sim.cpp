// Virtual time and device events with the SystemC simulation running (its own executable:
// a simulation starts once per process). One guest spins on code of our own that never
// makes a hypercall: it keeps storing its %stick and %softint, and stores the %stick it read
// last before it saw the stick match. Asserted on simulated cycles.
#include <catch2/catch.hpp>

#include <systemc>

#include "hv/hypervisor.h"
#include "hv/ldc_service.h"
#include "sim/platform/platform.h"
#include "tests/unit/isa_harness.h"

namespace hv = vfsim::hv;
namespace it = isa_test::sparc;

// libsystemc wants the program's sc_main; Catch2 provides main and starts SystemC itself.
int sc_main(int, char**) { return 0; }

namespace {

// Answers each timer with a packet carrying its first integer.
struct TimedService : hv::LdcService {
  std::vector<uint64_t> fired_at;
  void receive(hv::Hypervisor&, hv::Guest&, hv::LdcEndpoint&, const uint8_t*) override {}
  void on_timer(hv::Hypervisor& h, hv::Guest& g, hv::LdcEndpoint& ep, const hv::TimerArgs& a) override {
    fired_at.push_back(h.call_cycles);
    uint8_t pkt[64] = {uint8_t(a[0])};
    h.ldc_send(g, ep, pkt);
  }
};

uint64_t be64(vfsim::cmt::BareMachine& m, uint64_t pa) {
  uint8_t b[8];
  m.mem.read(pa, b, 8);
  uint64_t v = 0;
  for (uint8_t x : b) v = v << 8 | x;
  return v;
}

}  // namespace

TEST_CASE("guest time and device events in a running simulation", "[time][events]") {
  using namespace it;
  vfsim::platform::Platform plat = vfsim::platform::load_platform("T5240");
  vfsim::cmt::BareMachine m("machine", plat);
  hv::Hypervisor h(m);
  hv::GuestConfig c;
  c.name = "a";
  c.mblocks = {64ull << 20};
  hv::Guest& g = h.create_guest(c);
  const uint64_t ra = g.memory[0].ra, pa = g.memory[0].pa;   // %o0 = ra at boot
  const uint32_t prog[] = {
      rd_asr(24, G1),                 // 0x00 loop: rd %stick, %g1
      mem_imm(STX, G1, O0, 0x100),    // 0x04
      rd_asr(22, G2),                 // 0x08 rd %softint, %g2
      mem_imm(STX, G2, O0, 0x108),    // 0x0c
      bpr(RZ, false, G2, -4),         // 0x10 brz %g2, loop
      nop(),                          // 0x14
      mem_imm(STX, G1, O0, 0x110),    // 0x18 the %stick read just before SM showed
      bicc(CA, false, 0),             // 0x1c ba .
      nop(),
  };
  for (size_t i = 0; i < sizeof prog / 4; ++i) {
    uint32_t w = __builtin_bswap32(prog[i]);
    m.mem.write(pa + 4 * i, &w, 4);
  }
  g.boot_entry = ra;
  TimedService svc;
  uint64_t ch = h.connect_service(g, svc);
  // The channel's RX queue and rx interrupt as the guest would have set them up.
  hv::LdcEndpoint& ep = *g.channel(ch);
  ep.rx = hv::InterruptQueue{ra + 0x10000, 8, 0, 0};
  hv::InterruptSource* rx = g.source(hv::kChannelDevhandle, ep.rx_ino());
  rx->valid = true;
  rx->cookie = 0xabc;
  const uint64_t T0 = 1'000'000'000'000ull;
  h.set_guest_time(g, T0);
  h.boot(g);
  g.vcpus[0].queue(hv::Q_DEV_MONDO) = hv::InterruptQueue{ra + 0x20000, 16, 0, 0};
  vfsim::cmt::Core& core = m.core_of(g.vcpus[0].strand);
  vfsim::isa::StrandState& st = m.strand(g.vcpus[0].strand).state;
  const double ns = plat.cycle_ns();
  auto run_to = [&](double t_ns) { sc_core::sc_start(sc_core::sc_time(t_ns, sc_core::SC_NS) - sc_core::sc_time_stamp()); };

  // 1. Set forward before boot: %stick reads T0 + host cycles.
  run_to(10'000);
  uint64_t s1 = be64(m, pa + 0x100);
  INFO("core cycles " << core.cycles << ", stored %stick " << s1);
  CHECK(s1 <= T0 + core.cycles);
  CHECK(s1 + 200 >= T0 + core.cycles);

  // 2. Set back far below the host's count: it runs on from there, monotonic.
  const uint64_t T1 = 5000, h1 = core.cycles;
  h.set_guest_time(g, T1);
  st.stick_cmpr = T1 + 20000;   // a deadline in guest time, ~14 us of host time ahead
  run_to(20'000);
  uint64_t s2 = be64(m, pa + 0x100), h2 = core.cycles;
  CHECK(s2 >= T1);
  CHECK(s2 <= T1 + (h2 - h1));
  CHECK(s2 + 200 >= T1 + (h2 - h1));
  CHECK(!(st.softint & (1u << 16)));   // h2 - h1 < 20000: not yet
  REQUIRE(h2 - h1 < 20000);

  // 3. The match fires when guest time reaches the compare value, not the host's count.
  run_to(40'000);
  CHECK((st.softint & (1u << 16)));
  uint64_t before = be64(m, pa + 0x110);
  INFO("last %stick before the match was seen: " << before);
  CHECK(before + 64 >= T1 + 20000);
  CHECK(before < T1 + 20000 + 64);

  // 4. A service packet due at cycle N reaches the RX queue when the guest, which never
  //    asks, has had its quantum past N to take it itself (device_events.h): by SystemC time
  //    N + 1 quantum, and the guest's core is then at most 2 quanta past N.
  const uint64_t q = m.quantum_cycles;
  h.call_cycles = core.cycles;   // as if a hypercall now had made the service answer
  const uint64_t N = core.cycles + 7000;
  uint8_t pkt[64] = {0x5a};
  h.ldc_send(g, ep, pkt, N - h.call_cycles);
  run_to(double(N) * ns - 0.5);
  CHECK(ep.rx.tail == 0);
  CHECK(g.vcpus[0].queue(hv::Q_DEV_MONDO).tail == 0);
  uint64_t arrived = 0;   // the guest core's clock when the packet was first seen there
  for (double t = double(N) * ns; t <= double(N + q) * ns + 1 && !arrived; t += 10) {
    run_to(t);
    if (ep.rx.tail == 64) arrived = core.cycles;
  }
  INFO("due " << N << ", guest core at " << arrived << " when it arrived, quantum " << q);
  REQUIRE(arrived != 0);
  CHECK(arrived >= N);
  CHECK(arrived <= N + 2 * q);
  CHECK(g.vcpus[0].queue(hv::Q_DEV_MONDO).tail == 64);   // its rx interrupt
  uint8_t got = 0;
  m.mem.read(pa + 0x10000, &got, 1);
  CHECK(got == 0x5a);

  // 5. A timer (plain data) fires stamped with its own cycle; its packet follows at once.
  h.call_cycles = core.cycles;
  const uint64_t D = core.cycles + 3000;
  h.ldc_at(ep, D - h.call_cycles, {0x77, 0, 0, 0, 0, 0});
  run_to(double(D) * ns - 0.5);
  CHECK(svc.fired_at.empty());
  run_to(double(D + q) * ns + 1);
  REQUIRE(svc.fired_at.size() == 1);
  CHECK(svc.fired_at[0] == D);
  CHECK(ep.rx.tail == 128);
  m.mem.read(pa + 0x10040, &got, 1);
  CHECK(got == 0x77);
  CHECK(g.vcpus[0].hypercalls == 0);   // the guest never asked
}
