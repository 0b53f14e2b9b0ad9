#include "sim/cmt/physical_memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <new>

namespace vfsim::cmt {

uint8_t* PhysicalMemory::page(uint64_t pa) {
  if (pa >= size_) return nullptr;
  auto it = pages_.find(pa >> kPageBits);
  if (it == pages_.end()) {
    it = pages_.emplace(pa >> kPageBits, PagePtr(new uint8_t[kPageSize], free_page)).first;
    std::memset(it->second.get(), 0, kPageSize);
  }
  return it->second.get();
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
  note_write(pa, n);
  auto* s = static_cast<const uint8_t*>(src);
  while (n) {
    uint64_t off = pa & (kPageSize - 1), chunk = std::min(n, kPageSize - off);
    std::memcpy(page(pa) + off, s, chunk);
    s += chunk; pa += chunk; n -= chunk;
  }
  return true;
}

std::vector<std::pair<uint64_t, uint8_t*>> PhysicalMemory::resident_in(uint64_t first, uint64_t last) const {
  std::vector<std::pair<uint64_t, uint8_t*>> out;
  if (last - first < pages_.size()) {   // probing the range costs less than walking the map
    for (uint64_t pn = first;; ++pn) {
      auto it = pages_.find(pn);
      if (it != pages_.end()) out.emplace_back(pn, it->second.get());
      if (pn == last) break;
    }
  } else {
    for (const auto& [pn, host] : pages_)
      if (pn >= first && pn <= last) out.emplace_back(pn, host.get());
    std::sort(out.begin(), out.end());
  }
  return out;
}

bool PhysicalMemory::write_page(uint64_t pa, const uint8_t* src) {
  if ((pa & (kPageSize - 1)) || !contains(pa, kPageSize)) return false;
  note_write(pa, kPageSize);
  auto it = pages_.find(pa >> kPageBits);
  if (it == pages_.end())   // overwritten whole: no zeroing
    it = pages_.emplace(pa >> kPageBits, PagePtr(new uint8_t[kPageSize], free_page)).first;
  std::memcpy(it->second.get(), src, kPageSize);
  return true;
}

bool PhysicalMemory::install_pages(const std::vector<std::pair<uint64_t, const uint8_t*>>& pages) {
  for (const auto& [pa, src] : pages)
    if ((pa & (kPageSize - 1)) || !contains(pa, kPageSize)) return false;
  if (pages.empty()) return true;
  constexpr size_t kHuge = 2u << 20;
  size_t bytes = (pages.size() * kPageSize + kHuge - 1) / kHuge * kHuge;
  void* mem = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  ::madvise(mem, bytes, MADV_HUGEPAGE);   // a hint: without transparent huge pages it is 4 KB faults
  std::shared_ptr<uint8_t> block(static_cast<uint8_t*>(mem), [bytes](uint8_t* p) { ::munmap(p, bytes); });
  pages_.reserve(pages_.size() + pages.size());
  uint8_t* at = block.get();
  for (const auto& [pa, src] : pages) {
    note_write(pa, kPageSize);
    std::memcpy(at, src, kPageSize);
    auto it = pages_.find(pa >> kPageBits);
    if (it != pages_.end()) it->second = PagePtr(at, in_block);
    else pages_.emplace(pa >> kPageBits, PagePtr(at, in_block));
    at += kPageSize;
  }
  blocks_.push_back(std::move(block));
  return true;
}

void PhysicalMemory::discard(uint64_t pa, uint64_t len) {
  if (len == 0 || pa >= size_) return;
  len = std::min(len, size_ - pa);
  uint64_t end = pa + len;
  for (const auto& [pn, host] : resident_in(pa >> kPageBits, (end - 1) >> kPageBits)) {
    uint64_t base = pn << kPageBits;
    uint64_t from = std::max(pa, base), to = std::min(end, base + kPageSize);
    note_write(from, to - from);   // content changed (to zero): a dirty log must hear it
    if (from == base && to == base + kPageSize) pages_.erase(pn);
    else std::memset(host + (from - base), 0, to - from);
  }
}

}  // namespace vfsim::cmt
