// Domain Services (reference §5.7): the manager's end of one DS channel per guest domain.
// The guest's runtime (firmware/ds.c) is the link initiator on a RELIABLE channel: it sends
// INIT_REQ, then a REG_REQ for each service it provides (md-update, domain-shutdown, dr-cpu);
// this end acknowledges what it knows and keeps the guest's handles. The manager then asks
// the guest with request(): DATA {handle, req_num, payload}; the guest's DATA reply with the
// same req_num goes to the callback. Requests are answered while simulated time runs (the
// guest must be scheduled to read its channel); callers wait for the callback.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "hv/ldc_service.h"
#include "models/ds_wire.h"

namespace vfsim::models {

class DomainServices : public hv::LdcLinkService {
 public:
  // Service ids this end knows, each at version 1.0; others get REG_NACK.
  static const std::vector<std::string>& known_services();

  struct Answer {
    bool ok = false;             // false: the guest sent NACK, or the link went down
    std::string service;
    std::vector<uint8_t> data;   // the reply after its u64 req_num
    std::string error;
  };
  using Callback = std::function<void(const Answer&)>;

  DomainServices() : hv::LdcLinkService(false) {}

  // The guest registered `service` on a link that is up.
  bool has(hv::Guest& g, const std::string& service) const;
  std::vector<std::string> registered(hv::Guest& g) const;
  // DATA {handle, req_num, payload} to the guest; the reply (or a failure) goes to cb.
  // Returns the req_num, or 0 when the guest has not registered the service.
  uint64_t request(hv::Hypervisor& hv, hv::Guest& g, const std::string& service, const std::vector<uint8_t>& payload,
                   Callback cb);
  // The caller stopped waiting for req_num: a late reply is dropped.
  void cancel(hv::Guest& g, uint64_t req_num);
  // domain-suspend's guest answers twice under one req_num: the reply the manager waits
  // for, then, once it has resumed (or when its suspend call failed), a report. Such a
  // second reply is kept, the last one per guest and service, not NACKed: {req_num, the
  // data after it}, or nullptr when none came since the link came up.
  struct Late {
    uint64_t req_num = 0;
    std::vector<uint8_t> data;
  };
  const Late* late_reply(hv::Guest& g, const std::string& service) const;
  // The guest is gone or stopped: its link, registrations and pending requests end
  // (callbacks are not called). Hypervisor::destroy_guest calls it too.
  void forget(hv::Guest& g) override;

  struct Counters {
    uint64_t inits = 0, registrations = 0, reg_nacks = 0, requests = 0, replies = 0, nacks = 0, bad = 0, late = 0;
  };
  const Counters& counters() const { return counters_; }

 protected:
  void on_message(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, std::vector<uint8_t> msg) override;
  void on_link_reset(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep) override;

 private:
  // flow: the trace flow (sim/trace) its DATA began, which the reply ends (tracing only).
  struct Pending { std::string service; uint64_t handle; Callback cb; uint64_t flow = 0; };
  struct Channel {
    uint64_t ep_id = 0;
    bool inited = false;
    std::map<std::string, uint64_t> handles;   // service id -> the guest's handle
    std::map<uint64_t, Pending> pending;       // req_num -> who waits
    std::map<std::string, Late> late;          // service -> its last report after a reply
  };
  // service: what the message is about, for the trace ("" = none or unknown).
  void send(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, uint32_t type, const std::vector<uint8_t>& payload,
            const std::string& service = {}, uint64_t flow_out = 0);
  // The ds trace of one message either way (only called with the category on).
  void trace(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, bool from_guest, uint32_t type,
             const std::vector<uint8_t>& payload, const std::string& service, uint64_t flow_in, uint64_t flow_out) const;
  void fail_all(Channel& c, const std::string& why);
  std::map<hv::Guest*, Channel> chans_;
  uint64_t next_req_ = 1;
  Counters counters_;
};

}  // namespace vfsim::models
