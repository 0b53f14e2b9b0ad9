// The Domain Services and md trace points (docs/tracing.md): the guest's end played as in
// test_ds.cpp, traced to a Chrome JSON file that is read back.
#include <catch2/catch.hpp>

#include "ds_guest_link.h"
#include "hv_fixture.h"
#include "models/ds.h"
#include "trace_capture.h"

#include <fmt/format.h>

using namespace hvtest;
namespace ds = vfsim::models::ds;
using vfsim::models::DomainServices;

TEST_CASE("trace: DS messages on ds@DOMAIN with their services; a request flows to its reply; md-update",
          "[trace][ds][md]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  DomainServices svc;
  hv::VirtualDevice dev;
  dev.kind = hv::VirtualDevice::DomainServices;
  uint64_t ch = f.h->connect_service(g, svc, dev);
  GuestLink l{f, ch};
  l.setup();
  l.handshake();
  TraceCapture t("ds,md");
  l.send(ds::message(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b));
  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x200000001ull).u16(1).u16(0).str("md-update").b));
  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x300000001ull).u16(1).u16(0).str("pri").b));
  REQUIRE(l.messages().size() == 3);
  uint64_t req = svc.request(*f.h, g, "md-update", {}, nullptr);
  REQUIRE(req != 0);
  REQUIRE(l.messages().size() == 1);
  l.send(ds::message(ds::DATA, ds::Writer().u64(0x200000001ull).u64(req).u32(0).b));
  l.send(ds::message(ds::UNREG, ds::Writer().u64(0x200000001ull).b));
  REQUIRE(l.messages().size() == 1);
  uint64_t gen = g.md_inputs.md_generation, bytes = g.md.size();
  t.finish();

  std::vector<std::string> names;
  for (const auto& e : t.events)
    if (e.at("cat") == "ds" && (e.at("ph") == "i" || e.at("ph") == "X")) {
      CHECK(e.at("track") == "services/ds@a");
      names.push_back(e.at("name"));
    }
  CHECK(names == std::vector<std::string>{"INIT_REQ", "INIT_ACK", "REG_REQ md-update", "REG_ACK md-update", "REG_REQ pri",
                                          "REG_NACK pri", "DATA md-update", "DATA md-update", "UNREG md-update",
                                          "UNREG_ACK md-update"});
  auto data = t.named("DATA md-update");
  REQUIRE(data.size() == 2);
  CHECK(data[0].at("args").at("from") == "ds@a");
  CHECK(data[0].at("args").at("req") == req);
  CHECK(data[1].at("args").at("from") == fmt::format("a/ch{}", ch));
  CHECK(TraceCapture::linked(data[0], data[1]));
  t.check_flows_paired();
  CHECK(t.flows().size() == 1);
  CHECK(t.text.find(fmt::format("ds   a/ch{} -> ds@a  REG_REQ md-update ver=1.0 handle=0x200000001", ch)) != std::string::npos);
  CHECK(t.text.find(fmt::format("ds   ds@a -> a/ch{}  REG_NACK pri handle=0x300000001 result=1", ch)) != std::string::npos);

  auto sent = t.named("md-update sent");
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].at("track") == "a/domain");
  CHECK(sent[0].at("args").at("generation") == gen);
  CHECK(sent[0].at("args").at("bytes") == bytes);
  CHECK(t.text.find(fmt::format("md   a  md-update sent (req {}): generation {}, {} bytes", req, gen, bytes)) != std::string::npos);
}
