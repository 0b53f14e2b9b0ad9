// The simulator's side of a channel: a service written in C++ (the virtual disk and network
// servers, domain services) that talks LDC with a guest through its queues. The hypervisor
// hands it every packet the guest sends; it answers with Hypervisor::ldc_send.
#pragma once
#include <cstddef>
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
  // The guest is being destroyed (unbind): nothing of it may be kept (its address is reused).
  virtual void forget(Guest&) {}
  // Work the service scheduled with Hypervisor::ldc_at has come due (hv.call_cycles is its
  // due cycle, or the hypercall that found it due): args are what it gave then.
  virtual void on_timer(Hypervisor&, Guest&, LdcEndpoint&, const TimerArgs&) {}
};

// The responder's half of the LDC link layer (reference §4.4-§4.5) that every service shares:
// answers VER, RTS and RDX, checks seqids (NACK on a gap), puts fragmented messages
// together, acknowledges them in RELIABLE mode and hands each whole message to on_message;
// send_message splits a reply into packets. In RAW mode a message is one 64-byte packet.
class LdcLinkService : public LdcService {
 public:
  // The largest message put together from packets [vfsim's bound; services' messages are a
  // few KB]: a longer one is dropped, so a guest that sends START and never STOP costs
  // bounded memory.
  static constexpr size_t kMaxMessage = 64 * 1024;
  explicit LdcLinkService(bool raw = false) : raw_(raw) {}
  void receive(Hypervisor& hv, Guest& g, LdcEndpoint& ep, const uint8_t pkt[64]) override;
  void reset(Hypervisor& hv, Guest& g, LdcEndpoint& ep) override;
  void forget(Guest& g) override;

  // Largest message payload per packet in the link's mode (RAW 64, UNRELIABLE 56, RELIABLE 48).
  unsigned packet_payload(Guest& g, LdcEndpoint& ep);
  // delay_cycles: the service's time to produce the message (see Hypervisor::ldc_send).
  void send_message(Hypervisor& hv, Guest& g, LdcEndpoint& ep, const uint8_t* msg, size_t n, uint64_t delay_cycles = 0);
  bool link_up(Guest& g, LdcEndpoint& ep) const;

 protected:
  virtual void on_message(Hypervisor& hv, Guest& g, LdcEndpoint& ep, std::vector<uint8_t> msg) = 0;
  virtual void on_link_up(Hypervisor&, Guest&, LdcEndpoint&) {}   // after the guest's RDX
  virtual void on_link_reset(Hypervisor&, Guest&, LdcEndpoint&) {}   // queues reconfigured or VER again

 private:
  struct Link {
    uint8_t mode = 0;
    bool up = false, in_msg = false;
    uint32_t snd = 0, rcv = 0;
    std::vector<uint8_t> msg;
  };
  void send(Hypervisor& hv, Guest& g, LdcEndpoint& ep, uint8_t type, uint8_t stype, uint8_t ctrl, uint8_t env,
            uint32_t seqid, uint32_t ackid, const uint8_t* payload = nullptr, unsigned n = 0, uint64_t delay = 0);
  bool raw_;
  std::map<std::pair<Guest*, uint64_t>, Link> links_;
};

// An echo on top of the link layer: each message goes back as it came. The service end of
// the runtime's `ldc-ping`.
class LdcEchoService : public LdcLinkService {
 public:
  using LdcLinkService::LdcLinkService;
  uint64_t echoed() const { return echoed_; }

 protected:
  void on_message(Hypervisor& hv, Guest& g, LdcEndpoint& ep, std::vector<uint8_t> msg) override {
    send_message(hv, g, ep, msg.data(), msg.size());
    ++echoed_;
  }

 private:
  uint64_t echoed_ = 0;
};

}  // namespace vfsim::hv
