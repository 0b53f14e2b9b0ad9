// What the Logical Domains Manager knows: the domains with their constraints (what was asked
// for) and bindings (what they got), their virtual I/O services and devices, and the SP's
// saved configurations. Plain data: persistence (state_file.cpp), listings (list_*.cpp) and
// the commands (commands_*.cpp) all work on it.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ldm/units.h"

namespace vfsim::ldm {

enum class State { Inactive, Bound, Active };
const char* state_name(State s);

struct MemRange {
  uint64_t ra = 0, pa = 0, size = 0;
};
// A physical range asked for with add-memory/set-memory mblock=PA:SIZE (the 2.2+ syntax):
// the domain is bound at exactly these addresses (NUMA placement: which socket's memory).
using Mblock = PaBlock;   // (ldm/units.h, which reads them)

// Virtual I/O: services live in a (service) domain, devices in their client domain.
struct Vcc { std::string name; unsigned port_lo = 5000, port_hi = 5100; };
struct VdsVolume { std::string name, backend, options, mpgroup; };
struct Vds { std::string name; std::vector<VdsVolume> volumes; };
struct Vsw {
  std::string name, net_dev, mode;
  uint64_t mac = 0;
  unsigned id = 0, default_vlan_id = 1, pvid = 1, mtu = 1500;
  std::string vid;
};
struct Vnet {
  std::string name, vsw, vsw_domain;   // service: vsw@vsw_domain
  uint64_t mac = 0;
  unsigned id = 0, pvid = 1, mtu = 1500;
  std::string vid, mode;
};
// Virtual data plane channels (LDoms 1.2, for Solaris Cluster): a service in a service
// domain and its clients in guests. Configured, checked at bind and listed; the guest runtime
// has no data-plane driver, so no LDC channel is made for them (docs/ldm.md).
struct Vdpcs { std::string name; };
struct Vdpcc { std::string name, service, service_domain; };   // service: vdpcs@service_domain
struct Vdisk {
  std::string name, volume, vds, vds_domain;   // volume@vds
  unsigned id = 0, timeout = 0;
};

struct Domain {
  std::string name;
  State state = State::Inactive;
  bool control = false;                       // the control domain (primary)
  // Constraints: what the domain asks for.
  unsigned vcpus = 0, maus = 0;
  bool whole_cores = false;                   // vcpus come as whole cores (add-vcpu -c)
  uint64_t memory = 0;
  std::vector<Mblock> mblocks;                // placed memory (mblock=); empty: first fit. Sums to memory
  std::vector<std::string> io;                // PCIe root complexes (pci@400 ...)
  std::vector<std::string> io_bypass;         // those of them added with bypass=on
  // Bindings: what it holds while bound or active.
  std::vector<unsigned> strands;
  std::vector<MemRange> mem;
  std::vector<unsigned> mau_cores;            // one crypto unit per core
  int cons_port = -1;                         // guest console port from the vcc range
  // Identity and policy.
  uint64_t mac = 0, hostid = 0;
  std::string failure_policy = "ignore";
  std::vector<std::string> masters;
  std::vector<std::pair<std::string, std::string>> variables;   // OBP variables, in order set
  // Virtual I/O.
  std::vector<Vcc> vccs;
  std::vector<Vds> vdss;
  std::vector<Vsw> vsws;
  std::vector<Vnet> vnets;
  std::vector<Vdisk> vdisks;
  std::vector<Vdpcs> vdpcss;
  std::vector<Vdpcc> vdpccs;
  std::string vcons_group, vcons_service;    // set-vcons
  int vcons_port = -1;                        // a fixed port asked with set-vcons port=
  // Delayed reconfiguration (control domain only): the constraints to apply at reboot.
  bool delayed = false;
  unsigned pending_vcpus = 0, pending_maus = 0;
  uint64_t pending_memory = 0;
  std::vector<std::string> io_before;         // buses before the reconfiguration (for cancel)
  std::vector<std::string> io_bypass_before;
  // Runtime facts (not persisted across a power cycle).
  double started_at = 0;                      // simulated seconds at start-domain
  // Domain migration (ldm/migration.h), while one runs: this host's side of it. Shown by
  // `ldm list` (state "suspended" and flag 's' on the source, 't' on the target, 'e' after a
  // failure that needs the operator) and `ldm list -o status`.
  struct Migration {
    enum class Role { None, Source, Target } role = Role::None;
    std::string peer;                         // the other host's name
    unsigned progress = 0;                    // percent
    bool error = false;                       // failed in handoff: the operator decides (docs/migration.md)
    bool suspended = false;                   // the source guest sits in its suspend call
    // A live migration on its source (ldm list -o status): the rounds so far, in bytes
    // sent; the dirty rate last measured; what the downtime would be if it stopped now.
    bool live = false;
    std::vector<uint64_t> round_bytes;
    double dirty_rate = 0;                    // bytes per second of simulated time
    double expected_downtime = 0;             // seconds
    double elapsed = 0;                       // simulated seconds since the migration began
  } migration;
  // LDoms 1.2: CPU DR stays disabled in a migrated domain until it reboots.
  bool migrated = false;
  // The last migration that brought the domain here: its source host and the phases'
  // simulated durations on the source (us), for ldm list -o status (text and -p).
  struct MigratedIn {
    std::string source;
    uint64_t checks_us = 0, prepare_us = 0, transfer_us = 0, handoff_us = 0;
    bool live = false;                        // live: its rounds and the guest's downtime
    unsigned rounds = 0;
    uint64_t downtime_us = 0;
  };
  std::vector<MigratedIn> migrated_in;   // empty, or the last one
};

struct SpConfig {
  std::string name;
  std::vector<Domain> domains;                // the layout saved with add-spconfig
};

struct Model {
  std::string hostname;
  std::vector<Domain> domains;                // primary first, then in creation order
  std::vector<SpConfig> spconfigs;            // factory-default is implicit, never stored
  std::string current_config = "factory-default";
  std::string next_config;                    // non-empty: shown [next poweron]
  uint64_t next_mac = 0;                      // automatic MAC allocation cursor

  Domain* find(const std::string& name) {
    for (Domain& d : domains)
      if (d.name == name) return &d;
    return nullptr;
  }
  const Domain* find(const std::string& name) const { return const_cast<Model*>(this)->find(name); }
};

}  // namespace vfsim::ldm
