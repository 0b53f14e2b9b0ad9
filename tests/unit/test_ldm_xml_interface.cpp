// The XML interface's requests and responses (ldm/xml_interface.h) on a Manager without a
// machine: the documented shapes (reference §8.3/§8.4), listings, add-domain from a listed
// <data>, the life cycle with options, and failures at the data, cmd and document levels.
#include <catch2/catch.hpp>

#include <pugixml.hpp>

#include "ldm/manager.h"
#include "ldm/vfctl_commands.h"
#include "ldm/xml_interface.h"
#include "ldm_no_machine.h"
#include "sim/platform/platform.h"

using namespace vfsim;
using namespace vfsim::ldm;

namespace {

struct Fixture {
  platform::Platform p = platform::load_platform("T5240");
  Manager m{p, nullptr, "", "host"};
  Fixture() {
    for (std::vector<std::string> c : std::vector<std::vector<std::string>>{
             {"set-vcpu", "8", "primary"}, {"set-memory", "4G", "primary"}}) {
      REQUIRE(m.run(c).code == 0);
    }
    m.reboot_control();
    for (std::vector<std::string> c : std::vector<std::vector<std::string>>{
             {"add-domain", "ldg1"}, {"add-vcpu", "2", "ldg1"}, {"add-memory", "1G", "ldg1"},
             {"set-var", "auto-boot?=false", "ldg1"}}) {
      REQUIRE(m.run(c).code == 0);
    }
  }
};

std::string request(const std::string& action, const std::vector<std::string>& domains,
                    const std::vector<std::string>& options = {}) {
  std::string r = "<?xml version=\"1.0\"?>\n<LDM_interface version=\"1.0\">\n  <cmd>\n    <action>" + action + "</action>\n";
  for (const std::string& o : options) r += "    <option>" + o + "</option>\n";
  for (const std::string& d : domains)
    r += "    <data version=\"3.0\"><Envelope><References/><Content xsi:type=\"ovf:VirtualSystem_Type\" id=\"" + d +
         "\"/></Envelope></data>\n";
  if (domains.empty()) r += "    <data version=\"3.0\"/>\n";
  return r + "  </cmd>\n</LDM_interface>\n";
}

// The statuses of the response: document, then each cmd, then each of its data.
struct Statuses {
  std::string doc;
  std::vector<std::string> cmds, data, messages;
};
Statuses statuses(const std::string& response) {
  pugi::xml_document d;
  REQUIRE(d.load_string(response.c_str()));
  Statuses s;
  pugi::xml_node root = d.child("LDM_interface");
  s.doc = root.child("response").child_value("status");
  for (pugi::xml_node cmd : root.children("cmd")) {
    s.cmds.push_back(cmd.child("response").child_value("status"));
    for (pugi::xml_node m : cmd.child("response").children("resp_msg")) s.messages.push_back(m.child_value());
    for (pugi::xml_node data : cmd.children("data")) {
      s.data.push_back(data.child("response").child_value("status"));
      for (pugi::xml_node m : data.child("response").children("resp_msg")) s.messages.push_back(m.child_value());
    }
  }
  for (pugi::xml_node m : root.child("response").children("resp_msg")) s.messages.push_back(m.child_value());
  return s;
}

}  // namespace

TEST_CASE("xml interface: list-constraints answers with the domain's Envelope and success at every level", "[ldm][xmlif]") {
  Fixture f;
  Reply r = serve_xml_request(f.m, request("list-constraints", {"ldg1"}));
  INFO(r.out);
  REQUIRE(r.code == 0);
  Statuses s = statuses(r.out);
  CHECK(s.doc == "success");
  CHECK(s.cmds == std::vector<std::string>{"success"});
  CHECK(s.data == std::vector<std::string>{"success"});
  // The same Items list-constraints -x writes.
  pugi::xml_document d;
  d.load_string(r.out.c_str());
  pugi::xml_node content = d.select_node("//cmd/data/Envelope/Content[@id='ldg1']").node();
  REQUIRE(content);
  CHECK(d.select_node("//Item[rasd:OtherResourceType='memory']/rasd:AllocationUnits").node().child_value() == std::string("1G"));
  CHECK(std::string(d.select_node("//Item[rasd:OtherResourceType='var']/gprop:GenericProperty[@key='name']").node().child_value()) ==
        "auto-boot?");
}

TEST_CASE("xml interface: list-domain with an empty data lists every domain's ldom_info", "[ldm][xmlif]") {
  Fixture f;
  Reply r = serve_xml_request(f.m, request("list-domain", {}));
  REQUIRE(r.code == 0);
  pugi::xml_document d;
  d.load_string(r.out.c_str());
  CHECK(d.select_nodes("//data/Envelope/Content").size() == 2);
  CHECK(std::string(d.select_node("//Content[@id='ldg1']//gprop:GenericProperty[@key='state']").node().child_value()) == "inactive");
  CHECK(std::string(d.select_node("//Content[@id='primary']//gprop:GenericProperty[@key='ncpu']").node().child_value()) == "8");
}

TEST_CASE("xml interface: a domain's life cycle, and add-domain from the data list-constraints gave", "[ldm][xmlif]") {
  Fixture f;
  Reply listed = serve_xml_request(f.m, request("list-constraints", {"ldg1"}));
  const std::string before = f.m.run({"list-constraints", "-x", "ldg1"}).out;
  for (const char* action : {"bind-domain", "start-domain"}) {
    Reply r = serve_xml_request(f.m, request(action, {"ldg1"}));
    INFO(action << ": " << r.out);
    CHECK(r.code == 0);
  }
  CHECK(f.m.model().find("ldg1")->state == State::Active);
  CHECK(serve_xml_request(f.m, request("stop-domain", {"ldg1"}, {"-f"})).code == 0);
  CHECK(f.m.model().find("ldg1")->state == State::Bound);
  CHECK(serve_xml_request(f.m, request("unbind-domain", {"ldg1"})).code == 0);
  CHECK(serve_xml_request(f.m, request("remove-domain", {"ldg1"})).code == 0);
  REQUIRE(f.m.model().find("ldg1") == nullptr);
  // The listed response's <cmd> as an add-domain request.
  std::string add = listed.out;
  add.replace(add.find("<action>list-constraints</action>"), 33, "<action>add-domain</action>");
  Reply r = serve_xml_request(f.m, add);
  INFO(r.out);
  CHECK(r.code == 0);
  REQUIRE(f.m.model().find("ldg1") != nullptr);
  CHECK(f.m.run({"list-constraints", "-x", "ldg1"}).out == before);
}

TEST_CASE("xml interface: failures at the data, cmd and document levels", "[ldm][xmlif]") {
  Fixture f;
  Reply r = serve_xml_request(f.m, request("bind-domain", {"nosuch", "ldg1"}));
  CHECK(r.code == 1);
  Statuses s = statuses(r.out);
  CHECK(s.doc == "failure");
  CHECK(s.cmds == std::vector<std::string>{"failure"});
  CHECK(s.data == std::vector<std::string>{"failure", "success"});   // each data on its own
  CHECK(s.messages == std::vector<std::string>{"LDom nosuch not found"});
  CHECK(f.m.model().find("ldg1")->state == State::Bound);

  s = statuses(serve_xml_request(f.m, request("add-vnet", {"ldg1"})).out);
  CHECK(s.cmds == std::vector<std::string>{"failure"});
  CHECK(s.messages == std::vector<std::string>{"Action add-vnet is not served by vfsim's XML interface"});

  std::string two_actions = request("bind-domain", {"ldg1"});
  two_actions.insert(two_actions.find("</cmd>"), "<action>start-domain</action>");
  s = statuses(serve_xml_request(f.m, two_actions).out);
  CHECK(s.messages == std::vector<std::string>{"Invalid request: a <cmd> has exactly one <action>"});

  s = statuses(serve_xml_request(f.m, "<LDM_interface version=\"1.0\"/>").out);
  CHECK((s.doc == "failure" && s.messages == std::vector<std::string>{"Invalid request: <LDM_interface> has no <cmd>"}));
  s = statuses(serve_xml_request(f.m, "<LDM_interface><cmd/></LDM_interface>").out);
  CHECK(s.messages == std::vector<std::string>{"Invalid request: <LDM_interface> has no version"});
  r = serve_xml_request(f.m, "<LDM_interface version=\"1.0\"><cmd>");
  CHECK(r.code == 1);
  s = statuses(r.out);
  REQUIRE(s.messages.size() == 1);
  CHECK(s.messages[0].rfind("Invalid XML: offset ", 0) == 0);
}


TEST_CASE("xml interface: off unless ldmd was started with --xml-interface", "[ldm][xmlif]") {
  Fixture f;
  NoMachine machine;
  VfctlCommands v(f.m, machine);
  Reply r = handle_request(f.m, v, "xml", {request("list-domain", {})});
  CHECK(r.code == 1);
  CHECK(r.err == "ldmd: the XML interface is off: start ldmd with --xml-interface\n");
  f.m.xml_interface = true;
  CHECK(handle_request(f.m, v, "xml", {request("list-domain", {})}).code == 0);
}
