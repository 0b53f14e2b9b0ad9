#include "models/ds.h"

#include <algorithm>

#include "hv/hypervisor.h"

namespace vfsim::models {

using namespace ds;

const std::vector<std::string>& DomainServices::known_services() {
  static const std::vector<std::string> k = {"md-update", "domain-shutdown", "dr-cpu", "domain-suspend"};
  return k;
}

bool DomainServices::has(hv::Guest& g, const std::string& service) const {
  auto it = chans_.find(&g);
  if (it == chans_.end() || !it->second.handles.count(service)) return false;
  hv::LdcEndpoint* ep = g.channel(it->second.ep_id);
  return ep && link_up(g, *ep);
}

std::vector<std::string> DomainServices::registered(hv::Guest& g) const {
  std::vector<std::string> out;
  if (auto it = chans_.find(&g); it != chans_.end())
    for (const auto& [id, h] : it->second.handles) out.push_back(id);
  return out;
}

void DomainServices::send(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, uint32_t type,
                          const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> m = message(type, payload);
  send_message(hv, g, ep, m.data(), m.size());
}

uint64_t DomainServices::request(hv::Hypervisor& hv, hv::Guest& g, const std::string& service,
                                 const std::vector<uint8_t>& payload, Callback cb) {
  if (!has(g, service)) return 0;
  Channel& c = chans_[&g];
  hv::LdcEndpoint* ep = g.channel(c.ep_id);
  uint64_t req = next_req_++, handle = c.handles[service];
  c.pending[req] = {service, handle, std::move(cb)};
  ++counters_.requests;
  send(hv, g, *ep, DATA, Writer().u64(handle).u64(req).bytes(payload).b);
  return req;
}

void DomainServices::fail_all(Channel& c, const std::string& why) {
  auto pending = std::move(c.pending);
  c.pending.clear();
  for (auto& [req, p] : pending) {
    Answer a;
    a.service = p.service;
    a.error = why;
    if (p.cb) p.cb(a);
  }
}

const DomainServices::Late* DomainServices::late_reply(hv::Guest& g, const std::string& service) const {
  auto it = chans_.find(&g);
  if (it == chans_.end()) return nullptr;
  auto l = it->second.late.find(service);
  return l == it->second.late.end() ? nullptr : &l->second;
}

void DomainServices::cancel(hv::Guest& g, uint64_t req) {
  if (auto it = chans_.find(&g); it != chans_.end()) it->second.pending.erase(req);
}

void DomainServices::forget(hv::Guest& g) {
  LdcLinkService::forget(g);
  chans_.erase(&g);
}

void DomainServices::on_link_reset(hv::Hypervisor&, hv::Guest& g, hv::LdcEndpoint&) {
  auto it = chans_.find(&g);
  if (it == chans_.end()) return;
  Channel c = std::move(it->second);   // a rebooting guest registers again
  chans_.erase(it);
  fail_all(c, "the domain services channel was reset");
}

void DomainServices::on_message(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, std::vector<uint8_t> msg) {
  uint32_t type;
  std::vector<uint8_t> p;
  std::string why;
  if (!parse(msg, type, p, why)) {
    ++counters_.bad;
    return;
  }
  Channel& c = chans_[&g];
  c.ep_id = ep.id;
  Reader r(p.data(), p.size());
  switch (type) {
    case INIT_REQ: {   // version 1.0 only (reference §5.7)
      uint16_t major = r.u16(), minor = r.u16();
      (void)minor;
      if (!r.ok || major != 1) {
        send(hv, g, ep, INIT_NACK, Writer().u16(1).b);
        return;
      }
      c.inited = true;
      c.handles.clear();
      ++counters_.inits;
      send(hv, g, ep, INIT_ACK, Writer().u16(0).b);
      return;
    }
    case REG_REQ: {
      RegReq q;
      if (!c.inited || !parse_reg_req(p, q)) {
        ++counters_.bad;
        return;
      }
      const auto& known = known_services();
      bool ours = std::find(known.begin(), known.end(), q.id) != known.end();
      if (!ours || q.major != 1) {   // unknown service: no version of it (major 0)
        ++counters_.reg_nacks;
        send(hv, g, ep, REG_NACK, Writer().u64(q.handle).u64(REG_VER_NACK).u16(ours ? 1 : 0).b);
        return;
      }
      if (c.handles.count(q.id)) {
        ++counters_.reg_nacks;
        send(hv, g, ep, REG_NACK, Writer().u64(q.handle).u64(REG_DUP).u16(1).b);
        return;
      }
      c.handles[q.id] = q.handle;
      ++counters_.registrations;
      send(hv, g, ep, REG_ACK, Writer().u64(q.handle).u16(0).b);
      return;
    }
    case UNREG: {
      uint64_t h = r.u64();
      for (auto it = c.handles.begin(); it != c.handles.end(); ++it)
        if (it->second == h) {
          c.handles.erase(it);
          send(hv, g, ep, UNREG_ACK, Writer().u64(h).b);
          return;
        }
      send(hv, g, ep, UNREG_NACK, Writer().u64(h).b);
      return;
    }
    case DATA: {   // a reply: {handle, req_num, ...}
      uint64_t h = r.u64(), req = r.u64();
      auto it = c.pending.find(req);
      auto suspend = c.handles.find("domain-suspend");
      if (r.ok && it == c.pending.end() && suspend != c.handles.end() && suspend->second == h) {
        ++counters_.late;   // its report after the reply (resumed, or the call failed)
        c.late["domain-suspend"] = {req, std::vector<uint8_t>(p.begin() + 16, p.end())};
        return;
      }
      if (!r.ok || it == c.pending.end() || it->second.handle != h) {
        ++counters_.bad;
        send(hv, g, ep, NACK, Writer().u64(h).u64(INV_HDL).b);
        return;
      }
      Pending pend = std::move(it->second);
      c.pending.erase(it);
      ++counters_.replies;
      Answer a;
      a.ok = true;
      a.service = pend.service;
      a.data.assign(p.begin() + 16, p.end());
      if (pend.cb) pend.cb(a);
      return;
    }
    case NACK: {   // the guest could not take a request: the oldest one on that handle fails
      uint64_t h = r.u64(), result = r.u64();
      ++counters_.nacks;
      for (auto it = c.pending.begin(); it != c.pending.end(); ++it)
        if (it->second.handle == h) {
          Pending pend = std::move(it->second);
          c.pending.erase(it);
          Answer a;
          a.service = pend.service;
          a.error = "the domain refused the request (DS NACK result " + std::to_string(result) + ")";
          if (pend.cb) pend.cb(a);
          return;
        }
      return;
    }
    default:
      ++counters_.bad;
  }
}

}  // namespace vfsim::models
