// Per-guest virtual time without a simulation running: the offset a guest's time is kept
// as, set forward and back; its strands, cpu_yield's wake-up, TOD and error reports in it.
#include "tests/unit/hv_fixture.h"

using namespace hvtest;

namespace {
cmt::Core& core0(HvFixture& f) { return f.m->core_of(f.vcpu().strand); }
unsigned slot0(HvFixture& f) { return f.vcpu().strand % f.plat.strands_per_core; }
}  // namespace

TEST_CASE("a guest's time set forward and back runs on from the value set, on all its strands", "[hcall][time]") {
  HvFixture f;   // 4 vCPUs on strands 0-3: one core
  hv::Guest& g = f.guest();
  cmt::Core& core = core0(f);
  core.cycles = 1000;
  CHECK(f.h->guest_time(g) == 1000);   // offset 0: the host's cycles, as before
  f.h->set_guest_time(g, 5'000'000'000ull);
  CHECK(f.h->guest_time(g) == 5'000'000'000ull);
  CHECK(g.stick_offset == 5'000'000'000ull - 1000);
  for (unsigned v = 0; v < 4; ++v) CHECK(f.state(0, v).stick_offset == g.stick_offset);
  core.cycles += 250;
  CHECK(f.h->guest_time(g) == 5'000'000'250ull);
  // Back below the host's own count: the offset wraps, the time does not.
  f.h->set_guest_time(g, 300);
  CHECK(f.h->guest_time(g) == 300);
  core.cycles += 10;
  CHECK(f.h->guest_time(g) == 310);
  CHECK(f.state(0, 3).stick_offset == uint64_t(300) - 1250);
  // A vCPU added later shows the same time; a strand given back shows the host's again.
  f.h->add_vcpus(g, {4});
  CHECK(f.state(0, 4).stick_offset == g.stick_offset);
  f.h->remove_vcpus(g, {4});
  CHECK(f.m->strand(4).state.stick_offset == 0);
}

TEST_CASE("a stick_cmpr that is ahead again after time was set back may fire again", "[hcall][time]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  core0(f).cycles = 100;
  f.h->set_guest_time(g, 10'000);
  f.state().stick_cmpr = 9'000;
  f.strand().stick_fired = 9'000;   // it matched already
  f.h->set_guest_time(g, 20'000);   // forward: stays fired
  CHECK(f.strand().stick_fired == 9'000);
  f.h->set_guest_time(g, 8'000);    // back before it: armed again
  CHECK(f.strand().stick_fired == ~0ull);
}

TEST_CASE("cpu_yield wakes at the host cycle where the guest's time reaches stick_cmpr", "[hcall][time]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  cmt::Core& core = core0(f);
  unsigned slot = slot0(f);
  core.cycles = 2000;
  core.ready_at[slot] = core.cycles;
  f.h->set_guest_time(g, 1'000'000'000);
  f.state().stick_cmpr = 1'000'000'000 + 5000;   // 5000 cycles of guest time from now
  REQUIRE(f.fast(fn::CPU_YIELD).status == hv::HV_EOK);
  CHECK(core.ready_at[slot] == 2000 + 5000 + f.h->hcall_cycles);
  // Set 20000 back: the same compare value is 25000 cycles away.
  core.ready_at[slot] = core.cycles;
  f.h->set_guest_time(g, 1'000'000'000 - 20000);
  REQUIRE(f.fast(fn::CPU_YIELD).status == hv::HV_EOK);
  CHECK(core.ready_at[slot] == 2000 + 25000 + f.h->hcall_cycles);
  // Set past it: no sleep at all.
  core.ready_at[slot] = core.cycles;
  f.h->set_guest_time(g, 2'000'000'000);
  REQUIRE(f.fast(fn::CPU_YIELD).status == hv::HV_EOK);
  CHECK(core.ready_at[slot] == 2000 + f.h->hcall_cycles);
}

TEST_CASE("tod follows the guest's time; tod_set and set_guest_tod are per guest", "[hcall][time]") {
  HvFixture f({default_guest(), guest_config("b", 1, {64ull << 20})});
  hv::Guest& a = f.guest(0);
  const uint64_t hz = f.plat.stick_hz;
  f.h->set_guest_time(a, 3 * hz);   // host time is 0: three seconds ahead
  CHECK(f.fast_on(0, 0, fn::TOD_GET).r[0] == f.h->tod_base + 3);
  CHECK(f.fast_on(1, 0, fn::TOD_GET).r[0] == f.h->tod_base);
  f.h->set_guest_tod(a, 2'000'000'000);
  CHECK(f.h->guest_tod(a) == 2'000'000'000);
  CHECK(f.fast_on(0, 0, fn::TOD_GET).r[0] == 2'000'000'000);
  f.h->set_guest_time(a, 0);   // three seconds back: the TOD goes with it
  CHECK(f.fast_on(0, 0, fn::TOD_GET).r[0] == 2'000'000'000 - 3);
  REQUIRE(f.fast_on(0, 0, fn::TOD_SET, 1'900'000'000).status == hv::HV_EOK);
  CHECK(f.h->guest_tod(a) == 1'900'000'000);
  CHECK(f.fast_on(1, 0, fn::TOD_GET).r[0] == f.h->tod_base);
}

TEST_CASE("an error report carries the guest's %stick", "[intr][time]") {
  HvFixture f;
  core0(f).cycles = 777;
  f.h->set_guest_time(f.guest(), 123'456'789);
  REQUIRE(f.fast(fn::CPU_QCONF, hv::Q_RESUMABLE, kRa0 + 0x48000, 8).status == hv::HV_EOK);
  REQUIRE(f.h->report_error(f.guest(), f.vcpu(), true, 1, 0x2, kRa0, 64));
  CHECK(f.ld64(kRa0 + 0x48008) == 123'456'789);
}
