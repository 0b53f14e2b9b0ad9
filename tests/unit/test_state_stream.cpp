// The state stream: sections written and read back, and every way a stream can be damaged
// (bad magic, newer format, truncation at any byte, a flipped bit in any byte, a missing
// section or end, a duplicate) refused with one line naming the file, section and offset.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "sim/state/stream.h"

using namespace vfsim::state;

namespace {

struct Host {
  uint64_t ticks = 0;
  std::string platform;
  std::vector<uint32_t> strands;
};
const Description<Host>& host_state(uint32_t version = 1) {
  static const auto v1 =
      Description<Host>("host", 1).field("ticks", &Host::ticks).field("platform", &Host::platform);
  static const auto v2 = Description<Host>("host", 2)
                             .field("ticks", &Host::ticks)
                             .field("platform", &Host::platform)
                             .field("strands", &Host::strands, 2);
  return version == 1 ? v1 : v2;
}

std::vector<uint8_t> write(const std::function<void(StreamWriter&)>& body, bool finish = true) {
  std::vector<uint8_t> out;
  StreamWriter w([&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  body(w);
  if (finish) w.finish();
  CHECK(w.bytes() == out.size());
  return out;
}

// A small stream: header (12), "host" v1 part (4+2+4+4+8 + 8+4+5 + 4 = 43 bytes at 12),
// "mem" with 3 payload bytes (4+2+3+4+8+3+4 = 28 at 55), end (4+2+3+4+8+4+4 = 29 at 83).
std::vector<uint8_t> small() {
  return write([](StreamWriter& w) {
    Host h{0x1122334455667788ull, "T5240", {}};
    w.part("host", host_state(1), h);
    const uint8_t m[3] = {0xaa, 0xbb, 0xcc};
    w.section("mem", 7, m, 3);
  });
}

StateError refusal(const std::vector<uint8_t>& b, const std::string& source = "snap.vfs") {
  try {
    StreamReader r(b.data(), b.size(), source);
  } catch (const StateError& e) {
    return e;
  }
  FAIL("the stream was accepted");
  return StateError("");
}

bool one_line(const std::string& s) {
  for (char c : s)
    if (c == '\n' || c == '\r' || c == '\0') return false;
  return !s.empty() && s.size() < 500;
}

}  // namespace

TEST_CASE("the small stream has the documented layout", "[state][stream]") {
  std::vector<uint8_t> b = small();
  REQUIRE(b.size() == 112);
  CHECK(std::string(b.begin(), b.begin() + 8) == "VFSIMSTA");
  CHECK(be32(&b[8]) == 1);
  CHECK(be32(&b[12]) == kSectionMarker);
  CHECK(be16(&b[16]) == 4);
  CHECK(std::string(b.begin() + 18, b.begin() + 22) == "host");
  CHECK(be32(&b[22]) == 1);    // the description's version
  CHECK(be64(&b[26]) == 17);   // u64 ticks, u32 length, "T5240"
  CHECK(be64(&b[34]) == 0x1122334455667788ull);
  // The CRC covers the name length to the payload's end, not the marker.
  CHECK(be32(&b[51]) == crc32(&b[16], 51 - 16));
  CHECK(be32(&b[55]) == kSectionMarker);
  CHECK(std::string(b.begin() + 89, b.begin() + 92) == "end");
  CHECK(be32(&b[104]) == 2);   // two sections before it
}

TEST_CASE("a stream of many sections round-trips", "[state][stream]") {
  std::vector<uint8_t> b = write([](StreamWriter& w) {
    Host h{42, "T5440", {0, 1, 63}};
    w.part("host", host_state(2), h);
    for (uint32_t i = 0; i < 300; ++i) {
      std::vector<uint8_t> payload(i % 37, uint8_t(i));
      w.section("guest ldg" + std::to_string(i % 3) + "/vcpu " + std::to_string(i), i, payload.data(), payload.size());
    }
    std::vector<uint8_t> big(1 << 20);
    for (size_t i = 0; i < big.size(); ++i) big[i] = uint8_t(i * 7);
    w.section("memory ldg1 0", 1, big.data(), big.size());
    CHECK(w.sections() == 302);
  });
  StreamReader r(b.data(), b.size(), "many.vfs");
  REQUIRE(r.sections().size() == 302);
  CHECK(r.sections()[0].name == "host");
  for (uint32_t i = 0; i < 300; ++i) {
    const Section& s = r.sections()[i + 1];
    CHECK(s.name == "guest ldg" + std::to_string(i % 3) + "/vcpu " + std::to_string(i));
    CHECK(s.version == i);
    REQUIRE(s.size == i % 37);
    for (uint64_t k = 0; k < s.size; ++k) CHECK(s.payload[k] == uint8_t(i));
  }
  const Section& mem = r.at("memory ldg1 0");
  REQUIRE(mem.size == 1u << 20);
  CHECK(mem.payload[12345] == uint8_t(12345 * 7));
  CHECK(mem.payload == b.data() + mem.offset);
  CHECK(r.with_prefix("guest ldg1/").size() == 100);
  CHECK(r.with_prefix("guest ldg1/")[0]->name == "guest ldg1/vcpu 1");
  CHECK(r.find("guest ldg9") == nullptr);
  CHECK_THROWS_WITH(r.at("guest ldg9"), "many.vfs: section 'guest ldg9' is missing");

  Host h;
  r.part("host", host_state(2), h);
  CHECK(h.ticks == 42);
  CHECK(h.platform == "T5440");
  CHECK(h.strands == std::vector<uint32_t>{0, 1, 63});
}

TEST_CASE("parts: an older section loads, a newer one and leftovers are refused", "[state][stream]") {
  std::vector<uint8_t> b = small();
  StreamReader r(b.data(), b.size(), "snap.vfs");
  Host h;
  h.strands = {9};   // v1 has no strands: they stay as they were
  r.part("host", host_state(2), h);
  CHECK(h.ticks == 0x1122334455667788ull);
  CHECK(h.platform == "T5240");
  CHECK(h.strands == std::vector<uint32_t>{9});

  std::vector<uint8_t> b2 = write([](StreamWriter& w) { w.part("host", host_state(2), Host{1, "x", {1}}); });
  StreamReader r2(b2.data(), b2.size(), "new.vfs");
  CHECK_THROWS_WITH(r2.part("host", host_state(1), h),
                    "new.vfs: section 'host' at offset 34: host version 2 is newer than this vfsim reads (1)");

  // A section declared version 1 that carries version 2's extra vector: bytes left over.
  std::vector<uint8_t> b3 = write([](StreamWriter& w) {
    Encoder e;
    host_state(2).save_fields(Host{1, "x", {1}}, e);
    w.section("host", 1, e);
  });
  StreamReader r3(b3.data(), b3.size(), "odd.vfs");
  CHECK_THROWS_WITH(r3.part("host", host_state(2), h), "odd.vfs: section 'host' at offset 47: 8 bytes left over after host");
}

TEST_CASE("bad magic and a newer format are refused", "[state][stream]") {
  std::vector<uint8_t> b = small();
  b[0] = 'W';
  CHECK(std::string(refusal(b).what()) == "snap.vfs: not a vfsim state stream (bad magic)");
  b = small();
  b[11] = 2;
  CHECK(std::string(refusal(b).what()) == "snap.vfs: format version 2 is newer than this vfsim reads (1)");
  b[11] = 0;
  CHECK(std::string(refusal(b).what()) == "snap.vfs: format version 0 is not a vfsim format");
  CHECK(std::string(refusal({}).what()) == "snap.vfs: not a vfsim state stream (bad magic)");
}

TEST_CASE("a stream truncated at any byte is refused", "[state][stream]") {
  const std::vector<uint8_t> full = small();
  for (size_t n = 0; n < full.size(); ++n) {
    CAPTURE(n);
    std::vector<uint8_t> b(full.begin(), full.begin() + n);
    b.shrink_to_fit();   // so a read past the end is caught by the sanitizers
    std::string m = refusal(b).what();
    CAPTURE(m);
    CHECK(one_line(m));
    CHECK(m.rfind("snap.vfs", 0) == 0);
    if (n < 8)
      CHECK(m == "snap.vfs: not a vfsim state stream (bad magic)");
    else
      CHECK(m.find("truncated") != std::string::npos);
  }
  // A few of them exactly: in the header, between sections, in a payload, in a CRC.
  auto at = [&](size_t n) {
    std::vector<uint8_t> b(full.begin(), full.begin() + n);
    return std::string(refusal(b).what());
  };
  CHECK(at(10) == "snap.vfs at offset 8: truncated (4 bytes wanted, 2 left)");
  CHECK(at(12) == "snap.vfs at offset 12: truncated: no end section");
  CHECK(at(20) == "snap.vfs at offset 18: truncated (4 bytes wanted, 2 left)");
  CHECK(at(40) == "snap.vfs: section 'host' at offset 12: truncated (17 payload bytes declared, 6 left)");
  CHECK(at(53) == "snap.vfs: section 'host' at offset 12: truncated (no CRC)");
  CHECK(at(55) == "snap.vfs at offset 55: truncated: no end section");
  CHECK(at(83) == "snap.vfs at offset 83: truncated: no end section");
  CHECK(at(110) == "snap.vfs: section 'end' at offset 83: truncated (no CRC)");
}

TEST_CASE("a flipped bit in any byte is refused", "[state][stream]") {
  // Every byte is checked: the magic is compared, any change to the format version makes it
  // 0 or newer than 1, and everything after the header is a section's marker (compared),
  // covered by its CRC, or the CRC itself. So no flip can go unnoticed.
  const std::vector<uint8_t> full = small();
  for (size_t i = 0; i < full.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      CAPTURE(i, bit);
      std::vector<uint8_t> b = full;
      b[i] ^= uint8_t(1 << bit);
      std::string m = refusal(b).what();
      CAPTURE(m);
      CHECK(one_line(m));
      CHECK(m.rfind("snap.vfs", 0) == 0);
      auto in = [&](size_t a, size_t b) { return i >= a && i < b; };
      if (in(0, 8)) {
        CHECK(m == "snap.vfs: not a vfsim state stream (bad magic)");
      } else if (in(8, 12)) {
        CHECK(m.find("snap.vfs: format version") == 0);
      } else if (in(12, 16) || in(55, 59) || in(83, 87)) {
        CHECK(m == "snap.vfs at offset " + std::to_string(i < 16 ? 12 : i < 59 ? 55 : 83) + ": no section starts here (corrupted)");
      } else if (in(16, 18) || in(26, 34) || in(59, 61) || in(68, 76) || in(87, 89) || in(96, 104)) {
        // A name length or payload size: the sections no longer line up; caught as a
        // truncation, a missing marker or a CRC over other bytes.
        CHECK(m.find("offset") != std::string::npos);
      } else {
        // A name (the message then shows the damaged name), a version, a payload or a CRC.
        size_t section = i < 55 ? 12 : i < 83 ? 55 : 83;
        CHECK(m.find("' at offset " + std::to_string(section) + ": CRC mismatch (corrupted)") != std::string::npos);
      }
    }
}

TEST_CASE("a damaged name still gives one short line", "[state][stream]") {
  std::vector<uint8_t> b = small();
  b[19] = '\n';   // "h\nst"
  CHECK(std::string(refusal(b).what()) == "snap.vfs: section 'h\\x0ast' at offset 12: CRC mismatch (corrupted)");
  // A name length of 82: the name runs over the rest of the stream and the payload size is
  // read from the end section's CRC; the message quotes the first 80 bytes of the name.
  b = small();
  b[17] = 82;
  std::string m = refusal(b).what();
  CHECK(one_line(m));
  CHECK(m.find("...'") != std::string::npos);
  CHECK(printable(std::string("a'b\\c\x01\xff", 7)) == "a\\x27b\\x5cc\\x01\\xff");
  CHECK(printable(std::string(100, 'x')) == std::string(80, 'x') + "...");
}

TEST_CASE("missing end, missing sections, duplicates and trailing bytes are refused", "[state][stream]") {
  std::vector<uint8_t> noend = write([](StreamWriter& w) { w.section("a", 1, nullptr, 0); }, false);
  CHECK(std::string(refusal(noend).what()) == "snap.vfs at offset 35: truncated: no end section");

  // The stream without its "mem" section (bytes 55..82): the end section counts two.
  std::vector<uint8_t> b = small();
  b.erase(b.begin() + 55, b.begin() + 83);
  CHECK(std::string(refusal(b).what()) ==
        "snap.vfs: section 'end' at offset 55: the stream's sections do not add up (some are missing)");

  std::vector<uint8_t> dup = write([](StreamWriter& w) {
    w.section("a", 1, nullptr, 0);
    w.section("a", 1, nullptr, 0);
  });
  CHECK(std::string(refusal(dup).what()) == "snap.vfs: section 'a' at offset 35: appears twice");

  b = small();
  b.push_back(0);
  CHECK(std::string(refusal(b).what()) == "snap.vfs at offset 112: bytes after the end section");

  // Garbage where a section should start.
  b = small();
  b.insert(b.begin() + 55, {1, 2, 3, 4});
  CHECK(std::string(refusal(b).what()) == "snap.vfs at offset 55: no section starts here (corrupted)");
}

TEST_CASE("a huge declared payload is refused before it is read", "[state][stream]") {
  std::vector<uint8_t> b = small();
  put_be(&b[26], 8, ~0ull);
  CHECK(std::string(refusal(b).what()) ==
        "snap.vfs: section 'host' at offset 12: truncated (18446744073709551615 payload bytes declared, 78 left)");
}

TEST_CASE("a huge count inside a section is refused before allocating", "[state][stream]") {
  // A section whose CRC is right but whose vector count is not: the Decoder's count check,
  // with the section and the offset in the stream.
  Encoder e;
  e.u64(1);
  e.str("T5240");
  e.u32(0xfffffff0);   // strands
  e.u32(5);
  std::vector<uint8_t> b = write([&](StreamWriter& w) { w.section("host", 2, e); });
  StreamReader r(b.data(), b.size(), "snap.vfs");
  Host h;
  CHECK_THROWS_WITH(r.part("host", host_state(2), h),
                    "snap.vfs: section 'host' at offset 55: a count of 4294967280 elements does not fit");
  CHECK(h.strands.capacity() == 0);
}

TEST_CASE("the writer refuses what the reader could not read", "[state][stream]") {
  std::vector<uint8_t> out;
  StreamWriter w([&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  CHECK_THROWS_WITH(w.section("end", 1, nullptr, 0), "state stream: 'end' is the end section's name");
  CHECK_THROWS_WITH(w.section(std::string(0x10000, 'n'), 1, nullptr, 0), "state stream: section name too long");
  w.finish();
  CHECK_THROWS_WITH(w.section("late", 1, nullptr, 0), "state stream: section 'late' after the end");
  StreamReader r(out.data(), out.size(), "w.vfs");
  CHECK(r.sections().empty());
}

TEST_CASE("AtomicFile replaces a file whole or not at all", "[state][stream]") {
  char dir[] = "/tmp/vfsim-state-XXXXXX";
  REQUIRE(mkdtemp(dir));
  std::string path = std::string(dir) + "/snap.vfs";
  {
    AtomicFile f(path);
    StreamWriter w(f.sink());
    w.section("a", 1, reinterpret_cast<const uint8_t*>("xyz"), 3);
    w.finish();
    f.commit();
  }
  auto bytes_of = [](const std::string& p) {
    MappedFile m(p);
    return std::vector<uint8_t>(m.data(), m.data() + m.size());
  };
  std::vector<uint8_t> b = bytes_of(path);
  StreamReader r(b.data(), b.size(), path);
  REQUIRE(r.sections().size() == 1);
  CHECK(std::string(reinterpret_cast<const char*>(r.at("a").payload), 3) == "xyz");
  {
    AtomicFile f(path);   // never committed: the old file stays, the temporary goes
    f.write(reinterpret_cast<const uint8_t*>("junk"), 4);
  }
  CHECK(bytes_of(path) == b);
  CHECK(access((path + ".tmp").c_str(), F_OK) != 0);
  CHECK_THROWS_WITH(MappedFile(std::string(dir) + "/none"), "cannot read " + std::string(dir) + "/none: No such file or directory");
  CHECK_THROWS_WITH(AtomicFile(std::string(dir) + "/no/such/dir"),
                    "cannot write " + std::string(dir) + "/no/such/dir.tmp: No such file or directory");
  std::remove(path.c_str());
  rmdir(dir);
}
