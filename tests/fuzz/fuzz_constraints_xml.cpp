// libFuzzer target: arbitrary text as the XML of add-domain -i (ldm/constraints_xml.h).
// First the reader alone: it returns domains whose Items all have a known type, or one line
// starting "Invalid XML: line N: "; it never throws. Then `add-domain -i TEXT` on a fresh
// Manager (T5240, no machine) that already has a service domain with a vcc, a vds with
// volumes and a vsw, so that devices can resolve: no exception may leave it, a refusal must
// say why and leave every domain's constraints (list-constraints -x) and the model
// (model_to_json) as they were, and domains it adds must survive a second round trip: their
// list-constraints -x, the domains removed, add-domain -i of that gives the same document.
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write documents list-constraints -x wrote (every resource type)
// and a few broken ones to DIR and exit (run_fuzz.sh's seeds).
#include "tests/fuzz/fuzz_seed.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "ldm/constraints_xml.h"
#include "ldm/manager.h"
#include "ldm/state_file.h"
#include "sim/platform/platform.h"

using namespace vfsim;
using namespace vfsim::ldm;

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_constraints_xml: %s\n", what.c_str());
  std::abort();
}

const platform::Platform& machine() {
  static const platform::Platform p = platform::load_platform("T5240");
  return p;
}

Reply must(Manager& m, std::vector<std::string> a) {
  Reply r = m.run(a);
  if (r.code != 0) finding("setup command failed: " + a[0] + ": " + r.err);
  return r;
}

// primary carved down, a service domain svc1 with every service (as the unit tests build it).
void services(Manager& m) {
  must(m, {"set-vcpu", "8", "primary"});
  must(m, {"set-memory", "4G", "primary"});
  must(m, {"remove-io", "pci@500", "primary"});
  m.reboot_control();
  must(m, {"add-domain", "svc1"});
  must(m, {"set-vcpu", "8", "svc1"});
  must(m, {"set-memory", "1G", "svc1"});
  must(m, {"add-vcc", "port-range=15801-15809", "svc1-vcc0", "svc1"});
  must(m, {"add-vds", "svc1-vds0", "svc1"});
  must(m, {"add-vdsdev", "/ldoms/disk0", "vol0@svc1-vds0"});
  must(m, {"add-vdsdev", "/ldoms/disk1", "vol1@svc1-vds0"});
  must(m, {"add-vsw", "net-dev=e1000g0", "svc1-vsw0", "svc1"});
}

std::string all_x(Manager& m) { return m.run({"list-constraints", "-x"}).out; }

void run(const std::string& text) {
  std::vector<XmlDomain> doms;
  std::string err;
  try {
    err = read_constraints_xml(text, doms);
  } catch (const std::exception& e) {
    finding(std::string("the reader threw: ") + e.what());
  }
  if (err.empty()) {
    if (doms.empty()) finding("the reader accepted a document with no domain");
    for (const XmlDomain& d : doms) {
      if (d.name.empty()) finding("a domain without a name");
      for (const XmlItem& it : d.items)
        if (it.type.empty() || it.line == 0) finding("an Item without its type or line");
    }
  } else {
    if (err.rfind("Invalid XML: ", 0) != 0 || err.find('\n') != std::string::npos)
      finding("a reader error not of the form 'Invalid XML: ...' on one line: " + err);
    if (!doms.empty()) finding("the reader refused the document but returned domains");
  }

  Manager m(machine(), nullptr, "", "host");
  services(m);
  const std::string x_before = all_x(m), json_before = model_to_json(m.model());
  const size_t had = m.model().domains.size();
  Reply r;
  try {
    r = m.run({"add-domain", "-i", text});
  } catch (const std::exception& e) {
    finding(std::string("add-domain -i threw: ") + e.what());
  }
  if (r.pending) finding("add-domain -i left an operation running");
  if (r.code != 0) {
    if (r.err.empty()) finding("add-domain -i failed without saying why");
    if (all_x(m) != x_before) finding("a refused add-domain -i changed list-constraints -x: " + r.err);
    if (model_to_json(m.model()) != json_before) finding("a refused add-domain -i changed the model: " + r.err);
    return;
  }
  if (!err.empty()) finding("add-domain -i took a document the reader refused");
  // The domains added, written, removed and read again: the same document.
  std::vector<std::string> names;
  for (size_t i = had; i < m.model().domains.size(); ++i) names.push_back(m.model().domains[i].name);
  if (names.empty()) finding("add-domain -i succeeded and added nothing");
  std::vector<std::string> ls = {"list-constraints", "-x"};
  ls.insert(ls.end(), names.begin(), names.end());
  const std::string x1 = m.run(ls).out;
  // Removed guests first: a domain whose services another uses cannot go before it.
  std::vector<std::string> rm = {"remove-domain"};
  rm.insert(rm.end(), names.rbegin(), names.rend());
  Reply gone = m.run(rm);
  if (gone.code != 0) return;   // (a service domain listed after its client: remove-domain's own rule)
  Reply again = m.run({"add-domain", "-i", x1});
  if (again.code != 0) finding("the document list-constraints -x wrote was refused: " + again.err + "\n" + x1);
  if (m.run(ls).out != x1) finding("a second round trip changed the constraints:\n" + x1 + "\n--- became ---\n" + m.run(ls).out);
}

void write_seeds(const std::string& dir) {
  Manager m(machine(), nullptr, "", "host");
  services(m);
  must(m, {"add-domain", "mac-addr=00:14:4f:fb:00:01", "hostid=0x12345678", "failure-policy=reset", "ldg1"});
  must(m, {"set-vcpu", "-c", "1", "ldg1"});
  must(m, {"set-mau", "1", "ldg1"});
  must(m, {"set-memory", "512M", "ldg1"});
  must(m, {"add-io", "pci@500", "ldg1"});
  must(m, {"set-var", "auto-boot?=false", "ldg1"});
  must(m, {"set-var", "nvramrc=devalias vnet0 /virtual-devices@100/channel-devices@200/network@0", "ldg1"});
  must(m, {"add-vnet", "pvid=7", "vid=20,21", "mtu=9000", "vnet0", "svc1-vsw0", "ldg1"});
  must(m, {"add-vdisk", "timeout=30", "vdisk0", "vol0@svc1-vds0", "ldg1"});
  must(m, {"set-vcons", "port=15805", "group=grp1", "service=svc1-vcc0", "ldg1"});
  must(m, {"set-domain", "master=svc1", "ldg1"});
  must(m, {"add-domain", "svc2"});
  must(m, {"add-vcc", "port-range=15806-15809", "svc2-vcc0", "svc2"});
  must(m, {"add-vds", "svc2-vds0", "svc2"});
  must(m, {"add-vdsdev", "options=ro,slice", "mpgroup=mp1", "/ldoms/disk2", "vol2@svc2-vds0"});
  must(m, {"add-vsw", "mode=sc", "mtu=9000", "id=4", "svc2-vsw0", "svc2"});
  fuzz_seed::write(dir + "/ldg1.xml", m.run({"list-constraints", "-x", "ldg1"}).out);
  fuzz_seed::write(dir + "/svc2.xml", m.run({"list-constraints", "-x", "svc2"}).out);
  fuzz_seed::write(dir + "/svc1-ldg1.xml", m.run({"list-constraints", "-x", "svc1", "ldg1"}).out);
  fuzz_seed::write(dir + "/primary.xml", m.run({"list-constraints", "-x", "primary"}).out);
  std::string bad = m.run({"list-constraints", "-x", "ldg1"}).out;
  bad.replace(bad.find(">512M<"), 6, ">abc<");
  fuzz_seed::write(dir + "/bad-size.xml", bad);
  fuzz_seed::write(dir + "/old-form.xml", std::string("<?xml version=\"1.0\"?>\n<LDM_interface version=\"1.0\">\n"
                                                      "  <data version=\"2.0\">\n    <ldom>\n      <ldom_info>\n"
                                                      "        <ldom_name>ldg1</ldom_name>\n      </ldom_info>\n"
                                                      "    </ldom>\n  </data>\n</LDM_interface>\n"));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) { write_seeds(dir); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
