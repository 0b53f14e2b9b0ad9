// libFuzzer target: the NVMe controller (models/nvme.h) driven by a misbehaving guest on the
// fake bus of the unit tests: register and doorbell writes, config writes (MSI-X, bus
// mastering), guest memory contents (SQ entries, PRP lists) and IOMMU mappings all come from
// the input, interleaved with device time. Whatever the bytes: no crash, no DMA outside what
// the fake IOMMU maps, run(now) leaves nothing due at or before now, the pending completions
// stay bounded by the CQ sizes, and a save/load round trip reproduces the same state.
//
// Input: a sequence of operations, each an opcode byte (low 3 bits: what; bits 3-4: access
// size) and its operands (little-endian):
//   0 BAR write    u16 offset, u64 value          4 BAR read   u16 offset
//   1 config write u16 offset, u32 value          5 config read u16 offset
//   2 time         u32 cycles to advance, run     6 save, load into a second controller, compare
//   3 memory       u16 slot (64-byte units), 64 bytes
//   7 IOMMU        u8 page: map or unmap that 8 KB bus page
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write a driver's bring-up, queue creation, a write and a read
// with a PRP list (run_fuzz.sh's seeds) and exit.
#include "tests/fuzz/fuzz_seed.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "models/nvme.h"
#include "sim/state/codec.h"
#include "tests/unit/fake_pci_bus.h"

using namespace vfsim;

namespace {

constexpr uint64_t kBus = 0x80000000;
constexpr size_t kMem = 64 * 1024;   // guest memory, 8 IOMMU pages

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_nvme: %s\n", what);
  std::abort();
}

// One image for the process (64 blocks): writes from the input land in it, which is fine.
const std::string& image() {
  static std::string path = [] {
    char tmpl[] = "/tmp/fuzz_nvme_XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) finding("cannot create the image");
    std::vector<uint8_t> b(64 * 512, 0xa5);
    if (write(fd, b.data(), b.size()) != ssize_t(b.size())) finding("cannot write the image");
    close(fd);
    std::atexit([] { std::remove(image().c_str()); });
    return std::string(tmpl);
  }();
  return path;
}

struct Reader {
  const uint8_t* p;
  size_t n, at = 0;
  bool more() const { return at < n; }
  uint64_t le(unsigned bytes) {
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i) v |= uint64_t(at < n ? p[at++] : 0) << (8 * i);
    return v;
  }
};

std::vector<uint8_t> saved(const models::Nvme& d) {
  state::Encoder e;
  d.save(e);
  return e.buf;
}

void run(const uint8_t* data, size_t size) {
  test::FakePciBus bus(kMem);
  bus.map(kBus, 0, kMem);
  models::Nvme dev(image());
  dev.attach(&bus);
  Reader in{data, size};
  int saves = 0;
  for (int ops = 0; in.more() && ops < 512; ++ops) {
    uint8_t op = uint8_t(in.le(1));
    unsigned sz = 1u << (op >> 3 & 3);
    uint64_t v = 0;
    switch (op & 7) {
      case 0: {
        uint64_t off = in.le(2) & 0x3fff;
        dev.bar_write(0, off & ~uint64_t(sz - 1), sz, in.le(8));
        break;
      }
      case 1: {
        if (sz == 8) sz = 4;
        uint32_t off = uint32_t(in.le(2) & 0xfff) & ~(sz - 1);
        dev.config_write(off, sz, in.le(4));
        break;
      }
      case 2: {
        bus.clock += in.le(4);
        dev.run(bus.clock);
        uint64_t next = dev.next_due();
        if (next <= bus.clock) finding("run(now) left a completion due at or before now");
        break;
      }
      case 3: {
        size_t off = size_t(in.le(2)) * 64 % kMem;
        for (unsigned i = 0; i < 64; ++i) bus.mem[off + i] = uint8_t(in.le(1));
        break;
      }
      case 4: dev.bar_read(0, (in.le(2) & 0x3fff) & ~uint64_t(sz - 1), sz, v); break;
      case 5: dev.config_read(uint32_t(in.le(2) & 0xfff) & ~(std::min(sz, 4u) - 1), std::min(sz, 4u), v); break;
      case 6: {
        if (++saves > 4) break;   // the costliest operation: a few per input say enough
        std::vector<uint8_t> a = saved(dev);
        models::Nvme copy(image());
        state::Decoder d(a.data(), a.size());
        copy.load(d);   // a stream this build wrote must load
        if (!d.done()) finding("the saved state was not read to its end");
        if (saved(copy) != a) finding("save, load, save changed the state");
        if (copy.describe() != dev.describe()) finding("describe() differs after load");
        break;
      }
      case 7: {
        uint64_t page = in.le(1) % (kMem / test::FakePciBus::kPage);
        uint64_t addr = kBus + page * test::FakePciBus::kPage;
        if (bus.iommu.count(addr / test::FakePciBus::kPage)) bus.unmap(addr, test::FakePciBus::kPage);
        else bus.map(addr, page * test::FakePciBus::kPage, test::FakePciBus::kPage);
        break;
      }
    }
    if (dev.pending() > models::kNvmeQueues * models::kNvmeMaxEntries) finding("more pending completions than CQ entries");
  }
  if (std::getenv("FUZZ_NVME_VERBOSE")) {
    const auto& c = dev.counters();
    std::fprintf(stderr, "%s; admin %lu, errors %lu, interrupts %lu, async errors %lu, pending %zu\n", dev.describe().c_str(),
                 (unsigned long)c.admin, (unsigned long)c.errors, (unsigned long)c.interrupts, (unsigned long)c.async_errors,
                 dev.pending());
  }
}

// --- seeds: a driver's session ---------------------------------------------------------------

struct Seed {
  std::vector<uint8_t> b;
  void le(uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) b.push_back(uint8_t(v >> (8 * i)));
  }
  void bar(uint16_t off, uint64_t v, unsigned sz_log2 = 2) { b.push_back(uint8_t(0 | sz_log2 << 3)), le(off, 2), le(v, 8); }
  void cfg(uint16_t off, uint32_t v, unsigned sz_log2 = 2) { b.push_back(uint8_t(1 | sz_log2 << 3)), le(off, 2), le(v, 4); }
  void time(uint32_t c) { b.push_back(2), le(c, 4); }
  void mem(uint64_t off, const uint8_t* p) {
    b.push_back(3), le(off / 64, 2);
    b.insert(b.end(), p, p + 64);
  }
  void sqe(uint64_t at, uint8_t opc, uint16_t cid, uint32_t nsid, uint64_t prp1, uint64_t prp2, uint32_t c10,
           uint32_t c11 = 0, uint32_t c12 = 0) {
    uint8_t e[64] = {};
    auto put = [&](unsigned o, unsigned n, uint64_t v) {
      for (unsigned i = 0; i < n; ++i) e[o + i] = uint8_t(v >> (8 * i));
    };
    e[0] = opc, put(2, 2, cid), put(4, 4, nsid), put(24, 8, prp1), put(32, 8, prp2), put(40, 4, c10), put(44, 4, c11),
    put(48, 4, c12);
    mem(at, e);
  }
};

void write_seeds(const std::string& dir) {
  Seed s;
  s.cfg(0x04, 0x6, 1);   // memory and bus master
  for (unsigned v = 0; v < 2; ++v) s.bar(uint16_t(0x2000 + 16 * v), 0x7fff0000), s.bar(uint16_t(0x2008 + 16 * v), 0x20 + v),
                                   s.bar(uint16_t(0x200c + 16 * v), 0);
  s.cfg(0x42, 0x8000, 1);   // MSI-X on
  s.bar(0x24, 7u << 16 | 7);
  s.bar(0x28, kBus + 0x0000, 3);
  s.bar(0x30, kBus + 0x1000, 3);
  s.bar(0x14, 1 | 6u << 16 | 4u << 20);
  s.sqe(0x0000, 0x06, 1, 0, kBus + 0x4000, 0, 1);                             // Identify controller
  s.sqe(0x0040, 0x05, 2, 0, kBus + 0x2000, 0, 7u << 16 | 1, 1u << 16 | 3);    // I/O CQ 1, vector 1
  s.sqe(0x0080, 0x01, 3, 0, kBus + 0x3000, 0, 7u << 16 | 1, 1u << 16 | 1);    // I/O SQ 1
  s.bar(0x1000, 3);
  s.time(100000);
  s.bar(0x1004, 3);
  // a 16 KB write and read with a PRP list at 0x5000, data at 0x8000..
  uint8_t list[64] = {};
  for (unsigned i = 0; i < 3; ++i)
    for (unsigned k = 0; k < 8; ++k) list[8 * i + k] = uint8_t((kBus + 0x9000 + 0x1000 * i) >> (8 * k));
  s.mem(0x5000, list);
  s.sqe(0x3000, 0x01, 4, 1, kBus + 0x8000, kBus + 0x5000, 2, 0, 31);
  s.sqe(0x3040, 0x02, 5, 1, kBus + 0x8000, kBus + 0x5000, 2, 0, 31);
  s.sqe(0x3080, 0x00, 6, 1, 0, 0, 0);
  s.bar(0x1008, 3);
  s.time(1000000);
  s.bar(0x100c, 3);
  s.b.push_back(6);   // save/load
  s.bar(0x14, 0);     // disable
  fuzz_seed::write(dir + "/bringup", s.b);

  // INTx instead of MSI-X, a masked interrupt, bad doorbells, an unmapped PRP, a full CQ of
  // two entries, an unmapped page under the admin SQ (fatal), then a reset.
  Seed x;
  x.cfg(0x04, 0x6, 1);
  x.bar(0x24, 3u << 16 | 3);
  x.bar(0x28, kBus + 0x0000, 3);
  x.bar(0x30, kBus + 0x1000, 3);
  x.bar(0x14, 1 | 6u << 16 | 4u << 20);
  x.sqe(0x0000, 0x05, 1, 0, kBus + 0x2000, 0, 1u << 16 | 1, 3);   // CQ 1 of two entries
  x.sqe(0x0040, 0x01, 2, 0, kBus + 0x3000, 0, 3u << 16 | 1, 1u << 16 | 1);
  x.bar(0x1000, 2);
  x.time(50000);
  x.bar(0x1004, 2);
  x.bar(0x0c, 1);   // INTMS
  x.sqe(0x3000, 0x02, 3, 1, 0x10000000, 0, 0, 0, 0);   // unmapped PRP
  x.sqe(0x3040, 0x02, 4, 1, kBus + 0x8000, 0, 1, 0, 0);
  x.sqe(0x3080, 0x01, 5, 1, kBus + 0x8000, 0, 70, 0, 0);   // LBA out of range
  x.bar(0x1008, 3);
  x.bar(0x1040, 1);   // no such queue
  x.time(1000000);
  x.bar(0x10, 1);   // INTMC
  x.bar(0x100c, 1);
  x.time(1000000);
  x.b.push_back(6);
  x.b.push_back(7), x.b.push_back(0);   // unmap the admin SQ's page
  x.sqe(0x0080, 0x06, 6, 0, kBus + 0x4000, 0, 1);
  x.bar(0x1000, 3);
  x.bar(0x14, 0);
  fuzz_seed::write(dir + "/intx-errors", x.b);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked(write_seeds);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}
