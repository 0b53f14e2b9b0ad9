// The simulator's side of a channel: a service written in C++ (the virtual disk and network
// servers, domain services) that talks LDC with a guest through its queues. The hypervisor
// hands it every packet the guest sends; it answers with Hypervisor::ldc_send.
#pragma once
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "hv/guest.h"

namespace vfsim::hv {

class Hypervisor;

struct LdcService {
  virtual ~LdcService() = default;
  virtual void receive(Hypervisor& hv, Guest& g, LdcEndpoint& ep, const uint8_t pkt[64]) = 0;
  // The guest reconfigured its queues: whatever was in progress is gone.
  virtual void reset(Hypervisor&, Guest&, LdcEndpoint&) {}
};

// The responder's half of the LDC link layer (reference §4.4-§4.5) with an echo on top:
// answers VER, RTS and RDX, checks seqids (NACK on a gap), puts fragmented messages
// together, acknowledges them in RELIABLE mode, and sends each message back. In RAW mode
// every 64-byte packet comes straight back. It is the service end of `ldc-ping` and the
// link layer the virtual I/O servers will share.
class LdcEchoService : public LdcService {
 public:
  explicit LdcEchoService(bool raw = false) : raw_(raw) {}
  void receive(Hypervisor& hv, Guest& g, LdcEndpoint& ep, const uint8_t pkt[64]) override;
  void reset(Hypervisor&, Guest& g, LdcEndpoint& ep) override { links_.erase({&g, ep.id}); }
  uint64_t echoed() const { return echoed_; }

 private:
  struct Link {
    uint8_t mode = 0;
    bool up = false, in_msg = false;
    uint32_t snd = 0, rcv = 0;
    std::vector<uint8_t> msg;
  };
  void send(Hypervisor& hv, Guest& g, LdcEndpoint& ep, uint8_t type, uint8_t stype, uint8_t ctrl, uint8_t env,
            uint32_t seqid, uint32_t ackid, const uint8_t* payload = nullptr, unsigned n = 0);
  bool raw_;
  std::map<std::pair<Guest*, uint64_t>, Link> links_;
  uint64_t echoed_ = 0;
};

}  // namespace vfsim::hv
