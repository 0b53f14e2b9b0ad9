#include "ldm/state_file.h"

#include <cstdio>
#include <fstream>
#include <set>
#include <vector>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace vfsim::ldm {

using nlohmann::json;

NLOHMANN_JSON_SERIALIZE_ENUM(State, {{State::Inactive, "inactive"}, {State::Bound, "bound"}, {State::Active, "active"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MemRange, ra, pa, size)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Mblock, pa, size)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vcc, name, port_lo, port_hi)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(VdsVolume, name, backend, options, mpgroup)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vds, name, volumes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vdpcs, name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vdpcc, name, service, service_domain)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vsw, name, net_dev, mode, mac, id, default_vlan_id, pvid, mtu, vid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vnet, name, vsw, vsw_domain, mac, id, pvid, mtu, vid, mode)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Vdisk, name, volume, vds, vds_domain, id, timeout)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Domain, name, state, control, vcpus, maus, whole_cores, memory, io, strands, mem,
                                                mau_cores, cons_port, mac, hostid, failure_policy, masters,
                                                variables, vccs, vdss, vsws, vnets, vdisks, vcons_group,
                                                vcons_service, vcons_port, delayed, pending_vcpus, pending_maus,
                                                pending_memory, io_before, io_bypass, io_bypass_before, vdpcss, vdpccs, mblocks)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SpConfig, name, domains)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Model, hostname, domains, spconfigs, current_config, next_config,
                                                next_mac)

void write_state_atomically(const std::string& path, const Model& m) {
  std::string text = json(m).dump(1) + "\n";
  std::string tmp = path + ".tmp";
  // A fresh file of our own: a symbolic link planted at the temporary name is not followed,
  // and the configuration is readable by its owner only.
  ::unlink(tmp.c_str());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw StateError("cannot write " + tmp);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) { ::close(fd); throw StateError("cannot write " + tmp); }
    done += size_t(n);
  }
  ::fsync(fd);   // the data is on disk before the name points at it
  ::close(fd);
  if (std::rename(tmp.c_str(), path.c_str()) != 0) throw StateError("cannot replace " + path);
  std::string dir = path.substr(0, path.rfind('/') == std::string::npos ? 1 : path.rfind('/'));
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY);
  if (dfd >= 0) { ::fsync(dfd); ::close(dfd); }
}

namespace {
// The model holds no fractions: a number with one would be converted into an integer field,
// undefined behaviour out of its range ({"vcpus":1e300}). Iterative: the text may be deep.
bool has_fraction(const json& j) {
  std::vector<const json*> todo = {&j};
  while (!todo.empty()) {
    const json* v = todo.back();
    todo.pop_back();
    if (v->is_number_float()) return true;
    if (v->is_structured())
      for (const json& x : *v) todo.push_back(&x);
  }
  return false;
}

// What the file must say before it is taken as a configuration: a file without domains, or
// without the control domain first, would otherwise read as factory-default, and the next
// command would write that over the real configuration. "" or why not.
std::string check_shape(const json& j) {
  if (!j.is_object()) return "not a JSON object";
  auto ds = j.find("domains");
  if (ds == j.end()) return "no \"domains\"";
  if (!ds->is_array() || ds->empty()) return "\"domains\" is not a non-empty array";
  std::set<std::string> names;
  for (size_t i = 0; i < ds->size(); ++i) {
    const json& d = (*ds)[i];
    if (!d.is_object()) return fmt::format("domains[{}] is not an object", i);
    auto n = d.find("name");
    if (n == d.end() || !n->is_string() || n->get<std::string>().empty()) return fmt::format("domains[{}] has no name", i);
    std::string name = n->get<std::string>();
    if (!names.insert(name).second) return fmt::format("LDom {} appears twice", name);
    auto st = d.find("state");
    if (st != d.end() && !(st->is_string() && (*st == "inactive" || *st == "bound" || *st == "active")))
      return fmt::format("LDom {} has an unknown state {}", name, st->dump());
    auto c = d.find("control");
    bool control = c != d.end() && c->is_boolean() && c->get<bool>();
    if (c != d.end() && !c->is_boolean()) return fmt::format("LDom {}: \"control\" is not true or false", name);
    if (i == 0 && (!control || name != "primary")) return "the first domain is not the control domain primary";
    if (i > 0 && control) return fmt::format("LDom {} claims to be the control domain too", name);
  }
  return "";
}
}  // namespace

void read_state(const std::string& path, Model& m) {
  std::ifstream in(path);
  if (!in) throw StateError(path + ": cannot be read");
  json j = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw StateError(path + ": not JSON (truncated or corrupted)");
  if (std::string why = check_shape(j); !why.empty()) throw StateError(path + ": " + why);
  if (has_fraction(j)) throw StateError(path + ": a number with a fraction (the configuration has none)");
  try {
    m = j.get<Model>();
  } catch (const json::exception& e) {
    throw StateError(path + ": " + e.what());
  }
}

}  // namespace vfsim::ldm

namespace vfsim::ldm {

std::string model_to_json(const Model& m) { return json(m).dump(); }

Model model_from_json(const std::string& text, const std::string& source) {
  try {
    json j = json::parse(text);
    if (has_fraction(j)) throw StateError(source + ": a number with a fraction (the model has none)");
    return j.get<Model>();
  } catch (const json::exception& e) {
    throw StateError(source + ": " + e.what());
  }
}

}  // namespace vfsim::ldm
