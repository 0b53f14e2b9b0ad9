// The sun4v MMU a guest vCPU sees (hv::GuestMmu, reached as the strand's MemoryPort): real
// addressing until mmu_enable, then the TLB loaded by mmu_map_addr / mmu_map_perm_addr and the
// hardware walk of the guest's TSBs, the faults with their fault status area records, demaps,
// and the per-strand ASIs. Rules: shared/reference/sun4v-hv-ldc-md.md §2.3 and §3.
#include <functional>
#include <vector>

#include "sim/isa/asi.h"
#include "tests/unit/hv_fixture.h"

using namespace hvtest;
using namespace vfsim::hv;
using isa::Access;

namespace {

constexpr uint64_t kFsa = kRa0 + 0x3000;       // fault status area
constexpr uint64_t kDesc = kRa0 + 0x5000;      // TSB descriptors
constexpr uint64_t kTsb = kRa0 + 0x200000;     // an 8K-page TSB, 512 entries (8 KB)
constexpr uint64_t kTsb4m = kRa0 + 0x210000;   // a TSB for 8K and 4M pages, 512 entries

isa::Translation tr(HvFixture& f, uint64_t va, Access acc = Access::Read, uint8_t asi = isa::ASI_PRIMARY,
                    unsigned v = 0) {
  isa::StrandState& st = f.state(0, v);
  return st.mem->translate(st, va, acc, asi);
}
// The host page that guest real address ra lives in.
uint8_t* page_of(HvFixture& f, uint64_t ra, unsigned gi = 0) {
  return f.m->mem.page(f.pa_of(ra & ~(isa::kPageSize - 1), gi));
}
bool hits(HvFixture& f, uint64_t va, uint64_t ra, Access acc = Access::Read, uint8_t asi = isa::ASI_PRIMARY,
          unsigned v = 0) {
  isa::Translation t = tr(f, va, acc, asi, v);
  return t.fault == isa::TT_NONE && t.page != nullptr && t.page == page_of(f, ra);
}
uint64_t fsa(HvFixture& f, unsigned off) { return f.ld64(kFsa + off); }

void fault_area(HvFixture& f, unsigned v = 0) {
  REQUIRE(f.fast_on(0, v, fn::MMU_FAULT_AREA_CONF, kFsa + 0x80 * v).status == HV_EOK);
}
void mmu_on(HvFixture& f, unsigned v = 0) {
  Result r = f.fast_on(0, v, fn::MMU_ENABLE, 1, 0x400000);
  REQUIRE(r.status == HV_EOK);
  REQUIRE(r.pc == 0x400000);
  REQUIRE(f.vcpu(0, v).mmu_enabled);
}
void set_ctx(HvFixture& f, uint64_t va, uint64_t ctx, unsigned v = 0) {
  isa::StrandState& st = f.state(0, v);
  REQUIRE(st.mem->asi_store(st, ASI_MMU, va, 8, ctx) == isa::TT_NONE);
}
// One TSB entry: tag = context << 48 | va >> 22, then the TTE, both big-endian.
void tsb_entry(HvFixture& f, uint64_t tsb, uint64_t index, uint64_t ctx, uint64_t va, uint64_t data) {
  f.st64(tsb + 16 * index, ctx << 48 | va >> 22);
  f.st64(tsb + 16 * index + 8, data);
}
void start_vcpu(HvFixture& f, unsigned v) {
  REQUIRE(f.fast(fn::CPU_START, v, kRa0 + 0x1000, kRa0 + 0x8000, 0).status == HV_EOK);
}

}  // namespace

TEST_CASE("real mode: an RA in an mblock is its page, any other address a data_access_exception (type 4)",
          "[mmu]") {
  HvFixture f;
  REQUIRE_FALSE(f.vcpu().mmu_enabled);
  for (uint64_t ra : {kRa0, kRa0 + 0x12345, kHoleRa - 1, kRa1, kRa1 + (16ul << 20) - 8}) {
    INFO("RA " << ra);
    for (Access acc : {Access::Read, Access::Write, Access::Fetch}) CHECK(hits(f, ra, ra, acc));
  }
  // The page is the guest's physical memory.
  isa::Translation t = tr(f, kRa0 + 0x12345, Access::Write);
  REQUIRE(t.page);
  t.page[0x345] = 0x5e;
  CHECK(f.phys(kGuestPaBase + 0x12345, 1)[0] == 0x5e);

  // Outside: a fault, recorded in the fault area once there is one.
  t = tr(f, kHoleRa);
  CHECK(t.page == nullptr);
  CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
  fault_area(f);
  for (uint64_t ra : {kHoleRa, kHoleRa + 0x2468, uint64_t(0), kRa1 - 8, kRa1 + (16ul << 20), kGuestPaBase,
                      ~uint64_t(0) - 7}) {
    INFO("RA " << ra);
    t = tr(f, ra, Access::Write);
    CHECK(t.page == nullptr);
    CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(fsa(f, MMFSA_D_TYPE) == FT_INVALID_RA);
    CHECK(fsa(f, MMFSA_D_ADDR) == ra);
    CHECK(fsa(f, MMFSA_D_CTX) == 0);
  }
  // A fetch faults on the instruction side.
  t = tr(f, kHoleRa + 0x40, Access::Fetch);
  CHECK(t.fault == isa::TT_INSTRUCTION_ACCESS_EXCEPTION);
  CHECK(fsa(f, MMFSA_I_TYPE) == FT_INVALID_RA);
  CHECK(fsa(f, MMFSA_I_ADDR) == kHoleRa + 0x40);
  CHECK(fsa(f, MMFSA_D_ADDR) == ~uint64_t(0) - 7);   // the D side kept the last data fault
}

TEST_CASE("mmu_map_addr translations of 8K, 64K, 4M and 256M pages", "[mmu]") {
  // A second mblock of 256 MB at RA 0x10000000 holds a whole 256M page.
  HvFixture f({guest_config("a", 2, {64ul << 20, 256ul << 20})});
  mmu_on(f);
  REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x100000), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x3010000, 0, tte(kRa0 + 0x130000, 1), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x40000000, 0, tte(kRa0 + 0x400000, 3), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x80000000, 0, tte(kRa1, 5), 3).status == HV_EOK);
  // 8K
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000));
  CHECK(hits(f, 0x2001fff, kRa0 + 0x100000, Access::Write));
  CHECK(hits(f, 0x2000ffc, kRa0 + 0x100000, Access::Fetch));
  CHECK(tr(f, 0x2002000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(tr(f, 0x1ffe000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  // 64K: every 8K page inside it
  CHECK(hits(f, 0x3010000, kRa0 + 0x130000));
  CHECK(hits(f, 0x301e123, kRa0 + 0x13e000));
  CHECK(tr(f, 0x3020000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  // 4M
  CHECK(hits(f, 0x40000000, kRa0 + 0x400000));
  CHECK(hits(f, 0x403fe123, kRa0 + 0x7fe000, Access::Write));
  CHECK(tr(f, 0x40400000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  // 256M
  CHECK(hits(f, 0x80000000, kRa1));
  CHECK(hits(f, 0x8fffe000, kRa1 + 0xfffe000));
  CHECK(tr(f, 0x90000000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  // The VA is aligned down to the page: a mapping given at 0x40001000 is the page at 0x40000000.
  REQUIRE(f.map_addr(0x50001000, 0, tte(kRa0 + 0x800000, 3), 3).status == HV_EOK);
  CHECK(hits(f, 0x50000000, kRa0 + 0x800000));
  // A second mapping of the same page replaces the first.
  REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x104000), 3).status == HV_EOK);
  CHECK(hits(f, 0x2000000, kRa0 + 0x104000));
  // Stores through the mapping land in the guest's memory.
  isa::Translation t = tr(f, 0x40000000, Access::Write);
  REQUIRE(t.page);
  t.page[8] = 0x42;
  CHECK(f.bytes(kRa0 + 0x400008, 1)[0] == 0x42);
}

TEST_CASE("the context of an access: primary, secondary, nucleus and TL > 0", "[mmu]") {
  HvFixture f;
  mmu_on(f);
  REQUIRE(f.map_addr(0x2000000, 5, tte(kRa0 + 0x100000), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x200000), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x2000000, 9, tte(kRa0 + 0x300000), 3).status == HV_EOK);
  // Primary context 0 after boot.
  CHECK(hits(f, 0x2000000, kRa0 + 0x200000));
  set_ctx(f, 0x8, 5);
  uint64_t out = 0;
  REQUIRE(f.state().mem->asi_load(f.state(), ASI_MMU, 0x8, 8, out) == isa::TT_NONE);
  CHECK(out == 5);
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000));
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000, Access::Fetch));
  // Secondary ASIs use the secondary context.
  set_ctx(f, 0x10, 9);
  REQUIRE(f.state().mem->asi_load(f.state(), ASI_MMU, 0x10, 8, out) == isa::TT_NONE);
  CHECK(out == 9);
  CHECK(hits(f, 0x2000000, kRa0 + 0x300000, Access::Read, isa::ASI_SECONDARY));
  CHECK(hits(f, 0x2000000, kRa0 + 0x300000, Access::Read, isa::ASI_SECONDARY_NOFAULT));
  // Nucleus ASIs, and everything at TL > 0, use context 0.
  CHECK(hits(f, 0x2000000, kRa0 + 0x200000, Access::Read, isa::ASI_NUCLEUS));
  f.state().tl = 1;
  CHECK(hits(f, 0x2000000, kRa0 + 0x200000));
  CHECK(hits(f, 0x2000000, kRa0 + 0x200000, Access::Fetch));
  f.state().tl = 0;
  // A context without a mapping misses; context registers keep 13 bits.
  set_ctx(f, 0x8, 7);
  CHECK(tr(f, 0x2000000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  set_ctx(f, 0x8, 0x2005);
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000));
}

TEST_CASE("mappings apply only to the TLBs their flags name", "[mmu]") {
  HvFixture f;
  mmu_on(f);
  REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x100000), MAP_DTLB).status == HV_EOK);
  REQUIRE(f.map_addr(0x2002000, 0, tte(kRa0 + 0x102000), MAP_ITLB).status == HV_EOK);
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000, Access::Read));
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000, Access::Write));
  CHECK(tr(f, 0x2000000, Access::Fetch).fault == isa::TT_FAST_INSTRUCTION_ACCESS_MMU_MISS);
  CHECK(hits(f, 0x2002000, kRa0 + 0x102000, Access::Fetch));
  CHECK(tr(f, 0x2002000, Access::Read).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
}

TEST_CASE("TSB walk: a matching entry in guest memory translates and loads the TLB", "[mmu]") {
  HvFixture f;
  fault_area(f);
  f.tsb_descriptor(kDesc, 0, 1, 512, 0, 0x1, kTsb);
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 1, kDesc).status == HV_EOK);
  mmu_on(f);
  const uint64_t va = 0x6004000;   // 8K index 2
  tsb_entry(f, kTsb, (va >> 13) & 511, 0, va, tte(kRa0 + 0x300000));
  CHECK(hits(f, va + 0x123, kRa0 + 0x300000));
  CHECK(f.vcpu().tsb_hits == 1);
  REQUIRE(f.vcpu().tlb.size() == 1);
  CHECK(f.vcpu().tlb[0].va == va);
  CHECK(f.vcpu().tlb[0].ctx == 0);
  // From the TLB now: the TSB entry can go.
  tsb_entry(f, kTsb, (va >> 13) & 511, 0, 0, 0);
  CHECK(hits(f, va, kRa0 + 0x300000, Access::Write));
  CHECK(hits(f, va, kRa0 + 0x300000, Access::Fetch));
  CHECK(f.vcpu().tsb_hits == 1);
  CHECK(f.vcpu().mmu_miss_traps == 0);
  // Another entry with the same index but another VA tag: the walk compares the tag.
  const uint64_t other = va + 512 * 8192;   // same index, different VA
  tsb_entry(f, kTsb, (va >> 13) & 511, 0, va, tte(kRa0 + 0x302000));
  CHECK(tr(f, other).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(fsa(f, MMFSA_D_ADDR) == other);
}

TEST_CASE("TSB walk: 4M entries, several page sizes in one TSB, non-zero contexts", "[mmu]") {
  HvFixture f;
  f.tsb_descriptor(kDesc, 0, 1, 512, 0, 0x1 | 0x8, kTsb4m);         // context 0: 8K and 4M
  f.tsb_descriptor(kDesc + 32, 0, 1, 512, 0, 0x1, kTsb);           // other contexts: 8K
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 1, kDesc).status == HV_EOK);
  REQUIRE(f.fast(fn::MMU_TSB_CTXNON0, 1, kDesc + 32).status == HV_EOK);
  mmu_on(f);
  const uint64_t va4m = 0x80c00000, va8k = 0x80002000;
  tsb_entry(f, kTsb4m, (va4m >> 22) & 511, 0, va4m, tte(kRa0 + 0x800000, 3));
  tsb_entry(f, kTsb4m, (va8k >> 13) & 511, 0, va8k, tte(kRa0 + 0x10000));
  CHECK(hits(f, va4m + 0x3fe008, kRa0 + 0xbfe000));
  CHECK(hits(f, va4m, kRa0 + 0x800000));
  CHECK(hits(f, va8k, kRa0 + 0x10000));
  CHECK(f.vcpu().tsb_hits == 2);
  // Context 0x33 finds its entries in the ctxnon0 TSB, tagged with the context.
  set_ctx(f, 0x8, 0x33);
  const uint64_t va = 0x10000000;
  tsb_entry(f, kTsb, (va >> 13) & 511, 0x33, va, tte(kRa0 + 0x20000));
  CHECK(hits(f, va, kRa0 + 0x20000));
  CHECK(f.vcpu().tlb.back().ctx == 0x33);
  // A tag of another context does not match.
  tsb_entry(f, kTsb, ((va + 0x2000) >> 13) & 511, 0x34, va + 0x2000, tte(kRa0 + 0x22000));
  CHECK(tr(f, va + 0x2000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  // Context 0's TSB is not searched for context 0x33.
  CHECK(tr(f, va4m).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
}

TEST_CASE("TSB entries that do not match: invalid, wrong size, wrong tag", "[mmu]") {
  HvFixture f;
  f.tsb_descriptor(kDesc, 0, 1, 512, 0, 0x1, kTsb);
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 1, kDesc).status == HV_EOK);
  mmu_on(f);
  const uint64_t va = 0x6004000, idx = (va >> 13) & 511;
  tsb_entry(f, kTsb, idx, 0, va, tte(kRa0 + 0x300000) & ~TTE_V);   // not valid
  CHECK(tr(f, va).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  tsb_entry(f, kTsb, idx, 0, va, tte(kRa0 + 0x400000, 3));           // a 4M TTE in an 8K-only TSB
  CHECK(tr(f, va).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  tsb_entry(f, kTsb, idx, 1, va, tte(kRa0 + 0x300000));              // context 1's tag
  CHECK(tr(f, va).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  f.st64(kTsb + 16 * idx, (va >> 22) + 1);                           // another VA's tag
  f.st64(kTsb + 16 * idx + 8, tte(kRa0 + 0x300000));
  CHECK(tr(f, va).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(f.vcpu().tsb_hits == 0);
  CHECK(f.vcpu().tlb.empty());
  // The right tag hits.
  tsb_entry(f, kTsb, idx, 0, va, tte(kRa0 + 0x300000));
  CHECK(hits(f, va, kRa0 + 0x300000));
  // No TSB at all: a miss.
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 0, 0).status == HV_EOK);
  CHECK(tr(f, va + 0x2000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
}

TEST_CASE("a miss is a fast MMU miss trap with the fault area's type 1, address and context", "[mmu]") {
  HvFixture f;
  mmu_on(f);
  // Without a fault area: just the trap.
  isa::Translation t = tr(f, 0x7000000);
  CHECK(t.page == nullptr);
  CHECK(t.fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  fault_area(f);
  f.fill(kFsa, 0xff, MMFSA_SIZE);
  set_ctx(f, 0x8, 0x1a5);
  t = tr(f, 0x7002468, Access::Write);
  CHECK(t.fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(fsa(f, MMFSA_D_TYPE) == FT_FAST_MISS);
  CHECK(fsa(f, MMFSA_D_ADDR) == 0x7002468);
  CHECK(fsa(f, MMFSA_D_CTX) == 0x1a5);
  CHECK(fsa(f, MMFSA_I_TYPE) == ~uint64_t(0));   // the I side untouched
  t = tr(f, 0x7100000, Access::Fetch);
  CHECK(t.fault == isa::TT_FAST_INSTRUCTION_ACCESS_MMU_MISS);
  CHECK(fsa(f, MMFSA_I_TYPE) == FT_FAST_MISS);
  CHECK(fsa(f, MMFSA_I_ADDR) == 0x7100000);
  CHECK(fsa(f, MMFSA_I_CTX) == 0x1a5);
  CHECK(fsa(f, MMFSA_D_ADDR) == 0x7002468);
  // At TL > 0 the context recorded is the nucleus context.
  f.state().tl = 1;
  t = tr(f, 0x7200000);
  CHECK(fsa(f, MMFSA_D_CTX) == 0);
  f.state().tl = 0;
  CHECK(f.vcpu().mmu_miss_traps == 4);
}

TEST_CASE("protection: stores to a page without W, fetches without X, privileged pages from user mode", "[mmu]") {
  HvFixture f;
  fault_area(f);
  mmu_on(f);
  set_ctx(f, 0x8, 3);
  REQUIRE(f.map_addr(0x2000000, 3, tte(kRa0 + 0x100000, 0, TTE_CP | TTE_CV), 3).status == HV_EOK);   // read-only
  REQUIRE(f.map_addr(0x2002000, 3, tte(kRa0 + 0x102000, 0, TTE_W | TTE_P), 3).status == HV_EOK);
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000, Access::Read));
  isa::Translation t = tr(f, 0x2000010, Access::Write);
  CHECK(t.page == nullptr);
  CHECK(t.fault == isa::TT_FAST_DATA_ACCESS_PROTECTION);
  CHECK(fsa(f, MMFSA_D_TYPE) == FT_FAST_PROT);
  CHECK(fsa(f, MMFSA_D_ADDR) == 0x2000010);
  CHECK(fsa(f, MMFSA_D_CTX) == 3);
  t = tr(f, 0x2000020, Access::Fetch);
  CHECK(t.fault == isa::TT_INSTRUCTION_ACCESS_EXCEPTION);
  CHECK(fsa(f, MMFSA_I_TYPE) == FT_PROT);
  CHECK(fsa(f, MMFSA_I_ADDR) == 0x2000020);
  // A privileged page: fine in privileged mode, an exception from user mode.
  CHECK(hits(f, 0x2002000, kRa0 + 0x102000, Access::Write));
  f.state().pstate = 0;
  t = tr(f, 0x2002008, Access::Read);
  CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
  CHECK(fsa(f, MMFSA_D_TYPE) == FT_PRIV);
  CHECK(fsa(f, MMFSA_D_ADDR) == 0x2002008);
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000, Access::Read));   // the unprivileged page is fine
  f.state().pstate = isa::PSTATE_PRIV;
}

TEST_CASE("permanent mappings: context 0 on every vCPU, kept by demaps, removed by mmu_unmap_perm_addr", "[mmu]") {
  HvFixture f;
  start_vcpu(f, 1);
  mmu_on(f, 0);
  mmu_on(f, 1);
  REQUIRE(f.fast(fn::MMU_MAP_PERM_ADDR, 0x1000000, 0, tte(kRa0 + 0x400000, 3), 3).status == HV_EOK);
  REQUIRE(f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa1 + 0x2000), MAP_DTLB).status == HV_EOK);
  for (unsigned v : {0u, 1u}) {
    INFO("vcpu " << v);
    CHECK(hits(f, 0x1234000, kRa0 + 0x634000, Access::Read, isa::ASI_PRIMARY, v));
    CHECK(hits(f, 0x1234000, kRa0 + 0x634000, Access::Fetch, isa::ASI_PRIMARY, v));
    CHECK(hits(f, 0x2000000, kRa1 + 0x2000, Access::Write, isa::ASI_PRIMARY, v));
    CHECK(tr(f, 0x2000000, Access::Fetch, isa::ASI_PRIMARY, v).fault == isa::TT_FAST_INSTRUCTION_ACCESS_MMU_MISS);
    CHECK(f.vcpu(0, v).tlb.empty());
  }
  // Demaps of every kind leave them.
  REQUIRE(f.fast(fn::MMU_DEMAP_ALL, 0, 0, 3).status == HV_EOK);
  REQUIRE(f.fast(fn::MMU_DEMAP_CTX, 0, 0, 0, 3).status == HV_EOK);
  REQUIRE(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x1000000, 0, 3).status == HV_EOK);
  REQUIRE(f.unmap_addr(0x1000000, 0, 3).status == HV_EOK);
  CHECK(hits(f, 0x1000000, kRa0 + 0x400000));
  // Only context 0 (the nucleus context is 0 at TL > 0).
  set_ctx(f, 0x8, 4);
  CHECK(tr(f, 0x1000000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(hits(f, 0x1000000, kRa0 + 0x400000, Access::Read, isa::ASI_NUCLEUS));
  set_ctx(f, 0x8, 0);
  // Unmapping one TLB, then the other.
  REQUIRE(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x1000000, 0, MAP_ITLB).status == HV_EOK);
  CHECK(hits(f, 0x1000000, kRa0 + 0x400000));
  CHECK(tr(f, 0x1000000, Access::Fetch).fault == isa::TT_FAST_INSTRUCTION_ACCESS_MMU_MISS);
  REQUIRE(f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x1000000, 0, MAP_DTLB).status == HV_EOK);
  for (unsigned v : {0u, 1u}) CHECK(tr(f, 0x1000000, Access::Read, isa::ASI_PRIMARY, v).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(hits(f, 0x2000000, kRa1 + 0x2000, Access::Read, isa::ASI_PRIMARY, 1));
}

TEST_CASE("demap and unmap: the translation misses afterwards, on this vCPU only", "[mmu]") {
  HvFixture f;
  start_vcpu(f, 1);
  mmu_on(f, 0);
  mmu_on(f, 1);
  for (unsigned v : {0u, 1u}) {
    REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x100000), 3, 0, v).status == HV_EOK);
    REQUIRE(f.map_addr(0x2002000, 0, tte(kRa0 + 0x102000), 3, 0, v).status == HV_EOK);
    REQUIRE(f.map_addr(0x2000000, 6, tte(kRa0 + 0x104000), 3, 0, v).status == HV_EOK);
    REQUIRE(f.map_addr(0x40000000, 6, tte(kRa0 + 0x400000, 3), 3, 0, v).status == HV_EOK);
  }
  // demap_page of the data TLB only.
  REQUIRE(f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x2000000, 0, MAP_DTLB).status == HV_EOK);
  CHECK(tr(f, 0x2000000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000, Access::Fetch));
  CHECK(hits(f, 0x2002000, kRa0 + 0x102000));
  CHECK(hits(f, 0x2000000, kRa0 + 0x100000, Access::Read, isa::ASI_PRIMARY, 1));   // vCPU 1 keeps it
  // mmu_unmap_addr with any VA inside a 4M page.
  set_ctx(f, 0x8, 6);
  CHECK(hits(f, 0x40200000, kRa0 + 0x600000));
  REQUIRE(f.unmap_addr(0x40321000, 6, 3).status == HV_EOK);
  CHECK(tr(f, 0x40000000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(hits(f, 0x2000000, kRa0 + 0x104000));
  // demap_ctx
  REQUIRE(f.fast(fn::MMU_DEMAP_CTX, 0, 0, 6, 3).status == HV_EOK);
  CHECK(tr(f, 0x2000000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  set_ctx(f, 0x8, 0);
  CHECK(hits(f, 0x2002000, kRa0 + 0x102000));
  // demap_all
  REQUIRE(f.fast(fn::MMU_DEMAP_ALL, 0, 0, 3).status == HV_EOK);
  CHECK(tr(f, 0x2002000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);
  CHECK(tr(f, 0x2000000, Access::Fetch).fault == isa::TT_FAST_INSTRUCTION_ACCESS_MMU_MISS);
  CHECK(f.vcpu(0, 0).tlb.empty());
  CHECK(f.vcpu(0, 1).tlb.size() == 4);
}

TEST_CASE("mmu_enable(0), cpu_start and mach_sir return the vCPU to real addressing", "[mmu]") {
  HvFixture f;
  mmu_on(f);
  CHECK(tr(f, kRa0).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);   // RA is not a VA now
  Result r = f.fast(fn::MMU_ENABLE, 0, kRa0 + 0x2000);
  REQUIRE(r.status == HV_EOK);
  CHECK(r.pc == kRa0 + 0x2000);
  CHECK(hits(f, kRa0, kRa0));
  // A started vCPU begins with its MMU off, whatever it had before.
  start_vcpu(f, 1);
  mmu_on(f, 1);
  REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x100000), 3, 0, 1).status == HV_EOK);
  REQUIRE(f.fast(fn::CPU_STOP, 1).status == HV_EOK);
  start_vcpu(f, 1);
  CHECK_FALSE(f.vcpu(0, 1).mmu_enabled);
  CHECK(f.vcpu(0, 1).tlb.empty());
  CHECK(hits(f, kRa0 + 0x100000, kRa0 + 0x100000, Access::Read, isa::ASI_PRIMARY, 1));
  // mach_sir too.
  mmu_on(f);
  REQUIRE(f.fast(fn::CPU_SET_RTBA, kRa0 + 0x8000).status == HV_EOK);
  f.fast(fn::MACH_SIR);
  CHECK_FALSE(f.vcpu().mmu_enabled);
  CHECK(hits(f, kRa0, kRa0));
}

TEST_CASE("every MMU hypercall drops the strand's cached translations", "[mmu]") {
  HvFixture f;
  mmu_on(f);
  REQUIRE(f.fast(fn::MMU_MAP_PERM_ADDR, 0x1000000, 0, tte(kRa0 + 0x400000, 3), 3).status == HV_EOK);
  REQUIRE(f.map_addr(0x2000000, 0, tte(kRa0 + 0x100000), 3).status == HV_EOK);
  f.tsb_descriptor(kDesc, 0, 1, 512, 0, 0x1, kTsb);
  isa::StrandState& st = f.state();
  uint8_t* stale = page_of(f, kRa0);
  auto cached = [&](uint64_t va) {
    st.tlb.fill_read(va, stale);
    st.tlb.fill_write(va, stale);
  };
  auto flushed = [&](uint64_t va) { return st.tlb.read(va) == nullptr && st.tlb.write(va) == nullptr; };
  struct Step { const char* what; std::function<Result()> call; };
  const std::vector<Step> steps = {
      {"mmu_map_addr", [&] { return f.map_addr(0x2000000, 0, tte(kRa0 + 0x104000), 3); }},
      {"mmu_unmap_addr", [&] { return f.unmap_addr(0x2000000, 0, 3); }},
      {"mmu_map_perm_addr (new)", [&] { return f.fast(fn::MMU_MAP_PERM_ADDR, 0x2000000, 0, tte(kRa0 + 0x10000), 3); }},
      {"mmu_map_perm_addr (replacing)",
       [&] { return f.fast(fn::MMU_MAP_PERM_ADDR, 0x1000000, 0, tte(kRa0 + 0x800000, 3), 3); }},
      {"mmu_unmap_perm_addr", [&] { return f.fast(fn::MMU_UNMAP_PERM_ADDR, 0x2000000, 0, 3); }},
      {"mmu_demap_page", [&] { return f.fast(fn::MMU_DEMAP_PAGE, 0, 0, 0x2000000, 0, 3); }},
      {"mmu_demap_ctx", [&] { return f.fast(fn::MMU_DEMAP_CTX, 0, 0, 0, 3); }},
      {"mmu_demap_all", [&] { return f.fast(fn::MMU_DEMAP_ALL, 0, 0, 3); }},
      {"mmu_tsb_ctx0", [&] { return f.fast(fn::MMU_TSB_CTX0, 1, kDesc); }},
      {"mmu_tsb_ctxnon0", [&] { return f.fast(fn::MMU_TSB_CTXNON0, 1, kDesc); }},
  };
  for (const Step& s : steps) {
    INFO(s.what);
    cached(0x1002000);   // (another SoftTlb slot than 0x2000000)
    cached(0x2000000);
    REQUIRE_FALSE(flushed(0x1002000));
    REQUIRE_FALSE(flushed(0x2000000));
    REQUIRE(s.call().status == HV_EOK);
    CHECK(flushed(0x1002000));
    CHECK(flushed(0x2000000));
  }
  // Replacing a permanent mapping changes what every vCPU sees.
  CHECK(hits(f, 0x1000000, kRa0 + 0x800000));
  // mmu_enable (both ways).
  cached(0x400000);
  REQUIRE(f.fast(fn::MMU_ENABLE, 0, kRa0).status == HV_EOK);
  CHECK(flushed(0x400000));
  cached(kRa0);
  REQUIRE(f.fast(fn::MMU_ENABLE, 1, 0x400000).status == HV_EOK);
  CHECK(flushed(kRa0));
}

TEST_CASE("ASIs: ASI_REAL with the MMU on, scratchpad, context registers, queue registers", "[mmu]") {
  HvFixture f;
  fault_area(f);
  mmu_on(f);
  isa::StrandState& st = f.state();
  isa::MemoryPort& mem = *st.mem;
  uint64_t out = 0;
  SECTION("ASI_REAL and ASI_REAL_LITTLE reach guest real memory, big- and little-endian") {
    CHECK(mem.asi_store(st, ASI_REAL, kRa0 + 0x100, 8, 0x0102030405060708ul) == isa::TT_NONE);
    CHECK(f.bytes(kRa0 + 0x100, 8) == std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7, 8});
    CHECK(mem.asi_store(st, ASI_REAL_LITTLE, kRa1 + 0x100, 4, 0x0a0b0c0d) == isa::TT_NONE);
    CHECK(f.bytes(kRa1 + 0x100, 4) == std::vector<uint8_t>{0x0d, 0x0c, 0x0b, 0x0a});
    CHECK(mem.asi_load(st, ASI_REAL, kRa0 + 0x100, 2, out) == isa::TT_NONE);
    CHECK(out == 0x0102);
    CHECK(mem.asi_load(st, ASI_REAL_LITTLE, kRa0 + 0x100, 8, out) == isa::TT_NONE);
    CHECK(out == 0x0807060504030201ul);
    // Outside the guest: data_access_exception, fault type 4.
    CHECK(mem.asi_load(st, ASI_REAL, kHoleRa + 8, 8, out) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(fsa(f, MMFSA_D_TYPE) == FT_INVALID_RA);
    CHECK(fsa(f, MMFSA_D_ADDR) == kHoleRa + 8);
    CHECK(mem.asi_store(st, ASI_REAL, kHoleRa - 4, 8, 1) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(fsa(f, MMFSA_D_ADDR) == kHoleRa - 4);
    CHECK(f.bytes(kHoleRa - 4, 4) == std::vector<uint8_t>(4, 0));
  }
  SECTION("scratchpad registers 0..7") {
    for (uint64_t i = 0; i < 8; ++i) REQUIRE(mem.asi_store(st, ASI_SCRATCHPAD, i * 8, 8, 100 + i) == isa::TT_NONE);
    for (uint64_t i = 0; i < 8; ++i) {
      REQUIRE(mem.asi_load(st, ASI_SCRATCHPAD, i * 8, 8, out) == isa::TT_NONE);
      CHECK(out == 100 + i);
    }
    CHECK(mem.asi_load(st, ASI_SCRATCHPAD, 0x40, 8, out) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(fsa(f, MMFSA_D_TYPE) == FT_INVALID_ASI);
    CHECK(mem.asi_store(st, ASI_SCRATCHPAD, 0x8, 4, 1) == isa::TT_DATA_ACCESS_EXCEPTION);
  }
  SECTION("context registers") {
    CHECK(mem.asi_store(st, ASI_MMU, 0x8, 8, 0x123) == isa::TT_NONE);
    CHECK(f.vcpu().primary_ctx == 0x123);
    CHECK(f.strand().translations_changed);
    CHECK(mem.asi_store(st, ASI_MMU, 0x10, 8, 0xffff) == isa::TT_NONE);
    CHECK(f.vcpu().secondary_ctx == 0x1fff);
    CHECK(mem.asi_store(st, ASI_MMU, 0x18, 8, 1) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(mem.asi_load(st, ASI_MMU, 0x0, 8, out) == isa::TT_DATA_ACCESS_EXCEPTION);
  }
  SECTION("queue registers: heads read/write within the queue, tails read-only") {
    REQUIRE(f.fast(fn::CPU_QCONF, Q_RESUMABLE, kRa0 + 0x10000, 8).status == HV_EOK);
    CHECK(mem.asi_store(st, ASI_QUEUE, 0x3e0, 8, 128) == isa::TT_NONE);
    CHECK(mem.asi_load(st, ASI_QUEUE, 0x3e0, 8, out) == isa::TT_NONE);
    CHECK(out == 128);
    CHECK(f.vcpu().queue(Q_RESUMABLE).head == 128);
    CHECK(f.strand().queue_pending);   // head != tail
    CHECK(mem.asi_store(st, ASI_QUEUE, 0x3e8, 8, 128) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(mem.asi_store(st, ASI_QUEUE, 0x3e0, 8, 100) == isa::TT_DATA_ACCESS_EXCEPTION);   // not a 64 multiple
    CHECK(mem.asi_store(st, ASI_QUEUE, 0x3e0, 8, 512) == isa::TT_DATA_ACCESS_EXCEPTION);   // past the queue
    CHECK(mem.asi_store(st, ASI_QUEUE, 0x3e0, 8, 0) == isa::TT_NONE);
    CHECK_FALSE(f.strand().queue_pending);
    CHECK(mem.asi_load(st, ASI_QUEUE, 0x3b8, 8, out) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(mem.asi_load(st, ASI_QUEUE, 0x400, 8, out) == isa::TT_DATA_ACCESS_EXCEPTION);
  }
  SECTION("a hyperprivileged ASI (0x30..0x7f): privileged_action, nothing recorded") {
    for (uint8_t asi : {0x30, 0x4f, 0x52, 0x7f}) {
      CHECK(mem.asi_load(st, asi, 0, 8, out) == isa::TT_PRIVILEGED_ACTION);
      CHECK(mem.asi_store(st, asi, 0, 8, 0) == isa::TT_PRIVILEGED_ACTION);
    }
  }
  SECTION("an ASI the MMU does not serve") {
    CHECK(mem.asi_load(st, 0x99, 0, 8, out) == isa::TT_DATA_ACCESS_EXCEPTION);
    CHECK(fsa(f, MMFSA_D_TYPE) == FT_INVALID_ASI);
    CHECK(mem.asi_store(st, 0x99, 0, 8, 0) == isa::TT_DATA_ACCESS_EXCEPTION);
  }
}

TEST_CASE("the TLB holds tlb_entries translations, replaced round robin", "[mmu]") {
  HvFixture f;
  mmu_on(f);
  const unsigned n = f.h->tlb_entries;
  for (uint64_t i = 0; i <= n; ++i)
    REQUIRE(f.map_addr(0x10000000 + i * 0x2000, 0, tte(kRa0 + i * 0x2000), 3).status == HV_EOK);
  CHECK(f.vcpu().tlb.size() == n);
  CHECK(tr(f, 0x10000000).fault == isa::TT_FAST_DATA_ACCESS_MMU_MISS);   // the oldest went
  CHECK(hits(f, 0x10000000 + n * 0x2000, kRa0 + n * 0x2000));
  CHECK(hits(f, 0x10002000, kRa0 + 0x2000));
}

// The timing model's questions (cmt::StrandHost, hv::GuestMmu::peek/walk_probes): answered
// from the TLB, then the TSBs, then RA->PA, changing nothing the guest or the functional
// MMU could see.
TEST_CASE("timing: the peek finds the PA without loading the TLB or writing the fault area", "[mmu][timing]") {
  HvFixture f;
  fault_area(f);
  f.tsb_descriptor(kDesc, 0, 1, 512, 0, 0x1 | 0x8, kTsb4m);   // 8K and 4M pages
  f.tsb_descriptor(kDesc + 32, 0, 1, 512, 0, 0x1, kTsb);      // 8K pages
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 2, kDesc).status == HV_EOK);
  mmu_on(f);
  unsigned strand = f.vcpu().strand, slot = strand % f.plat.strands_per_core;
  cmt::Core& core = f.m->core_of(strand);
  const uint64_t va4m = 0x80c00000, va8k = 0x90002000, ro = 0x90004000, unmapped = 0xa0006000;
  tsb_entry(f, kTsb4m, (va4m >> 22) & 511, 0, va4m, tte(kRa0 + 0x800000, 3));
  tsb_entry(f, kTsb, (va8k >> 13) & 511, 0, va8k, tte(kRa0 + 0x10000));
  tsb_entry(f, kTsb, (ro >> 13) & 511, 0, ro, tte(kRa0 + 0x12000, 0, TTE_CP | TTE_CV));   // read-only
  uint64_t pa = 0;
  unsigned shift = 0;
  REQUIRE(f.h->timing_translate(core, slot, va4m + 0x3fe008, Access::Read, isa::ASI_PRIMARY, pa, shift));
  CHECK(pa == f.pa_of(kRa0 + 0xbfe008));
  CHECK(shift == 22);
  REQUIRE(f.h->timing_translate(core, slot, va8k + 0x10, Access::Write, isa::ASI_PRIMARY, pa, shift));
  CHECK(pa == f.pa_of(kRa0 + 0x10010));
  CHECK(shift == 13);
  CHECK(f.h->timing_translate(core, slot, ro, Access::Read, isa::ASI_PRIMARY, pa, shift));
  CHECK_FALSE(f.h->timing_translate(core, slot, ro, Access::Write, isa::ASI_PRIMARY, pa, shift));   // would trap
  CHECK_FALSE(f.h->timing_translate(core, slot, unmapped, Access::Read, isa::ASI_PRIMARY, pa, shift));
  // Real-address ASIs go through RA->PA alone.
  REQUIRE(f.h->timing_translate(core, slot, kRa0 + 0x1234, Access::Read, ASI_REAL, pa, shift));
  CHECK(pa == f.pa_of(kRa0 + 0x1234));
  // The strand's own registers and device space are not memory.
  CHECK_FALSE(f.h->timing_translate(core, slot, 0x8, Access::Read, ASI_MMU, pa, shift));
  CHECK_FALSE(f.h->timing_translate(core, slot, 0x10, Access::Read, ASI_SCRATCHPAD, pa, shift));
  CHECK_FALSE(f.h->timing_translate(core, slot, kRa0, Access::Read, isa::ASI_REAL_IO, pa, shift));
  // Nothing changed: no TLB entry, no TSB hit or miss counted, no fault recorded.
  CHECK(f.vcpu().tlb.empty());
  CHECK(f.vcpu().tsb_hits == 0);
  CHECK(f.vcpu().mmu_miss_traps == 0);
  CHECK(fsa(f, MMFSA_D_TYPE) == 0);
  CHECK(fsa(f, MMFSA_D_ADDR) == 0);
  // The functional access agrees, and then the peek answers from the TLB the same way.
  CHECK(hits(f, va4m + 0x3fe008, kRa0 + 0xbfe000));
  REQUIRE(f.vcpu().tlb.size() == 1);
  tsb_entry(f, kTsb4m, (va4m >> 22) & 511, 0, 0, 0);   // gone from the TSB, still in the TLB
  REQUIRE(f.h->timing_translate(core, slot, va4m + 8, Access::Read, isa::ASI_PRIMARY, pa, shift));
  CHECK(pa == f.pa_of(kRa0 + 0x800008));
  CHECK(shift == 22);
}

TEST_CASE("timing: the tablewalk reads TSB entries in probe order, up to the one that hits", "[mmu][timing]") {
  HvFixture f;
  f.tsb_descriptor(kDesc, 0, 1, 512, 0, 0x1 | 0x8, kTsb4m);   // probed first: its 8K, then its 4M index
  f.tsb_descriptor(kDesc + 32, 0, 1, 512, 0, 0x1, kTsb);      // then this one's 8K index
  REQUIRE(f.fast(fn::MMU_TSB_CTX0, 2, kDesc).status == HV_EOK);
  unsigned strand = f.vcpu().strand, slot = strand % f.plat.strands_per_core;
  cmt::Core& core = f.m->core_of(strand);
  uint64_t pas[16];
  CHECK(f.h->tablewalk(core, slot, 0x80c00000, false, pas, 16) == 0);   // real addressing: no walk
  mmu_on(f);
  const uint64_t va4m = 0x80c00000, va8k = 0x90002000;
  auto entry_pa = [&](uint64_t tsb, uint64_t va, unsigned shift) { return f.pa_of(tsb + 16 * ((va >> shift) & 511)); };
  tsb_entry(f, kTsb4m, (va4m >> 22) & 511, 0, va4m, tte(kRa0 + 0x800000, 3));
  tsb_entry(f, kTsb, (va8k >> 13) & 511, 0, va8k, tte(kRa0 + 0x10000));
  // The 4M page: the first TSB's 8K probe misses, its 4M probe hits.
  REQUIRE(f.h->tablewalk(core, slot, va4m + 0x1000, false, pas, 16) == 2);
  CHECK(pas[0] == entry_pa(kTsb4m, va4m + 0x1000, 13));
  CHECK(pas[1] == entry_pa(kTsb4m, va4m + 0x1000, 22));
  // The 8K page: all three probes, the last one hits.
  REQUIRE(f.h->tablewalk(core, slot, va8k, true, pas, 16) == 3);
  CHECK(pas[0] == entry_pa(kTsb4m, va8k, 13));
  CHECK(pas[1] == entry_pa(kTsb4m, va8k, 22));
  CHECK(pas[2] == entry_pa(kTsb, va8k, 13));
  // Nothing hits: every probe is read (the guest's miss handler comes next); max is honoured.
  CHECK(f.h->tablewalk(core, slot, 0xa0006000, false, pas, 16) == 3);
  CHECK(f.h->tablewalk(core, slot, 0xa0006000, false, pas, 2) == 2);
  CHECK(f.vcpu().tlb.empty());
  CHECK(f.vcpu().tsb_hits == 0);
}
