// Guest suspend (docs/hypervisor.md "Guest suspend"): the guest's OS, asked by the domain
// manager (Domain Services domain-suspend), parks all its vCPUs but one, which calls
// guest_suspend. That vCPU stops where it is, its call already complete, so that what stays
// behind (registers, memory, hypervisor state) is exactly what a migration carries and a
// resume continues from: the call returns EOK once resume_guest runs it again.
#include "hv/hcall.h"

namespace vfsim::hv {

// No arguments. Only the last vCPU not stopped may suspend: the others could not be
// carried over consistently mid-flight. EWOULDBLOCK otherwise (the guest may stop them and
// retry), as for cpu_mondo_send's "not now".
uint64_t hc_guest_suspend(Call& c) {
  for (const Vcpu& v : c.g.vcpus)
    if (&v != &c.v && v.state != CPU_STATE_STOPPED) return HV_EWOULDBLOCK;
  // Completed now (o0 = EOK, pc past the trap), as any call that returns; the strand then
  // stops, which costs no simulated time and which no interrupt ends (enqueue only wakes
  // strands that run).
  c.st.set_r(8, HV_EOK);
  c.st.pc = c.st.npc;
  c.st.npc += 4;
  c.returns = false;
  c.v.suspended = true;
  c.core.stop(c.slot);
  return HV_EOK;
}

bool Hypervisor::guest_suspended(const Guest& g) const {
  bool any = false;
  for (const Vcpu& v : g.vcpus) {
    if (!v.suspended && v.state != CPU_STATE_STOPPED) return false;
    any |= v.suspended;
  }
  return any;
}

void Hypervisor::resume_guest(Guest& g) {
  bool any = false;
  for (Vcpu& v : g.vcpus) {
    if (!v.suspended) continue;
    v.suspended = false;
    any = true;
    if (v.state == CPU_STATE_RUNNING) machine.core_of(v.strand).start(v.strand % machine.plat.strands_per_core);
  }
  if (any) rearm_device_events();   // its services' work waited for it
}

}  // namespace vfsim::hv
