// The memory side of a core's accesses: its L1 D-cache and store buffers, then the socket's
// memory system (memory_system.h) for everything that leaves the core.
#include <algorithm>
#include <cmath>

#include "sim/cmt/bare_machine.h"
#include "sim/cmt/core.h"

namespace vfsim::cmt {

namespace {
// To the nearest cycle: a queueing wait of a fraction of a cycle (the M/D/1 term at low
// utilisation) must not cost a whole one.
unsigned to_cycles(double ns, double cycle_ns) { return unsigned(std::max(0.0, std::round(ns / cycle_ns))); }
}  // namespace

// An access that leaves the core now, counted against the strand: cycles until it is done.
unsigned Core::l2_access(Strand& s, uint64_t pa, bool atomic) {
  double now = now_ns();
  auto r = m_.memsys.access(socket, now, pa, atomic ? MemorySystem::Kind::Atomic : MemorySystem::Kind::Read);
  if (!r.l2_hit) {
    ++s.stats.l2_misses;
    if (r.remote) ++s.stats.remote_accesses;
  }
  return to_cycles(r.done_ns - now, m_.plat.cycle_ns());
}

// An L1-bypassing read (instruction fetch miss, tablewalk): the L2 and whatever is below it.
unsigned Core::l2_read(uint64_t pa, Strand& s) { return l2_access(s, pa, false); }

// A load blocks its strand until the data is back: exact for dependent chains such as pointer
// chasing, pessimistic for independent loads (the T2 flushes and refetches after a D$ miss
// anyway). Atomics are performed at the L2, as writes.
unsigned Core::load_latency(unsigned i, uint64_t pa, bool atomic) {
  Strand& s = *strands[i];
  ++s.stats.loads;
  if (!atomic && l1d.access(pa)) return m_.plat.lat.l1_hit_cycles;
  ++s.stats.l1_misses;
  return l2_access(s, pa, atomic);
}

// Stores are written through to the L2 from the strand's 8-entry store buffer; an entry is
// free again once its store is performed there: a hit after the L2's latency, a miss once the
// line has been fetched (write-allocate) and, on several sockets, once every other copy is
// gone. The strand only waits when all 8 entries are busy. The L1 is not allocated on stores.
unsigned Core::store_access(unsigned i, uint64_t pa) {
  Strand& s = *strands[i];
  const platform::Platform& p = m_.plat;
  unsigned n = std::max(1u, std::min<unsigned>(p.lat.store_buffer_entries, 8)), stall = 0;
  uint64_t& entry = s.store_buffer[s.store_next];
  if (entry > cycles) {
    stall = unsigned(entry - cycles);
    ++s.stats.store_buffer_full;
  }
  double at = now_ns() + stall * p.cycle_ns();
  auto r = m_.memsys.access(socket, at, pa, MemorySystem::Kind::Write);
  // A hit is performed store_drain_cycles after the bank takes it (the L2's write latency).
  double done = r.l2_hit ? std::max(r.done_ns - p.lat.l2_hit_cycles * p.cycle_ns() + p.lat.store_drain_cycles * p.cycle_ns(), at)
                         : r.done_ns;
  if (!r.l2_hit) ++s.stats.store_l2_misses;
  entry = cycles + stall + to_cycles(done - at, p.cycle_ns());
  s.store_next = (s.store_next + 1) % n;
  return stall;
}

// PREFETCH brings a line into the L2 without blocking the strand (the T2 does not prefetch
// into the L1). fcn 0-3 and 16-19 are weak (dropped when the DTLB misses or no fill buffer
// is free), 20-23 strong; 2, 3, 18, 19, 22, 23 prefetch for writing (ownership: other
// sockets' copies are invalidated). Others (4: page) do nothing [U: T2 supplement's table of
// prefetch variants not in the reference].
bool Core::prefetch_is_strong(unsigned fcn) { return fcn >= 20 && fcn <= 23; }

void Core::prefetch(unsigned i, uint64_t pa, unsigned fcn) {
  Strand& s = *strands[i];
  if (!(fcn <= 3 || (fcn >= 16 && fcn <= 23))) return;
  ++s.stats.prefetches;
  auto kind = (fcn & 3) >= 2 ? MemorySystem::Kind::PrefetchWrite : MemorySystem::Kind::PrefetchRead;
  auto r = m_.memsys.access(socket, now_ns(), pa, kind, !prefetch_is_strong(fcn));
  if (r.dropped) ++s.stats.prefetches_dropped;
}

}  // namespace vfsim::cmt
