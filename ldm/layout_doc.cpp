// The layout document as JSON (nlohmann-json: strict on reading, every field required) and
// its text summary.
#include "ldm/layout_doc.h"

#include <map>

#include <fmt/format.h>

#include "ldm/units.h"

namespace vfsim::ldm::layout {

using nlohmann::json;

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Strand, id, domain)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Core, id, strands, crypto, crypto_domain)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Socket, id, cores)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Memory, pa, size, domain, ra, socket_bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Bus, name, socket, domain)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Service, kind, name)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Domain, name, state, color, control, strands, crypto_cores, memory, buses, services,
                                   console_port)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Link, kind, client, device, service, service_domain, channel, detail)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RemoteMemory, pa, size, socket_bytes, remote_bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Numa, domain, strand_sockets, remote)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(CryptoIssue, domain, kind, core, owner)

void to_json(json& j, const Document& d) {
  j = json{{"schema", d.schema},   {"host", d.host},       {"platform", d.platform}, {"plan", d.plan},
           {"plan_source", d.plan_source}, {"strands_per_core", d.strands_per_core},
           {"sockets", d.sockets}, {"memory", d.memory},   {"buses", d.buses},       {"domains", d.domains},
           {"links", d.links},     {"numa", d.numa},       {"crypto", d.crypto},     {"warnings", d.warnings}};
}

void from_json(const json& j, Document& d) {
  j.at("schema").get_to(d.schema);
  if (d.schema != kSchema)
    throw std::runtime_error(fmt::format("layout document of schema {}, this vfctl reads {}", d.schema, kSchema));
  j.at("host").get_to(d.host);
  j.at("platform").get_to(d.platform);
  j.at("plan").get_to(d.plan);
  j.at("plan_source").get_to(d.plan_source);
  j.at("strands_per_core").get_to(d.strands_per_core);
  j.at("sockets").get_to(d.sockets);
  j.at("memory").get_to(d.memory);
  j.at("buses").get_to(d.buses);
  j.at("domains").get_to(d.domains);
  j.at("links").get_to(d.links);
  j.at("numa").get_to(d.numa);
  j.at("crypto").get_to(d.crypto);
  j.at("warnings").get_to(d.warnings);
}

std::string size_text(uint64_t bytes) {
  if (bytes < (1ull << 30) || bytes % (1ull << 30) == 0) return format_size(bytes);
  std::string s = fmt::format("{:.2f}", double(bytes) / double(1ull << 30));
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s + "G";
}

std::string ranges(const std::vector<unsigned>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size();) {
    size_t k = i;
    while (k + 1 < ids.size() && ids[k + 1] == ids[k] + 1) ++k;
    out += (out.empty() ? "" : ",") + (k == i ? std::to_string(ids[i]) : fmt::format("{}-{}", ids[i], ids[k]));
    i = k + 1;
  }
  return out.empty() ? "-" : out;
}

std::string summary(const Document& d) {
  unsigned cores = 0, strands = 0;
  for (const Socket& s : d.sockets) {
    cores += unsigned(s.cores.size());
    for (const Core& c : s.cores) strands += unsigned(c.strands.size());
  }
  std::string out = fmt::format("{} {} ({}): {} socket(s), {} cores, {} strands\n",
                                d.plan ? "Plan " + d.plan_source + " for host" : "Host", d.host, d.platform,
                                d.sockets.size(), cores, strands);
  out += fmt::format("{:<16} {:<9} {:<16} {:>8}  {:<12} {}\n", "DOMAIN", "STATE", "STRANDS", "MEMORY", "CRYPTO", "BUSES");
  for (const Domain& x : d.domains) {
    std::string buses;
    for (const std::string& b : x.buses) buses += (buses.empty() ? "" : ",") + b;
    out += fmt::format("{:<16} {:<9} {:<16} {:>8}  {:<12} {}\n", x.name, x.state, ranges(x.strands),
                       x.memory ? format_size(x.memory) : "-",
                       x.crypto_cores.empty() ? "-" : "core " + ranges(x.crypto_cores), buses.empty() ? "-" : buses);
  }
  std::vector<unsigned> free_strands, free_units;
  for (const Socket& s : d.sockets)
    for (const Core& c : s.cores) {
      for (const Strand& t : c.strands)
        if (t.domain.empty()) free_strands.push_back(t.id);
      if (c.crypto && c.crypto_domain.empty()) free_units.push_back(c.id);
    }
  uint64_t free_mem = 0;
  for (const Memory& m : d.memory) free_mem += m.domain.empty() ? m.size : 0;
  std::string free_buses;
  for (const Bus& b : d.buses)
    if (b.domain.empty()) free_buses += (free_buses.empty() ? "" : ",") + b.name;
  out += fmt::format("{:<16} {:<9} {:<16} {:>8}  {:<12} {}\n", "(free)", "", ranges(free_strands),
                     free_mem ? size_text(free_mem) : "-", free_units.empty() ? "-" : "core " + ranges(free_units),
                     free_buses.empty() ? "-" : free_buses);
  if (!d.links.empty()) out += "Virtual I/O:\n";
  for (const Link& l : d.links)
    out += fmt::format("  {} {} {} -> {}@{}{}{}\n", l.client, l.kind, l.device, l.service, l.service_domain,
                       l.channel >= 0 ? fmt::format(" channel {}", l.channel) : "",
                       l.detail.empty() ? "" : " (" + l.detail + ")");
  for (const std::string& w : d.warnings) out += "Warning: " + w + "\n";
  return out;
}

}  // namespace vfsim::ldm::layout
