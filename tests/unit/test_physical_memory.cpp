// Sparse physical memory: a 512 GB machine costs only the pages touched.
#include <catch2/catch.hpp>

#include <cstring>

#include "sim/cmt/physical_memory.h"

using vfsim::cmt::PhysicalMemory;

TEST_CASE("a T5440's 512 GB costs only the pages that are touched", "[cmt][memory]") {
  PhysicalMemory m(512ull << 30);
  CHECK(m.resident_pages() == 0);
  for (uint64_t i = 0; i < 1000; ++i) {
    uint64_t pa = i * (512ull << 20) + 8 * i;   // spread over the whole 512 GB
    uint64_t v = i * 0x9e3779b97f4a7c15ull;
    REQUIRE(m.write(pa, &v, 8));
  }
  CHECK(m.resident_pages() == 1000);
  CHECK(m.resident_bytes() == 1000 * PhysicalMemory::kPageSize);
  for (uint64_t i = 0; i < 1000; ++i) {
    uint64_t v = 0;
    REQUIRE(m.read(i * (512ull << 20) + 8 * i, &v, 8));
    CHECK(v == i * 0x9e3779b97f4a7c15ull);
  }
  // Reading untouched memory gives zeros and allocates nothing.
  uint8_t buf[64];
  std::memset(buf, 0xaa, sizeof buf);
  REQUIRE(m.read((300ull << 30) + 4096, buf, sizeof buf));
  CHECK(buf[0] == 0);
  CHECK(buf[63] == 0);
  CHECK(m.resident_pages() == 1000);
}

TEST_CASE("accesses beyond installed memory fail", "[cmt][memory]") {
  PhysicalMemory m(64ull << 20);
  uint64_t v = 1;
  CHECK(m.page((64ull << 20) - 1) != nullptr);
  CHECK(m.page(64ull << 20) == nullptr);
  CHECK_FALSE(m.write((64ull << 20) - 4, &v, 8));   // straddles the end
  CHECK(m.resident_pages() == 1);                    // nothing written by the failed call
}

TEST_CASE("copies span page boundaries", "[cmt][memory]") {
  PhysicalMemory m(1ull << 30);
  std::vector<uint8_t> src(3 * PhysicalMemory::kPageSize + 100), dst(src.size());
  for (size_t i = 0; i < src.size(); ++i) src[i] = uint8_t(i * 7);
  REQUIRE(m.write(PhysicalMemory::kPageSize - 50, src.data(), src.size()));
  REQUIRE(m.read(PhysicalMemory::kPageSize - 50, dst.data(), dst.size()));
  CHECK(src == dst);
  CHECK(m.resident_pages() == 5);   // 50 bytes of page 0, pages 1-3, 50 bytes of page 4
}
