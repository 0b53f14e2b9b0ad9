#include "models/pci_slots.h"

#include <memory>
#include <set>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "hv/pcie_root_complex.h"
#include "models/nvme.h"

namespace vfsim::models {

std::string attach_pci_disks(hv::Hypervisor& hv, const std::vector<std::string>& specs) {
  std::vector<std::pair<hv::RootComplex*, std::unique_ptr<Nvme>>> disks;
  std::set<std::string> seen;
  for (const std::string& s : specs) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
      return fmt::format("--pci-disk {}: expected BUS=FILE, e.g. pci@400=/var/tmp/disk.img", s);
    std::string bus = s.substr(0, eq), file = s.substr(eq + 1);
    hv::RootComplex* rc = hv.root(bus);
    if (!rc) {
      std::string names;
      for (const auto& r : hv.roots) names += (names.empty() ? "" : ", ") + r->name;
      return fmt::format("--pci-disk {}: this {} has no root complex {} (it has {})", s, hv.machine.plat.name, bus, names);
    }
    if (!seen.insert(bus).second) return fmt::format("--pci-disk: {} is given more than once", bus);
    try {
      disks.emplace_back(rc, std::make_unique<Nvme>(file));
    } catch (const std::exception& e) {
      return fmt::format("--pci-disk {}: {}", s, e.what());
    }
  }
  for (auto& [rc, d] : disks) rc->attach(std::move(d));
  return "";
}

}  // namespace vfsim::models
