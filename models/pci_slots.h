// What sits behind the machine's PCIe root complexes: `--pci-disk BUS=FILE` (ldmd, vfsim-hv)
// puts an NVMe controller whose namespace is the host FILE behind root complex BUS.
#pragma once
#include <string>
#include <vector>

namespace vfsim::hv {
class Hypervisor;
}

namespace vfsim::models {

// Each spec "pci@400=/path/disk.img": checked whole first (the bus exists on this platform
// and is named once, the image opens and holds whole 512-byte blocks), then attached.
// Returns "" or why not (nothing attached then).
std::string attach_pci_disks(hv::Hypervisor& hv, const std::vector<std::string>& specs);

}  // namespace vfsim::models
