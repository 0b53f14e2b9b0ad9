// Device events without a simulation running: a service's packets and timers fall due at
// their core cycle when the hypervisor's event clock gets there (run_device_events is what
// the DeviceEvents method calls), with no hypercall from the guest; timers are plain data.
#include "tests/unit/hv_fixture.h"

#include "hv/ldc_service.h"

using namespace hvtest;

namespace {

constexpr uint64_t kRxQ = kRa0 + 0x60000, kDevQ = kRa0 + 0x44000;
constexpr uint64_t kLdcRxQconf = 0xe4;

// A service that remembers its timers and answers each with one packet of its args.
struct TimedService : hv::LdcService {
  struct Fired { uint64_t at; hv::TimerArgs args; };
  std::vector<Fired> fired;
  void receive(hv::Hypervisor&, hv::Guest&, hv::LdcEndpoint&, const uint8_t*) override {}
  void on_timer(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, const hv::TimerArgs& a) override {
    fired.push_back({hv.call_cycles, a});
    uint8_t pkt[64] = {};
    pkt[0] = uint8_t(a[0]);
    hv.ldc_send(g, ep, pkt);
  }
};

// Guest 0 with the service on a channel whose rx interrupt goes to vCPU 0's dev mondo queue.
struct Setup {
  HvFixture f;
  TimedService svc;
  uint64_t ch = 0;
  Setup() {
    ch = f.h->connect_service(f.guest(), svc);
    REQUIRE(f.fast(kLdcRxQconf, ch, kRxQ, 8).status == hv::HV_EOK);
    REQUIRE(f.fast(fn::CPU_QCONF, hv::Q_DEV_MONDO, kDevQ, 16).status == hv::HV_EOK);
    uint64_t ino = 2 * ch + 1;
    REQUIRE(f.fast(fn::VINTR_SETCOOKIE, hv::kChannelDevhandle, ino, 0xc0ffee).status == hv::HV_EOK);
    REQUIRE(f.fast(fn::VINTR_SETTARGET, hv::kChannelDevhandle, ino, 0).status == hv::HV_EOK);
    REQUIRE(f.fast(fn::VINTR_SETVALID, hv::kChannelDevhandle, ino, 1).status == hv::HV_EOK);
  }
  hv::LdcEndpoint& ep() { return *f.guest().channel(ch); }
  uint64_t rx_tail() { return ep().rx.tail; }
  uint64_t mondo_tail() { return f.vcpu().queue(hv::Q_DEV_MONDO).tail; }
};

}  // namespace

TEST_CASE("a service packet due at cycle N reaches the RX queue at N without a hypercall", "[ldc][events]") {
  Setup s;
  s.f.h->call_cycles = 1000;   // the hypercall that made the service answer
  uint8_t pkt[64] = {0x42, 7};
  s.f.h->ldc_send(s.f.guest(), s.ep(), pkt, 4000);
  CHECK(s.rx_tail() == 0);
  CHECK(s.f.h->next_device_event(1000) == 5000);
  s.f.h->call_cycles = 1234;   // what a later hypercall left behind
  s.f.h->run_device_events(4999);
  CHECK(s.rx_tail() == 0);
  CHECK(s.mondo_tail() == 0);
  s.f.h->run_device_events(5000);
  CHECK(s.rx_tail() == 64);
  CHECK(s.f.bytes(kRxQ, 2) == std::vector<uint8_t>{0x42, 7});
  CHECK(s.mondo_tail() == 64);                 // the rx interrupt was raised
  CHECK(s.f.ld64(kDevQ) == 0xc0ffee);
  CHECK(s.f.h->call_cycles == 1234);           // the clock of hypercalls is left alone
  CHECK(s.f.h->next_device_event(5000) == UINT64_MAX);
}

TEST_CASE("a service timer is data: due at its cycle, it calls on_timer with its integers", "[ldc][events]") {
  Setup s;
  s.f.h->call_cycles = 1000;
  s.f.h->ldc_at(s.ep(), 3000, {9, 2, 3, 4, 5, 6});
  s.f.h->ldc_at(s.ep(), 1000, {8, 0, 0, 0, 0, 0});
  REQUIRE(s.ep().timers.size() == 2);
  CHECK(s.ep().timers[0].due == 2000);   // kept in due order
  CHECK(s.ep().timers[1].due == 4000);
  CHECK(s.f.h->next_device_event(1000) == 2000);
  s.f.h->run_device_events(2000);
  REQUIRE(s.svc.fired.size() == 1);
  CHECK(s.svc.fired[0].at == 2000);
  CHECK(s.svc.fired[0].args[0] == 8);
  CHECK(s.rx_tail() == 64);   // its packet went out at once
  CHECK(s.f.h->next_device_event(2000) == 4000);
  s.f.h->run_device_events(4500);   // late: the event still runs at its own cycle
  REQUIRE(s.svc.fired.size() == 2);
  CHECK(s.svc.fired[1].at == 4000);
  CHECK(s.svc.fired[1].args == hv::TimerArgs{9, 2, 3, 4, 5, 6});
  CHECK(s.rx_tail() == 128);
  CHECK(s.f.bytes(kRxQ + 64, 1)[0] == 9);
}

TEST_CASE("a hypercall at the due cycle still takes the packet itself; a stopped guest's wait", "[ldc][events]") {
  Setup s;
  s.f.h->call_cycles = 1000;
  uint8_t pkt[64] = {1};
  s.f.h->ldc_send(s.f.guest(), s.ep(), pkt, 500);
  // cpu_yield sleeps until it is due...
  cmt::Core& core = s.f.m->core_of(s.f.vcpu().strand);
  unsigned slot = s.f.vcpu().strand % s.f.plat.strands_per_core;
  core.cycles = 1100;
  core.ready_at[slot] = core.cycles;
  REQUIRE(s.f.fast(fn::CPU_YIELD).status == hv::HV_EOK);
  CHECK(core.ready_at[slot] == 1500 + s.f.h->hcall_cycles);
  // ...and the guest's own look at the channel then moves it, as before.
  core.cycles = 1600;
  REQUIRE(s.f.fast(0xe6 /* ldc_rx_get_state */, s.ch).status == hv::HV_EOK);
  CHECK(s.rx_tail() == 64);
  s.f.h->run_device_events(2000);   // nothing left for the clock
  CHECK(s.rx_tail() == 64);
  // A stopped guest's events wait for it (and do not keep the simulation going).
  s.f.h->call_cycles = 3000;
  s.f.h->ldc_send(s.f.guest(), s.ep(), pkt, 500);
  s.f.h->stop_guest(s.f.guest());
  CHECK(s.f.h->next_device_event(3000) == UINT64_MAX);
  s.f.h->run_device_events(4000);
  CHECK(s.rx_tail() == 64);
}
