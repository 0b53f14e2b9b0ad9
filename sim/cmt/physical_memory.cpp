#include "sim/cmt/physical_memory.h"

#include <algorithm>
#include <cstring>

namespace vfsim::cmt {

uint8_t* PhysicalMemory::page(uint64_t pa) {
  if (pa >= size_) return nullptr;
  auto& p = pages_[pa >> kPageBits];
  if (!p) {
    p.reset(new uint8_t[kPageSize]);
    std::memset(p.get(), 0, kPageSize);
  }
  return p.get();
}

bool PhysicalMemory::read(uint64_t pa, void* dst, uint64_t n) {
  if (!contains(pa, n)) return false;
  auto* d = static_cast<uint8_t*>(dst);
  while (n) {
    uint64_t off = pa & (kPageSize - 1), chunk = std::min(n, kPageSize - off);
    auto it = pages_.find(pa >> kPageBits);
    if (it == pages_.end()) std::memset(d, 0, chunk);   // untouched memory reads as zero
    else std::memcpy(d, it->second.get() + off, chunk);
    d += chunk; pa += chunk; n -= chunk;
  }
  return true;
}

bool PhysicalMemory::write(uint64_t pa, const void* src, uint64_t n) {
  if (!contains(pa, n)) return false;
  auto* s = static_cast<const uint8_t*>(src);
  while (n) {
    uint64_t off = pa & (kPageSize - 1), chunk = std::min(n, kPageSize - off);
    std::memcpy(page(pa) + off, s, chunk);
    s += chunk; pa += chunk; n -= chunk;
  }
  return true;
}

}  // namespace vfsim::cmt

namespace vfsim::cmt {

void PhysicalMemory::discard(uint64_t pa, uint64_t len) {
  uint64_t first = pa >> kPageBits, last = (pa + len + kPageSize - 1) >> kPageBits;
  if (last - first > pages_.size()) {   // a large range: walk what is resident instead
    for (auto it = pages_.begin(); it != pages_.end();)
      it = it->first >= first && it->first < last ? pages_.erase(it) : std::next(it);
    return;
  }
  for (uint64_t p = first; p < last; ++p) pages_.erase(p);
}

}  // namespace vfsim::cmt
