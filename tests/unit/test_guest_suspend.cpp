// guest_suspend (hv/guest_suspend.cpp): CORE 1.2 only; EWOULDBLOCK while another vCPU is
// not stopped; otherwise the caller parks with its call complete, nothing wakes it, and
// resume_guest lets it run on at the next instruction. The suspended flag is vCPU state: a
// stream of a suspended guest loads suspended. (With simulated time running:
// test_guest_suspend_sim.cpp.)
#include "tests/unit/hv_fixture.h"

#include "sim/state/stream.h"

using namespace hvtest;
namespace state = vfsim::state;

namespace {

// Start vCPU v of guest 0 at a harmless address.
void start_vcpu(HvFixture& f, unsigned v) {
  REQUIRE(f.fast(fn::CPU_START, v, kRa0 + 0x2000, kRa0 + 0x8000, 0).status == hv::HV_EOK);
}

// vCPU 0 of guest 0 calls guest_suspend.
Result suspend(HvFixture& f) { return f.fast(fn::GUEST_SUSPEND); }

}  // namespace

TEST_CASE("guest_suspend is offered from CORE 1.2 on", "[hcall][suspend]") {
  HvFixture f({default_guest()}, false);
  CHECK(suspend(f).status == hv::HV_EBADTRAP);
  CHECK(f.negotiate(0, hv::GROUP_CORE, 1, 1) == 1);
  Result r = suspend(f);
  CHECK(r.status == hv::HV_EBADTRAP);
  CHECK(r.returned());
  CHECK(r.running);
  CHECK_FALSE(f.vcpu().suspended);
  CHECK(f.negotiate(0, hv::GROUP_CORE, 1, 2) == 2);
  CHECK(suspend(f).status == hv::HV_EOK);
  CHECK(f.h->guest_suspended(f.guest()));
}

TEST_CASE("guest_suspend: EWOULDBLOCK while another vCPU is not stopped, and nothing changes", "[hcall][suspend]") {
  HvFixture f;   // 4 vCPUs, vCPU 0 running
  start_vcpu(f, 2);
  Result r = suspend(f);
  CHECK(r.status == hv::HV_EWOULDBLOCK);
  CHECK(r.returned());
  CHECK(r.running);
  CHECK(f.core_running(0, 0));
  CHECK_FALSE(f.vcpu(0, 0).suspended);
  CHECK_FALSE(f.h->guest_suspended(f.guest()));
  // A vCPU in the error state is not stopped either.
  REQUIRE(f.fast(fn::CPU_STOP, 2).status == hv::HV_EOK);
  f.vcpu(0, 3).state = hv::CPU_STATE_ERROR;
  CHECK(suspend(f).status == hv::HV_EWOULDBLOCK);
  f.vcpu(0, 3).state = hv::CPU_STATE_STOPPED;
  CHECK_FALSE(f.h->guest_suspended(f.guest()));
  // A running guest is not suspended; resume_guest changes nothing then.
  f.h->resume_guest(f.guest());
  CHECK(f.core_running(0, 0));
  CHECK(f.vcpu(0, 0).state == hv::CPU_STATE_RUNNING);
}

TEST_CASE("guest_suspend parks the last running vCPU with its call complete until resume_guest", "[hcall][suspend]") {
  HvFixture f;
  start_vcpu(f, 1);
  REQUIRE(f.fast(fn::CPU_STOP, 1).status == hv::HV_EOK);   // the guest stops its others first
  REQUIRE(f.fast(fn::CPU_QCONF, hv::Q_CPU_MONDO, kRa0 + 0x40000, 16).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::CPU_QCONF, hv::Q_DEV_MONDO, kRa0 + 0x41000, 16).status == hv::HV_EOK);
  REQUIRE(f.fast(fn::CPU_QCONF, hv::Q_NONRESUMABLE, kRa0 + 0x42000, 4).status == hv::HV_EOK);
  hv::Vcpu& v = f.vcpu();
  cmt::Core& core = f.m->core_of(v.strand);
  unsigned slot = v.strand % f.plat.strands_per_core;
  uint64_t ready = core.ready_at[slot], calls = v.hypercalls;
  Result r = suspend(f);
  // Complete as any call that returns: o0 = EOK, pc/npc past the trap, o1..o4 untouched...
  CHECK(r.status == hv::HV_EOK);
  CHECK(r.returned());
  for (unsigned i = 1; i < 5; ++i) CHECK(f.state().r(8 + i) == kPoison + i);
  // ...but the strand stops, at no cost in simulated time.
  CHECK_FALSE(r.running);
  CHECK_FALSE(f.core_running(0, 0));
  CHECK(core.ready_at[slot] == ready);
  CHECK(v.hypercalls == calls + 1);
  CHECK(v.suspended);
  CHECK(v.state == hv::CPU_STATE_RUNNING);   // cpu_state and ldm see a running guest
  CHECK_FALSE(v.runs());
  CHECK(f.h->guest_suspended(f.guest()));

  // No interrupt wakes it: a cpu mondo, a device mondo (typed console input), a stick match,
  // a non-resumable error report; its pc stays where the call left it.
  f.guest().intr[0].valid = true;   // the console's interrupt, to vCPU 0
  uint8_t mondo[64] = {0x42};
  CHECK(f.h->enqueue(f.guest(), v, hv::Q_CPU_MONDO, mondo));
  f.h->console_input(f.guest(), "x");
  f.state().softint |= 1u << 16;
  f.state().pstate |= isa::PSTATE_IE;
  CHECK(f.h->report_error(f.guest(), v, false, 2, 0x1, ~0ull, 0));
  CHECK_FALSE(f.core_running(0, 0));
  CHECK(core.ready_at[slot] == ready);
  CHECK(f.state().pc == r.pc);
  CHECK(f.state().tl == 0);
  CHECK(v.suspended);
  CHECK(f.guest().console.empty());

  // resume_guest: it runs on at the instruction after the trap, the call having returned EOK.
  f.state().pstate = isa::PSTATE_PRIV;
  f.h->resume_guest(f.guest());
  CHECK(f.core_running(0, 0));
  CHECK_FALSE(v.suspended);
  CHECK(v.runs());
  CHECK_FALSE(f.h->guest_suspended(f.guest()));
  CHECK(f.state().pc == r.npc_before);
  CHECK(f.state().npc == r.npc_before + 4);
  CHECK(f.state().r(8) == hv::HV_EOK);
  CHECK(f.state().tl == 0);
  // It can suspend again, and a stop ends a suspend (the domain is stopped, not suspended).
  REQUIRE(suspend(f).status == hv::HV_EOK);
  f.h->stop_guest(f.guest());
  CHECK_FALSE(v.suspended);
  CHECK(v.state == hv::CPU_STATE_STOPPED);
  CHECK_FALSE(f.h->guest_suspended(f.guest()));
  f.h->resume_guest(f.guest());
  CHECK_FALSE(f.core_running(0, 0));
}

TEST_CASE("a suspended guest's state loads suspended, also where its strand was running, and resumes there",
          "[hcall][suspend][state]") {
  HvFixture a;
  hv::Guest& ga = a.guest();
  REQUIRE(suspend(a).status == hv::HV_EOK);
  const uint64_t pc = a.state().pc;
  std::vector<uint8_t> bytes;
  {
    // The hypervisor's part alone, as a migration carries a guest to strands of another
    // host: the machine state (which strands run) is not in it.
    state::StreamWriter w([&](const uint8_t* p, size_t n) { bytes.insert(bytes.end(), p, p + n); });
    a.h->save_state(w);
    w.finish();
  }
  HvFixture b;   // bound the same, booted: its vCPU 0's strand runs
  REQUIRE(b.core_running(0, 0));
  state::StreamReader r(bytes.data(), bytes.size(), "host A");
  b.h->load_state(r);
  hv::Guest& gb = b.guest();
  CHECK(gb.vcpus[0].suspended);
  CHECK(gb.vcpus[0].state == hv::CPU_STATE_RUNNING);
  CHECK_FALSE(b.core_running(0, 0));
  CHECK(b.h->guest_suspended(gb));
  // The registers live in the machine state, which the migration carries itself: here the
  // ones the suspend left.
  b.state().pc = pc;
  b.state().npc = a.state().npc;
  b.state().set_r(8, a.state().r(8));
  CHECK(ga.vcpus[0].suspended);
  b.h->resume_guest(gb);
  CHECK(b.core_running(0, 0));
  CHECK_FALSE(b.h->guest_suspended(gb));
  CHECK(b.state().pc == pc);
  CHECK(b.state().r(8) == hv::HV_EOK);

  // And a guest saved running loads running: the flag is cleared, not kept from before.
  HvFixture c;
  REQUIRE(suspend(c).status == hv::HV_EOK);
  std::vector<uint8_t> running;
  {
    HvFixture d;
    state::StreamWriter w([&](const uint8_t* p, size_t n) { running.insert(running.end(), p, p + n); });
    d.h->save_state(w);
    w.finish();
  }
  state::StreamReader rr(running.data(), running.size(), "host D");
  c.h->load_state(rr);
  CHECK_FALSE(c.vcpu().suspended);
  CHECK_FALSE(c.h->guest_suspended(c.guest()));
}
