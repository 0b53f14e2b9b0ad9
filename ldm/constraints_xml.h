// A domain's constraints as the LDoms XML interface writes them: list-constraints -x writes
// them, add-domain -i reads them back (commands_xml.cpp turns them into ldm command lines).
// The form is the XML interface's OVF one (LDoms 1.2/1.3 Administration Guide, "Using the XML
// Interface With the Logical Domains Manager"): <LDM_interface version="1.0">, one
// <data version="3.0"> per domain holding an <Envelope> with its <Content id="NAME">; the
// domain's ldom_info Item in a ResourceAllocationSection, every other resource an Item of a
// VirtualHardwareSection, typed by <rasd:OtherResourceType> with <gprop:GenericProperty key=>
// values (docs/ldm.md, "The XML interface", says why and lists the keys).
#pragma once
#include <map>
#include <string>
#include <vector>

#include <pugixml.hpp>

#include "ldm/model.h"

namespace vfsim::ldm {

// The document for these domains, indented, one element per line. strands_per_core: to
// write whole cores (the cpu Item's wcore key) as add-vcpu -c counts them.
std::string write_constraints_xml(const std::vector<const Domain*>& domains, unsigned strands_per_core);

// The xmlns declarations of the interface's prefixes (xsi, ovf, rasd, vssd, gprop) on a
// document's <LDM_interface>, those it lacks.
void declare_interface_namespaces(pugi::xml_node root);

// One <Item> read back: its resource type, the line it starts on, and its values by key
// (gprop keys as written, and "Address" / "AllocationUnits" for the rasd elements). The
// reader has checked every key is one the type takes, the required ones are there, and
// numbers, sizes and MAC addresses are well formed; what a command line checks (names,
// services that must exist, ranges) is left to the command.
struct XmlItem {
  std::string type;
  size_t line = 0;
  std::map<std::string, std::string> values;
  bool has(const std::string& k) const { return values.count(k) > 0; }
  std::string get(const std::string& k) const {
    auto it = values.find(k);
    return it == values.end() ? "" : it->second;
  }
};
struct XmlDomain {
  std::string name;
  size_t line = 0;
  std::vector<XmlItem> items;   // in document order
};

// Reads a document; "" and the domains, or the error as one line
// ("Invalid XML: line 7: <rasd:AllocationUnits> of memory: 'abc' is not a size").
std::string read_constraints_xml(const std::string& text, std::vector<XmlDomain>& out);

}  // namespace vfsim::ldm
