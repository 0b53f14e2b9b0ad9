// The XML interface without a machine: list-constraints -x of every device type read back by
// add-domain -i gives the same constraints, and bad documents change nothing.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ldm/constraints_xml.h"
#include "ldm/manager.h"
#include "sim/platform/platform.h"

using namespace vfsim;
using namespace vfsim::ldm;

namespace {

struct Fixture {
  platform::Platform p = platform::load_platform("T5240");
  Manager m{p, nullptr, "", "host"};
  Reply run(std::vector<std::string> a) { return m.run(a); }
  void ok(std::vector<std::string> a) {
    Reply r = run(a);
    INFO(a[0] << ": " << r.err);
    REQUIRE(r.code == 0);
  }
  // A service domain with every service and a guest with every device that uses them.
  void build() {
    // primary gives up CPUs, memory and its second bus (delayed reconfiguration, reboot).
    ok({"set-vcpu", "8", "primary"});
    ok({"set-memory", "4G", "primary"});
    ok({"remove-io", "pci@500", "primary"});
    m.reboot_control();
    ok({"add-domain", "mac-addr=00:14:4f:fb:00:01", "hostid=0x12345678", "failure-policy=reset", "svc1"});
    ok({"set-vcpu", "-c", "2", "svc1"});   // whole cores: 16 vcpus
    ok({"set-mau", "2", "svc1"});
    ok({"set-memory", "2G", "svc1"});
    ok({"add-io", "bypass=on", "pci@500", "svc1"});
    ok({"add-vcc", "port-range=15801-15809", "svc1-vcc0", "svc1"});
    ok({"add-vds", "svc1-vds0", "svc1"});
    ok({"add-vdsdev", "options=ro,slice", "mpgroup=mp1", "/ldoms/disk0", "vol0@svc1-vds0"});
    ok({"add-vdsdev", "/ldoms/disk1", "vol1@svc1-vds0"});
    ok({"add-vsw", "net-dev=e1000g0", "mode=sc", "mtu=9000", "id=3", "svc1-vsw0", "svc1"});
    ok({"add-vdpcs", "svc1-vdpcs0", "svc1"});
    ok({"add-domain", "ldg1"});
    ok({"set-vcpu", "6", "ldg1"});
    ok({"set-memory", "1536M", "ldg1"});
    ok({"set-var", "boot-device=vdisk0", "ldg1"});
    ok({"set-var", "nvramrc=devalias vnet0 /virtual-devices@100/channel-devices@200/network@0\n  & <quoted> \"x\"",
        "ldg1"});
    ok({"set-var", "auto-boot?=false", "ldg1"});
    ok({"set-var", " spaced = value  with spaces ", "ldg1"});   // kept as typed, spaces and all
    ok({"add-vnet", "mac-addr=00:14:4f:fb:00:10", "pvid=7", "vid=20,21", "mtu=9000", "id=2", "mode=hybrid", "vnet0",
        "svc1-vsw0", "ldg1"});
    ok({"add-vnet", "vnet1", "svc1-vsw0", "ldg1"});
    ok({"add-vdisk", "timeout=30", "id=4", "vdisk0", "vol0@svc1-vds0", "ldg1"});
    ok({"add-vdisk", "vdisk1", "vol1@svc1-vds0", "ldg1"});
    ok({"add-vdpcc", "vdpcc0", "svc1-vdpcs0", "ldg1"});
    ok({"set-vcons", "port=15805", "group=grp1", "service=svc1-vcc0", "ldg1"});
    ok({"set-domain", "master=svc1", "failure-policy=stop", "ldg1"});
  }
  std::string all_x() { return run({"list-constraints", "-x"}).out; }
};

}  // namespace

TEST_CASE("xml: list-constraints -x is the OVF form, indented, one element per line", "[ldm][xml]") {
  Fixture f;
  f.ok({"add-domain", "mac-addr=00:14:4f:fb:00:05", "hostid=0x84f80005", "ldg2"});
  f.ok({"set-vcpu", "4", "ldg2"});
  f.ok({"set-memory", "1G", "ldg2"});
  f.ok({"set-var", "auto-boot?=false", "ldg2"});
  CHECK(f.run({"list-constraints", "-x", "ldg2"}).out ==
        "<?xml version=\"1.0\"?>\n"
        "<LDM_interface version=\"1.0\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
        "xmlns:ovf=\"./schemas/envelope\" xmlns:rasd=\"./schemas/CIM_ResourceAllocationSettingData\" "
        "xmlns:vssd=\"./schemas/CIM_VirtualSystemSettingData\" xmlns:gprop=\"./schemas/GenericProperty\">\n"
        "  <data version=\"3.0\">\n"
        "    <Envelope>\n"
        "      <References />\n"
        "      <Content xsi:type=\"ovf:VirtualSystem_Type\" id=\"ldg2\">\n"
        "        <Section xsi:type=\"ovf:ResourceAllocationSection_type\">\n"
        "          <Item>\n"
        "            <rasd:OtherResourceType>ldom_info</rasd:OtherResourceType>\n"
        "            <rasd:Address>00:14:4f:fb:00:05</rasd:Address>\n"
        "            <gprop:GenericProperty key=\"hostid\">84f80005</gprop:GenericProperty>\n"
        "            <gprop:GenericProperty key=\"failure-policy\">ignore</gprop:GenericProperty>\n"
        "          </Item>\n"
        "        </Section>\n"
        "        <Section xsi:type=\"ovf:VirtualHardwareSection_Type\">\n"
        "          <Item>\n"
        "            <rasd:OtherResourceType>cpu</rasd:OtherResourceType>\n"
        "            <rasd:AllocationUnits>4</rasd:AllocationUnits>\n"
        "          </Item>\n"
        "          <Item>\n"
        "            <rasd:OtherResourceType>memory</rasd:OtherResourceType>\n"
        "            <rasd:AllocationUnits>1G</rasd:AllocationUnits>\n"
        "          </Item>\n"
        "          <Item>\n"
        "            <rasd:OtherResourceType>var</rasd:OtherResourceType>\n"
        "            <gprop:GenericProperty key=\"name\">auto-boot?</gprop:GenericProperty>\n"
        "            <gprop:GenericProperty key=\"value\">false</gprop:GenericProperty>\n"
        "          </Item>\n"
        "        </Section>\n"
        "      </Content>\n"
        "    </Envelope>\n"
        "  </data>\n"
        "</LDM_interface>\n");
}

TEST_CASE("xml: list-constraints -x, rm-domain, add-domain -i gives back every constraint", "[ldm][xml]") {
  Fixture f;
  f.build();
  const std::string x = f.run({"list-constraints", "-x", "svc1", "ldg1"}).out;
  const std::string p = f.run({"list-constraints", "-p", "svc1", "ldg1"}).out;
  const std::string text = f.run({"list-constraints", "svc1", "ldg1"}).out;
  const std::string services = f.run({"list-services", "-p"}).out;
  // Every device type is in the document (one Item each at least).
  for (const char* type : {"ldom_info", "cpu", "mau", "memory", "physio_device", "var", "vcc", "vds", "vds_volume",
                           "vsw", "network", "disk", "console", "vdpcs", "vdpcc"})
    CHECK(x.find(std::string("<rasd:OtherResourceType>") + type + "</rasd:OtherResourceType>") != std::string::npos);
  CHECK(x.find("<gprop:GenericProperty key=\"wcore\">2</gprop:GenericProperty>") != std::string::npos);
  CHECK(x.find("<gprop:GenericProperty key=\"master\">svc1</gprop:GenericProperty>") != std::string::npos);
  const Domain before_ldg1 = *f.m.model().find("ldg1");
  const Domain before_svc1 = *f.m.model().find("svc1");

  f.ok({"remove-domain", "ldg1", "svc1"});
  REQUIRE(f.m.model().find("ldg1") == nullptr);
  Reply r = f.run({"add-domain", "-i", x});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.empty());
  CHECK(f.run({"list-constraints", "-x", "svc1", "ldg1"}).out == x);
  CHECK(f.run({"list-constraints", "-p", "svc1", "ldg1"}).out == p);
  CHECK(f.run({"list-constraints", "svc1", "ldg1"}).out == text);
  CHECK(f.run({"list-services", "-p"}).out == services);
  // The model itself: what the listings do not show (whole cores, console, VLANs, masters).
  const Domain& s = *f.m.model().find("svc1");
  const Domain& g = *f.m.model().find("ldg1");
  CHECK(s.whole_cores);
  CHECK(s.vcpus == 16);
  CHECK(s.hostid == 0x12345678);
  CHECK(s.failure_policy == "reset");
  CHECK(s.io == before_svc1.io);
  CHECK(s.io_bypass == std::vector<std::string>{"pci@500"});
  REQUIRE(s.vdpcss.size() == 1);
  CHECK(s.vdpcss[0].name == "svc1-vdpcs0");
  REQUIRE(g.vdpccs.size() == 1);
  CHECK((g.vdpccs[0].name == "vdpcc0" && g.vdpccs[0].service == "svc1-vdpcs0" && g.vdpccs[0].service_domain == "svc1"));
  REQUIRE(s.vsws.size() == 1);
  CHECK(s.vsws[0].mode == "sc");
  CHECK(s.vsws[0].mtu == 9000);
  CHECK(s.vsws[0].id == 3);
  CHECK(s.vsws[0].mac == before_svc1.vsws[0].mac);
  REQUIRE(s.vdss.size() == 1);
  REQUIRE(s.vdss[0].volumes.size() == 2);
  CHECK(s.vdss[0].volumes[0].options == "ro,slice");
  CHECK(s.vdss[0].volumes[0].mpgroup == "mp1");
  CHECK(g.variables == before_ldg1.variables);
  CHECK(g.masters == std::vector<std::string>{"svc1"});
  CHECK(g.failure_policy == "stop");
  CHECK(g.vcons_group == "grp1");
  CHECK(g.vcons_service == "svc1-vcc0");
  CHECK(g.vcons_port == 15805);
  REQUIRE(g.vnets.size() == 2);
  CHECK(g.vnets[0].pvid == 7);
  CHECK(g.vnets[0].vid == "20,21");
  CHECK(g.vnets[0].mode == "hybrid");
  CHECK(g.vnets[0].mtu == 9000);
  CHECK(g.vnets[0].id == 2);
  CHECK(g.vnets[1].mac == before_ldg1.vnets[1].mac);
  REQUIRE(g.vdisks.size() == 2);
  CHECK(g.vdisks[0].timeout == 30);
  CHECK(g.vdisks[0].id == 4);
  CHECK(g.vdisks[1].vds_domain == "svc1");
  // The domains work as typed ones: bind the service domain and the guest.
  f.ok({"bind", "svc1"});
  f.ok({"bind", "ldg1"});
}

TEST_CASE("xml: a vsw's VLAN properties come back too", "[ldm][xml]") {
  Fixture f;
  f.ok({"add-domain", "svc2"});
  f.ok({"add-vsw", "svc2-vsw0", "svc2"});
  Domain& d = *f.m.model().find("svc2");
  d.vsws[0].pvid = 5;
  d.vsws[0].vid = "30,31";
  d.vsws[0].default_vlan_id = 9;
  const std::string x = f.run({"list-constraints", "-x", "svc2"}).out;
  f.ok({"remove-domain", "svc2"});
  f.ok({"add-domain", "-i", x});
  const Vsw& v = f.m.model().find("svc2")->vsws.at(0);
  CHECK(v.pvid == 5);
  CHECK(v.vid == "30,31");
  CHECK(v.default_vlan_id == 9);
  CHECK(f.run({"list-constraints", "-x", "svc2"}).out == x);
}

namespace {
// The document of one guest domain with these Items in its hardware Section.
std::string doc(const std::string& items, const std::string& name = "ldg9") {
  return "<?xml version=\"1.0\"?>\n"
         "<LDM_interface version=\"1.0\">\n"
         "  <data version=\"3.0\">\n"
         "    <Envelope>\n"
         "      <References/>\n"
         "      <Content xsi:type=\"ovf:VirtualSystem_Type\" id=\"" + name + "\">\n"
         "        <Section xsi:type=\"ovf:VirtualHardwareSection_Type\">\n" +
         items +
         "        </Section>\n"
         "      </Content>\n"
         "    </Envelope>\n"
         "  </data>\n"
         "</LDM_interface>\n";
}
std::string item(const std::string& type, const std::string& body) {
  return "          <Item>\n            <rasd:OtherResourceType>" + type + "</rasd:OtherResourceType>\n" + body +
         "          </Item>\n";
}
std::string gp(const std::string& k, const std::string& v) {
  return "            <gprop:GenericProperty key=\"" + k + "\">" + v + "</gprop:GenericProperty>\n";
}
std::string units(const std::string& v) { return "            <rasd:AllocationUnits>" + v + "</rasd:AllocationUnits>\n"; }
}  // namespace

TEST_CASE("xml: bad documents are refused with the element and change nothing", "[ldm][xml]") {
  Fixture f;
  f.build();
  const std::string before = f.all_x();
  const std::string list_before = f.run({"list"}).out;
  struct Case {
    std::string xml, err;
  };
  const std::vector<Case> cases = {
      {"this is not XML", "Invalid XML: line 1: No document element found\n"},
      {"<a><b></a>", "Invalid XML: line 1: Start-end tags mismatch\n"},
      {"<?xml version=\"1.0\"?>\n<domains/>\n", "Invalid XML: line 2: <domains> where <LDM_interface> is expected\n"},
      {"<LDM_interface version=\"1.0\"/>",
       "Invalid XML: line 1: <LDM_interface>: no domain in it (<data><Envelope><Content id=...>)\n"},
      {"<LDM_interface version=\"1.0\">\n  <data version=\"2.0\">\n    <ldom/>\n  </data>\n</LDM_interface>",
       "Invalid XML: line 2: <data>: version 2.0 is not supported (the OVF form, version 3.0, is)\n"},
      {doc(item("cpu", units("4")) + item("gpu", "")),
       "Invalid XML: line 13: <rasd:OtherResourceType>: unknown resource type 'gpu'\n"},
      {doc(item("memory", units("abc"))), "Invalid XML: line 10: <rasd:AllocationUnits> of memory: 'abc' is not a size\n"},
      {doc(item("cpu", units("four"))), "Invalid XML: line 10: <rasd:AllocationUnits> of cpu: 'four' is not a number\n"},
      {doc(item("network", gp("vnet_name", "vnet0") + gp("service_name", "svc1-vsw0") +
                               "            <rasd:Address>00:14:4f:zz:00:01</rasd:Address>\n")),
       "Invalid XML: line 12: <rasd:Address> of network: '00:14:4f:zz:00:01' is not a MAC address\n"},
      {doc(item("network", gp("vnet_name", "vnet0"))), "Invalid XML: line 8: <Item> of network: key \"service_name\" is missing\n"},
      {doc(item("disk", gp("vdisk_name", "d0") + gp("service_name", "svc1-vds0") + gp("vol_name", "vol0") +
                            gp("colour", "red"))),
       "Invalid XML: line 13: <gprop:GenericProperty key=\"colour\"> of disk: disk takes no such property\n"},
      {doc(item("memory", units("1G") + units("2G"))), "Invalid XML: line 11: <rasd:AllocationUnits> of memory: given twice\n"},
      // Refused by the command the constraint becomes: nothing of the domain stays.
      {doc(item("cpu", units("4")) + item("network", gp("vnet_name", "vnet0") + gp("service_name", "nosuch-vsw"))),
       "line 12: network of ldg9: Service nosuch-vsw does not exist\n"},
      {doc(item("memory", units("999999G"))),
       "line 8: memory of ldg9: Insufficient memory available: 999999G requested, this system has 261920M for domains\n"},
      {doc(item("physio_device", gp("name", "pci@999"))), "line 8: physio_device of ldg9: Invalid device: pci@999\n"},
      {doc("", "bad/name"), "line 6: Content of bad/name: Invalid LDom name: bad/name\n"},
      {doc("", "ldg1"), "line 6: Content of ldg1: LDom ldg1 already exists\n"},
  };
  for (const Case& c : cases) {
    INFO(c.xml);
    Reply r = f.run({"add-domain", "-i", c.xml});
    CHECK(r.code == 1);
    CHECK(r.err == c.err);
    CHECK(f.all_x() == before);
    CHECK(f.run({"list"}).out == list_before);
  }
  // Two domains, the second refused: the first is not added either.
  std::string two = doc(item("cpu", units("2")), "ldg7");
  std::string second = doc(item("cpu", units("2")) + item("disk", gp("vdisk_name", "d0") + gp("service_name", "svc1-vds0") +
                                                                   gp("vol_name", "nosuch")),
                           "ldg8");
  // Both Contents in one document: the second's Envelope appended to the first's data.
  size_t at = two.find("  </data>");
  size_t from = second.find("    <Envelope>"), to = second.find("  </data>");
  two.insert(at, second.substr(from, to - from));
  Reply r = f.run({"add-domain", "-i", two});
  CHECK(r.code == 1);
  CHECK(r.err == "line 23: disk of ldg8: Volume nosuch does not exist in service svc1-vds0\n");
  CHECK(f.m.model().find("ldg7") == nullptr);
  CHECK(f.all_x() == before);
  // And the same two with a good disk are both added.
  size_t bad = two.find(">nosuch<");
  two.replace(bad, 8, ">vol1<");
  f.ok({"add-domain", "-i", two});
  CHECK(f.m.model().find("ldg7") != nullptr);
  CHECK(f.m.model().find("ldg8")->vdisks.size() == 1);
}

TEST_CASE("xml: the reader on its own names the element and the line", "[ldm][xml]") {
  std::vector<XmlDomain> out;
  CHECK(read_constraints_xml(doc(item("vsw", gp("service_name", "s") + gp("dev-path", "e1000g0") + gp("pvid", "x"))), out) ==
        "Invalid XML: line 12: <gprop:GenericProperty key=\"pvid\"> of vsw: 'x' is not a number");
  CHECK(out.empty());
  // A value with a newline stays on the error's one line (fuzz_constraints_xml's first finding).
  CHECK(read_constraints_xml(doc(item("network", gp("vnet_name", "v") + gp("service_name", "s") + gp("mtu", "15&#10;00"))),
                             out) ==
        "Invalid XML: line 12: <gprop:GenericProperty key=\"mtu\"> of network: '15\\x0a00' is not a number");
  REQUIRE(read_constraints_xml(doc(item("vsw", gp("service_name", "s") + gp("dev-path", "e1000g0"))), out).empty());
  REQUIRE(out.size() == 1);
  CHECK(out[0].name == "ldg9");
  REQUIRE(out[0].items.size() == 1);
  CHECK(out[0].items[0].line == 8);
  CHECK(out[0].items[0].get("dev_path") == "e1000g0");   // the 1.2 guide's dev-path spelling
}

TEST_CASE("xml: the control domain during a delayed reconfiguration writes what it asked for", "[ldm][xml]") {
  Fixture f;
  f.ok({"set-vcpu", "8", "primary"});
  f.ok({"set-memory", "4G", "primary"});
  const std::string x = f.run({"list-constraints", "-x", "primary"}).out;
  CHECK(x.find("<rasd:OtherResourceType>cpu</rasd:OtherResourceType>\n"
               "            <rasd:AllocationUnits>8</rasd:AllocationUnits>") != std::string::npos);
  CHECK(x.find("<rasd:AllocationUnits>4G</rasd:AllocationUnits>") != std::string::npos);
  CHECK(x.find("<gprop:GenericProperty key=\"name\">pci@400</gprop:GenericProperty>") != std::string::npos);
  CHECK(x.find("console") == std::string::npos);   // its console is the SP's
  // Read back, it names a domain that exists: refused, nothing changes.
  Reply r = f.run({"add-domain", "-i", x});
  CHECK(r.code == 1);
  CHECK(r.err == "line 8: ldom_info of primary: LDom primary already exists\n");
}
