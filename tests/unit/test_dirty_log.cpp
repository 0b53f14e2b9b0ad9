// A guest's memory for snapshots and migration: the walk of its resident pages, restore and
// clearing, and the dirty-page log (hv/dirty_log.h) with every kind of writer: the guest's
// own stores (the SoftTlb fast path after a read-and-clear, atomics, block stores,
// ASI_REAL, with the MMU off and on), the hypervisor's writes, a peer's ldc_copy and
// ldc_mapin stores.
#include <map>
#include <vector>

#include "sim/isa/asi.h"
#include "sim/isa/mem_access.h"
#include "tests/unit/hv_fixture.h"

using namespace hvtest;
using namespace vfsim::hv;

namespace {

constexpr uint64_t kPage = 8192;
using Ras = std::vector<uint64_t>;

std::map<uint64_t, std::vector<uint8_t>> resident(HvFixture& f, unsigned gi = 0) {
  std::map<uint64_t, std::vector<uint8_t>> out;
  uint64_t last = 0;
  bool first = true;
  f.h->resident_pages(f.guest(gi), [&](uint64_t ra, const uint8_t* page) {
    CHECK((first || ra > last));   // ascending, each page once
    CHECK(ra % kPage == 0);
    first = false;
    last = ra;
    out[ra].assign(page, page + kPage);
  });
  return out;
}

// SPARC instruction words (format 3) for the store test.
uint32_t f3(unsigned op3, unsigned rd, unsigned rs1, unsigned asi, unsigned rs2) {
  return 3u << 30 | rd << 25 | op3 << 19 | rs1 << 14 | asi << 5 | rs2;
}
uint32_t f3i(unsigned op3, unsigned rd, unsigned rs1, int simm13) {
  return 3u << 30 | rd << 25 | op3 << 19 | rs1 << 14 | 1u << 13 | (uint32_t(simm13) & 0x1fff);
}

}  // namespace

TEST_CASE("a fresh guest's walk yields only the pages touched, with their contents", "[memory][dirty]") {
  HvFixture f;
  CHECK(resident(f).empty());   // creating and booting a guest touches none of its memory
  f.st64(kRa1 + 0x2008, 0x1122334455667788ull);   // second mblock first: the walk sorts by RA
  f.fill(kRa0 + 0x10000 - 16, 0xa5, 32);           // spans two pages
  f.st64(kHoleRa - 8, 42);                         // last page of the first mblock
  uint8_t b;
  f.read(kRa0 + 0x300000, &b, 1);                  // a read of untouched memory allocates nothing
  auto pages = resident(f);
  REQUIRE(pages.size() == 4);
  auto it = pages.begin();
  CHECK(it++->first == kRa0 + 0xe000);
  CHECK(it++->first == kRa0 + 0x10000);
  CHECK(it++->first == kHoleRa - kPage);
  CHECK(it++->first == kRa1 + 0x2000);
  for (const auto& [ra, bytes] : pages) CHECK(bytes == f.bytes(ra, kPage));
  CHECK(pages[kRa0 + 0xe000][kPage - 1] == 0xa5);
  CHECK(pages[kRa0 + 0xe000][kPage - 17] == 0);

  // Another guest's pages are not ours.
  HvFixture two({guest_config("a", 1, {64ull << 20}), guest_config("b", 1, {64ull << 20})});
  two.st64(kRa0, 1, 1);
  CHECK(resident(two, 0).empty());
  CHECK(resident(two, 1).size() == 1);
}

TEST_CASE("restore: clear_guest_memory drops everything, write_guest_page installs pages", "[memory][dirty]") {
  HvFixture f;
  f.fill(kRa0 + 0x4000, 0x77, 3 * kPage);
  isa::StrandState& st = f.state();
  uint8_t* h = nullptr;
  REQUIRE(isa::host_for_write(st, kRa0 + 0x4000, isa::ASI_PRIMARY, h) == isa::TT_NONE);
  REQUIRE(st.tlb.write(kRa0 + 0x4000) != nullptr);
  uint64_t before = f.m->mem.resident_pages();
  f.h->clear_guest_memory(f.guest());
  CHECK(resident(f).empty());
  CHECK(f.m->mem.resident_pages() == before - 3);
  CHECK(st.tlb.write(kRa0 + 0x4000) == nullptr);   // no dangling host pointer left
  CHECK(f.bytes(kRa0 + 0x4000, 16) == std::vector<uint8_t>(16, 0));

  std::vector<uint8_t> page(kPage);
  for (size_t i = 0; i < kPage; ++i) page[i] = uint8_t(i * 13 + 1);
  f.h->reserve_guest_pages(2);
  CHECK(f.h->write_guest_page(f.guest(), kRa1 + 4 * kPage, page.data()));
  CHECK(f.h->write_guest_page(f.guest(), kRa0, page.data()));
  CHECK_FALSE(f.h->write_guest_page(f.guest(), kHoleRa, page.data()));      // not the guest's
  CHECK_FALSE(f.h->write_guest_page(f.guest(), kRa0 + 8, page.data()));     // not a page
  auto pages = resident(f);
  REQUIRE(pages.size() == 2);
  CHECK(pages.begin()->first == kRa0);
  CHECK(pages[kRa1 + 4 * kPage] == page);
  CHECK(f.bytes(kRa0, kPage) == page);
}

TEST_CASE("dirty log: read-and-clear returns exactly the written pages by RA, ascending", "[dirty]") {
  HvFixture f;
  f.st64(kRa0 + 0x8000, 1);   // before the start: not logged
  CHECK(f.h->dirty_log_read_and_clear(f.guest()).empty());   // off: nothing
  f.h->dirty_log_start(f.guest());
  CHECK(f.h->dirty_log_read_and_clear(f.guest()).empty());
  f.st64(kRa1 + 0x6000, 1);
  f.fill(kRa0 + 0x20000 - 4, 0xee, 8);            // two pages
  f.st64(kHoleRa - 8, 3);
  f.st64(kRa0 + 0x20010, 4);                      // the same page again
  f.fill(kRa1 + (16ull << 20) - kPage, 1, kPage);  // the last page of the second mblock
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) ==
        Ras{kRa0 + 0x1e000, kRa0 + 0x20000, kHoleRa - kPage, kRa1 + 0x6000, kRa1 + (16ull << 20) - kPage});
  CHECK(f.h->dirty_log_read_and_clear(f.guest()).empty());   // cleared
  f.st64(kRa0 + 0x20010, 5);
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) == Ras{kRa0 + 0x20000});
  // restore writes count too
  std::vector<uint8_t> page(kPage, 9);
  REQUIRE(f.h->write_guest_page(f.guest(), kRa0 + 0x40000, page.data()));
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) == Ras{kRa0 + 0x40000});
}

TEST_CASE("dirty log: the guest's stores of every kind, through the SoftTlb fast path after a clear",
          "[dirty][mmu]") {
  HvFixture f;
  isa::StrandState& st = f.state();
  cmt::Strand& strand = f.strand();
  const uint64_t code = kRa0 + 0x1000, a = kRa0 + 0x100000, b = kRa0 + 0x102000, c = kRa0 + 0x104000,
                 d = kRa1 + 0x2000;
  // stx %g1,[%g2]; casx [%g3],%g6,%g7 (%g6: what is there, so it swaps);
  // stda %f0,[%g4] ASI_BLK_P; stxa %g1,[%g5] ASI_REAL;
  // stx %g1,[%g2+8] (a SoftTlb hit: the first stx filled the write entry)
  const uint32_t prog[] = {f3(0x0e, 1, 2, 0, 0), f3(0x3e, 7, 3, isa::ASI_PRIMARY, 6),
                           f3(0x37, 0, 4, isa::ASI_BLK_P, 0), f3(0x1e, 1, 5, ASI_REAL, 0), f3i(0x0e, 1, 2, 8)};
  for (size_t i = 0; i < 5; ++i) {
    uint8_t w[4] = {uint8_t(prog[i] >> 24), uint8_t(prog[i] >> 16), uint8_t(prog[i] >> 8), uint8_t(prog[i])};
    f.write(code + 4 * i, w, 4);
  }
  auto run = [&] {
    st.pstate = isa::PSTATE_PRIV | isa::PSTATE_PEF;
    st.fprs = 4;
    st.pc = code;
    st.npc = code + 4;
    st.set_r(1, 0x0102030405060708ull);
    st.set_r(2, a);
    st.set_r(3, b);
    st.set_r(4, c);
    st.set_r(5, d);
    st.set_r(6, f.ld64(b));
    st.set_r(7, 0x55);
    isa::RunResult r = strand.interp.run(5);
    REQUIRE(r.trap == isa::TT_NONE);
    REQUIRE(r.executed == 5);
  };
  // a write entry filled before the start must not hide stores from the log
  uint8_t* h;
  REQUIRE(isa::host_for_write(st, a, isa::ASI_PRIMARY, h) == isa::TT_NONE);
  f.h->dirty_log_start(f.guest());
  CHECK(st.tlb.write(a) == nullptr);
  run();
  CHECK(f.ld64(a + 8) == 0x0102030405060708ull);
  CHECK(f.ld64(d) == 0x0102030405060708ull);
  CHECK(f.ld64(b) == 0x55);
  CHECK(st.tlb.write(a) != nullptr);   // the fast path is in use...
  const Ras all{a, b, c, d};
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) == all);   // ...and the code page was only read
  CHECK(st.tlb.write(a) == nullptr);   // ...until the clear drops it
  CHECK(f.h->dirty_log_read_and_clear(f.guest()).empty());
  // Stores that would have hit the SoftTlb are logged again.
  REQUIRE(isa::store<8>(st, a + 16, 7) == isa::TT_NONE);
  REQUIRE(isa::store<8>(st, a + 24, 8) == isa::TT_NONE);   // a hit now
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) == Ras{a});
  run();
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) == all);
  // A store that faults (outside the guest) logs nothing.
  CHECK(isa::store<8>(st, kHoleRa, 1) == isa::TT_DATA_ACCESS_EXCEPTION);
  CHECK(f.h->dirty_log_read_and_clear(f.guest()).empty());

  // With the MMU on the log names the real page, not the virtual one.
  REQUIRE(f.fast(fn::MMU_ENABLE, 1, 0x400000).status == HV_EOK);
  REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x300000), 3).status == HV_EOK);
  st.tl = 0;
  REQUIRE(isa::store<8>(st, 0x2000010, 11) == isa::TT_NONE);
  REQUIRE(isa::store<4>(st, 0x2000020, 12) == isa::TT_NONE);
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) == Ras{kRa0 + 0x300000});
  REQUIRE(isa::store<8>(st, 0x2000030, 13) == isa::TT_NONE);
  CHECK(f.h->dirty_log_read_and_clear(f.guest()) == Ras{kRa0 + 0x300000});
  // A store to a read-only mapping faults and logs nothing.
  REQUIRE(f.map_addr(0x2002000, 0, tte(kRa0 + 0x302000, 0, TTE_CP | TTE_CV), 3).status == HV_EOK);
  CHECK(isa::store<8>(st, 0x2002000, 1) == isa::TT_FAST_DATA_ACCESS_PROTECTION);
  CHECK(f.h->dirty_log_read_and_clear(f.guest()).empty());
}

TEST_CASE("dirty log: the hypervisor's writes into guest memory are logged", "[dirty][hcall]") {
  HvFixture f;
  Guest& g = f.guest();
  const uint64_t fsa = kRa0 + 0x3000, md = kRa0 + 0x200000, rq = kRa1 + 0x10000;
  REQUIRE(f.fast(fn::MMU_FAULT_AREA_CONF, fsa).status == HV_EOK);
  REQUIRE(f.fast(fn::CPU_QCONF, Q_RESUMABLE, rq, 16).status == HV_EOK);
  f.h->dirty_log_start(g);
  // write_be64 (used for LDC map-table cookies), by physical address
  f.h->write_be64(f.pa_of(kRa0 + 0x50008), 1);
  CHECK(f.h->dirty_log_read_and_clear(g) == Ras{kRa0 + 0x50000});
  // a hypercall's result buffer: the MD, 3 pages or fewer
  Result r = f.fast(fn::MACH_DESC, md, 0x10000);
  REQUIRE(r.status == HV_EOK);
  Ras want;
  for (uint64_t p = md; p < md + r.r[0]; p += kPage) want.push_back(p);
  CHECK(f.h->dirty_log_read_and_clear(g) == want);
  // an error report into the resumable queue
  REQUIRE(f.h->report_error(g, f.vcpu(), true, 1, 0, kRa0, 8));
  CHECK(f.h->dirty_log_read_and_clear(g) == Ras{rq});
  // the MMU's fault status area, on a miss outside the guest's memory
  isa::StrandState& st = f.state();
  CHECK(st.mem->translate(st, kHoleRa, isa::Access::Read, isa::ASI_PRIMARY).fault == isa::TT_DATA_ACCESS_EXCEPTION);
  CHECK(f.h->dirty_log_read_and_clear(g) == Ras{fsa & ~(kPage - 1)});
}

TEST_CASE("dirty log: a peer's ldc_copy and ldc_mapin stores land in the exporter's log", "[dirty][ldc]") {
  HvFixture f({guest_config("a", 1, {64ull << 20}), guest_config("b", 1, {64ull << 20})});
  auto [cha, chb] = f.h->connect(f.guest(0), f.guest(1));
  const uint64_t table = kRa0 + 0x400000, page = kRa0 + 0x500000, local = kRa0 + 0x600000;
  REQUIRE(f.fast_on(1, 0, 0xea, chb, table, 8).status == HV_EOK);   // ldc_set_map_table
  f.st64(table + 16 * 2, page | 0x30 | 0x600, 1);                    // R W, CR CW
  f.fill(local, 0x5a, 256, 0);
  f.h->dirty_log_start(f.guest(0));
  f.h->dirty_log_start(f.guest(1));
  Result out = f.fast_on(0, 0, 0xec, cha, 1, (2ull << 13) | 0x100, local, 256);   // copy out to b
  REQUIRE(out.status == HV_EOK);
  REQUIRE(out.r[0] == 256);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(1)) == Ras{page});
  CHECK(f.h->dirty_log_read_and_clear(f.guest(0)).empty());
  Result in = f.fast_on(0, 0, 0xec, cha, 0, 2ull << 13, local + kPage, 64);       // copy in to a
  REQUIRE(in.status == HV_EOK);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(0)) == Ras{local + kPage});
  CHECK(f.h->dirty_log_read_and_clear(f.guest(1)).empty());
  // a's strand stores into b's page through ldc_mapin: every store, b's log
  Result m = f.fast_on(0, 0, 0xed, cha, 2ull << 13);
  REQUIRE(m.status == HV_EOK);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(1)) == Ras{table});   // the slot's revoke cookie
  isa::StrandState& st = f.state(0);
  REQUIRE(isa::store<8>(st, m.r[0] + 8, 1) == isa::TT_NONE);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(1)) == Ras{page});
  REQUIRE(isa::store<8>(st, m.r[0] + 16, 2) == isa::TT_NONE);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(1)) == Ras{page});
  CHECK(f.h->dirty_log_read_and_clear(f.guest(0)).empty());
  CHECK(f.ld64(page + 16, 1) == 2);
}

TEST_CASE("dirty log: stop turns it off; another guest's log is its own", "[dirty]") {
  HvFixture f({guest_config("a", 1, {64ull << 20}), guest_config("b", 1, {64ull << 20})});
  f.h->dirty_log_start(f.guest(0));
  CHECK(f.m->mem.write_observer() != nullptr);
  f.st64(kRa0 + 0x8000, 1, 1);   // b is not logging
  f.st64(kRa0 + 0xa000, 1, 0);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(1)).empty());
  CHECK(f.h->dirty_log_read_and_clear(f.guest(0)) == Ras{kRa0 + 0xa000});
  f.st64(kRa0 + 0xc000, 1, 0);
  f.h->dirty_log_stop(f.guest(0));
  CHECK_FALSE(f.guest(0).dirty_log.on);
  CHECK(f.guest(0).dirty_log.bits.empty());
  CHECK(f.m->mem.write_observer() == nullptr);   // nothing left on the write paths
  f.st64(kRa0 + 0xe000, 1, 0);
  isa::StrandState& st = f.state(0);
  REQUIRE(isa::store<8>(st, kRa0 + 0x10000, 1) == isa::TT_NONE);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(0)).empty());
  // started again: clean, and fast-path entries filled while it was off are dropped
  f.h->dirty_log_start(f.guest(0));
  REQUIRE(isa::store<8>(st, kRa0 + 0x10008, 1) == isa::TT_NONE);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(0)) == Ras{kRa0 + 0x10000});
  // destroying a logging guest leaves nothing behind
  f.h->dirty_log_start(f.guest(1));
  f.h->destroy_guest(f.guest(0));
  CHECK(f.m->mem.write_observer() != nullptr);
  f.st64(kRa0 + 0x8000, 2, 1);
  CHECK(f.h->dirty_log_read_and_clear(f.guest(1)) == Ras{kRa0 + 0x8000});
  f.h->dirty_log_stop(f.guest(1));
  CHECK(f.m->mem.write_observer() == nullptr);
}
