// Sparse physical memory: a 512 GB machine costs only the pages touched.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <cstring>
#include <vector>

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

// ---- snapshots: the walk of resident pages, restore, discard, the write observer ----

namespace {
constexpr uint64_t kPage = PhysicalMemory::kPageSize;
std::vector<uint64_t> walk(const PhysicalMemory& m, uint64_t pa, uint64_t len) {
  std::vector<uint64_t> pas;
  m.for_each_resident(pa, len, [&](uint64_t p, const uint8_t* page) {
    CHECK(page[p / kPage % kPage] == uint8_t(p / kPage));   // each page's own content
    pas.push_back(p);
  });
  return pas;
}
struct Recorder : PhysicalMemory::WriteObserver {
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  void written(uint64_t pa, uint64_t len) override { seen.emplace_back(pa, len); }
};
}  // namespace

TEST_CASE("resident pages are walked in ascending order, small ranges and huge ones", "[cmt][memory]") {
  PhysicalMemory m(64ull << 30);
  // pages written out of order, far apart and side by side
  std::vector<uint64_t> pns = {900000, 3, 4, 5, 70000, 2, 6000000, 1};
  for (uint64_t pn : pns) {
    uint8_t b = uint8_t(pn);
    REQUIRE(m.write(pn * kPage + pn % kPage, &b, 1));
  }
  std::vector<uint64_t> all = {1 * kPage, 2 * kPage, 3 * kPage, 4 * kPage, 5 * kPage, 70000 * kPage, 900000 * kPage,
                               6000000 * kPage};
  CHECK(walk(m, 0, m.size()) == all);                  // a range larger than what is resident
  CHECK(walk(m, 2 * kPage + 100, 3 * kPage) == std::vector<uint64_t>{2 * kPage, 3 * kPage, 4 * kPage, 5 * kPage});
  CHECK(walk(m, 3 * kPage, kPage) == std::vector<uint64_t>{3 * kPage});   // a probed range
  CHECK(walk(m, 6 * kPage, 60000 * kPage).empty());
  CHECK(walk(m, 70000 * kPage, m.size()) == std::vector<uint64_t>(all.begin() + 5, all.end()));
  CHECK(walk(m, m.size() - kPage, 10 * kPage).empty());   // clipped at the end of memory
  CHECK(walk(m, m.size(), kPage).empty());
  CHECK(walk(m, 0, 0).empty());
}

TEST_CASE("write_page installs whole pages; discard frees whole pages and zeroes partial ones", "[cmt][memory]") {
  PhysicalMemory m(1ull << 30);
  std::vector<uint8_t> page(kPage);
  for (size_t i = 0; i < kPage; ++i) page[i] = uint8_t(i ^ 0x5a);
  m.reserve(4);
  CHECK(m.write_page(0, page.data()));
  CHECK(m.write_page(7 * kPage, page.data()));
  CHECK_FALSE(m.write_page(kPage + 8, page.data()));   // not page-aligned
  CHECK_FALSE(m.write_page(1ull << 30, page.data()));  // outside memory
  CHECK(m.resident_pages() == 2);
  std::vector<uint8_t> back(kPage);
  REQUIRE(m.read(7 * kPage, back.data(), kPage));
  CHECK(back == page);
  uint8_t one = 1;
  for (uint64_t pn = 1; pn < 6; ++pn) REQUIRE(m.write(pn * kPage, &one, 1));
  CHECK(m.resident_pages() == 7);
  // [100, 5 pages + 100): page 0 keeps bytes 0..99, pages 1..4 go, page 5 loses its first 100
  REQUIRE(m.write(5 * kPage + 100, &one, 1));
  m.discard(100, 5 * kPage);
  CHECK(m.resident_pages() == 3);
  REQUIRE(m.read(0, back.data(), kPage));
  CHECK(std::equal(back.begin(), back.begin() + 100, page.begin()));
  CHECK(std::all_of(back.begin() + 100, back.end(), [](uint8_t b) { return b == 0; }));
  uint8_t b5[2];
  REQUIRE(m.read(5 * kPage, b5, 1));
  REQUIRE(m.read(5 * kPage + 100, b5 + 1, 1));
  CHECK(b5[0] == 0);
  CHECK(b5[1] == 1);
  m.discard(0, 1ull << 40);   // clipped at the end of memory
  CHECK(m.resident_pages() == 0);
}

TEST_CASE("the write observer hears writes, restores, discards and pages taken for stores", "[cmt][memory]") {
  PhysicalMemory m(1ull << 30);
  Recorder r;
  uint64_t v = 1;
  REQUIRE(m.write(0x1000, &v, 8));   // nobody listens yet
  m.set_write_observer(&r);
  REQUIRE(m.write(0x3ffc, &v, 8));
  std::vector<uint8_t> page(kPage);
  REQUIRE(m.write_page(4 * kPage, page.data()));
  m.note_write(6 * kPage, kPage);   // what a MemoryPort does for a store translation
  m.page(8 * kPage);                // a page taken without a store: silent
  REQUIRE(m.read(0x3ffc, &v, 8));
  m.discard(0, 10 * kPage);         // pages 0, 1, 2, 4 and 8 are resident
  CHECK_FALSE(m.write(1ull << 30, &v, 8));
  using P = std::pair<uint64_t, uint64_t>;
  CHECK(r.seen == std::vector<P>{{0x3ffc, 8}, {4 * kPage, kPage}, {6 * kPage, kPage}, {0, kPage}, {kPage, kPage},
                                 {2 * kPage, kPage}, {4 * kPage, kPage}, {8 * kPage, kPage}});
  m.set_write_observer(nullptr);
  REQUIRE(m.write(0, &v, 8));
  CHECK(r.seen.size() == 8);
}

// Timings only (hidden: hw_unit_tests "[bench]"). Fresh host memory costs its first-touch
// page faults whoever writes it, so a memcpy into fresh memory is the peer of a restore into
// an empty machine, and a memcpy into warm memory that of a restore over resident pages.
TEST_CASE("restoring 256 MB page by page, against memcpy", "[.][bench][memory]") {
  constexpr uint64_t kBytes = 256ull << 20, kPages = kBytes / kPage;
  std::vector<uint8_t> image(kBytes), copy(kBytes);
  for (uint64_t i = 0; i < kBytes; i += 64) image[i] = uint8_t(i >> 6);
  std::memcpy(copy.data(), image.data(), kBytes);   // both buffers faulted in
  auto secs = [](auto fn) {
    auto t0 = std::chrono::steady_clock::now();
    fn();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };
  double t_memcpy = secs([&] { std::memcpy(copy.data(), image.data(), kBytes); });
  std::unique_ptr<uint8_t[]> fresh(new uint8_t[kBytes]);   // not touched yet
  double t_fresh = secs([&] { std::memcpy(fresh.get(), image.data(), kBytes); });
  PhysicalMemory m(1ull << 30);
  double t_restore = secs([&] {
    m.reserve(kPages);
    for (uint64_t p = 0; p < kPages; ++p) m.write_page(p * kPage, image.data() + p * kPage);
  });
  uint64_t n = 0;
  double t_walk = secs([&] { m.for_each_resident(0, m.size(), [&](uint64_t, const uint8_t* pg) { n += pg[0]; }); });
  double t_again = secs([&] {
    for (uint64_t p = 0; p < kPages; ++p) m.write_page(p * kPage, image.data() + p * kPage);
  });
  double t_discard = secs([&] { m.discard(0, m.size()); });
  WARN("256 MB: memcpy " << t_memcpy * 1e3 << " ms (into fresh memory " << t_fresh * 1e3
                         << " ms), restore into empty memory " << t_restore * 1e3
                         << " ms, restore over resident pages " << t_again * 1e3 << " ms, walk " << t_walk * 1e3
                         << " ms, discard " << t_discard * 1e3 << " ms (" << n << ")");
  CHECK(m.resident_pages() == 0);
}
