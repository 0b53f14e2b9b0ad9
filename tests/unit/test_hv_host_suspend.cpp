// HvHost::suspend_domain (ldm/hv_host_ds.cpp) against a guest whose OS this test plays on
// its Domain Services channel (ds_guest_link.h): the refusals, a refused request with the
// guest's reason, a suspend call that failed (the guest's second reply), no suspend within
// the time allowed, and the suspend itself, each with the message ldm prints. Simulated time
// is the Operation's clock here, moved by hand.
#include <catch2/catch.hpp>

#include "ds_guest_link.h"
#include "hv_fixture.h"
#include "ldm/hv_host.h"
#include "models/ds_wire.h"

using namespace hvtest;
namespace ds = vfsim::models::ds;
namespace ldm = vfsim::ldm;

// libsystemc wants the program's sc_main; Catch2 provides main and nothing starts SystemC.
int sc_main(int, char**) { return 0; }

namespace {

// A host with ldg1 bound on strand 8 (its DS channel 0) and booted, its CORE 1.2 negotiated.
struct SuspendHost {
  HvFixture f{{}};
  ldm::HvHost host{*f.h, "/no/image"};
  ldm::Model model;
  ldm::Domain d;
  double now = 0;
  SuspendHost() {
    d.name = "ldg1";
    d.state = ldm::State::Active;
    d.vcpus = 1;
    d.strands = {8};
    d.mem = {{hv::kGuestRaBase, hv::kGuestPaBase, 64ull << 20}};
    REQUIRE(host.bind(d, model) == "");
    hv::Guest& g = *f.h->find_guest("ldg1");
    g.boot_entry = g.memory[0].ra;
    f.h->boot(g);
    f.guests.push_back(&g);
    f.negotiate_all(0);
  }
  hv::Guest& g() { return f.guest(); }
  // The guest's OS: the DS link up and these services registered.
  GuestLink agent(std::initializer_list<const char*> services) {
    GuestLink l{f, 0};
    l.setup();
    l.handshake();
    l.send(ds::message(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b));
    uint64_t h = 1;
    for (const char* s : services) l.send(ds::message(ds::REG_REQ, ds::Writer().u64(h++ << 32 | 1).u16(1).u16(0).str(s).b));
    l.messages();
    return l;
  }
  // Run suspend_domain; the Operation and what done() said ("" while it waits).
  std::shared_ptr<ldm::Operation> op;
  std::string err = "(waiting)";
  void suspend() {
    err = "(waiting)";
    op = std::make_shared<ldm::Operation>("suspend ldg1", [this] { return now; });
    host.suspend_domain(d, *op, [this](const std::string& e) { err = e; });
  }
};

// The req_num of the one domain-suspend request the guest got: {handle, req_num, u64 type}.
uint64_t request_of(GuestLink& l, uint64_t handle) {
  auto m = l.messages();
  REQUIRE(m.size() == 1);
  ds::Reader r(m[0].data() + 8, m[0].size() - 8);
  CHECK(r.u64() == handle);
  uint64_t req = r.u64();
  CHECK(r.u64() == 0);   // type 0: suspend
  CHECK(r.ok);
  CHECK(r.left() == 0);
  return req;
}

void reply(GuestLink& l, uint64_t handle, uint64_t req, uint32_t result, const std::string& reason) {
  l.send(ds::message(ds::DATA, ds::Writer().u64(handle).u64(req).u32(result).u32(0).str(reason).b));
}

}  // namespace

TEST_CASE("suspend_domain: a guest without domain-suspend, a refusal with the guest's reason, no answer",
          "[ldm][suspend]") {
  SuspendHost s;
  s.suspend();
  CHECK(s.err == "LDom ldg1 does not support suspend: it does not run the domain services agent");
  GuestLink l = s.agent({"md-update", "domain-suspend"});
  const uint64_t h = 2ull << 32 | 1;
  s.suspend();
  CHECK(s.err == "(waiting)");
  reply(l, h, request_of(l, h), ds::SUSPEND_PRE_FAILURE, "suspend failure: DR operation in progress");
  s.op->pump();
  CHECK(s.err == "LDom ldg1 refused to suspend: suspend failure: DR operation in progress");
  // No answer: 50 ms of simulated time, then the DS time-out.
  s.suspend();
  request_of(l, h);
  s.now = 0.049;
  s.op->pump();
  CHECK(s.err == "(waiting)");
  s.now = 0.051;
  s.op->pump();
  CHECK(s.err == "LDom ldg1 did not answer the suspend request: no answer to domain-suspend within 50 ms of simulated time");
  CHECK_FALSE(s.host.suspended(s.d));
}

TEST_CASE("suspend_domain: accepted, then the guest's suspend call fails, or never comes", "[ldm][suspend]") {
  SuspendHost s;
  GuestLink l = s.agent({"domain-suspend"});
  const uint64_t h = 1ull << 32 | 1;
  s.suspend();
  uint64_t req = request_of(l, h);
  reply(l, h, req, ds::SUSPEND_PRE_OK, "");
  s.op->pump();
  CHECK(s.err == "(waiting)");
  CHECK(s.op->progress() == "waiting for ldg1 to suspend");
  // The guest's call returned EWOULDBLOCK: its second reply says so and ends the wait.
  reply(l, h, req, ds::SUSPEND_FAILURE, "suspend failure: guest_suspend returned EWOULDBLOCK");
  CHECK(l.messages().empty());   // not NACKed
  s.op->pump();
  CHECK(s.err == "LDom ldg1 did not suspend: suspend failure: guest_suspend returned EWOULDBLOCK");
  // Accepted but no call at all: the wait ends after suspend_timeout_s.
  s.now = 1;
  s.suspend();
  req = request_of(l, h);
  reply(l, h, req, ds::SUSPEND_PRE_OK, "");
  s.op->pump();
  s.now = 1.051;
  s.op->pump();
  CHECK(s.err == "LDom ldg1 accepted the suspend request but did not suspend within 50 ms of simulated time");
}

TEST_CASE("suspend_domain: done once the guest sits in guest_suspend; resume_domain lets it go", "[ldm][suspend]") {
  SuspendHost s;
  GuestLink l = s.agent({"md-update", "domain-shutdown", "dr-cpu", "domain-suspend"});
  const uint64_t h = 4ull << 32 | 1;
  CHECK(s.host.has_domain_service(s.d, "domain-suspend"));
  s.suspend();
  reply(l, h, request_of(l, h), ds::SUSPEND_PRE_OK, "");
  s.op->pump();
  CHECK(s.err == "(waiting)");
  REQUIRE(s.f.fast(fn::GUEST_SUSPEND).status == hv::HV_EOK);
  s.now = 0.00005;
  s.op->pump();
  CHECK(s.err == "");
  CHECK(s.host.suspended(s.d));
  CHECK(s.host.running(s.d));   // suspended is not exited
  CHECK(s.host.utilization(s.d) == 0);
  CHECK_FALSE(s.host.has_domain_service(s.d, "domain-shutdown"));   // it cannot answer now
  s.suspend();
  CHECK(s.err == "LDom ldg1 is already suspended");
  s.host.resume_domain(s.d);
  CHECK_FALSE(s.host.suspended(s.d));
  CHECK(s.f.core_running(0, 0));
  CHECK(s.host.has_domain_service(s.d, "domain-shutdown"));
}
