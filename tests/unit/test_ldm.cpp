// ldm without a running machine: units, the seed's list layout, the binder's rules and the
// delayed reconfiguration of the control domain (Manager with no DomainHost).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

#include "ldm/manager.h"
#include "ldm/state_file.h"
#include "ldm/units.h"
#include "sim/platform/platform.h"

using namespace vfsim;
using namespace vfsim::ldm;

TEST_CASE("sizes, uptimes and utilisation print as ldm prints them", "[ldm]") {
  CHECK(format_size(512ull << 20) == "512M");
  CHECK(format_size(1ull << 30) == "1G");
  CHECK(format_size(32544ull << 20) == "32544M");
  CHECK(format_size(1536ull << 10) == "1536K");
  CHECK(format_uptime(0) == "0s");
  CHECK(format_uptime(59) == "59s");
  CHECK(format_uptime(120) == "2m");
  CHECK(format_uptime(2 * 3600 + 7 * 60) == "2h 7m");
  CHECK(format_uptime(3 * 86400 + 21 * 3600 + 7 * 60) == "3d 21h 7m");
  CHECK(format_uptime(19 * 86400 + 9 * 60) == "19d 9m");
  CHECK(format_util(0) == "0.0%");
  CHECK(format_util(7) == "7.0%");
  CHECK(format_util(23.4) == "23%");
  CHECK(format_util(100) == "100%");
  CHECK(format_mac(0x00144ffaed88ull) == "00:14:4f:fa:ed:88");
  uint64_t b = 0;
  CHECK((parse_size("512M", "", b) && b == 512ull << 20));
  CHECK((parse_size("4", "G", b) && b == 4ull << 30));
  CHECK((parse_size("1024", "", b) && b == 1024));
  CHECK_FALSE(parse_size("12Q", "", b));
  CHECK_FALSE(parse_size("G", "", b));
  CHECK_FALSE(parse_size("4", "T", b));
}

namespace {
struct Fixture {
  platform::Platform p = platform::load_platform("T5240");
  Manager m{p, nullptr, "", "host"};
  Reply run(std::initializer_list<std::string> a) { return m.run(std::vector<std::string>(a)); }
};
}  // namespace

TEST_CASE("factory-default: primary owns everything and lists in the seed's layout", "[ldm]") {
  Fixture f;
  Reply r = f.run({"list"});
  CHECK(r.code == 0);
  CHECK(r.out ==
        "NAME       STATE      FLAGS   CONS    VCPU  MEMORY   UTIL  UPTIME\n"
        "primary    active     -n-c--  SP      128   261920M  0.1%  0s\n");
  CHECK(f.m.free_strands().empty());
  CHECK(f.m.free_memory().empty());
  CHECK(f.run({"ls-spconfig"}).out == "factory-default [current]\n");
}

TEST_CASE("delayed reconfiguration of primary: notice, d flag, others refused, cancel, reboot", "[ldm]") {
  Fixture f;
  Reply r = f.run({"set-vcpu", "8", "primary"});
  CHECK(r.code == 0);
  CHECK(r.out.rfind("Initiating delayed reconfigure operation on LDom primary.", 0) == 0);
  CHECK(f.run({"list", "primary"}).out.find("-ndc--") != std::string::npos);
  Reply other = f.run({"add-domain", "ldg1"});
  CHECK(other.code == 1);
  CHECK(other.err == "Delayed reconfiguration of LDom ldg1 is not permitted\n");
  CHECK(f.run({"cancel-operation", "reconf"}).code == 0);
  CHECK(f.run({"cancel-operation", "reconf"}).err ==
        "LDom primary does not have a delayed reconfiguration in progress\n");
  CHECK(f.run({"set-vcpu", "8", "primary"}).code == 0);
  CHECK(f.run({"set-memory", "4G", "primary"}).out.find("Notice: LDom primary is in the process") != std::string::npos);
  f.m.reboot_control();
  CHECK(f.run({"list", "primary"}).out.find("primary    active     -n-c--  SP      8     4G") != std::string::npos);
  CHECK(f.m.free_strands().size() == 120);
}

TEST_CASE("binding: lowest strands, 4 MB memory from the free ranges, all or nothing", "[ldm]") {
  Fixture f;
  f.run({"set-vcpu", "8", "primary"});
  f.run({"set-mau", "1", "primary"});
  f.run({"set-memory", "4G", "primary"});
  f.m.reboot_control();
  REQUIRE(f.run({"create", "ldg1"}).code == 0);
  CHECK(f.run({"create", "ldg1"}).err == "LDom ldg1 already exists\n");
  f.run({"add-vcpu", "4", "ldg1"});
  f.run({"add-mau", "1", "ldg1"});
  f.run({"add-memory", "1000M", "ldg1"});   // rounds up to 1000M (a 4 MB multiple)
  REQUIRE(f.run({"bind", "ldg1"}).code == 0);
  const Domain* d = f.m.model().find("ldg1");
  CHECK(d->strands == std::vector<unsigned>{8, 9, 10, 11});
  REQUIRE(d->mem.size() == 1);
  CHECK(d->mem[0].ra == 0x8000000);
  CHECK(d->mem[0].pa == kSysTop + (4ull << 30));
  CHECK(d->mem[0].size == 1000ull << 20);
  CHECK(d->mau_cores == std::vector<unsigned>{1});
  CHECK(f.run({"ls", "ldg1"}).out.find("ldg1       bound      ------          4     1000M") != std::string::npos);
  // Over-commit: nothing changes.
  f.run({"create", "big"});
  f.run({"add-vcpu", "200", "big"});
  f.run({"add-memory", "1G", "big"});
  Reply r = f.run({"bind", "big"});
  CHECK(r.code == 1);
  CHECK(r.err == "Insufficient vcpus available to bind LDom big: 200 requested, 116 free\n");
  CHECK(f.m.model().find("big")->state == State::Inactive);
  CHECK(f.m.free_strands().size() == 116);
  CHECK(f.run({"start", "big"}).err == "LDom big must be bound before it can be started\n");
  CHECK(f.run({"start", "ldg1"}).out == "LDom ldg1 started\n");
  CHECK(f.run({"unbind", "ldg1"}).err == "LDom ldg1 must be stopped before it can be unbound\n");
  CHECK(f.run({"stop", "ldg1"}).out == "LDom ldg1 stopped\n");
  CHECK(f.run({"stop", "ldg1"}).err == "LDom ldg1 is not active\n");
  CHECK(f.run({"rm-domain", "ldg1"}).err == "LDom ldg1 must be unbound before it can be removed\n");
  CHECK(f.run({"unbind", "ldg1"}).code == 0);
  CHECK(f.run({"destroy", "ldg1"}).code == 0);
  CHECK(f.run({"ls", "ldg1"}).err == "LDom ldg1 not found\n");
}

TEST_CASE("the configuration survives a restart, and a failed write leaves the last one intact", "[ldm]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("vfsim-ldm-test-{}", ::getpid());
  fs::remove_all(dir);
  platform::Platform p = platform::load_platform("T5240");
  {
    Manager m(p, nullptr, dir.string(), "host");
    m.run({"set-vcpu", "8", "primary"});
    m.reboot_control();
    m.run({"create", "ldg1"});
    m.run({"add-vcpu", "2", "ldg1"});
    m.run({"add-memory", "512M", "ldg1"});
    m.run({"set-var", "boot-file=compute", "ldg1"});
    REQUIRE(m.run({"add-spconfig", "one"}).code == 0);
  }
  {
    Manager m(p, nullptr, dir.string(), "host");
    CHECK(m.run({"ls", "ldg1"}).out.find("ldg1       inactive   ------          2     512M") != std::string::npos);
    CHECK(m.run({"list-variable", "ldg1"}).out == "boot-file=compute\n");
    CHECK(m.run({"ls-config"}).out == "factory-default\none [current]\n");
    // The temporary file cannot be created: the command's write fails, the file on disk
    // is the previous one.
    fs::create_directory(dir / "ldmd.json.tmp");
    CHECK_THROWS_AS(write_state_atomically((dir / "ldmd.json").string(), m.model()), StateError);
    fs::remove(dir / "ldmd.json.tmp");
  }
  Model back;
  read_state((dir / "ldmd.json").string(), back);
  REQUIRE(back.find("ldg1"));
  CHECK(back.find("ldg1")->vcpus == 2);
  fs::remove_all(dir);
}

TEST_CASE("cancel-operation reconf also gives back a bus removed from primary", "[ldm]") {
  Fixture f;
  REQUIRE(f.run({"remove-io", "pci@500", "primary"}).code == 0);
  CHECK(f.m.owner_of_io("pci@500") == nullptr);
  REQUIRE(f.run({"cancel-operation", "reconf"}).code == 0);
  CHECK(f.m.owner_of_io("pci@500") == f.m.model().find("primary"));
}

TEST_CASE("add-vcpu -c binds whole cores only", "[ldm]") {
  Fixture f;
  f.run({"set-vcpu", "12", "primary"});   // primary keeps core 0 and half of core 1
  f.run({"set-memory", "4G", "primary"});
  f.m.reboot_control();
  f.run({"create", "ldg1"});
  REQUIRE(f.run({"add-vcpu", "-c", "2", "ldg1"}).code == 0);
  f.run({"add-memory", "1G", "ldg1"});
  REQUIRE(f.run({"bind", "ldg1"}).code == 0);
  const Domain* d = f.m.model().find("ldg1");
  REQUIRE(d->strands.size() == 16);
  CHECK(d->strands.front() == 16);   // core 1 is shared with primary: cores 2 and 3
  CHECK(d->strands.back() == 31);
  CHECK(f.run({"add-vcpu", "1", "ldg1"}).err == "LDom ldg1 has whole cores: use add-vcpu -c\n");
  REQUIRE(f.run({"add-vcpu", "-c", "1", "ldg1"}).code == 0);
  CHECK(f.m.model().find("ldg1")->strands.size() == 24);
  REQUIRE(f.run({"set-vcpu", "3", "ldg1"}).code == 0);   // plain set: strands again
  CHECK(f.m.model().find("ldg1")->strands == std::vector<unsigned>{12, 13, 14});
}
