// Everything below the cores' L1s: per socket an L2 of 8 banks with fill buffers, memory
// controllers, and the coherence links between sockets. The cores ask it what an L2 access
// costs; it books every shared resource the access passes through, so contention, queueing
// and traffic come out of the structure (docs/cmt.md, "The memory system").
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "sim/cmt/coherence_links.h"
#include "sim/cmt/l2_cache.h"
#include "sim/cmt/memory_controller.h"
#include "sim/cmt/occupancy.h"
#include "sim/platform/platform.h"

namespace vfsim::cmt {

struct MemoryStats {   // per socket
  uint64_t dram_read_bytes = 0, dram_write_bytes = 0;   // at this socket's controllers
  uint64_t writebacks = 0, snoops = 0, cache_to_cache = 0, invalidations = 0;
  uint64_t prefetches = 0, prefetches_dropped = 0, fill_buffer_waits = 0;
};

class MemorySystem {
 public:
  MemorySystem(const platform::Platform& p, double quantum_ns);

  // What an access by a core of `socket` needs from its L2, starting at now_ns.
  // Writes and atomics need the line to themselves and dirty it; a prefetch for writing only
  // takes ownership. A weak prefetch is dropped when its bank has no free fill buffer.
  enum class Kind { Read, Write, Atomic, PrefetchRead, PrefetchWrite };
  struct Result {
    double done_ns;      // the data (a read) or the ownership (a write) is at the core
    bool l2_hit;         // served by the L2 (perhaps after waiting for a fill on its way)
    bool remote;         // the line came from another socket's memory or cache
    bool dropped;        // a weak prefetch that found no free fill buffer
  };
  Result access(unsigned socket, double now_ns, uint64_t pa, Kind kind, bool weak = false);

  const platform::Platform& plat;
  std::vector<std::unique_ptr<L2Cache>> l2;   // per socket
  std::vector<Occupancy> l2_banks;            // per socket x bank: the bank's turns
  std::vector<Occupancy> fill_buffers;        // per socket x bank: outstanding memory reads
  std::vector<MemoryController> mcus;         // socket-major
  CoherenceLinks links;
  std::vector<MemoryStats> stats;             // per socket

 private:
  friend struct MachineState;
  unsigned bank_of(uint64_t pa) const { return unsigned((pa >> 6) % nbanks_); }
  MemoryController& mcu_of(unsigned home, uint64_t pa);
  // An L2 miss of socket r leaving its bank at t: snoop the other sockets, read the home's
  // memory (or take a dirty line from another cache); when the line is at the core.
  double miss(unsigned r, double t, uint64_t pa, bool exclusive, bool& remote, bool& shared);
  // A snoop from socket r to socket o about pa, sent at t (or, through a T5440's hub, carried
  // on from the hub at `hub`): when o's L2 has looked the line up; arrive: when it got there.
  double snoop(unsigned r, unsigned o, unsigned plane, double hub, double t, uint64_t pa, double& arrive);
  // Another socket's copy must go before socket r writes the line: when the answers are in.
  double invalidate_others(unsigned r, double t, uint64_t pa);
  void write_back(unsigned socket, double t, uint64_t line_pa);
  double l2_hit_ns_, bank_busy_ns_;
  unsigned nbanks_;
};

}  // namespace vfsim::cmt
