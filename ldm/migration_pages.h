// The target's copy of a migrating guest's memory as frames arrive (migration.cpp's
// Incoming): a live migration sends a page again each time the guest dirtied it, and only
// its last copy is installed. A frame none of whose pages is the last copy any more is freed
// at once, so the target holds about one copy of the guest's memory, not one per round.
// Plain data over migration_wire.h: unit tests and the frames fuzz target use it directly.
#pragma once
#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ldm/migration_wire.h"

namespace vfsim::ldm::wire {

class ReceivedPages {
 public:
  void take(MemoryFrame f);
  size_t pages() const { return latest_.size(); }   // distinct pages received
  // fn(real address, const uint8_t* page) for the last copy of each page, in no order.
  template <class F> void for_each(F fn) const {
    for (const auto& [ra, at] : latest_) fn(ra, frames_[at.first].page(at.second));
  }
  void clear() { *this = ReceivedPages(); }
  // What it keeps: frames in arrival order (freed ones empty), and per frame how many of
  // its pages are still the last copy.
  const std::vector<MemoryFrame>& frames() const { return frames_; }
  const std::vector<uint32_t>& current() const { return current_; }

 private:
  std::vector<MemoryFrame> frames_;
  std::unordered_map<uint64_t, std::pair<uint32_t, uint32_t>> latest_;   // ra -> (frame, index)
  std::vector<uint32_t> current_;
};

}  // namespace vfsim::ldm::wire
