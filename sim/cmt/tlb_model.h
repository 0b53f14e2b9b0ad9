// A fully associative TLB (T2: ITLB 64, DTLB 128 entries) as tags and LRU timing only. The
// strand remembers its last page, so only a change of page costs a lookup.
#pragma once
#include <cstdint>
#include <vector>

namespace vfsim::cmt {

class TlbModel {
 public:
  explicit TlbModel(unsigned entries) : tags_(entries, ~0ull), age_(entries, 0) {}
  // Look up the 8 KB page of va; on a miss, replace the least recently used entry.
  bool access(uint64_t va) {
    uint64_t vpn = va >> 13;
    ++clock_;
    size_t victim = 0;
    for (size_t i = 0; i < tags_.size(); ++i) {
      if (tags_[i] == vpn) {
        age_[i] = clock_;
        ++hits_;
        return true;
      }
      if (age_[i] < age_[victim]) victim = i;
    }
    tags_[victim] = vpn;
    age_[victim] = clock_;
    ++misses_;
    return false;
  }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  std::vector<uint64_t> tags_, age_;
  uint64_t clock_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace vfsim::cmt
