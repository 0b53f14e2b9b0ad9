// Description<T>: every field type round-trips through the encoding docs/state.md gives, an
// older version loads with the new fields left at their defaults, a newer one is refused.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sim/state/description.h"

using namespace vfsim::state;

namespace {

enum class Mode : uint8_t { Off = 0, Raw = 1, Reliable = 3 };
enum class Wide : int32_t { Neg = -5, Big = 0x7fffffff };
enum Plain { PlainA = 1, PlainB = 200 };   // unscoped, no fixed underlying type

struct Cookie {
  uint64_t addr = 0, size = 0;
};
const Description<Cookie>& cookie_state();

struct Ring {
  uint64_t ident = 0;
  std::vector<Cookie> cookies;
  std::map<uint32_t, Cookie> by_slot;
};
const Description<Ring>& ring_state();

}  // namespace

VFSIM_DESCRIBED(Cookie, cookie_state);
VFSIM_DESCRIBED(Ring, ring_state);

namespace {

const Description<Cookie>& cookie_state() {
  static const auto d = Description<Cookie>("cookie", 1).field("addr", &Cookie::addr).field("size", &Cookie::size);
  return d;
}
const Description<Ring>& ring_state() {
  static const auto d =
      Description<Ring>("ring", 1).field("ident", &Ring::ident).field("cookies", &Ring::cookies).field("by_slot", &Ring::by_slot);
  return d;
}

struct All {
  uint8_t u8 = 0;
  int8_t i8 = 0;
  uint16_t u16 = 0;
  int16_t i16 = 0;
  uint32_t u32 = 0;
  int32_t i32 = 0;
  uint64_t u64 = 0;
  int64_t i64 = 0;
  char c = 0;
  bool b = false;
  Mode mode = Mode::Off;
  Wide wide = Wide::Big;
  Plain plain = PlainA;
  double dbl = 0;
  std::string str;
  uint32_t arr[3] = {};
  int16_t grid[2][3] = {};
  std::array<uint64_t, 2> sarr{};
  std::vector<int32_t> ints;
  std::vector<uint8_t> bytes;
  std::vector<std::string> strs;
  std::vector<Cookie> cookies;
  std::map<std::string, uint64_t> regs;
  std::map<uint16_t, std::vector<uint8_t>> blobs;
  std::pair<uint32_t, std::string> pair;
  Ring ring;
};

const Description<All>& all_state() {
  static const auto d = Description<All>("all", 1)
                            .field("u8", &All::u8)
                            .field("i8", &All::i8)
                            .field("u16", &All::u16)
                            .field("i16", &All::i16)
                            .field("u32", &All::u32)
                            .field("i32", &All::i32)
                            .field("u64", &All::u64)
                            .field("i64", &All::i64)
                            .field("c", &All::c)
                            .field("b", &All::b)
                            .field("mode", &All::mode)
                            .field("wide", &All::wide)
                            .field("plain", &All::plain)
                            .field("dbl", &All::dbl)
                            .field("str", &All::str)
                            .field("arr", &All::arr)
                            .field("grid", &All::grid)
                            .field("sarr", &All::sarr)
                            .field("ints", &All::ints)
                            .field("bytes", &All::bytes)
                            .field("strs", &All::strs)
                            .field("cookies", &All::cookies)
                            .field("regs", &All::regs)
                            .field("blobs", &All::blobs)
                            .field("pair", &All::pair)
                            .field("ring", &All::ring);
  return d;
}

All sample() {
  All a;
  a.u8 = 0xfe;
  a.i8 = -128;
  a.u16 = 0xbeef;
  a.i16 = -2;
  a.u32 = 0xdeadbeef;
  a.i32 = std::numeric_limits<int32_t>::min();
  a.u64 = 0x0123456789abcdefull;
  a.i64 = -1234567890123ll;
  a.c = '\x80';
  a.b = true;
  a.mode = Mode::Reliable;
  a.wide = Wide::Neg;
  a.plain = PlainB;
  a.dbl = -0.1;
  a.str = std::string("a\0b\xff\xfe\x80z", 7);   // embedded NUL and bytes that are not UTF-8
  a.arr[0] = 1, a.arr[1] = 2, a.arr[2] = 0xffffffff;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j) a.grid[i][j] = int16_t(i * 10 - j);
  a.sarr = {7, ~0ull};
  a.ints = {-1, 0, 1, std::numeric_limits<int32_t>::max()};
  a.bytes = {0, 1, 0xff, 0};
  a.strs = {"", std::string(1, '\0'), "ldg1"};
  a.cookies = {{0x1000, 0x2000}, {0xffff000000000000ull, 1}};
  a.regs = {{"pc", 0x4000}, {"npc", 0x4004}, {"", 0}};
  a.blobs = {{1, {}}, {0xffff, {9, 8, 7}}};
  a.pair = {42, "forty-two"};
  a.ring.ident = 77;
  a.ring.cookies = {{1, 2}};
  a.ring.by_slot = {{3, {4, 5}}};
  return a;
}

std::vector<uint8_t> save(const All& a) {
  Encoder e;
  all_state().save(a, e);
  return e.buf;
}

}  // namespace

TEST_CASE("every field type round-trips", "[state][description]") {
  All in = sample();
  std::vector<uint8_t> bytes = save(in);
  All out;
  Decoder d(bytes.data(), bytes.size(), "test");
  all_state().load(out, d);
  CHECK(d.done());
  CHECK(out.u8 == 0xfe);
  CHECK(out.i8 == -128);
  CHECK(out.u16 == 0xbeef);
  CHECK(out.i16 == -2);
  CHECK(out.u32 == 0xdeadbeef);
  CHECK(out.i32 == std::numeric_limits<int32_t>::min());
  CHECK(out.u64 == 0x0123456789abcdefull);
  CHECK(out.i64 == -1234567890123ll);
  CHECK(out.c == '\x80');
  CHECK(out.b);
  CHECK(out.mode == Mode::Reliable);
  CHECK(out.wide == Wide::Neg);
  CHECK(out.plain == PlainB);
  CHECK(out.dbl == -0.1);
  CHECK(out.str == std::string("a\0b\xff\xfe\x80z", 7));
  CHECK(out.str.size() == 7);
  CHECK(out.arr[2] == 0xffffffff);
  CHECK(out.grid[1][2] == 8);
  CHECK(out.grid[0][2] == -2);
  CHECK(out.sarr == std::array<uint64_t, 2>{7, ~0ull});
  CHECK(out.ints == in.ints);
  CHECK(out.bytes == std::vector<uint8_t>{0, 1, 0xff, 0});
  CHECK(out.strs == in.strs);
  CHECK(out.strs[1].size() == 1);
  REQUIRE(out.cookies.size() == 2);
  CHECK(out.cookies[1].addr == 0xffff000000000000ull);
  CHECK(out.cookies[1].size == 1);
  CHECK(out.regs == in.regs);
  CHECK(out.blobs == in.blobs);
  CHECK(out.pair == in.pair);
  CHECK(out.ring.ident == 77);
  REQUIRE(out.ring.cookies.size() == 1);
  CHECK(out.ring.cookies[0].size == 2);
  REQUIRE(out.ring.by_slot.count(3));
  CHECK(out.ring.by_slot[3].size == 5);
  // Saving what was loaded gives the same bytes: nothing is lost or reordered.
  CHECK(save(out) == bytes);
}

TEST_CASE("the encoding is the documented one", "[state][description]") {
  All a;
  a.u16 = 0x0102;
  a.i16 = -2;
  a.b = true;
  a.mode = Mode::Raw;
  a.str = "hi";
  std::vector<uint8_t> b = save(a);
  // version 1, then u8 0, i8 0, u16 01 02, i16 ff fe, ...
  REQUIRE(b.size() > 12);
  CHECK(std::vector<uint8_t>(b.begin(), b.begin() + 10) == std::vector<uint8_t>{0, 0, 0, 1, 0, 0, 1, 2, 0xff, 0xfe});
  // u32 at 10, i32 at 14, u64 at 18, i64 at 26, char at 34, bool at 35, mode at 36,
  // wide (4 bytes) at 37, plain (4) at 41, double at 45, string at 53.
  CHECK(b[35] == 1);
  CHECK(b[36] == 1);
  CHECK(get_be(&b[37], 4) == 0x7fffffff);
  CHECK(get_be(&b[53], 4) == 2);
  CHECK(b[57] == 'h');
  CHECK(b[58] == 'i');
  // The double is its IEEE-754 bits, big-endian: -0.1 is bf b9 99 99 99 99 99 9a.
  a.dbl = -0.1;
  CHECK(get_be(&save(a)[45], 8) == 0xbfb999999999999aull);
}

TEST_CASE("doubles keep every bit", "[state][description]") {
  for (double v : {0.0, -0.0, 1e-310, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::max(),
                   std::numeric_limits<double>::quiet_NaN()}) {
    All a;
    a.dbl = v;
    std::vector<uint8_t> b = save(a);
    All out;
    Decoder d(b.data(), b.size(), "test");
    all_state().load(out, d);
    CHECK(std::memcmp(&out.dbl, &v, 8) == 0);
  }
}

namespace {

// A device whose version 2 added "irq" and version 3 added "name": files written by each
// version load into the newest declaration.
struct Dev {
  uint32_t regs = 0;
  uint8_t irq = 0x55;
  std::string name = "default";
};
Description<Dev> dev_state(uint32_t version, uint32_t oldest = 1) {
  auto d = Description<Dev>("dev", version, oldest).field("regs", &Dev::regs);
  if (version >= 2) d.field("irq", &Dev::irq, 2);
  if (version >= 3) d.field("name", &Dev::name, 3);
  return d;
}

template <class T> std::vector<uint8_t> encode(const Description<T>& d, const T& o) {
  Encoder e;
  d.save(o, e);
  return e.buf;
}

}  // namespace

TEST_CASE("an older version loads, fields it did not have keep their defaults", "[state][description]") {
  Dev old;
  old.regs = 0x1234;
  old.irq = 9;
  old.name = "not written by v1";
  std::vector<uint8_t> v1 = encode(dev_state(1), old);
  CHECK(v1 == std::vector<uint8_t>{0, 0, 0, 1, 0, 0, 0x12, 0x34});

  Dev now;
  Decoder d(v1.data(), v1.size(), "test");
  dev_state(3).load(now, d);
  CHECK(d.done());
  CHECK(now.regs == 0x1234);
  CHECK(now.irq == 0x55);
  CHECK(now.name == "default");

  std::vector<uint8_t> v2 = encode(dev_state(2), old);
  Dev now2;
  Decoder d2(v2.data(), v2.size(), "test");
  dev_state(3).load(now2, d2);
  CHECK(d2.done());
  CHECK(now2.irq == 9);
  CHECK(now2.name == "default");
}

TEST_CASE("a newer or too old version is refused naming the part and the versions", "[state][description]") {
  Dev o;
  std::vector<uint8_t> v3 = encode(dev_state(3), o);
  Dev out;
  Decoder d(v3.data(), v3.size(), "snap.vfs: section 'dev 0'", 100);
  CHECK_THROWS_WITH(dev_state(2).load(out, d),
                    "snap.vfs: section 'dev 0' at offset 104: dev version 3 is newer than this vfsim reads (2)");

  std::vector<uint8_t> v1 = encode(dev_state(1), o);
  Decoder d1(v1.data(), v1.size(), "snap.vfs: section 'dev 0'", 100);
  CHECK_THROWS_WITH(dev_state(3, 2).load(out, d1),
                    "snap.vfs: section 'dev 0' at offset 104: dev version 1 is older than this vfsim reads (2)");
}

TEST_CASE("a field cannot be newer than its description", "[state][description]") {
  // It would be written but never read back: the declaration is refused at once.
  CHECK_THROWS_WITH(Description<Dev>("dev", 2).field("name", &Dev::name, 3),
                    "state description 'dev': field 'name' since version 3, but the description is version 2");
}

namespace {

// Peers are pointers in memory and ids in the state: computed fields turn one into the other.
struct Peer {
  uint32_t id = 0;
};
struct Endpoint {
  Peer* peer = nullptr;
  uint64_t seq = 0;
  std::vector<Peer>* peers = nullptr;   // not state: where ids are resolved
};
const Description<Endpoint>& endpoint_state() {
  static const auto d = Description<Endpoint>("endpoint", 1)
                            .field("seq", &Endpoint::seq)
                            .computed(
                                "peer", [](const Endpoint& e, Encoder& enc) { enc.u32(e.peer ? e.peer->id : 0xffffffff); },
                                [](Endpoint& e, Decoder& dec) {
                                  uint32_t id = dec.u32();
                                  e.peer = nullptr;
                                  if (id == 0xffffffff) return;
                                  for (Peer& p : *e.peers)
                                    if (p.id == id) e.peer = &p;
                                  if (!e.peer) dec.fail("no peer " + std::to_string(id));
                                });
  return d;
}

}  // namespace

TEST_CASE("computed fields turn pointers into ids and back", "[state][description]") {
  std::vector<Peer> peers{{4}, {7}};
  Endpoint e{&peers[1], 99, &peers};
  std::vector<uint8_t> b = encode(endpoint_state(), e);
  CHECK(b == std::vector<uint8_t>{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 99, 0, 0, 0, 7});

  std::vector<Peer> other{{7}, {4}};   // another process: the same ids at other addresses
  Endpoint out{nullptr, 0, &other};
  Decoder d(b.data(), b.size(), "test");
  endpoint_state().load(out, d);
  CHECK(out.seq == 99);
  CHECK(out.peer == &other[0]);

  b.back() = 5;
  Decoder bad(b.data(), b.size(), "test");
  CHECK_THROWS_WITH(endpoint_state().load(out, bad), "test at offset 16: no peer 5");
}

TEST_CASE("malformed values are refused with the offset", "[state][description]") {
  All a;
  std::vector<uint8_t> b = save(a);
  b[35] = 2;   // the bool
  All out;
  Decoder d(b.data(), b.size(), "test");
  CHECK_THROWS_WITH(all_state().load(out, d), "test at offset 36: a bool of 2");

  std::vector<uint8_t> t = save(a);
  t.resize(50);   // inside the double
  Decoder dt(t.data(), t.size(), "test");
  CHECK_THROWS_WITH(all_state().load(out, dt), "test at offset 45: truncated (8 bytes wanted, 5 left)");
}

TEST_CASE("a huge count is refused before anything is allocated", "[state][description]") {
  struct V {
    std::vector<uint64_t> v;
    std::vector<uint8_t> bytes;
    std::vector<std::string> strs;
    std::map<uint32_t, uint32_t> m;
    std::vector<Cookie> cookies;
  };
  auto d = Description<V>("v", 1)
               .field("v", &V::v)
               .field("bytes", &V::bytes)
               .field("strs", &V::strs)
               .field("m", &V::m)
               .field("cookies", &V::cookies);
  // Each vector's count at 4 + 4*i in turn is 0xffffffff, with 100 bytes behind it: the
  // element's smallest encoding says that cannot fit.
  for (int i = 0; i < 5; ++i) {
    std::vector<uint8_t> b(4 + 4 * 5 + 100, 0);
    b[3] = 1;
    put_be(&b[4 + 4 * i], 4, 0xffffffff);
    V out;
    Decoder dec(b.data(), b.size(), "test");
    CHECK_THROWS_WITH(d.load(out, dec), "test at offset " + std::to_string(8 + 4 * i) +
                                             ": a count of 4294967295 elements does not fit");
    CHECK(out.v.capacity() == 0);
    CHECK(out.strs.capacity() == 0);
  }
  // Just fitting is fine: 3 u64s in 24 bytes.
  std::vector<uint8_t> ok{0, 0, 0, 1, 0, 0, 0, 3};
  ok.resize(8 + 24 + 16, 0);
  V out;
  Decoder dok(ok.data(), ok.size(), "test");
  d.load(out, dok);
  CHECK(out.v.size() == 3);
  CHECK(dok.done());
  // One byte short is not.
  ok.resize(8 + 23);
  Decoder dshort(ok.data(), ok.size(), "test");
  CHECK_THROWS_WITH(d.load(out, dshort), "test at offset 8: a count of 3 elements does not fit");
}

TEST_CASE("get_be and put_be", "[state][codec]") {
  uint8_t b[8] = {};
  put_be(b, 3, 0xaabbccdd);   // the low n bytes
  CHECK(b[0] == 0xbb);
  CHECK(b[1] == 0xcc);
  CHECK(b[2] == 0xdd);
  CHECK(b[3] == 0);
  CHECK(get_be(b, 3) == 0xbbccdd);
  put_be(b, 8, 0x0102030405060708ull);
  CHECK(get_be(b, 8) == 0x0102030405060708ull);
  CHECK(get_be(b, 1) == 1);
  CHECK(be16(b) == 0x0102);
  CHECK(be32(b + 4) == 0x05060708);
  CHECK(be64(b) == 0x0102030405060708ull);
}
