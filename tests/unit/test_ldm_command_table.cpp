// Every subcommand of the command table (ldm/command_table.cpp), on a reference layout: a
// valid command line succeeds, and the same line with an unknown option, an unknown property
// or an invalid value of each of its properties fails with its message, a non-zero exit, and
// leaves the whole configuration (the state file's JSON) exactly as it was.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "ldm/command_table.h"
#include "ldm/manager.h"
#include "ldm/state_file.h"
#include "ldm/units.h"
#include "sim/platform/platform.h"

using namespace vfsim;
using namespace vfsim::ldm;

namespace {

// primary (8 vCPUs, 4 GB, pci@400) with a vcc, a vds with two volumes and a vsw; ldg1 inactive with a
// vnet, a vdisk and a variable; ldg2 bound; ldg3 inactive and bare.
struct Layout {
  platform::Platform p = platform::load_platform("T5240");
  Manager m{p, nullptr, "", "host"};
  Reply run(std::vector<std::string> a) { return m.run(a); }
  Layout() {
    for (std::vector<std::string> c : std::vector<std::vector<std::string>>{
             {"set-vcpu", "8", "primary"}, {"set-memory", "4G", "primary"}, {"remove-io", "pci@500", "primary"}}) {
      REQUIRE(run(c).code == 0);
    }
    m.reboot_control();
    for (std::vector<std::string> c : std::vector<std::vector<std::string>>{
             {"add-vcc", "port-range=5000-5100", "primary-vcc0", "primary"},
             {"add-vds", "primary-vds0", "primary"},
             {"add-vdsdev", "/dev/dsk/c0t1d0s2", "vol1@primary-vds0"},
             {"add-vdsdev", "/dev/dsk/c0t2d0s2", "vol2@primary-vds0"},
             {"add-vsw", "net-dev=e1000g0", "primary-vsw0", "primary"},
             {"add-domain", "ldg1", "ldg2", "ldg3"},
             {"add-vcpu", "2", "ldg1"}, {"add-memory", "1G", "ldg1"},
             {"add-vnet", "vnet1", "primary-vsw0", "ldg1"}, {"add-vdisk", "vdisk1", "vol1@primary-vds0", "ldg1"},
             {"set-variable", "boot-file=idle", "ldg1"},
             {"add-vcpu", "2", "ldg2"}, {"add-memory", "1G", "ldg2"}, {"bind-domain", "ldg2"},
             {"add-vdpcs", "vdpcs0", "primary"}, {"add-vdpcc", "vdpcc1", "vdpcs0", "ldg1"},
             {"add-spconfig", "saved"}}) {
      Reply r = run(c);
      INFO(c[0] << ": " << r.err);
      REQUIRE(r.code == 0);
    }
  }
};

// A command line each subcommand accepts on the layout (operands and properties).
const std::map<std::string, std::vector<std::string>> kValid = {
    {"add-domain", {"mac-addr=00:14:4f:f9:00:01", "hostid=0x12345678", "failure-policy=stop", "master=ldg1", "ldg9"}},
    {"set-domain", {"failure-policy=panic", "master=ldg2", "hostid=7", "mac-addr=00:14:4f:f9:00:02", "ldg1"}},
    {"remove-domain", {"ldg3"}},
    {"list-domain", {"-l", "-p", "ldg1"}},
    {"bind-domain", {"ldg1"}},
    {"unbind-domain", {"ldg2"}},
    {"start-domain", {"ldg2"}},
    {"stop-domain", {"-a"}},
    {"panic-domain", {}},   // needs an active domain: only the refusals are checked
    {"cancel-operation", {}},   // needs a delayed reconfiguration: tests/unit/test_ldm.cpp
    {"add-vcpu", {"1", "ldg1"}},
    {"set-vcpu", {"-c", "1", "ldg1"}},
    {"remove-vcpu", {"1", "ldg1"}},
    {"add-mau", {"1", "ldg1"}},
    {"set-mau", {"1", "ldg1"}},
    {"remove-mau", {}},
    {"add-memory", {"512", "M", "ldg1"}},
    {"set-memory", {"2G", "ldg1"}},
    {"remove-memory", {"256M", "ldg1"}},
    {"add-io", {"bypass=on", "pci@500", "ldg3"}},
    {"remove-io", {"pci@400", "primary"}},   // (a delayed reconfiguration of primary)
    {"add-variable", {"auto-boot?=false", "ldg1"}},
    {"set-variable", {"boot-file=counter", "ldg1"}},
    {"remove-variable", {"boot-file", "ldg1"}},
    {"list-variable", {"boot-file", "ldg1"}},
    {"add-spconfig", {"two"}},
    {"set-spconfig", {"saved"}},
    {"remove-spconfig", {"saved"}},
    {"list-spconfig", {}},
    {"add-vcc", {"port-range=6000-6010", "vcc1", "primary"}},
    {"set-vcc", {"port-range=5000-5200", "primary-vcc0"}},
    {"remove-vcc", {"-f", "primary-vcc0"}},
    {"add-vds", {"vds1", "primary"}},
    {"remove-vds", {"-f", "primary-vds0"}},
    {"add-vdsdev", {"options=ro,slice", "mpgroup=mp1", "/dev/dsk/c0t3d0s2", "vol3@primary-vds0"}},
    {"set-vdsdev", {"options=excl", "mpgroup=mp2", "vol2@primary-vds0"}},
    {"remove-vdsdev", {"vol2@primary-vds0"}},
    {"add-vsw", {"default-vlan-id=2", "pvid=3", "vid=4,5", "mac-addr=00:14:4f:f9:00:03", "net-dev=nxge0", "mode=sc",
                 "mtu=9000", "id=7", "vsw1", "primary"}},
    {"set-vsw", {"pvid=9", "vid=10", "net-dev=e1000g1", "mode=", "mtu=1500", "primary-vsw0"}},
    {"remove-vsw", {"-f", "primary-vsw0"}},
    {"add-vnet", {"mac-addr=00:14:4f:f9:00:04", "mode=hybrid", "pvid=2", "vid=3", "id=5", "mtu=9000", "vnet2",
                  "primary-vsw0", "ldg1"}},
    {"set-vnet", {"vswitch=primary-vsw0", "mode=", "pvid=4", "vid=5,6", "mtu=1600", "vnet1", "ldg1"}},
    {"remove-vnet", {"vnet1", "ldg1"}},
    {"add-vdisk", {"timeout=30", "id=3", "vdisk2", "vol2@primary-vds0", "ldg1"}},
    {"set-vdisk", {"timeout=10", "volume=vol2@primary-vds0", "vdisk1", "ldg1"}},
    {"remove-vdisk", {"vdisk1", "ldg1"}},
    {"add-vdpcs", {"vdpcs1", "primary"}},
    {"remove-vdpcs", {"-f", "vdpcs0"}},
    {"add-vdpcc", {"vdpcc2", "vdpcs0", "ldg1"}},
    {"remove-vdpcc", {"vdpcc1", "ldg1"}},
    {"set-vcons", {"port=5009", "group=grp", "service=primary-vcc0", "ldg1"}},
    {"list-bindings", {"-p", "ldg2"}},
    {"list-services", {"-p"}},
    {"list-constraints", {"-p", "ldg1"}},
    {"list-devices", {"-a", "cpu"}},
    // needs a migration setup (its values: tests/ldm/migration*.sh): only the refusals
    {"migrate-domain", {}},
};

// Values that must be refused for a property, whatever its check (at least one per property).
const std::vector<std::string> kBadValues = {"bogus", "-1", "99999999999", "a/b", "x,,y", "0", "", "65536-70000"};

}  // namespace

TEST_CASE("the command table: every subcommand refuses what it does not know, and changes nothing", "[ldm][table]") {
  std::set<std::string> seen;
  for (const CommandSpec& spec : command_table()) {
    const std::string name = spec.name;
    seen.insert(name);
    INFO("ldm " << name);
    REQUIRE(kValid.count(name));
    const std::vector<std::string>& ok = kValid.at(name);
    // The valid line (where the layout allows one) succeeds.
    if (!ok.empty()) {
      Layout l;
      std::vector<std::string> line = {name};
      line.insert(line.end(), ok.begin(), ok.end());
      Reply r = l.run(line);
      INFO("valid line: " << r.err);
      CHECK(r.code == 0);
    }
    auto refused = [&](std::vector<std::string> extra, const std::string& message) {
      Layout l;
      const std::string before = model_to_json(l.m.model());
      std::vector<std::string> line = {name};
      line.insert(line.end(), extra.begin(), extra.end());
      line.insert(line.end(), ok.begin(), ok.end());
      Reply r = l.run(line);
      INFO("ldm " << fmt::format("{}", fmt::join(line, " ")) << " -> " << r.err);
      CHECK(r.code == 1);
      CHECK(r.out.empty());
      CHECK(("\n" + r.err).find("\n" + message + "\n") != std::string::npos);
      CHECK(model_to_json(l.m.model()) == before);
    };
    refused({"-Z"}, "ldm: illegal option -- Z");
    refused({"--auto-adj"}, "ldm: illegal option -- auto-adj");
    if (spec.words != CommandSpec::Words::Variables) {   // (there, name=value is a variable)
      refused({"bogus=x"}, "Invalid property: bogus");
      refused({"linkprop=phys-state"}, "Invalid property: linkprop");
    }
    for (const PropertySpec& prop : spec.properties) {
      if (!prop.check) continue;
      unsigned tried = 0;
      for (const std::string& bad : kBadValues) {
        std::string why = prop.check(bad);
        if (why.empty()) continue;
        ++tried;
        // The bad value replaces a valid one given in the line (the same property twice is
        // its own refusal, checked below).
        Layout l;
        const std::string before = model_to_json(l.m.model());
        std::vector<std::string> line = {name, std::string(prop.name) + "=" + bad};
        for (const std::string& w : ok)
          if (w.rfind(std::string(prop.name) + "=", 0) != 0) line.push_back(w);
        Reply r = l.run(line);
        INFO("ldm " << fmt::format("{}", fmt::join(line, " ")) << " -> " << r.err);
        CHECK(r.code == 1);
        CHECK(r.err == why + "\n");
        CHECK(model_to_json(l.m.model()) == before);
      }
      INFO("property " << prop.name);
      CHECK(tried > 0);
      refused({std::string(prop.name) + "=" + "a", std::string(prop.name) + "=b"},
              fmt::format("Property {} given more than once", prop.name));
    }
    // Too many operands.
    if (spec.max_operands != kMany) {
      std::vector<std::string> extra(spec.max_operands + 1, "ldg1");
      Layout l;
      const std::string before = model_to_json(l.m.model());
      std::vector<std::string> line = {name};
      line.insert(line.end(), extra.begin(), extra.end());
      Reply r = l.run(line);
      CHECK(r.code == 1);
      CHECK(model_to_json(l.m.model()) == before);
    }
  }
  CHECK(seen.size() == command_table().size());
  CHECK(seen.size() == kValid.size());
}

TEST_CASE("the command table: options and properties that are accepted are kept and listed", "[ldm][table]") {
  Layout l;
  REQUIRE(l.run({"add-io", "bypass=on", "pci@500", "ldg3"}).code == 0);
  Domain* d = l.m.model().find("ldg3");
  REQUIRE(d->io_bypass == std::vector<std::string>{"pci@500"});
  REQUIRE(l.run({"remove-io", "pci@500", "ldg3"}).code == 0);
  CHECK(d->io_bypass.empty());
  REQUIRE(l.run({"add-vsw", "default-vlan-id=2", "pvid=3", "vid=4,5", "mode=sc", "mtu=9000", "vsw1", "primary"}).code == 0);
  const Vsw& s = l.m.model().find("primary")->vsws.back();
  CHECK(s.default_vlan_id == 2);
  CHECK(s.pvid == 3);
  CHECK(s.vid == "4,5");
  CHECK(s.mode == "sc");
  CHECK(s.mtu == 9000);
  REQUIRE(l.run({"set-vsw", "pvid=9", "vid=", "mode=", "vsw1"}).code == 0);
  CHECK(s.pvid == 9);
  CHECK(s.vid.empty());
  CHECK(s.mode.empty());
  REQUIRE(l.run({"set-vnet", "vid=5,6", "mtu=1600", "pvid=4", "vnet1", "ldg1"}).code == 0);
  const Vnet& n = l.m.model().find("ldg1")->vnets.front();
  CHECK(n.vid == "5,6");
  CHECK(n.mtu == 1600);
  CHECK(n.pvid == 4);
  REQUIRE(l.run({"add-domain", "master=ldg1,ldg2", "ldg8"}).code == 0);
  CHECK(l.m.model().find("ldg8")->masters == std::vector<std::string>{"ldg1", "ldg2"});
  CHECK(l.run({"add-domain", "master=nosuch", "ldg7"}).err == "LDom nosuch not found\n");
  CHECK(l.m.model().find("ldg7") == nullptr);
  // A set- with nothing to set is a usage error, not a success that did nothing.
  CHECK(l.run({"set-vsw", "vsw1"}).code == 1);
  CHECK(l.run({"set-vnet", "vnet1", "ldg1"}).code == 1);
  CHECK(l.run({"set-vdisk", "vdisk1", "ldg1"}).code == 1);
  CHECK(l.run({"set-vdsdev", "vol1@primary-vds0"}).code == 1);
}

TEST_CASE("the command table: counts of zero, and a set- whose value is refused, change nothing", "[ldm][table]") {
  Layout l;
  const std::string before = model_to_json(l.m.model());
  CHECK(l.run({"add-vcpu", "0", "ldg1"}).err == "Invalid number of vcpus: 0 (at least 1 to add)\n");
  CHECK(l.run({"remove-vcpu", "0", "ldg1"}).err == "Invalid number of vcpus: 0 (at least 1 to remove)\n");
  CHECK(l.run({"add-mau", "0", "ldg1"}).err == "Invalid number of crypto units: 0 (at least 1 to add)\n");
  // set-vnet with a MAC another device holds: the vswitch given with it is not changed either.
  REQUIRE(l.run({"add-vsw", "vsw1", "primary"}).code == 0);
  const std::string with_vsw1 = model_to_json(l.m.model());
  const std::string taken = format_mac(l.m.model().find("primary")->vsws.front().mac);
  CHECK(l.run({"set-vnet", "vswitch=vsw1", "mac-addr=" + taken, "vnet1", "ldg1"}).code == 1);
  CHECK(model_to_json(l.m.model()) == with_vsw1);
  CHECK(l.run({"set-vnet", "vswitch=nosuch", "pvid=7", "vnet1", "ldg1"}).err == "Service nosuch does not exist\n");
  CHECK(model_to_json(l.m.model()) == with_vsw1);
  (void)before;
}

TEST_CASE("the command table: help, usage and refusals need no ldmd", "[ldm][table]") {
  std::string out, err;
  int code = 0;
  CHECK(answer_locally({"--help"}, out, err, code));
  CHECK((code == 0 && out == ldm_help() && err.empty()));
  CHECK(answer_locally({}, out, err, code));
  CHECK((code == 1 && err == ldm_help()));
  CHECK(answer_locally({"--help", "rm-vnet"}, out, err, code));
  CHECK(out == "Usage:\n    ldm remove-vnet [-f] <if-name> <ldom>\n");
  CHECK(answer_locally({"add-vnet", "--help"}, out, err, code));
  CHECK(out.rfind("Usage:\n    ldm add-vnet ", 0) == 0);
  CHECK(answer_locally({"list", "-Z"}, out, err, code));
  CHECK((code == 1 && err.rfind("ldm: illegal option -- Z\nUsage:\n    ldm list-domain ", 0) == 0));
  CHECK(answer_locally({"frobnicate"}, out, err, code));
  CHECK((code == 1 && err == "Unknown command frobnicate\n\nUse 'ldm --help' for the list of commands.\n"));
  // What needs the configuration goes to ldmd.
  CHECK_FALSE(answer_locally({"list"}, out, err, code));
  CHECK_FALSE(answer_locally({"add-vcpu", "2", "ldg1"}, out, err, code));
  CHECK_FALSE(answer_locally({"-V"}, out, err, code));
  CHECK_FALSE(answer_locally({"migrate", "-p", "pw", "ldg1", "hostb"}, out, err, code));
  CHECK(answer_locally({"migrate", "-x", "ldg1", "hostb"}, out, err, code));
  CHECK(err.rfind("ldm: illegal option -- x\nUsage:\n    ldm migrate-domain ", 0) == 0);
  CHECK(answer_locally({"migrate", "speed=9", "ldg1", "hostb"}, out, err, code));
  CHECK(err.rfind("Invalid property: speed\n", 0) == 0);
  // --name=value for options that take one (what ldm sends for "Target Password:")
  CommandLine mc;
  REQUIRE(parse_command_line(*find_command("migrate-domain"), {"ldg1", "hostb", "--target-password=a=b"}, mc).empty());
  CHECK(mc.value("--target-password") == "a=b");
  CHECK(parse_command_line(*find_command("migrate-domain"), {"-n=1", "ldg1", "hostb"}, mc).rfind("ldm: illegal option -- =", 0) == 0);
  // Option groups: -lp is -l -p; an option's value ends a group.
  CommandLine c;
  REQUIRE(parse_command_line(*find_command("list-domain"), {"-lpo", "network", "ldg1"}, c).empty());
  CHECK((c.has("-l") && c.has("-p") && c.value("-o") == "network" && c.operands == std::vector<std::string>{"ldg1"}));
  CHECK(parse_command_line(*find_command("list-domain"), {"-ol", "network"}, c).rfind("ldm: option requires an argument -- o", 0) == 0);
  // Options that would be ignored together are refused together.
  CHECK(parse_command_line(*find_command("list-constraints"), {"-x", "-p"}, c).rfind("-x and -p cannot both be given\n", 0) == 0);
  CHECK(parse_command_line(*find_command("list-constraints"), {"-e"}, c).rfind("ldm: illegal option -- e\n", 0) == 0);
  // Numbers that look like options are operands (the handler refuses them).
  REQUIRE(parse_command_line(*find_command("add-vcpu"), {"-1", "ldg1"}, c).empty());
  CHECK(c.operands == std::vector<std::string>{"-1", "ldg1"});
}
