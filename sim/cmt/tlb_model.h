// A fully associative TLB (T2: ITLB 64, DTLB 128 entries) as tags and LRU timing only: a
// cache with one set whose "lines" are 8 KB pages. The strand remembers its last page, so
// only a change of page costs a lookup.
#pragma once
#include "sim/cmt/cache_model.h"

namespace vfsim::cmt {

using TlbModel = CacheModel;
inline CacheModel make_tlb(unsigned entries) {
  return CacheModel(platform::CacheGeometry{entries * 8192u, entries, 8192, 1});
}

}  // namespace vfsim::cmt
