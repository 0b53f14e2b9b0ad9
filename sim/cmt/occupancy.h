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
  // ring: bins kept (a power of two, at least 2 x kWindow); it must span more than the skew between cores (one
  // quantum) plus the longest booking, or a far-ahead booking looks like an empty bin.
  explicit Occupancy(unsigned ring = 256, unsigned servers = 1, double lag_ns = 2000)
      : servers(servers), lag_ns(lag_ns), bins(ring, {~0ull, 0.0}),
        windows(ring / kWindow, {~0ull, 0.0}) {}
  // Book need_ns of work arriving at now_ns; returns when it starts.
  double reserve(double now_ns, double need_ns);
  // The same for a single server that queues: the bins alone give no wait until a bin is
  // full, so a request also waits what a queue with deterministic service at the resource's
  // recent utilisation would make it wait on average (M/D/1: rho / (2 (1 - rho)) services).
  // The utilisation is read from bins lag_ns back, which every core has finished booking
  // (cores are at most a quantum apart), so the result does not depend on the order in
  // which the cores ran.
  double reserve_queued(double now_ns, double need_ns);
  // Over the last whole window of kWindow bins that ended lag_ns or more before now.
  double utilisation(double now_ns) const;
  // Room in the bin holding now_ns (a weak prefetch is dropped when there is none).
  bool has_room(double now_ns) const;
  static constexpr unsigned kWindow = 8;   // bins per window: 400 ns
  unsigned servers;
  double lag_ns;
  std::vector<std::pair<uint64_t, double>> bins;      // (bin number, busy ns booked in it)
  std::vector<std::pair<uint64_t, double>> windows;   // the same per window of kWindow bins

 private:
  // Bins [full_lo_, full_hi_) are known to be full (a full bin never empties): a request
  // arriving among them starts its search after them. Not state: the search finds the same.
  uint64_t full_lo_ = 0, full_hi_ = 0;
};

// Bins for a simulation whose cores run quanta of quantum_ns: at least 8 quanta ahead.
unsigned occupancy_ring(double quantum_ns);
// How far back the utilisation of a resource is complete: two quanta.
inline double occupancy_lag(double quantum_ns) { return 2 * quantum_ns; }

}  // namespace vfsim::cmt
