// The memory system below the L1s (sim/cmt/memory_system.h and its parts), on the T5240's
// parameters: expected times are worked out from the documented structure (docs/cmt.md).
#include <catch2/catch.hpp>

#include "sim/cmt/coherence_links.h"
#include "sim/cmt/memory_controller.h"
#include "sim/cmt/memory_system.h"
#include "sim/cmt/occupancy.h"

using namespace vfsim;
using cmt::MemorySystem;
using Kind = MemorySystem::Kind;

namespace {
const platform::Platform& t5240() {
  static const platform::Platform p = *platform::builtin_platform("T5240");
  return p;
}
constexpr uint64_t kGB = 1ull << 30;
}  // namespace

TEST_CASE("a booking that outlasts its bin spills into the next; servers share a bin", "[cmt][occupancy]") {
  cmt::Occupancy o(256);
  CHECK(o.reserve(0, 60) == 0);      // bin 0 full, 10 ns in bin 1
  CHECK(o.reserve(0, 10) == 60);     // waits behind the 60
  CHECK(o.has_room(60));
  cmt::Occupancy eight(256, 8);      // 8 servers: 400 ns of work per 50 ns bin
  for (int i = 0; i < 8; ++i) CHECK(eight.reserve(0, 50) < 50);
  CHECK_FALSE(eight.has_room(0));
  CHECK(eight.reserve(0, 50) == 50);   // the ninth goes to the next bin
}

TEST_CASE("a queued booking waits the M/D/1 mean of the utilisation two quanta back", "[cmt][occupancy]") {
  cmt::Occupancy o(256, 1, 2000);
  for (double t : {0.0, 100.0, 200.0, 300.0}) o.reserve(t, 50);   // 200 ns busy in window 0 (0-400 ns): rho 0.5
  CHECK(o.utilisation(2410) == Approx(0.5));
  CHECK(o.reserve_queued(2410, 6) == Approx(2413));   // 0.5 / (2 x 0.5) x 6 ns
  CHECK(o.utilisation(1000) == 0);                    // not yet two quanta later
  CHECK(o.reserve_queued(1000, 6) == Approx(1000));
}

TEST_CASE("a memory controller: idle reads, bank conflicts, writes on their own link", "[cmt][mcu]") {
  const platform::Platform& p = t5240();
  cmt::MemoryController m(p, 256, 2000);
  // 3 ns frames: a line reads in 6 ns over two channels, writes in 12; 1 ns command, 30 ns
  // DRAM; the rest of 152 - 20 - 20 is the FB-DIMM path (75 ns).
  CHECK(m.read_line_ns() == Approx(6));
  CHECK(m.write_line_ns() == Approx(12));
  CHECK(m.idle_read_ns() == Approx(112));
  double r1 = m.read(1000, 0x10000);
  CHECK(r1 == Approx(1112));
  double r2 = m.read(1000, 0x10000);            // the same DRAM bank: waits for its row cycle
  CHECK(r2 - r1 > 20);
  CHECK(m.bank_waits == 1);
  double r3 = m.read(1000, 0x10000 + (1 << 10));   // another bank: only the frames are shared
  CHECK(r3 - r1 < 10);
  cmt::MemoryController w(p, 256, 2000);
  w.write(5000, 0x20000);                        // a write-back takes the southbound link...
  double r4 = w.read(5000, 0x20000 + (2 << 10));   // ...and a read of another bank is not held by it
  CHECK(r4 - 5000 < 112 + 2);
  CHECK(w.writes == 1);
  CHECK(w.reads == 1);
}

TEST_CASE("coherence messages: serialisation, link and unit; through a hub on the T5440", "[cmt][links]") {
  const platform::Platform& p = t5240();
  cmt::CoherenceLinks l(p, 256, 2000);
  double ser16 = 16 / 8.4;   // 14 lanes x 4.8 Gb/s = 8.4 GB/s per plane and direction
  CHECK(l.send(0, 1, 0, 1000, 16) == Approx(1000 + ser16 + 10 + 15));
  CHECK(l.send(0, 1, 0, 1000, 16) == Approx(1000 + 2 * ser16 + 10 + 15));   // queued behind the first
  CHECK(l.send(0, 1, 1, 1000, 16) == Approx(1000 + ser16 + 10 + 15));       // another plane
  CHECK(l.bytes_sent[0] == 48);
  platform::Platform four = *platform::builtin_platform("T5440");
  cmt::CoherenceLinks h(four, 256, 2000);
  CHECK(h.hubs());
  CHECK(h.send(0, 2, 0, 1000, 16) == Approx(1000 + ser16 + 10 + 7.5 + ser16 + 10 + 15));
}

TEST_CASE("the memory system: misses, fills on their way, remote lines", "[cmt][memory]") {
  MemorySystem ms(t5240(), 1000);
  auto r = ms.access(0, 1000, 0x100000, Kind::Read);
  CHECK_FALSE(r.l2_hit);
  CHECK_FALSE(r.remote);
  CHECK(r.done_ns == Approx(1152));          // the idle 152 ns: the snoop of socket 1 is shorter
  CHECK(ms.stats[0].snoops == 1);
  CHECK(ms.stats[0].dram_read_bytes == 64);
  auto again = ms.access(0, 1010, 0x100008, Kind::Read);   // same line, still on its way
  CHECK(again.l2_hit);
  CHECK(again.done_ns == Approx(1152));
  auto far = ms.access(0, 5000, kGB + 0x100000, Kind::Read);   // PA[30] = 1: socket 1's memory
  CHECK(far.remote);
  double ser16 = 16 / 8.4, ser80 = 80 / 8.4;
  CHECK(far.done_ns - 5000 == Approx(152 + (ser16 + 25) + (ser80 + 25)).epsilon(0.001));
  CHECK(ms.stats[1].dram_read_bytes == 64);   // counted at the home
}

TEST_CASE("stores dirty lines; an evicted dirty line is written back", "[cmt][memory]") {
  MemorySystem ms(t5240(), 1000);
  auto w = ms.access(0, 1000, 0x200000, Kind::Write);   // write-allocate: the line is read first
  CHECK_FALSE(w.l2_hit);
  CHECK(ms.stats[0].dram_read_bytes == 64);
  // 16 more lines of the same set (4096 sets x 64 B = 256 KB apart) push it out.
  for (int i = 1; i <= 16; ++i) ms.access(0, 2000 + 200 * i, 0x200000 + uint64_t(i) * (256 << 10), Kind::Read);
  CHECK(ms.stats[0].writebacks == 1);
  CHECK(ms.stats[0].dram_write_bytes == 64);
  CHECK(ms.mcus[0].writes + ms.mcus[1].writes == 1);
}

TEST_CASE("coherence: a dirty line comes from the other cache; a store invalidates copies", "[cmt][memory]") {
  MemorySystem ms(t5240(), 1000);
  const uint64_t line = 0x300000;   // homed on socket 0
  ms.access(1, 1000, line, Kind::Write);     // dirty in socket 1's L2
  long w1 = ms.l2[1]->find(line);
  REQUIRE(w1 >= 0);
  CHECK((ms.l2[1]->flags(w1) & cmt::L2Cache::DIRTY));
  auto r = ms.access(0, 3000, line, Kind::Read);   // socket 0 reads it: supplied by socket 1
  CHECK(r.remote);
  CHECK(ms.stats[1].cache_to_cache == 1);
  CHECK(ms.l2[1]->flags(ms.l2[1]->find(line)) == cmt::L2Cache::SHARED);   // clean, shared
  CHECK((ms.l2[0]->flags(ms.l2[0]->find(line)) & cmt::L2Cache::SHARED));
  auto s = ms.access(0, 6000, line, Kind::Write);   // a store to the shared line: invalidate first
  CHECK(s.l2_hit);
  CHECK(ms.l2[1]->find(line) == -1);
  CHECK(ms.stats[1].invalidations == 1);
  CHECK(s.done_ns - 6000 > 2 * 25);   // the invalidation's round trip over the links
  CHECK((ms.l2[0]->flags(ms.l2[0]->find(line)) & cmt::L2Cache::DIRTY));
}

TEST_CASE("prefetches fill the L2; a weak one is dropped when the bank's fill buffers are full", "[cmt][memory]") {
  MemorySystem ms(t5240(), 1000);
  // Four misses to one bank (512 B apart) fill its 8 fill buffers' first bin (132 ns each).
  for (int i = 0; i < 4; ++i) ms.access(0, 1000, 0x400000 + uint64_t(i) * 512, Kind::Read);
  auto weak = ms.access(0, 1000, 0x400000 + 4 * 512, Kind::PrefetchRead, true);
  CHECK(weak.dropped);
  CHECK(ms.stats[0].prefetches_dropped == 1);
  CHECK(ms.l2[0]->find(0x400000 + 4 * 512) == -1);
  auto strong = ms.access(0, 1000, 0x400000 + 5 * 512, Kind::PrefetchRead, false);
  CHECK_FALSE(strong.dropped);
  CHECK(strong.done_ns > 1152);                        // it waited for a fill buffer
  CHECK(ms.l2[0]->find(0x400000 + 5 * 512) >= 0);      // and the line is on its way
  auto later = ms.access(0, 1001, 0x400000 + 5 * 512, Kind::Read);
  CHECK(later.l2_hit);
  CHECK(later.done_ns == Approx(strong.done_ns));
  CHECK(ms.stats[0].prefetches == 1);
}
