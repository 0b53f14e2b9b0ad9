// CORE_TRAP API negotiation, and the machine and CPU calls of the CORE group.
#include <algorithm>

#include <fmt/format.h>

#include "hv/guest_md.h"
#include "hv/hcall.h"
#include "sim/state/codec.h"
#include "sim/trace/trace.h"

namespace vfsim::hv {

namespace {

struct Offered { unsigned group; uint64_t major, max_minor; };
// API versions this hypervisor offers (the OpenSPARC T2 set, §2.2, plus T2 Plus VF_CPU;
// CORE 1.2 for guest_suspend, which is what Solaris looks for before it offers suspend).
const Offered kOffered[] = {
    {GROUP_SUN4V, 1, 0}, {GROUP_CORE, 1, kCoreSuspendMinor}, {GROUP_INTR, 1, 0}, {GROUP_INTR, 2, 0},
    {GROUP_SOFT_STATE, 1, 0}, {GROUP_PCI, 1, 0}, {GROUP_LDC, 1, 0}, {GROUP_NCS, 1, 0}, {GROUP_NCS, 2, 0}, {GROUP_N2_CPU, 1, 0},
    {GROUP_VF_CPU, 1, 0},
};

unsigned queue_bits(unsigned queue) {
  static const GuestResources kDefaults;
  switch (queue) {
    case Q_CPU_MONDO: return kDefaults.q_cpu_mondo_bits;
    case Q_DEV_MONDO: return kDefaults.q_dev_mondo_bits;
    case Q_RESUMABLE: return kDefaults.q_resumable_bits;
    default: return kDefaults.q_nonresumable_bits;
  }
}
bool is_queue(uint64_t q) { return q >= Q_CPU_MONDO && q <= Q_NONRESUMABLE; }
bool pow2(uint64_t n) { return n && !(n & (n - 1)); }

}  // namespace

uint64_t hc_api_set_version(Call& c) {
  uint64_t group = c.arg(0), major = c.arg(1), minor = c.arg(2);
  bool known = false;
  for (const Offered& o : kOffered) {
    if (o.group != group) continue;
    // The Victoria Falls CPU group is a T2 Plus hypervisor's; a T2's (T5120/T5220) has only N2_CPU.
    if (group == GROUP_VF_CPU && c.hv.machine.plat.chip != "UltraSPARC-T2+") continue;
    known = true;
    if (o.major != major) continue;
    uint64_t actual = std::min(minor, o.max_minor);
    c.g.api[unsigned(group)] = {major, actual};
    c.ret(1, actual);
    return HV_EOK;
  }
  if (!known) return HV_EINVAL;
  if (major == 0) {   // major 0 gives the group up
    c.g.api.erase(unsigned(group));
    c.ret(1, 0);
    return HV_EOK;
  }
  return HV_ENOTSUPPORTED;   // an earlier negotiation of the group stays in force
}

uint64_t hc_api_get_version(Call& c) {
  // All 64 bits of the group count (reference §1.2): without this check group 2^32 + 1 was
  // truncated to CORE and reported CORE's version instead of EINVAL.
  if (c.arg(0) > 0xffffffffu) return HV_EINVAL;
  auto it = c.g.api.find(unsigned(c.arg(0)));
  if (it == c.g.api.end()) return HV_EINVAL;
  c.ret(1, it->second.first);
  c.ret(2, it->second.second);
  return HV_EOK;
}

uint64_t hc_api_putchar(Call& c) { return hc_cons_putchar(c); }
uint64_t hc_api_exit(Call& c) { return hc_mach_exit(c); }

uint64_t hc_mach_exit(Call& c) {
  c.hv.exit_guest(c.g, c.arg(0));
  c.st.set_r(8, HV_EOK);
  c.st.pc = c.st.npc;   // never returns; leave the vCPU past the trap for post-mortems
  c.st.npc += 4;
  c.returns = false;
  return HV_EOK;
}

uint64_t hc_mach_desc(Call& c) {
  uint64_t buf = c.arg(0), len = c.arg(1), size = c.g.md.size();
  c.ret(1, size);   // the real size, on success and when the buffer is too small
  if (buf & 15) return HV_EBADALIGN;
  if (len < size) return HV_EINVAL;
  if (!c.write(buf, c.g.md.data(), size)) return HV_ENORADDR;
  return HV_EOK;
}

// Soft reset: every other vCPU stops, the caller restarts at RTBA + the SIR vector with its
// memory kept.
uint64_t hc_mach_sir(Call& c) {
  for (Vcpu& v : c.g.vcpus)
    if (&v != &c.v && v.state == CPU_STATE_RUNNING) c.hv.stop_vcpu(c.g, v, CPU_STATE_STOPPED);
  isa::StrandState& st = c.st;
  st.tl = 0;
  st.set_gl(0);
  st.pstate = isa::PSTATE_PRIV;
  st.tba = c.v.rtba;
  st.pc = c.v.rtba + TT_SIR * 32;
  st.npc = st.pc + 4;
  c.v.mmu_enabled = false;
  c.hv.flush_translations(c.v);
  c.returns = false;
  return HV_EOK;
}

uint64_t hc_cpu_start(Call& c) {
  uint64_t id = c.arg(0), pc = c.arg(1), rtba = c.arg(2), arg = c.arg(3);
  Vcpu* v = c.g.vcpu(id);
  if (!v) return HV_ENOCPU;
  if ((pc & 3) || (rtba & 0xff)) return HV_EBADALIGN;
  if (!c.g.ra_ok(pc, 4) || !c.g.ra_ok(rtba, 4)) return HV_ENORADDR;
  if (v->state != CPU_STATE_STOPPED) return HV_EINVAL;
  // The boot convention of a started vCPU: MMU off, TL 0, TBA = RTBA, %o0 = arg.
  c.hv.reset_vcpu(*v, pc, rtba, arg);
  v->state = CPU_STATE_RUNNING;
  c.hv.machine.core_of(v->strand).start(v->strand % c.hv.machine.plat.strands_per_core);
  return HV_EOK;
}

uint64_t hc_cpu_stop(Call& c) {
  Vcpu* v = c.g.vcpu(c.arg(0));
  if (!v) return HV_ENOCPU;
  if (v == &c.v || v->state != CPU_STATE_RUNNING) return HV_EINVAL;
  c.hv.stop_vcpu(c.g, *v, CPU_STATE_STOPPED);
  return HV_EOK;
}

// Sleep until an interrupt may be pending: the next %stick_cmpr match, a mondo (enqueue
// wakes the vCPU), a service packet falling due, or yield_max_cycles. Returning early is allowed by the spec.
uint64_t hc_cpu_yield(Call& c) {
  cmt::Strand& s = *c.core.strands[c.slot];
  if (s.queue_pending || c.st.softint) return HV_EOK;
  uint64_t now = c.core.cycles, until = now + c.hv.yield_max_cycles;
  // %stick_cmpr is in the guest's time: the match is (cmpr - guest now) core cycles away.
  uint64_t cmpr = c.st.stick_cmpr, guest_now = now + c.st.stick_offset;
  if (!(cmpr >> 63) && s.stick_fired != cmpr) until = std::min(until, cmpr > guest_now ? now + (cmpr - guest_now) : now);
  uint64_t due = c.hv.ldc_next_due(c.g);   // a service's reply on its way: wake to take it
  if (due != UINT64_MAX) until = std::min(until, std::max(due, now + 1));
  c.core.sleep_until(c.slot, until);
  return HV_EOK;
}

uint64_t hc_cpu_qconf(Call& c) {
  uint64_t q = c.arg(0), base = c.arg(1), n = c.arg(2);
  if (!is_queue(q)) return HV_EINVAL;
  InterruptQueue& iq = c.v.queue(unsigned(q));
  if (q <= Q_DEV_MONDO) c.v.mondo_flows[q - Q_CPU_MONDO].at.clear();   // a new queue: its traced mondos are gone
  if (n == 0) {
    iq = InterruptQueue{};
    c.hv.update_queue_pending(c.v);
    return HV_EOK;
  }
  if (!pow2(n) || n < 2 || n > (1ull << queue_bits(unsigned(q)))) return HV_EINVAL;
  if (base & (n * kQueueEntryBytes - 1)) return HV_EBADALIGN;
  if (!c.g.ra_ok(base, n * kQueueEntryBytes)) return HV_ENORADDR;
  iq = InterruptQueue{base, n, 0, 0};
  c.hv.update_queue_pending(c.v);
  return HV_EOK;
}

uint64_t hc_cpu_qinfo(Call& c) {
  if (!is_queue(c.arg(0))) return HV_EINVAL;
  const InterruptQueue& iq = c.v.queue(unsigned(c.arg(0)));
  c.ret(1, iq.base_ra);
  c.ret(2, iq.entries);
  return HV_EOK;
}

uint64_t hc_cpu_myid(Call& c) {
  c.ret(1, c.v.id);
  return HV_EOK;
}

uint64_t hc_cpu_state(Call& c) {
  Vcpu* v = c.g.vcpu(c.arg(0));
  if (!v) return HV_ENOCPU;
  c.ret(1, v->state);
  return HV_EOK;
}

uint64_t hc_cpu_set_rtba(Call& c) {
  uint64_t rtba = c.arg(0);
  if (rtba & 0xff) return HV_EBADALIGN;
  if (!c.g.ra_ok(rtba, 4)) return HV_ENORADDR;
  c.ret(1, c.v.rtba);
  c.v.rtba = rtba;
  return HV_EOK;
}

uint64_t hc_cpu_get_rtba(Call& c) {
  c.ret(1, c.v.rtba);
  return HV_EOK;
}

// Cross-call: the 64-byte mondo goes to each listed vCPU's cpu mondo queue; delivered
// list entries become 0xffff, so the caller can retry the rest after HV_EWOULDBLOCK.
uint64_t hc_cpu_mondo_send(Call& c) {
  uint64_t n = c.arg(0), list = c.arg(1), data = c.arg(2);
  if (n == 0 || n > c.g.vcpus.size()) return HV_EINVAL;
  if ((list & 1) || (data & 63)) return HV_EBADALIGN;
  std::vector<uint8_t> ids(2 * n);
  uint8_t mondo[64];
  if (!c.read(list, ids.data(), ids.size()) || !c.read(data, mondo, 64)) return HV_ENORADDR;
  uint64_t status = HV_EOK;
  for (uint64_t i = 0; i < n; ++i) {
    unsigned id = state::be16(&ids[2 * i]);
    if (id == 0xffff) continue;
    Vcpu* v = c.g.vcpu(id);
    if (!v) return HV_ENOCPU;
    if (v == &c.v) return HV_EINVAL;
    if (v->state == CPU_STATE_ERROR) return HV_ECPUERROR;
    uint64_t flow = trace::on(trace::Category::intr) ? trace::new_flow() : 0;
    if (v->state != CPU_STATE_RUNNING || !c.hv.enqueue(c.g, *v, Q_CPU_MONDO, mondo, flow)) {
      status = HV_EWOULDBLOCK;
      continue;
    }
    if (flow) {   // on the sender's track; the flow ends where the target takes the trap
      trace::Event e(trace::Category::intr, trace::Phase::Instant, c.hv.trace_ps(),
                     trace::Track::vcpu(c.g.name, c.v.id), c.g.name, "cpu mondo send");
      e.flow_out = flow;
      uint64_t word0 = state::get_be(mondo, 8);
      e.arg("target", uint64_t(id)).arg("word0", word0);
      e.text = fmt::format("intr {}/vcpu{} -> {}/vcpu{}  cpu mondo word0={:#x}", c.g.name, c.v.id, c.g.name, id, word0);
      trace::emit(std::move(e));
    }
    const uint8_t done[2] = {0xff, 0xff};
    c.write(list + 2 * i, done, 2);
  }
  return status;
}

}  // namespace vfsim::hv
