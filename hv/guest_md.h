// The machine description a guest domain is given: built from the platform and the
// resources bound to the domain (strands, memory blocks, console), with the nodes and
// properties sun4v guests (Solaris, Linux, OpenBSD) look for. Values the reference could not
// confirm for a T2 Plus guest (queue sizes) are named defaults here.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hv/machine_description.h"
#include "sim/platform/platform.h"

namespace vfsim::hv {

// A virtual device whose driver talks over one of the domain's channels: MD node
// virtual-device (name disk / network / domain-services) under channel-devices, with a port
// node (vdc-port / vnet-port / domain-services-port) linked to the channel-endpoint.
struct VirtualDevice {
  enum Kind { Disk, Network, DomainServices } kind = Disk;
  uint64_t handle = 0;    // cfg-handle: the vdisk / vnet instance number
  uint64_t channel = 0;   // the endpoint's id in this domain
  uint64_t mac = 0;       // network: local-mac-address
  uint64_t mtu = 1500;    // network
};

struct GuestResources {
  std::string domain = "primary";
  std::vector<unsigned> strands;            // physical strand ids; vCPU i runs on strands[i]
  struct Mblock { uint64_t base, size; };   // real-address ranges
  std::vector<Mblock> memory;
  uint64_t hostid = 0x84a2b3c4;
  uint64_t mac_address = 0x00144ffa0000ull;  // Sun's LDoms MAC range 00:14:4f:f8-fb
  // Interrupt queue sizes (log2 entries) the guest may configure [U: T2 Plus values unconfirmed]
  unsigned q_cpu_mondo_bits = 7, q_dev_mondo_bits = 7, q_resumable_bits = 6, q_nonresumable_bits = 2;
  uint64_t md_generation = 1;
  // OpenBoot variables (openboot/variables node): boot-file, auto-boot?, ... as ldm set-var sets them.
  std::map<std::string, std::string> variables;
  std::vector<unsigned> crypto_units;       // cores whose MAU and CWQ the domain owns
  std::vector<std::string> pcie_buses;      // root complexes, "pci@400" ...
  std::vector<uint64_t> channels;           // LDC channel ids of the domain's endpoints
  std::vector<VirtualDevice> vdevs;         // vdisks, vnets, domain services: each on a channel
};

md::MachineDescription build_guest_md(const platform::Platform& p, const GuestResources& g);

// The checks a guest OS makes before it trusts an MD (Solaris panics on most of these):
// returns one line per problem, empty when the MD is usable.
std::vector<std::string> check_guest_md(const md::MachineDescription& md);

}  // namespace vfsim::hv
