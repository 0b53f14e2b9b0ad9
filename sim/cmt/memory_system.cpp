#include "sim/cmt/memory_system.h"

#include <algorithm>

namespace vfsim::cmt {

MemorySystem::MemorySystem(const platform::Platform& p, double quantum_ns)
    : plat(p), links(p, occupancy_ring(quantum_ns), occupancy_lag(quantum_ns)), stats(p.sockets) {
  unsigned ring = occupancy_ring(quantum_ns);
  double lag = occupancy_lag(quantum_ns);
  nbanks_ = std::max(1u, p.l2.banks);
  for (unsigned s = 0; s < p.sockets; ++s) {
    l2.push_back(std::make_unique<L2Cache>(p.l2));
    for (unsigned b = 0; b < nbanks_; ++b) {
      l2_banks.emplace_back(ring, 1, lag);
      fill_buffers.emplace_back(ring, std::max(1u, p.dram.fill_buffer_entries), lag);
    }
    for (unsigned k = 0; k < p.memory_controllers_per_socket; ++k) mcus.emplace_back(p, ring, lag);
  }
  l2_hit_ns_ = p.lat.l2_hit_cycles * p.cycle_ns();
  bank_busy_ns_ = p.lat.l2_bank_busy_cycles * p.cycle_ns();
}

// Each MCU owns an equal share of the L2 banks: PA[8] picks one of 2 on the T2 Plus, PA[8:7]
// one of 4 on the T2 [V t2plus-microarch.md §5].
MemoryController& MemorySystem::mcu_of(unsigned home, uint64_t pa) {
  unsigned per = std::max(1u, plat.memory_controllers_per_socket);
  unsigned k = bank_of(pa) / std::max(1u, nbanks_ / per) % per;
  return mcus[home * per + k];
}

void MemorySystem::write_back(unsigned s, double t, uint64_t line_pa) {
  unsigned home = plat.home_socket(line_pa);
  ++stats[s].writebacks;
  if (home != s) t = links.send(s, home, links.plane_of(line_pa), t, plat.coherence.data_bytes);
  mcu_of(home, line_pa).write(t, line_pa);
  stats[home].dram_write_bytes += plat.l2.line_bytes;
}

double MemorySystem::snoop(unsigned r, unsigned o, unsigned plane, double hub, double t, uint64_t pa, double& arrive) {
  arrive = links.hubs() ? links.from_hub(o, plane, hub, plat.coherence.request_bytes)
                        : links.send(r, o, plane, t, plat.coherence.request_bytes);
  return l2_banks[o * nbanks_ + bank_of(pa)].reserve_queued(arrive, bank_busy_ns_) + plat.coherence.snoop_lookup_ns;
}

double MemorySystem::miss(unsigned r, double t, uint64_t pa, bool exclusive, bool& remote, bool& shared) {
  const platform::Platform& p = plat;
  unsigned home = p.home_socket(pa), plane = links.plane_of(pa);
  remote = home != r;
  shared = false;
  // A fill buffer of the bank holds a memory read from its request to the fill: at most 8
  // per bank [V RTL l2t_filbuf_ctl]; more misses wait in the miss buffer. The hold is booked
  // at its idle length (the real one is known only after the booking).
  Occupancy& fb = fill_buffers[r * nbanks_ + bank_of(pa)];
  double start = fb.reserve(t, p.lat.local_memory_ns - p.dram.chip_request_ns);
  if (start > t) ++stats[r].fill_buffer_waits;
  double at_cu = start + p.dram.chip_request_ns;
  if (p.sockets == 1) {
    stats[0].dram_read_bytes += p.l2.line_bytes;
    return mcu_of(0, pa).read(at_cu, pa) + p.dram.chip_return_ns;
  }
  // Snoop every other socket (the home's snoop is the memory request too) while the home's
  // memory is read; the line is usable once every answer is in.
  double hub = links.hubs() ? links.to_hub(r, plane, at_cu, p.coherence.request_bytes) : 0;
  double answers = at_cu, supplied = 0;
  double mem_at_home = remote ? 0 : at_cu;
  for (unsigned o = 0; o < p.sockets; ++o) {
    if (o == r) continue;
    ++stats[r].snoops;
    double arrive, looked = snoop(r, o, plane, hub, at_cu, pa, arrive);
    if (o == home) mem_at_home = arrive;
    long w = l2[o]->find(pa);
    if (w >= 0 && (l2[o]->flags(w) & L2Cache::DIRTY)) {
      // The only up-to-date copy: that cache sends it, and memory gets it too.
      ++stats[o].cache_to_cache;
      supplied = std::max(supplied, links.send(o, r, plane, looked + l2_hit_ns_, p.coherence.data_bytes));
      if (exclusive) l2[o]->drop(w);
      else l2[o]->flags(w) = L2Cache::SHARED;
      write_back(o, looked, pa);
      shared = !exclusive;
      remote = true;
      continue;
    }
    if (w >= 0) {
      if (exclusive) { l2[o]->drop(w); ++stats[o].invalidations; }
      else { l2[o]->flags(w) |= L2Cache::SHARED; shared = true; }
    }
    answers = std::max(answers, links.send(o, r, plane, looked, p.coherence.request_bytes));
  }
  // The home's memory is read in any case (speculatively, while the snoops are out): a line
  // a cache supplied still costs its memory read.
  double mem = mcu_of(home, pa).read(mem_at_home, pa);
  stats[home].dram_read_bytes += p.l2.line_bytes;
  if (home != r && !supplied) mem = links.send(home, r, plane, mem, p.coherence.data_bytes);
  return std::max(supplied ? supplied : mem, answers) + p.dram.chip_return_ns;
}

double MemorySystem::invalidate_others(unsigned r, double t, uint64_t pa) {
  const platform::Platform& p = plat;
  unsigned plane = links.plane_of(pa);
  double hub = links.hubs() ? links.to_hub(r, plane, t, p.coherence.request_bytes) : 0, done = t;
  for (unsigned o = 0; o < p.sockets; ++o) {
    if (o == r) continue;
    double arrive, looked = snoop(r, o, plane, hub, t, pa, arrive);
    long w = l2[o]->find(pa);
    if (w >= 0) {
      if (l2[o]->flags(w) & L2Cache::DIRTY) write_back(o, looked, pa);
      l2[o]->drop(w);
      ++stats[o].invalidations;
    }
    done = std::max(done, links.send(o, r, plane, looked, p.coherence.request_bytes));
  }
  return done;
}

MemorySystem::Result MemorySystem::access(unsigned s, double now, uint64_t pa, Kind kind, bool weak) {
  Result res{0, false, false, false};
  L2Cache& c = *l2[s];
  double served = l2_banks[s * nbanks_ + bank_of(pa)].reserve_queued(now, bank_busy_ns_);
  bool dirties = kind == Kind::Write || kind == Kind::Atomic;
  bool owns = dirties || kind == Kind::PrefetchWrite;
  bool prefetch = kind == Kind::PrefetchRead || kind == Kind::PrefetchWrite;
  long w = c.lookup(pa);
  if (w >= 0) {
    res.l2_hit = true;
    res.done_ns = std::max(served + l2_hit_ns_, c.ready(w));
    if (owns && (c.flags(w) & L2Cache::SHARED)) {
      res.done_ns = std::max(res.done_ns, invalidate_others(s, served, pa));
      c.flags(w) &= uint8_t(~L2Cache::SHARED);
    }
    if (dirties) c.flags(w) |= L2Cache::DIRTY;
    return res;
  }
  if (prefetch) {
    if (weak && !fill_buffers[s * nbanks_ + bank_of(pa)].has_room(served)) {
      ++stats[s].prefetches_dropped;
      res.dropped = true;
      res.done_ns = served;
      return res;
    }
    ++stats[s].prefetches;
  }
  bool shared = false;
  double done = miss(s, served, pa, owns, res.remote, shared);
  bool victim_dirty;
  uint64_t victim;
  long v = c.allocate(pa, victim_dirty, victim);
  if (victim_dirty) write_back(s, served, victim);
  c.ready(v) = done;
  c.flags(v) = uint8_t((dirties ? L2Cache::DIRTY : 0) | (shared ? L2Cache::SHARED : 0));
  res.done_ns = done;
  return res;
}

}  // namespace vfsim::cmt
