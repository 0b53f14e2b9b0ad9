// The XML form of list-constraints -x and add-domain -i (constraints_xml.h), with pugixml.
#include "ldm/constraints_xml.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <pugixml.hpp>

#include "ldm/units.h"

namespace vfsim::ldm {

namespace {

// ---- writer ------------------------------------------------------------------------------

pugi::xml_node item(pugi::xml_node section, const char* type) {
  pugi::xml_node it = section.append_child("Item");
  it.append_child("rasd:OtherResourceType").text().set(type);
  return it;
}
void rasd(pugi::xml_node it, const char* name, const std::string& v) {
  it.append_child((std::string("rasd:") + name).c_str()).text().set(v.c_str());
}
void prop(pugi::xml_node it, const char* key, const std::string& v) {
  pugi::xml_node p = it.append_child("gprop:GenericProperty");
  p.append_attribute("key").set_value(key);
  p.text().set(v.c_str());
}

void write_domain(pugi::xml_node root, const Domain& d, unsigned strands_per_core) {
  pugi::xml_node data = root.append_child("data");
  data.append_attribute("version").set_value("3.0");
  pugi::xml_node env = data.append_child("Envelope");
  env.append_child("References");
  pugi::xml_node content = env.append_child("Content");
  content.append_attribute("xsi:type").set_value("ovf:VirtualSystem_Type");
  content.append_attribute("id").set_value(d.name.c_str());

  pugi::xml_node info = content.append_child("Section");
  info.append_attribute("xsi:type").set_value("ovf:ResourceAllocationSection_type");
  pugi::xml_node li = item(info, "ldom_info");
  rasd(li, "Address", format_mac(d.mac));
  prop(li, "hostid", fmt::format("{:x}", d.hostid));
  prop(li, "failure-policy", d.failure_policy);
  if (!d.masters.empty()) {
    std::string m;
    for (const std::string& s : d.masters) m += (m.empty() ? "" : ",") + s;
    prop(li, "master", m);
  }

  pugi::xml_node hw = content.append_child("Section");
  hw.append_attribute("xsi:type").set_value("ovf:VirtualHardwareSection_Type");
  // During a delayed reconfiguration the constraints are the ones asked for (as the listings).
  unsigned vcpus = d.delayed ? d.pending_vcpus : d.vcpus;
  unsigned maus = d.delayed ? d.pending_maus : d.maus;
  uint64_t memory = d.delayed ? d.pending_memory : d.memory;
  if (vcpus) {
    pugi::xml_node c = item(hw, "cpu");
    rasd(c, "AllocationUnits", std::to_string(vcpus));
    // Whole cores: the count add-vcpu -c was given (the XML interface's wcore key).
    if (d.whole_cores && strands_per_core) prop(c, "wcore", std::to_string(vcpus / strands_per_core));
  }
  if (maus) rasd(item(hw, "mau"), "AllocationUnits", std::to_string(maus));
  if (memory) {
    pugi::xml_node m = item(hw, "memory");
    rasd(m, "AllocationUnits", format_size(memory));
    // Placed memory (set-memory mblock=): the blocks, as the command takes them.
    if (!d.mblocks.empty() && !d.delayed) {
      std::string list;
      for (const Mblock& b : d.mblocks) list += (list.empty() ? "" : ",") + format_mblock(b.pa, b.size);
      prop(m, "mblock", list);
    }
  }
  for (const std::string& bus : d.io) {
    pugi::xml_node it = item(hw, "physio_device");
    prop(it, "name", bus);
    if (std::count(d.io_bypass.begin(), d.io_bypass.end(), bus)) prop(it, "bypass", "on");   // add-io bypass=on
  }
  for (const auto& [k, v] : d.variables) {
    pugi::xml_node it = item(hw, "var");
    prop(it, "name", k);
    prop(it, "value", v);
  }
  for (const Vcc& c : d.vccs) {
    pugi::xml_node it = item(hw, "vcc");
    prop(it, "service_name", c.name);
    prop(it, "min_port", std::to_string(c.port_lo));
    prop(it, "max_port", std::to_string(c.port_hi));
  }
  for (const Vds& s : d.vdss) {
    prop(item(hw, "vds"), "service_name", s.name);
    for (const VdsVolume& v : s.volumes) {
      pugi::xml_node it = item(hw, "vds_volume");
      prop(it, "vol_name", v.name);
      prop(it, "service_name", s.name);
      prop(it, "block_dev", v.backend);
      if (!v.options.empty()) prop(it, "vol_opts", v.options);
      if (!v.mpgroup.empty()) prop(it, "mpgroup", v.mpgroup);
    }
  }
  for (const Vsw& s : d.vsws) {
    pugi::xml_node it = item(hw, "vsw");
    prop(it, "service_name", s.name);
    rasd(it, "Address", format_mac(s.mac));
    if (!s.net_dev.empty()) prop(it, "dev_path", s.net_dev);
    if (!s.mode.empty()) prop(it, "mode", s.mode);
    prop(it, "default-vlan-id", std::to_string(s.default_vlan_id));
    prop(it, "pvid", std::to_string(s.pvid));
    if (!s.vid.empty()) prop(it, "vid", s.vid);
    prop(it, "mtu", std::to_string(s.mtu));
    prop(it, "id", std::to_string(s.id));
  }
  for (const Vnet& n : d.vnets) {
    pugi::xml_node it = item(hw, "network");
    prop(it, "vnet_name", n.name);
    prop(it, "service_name", n.vsw);
    rasd(it, "Address", format_mac(n.mac));
    prop(it, "pvid", std::to_string(n.pvid));
    if (!n.vid.empty()) prop(it, "vid", n.vid);
    if (!n.mode.empty()) prop(it, "mode", n.mode);
    prop(it, "mtu", std::to_string(n.mtu));
    prop(it, "id", std::to_string(n.id));
  }
  for (const Vdisk& k : d.vdisks) {
    pugi::xml_node it = item(hw, "disk");
    prop(it, "vdisk_name", k.name);
    prop(it, "service_name", k.vds);
    prop(it, "vol_name", k.volume);
    if (k.timeout) prop(it, "timeout", std::to_string(k.timeout));
    prop(it, "id", std::to_string(k.id));
  }
  for (const Vdpcs& s : d.vdpcss) prop(item(hw, "vdpcs"), "service_name", s.name);
  for (const Vdpcc& c : d.vdpccs) {
    pugi::xml_node it = item(hw, "vdpcc");
    prop(it, "vdpcc_name", c.name);
    prop(it, "service_name", c.service);
  }
  // The console as set-vcons asked (the control domain's is the SP's).
  if (!d.control && (!d.vcons_group.empty() || !d.vcons_service.empty() || d.vcons_port >= 0)) {
    pugi::xml_node it = item(hw, "console");
    if (d.vcons_port >= 0) prop(it, "port", std::to_string(d.vcons_port));
    if (!d.vcons_service.empty()) prop(it, "service_name", d.vcons_service);
    if (!d.vcons_group.empty()) prop(it, "group", d.vcons_group);
  }
  if (hw.first_child().empty()) content.remove_child(hw);
}

// ---- reader ------------------------------------------------------------------------------

enum class Kind { Text, Number, Numbers, Size, Mac, Hex, Value };

// The keys each resource type takes: what the XML-interface chapter lists for it and the
// model holds. Required keys first flag.
struct Key {
  const char* name;
  Kind kind;
  bool required;
};
const std::map<std::string, std::vector<Key>>& resource_keys() {
  static const std::map<std::string, std::vector<Key>> k = {
      {"ldom_info", {{"Address", Kind::Mac, false}, {"hostid", Kind::Hex, false},
                     {"failure-policy", Kind::Text, false}, {"master", Kind::Text, false}}},
      {"cpu", {{"AllocationUnits", Kind::Number, true}, {"wcore", Kind::Number, false}}},
      {"mau", {{"AllocationUnits", Kind::Number, true}}},
      {"memory", {{"AllocationUnits", Kind::Size, true}, {"mblock", Kind::Text, false}}},
      {"physio_device", {{"name", Kind::Text, true}, {"bypass", Kind::Text, false}}},
      {"var", {{"name", Kind::Text, true}, {"value", Kind::Value, false}}},   // (a value may be empty)
      {"vcc", {{"service_name", Kind::Text, true}, {"min_port", Kind::Number, true}, {"max_port", Kind::Number, true}}},
      {"vds", {{"service_name", Kind::Text, true}}},
      {"vds_volume", {{"vol_name", Kind::Text, true}, {"service_name", Kind::Text, true},
                      {"block_dev", Kind::Text, true}, {"vol_opts", Kind::Text, false},
                      {"mpgroup", Kind::Text, false}}},
      {"vsw", {{"service_name", Kind::Text, true}, {"Address", Kind::Mac, false}, {"dev_path", Kind::Text, false},
               {"mode", Kind::Text, false}, {"default-vlan-id", Kind::Number, false}, {"pvid", Kind::Number, false},
               {"vid", Kind::Numbers, false}, {"mtu", Kind::Number, false}, {"id", Kind::Number, false}}},
      {"network", {{"vnet_name", Kind::Text, true}, {"service_name", Kind::Text, true}, {"Address", Kind::Mac, false},
                   {"pvid", Kind::Number, false}, {"vid", Kind::Numbers, false}, {"mode", Kind::Text, false},
                   {"mtu", Kind::Number, false}, {"id", Kind::Number, false}}},
      {"disk", {{"vdisk_name", Kind::Text, true}, {"service_name", Kind::Text, true}, {"vol_name", Kind::Text, true},
                {"timeout", Kind::Number, false}, {"id", Kind::Number, false}}},
      // vdpcs, vdpcc: the resource types of the 1.2 chapter; their keys are ours [R], after
      // vds's and disk's.
      {"vdpcs", {{"service_name", Kind::Text, true}}},
      {"vdpcc", {{"vdpcc_name", Kind::Text, true}, {"service_name", Kind::Text, true}}},
      {"console", {{"port", Kind::Number, false}, {"service_name", Kind::Text, false}, {"group", Kind::Text, false}}},
  };
  return k;
}

bool digits(const std::string& s, size_t max) {
  return !s.empty() && s.size() <= max &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// "" or what is wrong with v as a value of this kind.
std::string check(Kind kind, const std::string& v) {
  uint64_t n = 0;
  switch (kind) {
    case Kind::Number:
      return digits(v, 9) ? "" : "is not a number";
    case Kind::Numbers: {
      size_t pos = 0;
      while (true) {
        size_t c = v.find(',', pos);
        if (!digits(v.substr(pos, c == std::string::npos ? std::string::npos : c - pos), 9))
          return "is not a list of numbers";
        if (c == std::string::npos) return "";
        pos = c + 1;
      }
    }
    case Kind::Size:
      return parse_size(v, "", n) ? "" : "is not a size";
    case Kind::Mac:
      return parse_mac(v, n) ? "" : "is not a MAC address";
    case Kind::Hex: {
      std::string h = v.rfind("0x", 0) == 0 || v.rfind("0X", 0) == 0 ? v.substr(2) : v;
      bool ok = !h.empty() && h.size() <= 8 &&
                std::all_of(h.begin(), h.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
      return ok ? "" : "is not a hexadecimal number";
    }
    case Kind::Text:
      return v.empty() ? "is empty" : "";
    case Kind::Value:
      return "";
  }
  return "";
}

// A value shown in an error: one line, not too long (control bytes as \xNN).
std::string one_line(const std::string& v) {
  std::string out;
  for (unsigned char c : v.substr(0, 64)) out += c < 0x20 || c == 0x7f ? fmt::format("\\x{:02x}", c) : std::string(1, char(c));
  return v.size() > 64 ? out + "..." : out;
}
std::string quoted(const std::string& v) { return "'" + one_line(v) + "'"; }

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

struct Reader {
  const std::string& text;
  std::string err;

  size_t line(pugi::xml_node n) const { return line_at(n.offset_debug()); }
  size_t line_at(ptrdiff_t off) const {
    if (off < 0) return 0;
    size_t end = std::min(size_t(off), text.size());
    return size_t(std::count(text.begin(), text.begin() + long(end), '\n')) + 1;
  }
  bool bad(pugi::xml_node at, const std::string& what) {
    err = fmt::format("Invalid XML: line {}: {}", line(at), what);
    return false;
  }
  static std::string tag(pugi::xml_node n) { return fmt::format("<{}>", n.name()); }

  // The element's text: character data only (no child elements).
  bool text_of(pugi::xml_node n, std::string& out) {
    out.clear();
    for (pugi::xml_node c : n.children()) {
      if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
      else if (c.type() == pugi::node_element) return bad(c, fmt::format("{} inside {}: a value holds text only", tag(c), tag(n)));
    }
    return true;
  }
  // Only these child elements (comments and processing instructions are skipped).
  bool only(pugi::xml_node n, std::initializer_list<const char*> names) {
    for (pugi::xml_node c : n.children()) {
      if (c.type() == pugi::node_pcdata && trim(c.value()).empty()) continue;
      if (c.type() == pugi::node_comment || c.type() == pugi::node_pi) continue;
      if (c.type() != pugi::node_element)
        return bad(c, fmt::format("text inside {} where elements are expected", tag(n)));
      if (std::none_of(names.begin(), names.end(), [&](const char* s) { return std::string(c.name()) == s; }))
        return bad(c, fmt::format("unexpected element {} inside {}", tag(c), tag(n)));
    }
    return true;
  }

  bool read_item(pugi::xml_node it, XmlItem& out) {
    out.line = line(it);
    if (!only(it, {"rasd:OtherResourceType", "rasd:Address", "rasd:AllocationUnits", "gprop:GenericProperty"}))
      return false;
    std::vector<pugi::xml_node> types;
    for (pugi::xml_node c : it.children("rasd:OtherResourceType")) types.push_back(c);
    if (types.size() != 1) return bad(it, "<Item>: needs exactly one <rasd:OtherResourceType>");
    std::string t;
    if (!text_of(types[0], t)) return false;
    out.type = trim(t);
    auto known = resource_keys().find(out.type);
    if (known == resource_keys().end()) {
      static const std::set<std::string> kElsewhere = {"spconfig", "vdpcs", "vdpcc", "policy"};
      return bad(types[0], kElsewhere.count(out.type)
                               ? fmt::format("<rasd:OtherResourceType>: {} is not a constraint add-domain -i sets", out.type)
                               : fmt::format("<rasd:OtherResourceType>: unknown resource type {}", quoted(out.type)));
    }
    const std::vector<Key>& keys = known->second;
    for (pugi::xml_node c : it.children()) {
      if (c.type() != pugi::node_element || c == types[0]) continue;
      std::string name = c.name(), key, shown;
      if (name == "gprop:GenericProperty") {
        pugi::xml_attribute k = c.attribute("key");
        if (!k) return bad(c, "<gprop:GenericProperty> without a key attribute");
        key = k.value();
        if (out.type == "vsw" && key == "dev-path") key = "dev_path";   // the 1.2 guide's spelling
        shown = fmt::format("<gprop:GenericProperty key=\"{}\"> of {}", one_line(k.value()), out.type);
      } else {
        key = name.substr(5);   // rasd:Address, rasd:AllocationUnits
        shown = fmt::format("<{}> of {}", name, out.type);
      }
      auto spec = std::find_if(keys.begin(), keys.end(), [&](const Key& x) { return key == x.name; });
      if (spec == keys.end()) return bad(c, fmt::format("{}: {} takes no such property", shown, out.type));
      if (out.values.count(key)) return bad(c, fmt::format("{}: given twice", shown));
      std::string v;
      if (!text_of(c, v)) return false;
      // Numbers, sizes and addresses may have spaces around them; names and values are kept
      // as written, so that what list-constraints -x wrote comes back byte for byte.
      if (spec->kind != Kind::Value && spec->kind != Kind::Text) v = trim(v);
      if (std::string why = check(spec->kind, v); !why.empty()) return bad(c, fmt::format("{}: {} {}", shown, quoted(v), why));
      out.values[key] = v;
    }
    for (const Key& k : keys)
      if (k.required && !out.values.count(k.name))
        return bad(it, fmt::format("<Item> of {}: {} is missing", out.type,
                                   std::string(k.name) == "AllocationUnits" ? "<rasd:AllocationUnits>"
                                                                            : fmt::format("key \"{}\"", k.name)));
    return true;
  }

  bool read_content(pugi::xml_node content, XmlDomain& d) {
    d.line = line(content);
    pugi::xml_attribute id = content.attribute("id");
    if (!id) id = content.attribute("ovf:id");   // later guides write ovf:id
    d.name = id.value();
    if (d.name.empty()) return bad(content, "<Content>: the domain's name (id attribute) is missing");
    if (!only(content, {"Section"})) return false;
    std::set<std::string> once;
    for (pugi::xml_node s : content.children("Section")) {
      if (!only(s, {"Item"})) return false;
      for (pugi::xml_node it : s.children("Item")) {
        XmlItem x;
        if (!read_item(it, x)) return false;
        static const std::set<std::string> kSingle = {"ldom_info", "cpu", "mau", "memory", "console"};
        if (kSingle.count(x.type) && !once.insert(x.type).second)
          return bad(it, fmt::format("<Item> of {}: a second one for LDom {}", x.type, one_line(d.name)));
        d.items.push_back(std::move(x));
      }
    }
    return true;
  }

  bool read(std::vector<XmlDomain>& out) {
    pugi::xml_document doc;
    // No end-of-line normalisation: a variable's value comes back byte for byte.
    pugi::xml_parse_result res =
        doc.load_buffer(text.data(), text.size(), pugi::parse_default & ~pugi::parse_eol, pugi::encoding_utf8);
    if (!res) {
      err = fmt::format("Invalid XML: line {}: {}", line_at(res.offset), res.description());
      return false;
    }
    pugi::xml_node root;
    for (pugi::xml_node c : doc.children()) {
      if (c.type() != pugi::node_element) continue;
      if (root) return bad(c, fmt::format("a second top-level element {}", tag(c)));
      root = c;
    }
    if (!root || std::string(root.name()) != "LDM_interface")
      return root ? bad(root, fmt::format("{} where <LDM_interface> is expected", tag(root)))
                  : (err = "Invalid XML: no <LDM_interface> element", false);
    if (!root.attribute("version")) return bad(root, "<LDM_interface>: the version attribute is missing");
    if (!only(root, {"data"})) return false;
    for (pugi::xml_node data : root.children("data")) {
      std::string v = data.attribute("version").value();
      if (v != "3.0")
        return bad(data, v.empty() ? "<data>: the version attribute is missing"
                                   : fmt::format("<data>: version {} is not supported (the OVF form, version 3.0, is)", v));
      if (!only(data, {"Envelope"})) return false;
      for (pugi::xml_node env : data.children("Envelope")) {
        if (!only(env, {"References", "Content"})) return false;
        for (pugi::xml_node content : env.children("Content")) {
          XmlDomain d;
          if (!read_content(content, d)) return false;
          out.push_back(std::move(d));
        }
      }
    }
    if (out.empty()) return bad(root, "<LDM_interface>: no domain in it (<data><Envelope><Content id=...>)");
    return true;
  }
};

}  // namespace

void declare_interface_namespaces(pugi::xml_node root) {
  // The prefixes the interface's documents use, declared as its schemas name them.
  const std::pair<const char*, const char*> kNs[] = {
      {"xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"}, {"xmlns:ovf", "./schemas/envelope"},
      {"xmlns:rasd", "./schemas/CIM_ResourceAllocationSettingData"},
      {"xmlns:vssd", "./schemas/CIM_VirtualSystemSettingData"}, {"xmlns:gprop", "./schemas/GenericProperty"}};
  for (const auto& [name, uri] : kNs)
    if (!root.attribute(name)) root.append_attribute(name).set_value(uri);
}

std::string write_constraints_xml(const std::vector<const Domain*>& domains, unsigned strands_per_core) {
  pugi::xml_document doc;
  pugi::xml_node decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version").set_value("1.0");
  pugi::xml_node root = doc.append_child("LDM_interface");
  root.append_attribute("version").set_value("1.0");
  declare_interface_namespaces(root);
  for (const Domain* d : domains) write_domain(root, *d, strands_per_core);
  std::ostringstream os;
  doc.save(os, "  ", pugi::format_indent, pugi::encoding_utf8);
  return os.str();
}

std::string read_constraints_xml(const std::string& text, std::vector<XmlDomain>& out) {
  out.clear();
  Reader r{text, ""};
  if (!r.read(out)) out.clear();
  return r.err;
}

}  // namespace vfsim::ldm
