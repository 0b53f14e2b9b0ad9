// The migration payloads as the target reads them (ldm/migration_wire.h): each reader returns
// what a correct source sent, and refuses with WireError (or StateError for the domain) what
// a broken or hostile peer may send. The fuzz target tests/fuzz/fuzz_migration_frames.cpp
// goes on from here with arbitrary bytes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ldm/migration_wire.h"
#include "ldm/state_file.h"

using namespace vfsim::ldm;
using wire::WireError;

namespace {
std::string offer(const std::string& kind, const std::string& extra = "") {
  Model one;
  Domain d;
  d.name = "ldg1";
  d.vcpus = 4;
  d.memory = 1ull << 30;
  one.domains.push_back(d);
  return R"({"v":1,"domain":)" + model_to_json(one) + R"(,"source_name":"ldg1","kind":")" + kind +
         R"(","dry_run":true,"cpu":"UltraSPARC-T2+","stick_hz":1415000000,"layout":[[134217728,1073741824]],)"
         R"("channels":{"vdisk1":1,"ds":0},"crypto_units":0)" + extra + "}";
}
}  // namespace

TEST_CASE("memory frames round-trip and malformed ones are refused", "[migration][wire]") {
  std::vector<uint8_t> pages(3 * wire::kPage);
  for (size_t i = 0; i < pages.size(); ++i) pages[i] = uint8_t(i * 13 + i / wire::kPage);
  uint64_t ras[3] = {0x8000000, 0x8004000, 0x10000000};
  std::string z = wire::memory_frame(ras, pages.data(), 3);
  wire::MemoryFrame f;
  REQUIRE(wire::parse_memory_frame(z, f));
  REQUIRE(f.count == 3);
  for (size_t j = 0; j < 3; ++j) {
    CHECK(f.ra(j) == ras[j]);
    CHECK(std::equal(f.page(j), f.page(j) + wire::kPage, pages.data() + j * wire::kPage));
  }
  // Not zlib, truncated, a raw size it does not have, more than announced.
  CHECK_FALSE(wire::parse_memory_frame("", f));
  CHECK_FALSE(wire::parse_memory_frame(std::string("\0\0\0\1x", 5), f));
  CHECK_FALSE(wire::parse_memory_frame(z.substr(0, z.size() / 2), f));
  std::string lie = z;
  lie[3] = char(lie[3] + 1);
  CHECK_FALSE(wire::parse_memory_frame(lie, f));
  // A frame announcing more than 128 pages' worth is refused before anything is allocated.
  std::string huge = z;
  huge[0] = '\x7f';
  CHECK_FALSE(wire::parse_memory_frame(huge, f));
  // Well-formed zlib around a bad layout: no pages, 129 pages, a count the size does not match.
  auto raw_frame = [](uint32_t count, size_t pages_in) {
    std::string raw(4 + pages_in * (8 + wire::kPage), '\0');
    raw[0] = char(count >> 24);
    raw[1] = char(count >> 16);
    raw[2] = char(count >> 8);
    raw[3] = char(count);
    return wire::deflate(raw);
  };
  CHECK(wire::parse_memory_frame(raw_frame(1, 1), f));
  CHECK_FALSE(wire::parse_memory_frame(raw_frame(0, 0), f));
  CHECK_FALSE(wire::parse_memory_frame(raw_frame(2, 1), f));
  CHECK_FALSE(wire::parse_memory_frame(raw_frame(129, 129), f));
  CHECK_FALSE(wire::parse_memory_frame(wire::deflate("ab"), f));
}

TEST_CASE("HELLO, BEGIN and DONE are read strictly", "[migration][wire]") {
  wire::Hello h = wire::parse_hello(R"({"v":1,"user":"root","source":"a","password":"pw"})");
  CHECK(h.user == "root");
  CHECK(h.source == "a");
  CHECK(h.has_password);
  CHECK(h.password == "pw");
  CHECK_FALSE(wire::parse_hello(R"({"user":"root","source":"a"})").has_password);
  CHECK_THROWS_AS(wire::parse_hello(R"({"user":1,"source":"a"})"), WireError);
  CHECK_THROWS_AS(wire::parse_hello("not json"), WireError);
  CHECK_THROWS_AS(wire::parse_hello("[]"), WireError);
  // Read before authentication: a large or deeply nested body is refused unread.
  CHECK_THROWS_WITH(wire::parse_hello(std::string(70000, ' ') + "{}"), Catch::Contains("longer than"));
  CHECK_THROWS_WITH(wire::parse_hello(std::string(1000, '[') + std::string(1000, ']')), Catch::Contains("nested deeper"));
  // Brackets inside strings do not count.
  CHECK(wire::parse_hello(R"({"user":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[","source":"\"[[["})").user.size() == 38);

  CHECK(wire::parse_begin(R"({"pages":1234})").pages == 1234);
  CHECK(wire::parse_begin(R"({"pages":0})").pages == 0);   // (a live round may be empty)
  {
    wire::Begin b = wire::parse_begin(R"({"pages":7,"round":3,"from":40,"to":60})");
    CHECK(b.round == 3);
    CHECK(b.from_pct == 40);
    CHECK(b.to_pct == 60);
    b = wire::parse_begin(R"({"pages":7})");   // warm: the whole transfer
    CHECK(b.from_pct == 5);
    CHECK(b.to_pct == 98);
  }
  CHECK_THROWS_AS(wire::parse_begin(R"({"pages":7,"from":60,"to":40})"), WireError);
  CHECK_THROWS_AS(wire::parse_begin(R"({"pages":7,"to":101})"), WireError);
  CHECK(wire::parse_scrubbed(R"({"bytes":8192,"scrub_us":7})").scrub_us == 7);
  CHECK_THROWS_AS(wire::parse_scrubbed(R"({"bytes":-1,"scrub_us":7})"), WireError);
  CHECK_THROWS_AS(wire::parse_scrubbed(R"({"bytes":1})"), WireError);
  CHECK(wire::parse_done(R"({"pages":3,"crc":3735928559})") == 3735928559u);
  // Fractions (undefined behaviour when converted out of range), negative numbers (they
  // wrapped around), numbers past the field.
  CHECK_THROWS_AS(wire::parse_begin(R"({"pages":1e300})"), WireError);
  CHECK_THROWS_AS(wire::parse_begin(R"({"pages":-1})"), WireError);
  CHECK_THROWS_AS(wire::parse_begin(R"({"pages":"7"})"), WireError);
  CHECK_THROWS_AS(wire::parse_done(R"({"crc":4294967296})"), WireError);
  CHECK_THROWS_AS(wire::parse_done(R"({"crc":1.5})"), WireError);
  CHECK_THROWS_AS(wire::parse_done(R"({"pages":1})"), WireError);
}

TEST_CASE("the offer is read whole before anything is done with it", "[migration][wire]") {
  wire::Offer o = wire::parse_offer(offer("active"));
  CHECK(o.kind == "active");
  CHECK(o.dry_run);
  CHECK(o.domain.name == "ldg1");
  CHECK(o.domain.vcpus == 4);
  CHECK(o.cpu == "UltraSPARC-T2+");
  CHECK(o.stick_hz == 1415000000);
  REQUIRE(o.layout.size() == 1);
  CHECK(o.layout[0] == std::pair<uint64_t, uint64_t>(134217728, 1073741824));
  CHECK(o.channels.at("vdisk1") == 1);
  CHECK(o.pages == 0);
  CHECK(wire::parse_offer(offer("bound", R"(,"pages":12)")).pages == 12);
  // What target_check read only after it had bound the receiving domain ("pages") is read
  // here, before: a malformed one no longer leaves a bound domain behind.
  CHECK_THROWS_AS(wire::parse_offer(offer("bound", R"(,"pages":"many")")), WireError);
  CHECK_THROWS_AS(wire::parse_offer(offer("shiny")), WireError);
  CHECK_THROWS_AS(wire::parse_offer(offer("active", R"(,"layout":[[1]])")), WireError);
  CHECK_THROWS_AS(wire::parse_offer(offer("active", R"(,"channels":{"a":-1})")), WireError);
  CHECK_THROWS_AS(wire::parse_offer(R"({"kind":"active","dry_run":false,"domain":{"domains":[]}})"), WireError);
  // A fraction anywhere in the domain (model_from_json would convert it out of range).
  std::string frac = offer("inactive");
  frac.replace(frac.find("\"vcpus\":4"), 9, "\"vcpus\":1e300");
  CHECK_THROWS_WITH(wire::parse_offer(frac), Catch::Contains("fraction"));
  // The domain's own fields are model_from_json's to refuse.
  std::string wrong = offer("inactive");
  wrong.replace(wrong.find("\"vcpus\":4"), 9, "\"vcpus\":\"4\"");
  CHECK_THROWS_AS(wire::parse_offer(wrong), StateError);
  CHECK_THROWS_AS(wire::parse_offer(std::string(100, '{')), WireError);
  // 100,000 levels (a 200 KB frame): dump() of the domain overflowed the stack of ldmd's
  // main thread. Refused before anything is built.
  std::string deep = R"({"kind":"active","dry_run":false,"domain":)" + std::string(100000, '[') +
                     std::string(100000, ']') + "}";
  CHECK_THROWS_WITH(wire::parse_offer(deep), Catch::Contains("nested deeper than 32"));
}
