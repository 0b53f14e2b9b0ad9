// Physical memory of the whole machine, sparse: an 8 KB page gets host storage the first
// time anything touches it, so a 512 GB T5440 costs only what its guests use. Strands reach
// it through host pointers to whole pages (their SoftTlb caches them).
//
// For snapshots and migration the resident pages can be walked in address order (a page
// never touched is known to be zero and costs nothing), installed whole (write_page) and
// dropped (discard). A WriteObserver, when set, hears of every write that goes through this
// class and of every page handed out for stores (note_write): the hypervisor's dirty-page
// logs (hv/dirty_log.h) hang there.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

namespace vfsim::cmt {

class PhysicalMemory {
 public:
  static constexpr uint64_t kPageBits = 13, kPageSize = 1ull << kPageBits;

  struct WriteObserver {
    virtual ~WriteObserver() = default;
    virtual void written(uint64_t pa, uint64_t len) = 0;   // [pa, pa+len) may have changed
  };

  explicit PhysicalMemory(uint64_t size_bytes) : size_(size_bytes) {}
  uint64_t size() const { return size_; }
  bool contains(uint64_t pa, uint64_t len = 1) const { return pa < size_ && len <= size_ - pa; }

  // Host address of the page holding pa (allocated zeroed on first use), or nullptr when pa
  // lies outside the installed memory. Stores through it must be announced with note_write
  // (the MemoryPorts do it when they translate for a write).
  uint8_t* page(uint64_t pa);
  // Copies that may span pages; false if any byte is outside memory.
  bool read(uint64_t pa, void* dst, uint64_t n);
  bool write(uint64_t pa, const void* src, uint64_t n);

  // The page holding pa if it was ever touched (nullptr otherwise): never allocates.
  const uint8_t* find_page(uint64_t pa) const {
    auto it = pages_.find(pa >> kPageBits);
    return it == pages_.end() ? nullptr : it->second.get();
  }

  // One null test when nobody observes: the cost of the dirty logs' hook while they are off.
  void set_write_observer(WriteObserver* o) { observer_ = o; }
  WriteObserver* write_observer() const { return observer_; }
  void note_write(uint64_t pa, uint64_t len) {
    if (observer_) observer_->written(pa, len);
  }

  uint64_t resident_pages() const { return pages_.size(); }
  uint64_t resident_bytes() const { return pages_.size() * kPageSize; }

  // fn(page_pa, const uint8_t* page) for every resident page overlapping [pa, pa+len), in
  // ascending order. A small range probes its pages; a range larger than what is resident
  // walks the map and sorts, so a sparse 64 GB guest costs what it touched.
  template <class F> void for_each_resident(uint64_t pa, uint64_t len, F fn) const;
  // Restore: the page at page-aligned pa gets these kPageSize bytes (no zeroing first).
  // false if pa is outside memory or not aligned.
  bool write_page(uint64_t pa, const uint8_t* src);
  // Many whole pages at once (a restore): one block of host memory for all of them, asked
  // for huge pages, so a restore pays a few faults instead of two per page. Each (pa, src)
  // must be page-aligned and inside memory; false (nothing installed) otherwise.
  bool install_pages(const std::vector<std::pair<uint64_t, const uint8_t*>>& pages);
  // Room for n more resident pages without rehashing (a restore knows its page count).
  void reserve(uint64_t n) { pages_.reserve(pages_.size() + n); }
  // [pa, pa+len) reads as zero again: whole pages are freed, partial ones zeroed. The caller
  // must make sure no strand keeps a host pointer into the range (flush their SoftTlbs).
  void discard(uint64_t pa, uint64_t len);

 private:
  // The resident pages numbered first..last, ascending: (page number, host page).
  std::vector<std::pair<uint64_t, uint8_t*>> resident_in(uint64_t first, uint64_t last) const;
  uint64_t size_;
  WriteObserver* observer_ = nullptr;
  // A page is either its own allocation or a slice of a block install_pages made (freed
  // with the memory): the deleter says which.
  using PagePtr = std::unique_ptr<uint8_t[], void (*)(uint8_t*)>;
  static void free_page(uint8_t* p) { delete[] p; }
  static void in_block(uint8_t*) {}
  std::unordered_map<uint64_t, PagePtr> pages_;
  std::vector<std::shared_ptr<uint8_t>> blocks_;
};

template <class F> void PhysicalMemory::for_each_resident(uint64_t pa, uint64_t len, F fn) const {
  if (len == 0 || pa >= size_) return;
  uint64_t first = pa >> kPageBits, last = (std::min(size_ - pa, len) - 1 + pa) >> kPageBits;
  for (const auto& [pn, host] : resident_in(first, last)) fn(pn << kPageBits, static_cast<const uint8_t*>(host));
}

}  // namespace vfsim::cmt
