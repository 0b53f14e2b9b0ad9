// add-memory / set-memory mblock=PA:SIZE (memory placed at chosen physical addresses): the
// binder uses exactly those ranges, every refusal changes nothing, and the placement survives
// a restart of ldmd (its state file) and list-constraints -x / add-domain -i.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "ldm/manager.h"
#include "sim/platform/platform.h"

using namespace vfsim;
using namespace vfsim::ldm;

namespace {
struct Fixture {
  platform::Platform p = platform::load_platform("T5240");
  Manager m;
  explicit Fixture(const std::string& dir = "") : m(p, nullptr, dir, "host") {}
  Reply run(std::vector<std::string> a) { return m.run(a); }
  void ok(std::vector<std::string> a) {
    Reply r = run(a);
    INFO(a[0] << ": " << r.err);
    REQUIRE(r.code == 0);
  }
  // primary down to 8 vcpus and 4G (0xe000000 to 0x10e000000), the rest free.
  void small_primary() {
    ok({"set-vcpu", "8", "primary"});
    ok({"set-memory", "4G", "primary"});
    m.reboot_control();
  }
};
constexpr uint64_t M = 1ull << 20;
}  // namespace

TEST_CASE("mblock=: the domain is bound at exactly the physical ranges asked for", "[ldm][mblock]") {
  Fixture f;
  f.small_primary();
  f.ok({"create", "ldg1"});
  f.ok({"add-vcpu", "1", "ldg1"});
  f.ok({"add-memory", "mblock=0x180000000:256M", "ldg1"});   // 6G: socket 0 of a T5240 (PA[30] = 0)
  const Domain* d = f.m.model().find("ldg1");
  CHECK(d->memory == 256 * M);
  REQUIRE(d->mblocks.size() == 1);
  CHECK(d->mblocks[0].pa == 0x180000000);
  f.ok({"bind", "ldg1"});
  REQUIRE(d->mem.size() == 1);
  CHECK(d->mem[0].ra == 0x8000000);
  CHECK(d->mem[0].pa == 0x180000000);
  CHECK(d->mem[0].size == 256 * M);
  // A bound domain's add is bound again at once: the new block follows in real addresses.
  f.ok({"add-mem", "mblock=0x1a0000000:64M", "ldg1"});
  REQUIRE(d->mem.size() == 2);
  CHECK(d->mem[1].ra == 0x8000000 + 256 * M);
  CHECK(d->mem[1].pa == 0x1a0000000);
  CHECK(d->memory == 320 * M);
  CHECK(f.run({"list", "-l", "ldg1"}).out.find("    0x8000000        0x180000000      256M\n"
                                               "    0x18000000       0x1a0000000      64M\n") != std::string::npos);
  CHECK(f.run({"list-constraints", "ldg1"}).out.find("MEMORY\n    PA               SIZE\n    0x180000000      256M\n"
                                                     "    0x1a0000000      64M\n") != std::string::npos);
  CHECK(f.run({"list-constraints", "-p", "ldg1"}).out.find("MEMORY|pa=0x180000000|size=268435456\n"
                                                           "MEMORY|pa=0x1a0000000|size=67108864\n") != std::string::npos);
  // A PA with a unit; set replaces the blocks (a bound domain moves there).
  f.ok({"set-memory", "mblock=5G:128M", "ldg1"});   // 0x140000000: socket 1
  REQUIRE(d->mem.size() == 1);
  CHECK(d->mem[0].pa == 0x140000000);
  CHECK(d->memory == 128 * M);
  // set-memory SIZE goes back to first fit: the lowest free memory, above primary's.
  f.ok({"set-memory", "64M", "ldg1"});
  CHECK(d->mblocks.empty());
  REQUIRE(d->mem.size() == 1);
  CHECK(d->mem[0].pa == 0x10e000000);
}

TEST_CASE("mblock=: every refusal says why, exits 1 and changes nothing", "[ldm][mblock]") {
  Fixture f;
  f.small_primary();
  f.ok({"create", "ldg1"});
  f.ok({"add-vcpu", "1", "ldg1"});
  f.ok({"add-memory", "mblock=0x180000000:256M", "ldg1"});
  f.ok({"bind", "ldg1"});
  f.ok({"create", "ldg2"});
  f.ok({"add-vcpu", "1", "ldg2"});
  f.ok({"add-memory", "mblock=0x200000000:64M", "ldg2"});   // placed, not bound
  f.ok({"create", "ldg3"});
  f.ok({"add-memory", "128M", "ldg3"});
  std::string before_list = f.run({"list-constraints", "-p"}).out, before_bind = f.run({"list", "-l", "-p"}).out;
  auto refused = [&](std::vector<std::string> a, const std::string& msg) {
    Reply r = f.run(a);
    INFO(fmt::format("{}", fmt::join(a, " ")));
    CHECK(r.code == 1);
    CHECK(r.out == "");
    CHECK(r.err.substr(0, r.err.find('\n')) == msg);
    CHECK(f.run({"list-constraints", "-p"}).out == before_list);
    CHECK(f.run({"list", "-l", "-p"}).out == before_bind);
  };
  refused({"add-memory", "mblock=0x180000000:3M", "ldg2"}, "The size of memory must be a multiple of 4MB: 0x180000000:3M");
  refused({"set-memory", "mblock=0x180100000:4M", "ldg1"}, "The physical address of memory must be a multiple of 4MB: 0x180100000:4M");
  refused({"set-memory", "mblock=6G:1000K", "ldg1"}, "The size of memory must be a multiple of 4MB: 6G:1000K");
  refused({"add-memory", "mblock=0x180000000:4M", "ldg2"},
          "Memory 0x180000000:4M overlaps memory bound to LDom ldg1 (0x180000000:256M)");
  refused({"set-memory", "mblock=0x1f0000000:512M", "ldg1"},
          "Memory 0x1f0000000:512M overlaps memory placed for LDom ldg2 (0x200000000:64M)");
  refused({"set-memory", "mblock=0x100000000:256M", "ldg1"},
          "Memory 0x100000000:256M overlaps memory bound to LDom primary (0xe000000:4G)");
  refused({"set-memory", "mblock=0x300000000:8M,0x300400000:4M", "ldg1"},
          "Memory 0x300400000:4M overlaps 0x300000000:8M of the same list");
  refused({"set-memory", "mblock=0x3ffc000000:128M", "ldg1"},
          "Memory 0x3ffc000000:128M is outside this system's memory (0x0 to 0x4000000000)");
  refused({"set-memory", "mblock=0x4000000:4M", "ldg1"}, "Memory 0x4000000:4M overlaps the hypervisor's memory (below 0xe000000)");
  refused({"set-memory", "mblock=0x0:4M", "ldg1"}, "Memory 0x0:4M overlaps the hypervisor's memory (below 0xe000000)");
  refused({"add-memory", "256M", "mblock=0x300000000:4M", "ldg2"}, "mblock= and a memory size cannot both be given");
  refused({"set-memory", "mblock=0x300000000:4M", "4M", "ldg2"}, "mblock= and a memory size cannot both be given");
  for (std::string bad : {"0x300000000", "0x300000000:", ":4M", "abc:4M", "0x300000000:4M,", "0x300000000:0",
                          "0x300000000:4Q", "0xg00000000:4M", "0x300000000:4M;0x400000000:4M", ""})
    refused({"set-memory", "mblock=" + bad, "ldg2"},
            "Invalid mblock: " + bad + " (PA:size[,PA:size...], e.g. 0x180000000:256M)");
  refused({"set-memory", "mblock=0x300000000:4M", "primary"}, "mblock= is not supported for the control domain");
  refused({"add-memory", "mblock=0x300000000:4M", "ldg3"},
          "LDom ldg3 has memory given by size: use set-memory mblock=... to place all of it");
  refused({"add-memory", "4M", "ldg2"}, "LDom ldg2 has its memory placed with mblock=: use add-memory mblock=... (or set-memory SIZE)");
  refused({"remove-memory", "4M", "ldg2"}, "LDom ldg2 has its memory placed with mblock=: use set-memory mblock=... (or set-memory SIZE)");
  refused({"remove-memory", "mblock=0x200000000:64M", "ldg2"}, "Invalid property: mblock");
  refused({"add-memory", "mblock=0x300000000:4M", "ldg9"}, "LDom ldg9 not found");
  f.ok({"start", "ldg1"});
  Reply r = f.run({"set-memory", "mblock=0x300000000:4M", "ldg1"});
  CHECK(r.err == "LDom ldg1 is active: memory can only be changed while it is stopped\n");
  CHECK(f.m.model().find("ldg1")->mem[0].pa == 0x180000000);
}

TEST_CASE("mblock=: the placement survives a restart and list-constraints -x / add-domain -i", "[ldm][mblock]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("vfsim-ldm-mblock-{}", ::getpid());
  fs::remove_all(dir);
  std::string xml;
  {
    Fixture f(dir.string());
    f.small_primary();
    f.ok({"create", "ldg1"});
    f.ok({"add-vcpu", "1", "ldg1"});
    f.ok({"set-memory", "mblock=0x140000000:128M,0x180000000:64M", "ldg1"});
    f.ok({"bind", "ldg1"});
    xml = f.run({"list-constraints", "-x", "ldg1"}).out;
    CHECK(xml.find("<gprop:GenericProperty key=\"mblock\">0x140000000:128M,0x180000000:64M</gprop:GenericProperty>") !=
          std::string::npos);
  }
  {
    Fixture f(dir.string());   // the state file brings them back, bound where they were
    const Domain* d = f.m.model().find("ldg1");
    REQUIRE(d);
    REQUIRE(d->mblocks.size() == 2);
    CHECK(d->mblocks[0].pa == 0x140000000);
    CHECK(d->mblocks[1].size == 64 * M);
    CHECK(d->memory == 192 * M);
    REQUIRE(d->mem.size() == 2);
    CHECK(d->mem[1].ra == 0x8000000 + 128 * M);
    CHECK(d->mem[1].pa == 0x180000000);
    // from the XML: a fresh domain with the same blocks (once the first has let them go)
    f.ok({"unbind", "ldg1"});
    f.ok({"remove-domain", "ldg1"});
    f.ok({"add-domain", "-i", xml});
    d = f.m.model().find("ldg1");
    REQUIRE(d);
    REQUIRE(d->mblocks.size() == 2);
    CHECK(d->mblocks[1].pa == 0x180000000);
    CHECK(d->memory == 192 * M);
  }
  // A state file whose blocks are not whole 4 MB blocks is refused, not bound somewhere else.
  std::string file = (dir / "ldmd.json").string(), text;
  {
    std::ifstream in(file);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string was = "\"pa\": 5368709120", now = "\"pa\": 5369757696";   // 0x140000000, + 1M
  size_t at = text.find(was, text.find("\"mblocks\": ["));
  REQUIRE(at != std::string::npos);
  text.replace(at, was.size(), now);
  { std::ofstream(file) << text; }
  platform::Platform p = platform::load_platform("T5240");
  CHECK_THROWS_WITH(Manager(p, nullptr, dir.string(), "host"),
                    file + ": LDom ldg1 has mblock 0x140100000:128M, which is not whole 4 MB blocks of this machine's "
                           "domain memory");
  fs::remove_all(dir);
}
