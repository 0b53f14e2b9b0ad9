// Live vCPU reconfiguration: what `ldm add-vcpu` / `remove-vcpu` on an active domain need
// from the hypervisor once the guest agreed (Domain Services dr-cpu, models/ds.h). vCPU ids
// stay dense (0..n-1, Guest::vcpu indexes by id): new ones come after the last, and only
// the highest ones can leave.
#include <algorithm>

#include <fmt/format.h>

#include "hv/hypervisor.h"

namespace vfsim::hv {

void Hypervisor::add_vcpus(Guest& g, const std::vector<unsigned>& strands) {
  const platform::Platform& p = machine.plat;
  if (strands.empty()) throw HvError(fmt::format("guest '{}': no strands to add", g.name));
  for (unsigned s : strands) {
    if (s >= p.strands())
      throw HvError(fmt::format("guest '{}': strand {} does not exist on {} (0..{})", g.name, s, p.name,
                                p.strands() - 1));
    if (owners_[s].guest || std::count(strands.begin(), strands.end(), s) > 1)
      throw HvError(fmt::format("guest '{}': strand {} is already bound", g.name, s));
  }
  if (g.vcpus.size() + strands.size() > g.vcpus.capacity())   // would move the vCPUs
    throw HvError(fmt::format("guest '{}': {} vCPUs are more than the machine's strands", g.name,
                              g.vcpus.size() + strands.size()));
  GuestResources& res = g.md_inputs;
  for (unsigned s : strands) {
    Vcpu v;
    v.id = unsigned(g.vcpus.size());
    v.strand = s;
    g.vcpus.push_back(v);   // stopped: the guest starts it with cpu_start
    attach_vcpu(g, g.vcpus.back());
    res.strands.push_back(s);
  }
  rebuild_md(g);
}

void Hypervisor::remove_vcpus(Guest& g, const std::vector<unsigned>& ids) {
  if (ids.empty()) throw HvError(fmt::format("guest '{}': no vCPUs to remove", g.name));
  std::vector<unsigned> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
    throw HvError(fmt::format("guest '{}': a vCPU is named twice", g.name));
  if (sorted.size() >= g.vcpus.size())
    throw HvError(fmt::format("guest '{}': removing {} of its {} vCPUs leaves none", g.name, sorted.size(),
                              g.vcpus.size()));
  for (size_t i = 0; i < sorted.size(); ++i) {
    unsigned want = unsigned(g.vcpus.size() - sorted.size() + i);
    if (sorted[i] != want)
      throw HvError(fmt::format("guest '{}': only its highest vCPUs can be removed ({}..{}), not vCPU {}", g.name,
                                g.vcpus.size() - sorted.size(), g.vcpus.size() - 1, sorted[i]));
  }
  for (unsigned id : sorted)
    if (g.vcpus[id].state == CPU_STATE_RUNNING)
      throw HvError(fmt::format("guest '{}': vCPU {} is still running: the guest must stop it first", g.name, id));
  GuestResources& res = g.md_inputs;
  for (size_t k = 0; k < sorted.size(); ++k) {
    Vcpu& v = g.vcpus.back();
    if (v.state != CPU_STATE_STOPPED) stop_vcpu(g, v, CPU_STATE_STOPPED);   // an error state ends here
    detach_vcpu(v);
    g.vcpus.pop_back();
    res.strands.pop_back();
  }
  rebuild_md(g);
}

}  // namespace vfsim::hv
