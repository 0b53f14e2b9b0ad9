// The target's copy of a migrating guest's memory as frames arrive (migration_internal.h,
// Migrator::Incoming): live rounds send a page again each time it was dirtied, and only its
// last copy is installed. Kept apart from the Migrator so that unit tests reach it alone.
#include "ldm/migration_internal.h"

namespace vfsim::ldm {

void Migrator::Incoming::take(wire::MemoryFrame f) {
  uint32_t fi = uint32_t(frames.size());
  uint32_t mine = 0;
  for (size_t j = 0; j < f.count; ++j) {
    auto [it, fresh] = latest.try_emplace(f.ra(j), fi, uint32_t(j));
    if (!fresh) {
      uint32_t old = it->second.first;
      if (old != fi && --current[old] == 0) frames[old].raw = std::string();   // all sent again since
      if (old == fi) --mine;   // (the same page twice in one frame: the later one counts)
      it->second = {fi, uint32_t(j)};
    }
    ++mine;
  }
  current.push_back(mine);
  frames.push_back(std::move(f));
}

}  // namespace vfsim::ldm
