// The LDC hypercalls (group LDC 1.0, reference §4): queue configuration and state, moving
// the queue pointers, the exported map table and copies through it with its permissions.
#include <algorithm>
#include <vector>

#include "hv/hcall.h"
#include "sim/trace/trace.h"

namespace vfsim::hv {

namespace {

enum : uint64_t { LDC_DOWN = 0, LDC_UP = 1, LDC_RESET = 2 };

bool pow2(uint64_t n) { return n && !(n & (n - 1)); }

uint64_t qconf(Call& c, LdcEndpoint& e, InterruptQueue& q) {
  uint64_t ra = c.arg(1), n = c.arg(2);
  if (n == 0) {
    q = InterruptQueue{};
    return HV_EOK;
  }
  if (!pow2(n) || n < 2) return HV_EINVAL;
  if (ra & (n * kQueueEntryBytes - 1)) return HV_EBADALIGN;
  if (!c.g.ra_ok(ra, n * kQueueEntryBytes)) return HV_ENORADDR;
  q = InterruptQueue{ra, n, 0, 0};
  (void)e;
  return HV_EOK;
}

// The link as this endpoint sees it: down while the peer has no RX queue, RESET once after
// the peer (re)configured it, else up.
uint64_t link_state(LdcEndpoint& e) {
  LdcEndpoint* p = e.peer ? e.peer->channel(e.peer_id) : nullptr;
  if (!e.service && (!p || !p->rx.entries)) return LDC_DOWN;   // a service is always there
  if (e.reset_seen) {
    e.reset_seen = false;
    return LDC_RESET;
  }
  return LDC_UP;
}

// A new queue pointer must be 64-byte aligned (EBADALIGN) and inside the queue (EINVAL).
uint64_t check_offset(const InterruptQueue& q, uint64_t off) {
  if (!q.entries) return HV_EINVAL;
  if (off & (kQueueEntryBytes - 1)) return HV_EBADALIGN;
  if (off >= q.entries * kQueueEntryBytes) return HV_EINVAL;
  return HV_EOK;
}

}  // namespace

#define CHANNEL(c)                                  \
  LdcEndpoint* e = (c).g.channel((c).arg(0));       \
  if (!e) return HV_ECHANNEL

uint64_t hc_ldc_tx_qconf(Call& c) {
  CHANNEL(c);
  return qconf(c, *e, e->tx);
}

uint64_t hc_ldc_rx_qconf(Call& c) {
  CHANNEL(c);
  uint64_t s = qconf(c, *e, e->rx);
  if (s != HV_EOK) return s;
  e->rx_flows.at.clear();   // a new queue: what was in the old one is never read
  if (trace::on(trace::Category::ldc)) c.hv.ldc_trace_rx_depth(c.g, *e);
  c.hv.ldc_notify_reset(c.g, *e);
  c.hv.ldc_fill_rx(c.g, *e);   // packets the peer queued while we were down come in now
  return HV_EOK;
}

namespace {
// A queue's base and size, or its pointers and the link state.
uint64_t queue_info(Call& c, const InterruptQueue& q) {
  c.ret(1, q.base_ra);
  c.ret(2, q.entries);
  return HV_EOK;
}
uint64_t queue_state(Call& c, LdcEndpoint& e, const InterruptQueue& q) {
  c.ret(1, q.head);
  c.ret(2, q.tail);
  c.ret(3, link_state(e));
  return HV_EOK;
}
}  // namespace

uint64_t hc_ldc_tx_qinfo(Call& c) {
  CHANNEL(c);
  return queue_info(c, e->tx);
}
uint64_t hc_ldc_rx_qinfo(Call& c) {
  CHANNEL(c);
  return queue_info(c, e->rx);
}

uint64_t hc_ldc_tx_get_state(Call& c) {
  CHANNEL(c);
  if (!e->tx.entries) return HV_EINVAL;
  c.hv.ldc_deliver(c.g, *e);
  return queue_state(c, *e, e->tx);
}

uint64_t hc_ldc_rx_get_state(Call& c) {
  CHANNEL(c);
  if (!e->rx.entries) return HV_EINVAL;
  c.hv.ldc_fill_rx(c.g, *e);
  return queue_state(c, *e, e->rx);
}

// The sender appended packets: the new tail may only add entries (it must lie in the free
// part of the queue, never overtaking the head).
uint64_t hc_ldc_tx_set_qtail(Call& c) {
  CHANNEL(c);
  uint64_t tail = c.arg(1);
  if (uint64_t s = check_offset(e->tx, tail)) return s;
  uint64_t size = e->tx.entries * kQueueEntryBytes;
  uint64_t pending = (e->tx.tail - e->tx.head) & (size - 1), wanted = (tail - e->tx.head) & (size - 1);
  if (wanted < pending) return HV_EINVAL;
  e->tx.tail = tail;
  c.hv.ldc_deliver(c.g, *e);
  return HV_EOK;
}

// The receiver consumed packets: the new head must lie between the head and the tail.
uint64_t hc_ldc_rx_set_qhead(Call& c) {
  CHANNEL(c);
  uint64_t head = c.arg(1);
  if (uint64_t s = check_offset(e->rx, head)) return s;
  uint64_t size = e->rx.entries * kQueueEntryBytes;
  if (((head - e->rx.head) & (size - 1)) > ((e->rx.tail - e->rx.head) & (size - 1))) return HV_EINVAL;
  uint64_t old = e->rx.head;
  e->rx.head = head;
  if (!e->rx_flows.at.empty()) c.hv.ldc_trace_read(c.g, *e, old);
  if (head != old && trace::on(trace::Category::ldc)) c.hv.ldc_trace_rx_depth(c.g, *e);
  c.hv.ldc_fill_rx(c.g, *e);   // room again: waiting packets move on
  return HV_EOK;
}

uint64_t hc_ldc_set_map_table(Call& c) {
  CHANNEL(c);
  uint64_t ra = c.arg(1), n = c.arg(2);
  if (n == 0) {
    e->map_ra = e->map_entries = 0;
    return HV_EOK;
  }
  if (!pow2(n) || n < 2 || n >= (1ull << 30)) return HV_EINVAL;
  if (ra & 63) return HV_EBADALIGN;
  if (!c.g.ra_ok(ra, n * 16)) return HV_ENORADDR;
  e->map_ra = ra;
  e->map_entries = n;
  return HV_EOK;
}

uint64_t hc_ldc_get_map_table(Call& c) {
  CHANNEL(c);
  c.ret(1, e->map_ra);
  c.ret(2, e->map_entries);
  return HV_EOK;
}

// Copy between local memory and what the peer exported with its map table (see
// Hypervisor::ldc_exported for the cookie rules); a copy stops at the end of the exported
// page and reports how much moved. Any error moves nothing.
uint64_t hc_ldc_copy(Call& c) {
  CHANNEL(c);
  uint64_t dir = c.arg(1), cookie = c.arg(2), ra = c.arg(3), len = c.arg(4);
  if (dir > 1 || len == 0) return HV_EINVAL;
  if ((cookie | ra | len) & 7) return HV_EBADALIGN;
  LdcEndpoint* p = e->peer ? e->peer->channel(e->peer_id) : nullptr;
  if (!p) return HV_ENOMAP;   // a service in the simulator exports nothing
  uint64_t peer_pa, n, local_pa;
  if (uint64_t s = c.hv.ldc_exported(*e->peer, *p, dir == 1, cookie, len, peer_pa, n)) return s;
  if (!c.g.ra_to_pa(ra, n, local_pa)) return HV_ENORADDR;
  std::vector<uint8_t> buf(n);
  cmt::PhysicalMemory& mem = c.hv.machine.mem;
  if (dir == 0) {
    mem.read(peer_pa, buf.data(), n);
    mem.write(local_pa, buf.data(), n);
    c.g.ldc_rx_bytes += n;
    e->peer->ldc_tx_bytes += n;
  } else {
    mem.read(local_pa, buf.data(), n);
    mem.write(peer_pa, buf.data(), n);
    c.g.ldc_tx_bytes += n;
    e->peer->ldc_rx_bytes += n;
  }
  c.ret(1, n);
  return HV_EOK;
}

// Direct mapping (reference §4.6): the peer's exported page appears in our real address
// space, in the mapin window, with the R/W/X the exporter's slot allows. Loads and stores
// reach the peer's memory; a store without W faults (sun4v_mmu.cpp).
uint64_t hc_ldc_mapin(Call& c) {
  CHANNEL(c);
  uint64_t cookie = c.arg(1);
  LdcEndpoint* p = e->peer ? e->peer->channel(e->peer_id) : nullptr;
  if (!p || !p->map_entries) return HV_ENOMAP;
  if (cookie >> 60) return HV_EBADPGSZ;
  uint64_t index = cookie >> 13;
  if (index >= p->map_entries) return HV_ENOMAP;
  Guest& peer = *e->peer;
  uint64_t slot_pa;
  if (!peer.ra_to_pa(p->map_ra + 16 * index, 16, slot_pa)) return HV_ENOMAP;
  uint64_t mte = c.hv.read_be64(slot_pa);
  if (mte & 0xf) return HV_EBADPGSZ;
  uint64_t perms = (mte >> 4) & 7;   // R 0x10, W 0x20, X 0x40 -> 1, 2, 4
  if (!perms) return HV_ENOACCESS;
  uint64_t page_pa;
  if (!peer.ra_to_pa(mte & 0x00ffffffffffe000ull, 8192, page_pa)) return HV_ENORADDR;
  uint64_t ra = 0;
  for (unsigned i = 0; i < kMapinSlots && !ra; ++i)
    if (!c.g.mapins.count(kMapinBase + 8192ull * i)) ra = kMapinBase + 8192ull * i;
  if (!ra) return HV_ETOOMANY;
  c.g.mapins[ra] = Guest::Mapin{page_pa, perms, &peer, p->id, index};
  // the slot's second word: the invalidation cookie ldc_revoke must name
  c.hv.write_be64(slot_pa + 8, ra | index);
  c.ret(1, ra | (cookie & 8191));
  c.ret(2, perms);
  return HV_EOK;
}

uint64_t hc_ldc_unmap(Call& c) {
  uint64_t ra = c.arg(0);
  auto it = c.g.mapins.find(ra & ~uint64_t(8191));
  if (it == c.g.mapins.end()) return HV_EINVAL;
  c.g.mapins.erase(it);
  for (Vcpu& v : c.g.vcpus) c.hv.flush_translations(v);
  return HV_EOK;
}

// The exporter takes a slot back: every mapping of it in the peer goes away. revoke_cookie
// must be what ldc_mapin left in the slot's second word.
uint64_t hc_ldc_revoke(Call& c) {
  CHANNEL(c);
  uint64_t cookie = c.arg(1), revoke_cookie = c.arg(2);
  if (cookie >> 60) return HV_EBADPGSZ;
  uint64_t index = cookie >> 13, slot_pa;
  if (index >= e->map_entries || !c.g.ra_to_pa(e->map_ra + 16 * index, 16, slot_pa)) return HV_ENOMAP;
  if (c.hv.read_be64(slot_pa + 8) != revoke_cookie || !revoke_cookie) return HV_EINVAL;
  if (e->peer) {
    Guest& peer = *e->peer;
    for (auto it = peer.mapins.begin(); it != peer.mapins.end();)
      it = it->second.exporter == &c.g && it->second.channel == e->id && it->second.index == index ? peer.mapins.erase(it)
                                                                                                     : std::next(it);
    for (Vcpu& v : peer.vcpus) c.hv.flush_translations(v);
  }
  c.hv.write_be64(slot_pa + 8, 0);
  return HV_EOK;
}

#undef CHANNEL

}  // namespace vfsim::hv
