// The T2 Plus coherence links between sockets (sim/platform/platform.h Coherence): per socket
// and plane, a transmit and a receive direction of 14 lanes. On a T5140/T5240 a socket's
// transmit lanes are the other socket's receive lanes (glueless); on a T5440 every message
// goes socket -> Zambezi hub of its plane -> socket, and a snoop is broadcast by the hub. A
// message's time is its serialisation (bytes over the plane's bandwidth, booked, so messages
// queue) plus fixed link, hub and coherence-unit latencies.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/cmt/occupancy.h"
#include "sim/platform/platform.h"

namespace vfsim::cmt {

class CoherenceLinks {
 public:
  CoherenceLinks(const platform::Platform& p, unsigned ring, double lag_ns);
  unsigned plane_of(uint64_t pa) const { return unsigned(pa >> c_.plane_shift) % c_.planes; }
  // A message from socket `from` to socket `to` sent at t: when it has arrived and been
  // handled by the receiving coherence unit.
  double send(unsigned from, unsigned to, unsigned plane, double t, unsigned bytes);
  // The first half of a hub broadcast: from `from` to the plane's hub (T5440); then
  // from_hub once per receiver. Without hubs, broadcast is a send per receiver.
  double to_hub(unsigned from, unsigned plane, double t, unsigned bytes);
  double from_hub(unsigned to, unsigned plane, double t, unsigned bytes);
  bool hubs() const { return c_.hubs; }
  std::vector<Occupancy> tx, rx;        // per socket x plane
  std::vector<uint64_t> bytes_sent;     // per socket
 private:
  friend struct MachineState;
  double ser(unsigned bytes) const { return double(bytes) / gbps_; }
  platform::Coherence c_;
  double gbps_;
};

}  // namespace vfsim::cmt
