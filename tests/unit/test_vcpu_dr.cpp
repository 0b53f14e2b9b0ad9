// Live vCPU reconfiguration in the hypervisor (hv/vcpu_dr.cpp): vCPUs join a running guest
// stopped, on free strands, with the MD rebuilt; only stopped highest vCPUs can leave.
#include <catch2/catch.hpp>

#include "hv/machine_description.h"
#include "hv_fixture.h"

using namespace hvtest;
namespace md = vfsim::hv::md;

namespace {
size_t md_cpus(const hv::Guest& g) {
  md::MachineDescription m = md::decode(g.md);
  size_t n = 0;
  for (const md::Node& node : m.nodes) n += node.type == "cpu";
  return n;
}
}  // namespace

TEST_CASE("add_vcpus: new stopped vCPUs after the last, in a new MD, startable by the guest", "[hcall][dr]") {
  HvFixture f;   // guest a: 4 vCPUs on strands 0..3
  hv::Guest& g = f.guest();
  std::vector<uint8_t> before = g.md;
  f.h->add_vcpus(g, {40, 41});
  REQUIRE(g.vcpus.size() == 6);
  CHECK(g.vcpus[4].id == 4);
  CHECK(g.vcpus[4].strand == 40);
  CHECK(g.vcpus[5].strand == 41);
  CHECK(g.vcpus[5].state == hv::CPU_STATE_STOPPED);
  CHECK(g.md != before);
  CHECK(md_cpus(g) == 6);
  CHECK(f.h->owner(41).guest == &g);
  CHECK(f.h->owner(41).vcpu == &g.vcpus[5]);
  CHECK(f.h->owner(0).vcpu == &g.vcpus[0]);   // the others did not move
  Result st = f.fast(fn::CPU_STATE, 5);
  CHECK(st.status == hv::HV_EOK);
  CHECK(st.r[0] == hv::CPU_STATE_STOPPED);
  Result r = f.fast(fn::CPU_START, 5, kRa0 + 0x2000, kRa0 + 0x4000, 0);
  CHECK(r.status == hv::HV_EOK);
  CHECK(g.vcpus[5].state == hv::CPU_STATE_RUNNING);
}

TEST_CASE("add_vcpus refuses bound or missing strands and changes nothing", "[hcall][dr]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  std::vector<uint8_t> md = g.md;
  CHECK_THROWS_WITH(f.h->add_vcpus(g, {40, 2}), "guest 'a': strand 2 is already bound");
  CHECK_THROWS_WITH(f.h->add_vcpus(g, {40, 40}), "guest 'a': strand 40 is already bound");
  CHECK_THROWS_WITH(f.h->add_vcpus(g, {128}), "guest 'a': strand 128 does not exist on T5240 (0..127)");
  CHECK(g.vcpus.size() == 4);
  CHECK(g.md == md);
  CHECK(f.h->owner(40).guest == nullptr);
}

TEST_CASE("remove_vcpus: only stopped, highest vCPUs leave; their strands are free again", "[hcall][dr]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  REQUIRE(f.fast(fn::CPU_START, 3, kRa0 + 0x2000, kRa0 + 0x4000, 0).status == hv::HV_EOK);
  CHECK_THROWS_WITH(f.h->remove_vcpus(g, {3}),
                    "guest 'a': vCPU 3 is still running: the guest must stop it first");
  CHECK_THROWS_WITH(f.h->remove_vcpus(g, {2}),
                    "guest 'a': only its highest vCPUs can be removed (3..3), not vCPU 2");
  CHECK_THROWS_WITH(f.h->remove_vcpus(g, {0, 1, 2, 3}), "guest 'a': removing 4 of its 4 vCPUs leaves none");
  CHECK(g.vcpus.size() == 4);
  REQUIRE(f.fast(fn::CPU_STOP, 3).status == hv::HV_EOK);
  f.h->remove_vcpus(g, {3, 2});
  CHECK(g.vcpus.size() == 2);
  CHECK(md_cpus(g) == 2);
  CHECK(f.h->owner(3).guest == nullptr);
  CHECK(f.fast(fn::CPU_STATE, 3).status == hv::HV_ENOCPU);
  CHECK(f.fast(fn::CPU_START, 2, kRa0 + 0x2000, kRa0 + 0x4000, 0).status == hv::HV_ENOCPU);
  f.h->add_vcpus(g, {3});   // back, as vCPU 2 now
  CHECK(g.vcpus[2].strand == 3);
  CHECK(md_cpus(g) == 3);
}

// Issue 17: memory placement used `pa + size > memory`, which wraps: a block near 2^64 (or a
// size that went negative on the way) passed and overlapped another guest's memory.
TEST_CASE("create_guest refuses memory blocks whose end wraps around", "[hcall][memory]") {
  HvFixture f;   // guest a, with its default memory
  hv::GuestConfig c;
  c.name = "wrap";
  c.strands = {16};
  c.layout = {{hv::kGuestRaBase, 4ull << 20, 0ull - (4ull << 20)}};   // PA 2^64 - 4 MB: the end wraps to 0
  CHECK_THROWS_AS(f.h->create_guest(c), hv::HvError);
  c.layout.clear();
  c.mblocks = {0ull - (4ull << 20)};   // a size of 2^64 - 4 MB: pa + size wraps
  CHECK_THROWS_AS(f.h->create_guest(c), hv::HvError);
  CHECK(f.h->find_guest("wrap") == nullptr);
  CHECK(f.h->guests.size() == 1);
}
