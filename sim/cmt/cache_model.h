// A set-associative cache as tags and timing only (data lives in PhysicalMemory): LRU
// replacement, hit/miss counting. Used for the L1 D-cache of each core and the L2 of each
// socket.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/platform/platform.h"

namespace vfsim::cmt {

class CacheModel {
 public:
  explicit CacheModel(const platform::CacheGeometry& g)
      : ways_(g.ways), sets_(g.sets()), line_shift_(__builtin_ctz(g.line_bytes)),
        tags_(size_t(sets_) * ways_, ~0ull), age_(size_t(sets_) * ways_, 0) {}

  // Look the line up; on a miss allocate it (evicting the least recently used way).
  bool access(uint64_t pa) {
    uint64_t line = pa >> line_shift_;
    size_t base = size_t(line & (sets_ - 1)) * ways_;
    ++clock_;
    for (unsigned w = 0; w < ways_; ++w)
      if (tags_[base + w] == line) {
        age_[base + w] = clock_;
        ++hits_;
        return true;
      }
    size_t victim = base;
    for (unsigned w = 1; w < ways_; ++w)
      if (age_[base + w] < age_[victim]) victim = base + w;
    tags_[victim] = line;
    age_[victim] = clock_;
    ++misses_;
    return false;
  }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  friend struct MachineState;   // machine_state.cpp declares the tags as state
  unsigned ways_, sets_, line_shift_;
  std::vector<uint64_t> tags_, age_;
  uint64_t clock_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace vfsim::cmt
