// A guest's memory page by page, for snapshots and migration: restore and clearing (the
// walk is a template in hypervisor.h). The dirty log is in dirty_log.cpp.
#include <algorithm>

#include "hv/hypervisor.h"
#include "sim/state/codec.h"
#include "sim/state/stream.h"

namespace vfsim::hv {

uint32_t Hypervisor::memory_checksum(const Guest& g, uint64_t* pages) const {
  static const uint8_t zero[cmt::PhysicalMemory::kPageSize] = {};
  uint32_t crc = 0;
  uint64_t n = 0;
  resident_pages(g, [&](uint64_t ra, const uint8_t* p) {
    if (std::equal(p, p + cmt::PhysicalMemory::kPageSize, zero)) return;
    uint8_t be[8];
    state::put_be(be, 8, ra);
    crc = state::crc32(be, 8, crc);
    crc = state::crc32(p, cmt::PhysicalMemory::kPageSize, crc);
    ++n;
  });
  if (pages) *pages = n;
  return crc;
}

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
