// The tag-and-LRU cache model behind the L1 and L2 timing.
#include <catch2/catch.hpp>

#include "sim/cmt/cache_model.h"

using vfsim::cmt::CacheModel;
using vfsim::platform::CacheGeometry;

TEST_CASE("a line hits after its first miss, anywhere in the line", "[cmt][cache]") {
  CacheModel c(CacheGeometry{8 * 1024, 4, 16, 1});   // the T2 L1 D-cache
  CHECK_FALSE(c.access(0x1000));
  CHECK(c.access(0x1000));
  CHECK(c.access(0x100f));          // same 16-byte line
  CHECK_FALSE(c.access(0x1010));    // next line
  CHECK(c.hits() == 2);
  CHECK(c.misses() == 2);
}

TEST_CASE("least recently used way is evicted from a full set", "[cmt][cache]") {
  CacheModel c(CacheGeometry{8 * 1024, 4, 16, 1});   // 128 sets: same set every 2 KB
  const uint64_t stride = 128 * 16;
  for (uint64_t w = 0; w < 4; ++w) CHECK_FALSE(c.access(w * stride));   // fill the 4 ways
  CHECK(c.access(0));                  // touch way 0: now way 1 is the oldest
  CHECK_FALSE(c.access(4 * stride));   // a fifth line evicts line 1
  CHECK(c.access(0));
  CHECK_FALSE(c.access(1 * stride));   // line 1 was the victim
  CHECK(c.access(3 * stride));         // line 3 is still there...
  CHECK_FALSE(c.access(2 * stride));   // ...because refilling line 1 evicted line 2, the oldest
}

TEST_CASE("a footprint that fits stays resident, one twice the size thrashes", "[cmt][cache]") {
  CacheModel fits(CacheGeometry{8 * 1024, 4, 16, 1}), thrash(CacheGeometry{8 * 1024, 4, 16, 1});
  for (int pass = 0; pass < 3; ++pass)
    for (uint64_t a = 0; a < 8 * 1024; a += 16) fits.access(a);
  CHECK(fits.misses() == 512);           // only the first pass
  for (int pass = 0; pass < 3; ++pass)
    for (uint64_t a = 0; a < 16 * 1024; a += 16) thrash.access(a);
  CHECK(thrash.hits() == 0);             // LRU with a cyclic sweep of 2x capacity never hits
}

#include "sim/cmt/tlb_model.h"

TEST_CASE("TLB: fully associative over 8 KB pages, LRU replacement", "[cmt][tlb]") {
  vfsim::cmt::TlbModel t = vfsim::cmt::make_tlb(4);
  for (uint64_t p = 0; p < 4; ++p) CHECK_FALSE(t.access(p << 13, 13));
  CHECK(t.access(0x1fff, 13));               // same 8 KB page as 0
  CHECK_FALSE(t.access(4ull << 13, 13));     // evicts page 1, the least recently used
  CHECK(t.access(0, 13));
  CHECK_FALSE(t.access(1ull << 13, 13));
  CHECK(t.misses() == 6);
  CHECK(t.hits() == 2);
}

TEST_CASE("TLB: each entry carries its page size", "[cmt][tlb]") {
  vfsim::cmt::TlbModel t = vfsim::cmt::make_tlb(2);
  CHECK_FALSE(t.access(0x400000, 22));       // one 4 MB page
  CHECK(t.access(0x7fffff, 22));             // anywhere in it hits
  CHECK(t.access(0x5f0000, 13));             // an 8 KB lookup inside it hits the 4 MB entry
  CHECK_FALSE(t.access(0x800000, 13));       // the next 4 MB is not covered
  CHECK_FALSE(t.access(0x802000, 13));       // another 8 KB page: evicts the LRU (the 4 MB entry)
  CHECK_FALSE(t.access(0x400000, 22));
  CHECK(t.access(0x802000, 13));
  CHECK(t.misses() == 4);
  CHECK(t.hits() == 3);
  // 128 pages of 256 MB span 32 GB: a sweep over them hits once loaded.
  vfsim::cmt::TlbModel d = vfsim::cmt::make_tlb(128);
  for (int pass = 0; pass < 2; ++pass)
    for (uint64_t p = 0; p < 128; ++p) d.access(p << 28 | 0x1234, 28);
  CHECK(d.misses() == 128);
  CHECK(d.hits() == 128);
}
