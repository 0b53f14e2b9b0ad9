#include "sim/cmt/coherence_links.h"

namespace vfsim::cmt {

CoherenceLinks::CoherenceLinks(const platform::Platform& p, unsigned ring, double lag)
    : tx(size_t(p.sockets) * p.coherence.planes, Occupancy(ring, 1, lag)),
      rx(size_t(p.sockets) * p.coherence.planes, Occupancy(ring, 1, lag)), bytes_sent(p.sockets, 0),
      c_(p.coherence), gbps_(double(p.coherence.lanes) * p.coherence.lane_gbps / 8) {}

double CoherenceLinks::to_hub(unsigned from, unsigned plane, double t, unsigned bytes) {
  bytes_sent[from] += bytes;
  double start = tx[from * c_.planes + plane].reserve_queued(t, ser(bytes));
  return start + ser(bytes) + c_.link_ns + c_.hub_ns;
}

double CoherenceLinks::from_hub(unsigned to, unsigned plane, double t, unsigned bytes) {
  double start = rx[to * c_.planes + plane].reserve_queued(t, ser(bytes));
  return start + ser(bytes) + c_.link_ns + c_.unit_ns;
}

double CoherenceLinks::send(unsigned from, unsigned to, unsigned plane, double t, unsigned bytes) {
  if (c_.hubs) return from_hub(to, plane, to_hub(from, plane, t, bytes), bytes);
  bytes_sent[from] += bytes;
  // Glueless: the sender's transmit lanes are the receiver's receive lanes; book them once.
  double start = tx[from * c_.planes + plane].reserve_queued(t, ser(bytes));
  return start + ser(bytes) + c_.link_ns + c_.unit_ns;
}

}  // namespace vfsim::cmt
