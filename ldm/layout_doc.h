// The layout document: what `vfctl layout` shows of a host (or of a plan for it). ldmd builds
// it from the manager's bindings (layout_build.h) and sends it as JSON; vfctl prints that JSON
// (--json), a text summary, or draws the picture from it (layout_graph.h). One structure, so
// the picture cannot show anything the JSON does not say. docs/layout.md documents the schema.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vfsim::ldm::layout {

// Bumped when a field changes meaning or goes away (added fields keep the version).
constexpr const char* kSchema = "vfsim-layout/1";

// Owners are domain names; "" is free (nobody holds it); "_sys_" is the hypervisor's memory.
struct Strand {
  unsigned id = 0;
  std::string domain;
};
struct Core {
  unsigned id = 0;
  std::vector<Strand> strands;
  bool crypto = false;          // the core has a crypto unit (MAU and CWQ)
  std::string crypto_domain;    // who holds it
};
struct Socket {
  unsigned id = 0;
  std::vector<Core> cores;
};
struct Memory {
  uint64_t pa = 0, size = 0;
  std::string domain;
  uint64_t ra = 0;                      // the domain's real address of pa (0 for free and _sys_)
  std::vector<uint64_t> socket_bytes;   // bytes of the range whose home is socket i
};
struct Bus {
  std::string name;   // pci@400
  unsigned socket = 0;
  std::string domain;
};
struct Service {
  std::string kind, name;   // vds, vsw, vcc, vdpcs
};
struct Domain {
  std::string name, state, color;   // color: #rrggbb, stable for a name (primary's never changes)
  bool control = false;
  std::vector<unsigned> strands, crypto_cores;
  uint64_t memory = 0;              // bytes bound (0 while inactive)
  std::vector<std::string> buses;
  std::vector<Service> services;
  int console_port = -1;
};
// A virtual I/O connection from a client domain's device to a service: vdisk -> vds,
// vnet -> vsw, vcons -> vcc, ds (the domain services channel to the control domain's ldmd),
// vdpcc -> vdpcs. channel: the LDC channel id in the client guest, -1 when there is none
// (not bound, a plan, consoles and data-plane channels, which use no LDC here).
struct Link {
  std::string kind, client, device, service, service_domain;
  int64_t channel = -1;
  std::string detail;   // the volume, the vnet's MAC, the console port
};
// Memory of a domain homed on a socket where it has no strands.
struct RemoteMemory {
  uint64_t pa = 0, size = 0;
  std::vector<uint64_t> socket_bytes;
  uint64_t remote_bytes = 0;
};
struct Numa {
  std::string domain;
  std::vector<unsigned> strand_sockets;
  std::vector<RemoteMemory> remote;
};
// kind "unit_without_strands": the domain holds the crypto unit of a core where it has no
// strands; "strands_on_foreign_unit": it has strands on a core whose unit `owner` holds.
struct CryptoIssue {
  std::string domain, kind;
  unsigned core = 0;
  std::string owner;
};
struct Document {
  std::string schema = kSchema;
  std::string host, platform;
  bool plan = false;          // a planned layout (vfctl layout --plan), not the running host
  std::string plan_source;    // the plan file's name
  unsigned strands_per_core = 0;
  std::vector<Socket> sockets;
  std::vector<Memory> memory;   // by PA, every byte of the machine once
  std::vector<Bus> buses;
  std::vector<Domain> domains;
  std::vector<Link> links;
  std::vector<Numa> numa;             // only domains with remote memory
  std::vector<CryptoIssue> crypto;
  std::vector<std::string> warnings;  // the NUMA and crypto findings as sentences
};

void to_json(nlohmann::json& j, const Document& d);
// Throws nlohmann::json::exception when a field is missing or of the wrong type.
void from_json(const nlohmann::json& j, Document& d);

// The text vfctl layout prints without an option: domains, free resources, links, findings.
std::string summary(const Document& d);
// ldm's sizes (4G, 256M), and above 1G in G with up to two decimals (248.75G), not 254720M.
std::string size_text(uint64_t bytes);
// "0-7,16,18-19"
std::string ranges(const std::vector<unsigned>& ids);

}  // namespace vfsim::ldm::layout
