// The NCS API group (0x103): a guest's crypto units, each a core's SPU with a MAU queue and
// a CWQ (docs/crypto.md; reference t2plus-microarch.md §8.5, sun4v-hv-ldc-md.md §2).
//
// A queue is configured from a vCPU on the unit's own core (as the hypervisor requires, and
// as Linux's n2_core does on a CPU of the unit's sharing mask). ncs_settail hands the unit
// the entries from the old tail to the new one: the CWQ executes them at once (cwq.h) and
// each completes at a modelled core cycle, after the work queued before it on the same unit;
// the head moves past each entry when it is due (ncs_gethead), the request's status goes into
// its initial entry's control word then, and an interrupt follows if it asked for one. The
// calling strand is not held: the unit works beside it.
#include <algorithm>

#include <fmt/format.h>

#include "hv/hcall.h"
#include "sim/trace/trace.h"

namespace vfsim::hv {

namespace {

constexpr uint64_t kEntry = kCwqEntryBytes;

uint64_t handle_of(const CryptoUnit& u, uint64_t type) {
  return (type == NCS_QTYPE_CWQ ? kNcsCwqSignature : kNcsMauSignature) << 32 | u.core;
}

// The queue a handle names, if it is one of this guest's configured queues.
NcsQueue* queue_of(Guest& g, uint64_t handle, CryptoUnit** unit = nullptr) {
  uint64_t sig = handle >> 32, core = handle & 0xffffffffu;
  for (CryptoUnit& u : g.spu) {
    if (u.core != core) continue;
    NcsQueue* q = sig == kNcsCwqSignature ? &u.cwq : sig == kNcsMauSignature ? &u.mau : nullptr;
    if (!q || !q->type || q->v1) return nullptr;   // (a 1.0 queue has no handle)
    if (unit) *unit = &u;
    return q;
  }
  return nullptr;
}

CryptoUnit* unit_of_caller(Call& c) {
  unsigned core = c.v.strand / c.hv.machine.plat.strands_per_core;
  for (CryptoUnit& u : c.g.spu)
    if (u.core == core) return &u;
  return nullptr;
}

bool pow2(uint64_t n) { return n && !(n & (n - 1)); }

}  // namespace

// What has completed by core cycle `now`: the head moves past it, requests get their status,
// and interrupts are raised.
void Hypervisor::ncs_progress(Guest& g, uint64_t now) {
  for (CryptoUnit& u : g.spu)
    for (NcsQueue* q : {&u.cwq, &u.mau}) {
      size_t done = 0;
      bool intr = false;
      for (const NcsQueue::Job& j : q->jobs) {
        if (j.due > now) break;
        q->head = j.end;
        if (j.status_ra && !j.image.empty()) {   // a MAU descriptor, finished
          uint64_t pa;
          if (g.ra_to_pa(j.status_ra, j.image.size(), pa)) machine.mem.write(pa, j.image.data(), j.image.size());
        } else if (j.status_ra) {
          // The status bits go into the request's control word (big-endian, the top byte
          // holds the opcode: bits 50-52 are in its second byte).
          uint64_t pa;
          uint8_t b[8];
          if (g.ra_to_pa(j.status_ra, 8, pa) && machine.mem.read(pa, b, 8)) {
            uint64_t w = 0;
            for (int i = 0; i < 8; ++i) w = w << 8 | b[i];
            w = (w & ~cw::kStatusMask) | j.status;
            for (int i = 0; i < 8; ++i) b[i] = uint8_t(w >> (56 - 8 * i));
            machine.mem.write(pa, b, 8);
          }
        }
        intr |= j.intr || (q->marker_set && q->head == q->marker);
        ++done;
      }
      q->jobs.erase(q->jobs.begin(), q->jobs.begin() + long(done));
      if (intr) raise_interrupt(g, q == &u.cwq ? u.cwq_intr : u.mau_intr);
    }
}

uint64_t Hypervisor::ncs_next_due(const Guest& g) const {
  uint64_t due = UINT64_MAX;
  for (const CryptoUnit& u : g.spu)
    for (const NcsQueue* q : {&u.cwq, &u.mau})
      if (!q->jobs.empty()) due = std::min(due, q->jobs.front().due);
  return due;
}

uint64_t hc_ncs_qconf(Call& c) {
  uint64_t type = c.arg(0), base = c.arg(1), n = c.arg(2);
  if (n == 0) {   // unconfigure: o1 is the handle
    CryptoUnit* u = nullptr;
    NcsQueue* q = queue_of(c.g, base, &u);
    if (!q) return HV_EINVAL;
    c.hv.ncs_progress(c.g, c.hv.call_cycles);
    if (!q->jobs.empty()) return HV_EWOULDBLOCK;   // the unit still works on it
    *q = NcsQueue();
    if (q == &u->cwq) u->chain = CwqChain();
    return HV_EOK;
  }
  if (type != NCS_QTYPE_CWQ && type != NCS_QTYPE_MAU) return HV_EINVAL;
  CryptoUnit* u = unit_of_caller(c);
  if (!u) return HV_ENOACCESS;   // this core's unit is not the domain's
  if (!pow2(n) || n < 2 || n > 64) return HV_EINVAL;
  if (base % kEntry) return HV_EBADALIGN;
  uint64_t pa;
  if (!c.g.ra_to_pa(base, n * kEntry, pa)) return HV_ENORADDR;
  NcsQueue& q = type == NCS_QTYPE_CWQ ? u->cwq : u->mau;
  if (q.type) return HV_EINVAL;   // configured already: unconfigure first
  q = NcsQueue();
  q.type = unsigned(type);
  q.base = base;
  q.entries = n;
  if (type == NCS_QTYPE_CWQ) u->chain = CwqChain();
  c.ret(1, handle_of(*u, type));
  return HV_EOK;
}

uint64_t hc_ncs_qinfo(Call& c) {
  NcsQueue* q = queue_of(c.g, c.arg(0));
  if (!q) return HV_EINVAL;
  c.ret(1, q->type);
  c.ret(2, q->base);
  c.ret(3, q->entries);
  return HV_EOK;
}

uint64_t hc_ncs_gethead(Call& c) {
  NcsQueue* q = queue_of(c.g, c.arg(0));
  if (!q) return HV_EINVAL;
  c.hv.ncs_progress(c.g, c.hv.call_cycles);
  c.ret(1, q->head);
  return HV_EOK;
}

uint64_t hc_ncs_gettail(Call& c) {
  NcsQueue* q = queue_of(c.g, c.arg(0));
  if (!q) return HV_EINVAL;
  c.ret(1, q->tail);
  return HV_EOK;
}

uint64_t hc_ncs_qhandle_to_devino(Call& c) {
  CryptoUnit* u = nullptr;
  NcsQueue* q = queue_of(c.g, c.arg(0), &u);
  if (!q) return HV_EINVAL;
  c.ret(1, u->core);
  return HV_EOK;
}

uint64_t hc_ncs_sethead_marker(Call& c) {
  NcsQueue* q = queue_of(c.g, c.arg(0));
  uint64_t off = c.arg(1);
  if (!q || off % kEntry || off >= q->entries * kEntry) return HV_EINVAL;
  q->marker = off;
  q->marker_set = true;
  return HV_EOK;
}

// The entries from the old tail to the new one, executed on the unit in order.
uint64_t hc_ncs_settail(Call& c) {
  CryptoUnit* u = nullptr;
  NcsQueue* q = queue_of(c.g, c.arg(0), &u);
  uint64_t tail = c.arg(1), size = q ? q->entries * kEntry : 0;
  if (!q || tail % kEntry || tail >= size) return HV_EINVAL;
  c.hv.ncs_progress(c.g, c.hv.call_cycles);
  // Entries still queued plus these must leave one slot free (head == tail means empty).
  uint64_t queued = (q->tail + size - q->head) % size, added = (tail + size - q->tail) % size;
  if (queued + added >= size) return HV_EINVAL;   // it would overrun work not yet done
  if (q->type == NCS_QTYPE_MAU) {
    c.hv.mau_run(c, *u, *q, tail);
    return HV_EOK;
  }
  CwqMemory mem{[&c](uint64_t ra, void* dst, uint64_t len) { return c.read(ra, dst, len); },
                [&c](uint64_t ra, const void* src, uint64_t len) { return c.write(ra, src, len); }};
  uint64_t at = std::max(c.hv.call_cycles, u->cwq_free_at);
  for (uint64_t off = q->tail; off != tail; off = (off + kEntry) % size) {
    CwqStep s = cwq_execute(u->chain, q->base + off, mem, c.hv.cwq_timing);
    at += s.cycles;
    NcsQueue::Job j;
    j.end = (off + kEntry) % size;
    j.due = at;
    if (s.request_ended) {
      j.status_ra = s.status_ra;
      j.status = s.error ? cw::kProtocolError : cw::kDone;
      j.intr = s.interrupt;
      ++u->requests;
      if (s.error && trace::on(trace::Category::crypto))
        trace::instant(trace::Category::crypto, c.hv.trace_ps(), trace::Track::vcpu(c.g.name, c.v.id), c.g.name, "CWQ protocol error",
                       fmt::format("ncs: CWQ of core {}: protocol error: {}", u->core, s.why));
    }
    q->jobs.push_back(j);
  }
  u->cwq_free_at = at;
  q->tail = tail;
  c.hv.rearm_at(at);
  return HV_EOK;
}

// The MAU's descriptors from the old tail to the new one (hv/mau.h): each checked, its register
// image run on the unit's MA memory, then finished (DONE or ERROR) at its modelled cycle. As
// the hypervisor does (OpenSPARC hcall_ncs.s mau_intr): after a failed descriptor the rest of
// its job (up to END) is marked ERROR without running, and the guest is interrupted when a
// job's END descriptor completes or the queue empties.
void Hypervisor::mau_run(Call& c, CryptoUnit& u, NcsQueue& q, uint64_t tail) {
  uint64_t size = q.entries * kNcsHvDescSize;
  uint64_t at = std::max(call_cycles, u.mau_free_at);
  MauRead read = [&c](uint64_t ra, void* dst, size_t len) { return c.read(ra, dst, len); };
  MauWrite write = [&c](uint64_t ra, const void* src, size_t len) { return c.write(ra, src, len); };
  for (uint64_t off = q.tail; off != tail; off = (off + kNcsHvDescSize) % size) {
    uint8_t raw[kNcsHvDescSize];
    NcsQueue::Job j;
    j.end = (off + kNcsHvDescSize) % size;
    j.status_ra = q.base + off;
    if (!c.read(q.base + off, raw, sizeof raw)) {   // (inside the queue, which is the guest's: not expected)
      j.due = at;
      q.jobs.push_back(j);
      continue;
    }
    NcsHvDesc d;
    NcsDescCheck chk = ncs_desc_parse_checked(raw, sizeof raw, &d, mau_timing);
    MauStatus st = MauStatus::InvalidOp;
    if (u.mau_job_failed) {
      d.state = nd::kStateError;   // the job failed earlier: not run
    } else if (!chk.ok()) {
      ncs_desc_finish(d, st);
    } else {
      MauResult r = mau_execute(u.ma, d.regs, read, write, mau_timing);
      st = r.status;
      at += r.cycles;
      ncs_desc_finish(d, st);
    }
    if (d.state == nd::kStateError) u.mau_job_failed = true;
    bool end = d.type & nd::kTypeEnd;
    if (end) u.mau_job_failed = false;
    j.due = at;
    j.intr = end || j.end == tail;
    j.image.resize(kNcsHvDescSize);
    ncs_desc_serialise(d, j.image.data());
    if (d.state == nd::kStateError && trace::on(trace::Category::crypto))
      trace::instant(trace::Category::crypto, trace_ps(), trace::Track::vcpu(c.g.name, c.v.id), c.g.name, "MAU descriptor error",
                     fmt::format("ncs: MAU of core {}: descriptor at {:#x}: {}", u.core, q.base + off,
                                 chk.ok() ? mau_status_name(st) : chk.why));
    q.jobs.push_back(j);
  }
  u.mau_free_at = at;
  q.tail = tail;
  rearm_at(at);
}

// NCS 1.0 (the T1-style interface, reference sun4v-hv-ldc-md.md §2 "NCS v1 argument
// blocks"): the MAU queue configured and driven through an argument block, its entries bare
// MAU register images {control, MPA, MA address, NP} (32 bytes), run synchronously: the call
// returns when they are done, the calling strand charged their modelled time.
//   QCONF       {u64 MAU id (the core), u64 base RA, u64 end RA, u64 #entries}
//   QTAIL_UPDATE {u64 MAU id, u64 new tail index, u64 sync flag (0: synchronous, the only one)}
uint64_t hc_ncs_request(Call& c) {
  uint64_t cmd = c.arg(0), ra = c.arg(1), size = c.arg(2);
  if (cmd != NCS_V1_QCONF && cmd != NCS_V1_QTAIL_UPDATE) return HV_EINVAL;
  if (ra % 8) return HV_EBADALIGN;
  const unsigned need = cmd == NCS_V1_QCONF ? 32 : 24;
  uint8_t block[32];
  if (size < need || !c.read(ra, block, need)) return HV_ENORADDR;
  uint64_t w[4] = {};
  for (unsigned i = 0; i < need / 8; ++i)
    for (int k = 0; k < 8; ++k) w[i] = w[i] << 8 | block[8 * i + unsigned(k)];
  CryptoUnit* u = unit_of_caller(c);
  if (!u || u->core != w[0]) return HV_ENOACCESS;   // its own core's unit, from one of its strands
  constexpr uint64_t kV1Entry = 32;
  NcsQueue& q = u->mau;
  if (cmd == NCS_V1_QCONF) {
    uint64_t base = w[1], end = w[2], n = w[3], pa;
    if (n == 0) {   // unconfigure
      if (q.type && q.v1) q = NcsQueue();
      return HV_EOK;
    }
    if (!pow2(n) || n < 2 || n > 64) return HV_EINVAL;
    if (base % kV1Entry) return HV_EBADALIGN;
    // The end is the last byte or the one past it: either agrees with the size, nothing else.
    if (end != base + n * kV1Entry && end != base + n * kV1Entry - 1) return HV_EINVAL;
    if (!c.g.ra_to_pa(base, n * kV1Entry, pa)) return HV_ENORADDR;
    if (q.type) return HV_EINVAL;
    q = NcsQueue();
    q.type = unsigned(NCS_QTYPE_MAU);
    q.v1 = true;
    q.base = base;
    q.entries = n;
    return HV_EOK;
  }
  if (!q.type || !q.v1) return HV_EINVAL;
  uint64_t tail = w[1];
  if (tail >= q.entries) return HV_EINVAL;
  if (w[2] != 0) return HV_ENOTSUPPORTED;   // asynchronous: not implemented (nor was it in the hypervisor)
  MauRead read = [&c](uint64_t at, void* dst, size_t len) { return c.read(at, dst, len); };
  MauWrite write = [&c](uint64_t at, const void* src, size_t len) { return c.write(at, src, len); };
  uint64_t cycles = 0, status = HV_EOK;
  for (uint64_t i = q.tail; i != tail; i = (i + 1) % q.entries) {
    uint8_t raw[kV1Entry];
    if (!c.read(q.base + i * kV1Entry, raw, kV1Entry)) return HV_ENORADDR;
    MauRegs r;
    uint64_t* f[4] = {&r.ctl, &r.mpa, &r.ma, &r.np};
    for (unsigned k = 0; k < 4; ++k) {
      *f[k] = 0;
      for (unsigned b = 0; b < 8; ++b) *f[k] = *f[k] << 8 | raw[8 * k + b];
    }
    MauResult res = mau_execute(u->ma, r, read, write, c.hv.mau_timing);
    cycles += res.cycles;
    if (res.status != MauStatus::Ok) {   // the queue stops at the entry that failed
      status = res.status == MauStatus::BadAddress ? HV_ENORADDR : HV_EINVAL;
      tail = i;
      break;
    }
  }
  q.head = q.tail = tail;
  c.core.delay(c.slot, cycles);   // synchronous: the strand waited for the unit
  u->mau_free_at = std::max(u->mau_free_at, c.hv.call_cycles) + cycles;
  return status;
}

}  // namespace vfsim::hv
