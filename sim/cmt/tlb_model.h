// A fully associative TLB as tags and LRU timing only (T2: ITLB 64, DTLB 128 entries, each
// shared by the core's 8 strands [V t2plus-microarch.md §3]). Each entry maps one page of
// its own size (8K/64K/4M/256M: shift 13/16/22/28), so a VA hits an entry when its bits
// above that entry's shift match. The strand remembers its last page, so only a change of
// page costs a lookup (core_translation.cpp).
#pragma once
#include <cstdint>
#include <vector>

namespace vfsim::cmt {

class TlbModel {
 public:
  explicit TlbModel(unsigned entries) : vpn_(entries, ~0ull), shift_(entries, 0), age_(entries, 0) {}
  // Is the page of va (mapped with pages of 1 << shift bytes) in the TLB? On a miss it is
  // loaded, in place of the least recently used entry.
  bool access(uint64_t va, unsigned shift) {
    ++clock_;
    size_t victim = 0;
    for (size_t i = 0; i < vpn_.size(); ++i) {
      if (shift_[i] && (va >> shift_[i]) == vpn_[i]) {
        age_[i] = clock_;
        ++hits_;
        return true;
      }
      if (age_[i] < age_[victim]) victim = i;
    }
    vpn_[victim] = va >> shift;
    shift_[victim] = uint8_t(shift);
    age_[victim] = clock_;
    ++misses_;
    return false;
  }
  unsigned entries() const { return unsigned(vpn_.size()); }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  friend struct MachineState;
  std::vector<uint64_t> vpn_;     // va >> shift of each entry
  std::vector<uint8_t> shift_;    // its page size; 0 = empty
  std::vector<uint64_t> age_;     // clock_ at the last use (LRU)
  uint64_t clock_ = 0, hits_ = 0, misses_ = 0;
};

inline TlbModel make_tlb(unsigned entries) { return TlbModel(entries); }

}  // namespace vfsim::cmt
