// A guest's runtime state moved into a guest bound elsewhere (other strands, other physical
// addresses, more vCPUs): registers, sun4v state, memory by real address and the guest's
// clocks come along (hv/guest_migration.cpp).
#include <vector>

#include "hv_fixture.h"
#include "sim/state/codec.h"
#include "sim/state/stream.h"

using namespace hvtest;

namespace {
std::vector<std::pair<uint64_t, std::vector<uint8_t>>> pages_of(hv::Hypervisor& h, const hv::Guest& g) {
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> out;
  h.resident_pages(g, [&](uint64_t ra, const uint8_t* p) { out.emplace_back(ra, std::vector<uint8_t>(p, p + 8192)); });
  return out;
}
}  // namespace

TEST_CASE("migration state: registers, memory and clocks move to another binding", "[migration]") {
  // "a" and "b" have the same real-address blocks; b sits on other strands and physical
  // memory and has more vCPUs (the source shrank to fewer before it suspended).
  HvFixture f({guest_config("a", 2, {64ull << 20, 16ull << 20}), guest_config("b", 4, {64ull << 20, 16ull << 20})});
  hv::Guest& a = f.guest(0);
  hv::Guest& b = f.guest(1);
  REQUIRE(a.memory[0].pa != b.memory[0].pa);
  REQUIRE(a.vcpus[0].strand != b.vcpus[0].strand);
  // Some state on a: registers, memory in both blocks, a TOD and an interrupt cookie.
  REQUIRE(f.fast(fn::TOD_SET, 1700000000).status == 0);   // (a call moves the pc: first)
  f.state(0, 0).set_r(16, 0x1234567890abcdefull);
  f.state(0, 0).pc = kRa0 + 0x2000;
  f.state(0, 0).npc = kRa0 + 0x2004;
  f.fill(kRa0 + 0x10000, 0xab, 8192);
  f.fill(kRa1 + 0x4000, 0xcd, 100);
  a.intr[0].cookie = 0x77;
  a.intr[0].valid = true;
  uint64_t a_time = f.h->guest_time(a), a_tod = f.h->guest_tod(a);

  vfsim::state::Encoder e;
  f.h->save_migration(a, e);
  auto pages = pages_of(*f.h, a);
  REQUIRE(pages.size() >= 2);
  std::vector<std::pair<uint64_t, const uint8_t*>> in;
  for (auto& [ra, p] : pages) in.emplace_back(ra, p.data());
  std::string why;
  REQUIRE(f.h->install_migrated_pages(b, in, why));
  vfsim::state::Decoder d(e.buf.data(), e.buf.size(), "test");
  const uint64_t skew = 2 * 1415000;   // 2 ms of %stick at 1.415 GHz
  f.h->load_migration(b, d, skew);

  CHECK(f.state(1, 0).r(16) == 0x1234567890abcdefull);
  CHECK(f.state(1, 0).pc == kRa0 + 0x2000);
  CHECK(f.state(1, 0).npc == kRa0 + 0x2004);
  uint8_t buf[100];
  f.read(kRa0 + 0x10000, buf, 100, 1);
  CHECK(buf[0] == 0xab);
  CHECK(buf[99] == 0xab);
  f.read(kRa1 + 0x4000, buf, 100, 1);
  CHECK(buf[50] == 0xcd);
  CHECK(f.h->guest_time(b) == a_time + skew);   // continues from the source's %stick plus the skew
  CHECK(f.h->guest_tod(b) == a_tod);            // 2 ms are below the TOD's one-second resolution
  CHECK(b.api == a.api);
  CHECK(b.intr[0].cookie == 0x77);
  CHECK(b.intr[0].valid);
  CHECK(b.vcpus[2].state == hv::CPU_STATE_STOPPED);   // not sent: stays stopped
  CHECK(b.vcpus[3].state == hv::CPU_STATE_STOPPED);
  // Pages the source never touched read zero on the target, whatever was there.
  f.read(kRa0 + 0x800000, buf, 100, 1);
  CHECK(buf[0] == 0);
}

TEST_CASE("migration state is refused by a binding with other real-address blocks, or fewer vCPUs", "[migration]") {
  HvFixture f({guest_config("a", 2, {64ull << 20}), guest_config("b", 2, {32ull << 20, 32ull << 20}),
               guest_config("c", 1, {64ull << 20})});
  vfsim::state::Encoder e;
  f.h->save_migration(f.guest(0), e);
  vfsim::state::Decoder d(e.buf.data(), e.buf.size(), "test");
  CHECK_THROWS_WITH(f.h->load_migration(f.guest(1), d, 0), Catch::Contains("real-address blocks differ"));
  vfsim::state::Decoder d2(e.buf.data(), e.buf.size(), "test");
  CHECK_THROWS_WITH(f.h->load_migration(f.guest(2), d2, 0), Catch::Contains("2 vCPUs were sent, the target domain has 1"));
  // A truncated stream is an error, never a crash.
  for (size_t cut : {size_t(0), size_t(3), e.buf.size() / 2, e.buf.size() - 1}) {
    vfsim::state::Decoder t(e.buf.data(), cut, "test");
    CHECK_THROWS_AS(f.h->load_migration(f.guest(2), t, 0), vfsim::state::StateError);
  }
  // Pages outside the guest's memory are refused.
  std::vector<uint8_t> page(8192, 1);
  std::string why;
  CHECK_FALSE(f.h->install_migrated_pages(f.guest(2), {{kRa0 + (64ull << 20), page.data()}}, why));
  CHECK(why.find("outside LDom c's memory") != std::string::npos);
}

TEST_CASE("migration state with registers no strand can hold is refused before it is installed", "[migration]") {
  // Found by tests/fuzz/fuzz_migration_runtime.cpp: a %gl of 6 loaded, and the guest's next
  // trap copied its globals to globals[6] of a 4-entry array (a %cwp, %tl likewise).
  HvFixture f({guest_config("a", 1, {64ull << 20}), guest_config("b", 1, {64ull << 20})});
  struct Bad {
    const char* reg;
    void (*set)(vfsim::isa::StrandState&);
  };
  const Bad bad[] = {
      {"%gl of 6", [](vfsim::isa::StrandState& s) { s.gl = 6; }},
      {"%tl of 8", [](vfsim::isa::StrandState& s) { s.tl = 8; }},
      {"%cwp of 200", [](vfsim::isa::StrandState& s) { s.cwp = 200; }},
      {"%cansave of 8", [](vfsim::isa::StrandState& s) { s.cansave = 8; }},
      {"%pil of 40", [](vfsim::isa::StrandState& s) { s.pil = 40; }},
  };
  for (const Bad& b : bad) {
    INFO(b.reg);
    f.state(0, 0).gl = 1;
    f.state(0, 0).tl = 1;
    f.state(0, 0).cwp = 2;
    f.state(0, 0).cansave = 6;
    f.state(0, 0).pil = 0;
    b.set(f.state(0, 0));
    vfsim::state::Encoder e;
    f.h->save_migration(f.guest(0), e);
    f.state(1, 0).set_r(16, 0x77);
    vfsim::state::Decoder d(e.buf.data(), e.buf.size(), "test");
    CHECK_THROWS_WITH(f.h->load_migration(f.guest(1), d, 0), Catch::Contains(b.reg));
    CHECK(f.state(1, 0).gl <= vfsim::isa::kMaxGL);   // the target's strand is as it was
    CHECK(f.state(1, 0).r(16) == 0x77);
  }
  // The same state with the registers in range loads.
  f.state(0, 0).pil = 15;
  f.state(0, 0).cansave = 6;
  vfsim::state::Encoder e;
  f.h->save_migration(f.guest(0), e);
  vfsim::state::Decoder d(e.buf.data(), e.buf.size(), "test");
  f.h->load_migration(f.guest(1), d, 0);
  CHECK(f.state(1, 0).pil == 15);
}

TEST_CASE("migration state with a time of day past what the guest's clock can show is refused", "[migration]") {
  // Found by tests/fuzz/fuzz_migration_runtime.cpp: a TOD near 2^63 overflowed set_guest_tod's
  // signed arithmetic (undefined behaviour).
  HvFixture f({guest_config("a", 1, {64ull << 20}), guest_config("b", 1, {64ull << 20})});
  vfsim::state::Encoder e;
  f.h->save_migration(f.guest(0), e);
  vfsim::state::put_be(e.buf.data() + e.buf.size() - 8, 8, 0x8000000000090000ull);   // the TOD is last
  vfsim::state::Decoder d(e.buf.data(), e.buf.size(), "test");
  CHECK_THROWS_WITH(f.h->load_migration(f.guest(1), d, 0), Catch::Contains("time of day"));
}

TEST_CASE("a destroyed guest's memory is scrubbed: the next domain bound there reads zero", "[migration]") {
  // (found by the migration prediction test: a domain created after another had migrated
  // away sent that one's 128 MB as its own round 0)
  HvFixture f({guest_config("a", 1, {64ull << 20}), guest_config("b", 1, {64ull << 20})});
  hv::Guest& a = f.guest(0);
  f.fill(kRa0 + 0x10000, 0xab, 8192);
  f.fill(kRa0 + 0x30000, 0xcd, 100);
  uint64_t pa = a.memory[0].pa, size = a.memory[0].size;
  uint64_t pages = 0;
  f.m->mem.for_each_resident(pa, size, [&](uint64_t, const uint8_t*) { ++pages; });
  REQUIRE(pages >= 2);
  f.h->destroy_guest(a);
  pages = 0;
  f.m->mem.for_each_resident(pa, size, [&](uint64_t, const uint8_t*) { ++pages; });
  CHECK(pages == 0);
}
