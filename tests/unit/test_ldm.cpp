// ldm without a running machine: units, the seed's list layout, the binder's rules and the
// delayed reconfiguration of the control domain (Manager with no DomainHost), and what ldm
// decides for live vCPU changes and graceful stops (a fake host answering for the guest).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <future>
#include <map>
#include <stdexcept>

#include <fmt/format.h>

#include <fstream>

#include "ldm/manager.h"
#include "ldm/protocol.h"
#include "ldm/request_server.h"
#include "ldm/service_path.h"
#include "ldm/state_file.h"
#include "ldm/units.h"
#include "ldm/vfctl_commands.h"
#include "ldm_no_machine.h"
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
  uint64_t mac = 0;
  CHECK((parse_mac("00:14:4F:fa:ed:88", mac) && mac == 0x00144ffaed88ull));
  CHECK((parse_mac("0:14:4f:fa:ed:8", mac) && mac == 0x00144ffaed08ull));
  CHECK_FALSE(parse_mac("100:14:4f:fa:ed:88", mac));   // sscanf took this as 00:...
  CHECK_FALSE(parse_mac("00:14:4f:fa:ed:88:", mac));
  CHECK_FALSE(parse_mac("00:14:4f:fa:ed", mac));
  CHECK_FALSE(parse_mac("00:14:4f:fa:ed:g8", mac));
  CHECK_FALSE(parse_mac("", mac));
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
  CHECK(f.run({"add-vcpu", "200", "big"}).err == "Only 128 vcpus exist on this system\n");   // more than the machine
  f.run({"add-vcpu", "120", "big"});
  f.run({"add-memory", "1G", "big"});
  Reply r = f.run({"bind", "big"});
  CHECK(r.code == 1);
  CHECK(r.err == "Insufficient vcpus available to bind LDom big: 120 requested, 116 free\n");
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

namespace {
// A host whose guest OS answers Domain Services as told: what ldm decides (which strands,
// which vCPUs, graceful or hard stop) without a machine.
struct DsHost : DomainHost {
  bool agent = true, refuse_lowest = false, running_guest = true;
  std::vector<std::string> calls;
  std::vector<std::string> refuse_shutdown;   // guests whose OS does not shut down when asked
  std::string bind(const Domain&, const Model&) override { return ""; }
  void unbind(const Domain&) override {}
  std::string start(const Domain&) override { return ""; }
  void stop(const Domain& d) override { calls.push_back("stop " + d.name); }
  bool running(const Domain&) override { return running_guest; }
  double utilization(const Domain&) override { return 0; }
  double now_seconds() override { return 0; }
  bool has_domain_service(const Domain&, const std::string&) override { return agent; }
  // The guest answers at once: every Operation ends before the command returns.
  void shutdown_domain(const Domain& d, Operation&, Done done) override {
    calls.push_back("shutdown " + d.name);
    if (std::count(refuse_shutdown.begin(), refuse_shutdown.end(), d.name))
      return done(fmt::format("LDom {} did not shut down: its OS refused the request", d.name));
    done("");
  }
  void add_vcpus_live(const Domain& d, const std::vector<unsigned>& strands, Operation&, Done done) override {
    calls.push_back(fmt::format("add {} {}", d.name, fmt::join(strands, ",")));
    done("");
  }
  void remove_vcpus_live(const Domain& d, unsigned count, Operation&,
                         std::function<void(const std::string&, const std::vector<unsigned>&)> done) override {
    calls.push_back(fmt::format("remove {} {}", d.name, count));
    // told to, the guest refuses the lowest vCPU asked for: the higher ones go (ids stay dense)
    std::vector<unsigned> removed;
    for (size_t i = d.strands.size() - count + (refuse_lowest ? 1 : 0); i < d.strands.size(); ++i)
      removed.push_back(d.strands[i]);
    done(refuse_lowest ? "Removal of cpu 1 failed, error: failure\nResource modification failed" : "", removed);
  }
  // Only when told to: otherwise DomainHost's own answers (no domain services, not suspended).
  bool suspends = false, is_suspended = false;
  void suspend_domain(const Domain& d, Operation& op, Done done) override {
    if (!suspends) return DomainHost::suspend_domain(d, op, done);
    calls.push_back("suspend " + d.name);
    is_suspended = true;
    done("");
  }
  void resume_domain(const Domain& d) override {
    calls.push_back("resume " + d.name);
    is_suspended = false;
  }
  bool suspended(const Domain&) override { return is_suspended; }
};
}  // namespace

TEST_CASE("live vcpu changes and graceful stop go through the guest's domain services", "[ldm]") {
  platform::Platform p = platform::load_platform("T5240");
  DsHost host;
  Manager m{p, &host, "", "host"};
  auto run = [&](std::initializer_list<std::string> a) { return m.run(std::vector<std::string>(a)); };
  run({"set-vcpu", "8", "primary"});
  run({"set-memory", "4G", "primary"});
  m.reboot_control();
  run({"create", "ldg1"});
  run({"add-vcpu", "2", "ldg1"});
  run({"add-memory", "1G", "ldg1"});
  run({"bind", "ldg1"});
  run({"start", "ldg1"});
  const Domain& d = *m.model().find("ldg1");
  REQUIRE(d.strands == std::vector<unsigned>{8, 9});
  Reply r = run({"add-vcpu", "3", "ldg1"});
  CHECK(r.code == 0);
  CHECK(r.out.empty());
  CHECK(host.calls.back() == "add ldg1 10,11,12");   // the lowest free strands
  CHECK(d.strands == std::vector<unsigned>{8, 9, 10, 11, 12});
  CHECK(d.vcpus == 5);
  CHECK(run({"set-vcpu", "3", "ldg1"}).code == 0);
  CHECK(host.calls.back() == "remove ldg1 2");
  CHECK(d.strands == std::vector<unsigned>{8, 9, 10});
  host.refuse_lowest = true;   // a partial removal: what the guest gave back is gone
  r = run({"remove-vcpu", "2", "ldg1"});
  CHECK(r.code == 1);
  CHECK(r.err == "Removal of cpu 1 failed, error: failure\nResource modification failed\n");
  CHECK(d.strands == std::vector<unsigned>{8, 9});
  CHECK(d.vcpus == 2);
  host.refuse_lowest = false;
  CHECK(run({"add-vcpu", "120", "ldg1"}).err == "Insufficient vcpus available to add to LDom ldg1: 120 requested, 118 free\n");
  // stop-domain: graceful when the guest registered domain-shutdown, -f never asks
  CHECK(run({"stop", "ldg1"}).out == "LDom ldg1 stopped\n");
  CHECK(host.calls.back() == "shutdown ldg1");
  run({"start", "ldg1"});
  CHECK(run({"stop", "-f", "ldg1"}).out == "LDom ldg1 stopped\n");
  CHECK(host.calls.back() == "stop ldg1");
  run({"start", "ldg1"});
  host.agent = false;   // no agent: no DR, and a stop at once
  CHECK(run({"add-vcpu", "1", "ldg1"}).err ==
        "LDom ldg1 does not support dynamic reconfiguration of vcpus: it does not run the DR daemon (drd)\n"
        "Stop the domain before changing its vcpus\n");
  CHECK(run({"stop", "ldg1"}).out == "LDom ldg1 stopped\n");
  CHECK(host.calls.back() == "stop ldg1");
}

// stop-domain -a on a cluster node must stop every domain it can: one that fails to stop is
// reported at the end (exit 1), and the others are stopped, and saved so.
TEST_CASE("stop-domain -a goes on past a domain that fails to stop, then reports it", "[ldm]") {
  platform::Platform p = platform::load_platform("T5240");
  DsHost host;
  auto dir = std::filesystem::temp_directory_path() / fmt::format("vfsim-stop-a-{}", ::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    Manager m{p, &host, dir.string(), "host"};
    auto run = [&](std::vector<std::string> a) { return m.run(a); };
    run({"set-vcpu", "8", "primary"});
    run({"set-memory", "4G", "primary"});
    m.reboot_control();
    for (std::string g : {"ldg1", "ldg2", "ldg3"}) {
      REQUIRE(run({"create", g}).code == 0);
      REQUIRE(run({"add-vcpu", "1", g}).code == 0);
      REQUIRE(run({"add-memory", "256M", g}).code == 0);
      REQUIRE(run({"bind", g}).code == 0);
      REQUIRE(run({"start", g}).code == 0);
    }
    host.refuse_shutdown = {"ldg2"};
    Reply r = run({"stop", "-a"});
    CHECK(r.code == 1);
    CHECK(r.out == "LDom ldg1 stopped\nLDom ldg3 stopped\n");
    CHECK(r.err == "LDom ldg2 did not shut down: its OS refused the request\n");
    CHECK(m.model().find("ldg1")->state == State::Bound);
    CHECK(m.model().find("ldg2")->state == State::Active);
    CHECK(m.model().find("ldg3")->state == State::Bound);
    Model saved;
    read_state((dir / "ldmd.json").string(), saved);   // the failed command saved what it stopped
    CHECK(saved.find("ldg1")->state == State::Bound);
    CHECK(saved.find("ldg2")->state == State::Active);
    CHECK(saved.find("ldg3")->state == State::Bound);
    // Named domains the same way; a name that does not exist stops nothing.
    run({"start", "ldg1"});
    r = run({"stop", "ldg1", "nosuch"});
    CHECK(r.err == "LDom nosuch not found\n");
    CHECK(m.model().find("ldg1")->state == State::Active);
    r = run({"stop", "ldg2", "ldg1"});
    CHECK(r.code == 1);
    CHECK(r.out == "LDom ldg1 stopped\n");
    // the script's fallback (seed 003)
    CHECK(run({"stop", "-f", "ldg2"}).out == "LDom ldg2 stopped\n");
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the protocol carries any bytes, and refuses what it did not write", "[ldm][protocol]") {
  std::string all;
  for (int b = 0; b < 256; ++b) all += char(b);
  std::string tool, why;
  std::vector<std::string> argv;
  REQUIRE(decode_request(encode_request("ldm", {all, "", "\xc3", "\xff\xfe"}), tool, argv, why));
  CHECK(tool == "ldm");
  CHECK(argv == std::vector<std::string>{all, "", "\xc3", "\xff\xfe"});
  std::string out, err;
  int code = 0;
  REQUIRE(decode_reply(encode_reply(all, std::string("a\0b", 3), 3), out, err, code, why));
  CHECK(out == all);
  CHECK(err == std::string("a\0b", 3));
  CHECK(code == 3);
  // ASCII reads as itself on the wire; the others are two-byte UTF-8 of U+0080..U+00FF.
  CHECK(encode_reply("ok\n", "", 0) == "{\"code\":0,\"err\":\"\",\"out\":\"ok\\n\",\"v\":2}\n");
  CHECK(bytes_to_utf8("\xff") == "\xc3\xbf");
  CHECK_FALSE(decode_reply("{\"v\":2,\"out\":\"\xe2\x82\xac\",\"err\":\"\",\"code\":0}", out, err, code, why));
  CHECK(why == "\"out\" holds a character above U+00FF");
  CHECK_FALSE(decode_reply("{\"v\":2,\"out\":\"\",\"err\":\"\",\"code\":256}", out, err, code, why));
  CHECK_FALSE(decode_reply("{\"v\":2,\"out\":\"\",\"err\":\"\",\"code\":\"0\"}", out, err, code, why));
  CHECK_FALSE(decode_reply("{\"out\":\"\",\"err\":\"\",\"code\":0}", out, err, code, why));
  CHECK_FALSE(decode_reply("[1]", out, err, code, why));
  CHECK_FALSE(decode_reply("\xff\xfe", out, err, code, why));
  CHECK(why == "not JSON");
  CHECK_FALSE(decode_request("{\"v\":2,\"tool\":\"ldm\",\"argv\":[1]}", tool, argv, why));
  CHECK_FALSE(decode_request("{\"v\":2,\"tool\":\"ldm\"}", tool, argv, why));
}

TEST_CASE("a state file must mean a configuration", "[ldm]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("vfsim-ldm-state-{}", ::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string file = (dir / "ldmd.json").string();
  auto refused = [&](const std::string& text, const std::string& why) {
    { std::ofstream(file) << text; }
    Model m;
    try {
      read_state(file, m);
      FAIL("accepted: " << text);
    } catch (const StateError& e) {
      CHECK(std::string(e.what()) == file + ": " + why);
    }
  };
  refused("", "not JSON (truncated or corrupted)");
  refused("{}", "no \"domains\"");
  refused("{\"domains\": []}", "\"domains\" is not a non-empty array");
  refused("{\"domains\": [{\"name\": \"ldg1\"}]}", "the first domain is not the control domain primary");
  refused("{\"domains\": [{\"name\": \"primary\", \"control\": true}, {\"name\": \"primary\"}]}", "LDom primary appears twice");
  refused("{\"domains\": [{\"name\": \"primary\", \"control\": true, \"state\": \"up\"}]}", "LDom primary has an unknown state \"up\"");
  // Manager::load checks the bindings against the platform.
  platform::Platform p = platform::load_platform("T5240");
  { std::ofstream(file) << "{\"domains\": [{\"name\": \"primary\", \"control\": true, \"state\": \"active\", \"vcpus\": 1, \"strands\": [200]}]}"; }
  CHECK_THROWS_WITH(Manager(p, nullptr, dir.string(), "host"), file + ": LDom primary holds strand 200, which T5240 does not have");
  fs::remove_all(dir);
}

TEST_CASE("vfctl suspend and resume: active guests only, through the host, resume only when suspended", "[ldm]") {
  platform::Platform p = platform::load_platform("T5240");
  DsHost host;
  Manager m{p, &host, "", "host"};
  auto run = [&](std::initializer_list<std::string> a) { return m.run(std::vector<std::string>(a)); };
  run({"set-vcpu", "8", "primary"});
  run({"set-memory", "4G", "primary"});
  m.reboot_control();
  run({"create", "ldg1"});
  run({"add-vcpu", "1", "ldg1"});
  run({"add-memory", "1G", "ldg1"});
  CHECK(m.suspend_domain("ldg1").err == "LDom ldg1 is not active\n");
  CHECK(m.suspend_domain("nosuch").err == "LDom nosuch not found\n");
  CHECK(m.suspend_domain("primary").err == "LDom primary is the control domain and cannot be suspended\n");
  run({"bind", "ldg1"});
  run({"start", "ldg1"});
  // A host without the mechanism (DomainHost's default) says so.
  Reply r = m.suspend_domain("ldg1");
  CHECK(r.code == 1);
  CHECK(r.err == "LDom ldg1 has no domain services\n");
  CHECK(m.resume_domain("ldg1").err == "LDom ldg1 is not suspended\n");
  host.suspends = true;
  r = m.suspend_domain("ldg1");
  CHECK(r.code == 0);
  CHECK(r.out == "LDom ldg1 suspended\n");
  CHECK(host.calls.back() == "suspend ldg1");
  CHECK(run({"add-vcpu", "1", "ldg1"}).err == "LDom ldg1 is suspended: resume it first\n");
  CHECK(m.model().find("ldg1")->state == State::Active);   // still active, nothing else changed
  r = m.resume_domain("ldg1");
  CHECK(r.out == "LDom ldg1 resumed\n");
  CHECK(host.calls.back() == "resume ldg1");
  CHECK(m.resume_domain("ldg1").err == "LDom ldg1 is not suspended\n");
}

// Found by fuzz_ldm_request (tests/fuzz/corpus/ldm_request/spconfig-saved-in-delayed-reconf):
// the configuration kept primary's 128 strands with its new 8 vcpus, and the state file it
// saved at power-on was refused by the next ldmd ("LDom primary has 8 vcpus but holds 128
// strands").
TEST_CASE("a configuration saved during a delayed reconfiguration powers on with the new constraints", "[ldm]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("vfsim-ldm-spconfig-{}", ::getpid());
  fs::remove_all(dir);
  platform::Platform p = platform::load_platform("T5240");
  {
    Manager m(p, nullptr, dir.string(), "host");
    REQUIRE(m.run({"set-vcpu", "8", "primary"}).code == 0);
    REQUIRE(m.run({"set-mau", "1", "primary"}).code == 0);
    REQUIRE(m.run({"set-memory", "4G", "primary"}).code == 0);
    REQUIRE(m.run({"add-spconfig", "cfg1"}).code == 0);
    REQUIRE(m.poweroff().code == 0);
    CHECK(m.poweron().out == "Chassis is powered on with configuration cfg1\n");
    const Domain& primary = *m.model().find("primary");
    CHECK(primary.strands == std::vector<unsigned>{0, 1, 2, 3, 4, 5, 6, 7});
    CHECK(primary.mau_cores == std::vector<unsigned>{0});
    CHECK(primary.memory == 4ull << 30);
    CHECK(m.run({"list", "primary"}).out.find("primary    active     -n-c--  SP      8     4G") != std::string::npos);
    CHECK(m.free_strands().size() == 120);
  }
  Manager again(p, nullptr, dir.string(), "host");   // threw StateError
  CHECK(again.model().find("primary")->strands.size() == 8);
  fs::remove_all(dir);
}

// Found by fuzz_ldm_request (tests/fuzz/corpus/ldm_request/set-var-not-utf8): the variable
// was set, then saving it threw (JSON holds UTF-8 only): ldmd answered "internal error" and
// every later change failed the same way.
TEST_CASE("an argument that is not UTF-8 is refused before anything changes", "[ldm]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / fmt::format("vfsim-ldm-utf8-{}", ::getpid());
  fs::remove_all(dir);
  platform::Platform p = platform::load_platform("T5240");
  Manager m(p, nullptr, dir.string(), "host");
  REQUIRE(m.run({"add-domain", "ldg1"}).code == 0);
  Reply r = m.run({"set-var", "boot-file=\xff", "ldg1"});
  CHECK(r.code == 1);
  CHECK(r.err == "Invalid argument: boot-file=\xff: not UTF-8 text\n");
  CHECK(m.run({"list-variable", "ldg1"}).out.empty());
  CHECK(m.run({"set-var", "boot-file=\xc3\xa9t\xc3\xa9", "ldg1"}).code == 0);   // UTF-8: kept as typed
  CHECK(m.run({"list-variable", "ldg1"}).out == "boot-file=\xc3\xa9t\xc3\xa9\n");
  CHECK(valid_utf8("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"));
  CHECK_FALSE(valid_utf8("\xc0\xaf"));           // overlong '/'
  CHECK_FALSE(valid_utf8("\xed\xa0\x80"));       // a surrogate
  CHECK_FALSE(valid_utf8("\xf4\x90\x80\x80"));   // above U+10FFFF
  CHECK_FALSE(valid_utf8("\xe2\x82"));           // cut short
  fs::remove_all(dir);
}

// Found by fuzz_ldm_request (tests/fuzz/corpus/ldm_request/add-domain-partial): the names
// before a refused one were added, in memory only (a failed command is not saved).
TEST_CASE("add-domain and remove-domain of several domains: all or nothing", "[ldm]") {
  Fixture f;
  Reply r = f.run({"add-domain", "ldg1", "8"});
  CHECK(r.err == "Invalid LDom name: 8\n");
  CHECK_FALSE(f.m.model().find("ldg1"));
  REQUIRE(f.run({"add-domain", "mac-addr=00:14:4f:fc:00:01", "ldg1"}).code == 0);
  uint64_t next_mac = f.m.model().next_mac;
  CHECK(f.run({"add-domain", "ldg2", "ldg1"}).err == "LDom ldg1 already exists\n");
  CHECK(f.run({"add-domain", "mac-addr=00:14:4f:fc:00:02", "ldg2", "ldg3"}).err ==
        "MAC address 00:14:4f:fc:00:02 is already in use.\n");
  CHECK(f.m.model().domains.size() == 2);
  CHECK(f.m.model().next_mac == next_mac);
  REQUIRE(f.run({"add-domain", "ldg2", "ldg3"}).code == 0);
  CHECK(f.run({"remove-domain", "ldg2", "primary"}).err == "LDom primary is the control domain and cannot be removed\n");
  CHECK(f.run({"remove-domain", "ldg3", "nosuch"}).err == "LDom nosuch not found\n");
  CHECK(f.m.model().domains.size() == 4);
  CHECK(f.run({"remove-domain", "ldg2", "ldg3"}).code == 0);
  CHECK(f.m.model().domains.size() == 2);
}

// Found by fuzz_ldm_request (tests/fuzz/corpus/ldm_request/set-var-partial).
TEST_CASE("set-, add- and remove-variable of several variables: all or nothing", "[ldm]") {
  Fixture f;
  REQUIRE(f.run({"add-domain", "ldg1"}).code == 0);
  CHECK(f.run({"set-var", "auto-boot?=false", "009", "ldg1"}).err == "Usage:\n    ldm set-variable <var-name>=<value>... <ldom>\n");
  CHECK(f.run({"list-variable", "ldg1"}).out.empty());
  REQUIRE(f.run({"add-var", "a=1", "ldg1"}).code == 0);
  CHECK(f.run({"add-var", "b=2", "a=3", "ldg1"}).err == "Variable a already exists\n");
  CHECK(f.run({"remove-var", "a", "c", "ldg1"}).err == "Variable c not found\n");
  CHECK(f.run({"list-variable", "ldg1"}).out == "a=1\n");
}

// console-read's offset went to std::stoull: a word that is not a number threw out of the
// handler (std::invalid_argument, a logic_error; ldmd answered "ldmd: internal error: stoull").
TEST_CASE("vfctl console-read refuses an offset that is not a number", "[ldm]") {
  Fixture f;
  NoMachine machine;
  machine.console["ldg1"] = "ok\n";
  VfctlCommands vfctl(f.m, machine);
  CHECK(vfctl.run({"console-read", "ldg1", "1"}).out == "k\n");
  CHECK(vfctl.run({"console-read", "ldg1", "99999999999999999999"}).err == "console-read: bad offset: 99999999999999999999\n");
  CHECK(vfctl.run({"console-read", "ldg1", "notanumber"}).err == "console-read: bad offset: notanumber\n");
  CHECK(vfctl.run({"console-read", "ldg1", "-1"}).err == "console-read: bad offset: -1\n");
  CHECK(vfctl.run({"console-read", "ldg1", std::string("1\0x", 3)}).code == 1);
  CHECK(vfctl.run({"console-read", "ldg2", "0"}).err == "LDom ldg2 is not bound: it has no console\n");
  CHECK(handle_request(f.m, vfctl, "ldmx", {"list"}).err == "ldmd: unknown tool ldmx (ldm, vfctl or xml)\n");
}

// What ldmd still does with a handler that throws: an error reply, and it serves on.
TEST_CASE("ldmd's server answers a handler's exception with an error reply and serves on", "[ldm][protocol]") {
  std::string path = (std::filesystem::temp_directory_path() / fmt::format("vfsim-ldm-server-{}.sock", ::getpid())).string();
  RequestServer server(path, [](const std::string&, const std::vector<std::string>& argv) -> Reply {
    if (!argv.empty() && argv[0] == "throw") throw std::invalid_argument("stoull");
    Reply r;
    r.out = "ok\n";
    return r;
  });
  ::setenv("LDMD_SOCKET", path.c_str(), 1);
  auto ask = [&](std::vector<std::string> argv) {
    auto answer = std::async(std::launch::async, [argv] { return request("ldm", argv); });
    while (answer.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) server.poll(10);
    return answer.get();
  };
  Answer a = ask({"throw"});
  CHECK(a.connected);
  CHECK(a.code == 1);
  CHECK(a.err == "ldmd: internal error: stoull\n");
  CHECK(ask({"list"}).out == "ok\n");
  ::unsetenv("LDMD_SOCKET");
}

namespace {
// A host whose guest's vCPUs are busy by different amounts: each vCPU's UTIL in -l is its
// own, the domain's their average.
struct UtilHost : DsHost {
  double utilization(const Domain&) override { return 17.5; }
  double strand_utilization(const Domain&, unsigned vid) override { return vid ? 30.0 : 5.0; }
};
}  // namespace

TEST_CASE("listings: per-vCPU util, one title per section, -p and --json from the same rows", "[ldm][listing]") {
  platform::Platform p = platform::load_platform("T5240");
  UtilHost host;
  Manager m{p, &host, "", "host"};
  auto run = [&](std::initializer_list<std::string> a) { return m.run(std::vector<std::string>(a)); };
  run({"set-vcpu", "8", "primary"});
  run({"set-memory", "4G", "primary"});
  m.reboot_control();
  REQUIRE(run({"add-vcc", "port-range=5000-5100", "primary-vcc0", "primary"}).code == 0);
  REQUIRE(run({"add-vsw", "net-dev=e1000g0", "primary-vsw0", "primary"}).code == 0);
  REQUIRE(run({"add-vsw", "primary-vsw1", "primary"}).code == 0);
  REQUIRE(run({"add-vds", "primary-vds0", "primary"}).code == 0);
  REQUIRE(run({"add-vds", "primary-vds1", "primary"}).code == 0);
  run({"create", "ldg1"});
  run({"add-vcpu", "2", "ldg1"});
  run({"add-memory", "1G", "ldg1"});
  REQUIRE(run({"add-vnet", "vnet0", "primary-vsw0", "ldg1"}).code == 0);
  run({"bind", "ldg1"});
  run({"start", "ldg1"});

  Reply l = run({"list", "-l", "ldg1"});
  CHECK(l.out.find("    0      8      5.0%   100%\n    1      9       30%   100%\n") != std::string::npos);
  CHECK(l.out.find("ldg1       active     -n----  5000    2     1G        18%  0s\n") != std::string::npos);
  Reply lp = run({"list", "-l", "-p", "ldg1"});
  CHECK(lp.out.find("VCPU\n|vid=0|pid=8|util=5.0|strand=100\n|vid=1|pid=9|util=30|strand=100\n") != std::string::npos);
  CHECK(lp.out.find("|util=18|uptime=0|softstate=") != std::string::npos);
  CHECK(lp.out.find("VCONS|group=ldg1|service=primary-vcc0|port=5000\n") != std::string::npos);
  CHECK(lp.out.find("VCONS|type=SP") == std::string::npos);   // the control domain's only
  CHECK(lp.out.find("MAC|") == std::string::npos);            // not in the text of -l either

  Reply s = run({"list-services"});
  auto count = [](const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  CHECK(count(s.out, "\nVSW\n") == 1);
  CHECK(count(s.out, "\nVDS\n") == 1);
  CHECK(s.out.find("    primary-vsw0     ") != std::string::npos);
  CHECK(s.out.find("    primary-vsw1     ") != std::string::npos);
  Reply sp = run({"list-services", "-p"});
  CHECK(sp.out.find("VCC|name=primary-vcc0|nclients=1|port-range=5000-5100\n") != std::string::npos);
  CHECK(sp.out.find("VSW|name=primary-vsw0|nclients=1|") != std::string::npos);
  CHECK(sp.out.find("VSW|name=primary-vsw1|nclients=0|") != std::string::npos);

  // --json: the records of -p, keys in order, every value a string
  Reply j = run({"list", "-l", "--json", "ldg1"});
  CHECK(j.code == 0);
  CHECK(j.out.rfind("{\"version\": \"1.3\", \"records\": [\n", 0) == 0);
  CHECK(j.out.find("{\"record\": \"VCPU\", \"fields\": {}, \"rows\": [{\"vid\": \"0\", \"pid\": \"8\", \"util\": \"5.0\", "
                   "\"strand\": \"100\"}, {\"vid\": \"1\", \"pid\": \"9\", \"util\": \"30\", \"strand\": \"100\"}]}") !=
        std::string::npos);
  CHECK(count(j.out, "\"record\": ") == count(lp.out, "\n") - 1 - count(lp.out, "\n|"));

  // every -p listing starts with the same VERSION
  for (auto cmd : {std::vector<std::string>{"list", "-p"}, {"list-bindings", "-p"}, {"list-services", "-p"},
                   {"list-constraints", "-p"}, {"list-devices", "-p"}, {"list", "-o", "cpu", "-p"}})
    CHECK(m.run(cmd).out.rfind("VERSION 1.3\n", 0) == 0);
  Reply bad = run({"list", "-o", "cpu,disks"});
  CHECK(bad.code != 0);
  CHECK(bad.out.empty());
  CHECK(bad.err == "Invalid format: disks\n");
}
