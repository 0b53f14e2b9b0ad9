// Domain Services: the wire format (models/ds_wire.h, reference §5.7) and the manager's end
// (models/ds.h) on a real channel: this test plays the guest, writing LDC packets into its TX
// queue and reading the service's packets from its RX queue through the hypercalls.
#include <catch2/catch.hpp>

#include <array>

#include "ds_guest_link.h"
#include "hv_fixture.h"
#include "models/ds.h"

using namespace hvtest;
namespace ds = vfsim::models::ds;
using vfsim::models::DomainServices;

// libsystemc wants the program's sc_main; Catch2 provides main and nothing starts SystemC.
int sc_main(int, char**) { return 0; }

TEST_CASE("DS messages: header, REG_REQ and dr-cpu layouts are big-endian as in the reference", "[ds]") {
  std::vector<uint8_t> m = ds::message(ds::REG_REQ, ds::Writer().u64(0x100000001ull).u16(1).u16(0).str("dr-cpu").b);
  std::vector<uint8_t> want = {0, 0, 0, 3, 0, 0, 0, 19, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 'd', 'r', '-', 'c', 'p', 'u', 0};
  CHECK(m == want);
  uint32_t type;
  std::vector<uint8_t> p;
  std::string why;
  REQUIRE(ds::parse(m, type, p, why));
  CHECK(type == ds::REG_REQ);
  ds::RegReq q;
  REQUIRE(ds::parse_reg_req(p, q));
  CHECK(q.handle == 0x100000001ull);
  CHECK(q.major == 1);
  CHECK(q.id == "dr-cpu");
  m.pop_back();
  CHECK_FALSE(ds::parse(m, type, p, why));
  CHECK(why == "header says 19 payload bytes, 18 came");
  std::vector<uint8_t> noterm = {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 'x'};
  CHECK_FALSE(ds::parse_reg_req(noterm, q));   // the id must be NUL-terminated

  CHECK(ds::dr_cpu_request(ds::DR_CONFIGURE, {2, 3}) ==
        std::vector<uint8_t>{0, 0, 0, 'C', 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3});
  std::vector<uint8_t> reply = ds::Writer().u32('o').u32(1).u32(5).u32(ds::DRCPU_NOT_IN_MD).u32(0).u32(0).b;
  ds::DrCpuReply r;
  REQUIRE(ds::parse_dr_cpu_reply(reply, r));
  CHECK(r.type == ds::DR_OK);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].cpu == 5);
  CHECK(std::string(ds::dr_cpu_result_name(r.records[0].result)) == "not in the MD");
  reply.resize(reply.size() - 1);
  CHECK_FALSE(ds::parse_dr_cpu_reply(reply, r));
}


TEST_CASE("DomainServices: INIT, registrations (unknown and duplicate ones refused), a request and its reply",
          "[ds][ldc]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  DomainServices svc;
  hv::VirtualDevice dev;
  dev.kind = hv::VirtualDevice::DomainServices;
  uint64_t ch = f.h->connect_service(g, svc, dev);
  GuestLink l{f, ch};
  l.setup();
  l.handshake();
  CHECK_FALSE(svc.has(g, "dr-cpu"));

  l.send(ds::message(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b));
  auto m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::INIT_ACK, ds::Writer().u16(0).b));

  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x200000001ull).u16(1).u16(0).str("dr-cpu").b));
  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x300000001ull).u16(1).u16(0).str("pri").b));
  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x400000001ull).u16(1).u16(0).str("dr-cpu").b));
  m = l.messages();
  REQUIRE(m.size() == 3);
  CHECK(m[0] == ds::message(ds::REG_ACK, ds::Writer().u64(0x200000001ull).u16(0).b));
  CHECK(m[1] == ds::message(ds::REG_NACK, ds::Writer().u64(0x300000001ull).u64(ds::REG_VER_NACK).u16(0).b));
  CHECK(m[2] == ds::message(ds::REG_NACK, ds::Writer().u64(0x400000001ull).u64(ds::REG_DUP).u16(1).b));
  CHECK(svc.has(g, "dr-cpu"));
  CHECK_FALSE(svc.has(g, "pri"));
  CHECK(svc.request(*f.h, g, "md-update", {}, nullptr) == 0);   // not registered

  DomainServices::Answer got;
  int calls = 0;
  uint64_t req = svc.request(*f.h, g, "dr-cpu", ds::dr_cpu_request(ds::DR_CONFIGURE, {4}),
                             [&](const DomainServices::Answer& a) { got = a, ++calls; });
  REQUIRE(req != 0);
  m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::DATA, ds::Writer().u64(0x200000001ull).u64(req)
                                          .bytes(ds::dr_cpu_request(ds::DR_CONFIGURE, {4})).b));
  // The guest's reply: 'o', one record {cpu 4, ok, configured, no string}; 64 bytes, two packets.
  l.send(ds::message(ds::DATA, ds::Writer().u64(0x200000001ull).u64(req).u32('o').u32(1).u32(4).u32(0).u32(2).u32(0).b));
  REQUIRE(calls == 1);
  CHECK(got.ok);
  CHECK(got.service == "dr-cpu");
  ds::DrCpuReply rep;
  REQUIRE(ds::parse_dr_cpu_reply(got.data, rep));
  CHECK(rep.records.at(0).status == ds::DRCPU_CONFIGURED);
  // A reply nobody waits for (or a wrong handle) is NACKed with INV_HDL.
  l.send(ds::message(ds::DATA, ds::Writer().u64(0x200000001ull).u64(req).u32(0).b));
  m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::NACK, ds::Writer().u64(0x200000001ull).u64(ds::INV_HDL).b));
  CHECK(svc.counters().registrations == 1);
  CHECK(svc.counters().reg_nacks == 2);
  CHECK(svc.counters().requests == 1);
  CHECK(svc.counters().replies == 1);

  // The guest reconfigures its queues (a reboot): pending requests fail, registrations end.
  svc.request(*f.h, g, "dr-cpu", ds::dr_cpu_request(ds::DR_STATUS, {0}), [&](const DomainServices::Answer& a) {
    got = a, ++calls;
  });
  l.setup();
  CHECK(calls == 2);
  CHECK_FALSE(got.ok);
  CHECK(got.error == "the domain services channel was reset");
  CHECK_FALSE(svc.has(g, "dr-cpu"));
}

TEST_CASE("DomainServices: domain-suspend's second reply (after the resume, or a failed call) is kept, not NACKed",
          "[ds][ldc][suspend]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  DomainServices svc;
  hv::VirtualDevice dev;
  dev.kind = hv::VirtualDevice::DomainServices;
  uint64_t ch = f.h->connect_service(g, svc, dev);
  GuestLink l{f, ch};
  l.setup();
  l.handshake();
  l.send(ds::message(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b));
  const uint64_t h = 0x300000001ull;
  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(h).u16(1).u16(0).str("domain-suspend").b));
  auto m = l.messages();
  REQUIRE(m.size() == 2);
  CHECK(m[1] == ds::message(ds::REG_ACK, ds::Writer().u64(h).u16(0).b));
  REQUIRE(svc.has(g, "domain-suspend"));
  CHECK(svc.late_reply(g, "domain-suspend") == nullptr);

  int calls = 0;
  uint64_t req = svc.request(*f.h, g, "domain-suspend", ds::Writer().u64(0).b, [&](const DomainServices::Answer&) { ++calls; });
  m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::DATA, ds::Writer().u64(h).u64(req).u64(0).b));   // type 0: suspend
  // First reply: {result 0 (pre-suspend success), rec_result 0, ""}: the one waited for.
  l.send(ds::message(ds::DATA, ds::Writer().u64(h).u64(req).u32(0).u32(0).str("").b));
  CHECK(calls == 1);
  // Then the report, same req_num: 5 (post-resume success). Kept, no NACK, no callback.
  l.send(ds::message(ds::DATA, ds::Writer().u64(h).u64(req).u32(5).u32(0).str("").b));
  CHECK(l.messages().empty());
  CHECK(calls == 1);
  const DomainServices::Late* late = svc.late_reply(g, "domain-suspend");
  REQUIRE(late != nullptr);
  CHECK(late->req_num == req);
  CHECK(late->data == ds::Writer().u32(5).u32(0).str("").b);
  CHECK(svc.counters().late == 1);
  CHECK(svc.counters().bad == 0);
  // A link reset forgets it with the registrations.
  l.setup();
  CHECK(svc.late_reply(g, "domain-suspend") == nullptr);
}

TEST_CASE("DomainServices: a message longer than the link layer keeps is dropped; the link goes on", "[ds][ldc]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  DomainServices svc;
  hv::VirtualDevice dev;
  dev.kind = hv::VirtualDevice::DomainServices;
  GuestLink l{f, f.h->connect_service(g, svc, dev)};
  l.setup();
  l.handshake();
  l.send(ds::message(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b));
  REQUIRE(l.messages().size() == 1);
  // A DATA reply nobody waits for is NACKed; one over kMaxMessage (in 1,400 packets) never
  // reaches the service: nothing answers it.
  std::vector<uint8_t> big(hv::LdcLinkService::kMaxMessage + 1000, 0x5a);
  l.send(ds::message(ds::DATA, ds::Writer().u64(1).u64(2).bytes(big).b));
  CHECK(l.messages().empty());
  CHECK(svc.counters().bad == 0);
  l.send(ds::message(ds::DATA, ds::Writer().u64(1).u64(2).b));
  auto m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::NACK, ds::Writer().u64(1).u64(ds::INV_HDL).b));
  CHECK(svc.counters().bad == 1);
}
