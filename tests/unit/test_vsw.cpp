// The virtual switch's own pieces, without a machine: the MAC learning table (what is
// learned, moved, forgotten; group addresses never), MAC parsing, and the pcap writer's
// bytes (the classic nanosecond format that tshark reads).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <vector>

#include "models/mac_table.h"
#include "models/pcap_writer.h"
#include "models/vsw.h"

using vfsim::models::MacTable;
using vfsim::models::parse_mac;
using vfsim::models::PcapWriter;

// libsystemc (under the models library) wants the program's sc_main; nothing starts SystemC.
extern "C" int sc_main(int, char**) { return 0; }

TEST_CASE("a source MAC is learned on its port and found again", "[vsw]") {
  MacTable t;
  CHECK(t.size() == 0);
  CHECK_FALSE(t.lookup(0x00144ff80001));
  CHECK(t.learn(0x00144ff80001, 2));
  CHECK_FALSE(t.learn(0x00144ff80001, 2));   // seen again on the same port: no change
  REQUIRE(t.lookup(0x00144ff80001));
  CHECK(*t.lookup(0x00144ff80001) == 2);
  CHECK(t.learn(0x00144ff80000, 0));
  CHECK(t.size() == 2);
  CHECK(t.count(0) == 1);
  CHECK(t.count(2) == 1);
  CHECK(t.count(1) == 0);
}

TEST_CASE("a MAC that shows up on another port moves there", "[vsw]") {
  MacTable t;
  t.learn(0x00144ff80001, 1);
  CHECK(t.learn(0x00144ff80001, 3));
  CHECK(*t.lookup(0x00144ff80001) == 3);
  CHECK(t.size() == 1);
  CHECK(t.count(1) == 0);
}

TEST_CASE("broadcast and multicast sources are never learned", "[vsw]") {
  MacTable t;
  CHECK(MacTable::is_group(MacTable::kBroadcast));
  CHECK(MacTable::is_group(0x01005e000001));   // IPv4 multicast
  CHECK(MacTable::is_group(0x333300000001));   // IPv6 multicast
  CHECK_FALSE(MacTable::is_group(0x00144ff80000));
  CHECK_FALSE(MacTable::is_group(0x020000000001));   // locally administered unicast
  CHECK_FALSE(t.learn(MacTable::kBroadcast, 0));
  CHECK_FALSE(t.learn(0x01005e000001, 0));
  CHECK(t.size() == 0);
  CHECK_FALSE(t.lookup(MacTable::kBroadcast));
}

TEST_CASE("a port that goes away takes only its own MACs with it", "[vsw]") {
  MacTable t;
  t.learn(0x00144ff80000, 0);
  t.learn(0x00144ff80001, 1);
  t.learn(0x00144ff80002, 1);
  t.learn(0x00144ff80003, 2);
  t.forget_port(1);
  CHECK(t.size() == 2);
  CHECK_FALSE(t.lookup(0x00144ff80001));
  CHECK_FALSE(t.lookup(0x00144ff80002));
  CHECK(*t.lookup(0x00144ff80000) == 0);
  CHECK(*t.lookup(0x00144ff80003) == 2);
  CHECK(t.learn(0x00144ff80001, 2));   // learned again wherever it shows up next
}

TEST_CASE("MACs above 48 bits are cut to 48 (ATTR_INFO carries them in a u64)", "[vsw]") {
  MacTable t;
  t.learn(0xabcd00144ff80005ull, 4);
  REQUIRE(t.lookup(0x00144ff80005));
  CHECK(*t.lookup(0x00144ff80005) == 4);
}

TEST_CASE("MAC strings parse with ':' or '-' and print back", "[vsw]") {
  CHECK(parse_mac("00:14:4f:f8:00:01") == 0x00144ff80001ull);
  CHECK(parse_mac("00-14-4F-F8-0A-FF") == 0x00144ff80affull);
  CHECK_FALSE(parse_mac("00:14:4f:f8:00"));
  CHECK_FALSE(parse_mac("00:14:4f:f8:00:0g"));
  CHECK_FALSE(parse_mac("0014.4ff8.0001..."));
  CHECK(vfsim::models::VirtualSwitch::mac_string(0x00144ff80aff) == "00:14:4f:f8:0a:ff");
}

TEST_CASE("the pcap file: nanosecond header, Ethernet link type, one record per frame", "[vsw]") {
  char path[] = "/tmp/vfsim-pcap-XXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  {
    PcapWriter w;
    REQUIRE(w.open(path));
    std::vector<uint8_t> frame(60, 0xab);
    w.write(1234567890123ull, frame.data(), 60);   // 1234.567890123 s of simulated time
    w.write(1234567890999ull, frame.data(), 14);
    CHECK(w.frames() == 2);
  }
  std::FILE* f = std::fopen(path, "rb");
  REQUIRE(f);
  std::vector<uint8_t> b(200);
  size_t n = std::fread(b.data(), 1, b.size(), f);
  std::fclose(f);
  std::remove(path);
  auto le32 = [&](size_t o) { return uint32_t(b[o]) | uint32_t(b[o + 1]) << 8 | uint32_t(b[o + 2]) << 16 | uint32_t(b[o + 3]) << 24; };
  REQUIRE(n == 24 + 16 + 60 + 16 + 14);
  CHECK(le32(0) == 0xa1b23c4d);                 // nanosecond timestamps
  CHECK((le32(4) & 0xffff) == 2);               // version 2.4
  CHECK(le32(4) >> 16 == 4);
  CHECK(le32(16) == 65535);                     // snaplen
  CHECK(le32(20) == 1);                         // LINKTYPE_ETHERNET
  CHECK(le32(24) == 1234);                      // seconds
  CHECK(le32(28) == 567890123);                 // nanoseconds
  CHECK(le32(32) == 60);
  CHECK(le32(36) == 60);
  CHECK(b[40] == 0xab);
  CHECK(le32(100) == 1234);
  CHECK(le32(104) == 567890999);
  CHECK(le32(108) == 14);
}

TEST_CASE("a pcap file that cannot be created is reported", "[vsw]") {
  PcapWriter w;
  CHECK_FALSE(w.open("/nonexistent-dir/x.pcap"));
  CHECK_FALSE(w.is_open());
  uint8_t frame[14] = {};
  w.write(0, frame, 14);   // harmless without a file
  CHECK(w.frames() == 0);
}

TEST_CASE("the table is bounded: past its capacity a MAC is not learned, and that is counted", "[vsw]") {
  MacTable t(3);
  CHECK(t.capacity() == 3);
  CHECK(MacTable().capacity() == MacTable::kDefaultCapacity);
  for (uint64_t m = 0; m < 3; ++m) CHECK(t.learn(0x00144ff80000 + m, unsigned(m)));
  CHECK_FALSE(t.learn(0x00144ff80010, 0));   // full: not learned (frames to it are flooded)
  CHECK_FALSE(t.lookup(0x00144ff80010));
  CHECK(t.refused() == 1);
  CHECK(t.size() == 3);
  CHECK(t.learn(0x00144ff80001, 2));   // a known MAC may still move
  t.forget_port(0);
  CHECK(t.learn(0x00144ff80010, 0));   // room again
  CHECK(t.refused() == 1);
}
