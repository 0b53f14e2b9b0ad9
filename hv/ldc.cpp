// Logical Domain Channels in the hypervisor: endpoints, moving 64-byte packets from a
// sender's TX queue to the receiver's RX queue (in guest memory), the receive interrupt and
// the packet trace. The hypercalls are in hcall_ldc.cpp.
#include <algorithm>

#include <fmt/format.h>

#include "hv/device_events.h"
#include "hv/hypervisor.h"
#include "hv/pcie_root_complex.h"
#include "hv/ldc_service.h"
#include "sim/state/codec.h"
#include "sim/trace/trace.h"

namespace vfsim::hv {

namespace {
// One line per packet: the link-layer header as the non-RAW modes lay it out (type,
// subtype, ctrl, env = size/flags, seqid, ackid). The hypervisor does not know a channel's
// mode: in RAW packets every field is payload, and bytes 12-15 are an ackid only in
// RELIABLE mode (payload otherwise).
// On the sender's channel track (or the receiver's, for a service's packet); a flow starts
// there when the packet lands in a guest's RX queue and ends when that guest reads it.
void trace_packet(const Hypervisor& hv, const Guest& g, uint64_t channel, const std::string& from, const std::string& to,
                  const uint8_t* p, uint64_t flow) {
  trace::Event e(trace::Category::ldc, trace::Phase::Instant, hv.trace_ps(),
                 trace::Track::channel(g.name, channel), g.name, fmt::format("ldc {:#04x}/{:#04x}", p[0], p[1]));
  e.flow_out = flow;
  e.arg("from", from).arg("to", to).arg("type", p[0]).arg("subtype", p[1]).arg("ctrl", p[2]).arg("size", uint64_t(p[3] & 0x3f));
  e.arg("seqid", state::be32(p + 4)).arg("ackid", state::be32(p + 12));
  e.text = fmt::format("ldc  {} -> {}  type={:#04x} subtype={:#04x} ctrl={:#04x} env={:#04x} size={} seqid={} ackid={}", from, to,
                       p[0], p[1], p[2], p[3], p[3] & 0x3f, state::be32(p + 4), state::be32(p + 12));
  trace::emit(std::move(e));
}
}  // namespace

// The guest moved its RX head past packets a traced send put there: each ends its flow.
void Hypervisor::ldc_trace_read(Guest& g, LdcEndpoint& ep, uint64_t old_head) {
  ep.rx_flows.take(old_head, ep.rx.head, ep.rx.entries * kQueueEntryBytes, [&](uint64_t off, uint64_t flow) {
    trace::Event e(trace::Category::ldc, trace::Phase::Instant, trace_ps(), trace::Track::channel(g.name, ep.id), g.name, "ldc read");
    e.flow_in = flow;
    e.arg("offset", off);
    trace::emit(std::move(e));
  });
}

// Packets waiting in the endpoint's RX queue, as a counter on its channel track: drawn when
// packets come in and when the guest reads them.
void Hypervisor::ldc_trace_rx_depth(const Guest& g, const LdcEndpoint& ep) const {
  uint64_t size = ep.rx.entries * kQueueEntryBytes;
  uint64_t waiting = size ? ((ep.rx.tail - ep.rx.head) & (size - 1)) / kQueueEntryBytes : 0;
  trace::Event e(trace::Category::ldc, trace::Phase::Counter, trace_ps(),
                 trace::Track::channel(g.name, ep.id), g.name, "rx queue");
  e.value = double(waiting);
  trace::emit(std::move(e));
}

// A new endpoint with the lowest free id (or want_id if that is free), its two interrupt
// sources and its MD node (and the node of the device on it, when there is one).
LdcEndpoint& Hypervisor::add_endpoint(Guest& g, VirtualDevice* dev, uint64_t want_id) {
  if (g.ldc.size() >= kMaxChannels)
    throw HvError(fmt::format("guest '{}': already {} channels, the most a domain can have", g.name, kMaxChannels));
  uint64_t id = 0;
  if (want_id < kMaxChannels && !g.channel(want_id)) id = want_id;
  else while (g.channel(id)) ++id;
  LdcEndpoint e;
  e.id = id;
  g.ldc.push_back(e);
  for (uint64_t ino : {e.tx_ino(), e.rx_ino()}) {
    InterruptSource s;
    s.devhandle = kChannelDevhandle;
    s.devino = ino;
    g.intr.push_back(s);
  }
  GuestResources& res = g.md_inputs;
  res.channels.push_back(id);
  if (dev) {   // the device on this channel goes into the same new MD
    dev->channel = id;
    res.vdevs.push_back(*dev);
  }
  rebuild_md(g);
  return g.ldc.back();
}

std::pair<uint64_t, uint64_t> Hypervisor::connect(Guest& a, Guest& b) {
  uint64_t ida = add_endpoint(a).id;
  uint64_t idb = add_endpoint(b).id;   // may reallocate a.ldc when a == b: look ids up again
  LdcEndpoint* pa = a.channel(ida);
  LdcEndpoint* pb = b.channel(idb);
  pa->peer = &b;
  pa->peer_id = idb;
  pb->peer = &a;
  pb->peer_id = ida;
  return {ida, idb};
}

uint64_t Hypervisor::connect_service(Guest& g, LdcService& svc) {
  LdcEndpoint& e = add_endpoint(g);
  e.service = &svc;
  return e.id;
}

uint64_t Hypervisor::connect_service(Guest& g, LdcService& svc, VirtualDevice dev, uint64_t want_id) {
  LdcEndpoint& e = add_endpoint(g, &dev, want_id);
  e.service = &svc;
  return e.id;
}

void Hypervisor::disconnect(Guest& g, uint64_t channel) {
  LdcEndpoint* e = g.channel(channel);
  if (!e) return;
  if (e->service) e->service->reset(*this, g, *e);
  if (e->peer)
    if (LdcEndpoint* p = e->peer->channel(e->peer_id)) p->peer = nullptr;
  g.intr.erase(std::remove_if(g.intr.begin(), g.intr.end(),
                              [&](const InterruptSource& s) {
                                return s.devhandle == kChannelDevhandle &&
                                       (s.devino == e->tx_ino() || s.devino == e->rx_ino());
                              }),
               g.intr.end());
  g.ldc.erase(g.ldc.begin() + (e - g.ldc.data()));
  GuestResources& res = g.md_inputs;
  res.channels.erase(std::remove(res.channels.begin(), res.channels.end(), channel), res.channels.end());
  res.vdevs.erase(std::remove_if(res.vdevs.begin(), res.vdevs.end(), [&](const VirtualDevice& d) { return d.channel == channel; }),
                  res.vdevs.end());
  rebuild_md(g);
}

void Hypervisor::ldc_send(Guest& g, LdcEndpoint& ep, const uint8_t pkt[64], uint64_t delay_cycles) {
  LdcEndpoint::Queued q;
  std::copy(pkt, pkt + 64, q.pkt.begin());
  q.due = call_cycles + delay_cycles;
  if (!ep.outbox.empty()) q.due = std::max(q.due, ep.outbox.back().due);   // in order
  if (ep.outbox.size() >= kMaxOutbox) {   // a guest that floods and never reads: the service stays bounded
    ++ep.outbox_dropped;
    return;
  }
  ep.outbox.push_back(q);
  ldc_flush_outbox(g, ep);
  if (q.due > call_cycles) events_->schedule(q.due);   // it arrives then, hypercall or not
}

void Hypervisor::ldc_at(LdcEndpoint& ep, uint64_t delay_cycles, const TimerArgs& args) {
  uint64_t due = call_cycles + delay_cycles;
  auto at = std::upper_bound(ep.timers.begin(), ep.timers.end(), due,
                             [](uint64_t d, const Timer& t) { return d < t.due; });
  ep.timers.insert(at, Timer{due, args});
  events_->schedule(due);
}

namespace {
bool has_running_vcpu(const Guest& g) {
  // a suspended guest's services wait for it as a stopped guest's do (resume_guest rearms)
  return std::any_of(g.vcpus.begin(), g.vcpus.end(), [](const Vcpu& v) { return v.runs(); });
}
}  // namespace

void Hypervisor::run_device_events(uint64_t now) {
  for (auto& gp : guests)
    if (has_running_vcpu(*gp)) run_device_events(*gp, now);   // a stopped guest's wait, as for its next hypercall
}

void Hypervisor::run_device_events(Guest& g, uint64_t now) {
  ncs_progress(g, now);   // crypto units' completions and their interrupts
  uint64_t saved = call_cycles;   // a hypercall's clock, which services outside one still read
  for (auto& r : roots)   // its PCIe devices' work (NVMe completions), stamped with its due cycle
    if (r->owner == &g)
      for (uint64_t due; (due = r->next_due()) <= now;) {
        call_cycles = due;
        r->run(due);
        if (r->next_due() == due) break;   // (a device that does not move on: never spin)
      }
  call_cycles = saved;
  for (size_t i = 0; i < g.ldc.size(); ++i) {   // by index: a service may change the list
    if (!g.ldc[i].service) continue;
    // Each due cycle in turn, so the service works (and the trace shows it) at that cycle.
    std::vector<uint64_t> dues;
    for (const Timer& t : g.ldc[i].timers)
      if (t.due <= now) dues.push_back(t.due);
    for (const LdcEndpoint::Queued& q : g.ldc[i].outbox)
      if (q.due <= now) dues.push_back(q.due);
    std::sort(dues.begin(), dues.end());
    dues.erase(std::unique(dues.begin(), dues.end()), dues.end());
    for (uint64_t due : dues) {
      if (i >= g.ldc.size()) break;
      call_cycles = due;
      ldc_flush_outbox(g, g.ldc[i]);
    }
  }
  call_cycles = saved;
}

uint64_t Hypervisor::next_device_event(const Guest& g, uint64_t after) const {
  uint64_t next = UINT64_MAX;
  if (uint64_t due = ncs_next_due(g); due > after) next = due;
  for (const auto& r : roots)
    if (r->owner == &g)
      if (uint64_t due = r->next_due(); due > after) next = std::min(next, due);
  for (const LdcEndpoint& ep : g.ldc) {
    if (!ep.service) continue;
    // Both lists are in due order; what is due already but waits for RX room is moved by
    // the guest's ldc_rx_set_qhead, not by the clock.
    for (const Timer& t : ep.timers)
      if (t.due > after) { next = std::min(next, t.due); break; }
    for (const LdcEndpoint::Queued& q : ep.outbox)
      if (q.due > after) { next = std::min(next, q.due); break; }
  }
  return next;
}

uint64_t Hypervisor::next_device_event(uint64_t after) const {
  uint64_t next = UINT64_MAX;
  for (const auto& gp : guests)
    if (has_running_vcpu(*gp)) next = std::min(next, next_device_event(*gp, after));
  return next;
}

void Hypervisor::rearm_device_events() { events_->rearm(); }
void Hypervisor::rearm_at(uint64_t due) { events_->schedule(due); }


uint64_t Hypervisor::ldc_next_due(const Guest& g) const {
  uint64_t due = UINT64_MAX;
  for (const LdcEndpoint& e : g.ldc) {
    if (!e.outbox.empty()) due = std::min(due, e.outbox.front().due);
    if (!e.timers.empty()) due = std::min(due, e.timers.front().due);
  }
  return due;
}

void Hypervisor::ldc_flush_outbox(Guest& g, LdcEndpoint& ep) {
  if (!ep.in_timers) {   // work that has come due first: it may send packets of its own
    ep.in_timers = true;
    while (!ep.timers.empty() && ep.timers.front().due <= call_cycles) {
      TimerArgs args = ep.timers.front().args;
      ep.timers.erase(ep.timers.begin());
      if (ep.service) ep.service->on_timer(*this, g, ep, args);
    }
    ep.in_timers = false;
  }
  unsigned moved = 0;
  size_t i = 0;
  for (; i < ep.outbox.size() && ep.rx.entries && !ep.rx.full() && ep.outbox[i].due <= call_cycles; ++i) {
    uint64_t pa;
    if (!g.ra_to_pa(ep.rx.base_ra + ep.rx.tail, kQueueEntryBytes, pa)) break;
    machine.mem.write(pa, ep.outbox[i].pkt.data(), kQueueEntryBytes);
    if (trace::on(trace::Category::ldc)) {
      uint64_t flow = trace::new_flow();
      ep.rx_flows.at[ep.rx.tail] = flow;
      trace_packet(*this, g, ep.id, "service", fmt::format("{}/ch{}", g.name, ep.id), ep.outbox[i].pkt.data(), flow);
    }
    ep.rx.tail = (ep.rx.tail + kQueueEntryBytes) & (ep.rx.entries * kQueueEntryBytes - 1);
    ++g.ldc_rx_packets;
    g.ldc_rx_bytes += kQueueEntryBytes;
    ++moved;
  }
  ep.outbox.erase(ep.outbox.begin(), ep.outbox.begin() + long(i));
  if (moved && trace::on(trace::Category::ldc)) ldc_trace_rx_depth(g, ep);
  if (moved)
    if (InterruptSource* s = g.source(kChannelDevhandle, ep.rx_ino())) raise_interrupt(g, *s);
}

void Hypervisor::ldc_fill_rx(Guest& g, LdcEndpoint& ep) {
  if (ep.service) {
    ldc_flush_outbox(g, ep);
  } else if (ep.peer) {
    if (LdcEndpoint* p = ep.peer->channel(ep.peer_id)) ldc_deliver(*ep.peer, *p);
  }
}

void Hypervisor::ldc_notify_reset(Guest& g, LdcEndpoint& ep) {
  if (ep.service) {   // the guest (re)configured its RX queue: the service starts over
    ep.outbox.clear();
    ep.timers.clear();
    ep.service->reset(*this, g, ep);
    return;
  }
  if (!ep.peer) return;
  LdcEndpoint* p = ep.peer->channel(ep.peer_id);
  if (!p) return;
  p->reset_seen = true;
  if (InterruptSource* s = ep.peer->source(kChannelDevhandle, p->rx_ino())) raise_interrupt(*ep.peer, *s);
}

void Hypervisor::ldc_deliver(Guest& from, LdcEndpoint& ep) {
  if (ep.service && ep.tx.entries) {   // a service takes every packet as it is sent
    uint64_t tx_size = ep.tx.entries * kQueueEntryBytes;
    while (ep.tx.head != ep.tx.tail) {
      uint8_t pkt[kQueueEntryBytes];
      uint64_t pa;
      if (!from.ra_to_pa(ep.tx.base_ra + ep.tx.head, kQueueEntryBytes, pa)) break;
      machine.mem.read(pa, pkt, kQueueEntryBytes);
      ep.tx.head = (ep.tx.head + kQueueEntryBytes) & (tx_size - 1);
      ++from.ldc_tx_packets;
      from.ldc_tx_bytes += kQueueEntryBytes;
      if (trace::on(trace::Category::ldc))
        trace_packet(*this, from, ep.id, fmt::format("{}/ch{}", from.name, ep.id), "service", pkt, 0);
      ep.service->receive(*this, from, ep, pkt);
    }
    return;
  }
  if (!ep.peer || !ep.tx.entries) return;
  LdcEndpoint* to = ep.peer->channel(ep.peer_id);
  if (!to || !to->rx.entries) return;   // the peer is down: packets wait in our TX queue
  Guest& dst = *ep.peer;
  uint64_t tx_size = ep.tx.entries * kQueueEntryBytes, rx_size = to->rx.entries * kQueueEntryBytes;
  unsigned moved = 0;
  while (ep.tx.head != ep.tx.tail && !to->rx.full()) {
    uint8_t pkt[kQueueEntryBytes];
    uint64_t src_pa, dst_pa;
    if (!from.ra_to_pa(ep.tx.base_ra + ep.tx.head, kQueueEntryBytes, src_pa) ||
        !dst.ra_to_pa(to->rx.base_ra + to->rx.tail, kQueueEntryBytes, dst_pa))
      break;
    machine.mem.read(src_pa, pkt, kQueueEntryBytes);
    machine.mem.write(dst_pa, pkt, kQueueEntryBytes);
    if (trace::on(trace::Category::ldc)) {
      uint64_t flow = trace::new_flow();
      to->rx_flows.at[to->rx.tail] = flow;
      trace_packet(*this, from, ep.id, fmt::format("{}/ch{}", from.name, ep.id), fmt::format("{}/ch{}", dst.name, to->id), pkt, flow);
    }
    ep.tx.head = (ep.tx.head + kQueueEntryBytes) & (tx_size - 1);
    to->rx.tail = (to->rx.tail + kQueueEntryBytes) & (rx_size - 1);
    ++from.ldc_tx_packets;
    from.ldc_tx_bytes += kQueueEntryBytes;
    ++dst.ldc_rx_packets;
    dst.ldc_rx_bytes += kQueueEntryBytes;
    ++moved;
  }
  if (moved && trace::on(trace::Category::ldc)) ldc_trace_rx_depth(dst, *to);
  if (moved)
    if (InterruptSource* s = dst.source(kChannelDevhandle, to->rx_ino())) raise_interrupt(dst, *s);
}

namespace {
enum : uint64_t { MTE_CR = 0x200, MTE_CW = 0x400, MTE_RA_MASK = 0x00ffffffffffe000ull };
}

uint64_t Hypervisor::ldc_exported(Guest& owner, LdcEndpoint& ep, bool write, uint64_t cookie, uint64_t len,
                                  uint64_t& pa, uint64_t& n) {
  if (!ep.map_entries) return HV_ENOMAP;
  if (cookie >> 60) return HV_EBADPGSZ;
  uint64_t index = cookie >> 13, offset = cookie & 8191;
  if (index >= ep.map_entries) return HV_ENOMAP;
  uint64_t slot_pa;
  if (!owner.ra_to_pa(ep.map_ra + 16 * index, 8, slot_pa)) return HV_ENOMAP;
  uint64_t mte = read_be64(slot_pa);
  if ((mte & 0xf) != 0) return HV_EBADPGSZ;
  if (!(mte & (write ? MTE_CW : MTE_CR))) return HV_ENOACCESS;
  n = std::min(len, 8192 - offset);
  if (!owner.ra_to_pa((mte & MTE_RA_MASK) + offset, n, pa)) return HV_ENORADDR;
  return HV_EOK;
}

uint64_t Hypervisor::ldc_service_copy(Guest& g, LdcEndpoint& ep, bool to_guest, uint64_t cookie, uint8_t* buf,
                                      uint64_t len) {
  std::vector<std::pair<uint64_t, uint64_t>> pieces;   // (pa, n)
  for (uint64_t done = 0; done < len;) {
    uint64_t pa, n;
    if (uint64_t s = ldc_exported(g, ep, to_guest, cookie + done, len - done, pa, n)) return s;
    pieces.emplace_back(pa, n);
    done += n;
  }
  for (auto [pa, n] : pieces) {
    if (to_guest)
      machine.mem.write(pa, buf, n);
    else
      machine.mem.read(pa, buf, n);
    (to_guest ? g.ldc_rx_bytes : g.ldc_tx_bytes) += n;
    buf += n;
  }
  return HV_EOK;
}

}  // namespace vfsim::hv
