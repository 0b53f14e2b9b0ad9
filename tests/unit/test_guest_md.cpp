// The machine description a guest receives: structure, shared cache/TLB nodes, what guest
// OSes check, and a binary round trip.
#include <catch2/catch.hpp>

#include "hv/guest_md.h"

using namespace vfsim::hv;
using md::Kind;

namespace {
size_t count(const md::MachineDescription& m, const std::string& type) {
  size_t n = 0;
  for (const auto& x : m.nodes) n += x.type == type;
  return n;
}
std::vector<std::string> fwd_types(const md::MachineDescription& m, size_t node) {
  std::vector<std::string> t;
  for (const auto& p : m.nodes[node].props)
    if (p.kind == Kind::Arc && p.name == "fwd") t.push_back(m.nodes[p.value].type);
  return t;
}
}  // namespace

TEST_CASE("a 16-vCPU guest on two T5240 cores with two memory blocks", "[md][guest]") {
  auto p = vfsim::platform::load_platform("T5240");
  GuestResources g;
  for (unsigned s = 0; s < 16; ++s) g.strands.push_back(s);
  g.memory = {{0x80000000ull, 1ull << 30}, {0x100000000ull, 512ull << 20}};
  auto m = build_guest_md(p, g);
  CHECK(check_guest_md(m).empty());
  CHECK(count(m, "cpu") == 16);
  CHECK(count(m, "cpus") == 1);
  CHECK(count(m, "cache") == 2 * 2 + 1);   // L1I + L1D per core, one L2 for the socket
  CHECK(count(m, "tlb") == 2 * 2);         // ITLB + DTLB per core
  CHECK(count(m, "mblock") == 2);
  int cpu = m.find_node("cpu");
  CHECK(m.nodes[size_t(cpu)].find("mmu-page-size-list")->value == 0x2b);
  CHECK(m.nodes[size_t(cpu)].find("clock-frequency")->value == 1415000000);
  CHECK(fwd_types(m, size_t(cpu)) == std::vector<std::string>{"cache", "cache", "tlb", "tlb", "cache"});
  // vCPUs 0-7 share core 0's L1 nodes; vCPU 8 (strand 8) is on core 1 and does not.
  int cpu8 = cpu;
  for (int k = 0; k < 8; ++k) cpu8 = m.find_node("cpu", cpu8 + 1);
  CHECK(m.nodes[size_t(cpu8)].find("id")->value == 8);
  auto first_fwd = [&](int n) {
    for (const auto& pr : m.nodes[size_t(n)].props)
      if (pr.kind == Kind::Arc && pr.name == "fwd") return pr.value;
    return uint64_t(0);
  };
  CHECK(first_fwd(cpu) != first_fwd(cpu8));
  CHECK(first_fwd(cpu) == first_fwd(m.find_node("cpu", cpu + 1)));
  int mb = m.find_node("mblock");
  CHECK(m.nodes[size_t(mb)].find("base")->value == 0x80000000ull);
  // Binary round trip.
  auto bytes = md::encode(m);
  CHECK(md::encode(md::decode(bytes)) == bytes);
}

TEST_CASE("the guest MD checks catch what would stop a guest OS", "[md][guest]") {
  auto p = vfsim::platform::load_platform("T5440");
  GuestResources g;
  g.strands = {0, 64, 128, 192};   // one strand on each socket: four L2 nodes
  g.memory = {{0x80000000ull, 1ull << 30}};
  auto m = build_guest_md(p, g);
  CHECK(count(m, "cache") == 4 * 2 + 4);
  CHECK(check_guest_md(m).empty());
  auto no_mem = m;
  no_mem.nodes[size_t(no_mem.find_node("memory"))].type = "memory-gone";
  CHECK(check_guest_md(no_mem) == std::vector<std::string>{"no 'memory' node"});
  auto bad_cpu = m;
  auto& props = bad_cpu.nodes[size_t(bad_cpu.find_node("cpu"))].props;
  for (auto& pr : props)
    if (pr.name == "mmu-page-size-list") pr.value = 0;
  props.erase(props.begin());   // drop "id"
  auto problems = check_guest_md(bad_cpu);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].find("no 'id'") != std::string::npos);
  CHECK(problems[1].find("mmu-page-size-list is zero") != std::string::npos);
}

TEST_CASE("crypto units: exec-unit nodes per queue and the n2cp/ncp interrupt nodes", "[md][guest]") {
  auto p = vfsim::platform::load_platform("T5240");
  GuestResources g;
  for (unsigned s = 0; s < 16; ++s) g.strands.push_back(s);
  g.memory = {{0x80000000ull, 1ull << 30}};
  g.crypto_units = {0, 1};
  auto m = build_guest_md(p, g);
  CHECK(check_guest_md(m).empty());
  CHECK(count(m, "exec-unit") == 4);
  int u = m.find_node("exec-unit");
  CHECK(m.nodes[size_t(u)].find("type")->str == "cwq");
  CHECK(m.nodes[size_t(u)].find("id")->value == 0);
  unsigned backs = 0, fwds = 0;
  for (const auto& pr : m.nodes[size_t(u)].props) {
    backs += pr.kind == Kind::Arc && pr.name == "back";
    fwds += pr.kind == Kind::Arc && pr.name == "fwd";
  }
  CHECK(fwds == 8);   // the 8 cpus of core 0
  CHECK(backs == 1);  // the root
  int dev = -1;
  for (int i = m.find_node("virtual-device"); i >= 0; i = m.find_node("virtual-device", i + 1))
    if (m.nodes[size_t(i)].find("name")->str == "n2cp") dev = i;
  REQUIRE(dev >= 0);
  CHECK(m.nodes[size_t(dev)].find("cfg-handle")->value == 0x300);
  CHECK(m.nodes[size_t(dev)].find("ino")->data == std::vector<uint8_t>{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
}
