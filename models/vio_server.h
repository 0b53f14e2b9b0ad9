// The server's half of a VIO session over an LDC (reference §5.3-§5.4), shared by vds and
// vsw: answers VER_INFO (the best version both know, else a NACK offering ours), hands
// ATTR_INFO to the device, keeps the descriptor rings the client registers (DRING_REG /
// UNREG), answers RDX, and passes DATA messages on once the session is ready. Descriptors
// are read and written in the client's memory through its map table (ldc_service_copy), so
// the client's export permissions hold for the server too.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "hv/ldc_service.h"
#include "models/vio.h"

namespace vfsim::models {

struct VioRing {
  uint64_t ident = 0;
  uint32_t ndesc = 0, desc_size = 0;
  uint16_t options = 0;
  std::vector<std::pair<uint64_t, uint64_t>> cookies;   // {address, size}
};

struct VioSession {
  hv::Hypervisor* hv = nullptr;
  hv::Guest* guest = nullptr;
  uint64_t channel = 0;
  uint32_t sid = 0;                 // the client's: we mirror it (as Solaris vds does)
  uint16_t major = 0, minor = 0;    // agreed version
  bool attr_ok = false, ready = false;
  std::map<uint64_t, VioRing> rings;
  uint64_t next_ident = 1;
  uint64_t errors = 0;              // client mistakes answered with a NACK or an error status
  hv::LdcEndpoint* endpoint() { return guest->channel(channel); }
};

class VioServer : public hv::LdcLinkService {
 public:
  // Descriptors a ring may have [vfsim's bound; Linux and illumos drivers use 512]: a
  // DRING_DATA walks the ring, so a ring of millions (a large map table exporting the same
  // pages again and again) would cost seconds of host time per message.
  static constexpr uint32_t kMaxRingDesc = 4096;
  // A descriptor is a header and its cookies: more than a page of them is no client's [vfsim's
  // bound: the servers read a whole descriptor into a buffer of that size].
  static constexpr uint32_t kMaxDescSize = 8192;
  // versions: what the device speaks, best first.
  // dev_class: ours (VDEV_DISK_SERVER, VDEV_NETWORK_SWITCH); client_class: what a client
  // must announce in VER_INFO.
  VioServer(uint8_t dev_class, uint8_t client_class, std::vector<std::pair<uint16_t, uint16_t>> versions)
      : hv::LdcLinkService(false), dev_class_(dev_class), client_class_(client_class), versions_(std::move(versions)) {}
  uint8_t client_class() const { return client_class_; }

  // A 56-byte message on the session, with its tag (our sid).
  // delay_cycles: the device's time to produce it (Hypervisor::ldc_send).
  void send(VioSession& s, uint8_t type, uint8_t stype, uint16_t env, uint8_t msg[kVioMsgBytes],
            uint64_t delay_cycles = 0);
  // Descriptor `index` of ring r (n bytes from its start) from or into the client's memory:
  // HV_EOK or the sun4v error of the copy (nothing moved then).
  uint64_t read_desc(VioSession& s, const VioRing& r, uint32_t index, uint8_t* buf, uint32_t n);
  uint64_t write_desc(VioSession& s, const VioRing& r, uint32_t index, const uint8_t* buf, uint32_t n);
  // Bytes at a client's cookie range (as a descriptor lists them), either way.
  uint64_t copy(VioSession& s, bool to_guest, uint64_t cookie, uint8_t* buf, uint64_t n);
  // n bytes between buf and the client buffers a descriptor lists (ncookies {u64 address,
  // u64 size} pairs at `cookies`), in order. HV_EOK; the copy's error, or HV_EBADALIGN for
  // an address not 8-byte aligned when align8, with *bad = that cookie's address; HV_EINVAL
  // with *bad = ~0 when the buffers hold fewer than n bytes.
  uint64_t copy_cookies(VioSession& s, const uint8_t* cookies, uint32_t ncookies, bool to_guest, uint8_t* buf,
                        uint64_t n, bool align8, uint64_t* bad = nullptr);
  std::vector<VioSession*> sessions();
  // The session on that guest's channel, if there is one (timers look it up again: a reset
  // may have ended the one they were made for).
  VioSession* session(hv::Guest* g, uint64_t channel);
  // One line per VIO message to hv.trace (with --hv-trace), decoded: who, type, subtype,
  // env and the fields of the control and DRING_DATA messages.
  void trace(VioSession& s, bool from_guest, const uint8_t* m);

 protected:
  // The client's ATTR_INFO: fill in the ACK's body (msg is the INFO, answer in place) and
  // return true, or false for a NACK.
  virtual bool on_attr(VioSession& s, uint8_t msg[kVioMsgBytes]) = 0;
  // A DATA message after RDX (DRING_DATA, PKT_DATA, ...).
  virtual void on_data(VioSession& s, std::vector<uint8_t>& msg) = 0;
  virtual void on_ready(VioSession&) {}
  virtual void on_end(VioSession&) {}   // the link was reset: rings and attributes are gone
  virtual bool ring_ok(VioSession&, const VioRing&) { return true; }

  void on_message(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, std::vector<uint8_t> msg) override;
  void on_link_reset(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep) override;
  void forget(hv::Guest& g) override;

  uint8_t dev_class_, client_class_;
  std::string label_ = "vio";   // the server's name in trace lines (vds, vsw)
  // Tracing only (sim/trace): the flow a client's DRING_DATA INFO began, while its message is
  // handled. The server's next DRING_DATA ACK or NACK ends it, unless the device takes it for
  // the requests it queues (vds), which then set it again for the ACK they end with.
  uint64_t answer_flow_ = 0;

 private:
  void control(VioSession& s, uint8_t msg[kVioMsgBytes]);
  uint64_t ring_offset_copy(VioSession& s, const VioRing& r, uint64_t off, bool to_guest, uint8_t* buf, uint64_t n);
  std::vector<std::pair<uint16_t, uint16_t>> versions_;
  std::map<std::pair<hv::Guest*, uint64_t>, VioSession> sessions_;
};

}  // namespace vfsim::models
