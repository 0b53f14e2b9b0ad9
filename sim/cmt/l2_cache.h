// A socket's L2 (4 MB, 16-way, 64 B lines, write-back) as tags and timing only; data lives in
// PhysicalMemory. Beside each tag: LRU age, a dirty bit (stores and atomics write into the
// L2; an evicted dirty line is written back to memory), a shared bit (another socket may hold
// the line, so a store must first invalidate it there), and the time the line's data arrives
// (a miss or prefetch allocates the line at once; a load that finds it still on its way
// waits for it, which is how one fill serves several requests).
#pragma once
#include <cstdint>
#include <vector>

#include "sim/platform/platform.h"

namespace vfsim::cmt {

class L2Cache {
 public:
  enum : uint8_t { DIRTY = 1, SHARED = 2 };
  explicit L2Cache(const platform::CacheGeometry& g)
      : ways_(g.ways), sets_(g.sets()), line_shift_(__builtin_ctz(g.line_bytes)),
        tags_(size_t(sets_) * ways_, ~0ull), age_(size_t(sets_) * ways_, 0),
        ready_(size_t(sets_) * ways_, 0.0), flags_(size_t(sets_) * ways_, 0) {}

  // The way holding pa's line, or -1.
  long find(uint64_t pa) const {
    uint64_t line = pa >> line_shift_;
    size_t base = size_t(line & (sets_ - 1)) * ways_;
    for (unsigned w = 0; w < ways_; ++w)
      if (tags_[base + w] == line) return long(base + w);
    return -1;
  }
  // The same, and a hit becomes the most recently used (touch) and counts.
  long lookup(uint64_t pa, bool touch = true) {
    long w = find(pa);
    if (w >= 0 && touch) { age_[size_t(w)] = ++clock_; ++hits_; }
    return w;
  }
  // Allocate pa's line (not present) in its set's least recently used way. If that way held a
  // dirty line, victim_pa gets its address and the result is true (a write-back is due).
  long allocate(uint64_t pa, bool& victim_dirty, uint64_t& victim_pa) {
    uint64_t line = pa >> line_shift_;
    size_t base = size_t(line & (sets_ - 1)) * ways_, v = base;
    for (unsigned w = 1; w < ways_; ++w)
      if (age_[base + w] < age_[v]) v = base + w;
    victim_dirty = tags_[v] != ~0ull && (flags_[v] & DIRTY);
    victim_pa = tags_[v] << line_shift_;
    tags_[v] = line;
    age_[v] = ++clock_;
    flags_[v] = 0;
    ready_[v] = 0;
    ++misses_;
    return long(v);
  }
  void drop(long way) { tags_[size_t(way)] = ~0ull; flags_[size_t(way)] = 0; age_[size_t(way)] = 0; }
  uint8_t& flags(long way) { return flags_[size_t(way)]; }
  double& ready(long way) { return ready_[size_t(way)]; }
  uint8_t flags(long way) const { return flags_[size_t(way)]; }
  double ready(long way) const { return ready_[size_t(way)]; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  friend struct MachineState;   // machine_state.cpp declares the arrays as state
  unsigned ways_, sets_, line_shift_;
  std::vector<uint64_t> tags_, age_;
  std::vector<double> ready_;
  std::vector<uint8_t> flags_;
  uint64_t clock_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace vfsim::cmt
