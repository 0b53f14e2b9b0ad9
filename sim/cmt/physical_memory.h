// Physical memory of the whole machine, sparse: an 8 KB page gets host storage the first
// time anything touches it, so a 512 GB T5440 costs only what its guests use. Strands reach
// it through host pointers to whole pages (their SoftTlb caches them).
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_map>

namespace vfsim::cmt {

class PhysicalMemory {
 public:
  static constexpr uint64_t kPageBits = 13, kPageSize = 1ull << kPageBits;

  explicit PhysicalMemory(uint64_t size_bytes) : size_(size_bytes) {}
  uint64_t size() const { return size_; }
  bool contains(uint64_t pa, uint64_t len = 1) const { return pa < size_ && len <= size_ - pa; }

  // Host address of the page holding pa (allocated zeroed on first use), or nullptr when pa
  // lies outside the installed memory.
  uint8_t* page(uint64_t pa);
  // Copies that may span pages; false if any byte is outside memory.
  bool read(uint64_t pa, void* dst, uint64_t n);
  bool write(uint64_t pa, const void* src, uint64_t n);

  // The page holding pa if it was ever touched (nullptr otherwise): never allocates.
  const uint8_t* find_page(uint64_t pa) const {
    auto it = pages_.find(pa >> kPageBits);
    return it == pages_.end() ? nullptr : it->second.get();
  }
  // Forget the pages of [pa, pa+len): they read as zero again (a restore starts clean).
  void discard(uint64_t pa, uint64_t len);
  uint64_t resident_pages() const { return pages_.size(); }
  uint64_t resident_bytes() const { return pages_.size() * kPageSize; }

 private:
  uint64_t size_;
  std::unordered_map<uint64_t, std::unique_ptr<uint8_t[]>> pages_;
};

}  // namespace vfsim::cmt
