#include "models/vio_server.h"
#include "sim/trace/trace.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "hv/hypervisor.h"

namespace vfsim::models {

void VioServer::send(VioSession& s, uint8_t type, uint8_t stype, uint16_t env, uint8_t msg[kVioMsgBytes],
                     uint64_t delay_cycles) {
  msg[0] = type;
  msg[1] = stype;
  put_be(msg + 2, 2, env);
  put_be(msg + 4, 4, s.sid);
  trace(s, false, msg);
  if (hv::LdcEndpoint* ep = s.endpoint()) send_message(*s.hv, *s.guest, *ep, msg, kVioMsgBytes, delay_cycles);
}

void VioServer::trace(VioSession& s, bool from_guest, const uint8_t* m) {
  if (!s.hv || !trace::on(trace::Category::vio)) return;
  static const char* const types[] = {"?", "CTRL", "DATA", "?", "ERR"};
  static const char* const stypes[] = {"?", "INFO", "ACK", "?", "NACK"};
  uint16_t env = uint16_t(get_be(m + 2, 2));
  std::string what, fields;
  switch (env) {
    case VIO_VER_INFO:
      what = "VER_INFO";
      fields = fmt::format(" ver={}.{} class={}", get_be(m + 8, 2), get_be(m + 10, 2), m[12]);
      break;
    case VIO_ATTR_INFO: what = "ATTR_INFO"; break;
    case VIO_DRING_REG:
      what = "DRING_REG";
      fields = fmt::format(" ident={} ndesc={} desc_size={} options={:#x} ncookies={} cookie={:#x}+{:#x}", get_be(m + 8, 8),
                           get_be(m + 16, 4), get_be(m + 20, 4), get_be(m + 24, 2), get_be(m + 28, 4), get_be(m + 32, 8),
                           get_be(m + 40, 8));
      break;
    case VIO_DRING_UNREG: what = "DRING_UNREG"; break;
    case VIO_RDX: what = "RDX"; break;
    case VIO_DRING_DATA:
      what = "DRING_DATA";
      fields = fmt::format(" seq={} ident={} start={} end={}", get_be(m + 8, 8), get_be(m + 16, 8), get_be(m + 24, 4),
                           int32_t(get_be(m + 28, 4)));
      break;
    default: what = fmt::format("env={:#06x}", env);
  }
  std::string who = fmt::format("{}/ch{}", s.guest->name, s.channel);
  trace::Event e(trace::Category::vio, trace::Phase::Instant, s.hv->trace_ps(),
                 trace::Track::service(label_), s.guest->name, fmt::format("{} {}", what, stypes[m[1] <= 4 ? m[1] : 0]));
  e.arg("from", from_guest ? who : label_).arg("to", from_guest ? label_ : who).arg("sid", get_be(m + 4, 4));
  if (env == VIO_DRING_DATA && m[0] == VIO_TYPE_DATA) {   // a request's flow: INFO in, ... ACK/NACK out
    if (from_guest && m[1] == VIO_SUBTYPE_INFO) answer_flow_ = e.flow_out = trace::new_flow();
    else if (!from_guest && m[1] != VIO_SUBTYPE_INFO) std::swap(e.flow_in, answer_flow_);
    e.arg("seq", get_be(m + 8, 8)).arg("ident", get_be(m + 16, 8)).arg("start", get_be(m + 24, 4)).arg("end", get_be(m + 28, 4));
  }
  e.text = fmt::format("vio  {} -> {}  {}/{}/{} sid={:#x}{}", from_guest ? who : label_, from_guest ? label_ : who,
                       types[m[0] <= 4 ? m[0] : 0], stypes[m[1] <= 4 ? m[1] : 0], what, get_be(m + 4, 4), fields);
  trace::emit(std::move(e));
}

VioSession* VioServer::session(hv::Guest* g, uint64_t channel) {
  auto it = sessions_.find({g, channel});
  return it == sessions_.end() ? nullptr : &it->second;
}

std::vector<VioSession*> VioServer::sessions() {
  std::vector<VioSession*> v;
  for (auto& [key, s] : sessions_) v.push_back(&s);
  return v;
}

uint64_t VioServer::copy(VioSession& s, bool to_guest, uint64_t cookie, uint8_t* buf, uint64_t n) {
  hv::LdcEndpoint* ep = s.endpoint();
  if (!ep) return hv::HV_ECHANNEL;
  return s.hv->ldc_service_copy(*s.guest, *ep, to_guest, cookie, buf, n);
}

uint64_t VioServer::copy_cookies(VioSession& s, const uint8_t* cookies, uint32_t ncookies, bool to_guest, uint8_t* buf,
                                 uint64_t n, bool align8, uint64_t* bad) {
  for (uint32_t i = 0; i < ncookies && n; ++i) {
    uint64_t addr = get_be(cookies + 16 * i, 8), k = std::min(n, get_be(cookies + 16 * i + 8, 8));
    uint64_t st = align8 && addr % 8 ? uint64_t(hv::HV_EBADALIGN) : copy(s, to_guest, addr, buf, k);
    if (st) {
      if (bad) *bad = addr;
      return st;
    }
    buf += k;
    n -= k;
  }
  if (n && bad) *bad = ~uint64_t(0);
  return n ? uint64_t(hv::HV_EINVAL) : uint64_t(hv::HV_EOK);
}

// A ring may span several cookie ranges: find the bytes [off, off+n) across them.
uint64_t VioServer::ring_offset_copy(VioSession& s, const VioRing& r, uint64_t off, bool to_guest, uint8_t* buf,
                                     uint64_t n) {
  for (auto [addr, size] : r.cookies) {
    if (n == 0) break;
    if (off >= size) {
      off -= size;
      continue;
    }
    uint64_t k = std::min(n, size - off);
    if (uint64_t st = copy(s, to_guest, addr + off, buf, k)) return st;
    buf += k;
    n -= k;
    off = 0;
  }
  return n ? hv::HV_ENOMAP : hv::HV_EOK;
}

uint64_t VioServer::read_desc(VioSession& s, const VioRing& r, uint32_t index, uint8_t* buf, uint32_t n) {
  if (index >= r.ndesc || n > r.desc_size) return hv::HV_EINVAL;
  return ring_offset_copy(s, r, uint64_t(index) * r.desc_size, false, buf, n);
}

uint64_t VioServer::write_desc(VioSession& s, const VioRing& r, uint32_t index, const uint8_t* buf, uint32_t n) {
  if (index >= r.ndesc || n > r.desc_size) return hv::HV_EINVAL;
  return ring_offset_copy(s, r, uint64_t(index) * r.desc_size, true, const_cast<uint8_t*>(buf), n);
}

void VioServer::on_link_reset(hv::Hypervisor&, hv::Guest& g, hv::LdcEndpoint& ep) {
  auto it = sessions_.find({&g, ep.id});
  if (it == sessions_.end()) return;
  on_end(it->second);
  sessions_.erase(it);
}

void VioServer::forget(hv::Guest& g) {
  LdcLinkService::forget(g);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (it->first.first != &g) {
      ++it;
      continue;
    }
    on_end(it->second);
    it = sessions_.erase(it);
  }
}

void VioServer::on_message(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, std::vector<uint8_t> msg) {
  VioSession& s = sessions_[{&g, ep.id}];
  s.hv = &hv;
  s.guest = &g;
  s.channel = ep.id;
  if (msg.size() < kVioMsgBytes) {   // not a VIO message: nothing to answer
    ++s.errors;
    return;
  }
  answer_flow_ = 0;
  trace(s, true, msg.data());
  uint16_t env = uint16_t(get_be(msg.data() + 2, 2));
  uint32_t sid = uint32_t(get_be(msg.data() + 4, 4));
  if (msg[0] == VIO_TYPE_CTRL && msg[1] == VIO_SUBTYPE_INFO && env == VIO_VER_INFO) {
    control(s, msg.data());
    return;
  }
  if (sid != s.sid || !s.major) {   // not this session's, or before any version: refused
    ++s.errors;
    if (msg[1] == VIO_SUBTYPE_INFO) send(s, msg[0], VIO_SUBTYPE_NACK, env, msg.data());
    return;
  }
  if (msg[0] == VIO_TYPE_CTRL) {
    if (msg[1] == VIO_SUBTYPE_INFO) control(s, msg.data());
    return;
  }
  if (!s.ready) {
    ++s.errors;
    if (msg[1] == VIO_SUBTYPE_INFO) send(s, msg[0], VIO_SUBTYPE_NACK, env, msg.data());
    return;
  }
  on_data(s, msg);
  answer_flow_ = 0;
}

void VioServer::control(VioSession& s, uint8_t m[kVioMsgBytes]) {
  uint16_t env = uint16_t(get_be(m + 2, 2));
  auto ack = [&](bool ok) { send(s, VIO_TYPE_CTRL, ok ? VIO_SUBTYPE_ACK : VIO_SUBTYPE_NACK, env, m); };
  switch (env) {
    case VIO_VER_INFO: {   // a new session: whatever the old one had is gone
      if (s.major) on_end(s);
      uint32_t sid = uint32_t(get_be(m + 4, 4));
      VioSession fresh;
      fresh.hv = s.hv;
      fresh.guest = s.guest;
      fresh.channel = s.channel;
      fresh.sid = sid;
      s = fresh;
      uint16_t major = uint16_t(get_be(m + 8, 2)), minor = uint16_t(get_be(m + 10, 2));
      bool ok = m[12] == client_class();
      for (auto [ma, mi] : versions_) {   // best first: the first with the client's major, else a lower offer
        if (ok && ma == major) {
          s.major = ma;
          s.minor = std::min(mi, minor);
          put_be(m + 10, 2, s.minor);
          break;
        }
        if (ma < major) {
          put_be(m + 8, 2, ma);
          put_be(m + 10, 2, mi);
          break;
        }
      }
      if (!s.major && (!ok || versions_.back().first >= major)) put_be(m + 8, 4, 0);   // 0.0: nothing in common
      m[12] = dev_class_;
      if (!s.major) ++s.errors;
      ack(s.major != 0);
      return;
    }
    case VIO_ATTR_INFO:
      s.attr_ok = on_attr(s, m);
      if (!s.attr_ok) ++s.errors;
      ack(s.attr_ok);
      return;
    case VIO_DRING_REG: {
      VioRing r;
      r.ndesc = uint32_t(get_be(m + 16, 4));
      r.desc_size = uint32_t(get_be(m + 20, 4));
      r.options = uint16_t(get_be(m + 24, 2));
      uint32_t ncookies = uint32_t(get_be(m + 28, 4));
      uint64_t bytes = 0;
      for (uint32_t i = 0; i < ncookies && 32 + 16 * (i + 1) <= kVioMsgBytes; ++i) {   // one cookie fits a packet
        r.cookies.emplace_back(get_be(m + 32 + 16 * i, 8), get_be(m + 40 + 16 * i, 8));
        bytes += r.cookies.back().second;
      }
      bool ok = s.attr_ok && r.ndesc && r.ndesc <= kMaxRingDesc && r.desc_size >= 8 && r.desc_size <= kMaxDescSize &&
                r.desc_size % 8 == 0 && ncookies == r.cookies.size() && !r.cookies.empty() &&
                bytes >= uint64_t(r.ndesc) * r.desc_size && ring_ok(s, r);
      if (ok) {
        r.ident = s.next_ident++;
        put_be(m + 8, 8, r.ident);
        s.rings[r.ident] = r;
      } else {
        ++s.errors;
      }
      ack(ok);
      return;
    }
    case VIO_DRING_UNREG:
      ack(s.rings.erase(get_be(m + 8, 8)) == 1);
      return;
    case VIO_RDX:
      if (!s.attr_ok) {
        ++s.errors;
        ack(false);
        return;
      }
      s.ready = true;
      ack(true);
      on_ready(s);
      return;
    default:
      ++s.errors;
      ack(false);
  }
}

}  // namespace vfsim::models
