#include "hv/ldc_service.h"

#include <cstring>

#include "hv/hypervisor.h"
#include "sim/state/codec.h"

namespace vfsim::hv {

namespace {
enum : uint8_t { T_CTRL = 0x01, T_DATA = 0x02, S_INFO = 0x01, S_ACK = 0x02, S_NACK = 0x04,
                 C_VER = 0x01, C_RTS = 0x02, C_RTR = 0x03, C_RDX = 0x04,
                 ENV_START = 0x40, ENV_STOP = 0x80, ENV_LEN = 0x3f, MODE_RELIABLE = 3 };
}  // namespace

void LdcLinkService::send(Hypervisor& hv, Guest& g, LdcEndpoint& ep, uint8_t type, uint8_t stype, uint8_t ctrl,
                          uint8_t env, uint32_t seqid, uint32_t ackid, const uint8_t* payload, unsigned n,
                          uint64_t delay) {
  uint8_t p[64] = {type, stype, ctrl, env};
  state::put_be(p + 4, 4, seqid);
  if (ctrl == C_VER) p[9] = 1;                     // version 1.0: u16 major, u16 minor at 8
  Link& l = links_[{&g, ep.id}];
  if (l.mode == MODE_RELIABLE) state::put_be(p + 12, 4, ackid);
  if (payload) std::memcpy(p + (l.mode == MODE_RELIABLE ? 16 : 8), payload, n);
  hv.ldc_send(g, ep, p, delay);
}

unsigned LdcLinkService::packet_payload(Guest& g, LdcEndpoint& ep) {
  if (raw_) return 64;
  return links_[{&g, ep.id}].mode == MODE_RELIABLE ? 48 : 56;
}

bool LdcLinkService::link_up(Guest& g, LdcEndpoint& ep) const {
  if (raw_) return true;
  auto it = links_.find({&g, ep.id});
  return it != links_.end() && it->second.up;
}

void LdcLinkService::reset(Hypervisor& hv, Guest& g, LdcEndpoint& ep) {
  links_.erase({&g, ep.id});
  on_link_reset(hv, g, ep);
}

void LdcLinkService::forget(Guest& g) {
  for (auto it = links_.begin(); it != links_.end();) it = it->first.first == &g ? links_.erase(it) : std::next(it);
}

void LdcLinkService::send_message(Hypervisor& hv, Guest& g, LdcEndpoint& ep, const uint8_t* m, size_t size,
                                  uint64_t delay) {
  if (raw_) {   // RAW: whole packets, no header
    for (size_t at = 0; at < size; at += 64) {
      uint8_t p[64] = {};
      std::memcpy(p, m + at, std::min<size_t>(64, size - at));
      hv.ldc_send(g, ep, p, delay);
    }
    return;
  }
  Link& l = links_[{&g, ep.id}];
  unsigned max = packet_payload(g, ep);
  size_t at = 0;
  do {
    unsigned k = unsigned(std::min<size_t>(max, size - at));
    uint8_t e = uint8_t(k | (at == 0 ? ENV_START : 0) | (at + k == size ? ENV_STOP : 0));
    send(hv, g, ep, T_DATA, S_INFO, 0, e, ++l.snd, l.rcv, m + at, k, delay);
    at += k;
  } while (at < size);
}

void LdcLinkService::receive(Hypervisor& hv, Guest& g, LdcEndpoint& ep, const uint8_t pkt[64]) {
  if (raw_) {
    on_message(hv, g, ep, std::vector<uint8_t>(pkt, pkt + 64));
    return;
  }
  Link& l = links_[{&g, ep.id}];
  uint8_t type = pkt[0], stype = pkt[1], ctrl = pkt[2] & 0x0f, env = pkt[3];
  uint32_t seq = state::be32(pkt + 4);
  if (type == T_CTRL) {
    if (ctrl == C_VER && stype == S_INFO) {
      bool was = l.up;
      l = Link{};
      if (was) on_link_reset(hv, g, ep);
      send(hv, g, ep, T_CTRL, pkt[8] == 0 && pkt[9] == 1 ? S_ACK : S_NACK, C_VER, 0, 0, 0);
    } else if (ctrl == C_RTS && stype == S_INFO) {
      l.mode = env;   // the initiator's mode; both directions count from its seqid
      l.rcv = l.snd = seq;
      send(hv, g, ep, T_CTRL, S_INFO, C_RTR, env, l.snd, 0);
    } else if (ctrl == C_RDX && stype == S_INFO && seq == l.rcv + 1) {
      l.rcv = seq;
      l.up = true;
      on_link_up(hv, g, ep);
    }
    return;
  }
  if (type != T_DATA || !l.up) return;
  if (seq != l.rcv + 1) {   // a lost packet: NACK, and what was being put together is gone
    send(hv, g, ep, T_DATA, S_NACK, pkt[2], 0, ++l.snd, l.rcv);
    l.in_msg = false;
    return;
  }
  l.rcv = seq;
  if (stype & (S_ACK | S_NACK)) return;   // the client acknowledging our messages
  bool reliable = l.mode == MODE_RELIABLE;
  unsigned off = reliable ? 16 : 8, max = reliable ? 48 : 56, n = env & ENV_LEN;
  if (n > max) return;
  if (env & ENV_START) { l.in_msg = true; l.msg.clear(); }
  if (!l.in_msg) return;
  if (l.msg.size() + n > kMaxMessage) {   // a message that never ends: dropped, not kept growing
    l.in_msg = false;
    l.msg.clear();
    return;
  }
  l.msg.insert(l.msg.end(), pkt + off, pkt + off + n);
  if (!(env & ENV_STOP)) return;
  l.in_msg = false;
  if (reliable) send(hv, g, ep, T_DATA, S_ACK, 0, 0, ++l.snd, l.rcv);
  on_message(hv, g, ep, std::move(l.msg));
}

}  // namespace vfsim::hv
