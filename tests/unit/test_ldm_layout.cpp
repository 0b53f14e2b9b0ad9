// vfctl layout's document (ldm/layout_build.h, ldm/layout_doc.h) on a manager without a host:
// which socket memory is homed on, the placement findings, the JSON round trip, and plans
// (the real binder on a copy; refused lines with their number; the manager unchanged).
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "ldm/layout_build.h"
#include "sim/platform/platform.h"

using namespace vfsim;
using namespace vfsim::ldm;

namespace {
constexpr uint64_t G = 1ull << 30, M = 1ull << 20;
struct Fixture {
  platform::Platform p = platform::load_platform("T5240");
  Manager m{p, nullptr, "", "host"};
  void ok(std::vector<std::string> a) {
    Reply r = m.run(a);
    INFO(a[0] << ": " << r.err);
    REQUIRE(r.code == 0);
  }
  Fixture() {
    ok({"set-vcpu", "8", "primary"});
    ok({"set-memory", "4G", "primary"});
    m.reboot_control();
  }
};
}  // namespace

TEST_CASE("layout: memory's home socket, 1 GB and 512-byte interleave") {
  platform::Platform p = platform::load_platform("T5240");
  CHECK(socket_bytes(p, 6 * G, 256 * M) == std::vector<uint64_t>{256 * M, 0});
  CHECK(socket_bytes(p, 7 * G, 256 * M) == std::vector<uint64_t>{0, 256 * M});
  CHECK(socket_bytes(p, G / 2, 2 * G) == std::vector<uint64_t>{G, G});
  p.interleave_512b_ceiling = 4 * G;   // below 4G: every 512 bytes
  CHECK(socket_bytes(p, 0, 1536) == std::vector<uint64_t>{1024, 512});
  CHECK(socket_bytes(p, 512, 1536) == std::vector<uint64_t>{1024 - 512, 1024});   // blocks 1, 2, 3
  CHECK(socket_bytes(p, 100, 1000) == std::vector<uint64_t>{412 + 76, 512});   // [100,512) [512,1024) [1024,1100)
  CHECK(socket_bytes(p, 4 * G - 1024, G + 1024) == std::vector<uint64_t>{512 + G, 512});
  platform::Platform four = platform::load_platform("T5440");
  CHECK(socket_bytes(four, 0, 8 * G) == std::vector<uint64_t>{2 * G, 2 * G, 2 * G, 2 * G});
}

TEST_CASE("layout: the document of a manager, and its JSON read back") {
  Fixture f;
  f.ok({"add-domain", "ldg1"});
  f.ok({"add-vcpu", "4", "ldg1"});
  f.ok({"add-mau", "1", "ldg1"});
  f.ok({"add-memory", "mblock=0x1c0000000:256M", "ldg1"});
  f.ok({"bind", "ldg1"});
  f.ok({"add-domain", "ldg2"});
  f.ok({"add-vcpu", "2", "ldg2"});
  f.ok({"add-memory", "256M", "ldg2"});
  f.ok({"bind", "ldg2"});
  layout::Document d = build_layout(f.m, {{"ldg1", {{"ds", 0}}}});
  REQUIRE(d.sockets.size() == 2);
  CHECK(d.sockets[0].cores[1].strands[0].domain == "ldg1");
  CHECK(d.sockets[0].cores[1].strands[4].domain == "ldg2");
  CHECK(d.sockets[0].cores[1].crypto_domain == "ldg1");
  CHECK(d.sockets[1].cores[0].strands[0].domain.empty());
  uint64_t total = 0;
  for (const layout::Memory& r : d.memory) total += r.size;
  CHECK(total == f.p.memory_bytes);
  REQUIRE(d.numa.size() >= 1);
  bool far = false;
  for (const layout::Numa& n : d.numa) far |= n.domain == "ldg1" && n.remote.at(0).remote_bytes == 256 * M;
  CHECK(far);
  REQUIRE(d.crypto.size() == 1);
  CHECK(d.crypto[0].domain == "ldg2");
  CHECK(d.crypto[0].kind == "strands_on_foreign_unit");
  CHECK(d.crypto[0].owner == "ldg1");
  CHECK(d.domains[0].color == build_layout(Manager(f.p, nullptr, "", "other"), {}).domains[0].color);
  nlohmann::json j = d;
  layout::Document back = j.get<layout::Document>();
  CHECK(nlohmann::json(back) == j);
  j.erase("links");
  CHECK_THROWS(j.get<layout::Document>());
}

TEST_CASE("layout: a plan binds on a copy and leaves the manager as it was") {
  Fixture f;
  std::string before = f.m.run({"list-bindings", "-p"}).out;
  layout::Document d;
  Reply r = plan_layout(f.m, "p.txt",
                        "# comment\nldm add-domain far\n  ldm add-vcpu 2 far # two\n"
                        "ldm add-memory \"mblock=0x240000000:256M\" far\nldm bind far\n",
                        d);
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(d.plan);
  CHECK(d.domains.back().name == "far");
  CHECK(d.domains.back().strands == std::vector<unsigned>{8, 9});
  CHECK(d.numa.back().domain == "far");
  CHECK(f.m.model().find("far") == nullptr);
  CHECK(f.m.run({"list-bindings", "-p"}).out == before);

  r = plan_layout(f.m, "p.txt", "ldm add-domain x\n\nldm add-vcpu 999 x\n", d);
  CHECK(r.code == 1);
  CHECK(r.err == "p.txt:3: ldm add-vcpu 999 x\n" + f.m.run({"add-vcpu", "999", "primary"}).err);
  CHECK(plan_layout(f.m, "p.txt", "ldm add-domain 'x\n", d).err == "p.txt:1: unterminated single quote\n");
  CHECK(plan_layout(f.m, "p.txt", "add-domain x\n", d).err.rfind("p.txt:1: not an ldm command: add-domain x", 0) == 0);
  CHECK(f.m.model().find("x") == nullptr);
}
