// dev::RegisterBank: accesses decoded from the declaration (partial, straddling, arrays),
// the access rules, hooks, and declared state.
#include <catch2/catch.hpp>

#include "sim/dev/register_bank.h"
#include "sim/state/codec.h"

using namespace vfsim::dev;
using vfsim::state::Decoder;
using vfsim::state::Encoder;
using vfsim::state::StateError;

namespace {
struct Bank {
  RegisterBank b{"test"};
  unsigned id32, ro, rw1c, wo, arr, r64;
  std::vector<std::tuple<unsigned, uint64_t, uint64_t>> writes;
  Bank() {
    id32 = b.add({"ID32", 0x0, 4, RegAccess::RW, 0x11223344, 0xffff00ff});
    ro = b.add({"RO", 0x4, 4, RegAccess::RO, 0xcafef00d});
    rw1c = b.add({"STATUS", 0x8, 2, RegAccess::RW1C, 0xf0f0, 0x00ff});
    wo = b.add({"DB", 0x10, 4, RegAccess::WO, 0, ~0ull, 4, 8},
               nullptr, [this](unsigned i, uint64_t old, uint64_t now) { writes.emplace_back(i, old, now); });
    r64 = b.add({"WIDE", 0x40, 8, RegAccess::RW, 0x0102030405060708});
    arr = b.add({"ARR", 0x80, 2, RegAccess::RW, 0x5a5a, 0xffff, 3, 4},
                [](unsigned i, uint64_t stored) { return stored + i; });
  }
};
}  // namespace

TEST_CASE("RegisterBank: partial and straddling reads", "[dev]") {
  Bank t;
  uint64_t v = 0;
  REQUIRE(t.b.read(0x1, 1, v));
  CHECK(v == 0x33);
  REQUIRE(t.b.read(0x2, 2, v));
  CHECK(v == 0x1122);
  // 8 bytes over two 4-byte registers: little-endian, ID32 low, RO high
  REQUIRE(t.b.read(0x0, 8, v));
  CHECK(v == 0xcafef00d11223344ull);
  // straddling a register and a hole: the hole reads 0
  REQUIRE(t.b.read(0x8, 4, v));
  CHECK(v == 0xf0f0);
  CHECK_FALSE(t.b.read(0x20 + 4, 4, v));   // between doorbell elements: nothing there
  CHECK(v == 0);
  REQUIRE(t.b.read(0x44, 4, v));
  CHECK(v == 0x01020304);
}

TEST_CASE("RegisterBank: RO, RW with a writable mask, RW1C, WO", "[dev]") {
  Bank t;
  uint64_t v;
  REQUIRE(t.b.write(0x4, 4, 0));
  t.b.read(0x4, 4, v);
  CHECK(v == 0xcafef00d);
  t.b.write(0x0, 4, 0xaabbccdd);   // bits 15:8 are not writable
  t.b.read(0x0, 4, v);
  CHECK(v == 0xaabb33dd);
  t.b.write(0x3, 1, 0x00);   // one byte of it
  t.b.read(0x0, 4, v);
  CHECK(v == 0x00bb33dd);
  t.b.write(0x8, 2, 0xff0f);   // RW1C: low byte writable, 1s clear
  t.b.read(0x8, 2, v);
  CHECK(v == 0xf0f0);          // 0x0f hits bits that are 0 already in the low byte (0xf0)
  t.b.write(0x8, 2, 0x0030);
  t.b.read(0x8, 2, v);
  CHECK(v == 0xf0c0);
  t.b.write(0x18, 4, 0x1234);  // DB[1]
  t.b.read(0x18, 4, v);
  CHECK(v == 0);               // write-only reads 0
  CHECK(t.b.get(t.wo, 1) == 0x1234);
  REQUIRE(t.writes.size() == 1);
  CHECK(std::get<0>(t.writes[0]) == 1);
  CHECK(std::get<2>(t.writes[0]) == 0x1234);
}

TEST_CASE("RegisterBank: arrays, read hooks, a write over several registers", "[dev]") {
  Bank t;
  uint64_t v;
  t.b.read(0x88, 2, v);
  CHECK(v == 0x5a5a + 2);   // the hook sees the index
  t.b.write(0x84, 2, 0x100);
  CHECK(t.b.get(t.arr, 1) == 0x100);
  CHECK(t.b.get(t.arr, 0) == 0x5a5a);
  // one 8-byte write over DB[0] and the hole after it: only DB[0] changes
  t.b.write(0x10, 8, 0x99999999'00000007ull);
  CHECK(t.b.get(t.wo, 0) == 7);
  CHECK(t.b.get(t.wo, 1) == 0);
  t.b.set(t.id32, 0);
  t.b.reset();
  CHECK(t.b.get(t.id32) == 0x11223344);
  CHECK_THROWS_AS(t.b.add({"OVERLAP", 0x2, 2, RegAccess::RW}), std::logic_error);
}

TEST_CASE("RegisterBank: save/load round trip and a mismatched declaration refused", "[dev]") {
  Bank a;
  a.b.write(0x0, 4, 0xffffffff);
  a.b.write(0x84, 2, 0x4242);
  Encoder e;
  a.b.save(e);
  Bank b;
  Decoder d(e.buf.data(), e.buf.size());
  b.b.load(d);
  CHECK(d.done());
  CHECK(b.b.get(b.id32) == a.b.get(a.id32));
  CHECK(b.b.get(b.arr, 1) == 0x4242);

  RegisterBank other("test");   // same name, fewer registers
  other.add({"ID32", 0x0, 4, RegAccess::RW});
  Decoder d2(e.buf.data(), e.buf.size());
  CHECK_THROWS_AS(other.load(d2), StateError);
  RegisterBank renamed("other");
  Decoder d3(e.buf.data(), e.buf.size());
  CHECK_THROWS_AS(renamed.load(d3), StateError);
  Decoder d4(e.buf.data(), e.buf.size() - 3);   // truncated
  Bank c;
  CHECK_THROWS_AS(c.b.load(d4), StateError);
}
