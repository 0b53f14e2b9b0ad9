// ReceivedPages (migration_pages.h).
#include "ldm/migration_pages.h"

namespace vfsim::ldm::wire {

void ReceivedPages::take(MemoryFrame f) {
  uint32_t fi = uint32_t(frames_.size());
  uint32_t mine = 0;
  for (size_t j = 0; j < f.count; ++j) {
    auto [it, fresh] = latest_.try_emplace(f.ra(j), fi, uint32_t(j));
    if (!fresh) {
      uint32_t old = it->second.first;
      if (old == fi) --mine;   // (the same page twice in one frame: the later one counts)
      else if (--current_[old] == 0) frames_[old].raw = std::string();   // all of it came again since
      it->second = {fi, uint32_t(j)};
    }
    ++mine;
  }
  current_.push_back(mine);
  frames_.push_back(std::move(f));
}

}  // namespace vfsim::ldm::wire
