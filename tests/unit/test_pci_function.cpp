// dev::PciFunction: the type-0 header, BAR sizing (all-ones, read back the size mask), a
// 64-bit BAR, and walking the capability list.
#include <catch2/catch.hpp>

#include "sim/dev/pci_function.h"

using namespace vfsim::dev;

namespace {
struct TestFunction : PciFunction {
  TestFunction()
      : PciFunction("test", {0x1234, 0x5678, 0, 0, 0x020000, 3, 1}, {{4096, false}, {65536, true}, {0, false}}) {
    add_capability(0x05, 8, {{"A", 2, 2, RegAccess::RW, 0, 0x1}});
    add_capability(0x10, 0x14, {{"B", 2, 2, RegAccess::RO, 0x0002}});
    add_capability(0x11, 12, {{"C", 2, 2, RegAccess::RW, 7, 0xc000}});
  }
  bool bar_read(unsigned, uint64_t, unsigned, uint64_t& v) override { return v = 0, false; }
  bool bar_write(unsigned, uint64_t, unsigned, uint64_t) override { return false; }
};
uint64_t cfg(PciFunction& f, uint32_t off, unsigned size) {
  uint64_t v = ~0ull;
  REQUIRE(f.config_read(off, size, v));
  return v;
}
}  // namespace

TEST_CASE("PciFunction: identity and BAR sizing", "[dev]") {
  TestFunction f;
  CHECK(cfg(f, 0, 4) == 0x56781234);
  CHECK(cfg(f, 0x08, 4) == 0x02000003);
  CHECK((cfg(f, 0x06, 2) & 0x10) == 0x10);   // capabilities list
  // 32-bit BAR of 4 KB
  f.config_write(0x10, 4, 0xffffffff);
  CHECK(cfg(f, 0x10, 4) == 0xfffff000);
  // 64-bit BAR of 64 KB: low half keeps its type bits (64-bit: 0x4), high half all writable
  CHECK(cfg(f, 0x14, 4) == 0x4);
  f.config_write(0x14, 4, 0xffffffff);
  f.config_write(0x18, 4, 0xffffffff);
  CHECK(cfg(f, 0x14, 4) == 0xffff0004);
  CHECK(cfg(f, 0x18, 4) == 0xffffffff);
  // unimplemented BAR reads 0 after all-ones
  f.config_write(0x1c, 4, 0xffffffff);
  CHECK(cfg(f, 0x1c, 4) == 0);
  // assign, then enable memory decode
  f.config_write(0x10, 4, 0x80001000);
  f.config_write(0x14, 4, 0x00010000);
  f.config_write(0x18, 4, 0x00000002);
  CHECK(f.bar_address(1) == 0);   // memory decode off
  f.config_write(0x04, 2, kPciCmdMemory | kPciCmdBusMaster);
  CHECK(f.bar_address(0) == 0x80001000);
  CHECK(f.bar_address(1) == 0x200010000ull);
  CHECK(f.bus_master());
  f.reset();
  CHECK_FALSE(f.memory_enabled());
  CHECK(cfg(f, 0x10, 4) == 0);
}

TEST_CASE("PciFunction: the capability list walks from 0x34 to its end", "[dev]") {
  TestFunction f;
  std::vector<std::pair<uint8_t, uint8_t>> caps;   // (offset, id)
  uint8_t at = uint8_t(cfg(f, 0x34, 1));
  for (int n = 0; at && n < 48; ++n) {
    caps.push_back({at, uint8_t(cfg(f, at, 1))});
    at = uint8_t(cfg(f, at + 1, 1));
  }
  REQUIRE(caps.size() == 3);
  CHECK(caps[0] == std::make_pair(uint8_t(0x40), uint8_t(0x05)));
  CHECK(caps[1] == std::make_pair(uint8_t(0x48), uint8_t(0x10)));
  CHECK(caps[2] == std::make_pair(uint8_t(0x5c), uint8_t(0x11)));
  // the header of a capability is read-only; its registers follow their declaration
  f.config_write(0x5c, 2, 0xffff);
  CHECK(cfg(f, 0x5c, 2) == 0x0011);
  f.config_write(0x5e, 2, 0xffff);
  CHECK(cfg(f, 0x5e, 2) == 0xc007);
  uint64_t v;
  CHECK_FALSE(f.config_read(0x5e, 4, v));   // misaligned
  CHECK_FALSE(f.config_read(4096, 4, v));
}
