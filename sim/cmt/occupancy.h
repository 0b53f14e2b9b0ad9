// A shared resource (an L2 bank, a memory channel, a DRAM bank, a link plane, a set of fill
// buffers) as busy time booked in 50 ns bins. Cores run their quanta one after another, so
// requests arrive out of time order; a single "free at" time would block early requests
// behind later ones. Each bin holds `servers` x 50 ns of work: a request starts in the first
// bin with room at or after its arrival and spills into the following bins when it is longer
// than the room left (a 60 ns DRAM row cycle takes one bin and part of the next).
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

namespace vfsim::cmt {

struct Occupancy {
  static constexpr double kBinNs = 50;
  // ring: bins kept (a power of two); it must span more than the skew between cores (one
  // quantum) plus the longest booking, or a far-ahead booking looks like an empty bin.
  explicit Occupancy(unsigned ring = 256, unsigned servers = 1)
      : servers(servers), bins(ring, {~0ull, 0.0}) {}
  // Book need_ns of work arriving at now_ns; returns when it starts.
  double reserve(double now_ns, double need_ns);
  // Room in the bin holding now_ns (a weak prefetch is dropped when there is none).
  bool has_room(double now_ns) const;
  unsigned servers;
  std::vector<std::pair<uint64_t, double>> bins;   // (bin number, busy ns booked in it)
};

// Bins for a simulation whose cores run quanta of quantum_ns: at least 8 quanta ahead.
unsigned occupancy_ring(double quantum_ns);

}  // namespace vfsim::cmt
