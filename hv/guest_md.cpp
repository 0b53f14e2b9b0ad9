#include "hv/guest_md.h"
#include "hv/pcie_geometry.h"
#include "hv/sun4v.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace vfsim::hv {

using md::Kind;
using md::MachineDescription;
using md::Node;
using md::Property;

namespace {

Property val(const std::string& n, uint64_t v) { return {n, Kind::Value, v, "", {}}; }
Property str(const std::string& n, const std::string& s) { return {n, Kind::String, 0, s, {}}; }
Property list(const std::string& n, const std::vector<std::string>& items) {
  Property p{n, Kind::Data, 0, "", {}};
  for (const std::string& s : items) {
    p.data.insert(p.data.end(), s.begin(), s.end());
    p.data.push_back(0);
  }
  return p;
}
// A data property of big-endian 64-bit words (the MD's "ino" lists, ranges, pairs).
Property data64(const std::string& n, const std::vector<uint64_t>& words) {
  Property p{n, Kind::Data, 0, "", {}};
  for (uint64_t v : words)
    for (int i = 0; i < 8; ++i) p.data.push_back(uint8_t(v >> (56 - 8 * i)));
  return p;
}

// Appends nodes and links parents to children with "fwd" and children to parents with
// "back", the convention of Sun's and OpenBSD's MD builders.
struct Builder {
  MachineDescription md;
  size_t add(const std::string& type, std::vector<Property> props) {
    md.nodes.push_back({type, std::move(props)});
    return md.nodes.size() - 1;
  }
  void link(size_t parent, size_t child) {
    md.nodes[parent].props.push_back({"fwd", Kind::Arc, child, "", {}});
    md.nodes[child].props.push_back({"back", Kind::Arc, parent, "", {}});
  }
};

}  // namespace

md::MachineDescription build_guest_md(const platform::Platform& p, const GuestResources& g) {
  Builder b;
  size_t root = b.add("root", {val("reset-reason", 0), str("content-version", "1.0"),
                               val("md-generation#", g.md_generation)});
  size_t plat = b.add("platform", {str("name", "SUNW," + p.name),
                                   str("banner-name", "SPARC Enterprise " + p.name),
                                   val("hostid", g.hostid), val("serial#", g.hostid & 0xffffff),
                                   val("mac-address", g.mac_address),
                                   val("stick-frequency", p.stick_hz), val("max-cpus", p.strands()),
                                   val("watchdog-resolution", 1000),
                                   val("watchdog-max-timeout", 31536000000ull),
                                   val("domaining-enabled", 1)});
  b.link(root, plat);

  size_t cpus = b.add("cpus", {});
  b.link(root, cpus);
  // Caches and TLBs are shared by the vCPUs of a core (L1s, TLBs) or a socket (L2).
  std::map<unsigned, std::vector<size_t>> core_units;   // core -> L1I, L1D, ITLB, DTLB nodes
  std::map<unsigned, size_t> socket_l2;
  auto cache = [&](unsigned level, const char* type, const platform::CacheGeometry& c) {
    return b.add("cache", {val("level", level), list("type", {type}), val("size", c.size_bytes),
                           val("line-size", c.line_bytes), val("associativity", c.ways)});
  };
  auto tlb = [&](const char* type, unsigned entries) {
    return b.add("tlb", {val("level", 1), list("type", {type}), val("entries", entries),
                         val("associativity", entries), val("page-size-list", 0x2b)});
  };
  std::map<unsigned, std::vector<size_t>> core_cpus;   // core -> cpu nodes (for crypto units)
  for (size_t v = 0; v < g.strands.size(); ++v) {
    unsigned strand = g.strands[v], core = strand / p.strands_per_core, socket = core / p.cores_per_socket;
    size_t cpu = b.add("cpu", {val("id", v), val("clock-frequency", p.clock_hz),
                               list("compatible", {"SUNW," + p.chip, "SUNW,sun4v-cpu", "sun4v"}),
                               list("isalist", {"sparcv9", "sparcv8plus", "sparcv8", "sparcv8-fsmuld",
                                                "sparcv7", "sparc", "sparcv9+vis", "sparcv9+vis2",
                                                "sparcv8plus+vis", "sparcv8plus+vis2"}),
                               val("nwins", 8), str("mmu-type", "sun4v"), val("mmu-#context-bits", 13),
                               val("mmu-#va-bits", 48), val("mmu-max-#tsbs", 8),
                               val("mmu-#shared-contexts", 0), val("mmu-page-size-list", 0x2b),
                               val("q-cpu-mondo-#bits", g.q_cpu_mondo_bits),
                               val("q-dev-mondo-#bits", g.q_dev_mondo_bits),
                               val("q-resumable-#bits", g.q_resumable_bits),
                               val("q-nonresumable-#bits", g.q_nonresumable_bits)});
    b.link(cpus, cpu);
    core_cpus[core].push_back(cpu);
    auto& units = core_units[core];
    if (units.empty())
      units = {cache(1, "instn", p.l1i), cache(1, "data", p.l1d), tlb("instn", p.itlb_entries),
               tlb("data", p.dtlb_entries)};
    if (!socket_l2.count(socket)) socket_l2[socket] = cache(2, "data", p.l2);
    for (size_t u : units) b.link(cpu, u);
    b.link(cpu, socket_l2[socket]);
  }

  size_t mem = b.add("memory", {});
  b.link(root, mem);
  for (const auto& m : g.memory) b.link(mem, b.add("mblock", {val("base", m.base), val("size", m.size)}));

  size_t vdevs = b.add("virtual-devices", {str("name", "virtual-devices"), str("device-type", "virtual-devices"),
                                           list("compatible", {"SUNW,sun4v-virtual-devices"}),
                                           val("cfg-handle", 0x100)});
  b.link(root, vdevs);
  size_t cons = b.add("virtual-device", {str("name", "console"), str("device-type", "serial"),
                                         list("compatible", {"qcn", "SUNW,sun4v-console"}),
                                         val("cfg-handle", 0x1), val("intr", 1), val("ino", 0x11),
                                         val("channel#", 0)});
  b.link(vdevs, cons);
  size_t chans = b.add("channel-devices", {str("name", "channel-devices"), str("device-type", "channel-devices"),
                                           list("compatible", {"SUNW,sun4v-channel-devices"}),
                                           val("cfg-handle", 0x200)});
  b.link(vdevs, chans);
  // Crypto units as Linux's n2_core and Solaris' n2cp/ncp drivers find them (reference
  // t2plus-microarch.md §8.6): an "exec-unit" node per queue, type "cwq" or "mau", with its
  // core as id and arcs to the cpus that share it; the queues' interrupts on a
  // virtual-device node each, "n2cp" (CWQ, SUNW,vf-cwq) and "ncp" (MAU, SUNW,vf-mau), whose
  // cfg-handle is the devhandle and whose "ino" lists the devinos, one per unit, in the
  // order of the units (devino = core: ncs_qhandle_to_devino answers the same).
  if (!g.crypto_units.empty()) {
    for (const char* kind : {"cwq", "mau"})
      for (unsigned core : g.crypto_units) {
        size_t unit = b.add("exec-unit", {str("type", kind), val("id", core)});
        b.link(root, unit);
        for (size_t cpu : core_cpus[core]) b.link(unit, cpu);
      }
    struct Dev { const char* name; const char* compatible; uint64_t handle; };
    for (const Dev& d : {Dev{"n2cp", "SUNW,vf-cwq", kNcsCwqDevhandle}, Dev{"ncp", "SUNW,vf-mau", kNcsMauDevhandle}}) {
      size_t dev = b.add("virtual-device", {str("name", d.name), str("device-type", "crypto"),
                                            list("compatible", {d.compatible}), val("cfg-handle", d.handle),
                                            data64("ino", {g.crypto_units.begin(), g.crypto_units.end()})});
      b.link(vdevs, dev);
    }
  }
  // PCIe root complexes the domain owns: an "iodevice" node each under "phys_io", with the
  // properties OpenBoot turns into the /pci@NNN node Solaris' px and Linux's pci_sun4v read
  // (docs/pcie.md "The MD"; property set and values as the OpenSPARC MD sources give them for
  // the T2's root complex, windows per root complex from hv/pcie_geometry.h).
  if (!g.pcie_buses.empty()) {
    size_t io = b.add("phys_io", {});
    b.link(root, io);
    for (const std::string& bus : g.pcie_buses) {
      uint64_t handle = pcie::devhandle_of(bus);
      auto at = std::find(p.pcie_roots.begin(), p.pcie_roots.end(), bus);
      const pcie::Windows w = pcie::windows(unsigned(at - p.pcie_roots.begin()));
      size_t dev = b.add("iodevice", {
          str("name", "pci"), val("disabled", 0), str("device-type", "pciex"), list("compatible", {"SUNW,sun4v-pci"}),
          val("cfg-handle", handle),
          data64("address-ranges", {w.io_ra, w.io_size, w.mem32_ra, w.mem32_size, w.mem64_ra, w.mem64_size}),
          data64("virtual-dma", {pcie::kDvmaBase, pcie::kDvmaSize}),
          data64("bus-ranges", {pcie::kFirstBus, pcie::kLastBus}),
          val("ino-bitmap", 0xf), str("probe-list", "0"),
          val("#msi-eqs", pcie::kMsiEqs), val("msi-eq-size", pcie::kMsiEqRecords),
          data64("msi-eq-to-devino", {0, pcie::kMsiEqs, pcie::kEqDevino}),
          val("#msi", pcie::kMsis), data64("msi-ranges", {0, pcie::kMsis}),
          val("msi-data-mask", pcie::kMsiDataMask), val("msix-data-width", 32),
          data64("msi-address-ranges", {0, pcie::kMsi32Addr, pcie::kMsiWindow, pcie::kMsi64Addr >> 32,
                                        pcie::kMsi64Addr & 0xffffffffull, pcie::kMsiWindow}),
          data64("interrupts", {pcie::kPeuDevino, pcie::kDmuDevino}), val("#interrupt-cells", 1)});
      b.link(io, dev);
    }
  }
  // LDC endpoints: id and the tx/rx devinos under the channel-devices devhandle.
  std::map<uint64_t, size_t> endpoint_node;
  if (!g.channels.empty()) {
    size_t eps = b.add("channel-endpoints", {});
    b.link(root, eps);
    for (uint64_t id : g.channels) {
      endpoint_node[id] = b.add("channel-endpoint", {val("id", id), val("tx-ino", 2 * id), val("rx-ino", 2 * id + 1)});
      b.link(eps, endpoint_node[id]);
    }
  }
  // Virtual devices on channels, as the LDoms manager lays them out for Solaris's vdc, vnet
  // and ds drivers [U: property set after the reference's catalogue, not an mdgen sample].
  for (const VirtualDevice& d : g.vdevs) {
    size_t dev, port;
    if (d.kind == VirtualDevice::Disk) {
      dev = b.add("virtual-device", {str("name", "disk"), str("device-type", "block"),
                                     list("compatible", {"SUNW,sun4v-disk"}), val("cfg-handle", d.handle)});
      port = b.add("virtual-device-port", {str("name", "vdc-port"), val("id", 0)});
    } else if (d.kind == VirtualDevice::Network) {
      dev = b.add("virtual-device", {str("name", "network"), str("device-type", "network"),
                                     list("compatible", {"SUNW,sun4v-network"}), val("cfg-handle", d.handle),
                                     val("local-mac-address", d.mac), val("mtu", d.mtu)});
      port = b.add("virtual-device-port", {str("name", "vnet-port"), val("id", 0)});
    } else {
      dev = b.add("virtual-device", {str("name", "domain-services"), str("device-type", "domain-services"),
                                     list("compatible", {"SUNW,domain-services"}), val("cfg-handle", d.handle)});
      port = b.add("domain-services-port", {val("id", 0)});
    }
    b.link(chans, dev);
    b.link(dev, port);
    auto ep = endpoint_node.find(d.channel);
    if (ep != endpoint_node.end()) b.link(port, ep->second);
  }
  if (!g.variables.empty()) {
    size_t ob = b.add("openboot", {});
    b.link(root, ob);
    std::vector<Property> vars;
    for (const auto& [k, v] : g.variables) vars.push_back(str(k, v));
    b.link(ob, b.add("variables", vars));
  }
  return b.md;
}

std::vector<std::string> check_guest_md(const md::MachineDescription& md) {
  std::vector<std::string> problems;
  auto count = [&](const char* type) {
    size_t n = 0;
    for (const Node& x : md.nodes) n += x.type == type;
    return n;
  };
  if (md.nodes.empty() || md.nodes[0].type != "root") problems.push_back("the first node is not 'root'");
  if (count("platform") != 1) problems.push_back(fmt::format("{} 'platform' nodes (need one)", count("platform")));
  if (count("cpus") != 1) problems.push_back(fmt::format("{} 'cpus' nodes (need exactly one)", count("cpus")));
  for (size_t i = 0; i < md.nodes.size(); ++i) {
    const Node& n = md.nodes[i];
    if (n.type != "cpu") continue;
    for (const char* k : {"id", "compatible", "mmu-#va-bits", "mmu-#context-bits", "mmu-page-size-list",
                          "q-cpu-mondo-#bits", "q-dev-mondo-#bits", "q-resumable-#bits", "q-nonresumable-#bits"})
      if (!n.find(k)) problems.push_back(fmt::format("cpu node {}: no '{}'", i, k));
    if (const Property* c = n.find("mmu-#context-bits"); c && (c->value < 1 || c->value > 16))
      problems.push_back(fmt::format("cpu node {}: mmu-#context-bits {} out of range", i, c->value));
    if (const Property* c = n.find("mmu-page-size-list"); c && c->value == 0)
      problems.push_back(fmt::format("cpu node {}: mmu-page-size-list is zero", i));
  }
  int mem = md.find_node("memory");
  size_t mblocks = 0;
  if (mem < 0) {
    problems.push_back("no 'memory' node");
  } else {
    for (const Property& p : md.nodes[size_t(mem)].props)
      if (p.kind == Kind::Arc && p.name == "fwd" && md.nodes[p.value].type == "mblock") {
        ++mblocks;
        const Node& mb = md.nodes[p.value];
        if (!mb.find("base") || !mb.find("size")) problems.push_back(fmt::format("mblock node {}: needs base and size", p.value));
      }
    if (!mblocks) problems.push_back("'memory' has no mblock children");
  }
  return problems;
}

}  // namespace vfsim::hv
