// A guest's memory page by page, for snapshots and migration: restore and clearing (the
// walk is a template in hypervisor.h). The dirty log is in dirty_log.cpp.
#include "hv/hypervisor.h"

namespace vfsim::hv {

bool Hypervisor::write_guest_page(Guest& g, uint64_t ra, const uint8_t* page) {
  uint64_t pa;
  if ((ra & (cmt::PhysicalMemory::kPageSize - 1)) || !g.ra_to_pa(ra, cmt::PhysicalMemory::kPageSize, pa)) return false;
  return machine.mem.write_page(pa, page);
}

void Hypervisor::clear_guest_memory(Guest& g) {
  // Freed pages must not stay reachable through a strand's SoftTlb (a dangling host
  // pointer), nor their decoded instructions through its interpreter.
  for (Vcpu& v : g.vcpus) flush_translations(v);
  for (const Mblock& m : g.memory) machine.mem.discard(m.pa, m.size);
}

void Hypervisor::reserve_guest_pages(uint64_t pages) { machine.mem.reserve(pages); }

}  // namespace vfsim::hv
