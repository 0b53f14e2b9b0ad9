// The dirty-page log under a real guest: the runtime's memory workload runs on the timed
// machine (SystemC runs, so this is a test executable of its own: one machine per process)
// with the log on from boot. Its demand pages (the 8K pages its miss handler maps, read back
// from each vCPU's TSB) are written in every pass of memory_kernel with writes=100
// (firmware/kernels.c), so they must be in the log from boot to the end of the first pass,
// and again in the log after a read-and-clear in the middle of the run: by then the stores
// hit the strands' SoftTlbs, and only the clear's dropping of the write entries brings them
// back. And every page whose content changed must be in the log.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include <systemc>

#include "hv/hypervisor.h"
#include "sim/platform/platform.h"

namespace hv = vfsim::hv;
namespace cmt = vfsim::cmt;

// libsystemc wants the program's sc_main; Catch2 provides main and the test calls sc_start.
int sc_main(int, char**) { return 0; }

namespace {

constexpr uint64_t kPage = 8192, kFootprint = 512 << 10;
using Pages = std::map<uint64_t, std::vector<uint8_t>>;

Pages snapshot(hv::Hypervisor& h, const hv::Guest& g) {
  Pages p;
  h.resident_pages(g, [&](uint64_t ra, const uint8_t* page) { p[ra].assign(page, page + kPage); });
  return p;
}

// The real pages a vCPU's demand TSB (its second context-0 TSB, 8K pages) maps.
std::set<uint64_t> demand_pages(hv::Hypervisor& h, const hv::Guest& g, const hv::Vcpu& v) {
  std::set<uint64_t> ras;
  if (v.tsb_ctx0.size() != 2) return ras;
  const hv::TsbDescriptor& d = v.tsb_ctx0[1];
  for (uint64_t i = 0; i < d.entries; ++i) {
    uint64_t pa;
    if (!g.ra_to_pa(d.base_ra + 16 * i + 8, 8, pa)) continue;
    uint64_t tte = h.read_be64(pa);
    if (tte & hv::TTE_V) ras.insert(tte & hv::TTE_RA_MASK);
  }
  return ras;
}

bool in_memory(const hv::Guest& g, uint64_t ra) { return ra % kPage == 0 && g.ra_ok(ra, kPage); }

}  // namespace

TEST_CASE("a memory workload's dirty pages: its demand pages, again after a clear mid-run", "[dirty][guest]") {
  vfsim::platform::Platform plat = vfsim::platform::load_platform("T5240");
  cmt::BareMachine m("dirty_guest_machine", plat);
  hv::Hypervisor h(m);
  hv::GuestConfig c;
  c.name = "g";
  c.vcpus = 2;
  c.mblocks = {32ull << 20, 32ull << 20};
  c.variables = {{"boot-file", "memory footprint=512K writes=100"}};
  hv::Guest& g = h.create_guest(c);
  h.load_image(g, VFSIM_RUNTIME_IMAGE);
  const Pages loaded = snapshot(h, g);
  REQUIRE(!loaded.empty());
  h.dirty_log_start(g);
  h.boot(g);

  // Until every vCPU has mapped its whole demand region: the first pass is (nearly) done.
  std::vector<std::set<uint64_t>> demand(g.vcpus.size());
  auto all_mapped = [&] {
    for (size_t i = 0; i < g.vcpus.size(); ++i) demand[i] = demand_pages(h, g, g.vcpus[i]);
    return std::all_of(demand.begin(), demand.end(), [](const auto& d) { return d.size() == kFootprint / kPage; });
  };
  for (int step = 0; step < 20000 && !g.exited && !all_mapped(); ++step)
    sc_core::sc_start(sc_core::sc_time(5, sc_core::SC_US));
  REQUIRE_FALSE(g.exited);
  REQUIRE(all_mapped());
  const std::vector<uint64_t> a = h.dirty_log_read_and_clear(g);
  for (int step = 0; step < 20000 && !g.exited; ++step) sc_core::sc_start(sc_core::sc_time(100, sc_core::SC_US));
  REQUIRE(g.exited);
  REQUIRE(g.exit_code == 0);
  const std::vector<uint64_t> b = h.dirty_log_read_and_clear(g);
  CHECK(h.dirty_log_read_and_clear(g).empty());
  INFO("dirty pages: " << a.size() << " until the first pass was done, " << b.size() << " after");

  std::set<uint64_t> all_demand;
  for (const auto& d : demand) all_demand.insert(d.begin(), d.end());
  REQUIRE(all_demand.size() == g.vcpus.size() * kFootprint / kPage);   // no two vCPUs share a page
  for (const std::vector<uint64_t>* log : {&a, &b}) {
    CHECK(std::is_sorted(log->begin(), log->end()));
    CHECK(std::adjacent_find(log->begin(), log->end()) == log->end());
    for (uint64_t ra : *log) CHECK(in_memory(g, ra));
    for (uint64_t ra : all_demand) CHECK(std::binary_search(log->begin(), log->end(), ra));
  }
  // After the clear the guest wrote its demand pages and a few of its own (stacks, per-CPU
  // data, console buffer, queues): nothing more.
  std::vector<uint64_t> others;
  for (uint64_t ra : b)
    if (!all_demand.count(ra)) others.push_back(ra);
  INFO(others.size() << " pages besides the demand pages after the clear");
  CHECK(others.size() < 32);

  // Every page whose content changed since the image was loaded is in the log; every page in
  // the log is resident (a written page has storage).
  const Pages end = snapshot(h, g);
  std::set<uint64_t> logged(a.begin(), a.end());
  logged.insert(b.begin(), b.end());
  size_t changed = 0;
  for (const auto& [ra, bytes] : end) {
    auto it = loaded.find(ra);
    bool same = it != loaded.end() ? it->second == bytes
                                   : std::all_of(bytes.begin(), bytes.end(), [](uint8_t x) { return x == 0; });
    if (same) continue;
    ++changed;
    INFO("page " << std::hex << ra << " changed");
    CHECK(logged.count(ra));
  }
  for (uint64_t ra : logged) CHECK(end.count(ra));
  CHECK(changed >= all_demand.size());
  h.dirty_log_stop(g);
}
