// The NVMe controller (models/nvme.h) driven the way a driver does, on a fake bus: bring-up,
// Identify, I/O queues, PRP lists against the image file, phase tags, MSI-X timing, errors,
// controller reset, save/load mid-command and the completion time formula.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/nvme.h"
#include "sim/state/codec.h"
#include "tests/unit/fake_pci_bus.h"

using namespace vfsim;
using models::Nvme;
using test::FakePciBus;

namespace {

constexpr uint64_t kBus = 0x80000000;   // DVMA base; guest memory offset 0 is here
constexpr uint64_t kAsq = 0x0000, kAcq = 0x2000, kIoSq = 0x4000, kIoCq = 0x6000, kIdent = 0x8000, kList = 0xa000,
                   kData = 0x10000, kData2 = 0x40000;
constexpr uint32_t kMsiAddr = 0x7fff0000;
constexpr unsigned kMsixCap = 0x40;

struct TempImage {
  std::string path;
  explicit TempImage(size_t bytes, bool pattern = true) {
    char tmpl[] = "/tmp/nvme_test_XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    path = tmpl;
    std::vector<uint8_t> b(bytes);
    for (size_t i = 0; i < bytes; ++i) b[i] = pattern ? uint8_t(i * 7 + i / 512) : 0;
    REQUIRE(write(fd, b.data(), b.size()) == ssize_t(b.size()));
    close(fd);
  }
  ~TempImage() { std::remove(path.c_str()); }
  std::vector<uint8_t> bytes(uint64_t off, size_t n) const {
    std::ifstream f(path, std::ios::binary);
    std::vector<uint8_t> b(n);
    f.seekg(std::streamoff(off));
    f.read(reinterpret_cast<char*>(b.data()), std::streamsize(n));
    return b;
  }
};

struct Cqe {
  uint32_t dw0;
  uint16_t sq_head, sqid, cid, status;
  bool phase;
};

struct Sqe {
  uint8_t b[64] = {};
  Sqe(uint8_t op, uint16_t cid) { b[0] = op, b[2] = uint8_t(cid), b[3] = uint8_t(cid >> 8); }
  Sqe& nsid(uint32_t v) { return put(4, 4, v); }
  Sqe& prp1(uint64_t v) { return put(24, 8, v); }
  Sqe& prp2(uint64_t v) { return put(32, 8, v); }
  Sqe& cdw(unsigned n, uint32_t v) { return put(4 * n, 4, v); }
  Sqe& put(unsigned at, unsigned n, uint64_t v) {
    for (unsigned i = 0; i < n; ++i) b[at + i] = uint8_t(v >> (8 * i));
    return *this;
  }
};

// A driver's view of one controller.
struct Rig {
  TempImage img{1 << 20};   // 2048 blocks
  FakePciBus bus;
  models::NvmeTiming timing;
  std::unique_ptr<Nvme> dev;
  struct Q {
    uint64_t base;
    uint32_t size, tail = 0, head = 0;
    bool phase = true;
  };
  Q sq[9], cq[9];
  uint16_t next_cid = 1;

  Rig() {
    bus.map(kBus, 0, 1 << 20);
    dev = std::make_unique<Nvme>(img.path, timing);
    dev->attach(&bus);
    cfgw(0x10, 4, 0xfe000004);
    cfgw(0x14, 4, 0);
    cfgw(0x04, 2, dev::kPciCmdMemory | dev::kPciCmdBusMaster);
  }
  void cfgw(uint32_t off, unsigned size, uint64_t v) { REQUIRE(dev->config_write(off, size, v)); }
  uint64_t cfgr(uint32_t off, unsigned size) {
    uint64_t v;
    REQUIRE(dev->config_read(off, size, v));
    return v;
  }
  void w(uint64_t off, unsigned size, uint64_t v) { REQUIRE(dev->bar_write(0, off, size, v)); }
  uint64_t r(uint64_t off, unsigned size) {
    uint64_t v;
    REQUIRE(dev->bar_read(0, off, size, v));
    return v;
  }
  void msix_on() {
    for (unsigned v = 0; v < 8; ++v) {
      w(0x2000 + 16 * v, 4, kMsiAddr);
      w(0x2004 + 16 * v, 4, 0);
      w(0x2008 + 16 * v, 4, 0x20 + v);
      w(0x200c + 16 * v, 4, 0);   // unmask
    }
    cfgw(kMsixCap + 2, 2, 0x8000);
  }
  // Disable, admin queues of 16 entries, enable with 4 KB pages, 64/16-byte entries.
  void bring_up(unsigned mps = 0) {
    w(0x14, 4, 0);
    REQUIRE((r(0x1c, 4) & 1) == 0);
    w(0x24, 4, 15u << 16 | 15u);
    w(0x28, 8, kBus + kAsq);
    w(0x30, 8, kBus + kAcq);
    w(0x14, 4, 1 | mps << 7 | 6u << 16 | 4u << 20);
    REQUIRE((r(0x1c, 4) & 3) == 1);   // RDY, no CFS
    sq[0] = {kAsq, 16}, cq[0] = {kAcq, 16};
  }
  void submit(unsigned q, const Sqe& s) {
    std::memcpy(&bus.mem[sq[q].base + 64 * sq[q].tail], s.b, 64);
    sq[q].tail = (sq[q].tail + 1) % sq[q].size;
    w(0x1000 + 8 * q, 4, sq[q].tail);
  }
  bool cqe_pending(unsigned q) const {
    return bool(bus.get32(cq[q].base + 16 * cq[q].head + 12) >> 16 & 1) == cq[q].phase;
  }
  Cqe pop(unsigned q) {
    REQUIRE(cqe_pending(q));
    uint64_t at = cq[q].base + 16 * cq[q].head;
    uint32_t dw2 = bus.get32(at + 8), dw3 = bus.get32(at + 12);
    Cqe c{bus.get32(at), uint16_t(dw2), uint16_t(dw2 >> 16), uint16_t(dw3), uint16_t(dw3 >> 17), bool(dw3 >> 16 & 1)};
    if (++cq[q].head == cq[q].size) cq[q].head = 0, cq[q].phase = !cq[q].phase;
    w(0x1004 + 8 * q, 4, cq[q].head);
    return c;
  }
  // Run the device to its next due cycle.
  void advance() {
    uint64_t due = dev->next_due();
    REQUIRE(due != UINT64_MAX);
    if (due > bus.clock) bus.clock = due;
    dev->run(bus.clock);
  }
  Cqe cmd(unsigned q, Sqe s) {
    submit(q, s);
    advance();
    return pop(q);
  }
  Cqe admin(uint8_t op, uint32_t cdw10, uint32_t cdw11 = 0, uint64_t prp1 = 0, uint32_t nsid = 0) {
    return cmd(0, Sqe(op, next_cid++).cdw(10, cdw10).cdw(11, cdw11).prp1(prp1).nsid(nsid));
  }
  // I/O queue pair 1 of `entries`, CQ on vector 1.
  void io_queues(uint32_t entries = 16) {
    REQUIRE(admin(0x05, (entries - 1) << 16 | 1, 1u << 16 | 2 | 1, kBus + kIoCq).status == 0);
    REQUIRE(admin(0x01, (entries - 1) << 16 | 1, 1u << 16 | 1, kBus + kIoSq).status == 0);
    sq[1] = {kIoSq, entries}, cq[1] = {kIoCq, entries};
  }
  Sqe rw(uint8_t op, uint64_t slba, uint32_t blocks, uint64_t prp1, uint64_t prp2 = 0) {
    return Sqe(op, next_cid++).nsid(1).prp1(prp1).prp2(prp2).cdw(10, uint32_t(slba)).cdw(11, uint32_t(slba >> 32)).cdw(12, blocks - 1);
  }
};

std::string text(const std::vector<uint8_t>& m, size_t off, size_t n) {
  std::string s(reinterpret_cast<const char*>(&m[off]), n);
  return s.substr(0, s.find_last_not_of(' ') + 1);
}

}  // namespace

TEST_CASE("nvme: refuses a missing image and one whose size is not a multiple of 512", "[nvme]") {
  CHECK_THROWS_WITH(Nvme("/nonexistent/nvme.img"), Catch::Contains("/nonexistent/nvme.img"));
  TempImage odd(1000);
  CHECK_THROWS_WITH(Nvme(odd.path), Catch::Contains(odd.path));
}

TEST_CASE("nvme: config space identity, capabilities and BAR", "[nvme]") {
  Rig t;
  CHECK(t.cfgr(0, 4) == 0x0a0e108e);
  CHECK(t.cfgr(0x08, 4) >> 8 == 0x010802);
  CHECK(t.cfgr(0x34, 1) == kMsixCap);
  CHECK(t.cfgr(kMsixCap, 1) == 0x11);
  CHECK(t.cfgr(kMsixCap + 2, 2) == 7);   // 8 vectors
  CHECK(t.cfgr(kMsixCap + 4, 4) == 0x2000);
  CHECK(t.cfgr(kMsixCap + 8, 4) == 0x3000);
  uint8_t pcie = uint8_t(t.cfgr(kMsixCap + 1, 1));
  CHECK(t.cfgr(pcie, 1) == 0x10);
  CHECK(t.cfgr(pcie + 1, 1) == 0);
  CHECK((t.cfgr(pcie + 2, 2) >> 4 & 0xf) == 0);            // endpoint
  CHECK((t.cfgr(pcie + 0x12, 2) & 0x3ff) == 0x81);         // x8, 2.5 GT/s
  // 16 KB 64-bit BAR
  t.cfgw(0x10, 4, 0xffffffff);
  CHECK(t.cfgr(0x10, 4) == 0xffffc004);
  // CAP: MQES 1023, CQR, TO 1, DSTRD 0, CSS NVM, MPSMIN 0, MPSMAX 1
  uint64_t cap = t.r(0, 8);
  CHECK((cap & 0xffff) == 1023);
  CHECK((cap >> 16 & 1) == 1);
  CHECK((cap >> 24 & 0xff) == 1);
  CHECK((cap >> 32 & 0xf) == 0);
  CHECK((cap >> 37 & 1) == 1);
  CHECK((cap >> 48 & 0xf) == 0);
  CHECK((cap >> 52 & 0xf) == 1);
  CHECK(t.r(0x08, 4) == 0x00010400);
  CHECK(t.r(0x4, 4) == uint32_t(cap >> 32));   // the high half alone
  uint64_t v;
  CHECK_FALSE(t.dev->bar_read(0, 0x4000, 4, v));
  CHECK_FALSE(t.dev->bar_read(1, 0, 4, v));        // BAR1 is BAR0's upper half
  CHECK(t.r(0x800, 4) == 0);                        // reserved: reads 0
  t.w(0x800, 4, 0xffffffff);
  CHECK(t.r(0x800, 4) == 0);
  CHECK(t.r(0x1f00, 4) == 0);
}

TEST_CASE("nvme: bring-up and Identify like a driver", "[nvme]") {
  Rig t;
  t.msix_on();
  t.bring_up();
  Cqe c = t.admin(0x06, 1, 0, kBus + kIdent);
  CHECK(c.status == 0);
  CHECK(c.sqid == 0);
  CHECK(c.sq_head == 1);
  CHECK(c.phase);
  const auto& m = t.bus.mem;
  CHECK((m[kIdent] | m[kIdent + 1] << 8) == 0x108e);                       // VID
  CHECK(text(m, kIdent + 24, 40) == "vfsim NVMe controller");               // MN
  CHECK(m[kIdent + 77] == 5);                                               // MDTS
  CHECK(m[kIdent + 512] == 0x66);
  CHECK(m[kIdent + 513] == 0x44);
  CHECK(t.bus.get32(kIdent + 516) == 1);                                    // NN
  c = t.admin(0x06, 0, 0, kBus + kIdent, 1);
  CHECK(c.status == 0);
  CHECK(t.bus.get64(kIdent) == 2048);                                       // NSZE
  CHECK(t.bus.get64(kIdent + 8) == 2048);
  CHECK((t.bus.get32(kIdent + 128) >> 16 & 0xff) == 9);                     // LBADS
  // a namespace that does not exist; a CNS we do not have
  CHECK(t.admin(0x06, 0, 0, kBus + kIdent, 2).status == (0x0b | 0x4000));
  CHECK(t.admin(0x06, 0x10, 0, kBus + kIdent, 1).status == (0x02 | 0x4000));
  // Number of Queues
  c = t.admin(0x09, 0x07, 3u << 16 | 3);
  CHECK(c.status == 0);
  CHECK(c.dw0 == (7u << 16 | 7));
  // every admin completion sent an MSI on vector 0
  REQUIRE(t.bus.msis.size() == 5);
  CHECK(t.bus.msis[0].addr == kMsiAddr);
  CHECK(t.bus.msis[0].data == 0x20);
  CHECK(t.dev->describe() == "nvme: 2048 blocks of 512 bytes (" + t.img.path + "), 2 queues, 0 reads, 0 writes");
}

TEST_CASE("nvme: 64 KB written with a PRP list and read back, against the image file", "[nvme]") {
  Rig t;
  t.msix_on();
  t.bring_up();
  t.io_queues();
  // 16 pages of data, PRP1 on the first, a PRP list (in scattered order) for the other 15
  std::vector<uint64_t> pages;
  for (unsigned i = 0; i < 16; ++i) pages.push_back(kData + 0x1000 * ((i * 5) % 16));
  for (unsigned i = 0; i < 16; ++i)
    for (unsigned b = 0; b < 4096; ++b) t.bus.mem[pages[i] + b] = uint8_t(b * 13 + i);
  for (unsigned i = 1; i < 16; ++i) t.bus.put64(kList + 8 * (i - 1), kBus + pages[i]);
  Cqe c = t.cmd(1, t.rw(0x01, 100, 128, kBus + pages[0], kBus + kList));
  CHECK(c.status == 0);
  CHECK(c.sqid == 1);
  std::vector<uint8_t> file = t.img.bytes(100 * 512, 65536);
  bool same = true;
  for (unsigned i = 0; i < 16; ++i)
    same &= std::equal(file.begin() + 4096 * i, file.begin() + 4096 * (i + 1), t.bus.mem.begin() + long(pages[i]));
  CHECK(same);
  // read it back into one contiguous buffer (PRP list of consecutive pages)
  for (unsigned i = 1; i < 16; ++i) t.bus.put64(kList + 8 * (i - 1), kBus + kData2 + 0x1000 * i);
  c = t.cmd(1, t.rw(0x02, 100, 128, kBus + kData2, kBus + kList));
  CHECK(c.status == 0);
  CHECK(std::equal(file.begin(), file.end(), t.bus.mem.begin() + long(kData2)));
  CHECK(t.dev->counters().reads == 1);
  CHECK(t.dev->counters().writes == 1);
  // an unaligned PRP1 (offset 0x200) with one page in PRP2: 4 KB spanning two pages
  c = t.cmd(1, t.rw(0x02, 0, 8, kBus + kData + 0x200, kBus + kData2));
  CHECK(c.status == 0);
  std::vector<uint8_t> f0 = t.img.bytes(0, 4096);
  CHECK(std::equal(f0.begin(), f0.begin() + 0xe00, t.bus.mem.begin() + long(kData + 0x200)));
  CHECK(std::equal(f0.begin() + 0xe00, f0.end(), t.bus.mem.begin() + long(kData2)));
  // the I/O CQ's vector 1 fired for each
  REQUIRE(t.bus.msis.size() >= 3);
  CHECK(t.bus.msis.back().data == 0x21);
}

TEST_CASE("nvme: 8 KB pages (CC.MPS 1) and a chained PRP list", "[nvme]") {
  Rig t;
  t.bring_up(1);
  REQUIRE(t.admin(0x05, 15u << 16 | 1, 1u << 16 | 2 | 1, kBus + 0x7000).status == (0x02 | 0x4000));   // not 8 KB aligned
  REQUIRE(t.admin(0x05, 15u << 16 | 1, 1u << 16 | 2 | 1, kBus + 0x1e000).status == 0);
  REQUIRE(t.admin(0x01, 15u << 16 | 1, 1u << 16 | 1, kBus + 0x1c000).status == 0);
  t.sq[1] = {0x1c000, 16}, t.cq[1] = {0x1e000, 16};
  // 64 KB = 8 pages of 8 KB; the PRP list starts 16 bytes before its page's end: two entries,
  // the second a pointer to the next list page
  uint64_t list = 0x20000 + 8192 - 16, list2 = 0x24000;
  t.bus.put64(list, kBus + 0x40000 + 8192);
  t.bus.put64(list + 8, kBus + list2);
  for (unsigned i = 2; i < 8; ++i) t.bus.put64(list2 + 8 * (i - 2), kBus + 0x40000 + 8192 * i);
  Cqe c = t.cmd(1, t.rw(0x02, 0, 128, kBus + 0x40000, kBus + list));
  CHECK(c.status == 0);
  std::vector<uint8_t> f = t.img.bytes(0, 65536);
  CHECK(std::equal(f.begin(), f.end(), t.bus.mem.begin() + 0x40000));
}

TEST_CASE("nvme: the phase tag flips when the CQ wraps", "[nvme]") {
  Rig t;
  t.bring_up();
  t.io_queues(4);
  std::vector<bool> phases;
  for (int i = 0; i < 9; ++i) {
    Cqe c = t.cmd(1, t.rw(0x02, uint64_t(i), 1, kBus + kData));
    REQUIRE(c.status == 0);
    CHECK(c.sq_head == (i + 1) % 4);
    phases.push_back(c.phase);
  }
  CHECK(phases == std::vector<bool>{true, true, true, true, false, false, false, false, true});
}

TEST_CASE("nvme: the completion and its MSI-X come at the due cycle, not before", "[nvme]") {
  Rig t;
  t.msix_on();
  t.bring_up();
  t.io_queues();
  size_t msis = t.bus.msis.size();
  t.bus.clock = 1'000'000;
  t.submit(1, t.rw(0x02, 0, 8, kBus + kData));
  uint64_t due = t.dev->next_due();
  REQUIRE(due > t.bus.clock);
  CHECK(t.bus.wakes.back() == due);
  t.dev->run(due - 1);
  CHECK(t.bus.msis.size() == msis);
  CHECK_FALSE(t.cqe_pending(1));
  t.bus.clock = due;
  t.dev->run(due);
  REQUIRE(t.bus.msis.size() == msis + 1);
  CHECK(t.bus.msis.back().cycle == due);
  CHECK(t.bus.msis.back().addr == kMsiAddr);
  CHECK(t.bus.msis.back().data == 0x21);
  CHECK(t.pop(1).status == 0);
  CHECK(t.dev->next_due() == UINT64_MAX);

  // a masked vector: the PBA bit, then the message on unmask
  t.w(0x200c + 16, 4, 1);
  t.submit(1, t.rw(0x02, 0, 8, kBus + kData));
  t.advance();
  CHECK(t.bus.msis.size() == msis + 1);
  CHECK((t.r(0x3000, 8) >> 1 & 1) == 1);
  t.w(0x200c + 16, 4, 0);
  CHECK(t.bus.msis.size() == msis + 2);
  CHECK(t.r(0x3000, 8) == 0);
  t.pop(1);
  // the function mask works the same way
  t.cfgw(kMsixCap + 2, 2, 0xc000);
  t.submit(1, t.rw(0x02, 0, 8, kBus + kData));
  t.advance();
  CHECK(t.bus.msis.size() == msis + 2);
  t.cfgw(kMsixCap + 2, 2, 0x8000);
  CHECK(t.bus.msis.size() == msis + 3);
}

TEST_CASE("nvme: INTx when MSI-X is off, masked by INTMS", "[nvme]") {
  Rig t;
  t.bring_up();
  t.submit(0, Sqe(0x06, 1).cdw(10, 1).prp1(kBus + kIdent));
  CHECK_FALSE(t.bus.intx_level);
  t.advance();
  CHECK(t.bus.intx_level);
  CHECK(t.bus.intx_changes.back().pin == 1);
  t.pop(0);   // the head doorbell consumes it
  CHECK_FALSE(t.bus.intx_level);
  t.w(0x0c, 4, 1);   // INTMS
  CHECK(t.r(0x0c, 4) == 1);
  CHECK(t.r(0x10, 4) == 1);
  t.submit(0, Sqe(0x06, 2).cdw(10, 1).prp1(kBus + kIdent));
  t.advance();
  CHECK_FALSE(t.bus.intx_level);
  t.w(0x10, 4, 1);   // INTMC
  CHECK(t.r(0x0c, 4) == 0);
  CHECK(t.bus.intx_level);
}

TEST_CASE("nvme: an unmapped PRP is a Data Transfer Error; the next command works", "[nvme]") {
  Rig t;
  t.bring_up();
  t.io_queues();
  Cqe c = t.cmd(1, t.rw(0x02, 0, 8, 0x70000000));
  CHECK((c.status & 0xff) == 0x04);
  CHECK((c.status & 0x4000) != 0);   // DNR
  // a read-only mapping refuses the device's write into it
  t.bus.map(0x90000000, 0x60000, 0x2000, true, false);
  CHECK((t.cmd(1, t.rw(0x02, 0, 8, 0x90000000)).status & 0xff) == 0x04);
  // a PRP list that points nowhere
  c = t.cmd(1, t.rw(0x01, 0, 64, kBus + kData, 0x70001000));
  CHECK((c.status & 0xff) == 0x04);
  c = t.cmd(1, t.rw(0x02, 0, 8, kBus + kData));
  CHECK(c.status == 0);
  std::vector<uint8_t> f = t.img.bytes(0, 4096);
  CHECK(std::equal(f.begin(), f.end(), t.bus.mem.begin() + long(kData)));
  CHECK(t.dev->counters().errors == 3);
  CHECK((t.r(0x1c, 4) & 2) == 0);   // not fatal
}

TEST_CASE("nvme: bad commands complete with their status and nothing crashes", "[nvme]") {
  Rig t;
  t.bring_up();
  CHECK(t.admin(0x7f, 0).status == (0x01 | 0x4000));                                  // Invalid Opcode
  CHECK(t.admin(0x01, 15u << 16 | 1, 5u << 16 | 1, kBus + kIoSq).status == (0x100 | 0x4000));   // CQ invalid
  CHECK(t.admin(0x05, 15u << 16 | 9, 1, kBus + kIoCq).status == (0x101 | 0x4000));   // QID past 8
  CHECK(t.admin(0x05, 15u << 16 | 1, 9u << 16 | 1, kBus + kIoCq).status == (0x108 | 0x4000));   // vector
  CHECK(t.admin(0x05, 1, 1, kBus + kIoCq).status == (0x102 | 0x4000));                // one entry
  CHECK(t.admin(0x0a, 0x0b).status == (0x02 | 0x4000));                               // feature
  CHECK(t.admin(0x02, 0x00ff0001, 0, kBus + kIdent).status == 0);                                       // error log
  CHECK(t.admin(0x02, 0x00ff0042, 0, kBus + kIdent).status == (0x109 | 0x4000));
  t.io_queues();
  CHECK(t.admin(0x04, 1).status == (0x10c | 0x4000));   // the SQ still uses CQ 1
  CHECK(t.cmd(1, t.rw(0x02, 2047, 2, kBus + kData)).status == (0x80 | 0x4000));   // LBA range
  CHECK(t.cmd(1, t.rw(0x02, ~0ull, 1, kBus + kData)).status == (0x80 | 0x4000));
  CHECK(t.cmd(1, t.rw(0x02, 0, 257, kBus + kData)).status == (0x02 | 0x4000));    // past MDTS
  CHECK(t.cmd(1, t.rw(0x05, 0, 1, kBus + kData)).status == (0x01 | 0x4000));
  CHECK(t.cmd(1, t.rw(0x02, 0, 1, kBus + kData).nsid(2)).status == (0x0b | 0x4000));
  CHECK(t.cmd(1, Sqe(0x00, 77).nsid(1)).status == 0);   // Flush
  // doorbells for a queue that does not exist, or past a queue's size: ignored and counted
  uint64_t before = t.dev->counters().async_errors;
  t.w(0x1000 + 8 * 5, 4, 1);
  t.w(0x1000 + 8 * 1, 4, 16);
  t.w(0x1004 + 8 * 7, 4, 0);
  CHECK(t.dev->counters().async_errors == before + 3);
  CHECK(t.dev->next_due() == UINT64_MAX);
  // delete in order
  CHECK(t.admin(0x00, 1).status == 0);
  CHECK(t.admin(0x04, 1).status == 0);
  CHECK(t.admin(0x00, 1).status == (0x101 | 0x4000));
}

TEST_CASE("nvme: without bus mastering no command is fetched", "[nvme]") {
  Rig t;
  t.bring_up();
  t.cfgw(0x04, 2, dev::kPciCmdMemory);
  t.submit(0, Sqe(0x06, 1).cdw(10, 1).prp1(kBus + kIdent));
  CHECK(t.dev->next_due() == UINT64_MAX);
  CHECK(t.bus.mem[kIdent] == 0);
  t.cfgw(0x04, 2, dev::kPciCmdMemory | dev::kPciCmdBusMaster);
  t.w(0x1000, 4, t.sq[0].tail);   // the driver rings again
  t.advance();
  CHECK(t.pop(0).status == 0);
  CHECK((t.bus.mem[kIdent] | t.bus.mem[kIdent + 1] << 8) == 0x108e);
}

TEST_CASE("nvme: an unreadable SQ entry is fatal (CSTS.CFS); CC.EN=0 resets", "[nvme]") {
  Rig t;
  t.bring_up();
  t.io_queues();
  t.submit(1, t.rw(0x02, 0, 8, kBus + kData));   // pending, not yet due
  REQUIRE(t.dev->pending() == 1);
  t.w(0x14, 4, 0);
  CHECK((t.r(0x1c, 4) & 1) == 0);
  CHECK(t.dev->pending() == 0);
  uint64_t before = t.dev->counters().async_errors;
  t.w(0x1000 + 8, 4, 1);   // the I/O queue is gone
  CHECK(t.dev->counters().async_errors == before + 1);
  // again, with the admin SQ somewhere unmapped
  t.w(0x28, 8, 0x70000000);
  t.w(0x14, 4, 1 | 6u << 16 | 4u << 20);
  t.sq[0] = {kAsq, 16};
  t.w(0x1000, 4, 1);
  CHECK((t.r(0x1c, 4) & 3) == 3);   // RDY and CFS
  CHECK(t.dev->next_due() == UINT64_MAX);
  t.bring_up();   // a reset clears it
  CHECK(t.admin(0x06, 1, 0, kBus + kIdent).status == 0);
  // shutdown notification completes at once
  t.w(0x14, 4, 1 | 1u << 14 | 6u << 16 | 4u << 20);
  CHECK((t.r(0x1c, 4) >> 2 & 3) == 2);
}

TEST_CASE("nvme: save and load mid-command: the pending completion posts after load", "[nvme]") {
  Rig t;
  t.msix_on();
  t.bring_up();
  t.io_queues();
  t.bus.clock = 5'000'000;
  t.submit(1, t.rw(0x02, 10, 8, kBus + kData));
  uint64_t due = t.dev->next_due();
  REQUIRE(due > t.bus.clock);
  state::Encoder e;
  t.dev->save(e);
  size_t msis = t.bus.msis.size();

  // a second controller on the same image and a copy of the bus
  FakePciBus bus2 = t.bus;
  Nvme dev2(t.img.path, t.timing);
  dev2.attach(&bus2);
  state::Decoder d(e.buf.data(), e.buf.size());
  dev2.load(d);
  CHECK(d.done());
  CHECK(dev2.pending() == 1);
  CHECK(dev2.next_due() == due);
  CHECK(bus2.wakes.back() == due);
  dev2.run(due - 1);
  CHECK(bus2.msis.size() == msis);
  bus2.clock = due;
  dev2.run(due);
  REQUIRE(bus2.msis.size() == msis + 1);
  CHECK(bus2.msis.back().data == 0x21);
  uint32_t dw3 = bus2.get32(kIoCq + 12);
  CHECK((dw3 >> 16 & 1) == 1);
  CHECK((dw3 >> 17) == 0);
  CHECK(dev2.bar_address(0) == 0xfe000000);   // config came back too

  // a snapshot of another image size, and a corrupted queue, are refused
  TempImage small(512 * 16);
  Nvme dev3(small.path);
  state::Decoder d3(e.buf.data(), e.buf.size());
  CHECK_THROWS_AS(dev3.load(d3), state::StateError);
  std::vector<uint8_t> bad = e.buf;
  state::Decoder d4(bad.data(), bad.size() - 10);
  Nvme dev4(t.img.path);
  CHECK_THROWS_AS(dev4.load(d4), state::StateError);
}

TEST_CASE("nvme: a 128 KB command completes at latency + max(media, link)", "[nvme]") {
  Rig t;
  t.bring_up();
  t.io_queues();
  // 32 pages: PRP1 + a list of 31
  for (unsigned i = 1; i < 32; ++i) t.bus.put64(kList + 8 * (i - 1), kBus + kData + 0x1000 * i);
  t.bus.clock = 10'000'000;   // everything before is done and the link idle
  t.submit(1, t.rw(0x02, 0, 256, kBus + kData, kBus + kList));
  // read: 80 us at 1.4 cycles/ns = 112000 cycles; 131072 bytes: media 3.0 GB/s = 43690.7 ns =
  // 61167 cycles, the fake link 0.7 cycles a byte = 91751 cycles: the link is slower
  CHECK(t.dev->next_due() == 10'000'000 + 112000 + 91751);
  REQUIRE(t.bus.link_calls.back().upstream);
  CHECK(t.bus.link_calls.back().start == 10'000'000 + 112000);
  t.advance();
  CHECK(t.pop(1).status == 0);
  std::vector<uint8_t> f = t.img.bytes(0, 131072);
  CHECK(std::equal(f.begin(), f.end(), t.bus.mem.begin() + long(kData)));

  // write: 20 us = 28000 cycles; media 1.5 GB/s = 87381.3 ns = 122334 cycles, slower than the link
  t.bus.clock = 20'000'000;
  t.submit(1, t.rw(0x01, 0, 256, kBus + kData, kBus + kList));
  CHECK(t.dev->next_due() == 20'000'000 + 28000 + 122334);
  CHECK_FALSE(t.bus.link_calls.back().upstream);
  // a second command queued behind it starts when the device is free
  t.submit(1, Sqe(0x00, 99).nsid(1));
  t.advance();
  CHECK(t.pop(1).status == 0);
  t.bus.clock = t.dev->next_due();
  CHECK(t.bus.clock == 20'000'000 + 28000 + 122334 + 280000);   // flush 200 us
  t.dev->run(t.bus.clock);
  Cqe c = t.pop(1);
  CHECK(c.cid == 99);
}

TEST_CASE("nvme: a full CQ holds commands in the SQ until the host consumes", "[nvme]") {
  Rig t;
  t.bring_up();
  REQUIRE(t.admin(0x05, 3u << 16 | 1, 1u << 16 | 2 | 1, kBus + kIoCq).status == 0);   // CQ of 4
  REQUIRE(t.admin(0x01, 7u << 16 | 1, 1u << 16 | 1, kBus + kIoSq).status == 0);      // SQ of 8
  t.sq[1] = {kIoSq, 8}, t.cq[1] = {kIoCq, 4};
  for (int i = 0; i < 6; ++i) t.submit(1, t.rw(0x02, uint64_t(i), 1, kBus + kData + 512 * unsigned(i)));
  CHECK(t.dev->pending() == 3);   // a CQ of 4 holds 3
  t.advance();
  t.advance();
  t.advance();
  CHECK(t.dev->next_due() == UINT64_MAX);
  std::vector<uint16_t> heads;
  for (int i = 0; i < 6; ++i) {
    if (!t.cqe_pending(1)) t.advance();
    Cqe c = t.pop(1);   // each head doorbell lets one more in
    CHECK(c.status == 0);
    heads.push_back(c.sq_head);
  }
  CHECK(heads == std::vector<uint16_t>{1, 2, 3, 4, 5, 6});
  std::vector<uint8_t> f = t.img.bytes(0, 6 * 512);
  CHECK(std::equal(f.begin(), f.end(), t.bus.mem.begin() + long(kData)));
}

TEST_CASE("nvme: an enable the controller cannot run sets CSTS.CFS, not RDY", "[nvme]") {
  Rig t;
  auto try_enable = [&](uint32_t aqa, uint32_t cc) {
    t.w(0x14, 4, 0);
    t.w(0x24, 4, aqa);
    t.w(0x28, 8, kBus + kAsq);
    t.w(0x30, 8, kBus + kAcq);
    t.w(0x14, 4, cc);
    return uint32_t(t.r(0x1c, 4) & 3);
  };
  const uint32_t cc = 1 | 6u << 16 | 4u << 20;
  CHECK(try_enable(4095u << 16 | 15, cc) == 2);   // admin CQ of 4096 > MQES + 1
  CHECK(try_enable(15u << 16 | 0, cc) == 2);      // admin SQ of one entry
  CHECK(try_enable(15u << 16 | 15, cc | 2u << 7) == 2);   // 16 KB pages > MPSMAX
  CHECK(try_enable(15u << 16 | 15, cc | 1u << 4) == 2);   // not the NVM command set
  CHECK(try_enable(1023u << 16 | 1023, cc) == 1);
}

TEST_CASE("nvme: an image read that fails is an Internal Error", "[nvme]") {
  Rig t;
  t.bring_up();
  t.io_queues();
  REQUIRE(truncate(t.img.path.c_str(), 512 * 64) == 0);   // the file shrank under the device
  CHECK(t.cmd(1, t.rw(0x02, 100, 1, kBus + kData)).status == 0x06);
  CHECK(t.cmd(1, t.rw(0x02, 10, 1, kBus + kData)).status == 0);
  CHECK(t.dev->counters().reads == 1);
}

TEST_CASE("nvme: a queue deleted before its completions are due does not get them later", "[nvme]") {
  Rig t;
  t.bring_up();
  t.io_queues();
  t.submit(1, t.rw(0x02, 0, 1, kBus + kData));
  REQUIRE(t.dev->pending() == 1);
  // delete SQ 1 and CQ 1 and create them again before the read is due
  t.submit(0, Sqe(0x00, 50).cdw(10, 1));
  CHECK(t.dev->pending() == 1);   // the read's completion is gone, the delete's is there
  t.submit(0, Sqe(0x04, 51).cdw(10, 1));
  t.submit(0, Sqe(0x05, 52).cdw(10, 15u << 16 | 1).cdw(11, 1u << 16 | 2 | 1).prp1(kBus + kIoCq));
  t.submit(0, Sqe(0x01, 53).cdw(10, 15u << 16 | 1).cdw(11, 1u << 16 | 1).prp1(kBus + kIoSq));
  std::fill(t.bus.mem.begin() + long(kIoCq), t.bus.mem.begin() + long(kIoCq + 256), 0);
  t.sq[1] = {kIoSq, 16}, t.cq[1] = {kIoCq, 16};
  while (t.dev->next_due() != UINT64_MAX) t.advance();
  for (uint16_t cid = 50; cid < 54; ++cid) {
    Cqe c = t.pop(0);
    CHECK(c.cid == cid);
    CHECK(c.status == 0);
  }
  CHECK_FALSE(t.cqe_pending(1));
  CHECK(t.cmd(1, t.rw(0x02, 0, 1, kBus + kData)).status == 0);
}

TEST_CASE("nvme: a state of a newer version is refused", "[nvme]") {
  Rig t;
  t.bring_up();
  state::Encoder e, config;
  t.dev->save(e);
  t.dev->dev::PciFunction::save(config);   // the config header comes first
  REQUIRE(e.buf.size() > config.buf.size() + 4);
  CHECK(state::get_be(&e.buf[config.buf.size()], 4) == 1);   // the controller's own, version 1
  std::vector<uint8_t> newer = e.buf;
  state::put_be(&newer[config.buf.size()], 4, 2);
  Nvme other(t.img.path);
  state::Decoder d(newer.data(), newer.size());
  CHECK_THROWS_WITH(other.load(d), Catch::Contains("newer"));
  state::Decoder ok(e.buf.data(), e.buf.size());
  other.load(ok);
  CHECK((other.counters().admin) == 0);
  uint64_t csts = 0;
  REQUIRE(other.bar_read(0, 0x1c, 4, csts));
  CHECK(csts == 1);   // ready, as saved
}
