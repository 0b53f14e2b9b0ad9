// A Linux process's virtual address space for the user-mode runner: mappings (VMAs) with
// permissions, pages allocated on first touch, brk and anonymous mmap. It is the strand's
// MemoryPort, and tells the interpreter when a store hits a page holding decoded code.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/isa/memory_port.h"
#include "sim/isa/soft_tlb.h"

namespace vfsim::user {

enum Prot : uint8_t { PROT_R = 1, PROT_W = 2, PROT_X = 4 };

class AddressSpace : public isa::MemoryPort {
 public:
  static constexpr uint64_t kPage = isa::kPageSize;

  // Map [va, va+len) with prot (page-rounded); replaces existing mappings there.
  void map(uint64_t va, uint64_t len, uint8_t prot);
  void unmap(uint64_t va, uint64_t len);
  bool protect(uint64_t va, uint64_t len, uint8_t prot);
  bool is_mapped(uint64_t va, uint64_t len) const;
  // First free range of len bytes below `below`, searching downward (mmap placement).
  uint64_t find_free(uint64_t len, uint64_t below) const;

  // Host pointer to the byte at va if mapped with `need`, allocating the page if needed.
  uint8_t* host(uint64_t va, uint8_t need);
  // Copies for the syscall layer; false on a fault (EFAULT).
  bool read(uint64_t va, void* dst, uint64_t n);
  bool write(uint64_t va, const void* src, uint64_t n);
  bool read_string(uint64_t va, std::string& out, size_t max = 4096);
  // Loader access: ignore permissions (writes into read-only text at load time).
  bool poke(uint64_t va, const void* src, uint64_t n);

  // MemoryPort
  isa::Translation translate(isa::StrandState& s, uint64_t va, isa::Access acc, uint8_t asi) override;
  void flush_icache(isa::StrandState& s, uint64_t va) override;

  // Called when a decoded code page is written or unmapped (the interpreter drops it).
  std::function<void(uint64_t va)> on_code_change;
  // Called when mappings change so strands drop stale SoftTlb entries.
  std::function<void(uint64_t va)> on_unmap_page;

  uint64_t resident_pages() const { return pages_.size(); }

 private:
  struct Vma { uint64_t end; uint8_t prot; };
  const Vma* find(uint64_t va, uint64_t* start = nullptr) const;
  void carve(uint64_t start, uint64_t end);   // remove [start,end) from the VMA map
  struct Page {
    std::unique_ptr<uint8_t[]> data;
    bool has_code = false;
  };
  std::map<uint64_t, Vma> vmas_;              // start -> {end, prot}
  std::unordered_map<uint64_t, Page> pages_;  // vpn -> page
  // The resident pages' numbers in [s, e): a huge range costs what is resident, not its size.
  std::vector<uint64_t> resident_in(uint64_t s, uint64_t e) const;
};

}  // namespace vfsim::user
