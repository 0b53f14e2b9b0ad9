#include "models/ds.h"

#include <algorithm>

#include <fmt/format.h>

#include "hv/hypervisor.h"
#include "sim/trace/trace.h"

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

namespace {
const char* type_name(uint32_t type) {
  static const char* const kNames[] = {"INIT_REQ", "INIT_ACK", "INIT_NACK", "REG_REQ", "REG_ACK", "REG_NACK",
                                       "UNREG", "UNREG_ACK", "UNREG_NACK", "DATA", "NACK"};
  return type <= NACK ? kNames[type] : "?";
}
std::string service_of(const std::map<std::string, uint64_t>& handles, uint64_t h) {
  for (const auto& [id, handle] : handles)
    if (handle == h) return id;
  return "";
}
}  // namespace

// On the service's track "ds@DOMAIN": the message type, the service it concerns, and the
// fields that tell one message from another (version, handle, req_num, result).
void DomainServices::trace(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, bool from_guest, uint32_t type,
                           const std::vector<uint8_t>& p, const std::string& service, uint64_t flow_in,
                           uint64_t flow_out) const {
  Reader r(p.data(), p.size());
  std::string fields;
  trace::Event e;
  switch (type) {
    case INIT_REQ: {
      uint16_t major = r.u16(), minor = r.u16();
      fields = fmt::format(" ver={}.{}", major, minor);
      break;
    }
    case REG_REQ: {
      RegReq q;
      if (parse_reg_req(p, q)) {
        fields = fmt::format(" ver={}.{} handle={:#x}", q.major, q.minor, q.handle);
        e.arg("handle", q.handle);
      }
      break;
    }
    case REG_ACK: case UNREG: case UNREG_ACK: case UNREG_NACK: {
      uint64_t h = r.u64();
      fields = fmt::format(" handle={:#x}", h);
      e.arg("handle", h);
      break;
    }
    case REG_NACK: {
      uint64_t h = r.u64(), result = r.u64();
      fields = fmt::format(" handle={:#x} result={}", h, result);
      e.arg("handle", h).arg("result", result);
      break;
    }
    case DATA: {
      uint64_t h = r.u64(), req = r.u64();
      fields = fmt::format(" handle={:#x} req={} bytes={}", h, req, p.size() >= 16 ? p.size() - 16 : 0);
      e.arg("handle", h).arg("req", req).arg("bytes", uint64_t(p.size() >= 16 ? p.size() - 16 : 0));
      break;
    }
    case NACK: {
      uint64_t h = r.u64(), result = r.u64();
      fields = fmt::format(" handle={:#x} result={}", h, result);
      e.arg("handle", h).arg("result", result);
      break;
    }
    default: break;
  }
  std::string who = fmt::format("{}/ch{}", g.name, ep.id), us = "ds@" + g.name;
  e.ps = hv.trace_ps();
  e.cat = trace::Category::ds;
  e.track = trace::Track::service(us);
  e.domain = g.name;
  e.name = service.empty() ? type_name(type) : fmt::format("{} {}", type_name(type), service);
  e.flow_in = flow_in;
  e.flow_out = flow_out;
  e.arg("from", from_guest ? who : us).arg("to", from_guest ? us : who).arg("type", type_name(type));
  if (!service.empty()) e.arg("service", service);
  e.text = fmt::format("ds   {} -> {}  {}{}{}", from_guest ? who : us, from_guest ? us : who, type_name(type),
                       service.empty() ? "" : " " + service, fields);
  trace::emit(std::move(e));
}

void DomainServices::send(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, uint32_t type,
                          const std::vector<uint8_t>& payload, const std::string& service, uint64_t flow_out) {
  if (trace::on(trace::Category::ds)) trace(hv, g, ep, false, type, payload, service, 0, flow_out);
  std::vector<uint8_t> m = message(type, payload);
  send_message(hv, g, ep, m.data(), m.size());
}

uint64_t DomainServices::request(hv::Hypervisor& hv, hv::Guest& g, const std::string& service,
                                 const std::vector<uint8_t>& payload, Callback cb) {
  if (!has(g, service)) return 0;
  Channel& c = chans_[&g];
  hv::LdcEndpoint* ep = g.channel(c.ep_id);
  uint64_t req = next_req_++, handle = c.handles[service];
  uint64_t flow = trace::on(trace::Category::ds) ? trace::new_flow() : 0;
  c.pending[req] = {service, handle, std::move(cb), flow};
  ++counters_.requests;
  if (service == "md-update" && trace::on(trace::Category::md)) {   // the guest is told of its new MD
    trace::Event e(trace::Category::md, trace::Phase::Instant, hv.trace_ps(),
                   trace::Track::domain(g.name), g.name, "md-update sent");
    e.arg("generation", g.md_inputs.md_generation).arg("bytes", uint64_t(g.md.size())).arg("req", req);
    e.text = fmt::format("md   {}  md-update sent (req {}): generation {}, {} bytes", g.name, req, g.md_inputs.md_generation,
                         g.md.size());
    trace::emit(std::move(e));
  }
  send(hv, g, *ep, DATA, Writer().u64(handle).u64(req).bytes(payload).b, service, flow);
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
  if (trace::on(trace::Category::ds)) {   // the service it names, and the request a reply ends
    std::string service;
    uint64_t flow = 0;
    Reader h(p.data(), p.size());
    RegReq q;
    if (type == REG_REQ && parse_reg_req(p, q)) service = q.id;
    uint64_t handle = h.u64();
    if (type == UNREG || type == DATA || type == NACK) service = service_of(c.handles, handle);
    if (type == DATA) {
      auto it = c.pending.find(h.u64());
      if (it != c.pending.end() && it->second.handle == handle) flow = it->second.flow;
    } else if (type == NACK) {   // it fails the oldest request on the handle (below)
      for (const auto& [req, pend] : c.pending)
        if (pend.handle == handle) {
          flow = pend.flow;
          break;
        }
    }
    trace(hv, g, ep, true, type, p, service, flow, 0);
  }
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
        send(hv, g, ep, REG_NACK, Writer().u64(q.handle).u64(REG_VER_NACK).u16(ours ? 1 : 0).b, q.id);
        return;
      }
      if (c.handles.count(q.id)) {
        ++counters_.reg_nacks;
        send(hv, g, ep, REG_NACK, Writer().u64(q.handle).u64(REG_DUP).u16(1).b, q.id);
        return;
      }
      c.handles[q.id] = q.handle;
      ++counters_.registrations;
      send(hv, g, ep, REG_ACK, Writer().u64(q.handle).u16(0).b, q.id);
      return;
    }
    case UNREG: {
      uint64_t h = r.u64();
      for (auto it = c.handles.begin(); it != c.handles.end(); ++it)
        if (it->second == h) {
          std::string service = it->first;
          c.handles.erase(it);
          send(hv, g, ep, UNREG_ACK, Writer().u64(h).b, service);
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
